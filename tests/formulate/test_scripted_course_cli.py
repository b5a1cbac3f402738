"""A six-session course through `talkcure chat`, then `talkcure formulate` and `fidelity`.

The person's messages are seeker material from CounselChat (../shared/data/
counselchat, question ids) and ESConv (../shared/data/esconv, conversation
ids), CC BY-NC 4.0 / research use: verbatim where marked (=), otherwise cut
or adapted to a chat line (~). They are arranged so that one relationship
pattern recurs with the mother (now and in childhood) and the husband:
wanting to be listened to and understood / the other doesn't listen / the
person goes quiet, withdraws and feels hurt and alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from talkcure.formulate.formulation import build_formulation
from talkcure.model import InterventionKind, Speaker

COURSE = [
    [  # session 1
        "Hi. I had problems in the past and somehow right now.",  # = ESConv valid_0000
        "My mother and I have an okay relationship. I know she loves me unconditionally, and I "
        "love her the same.",  # = CounselChat 625
        "However, more times than not, I'm afraid to tell her anything personal because she "
        "either doesn't listen, she turns it around and makes everything about her, or she "
        "ignores things.",  # ~ CounselChat 625
        "I've shut down completely and closed everyone out. I feel so alone.",  # ~ CC 567, 533
        "I don't know what to do.",  # = ESConv (many seekers)
    ],
    [  # session 2
        "I'm always listening to my husband, but it feels like he never listens to me.",  # = 656
        "I tried telling my husband I was depressed, and he ignored me. He picked up his phone "
        "and ignored me.",  # = CounselChat 11
        "Yes, that's true. I just went quiet and I felt so hurt.",  # ~ CounselChat 643
        "I've told him how I feel for years. My self-esteem is gone.",  # = CounselChat 533
        "I had a dream last night that I was shouting and nobody could hear me.",  # ~ valid_0054
    ],
    [  # session 3
        "When I was a kid my mom never listened to me either. I would tell her something "
        "serious and she wouldn't take me seriously.",  # ~ CounselChat 48
        "I stopped telling her things and kept to myself.",  # ~ CounselChat 48
        "It was lonely lol, but whatever, it's not a big deal.",  # ~ ESConv test_0103
        "Yeah, I guess it does matter.",
        "I wish my mom would just listen to me for once.",  # ~ CounselChat 598
    ],
    [  # session 4
        "My husband snapped at me again yesterday and didn't listen to a word I said.",  # ~ 0191
        "I just walked away and cried. I felt so hurt and alone.",  # ~ CounselChat 533
        "Haha, I know, I'm a mess lol.",  # ~ ESConv test_0136
        "Do you even understand what I mean?",
        "I just want him to take me seriously.",  # ~ CounselChat 11
    ],
    [  # session 5
        "I tried to tell my mom about my marriage, and she turned it around and made it about "
        "her again.",  # ~ CounselChat 625
        "I went quiet again and felt invisible.",
        "He's just stressed, that's why he doesn't listen.",  # ~ CounselChat 643
        "She's just busy, it's not her fault.",  # ~ CounselChat 593
        "What should I do?",  # = CounselChat (many)
    ],
    [  # session 6
        "I told my husband how I feel and he actually listened for once.",
        "I felt heard and I didn't go quiet this time.",
        "I think I tend to pull back when I feel nobody listens.",
        "Thank you for listening to me.",  # = ESConv (many seekers)
    ],
]


def talkcure(*args: str, input: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talkcure.cli", *args], input=input,
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)


def run_course():
    for lines in COURSE:
        out = talkcure("chat", "--patient", "Ana", "--seed", "1",
                       input="\n".join(lines) + "\n/quit\n")
        assert out.returncode == 0, out.stderr


def stored_course():
    from talkcure.settings import database_url
    from talkcure.store import Store

    store = Store(database_url(None))
    patient = store.get_patient("Ana")
    return [(info, store.turns_of(info.id)) for info in store.sessions_of(patient.id)]


def test_six_session_course_formulation_interpretation_and_fidelity():
    run_course()
    course = stored_course()
    assert [info.number for info, _ in course] == [1, 2, 3, 4, 5, 6]
    turns = [t for _, ts in course for t in ts]
    assert not any(t.plan and t.plan.kind == InterventionKind.CRISIS for t in turns)

    # --- the formulation names the pattern, with its evidence
    out = talkcure("formulate", "Ana", "--json")
    assert out.returncode == 0, out.stderr
    f = json.loads(out.stdout)
    core = {k: v["cluster"] for k, v in f["core_theme"].items()}
    assert core["W"] == "loved_understood" and core["RO"] == "rejecting_opposing"
    assert core["RS"] in {"unreceptive", "disappointed_depressed"}
    across = [p for p in f["patterns"] if p["kind"] == "ccrt_across"
              and {"mother", "husband"} <= set(p["others"])]
    assert across, f["patterns"]
    assert {"rejecting_opposing"} <= {c["cluster"] for c in across[0]["components"]}
    assert len({e["session"] for e in across[0]["evidence"]}) >= 2
    link = [p for p in f["past_present"] if p["kind"] == "ccrt_link"]
    assert link and "with mother in childhood and with husband now" in link[0]["title"]
    text_of = {t.id: t.text for t in turns}
    for finding in [*f["core_theme"].values(), *f["patterns"], *f["past_present"],
                    *f["people"], *f["avoided"], *f["recurring"], *f["therapy_relationship"]]:
        assert finding["evidence"], finding["title"]
        for ev in finding["evidence"]:
            assert ev["quote"].split()[0] in text_of[ev["turn"]]
            assert 1 <= ev["session"] <= 6
    as_text = talkcure("formulate", "Ana")
    assert "across relationships (mother, husband" in as_text.stdout
    assert "session 1, turn" in as_text.stdout and "ODF over the course" in as_text.stdout

    # --- the first interpretation comes only once the pattern has appeared twice
    interpretations = [t for t in turns if t.plan and t.plan.kind ==
                       InterventionKind.INTERPRETATION]
    assert interpretations
    first = interpretations[0]
    before = {}
    for info, ts in course:
        kept = [t for t in ts if t.id < first.id]
        if kept:
            before[info.number] = kept
    so_far = build_formulation(before)
    shown = [p for p in so_far.patterns + so_far.past_present
             if len(p.data.get("episodes", [])) >= 2]
    assert shown, "interpreted before any pattern had appeared in two episodes"
    assert set(first.plan.evidence) <= {t.id for ts in before.values() for t in ts}
    for plan in (t.plan for t in interpretations):
        assert len(set(plan.evidence)) >= 2 and plan.reasons
    # none before: the earlier companion turns offer no interpretation
    assert all(t.plan.kind != InterventionKind.INTERPRETATION
               for t in turns if t.speaker == Speaker.COMPANION and t.id < first.id)

    # --- fidelity: all ten psychodynamic CPPS items, more of them than CBT items
    out = talkcure("fidelity", "Ana", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["course"]["psychodynamic_missing"] == []
    assert len(report["course"]["psychodynamic_covered"]) == 10
    assert len(report["course"]["psychodynamic_covered"]) > \
        len(report["course"]["cognitive_behavioural_covered"])
    assert len(report["sessions"]) == 6
    assert all(s["balance"]["expressive"] + s["balance"]["supportive"] == s["companion_turns"]
               for s in report["sessions"])
    text = talkcure("fidelity", "Ana")
    assert "Course: psychodynamic items 10/10" in text.stdout


def test_unknown_person_exits_2_with_one_sentence():
    for command in ("formulate", "fidelity"):
        out = talkcure(command, "Nobody")
        assert out.returncode == 2
        assert "No person called 'Nobody'" in out.stderr and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
