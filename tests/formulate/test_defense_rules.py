"""The rule defense detector, the DMRS level of an utterance, ODF and its trend."""

from __future__ import annotations

import pytest

from talkcure.formulate.defenses import detect, move_of, odf, rate, specs, trend
from talkcure.listen.pipeline import rules_pipeline
from talkcure.model import Annotation, DefenseReading, RiskAssessment

PIPE = rules_pipeline()  # the rule ratings under test; the head is given explicitly


def ann(text):
    return PIPE.annotate_one(text)


@pytest.mark.parametrize("text, name, level", [
    ("I was furious with my sister but whatever, it doesn't matter", "minimising", 3),
    ("My mom never listened to me lol, I was so sad as a kid", "humour_deflection", 6),
    ("I'm not upset at all, it doesn't bother me.", "denial", 3),
    ("Statistically, most marriages go through rough patches.", "intellectualising", 6),
    ("He's just stressed, that's why he yells.", "rationalising", 3),
    ("Everyone is judging me.", "projection", 3),
    ("I took it out on my kids when it was my boss who upset me.", "displacement", 5),
    ("I'm so worthless.", "devaluation", 4),
    ("She's perfect, she could never do anything wrong.", "idealisation", 4),
    ("I just gave him the silent treatment for a week.", "passive_aggression", 1),
    ("I got drunk and smashed my phone.", "acting_out", 1),
    ("Nothing helps, I've tried everything.", "help_rejecting", 1),
    ("One minute she's perfect, the next she's a monster.", "splitting", 2),
])
def test_specific_defenses(text, name, level):
    hits = {h.name: h.level for h in detect(ann(text))}
    assert hits.get(name) == level, hits


def test_minimising_and_humour_need_a_feeling_nearby():
    assert not detect(ann("Whatever, let's do it lol"))
    prev = ann("I felt so humiliated at work today.")
    assert {h.name for h in detect(ann("lol whatever"), prev)} >= {"humour_deflection",
                                                                  "minimising"}


def test_topic_shift_after_a_strong_feeling():
    prev = ann("I feel so ashamed about what I did to her.")
    hits = detect(ann("Anyway, my boss wants the report on Friday."), prev)
    assert [h.name for h in hits] == ["topic_shift"] and hits[0].level == 5
    assert not detect(ann("My boss wants the report on Friday."), ann("I had lunch."))


def test_level_from_the_head_when_it_ran_else_rules_else_unrated():
    text = "I'm not upset at all."
    head = Annotation(text, risk=RiskAssessment.none(),
                      defense=DefenseReading(6, "6 obsessional", 0.41))
    rated = rate(head)
    assert (rated.level, rated.source, rated.confidence) == (6, "head", 0.41)
    assert [h.name for h in rated.defenses] == ["denial"]  # the specific defense still told
    assert rate(Annotation(text, defense=DefenseReading(8, "8 needs more information", .5))
                ).level is None
    assert (rate(ann(text)).level, rate(ann(text)).source) == (3, "rules")
    adaptive = rate(ann("I think I tend to pull back when I feel hurt."))
    assert adaptive.level == 7 and adaptive.defenses[0].name == "self_observation"
    assert rate(ann("Hello")).level is None


def test_odf_and_trend():
    assert odf([3, 7, None, 0, 8, 5]) == 5.0
    assert odf([]) is None
    t = trend([(1, 3.0), (2, 4.0), (3, 5.0)])
    assert t["slope"] == 1.0 and t["direction"] == "rising"
    assert trend([(1, 5.0)])["direction"] == "not enough sessions"
    assert trend([(1, 5.0), (2, 5.0)])["direction"] == "flat"


def test_every_defense_has_a_dmrs_level_and_plain_words():
    defenses, mature = specs()
    for spec in defenses:
        assert 1 <= spec.level <= 6 and spec.dmrs and move_of(spec.name)
    assert {name for name, _ in mature} >= {"affiliation", "self_observation", "anticipation"}
