"""Episodes, patterns and the whole formulation, built purely from annotated turns."""

from __future__ import annotations

import json

from talkcure.formulate.episodes import EpisodeTracker, core_theme, relationship_patterns
from talkcure.formulate.formulation import build_formulation
from talkcure.formulate.render import formulation_text
from talkcure.listen.pipeline import default_pipeline
from talkcure.model import Speaker, Turn

PIPE = default_pipeline()

# Seeker messages after CounselChat questions 625, 656, 11 and 48 (../shared/data/counselchat).
COURSE = {
    1: ["My mother and I have an okay relationship.",
        "However, I'm afraid to tell her anything personal because she either doesn't listen, "
        "she turns it around and makes everything about her.",
        "So I just keep things to myself and feel so alone.",
        "Work was fine today."],
    2: ["I'm always listening to my husband, but it feels like he never listens to me.",
        "I tried telling my husband I was depressed, and he ignored me.",
        "I end up going quiet and feeling so alone.",
        "I felt so stupid lol, but whatever, it's not a big deal."],
    3: ["When I was a kid my mom never listened to me and I just went quiet.",
        "She's just busy, it's not her fault.",
        "You don't really get it either, do you?"],
}


def turns(course=COURSE):
    out, tid = {}, 0
    for number, texts in course.items():
        session = []
        for i, text in enumerate(texts):
            tid += 1
            session.append(Turn(tid, number, 2 * i + 1, Speaker.PATIENT, text,
                                annotation=PIPE.annotate_one(text)))
            tid += 1
            session.append(Turn(tid, number, 2 * i + 2, Speaker.COMPANION, "Tell me more."))
        out[number] = session
    return out


def test_episodes_group_consecutive_utterances_about_the_same_other():
    tracker = EpisodeTracker()
    for number, ts in turns().items():
        for t in ts:
            if t.speaker == Speaker.PATIENT:
                tracker.add(t.annotation, t.id, number, t.index)
    eps = tracker.episodes
    assert [(e.object, e.session, e.time) for e in eps] == [
        ("mother", 1, "present"), ("husband", 2, "present"), ("mother", 3, "childhood"),
        ("companion", 3, "present")]
    # "So I just keep things to myself" has no one in it: it continues the mother episode
    # (the first utterance states no component: no episode opens yet)
    assert [m.turn_id for m in eps[0].utterances] == [3, 5]
    assert eps[0].main("RO") == "rejecting_opposing" and eps[0].main("W") == "loved_understood"
    assert eps[2].main("RS") == "unreceptive"


def test_patterns_across_relationships_and_from_the_past():
    tracker = EpisodeTracker()
    for number, ts in turns().items():
        for t in ts:
            if t.speaker == Speaker.PATIENT:
                tracker.add(t.annotation, t.id, number, t.index)
    patterns = relationship_patterns(tracker.episodes)
    kinds = {p.kind for p in patterns}
    assert {"ccrt_link", "ccrt_across"} <= kinds
    link = next(p for p in patterns if p.kind == "ccrt_link")
    assert (link.past.object, link.present.object) == ("mother", "husband")
    assert ("RO", "rejecting_opposing") in link.items
    assert {m.session for m in link.evidence()} == {1, 2, 3}
    core = core_theme(tracker.episodes)
    assert core["W"]["cluster"] == "loved_understood" and core["W"]["count"] == 4
    assert core["RO"]["cluster"] == "rejecting_opposing"


def test_a_single_episode_is_no_pattern():
    tracker = EpisodeTracker()
    for i, text in enumerate(COURSE[1]):
        tracker.add(PIPE.annotate_one(text), i + 1, 1, 2 * i + 1)
    assert len(tracker.episodes) == 1 and relationship_patterns(tracker.episodes) == []


def test_formulation_lists_evidence_for_every_finding():
    course = turns()
    f = build_formulation(course)
    texts = {t.id: t.text for ts in course.values() for t in ts}
    assert f.sessions == [1, 2, 3] and f.utterances == 11 and len(f.episodes) == 4
    findings = [*f.core_theme.values(), *f.patterns, *f.past_present, *f.people, *f.avoided,
                *f.recurring, *f.therapy_relationship, *f.defenses.specific]
    assert findings
    for finding in findings:
        assert finding.evidence, finding.title
        for m in finding.evidence:
            assert m.turn_id in texts and m.quote
            assert m.quote.split()[0] in texts[m.turn_id] or m.quote in texts[m.turn_id]
    assert f.core_theme["RO"].data["label"] == "rejecting and opposing"
    assert any(p.kind == "ccrt_link" for p in f.past_present)
    people = {p.data["person"]: p for p in f.people}
    assert people["husband"].data["repeats_past"] and people["mother"].data["past_of_a_link"]
    assert {a.kind for a in f.avoided} == {"minimising"}
    assert {d.data["defense"] for d in f.defenses.specific} >= {"humour_deflection",
                                                                "rationalising"}
    assert f.defenses.odf is not None and f.defenses.trend["sessions"] >= 2
    relation = {t.kind for t in f.therapy_relationship}
    assert {"disappointment", "episode"} <= relation  # "you don't really get it either"
    json.dumps(f.to_dict())  # serialisable
    text = formulation_text(f, "Ana")
    assert "Core conflictual relationship theme" in text and "session 3, turn" in text


def test_build_is_pure_and_takes_sessions_in_any_order():
    course = turns()
    a = build_formulation(course).to_dict()
    b = build_formulation(dict(reversed(list(course.items())))).to_dict()
    assert a == b
    assert build_formulation({}).to_dict()["episodes"] == []
