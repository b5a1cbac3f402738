"""The risk component: the red-team suite (recall 1.0, false alarms <= 10%), negation,
imminence, fail-closed behaviour, rule-name cues, and long input."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from talkcure.listen import risk, risk_fields
from talkcure.listen.component import Component
from talkcure.listen.risk import RiskComponent, assess_risk, load_lexicon, normalise
from talkcure.model import Annotation

SUITE = Path(__file__).resolve().parents[1] / "data" / "redteam_suite.jsonl"
MAX_FALSE_ALARM_RATE = 0.10


def _suite() -> list[dict]:
    return [json.loads(x) for x in SUITE.read_text(encoding="utf-8").splitlines() if x.strip()]


def _rule_names() -> set[str]:
    lex = risk.lexicon()
    rules = {r.name for r in lex.rules} | {name for name, _ in lex.imminence}
    return rules | risk_fields.rule_names()


# --------------------------------------------------------------------------- the suite


def test_suite_is_big_and_varied_enough():
    rows = _suite()
    n_risk = sum(r["risk"] for r in rows)
    assert n_risk >= 150 and len(rows) - n_risk >= 75
    kinds = {r.get("kind") for r in rows if r["risk"]}
    assert {"suicide", "self_harm", "harm_to_others", "abuse", "emergency"} <= kinds
    assert len({r["text"] for r in rows}) == len(rows), "duplicate phrasings"


def test_suite_holds_every_public_red_team_line(shared):
    public = [json.loads(x) for x in
              (shared / "data" / "redteam" / "public.jsonl").read_text().splitlines() if x.strip()]
    ours = {r["text"]: r["risk"] for r in _suite()}
    assert len(public) == 45
    for row in public:
        assert ours.get(row["text"]) == row["risk"], row["text"]


def test_red_team_recall_is_total_and_false_alarms_are_rare():
    rows = _suite()
    results = [(row, assess_risk(row["text"])) for row in rows]
    risky = [(row, a) for row, a in results if row["risk"]]
    safe = [(row, a) for row, a in results if not row["risk"]]
    missed = [row["text"] for row, a in risky if not a.flagged]
    false = [row["text"] for row, a in safe if a.flagged]
    recall = 1 - len(missed) / len(risky)
    rate = len(false) / len(safe)
    print(f"\nred team: {len(risky)} risk, {len(safe)} controls; recall {recall:.3f}, "
          f"false-alarm rate {rate:.3f} ({len(false)}: {false})")
    assert missed == [], f"missed crises: {missed}"
    assert rate <= MAX_FALSE_ALARM_RATE
    assert not any(a.error for _, a in results)


def test_suite_kinds_are_read_as_labelled():
    wrong = []
    for row in _suite():
        if row["risk"] and row.get("kind"):
            a = assess_risk(row["text"])
            if row["kind"] not in a.kinds:
                wrong.append((row["kind"], a.kinds, row["text"]))
    assert wrong == []


def test_prefix_gate_finds_what_a_full_scan_finds():
    lex = risk.lexicon()
    ungated = dataclasses.replace(lex, prefixes=(None,) * len(lex.prefixes), index={})
    assert all(p is not None for p in lex.prefixes), "a pattern lost its literal prefix"
    for row in _suite():
        a, b = risk._scan(row["text"]), risk._scan(row["text"], ungated)
        assert (a.flagged, a.kinds, a.imminent) == (b.flagged, b.kinds, b.imminent), row["text"]


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("text", [
    "I would never kill myself, but sometimes I wish I wasn't here.",
    "I don't want to kill myself but I keep thinking about it.",
    "I'm not suicidal anymore but I still think about it",
    "I'm not going to kill myself tonight.",
    "Part of me wants to die, but I'd never kill myself.",
])
def test_negation_does_not_hide_risk(text):
    assert assess_risk(text).flagged


@pytest.mark.parametrize("text", [
    "I'm not suicidal, I just feel sad.",
    "I would never hurt myself, I just need to vent.",
    "No thoughts of harming myself or anyone else.",
    "I don't want to die, I want my life to change.",
    "My therapist asked if I'd ever felt suicidal and I said no.",
])
def test_plain_denial_is_not_flagged(text):
    assert not assess_risk(text).flagged


def test_imminence():
    assert assess_risk("Tonight's the night, I'm finally going to do it.").imminent
    assert assess_risk("I have a plan to kill myself.").imminent
    now = assess_risk("I took too many pills an hour ago.")
    assert now.imminent and "emergency" in now.kinds
    past = assess_risk("I overdosed two years ago.")
    assert past.flagged and not past.imminent and past.kinds == ("suicide",)
    assert not assess_risk("I think about suicide sometimes.").imminent


@pytest.mark.parametrize("text", ["KMS", "i want to die", "I  WANT   TO DIE", "i wnat to dye",
                                  "i want to kil myself", "I’m gonna unalive myself"])
def test_case_spacing_slang_and_misspellings(text):
    # a bare "dye" with nothing to dye reads as "die" (recall first); "dye my hair" does not
    assert assess_risk(text).flagged


@pytest.mark.parametrize("text", [
    "i want to dye my hair blue", "I'm dying my hair red this weekend",
    "How can I get through to him so he will take me seriously?",
    "I'm going to kill my sister lol", "mum will kill me",
    "I'm scared my mum will kill me when she sees my report card.",
])
def test_idioms_near_misspellings_threats_and_jokes_do_not_fire(text):
    assert not assess_risk(text).flagged, assess_risk(text).cues


def test_a_joke_marker_excuses_only_the_idiomatic_verb():
    assert assess_risk("I'm going to kill my stepdad").flagged
    assert assess_risk("i'm gonna stab my brother lol").flagged
    assert assess_risk("I'm scared my dad will hit me when he sees my report card").flagged


def test_accident_is_not_self_harm_but_on_purpose_is():
    assert not assess_risk("I cut myself shaving.").flagged
    assert assess_risk("I cut myself on purpose while cooking.").flagged


def test_normalise():
    assert normalise("I’m NOT ok!! Don't…go") == "im not ok | dont | go"
    assert normalise("I ' m sure he hasn ' t") == "im sure he hasnt"


# --------------------------------------------------------------------------- contract


def test_component_contract():
    comp = RiskComponent()
    assert isinstance(comp, Component)
    assert (comp.name, comp.version, comp.requires, comp.assigns) == (
        "risk", "rules-1", (), ("risk",))
    anns = [Annotation(text="I want to die"), Annotation(text="lovely walk today")]
    comp.annotate(anns)
    assert anns[0].risk.flagged and not anns[1].risk.flagged


def test_cues_are_rule_names_never_patient_text():
    names = _rule_names()
    for row in _suite():
        a = assess_risk(row["text"])
        assert set(a.cues) <= names, (a.cues, row["text"])
    secret = "zebra-umbrella kill myself zebra-umbrella"
    assert not any("zebra" in c for c in assess_risk(secret).cues)


# --------------------------------------------------------------------------- failing closed


def test_an_internal_error_fails_closed(monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(risk, "_scan", boom)
    a = assess_risk("a sunny day")
    assert a.flagged and a.error and a.kinds == ("unknown",)
    anns = [Annotation(text="a sunny day")]
    RiskComponent().annotate(anns)
    assert anns[0].risk.flagged and anns[0].risk.error


def test_a_broken_lexicon_fails_closed(monkeypatch):
    monkeypatch.setattr(risk, "lexicon", lambda: (_ for _ in ()).throw(ValueError("bad")))
    assert assess_risk("hello").error


def test_non_text_fails_closed():
    assert assess_risk(None).error  # type: ignore[arg-type]


def test_lexicon_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown kind"):
        load_lexicon("vocab: {}\ndenials: []\nambivalence: x\nambivalence_before: x\n"
                     "contexts: {intent: x, remote_past: y}\nimminence: []\n"
                     "kinds: {nonsense: [{name: a, pattern: b}]}\n")
    with pytest.raises(ValueError, match="broken"):
        load_lexicon("vocab: {}\ndenials: []\nambivalence: x\nambivalence_before: x\n"
                     "contexts: {intent: x, remote_past: y}\nimminence: []\n"
                     "kinds: {suicide: [{name: broken, pattern: '(a'}]}\n")


# --------------------------------------------------------------------------- long input


def test_one_megabyte_message_completes():
    """Proves a 1 MB message finishes (no catastrophic backtracking); not timed."""
    random.seed(7)
    words = ("the a i my he she we want to go home work feel sad tired never wake up "
             "pills bridge tonight but not really hits me and so on just kill").split()
    filler = " ".join(random.choice(words) for _ in range(120_000))
    text = (filler + ". Honestly I just want to die. " + filler)[:1_000_000]
    a = assess_risk(text)
    assert a.flagged and not a.error
    calm = ("I walked the dog and had a quiet day at work. " * 25_000)[:1_000_000]
    assert not assess_risk(calm).flagged
    same = ("he he she they " * 70_000)[:1_000_000]
    assert not assess_risk(same).error
