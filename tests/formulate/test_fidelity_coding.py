"""CPPS coding of companion turns (respond/fidelity.py)."""

from __future__ import annotations

from talkcure.model import Intervention, Speaker, Turn
from talkcure.model import InterventionKind as K
from talkcure.respond.fidelity import CB, PI, code_turn, course_fidelity, items


def plan(kind, rule="r", **material):
    return Intervention(kind, ["t"], material=material, rule=rule)


def test_twenty_items_ten_per_family():
    fam = [i.family for i in items().values()]
    assert fam.count(PI) == 10 and fam.count(CB) == 10


def test_interpretations_links_and_patterns():
    link = code_turn(plan(K.INTERPRETATION, focus="ccrt_link"),
                     "With your mother when you were young, and with your husband now...")
    assert {"pi2", "pi3", "pi7", "pi8"} <= set(link)
    repeated = code_turn(plan(K.INTERPRETATION, focus="ccrt_repeated"), "I wonder...")
    assert {"pi7", "pi8"} <= set(repeated) and "pi3" not in repeated


def test_defenses_feelings_relationship_and_wishes():
    assert {"pi1", "pi5", "pi6"} <= set(code_turn(plan(K.CONFRONTATION, focus="defense"), "x"))
    assert {"pi1", "pi5"} <= set(code_turn(plan(K.ELABORATION, focus="here_now"), "x"))
    assert "pi4" in code_turn(plan(K.ELABORATION, focus="relationship"), "x")
    assert "pi4" in code_turn(plan(K.VALIDATION, focus="alliance"), "x")
    assert "pi10" in code_turn(plan(K.ELABORATION, focus="dream"), "x")
    assert "pi10" in code_turn(plan(K.ELABORATION, focus="early_memory"), "x")
    assert "pi9" in code_turn(plan(K.ELABORATION, rule="open"), "Go on, I'm listening.")
    assert "pi1" in code_turn(plan(K.CLARIFICATION, emotion="sadness"), "So you feel sad.")
    assert "pi1" not in code_turn(plan(K.CLARIFICATION, emotion="joy"), "So you feel glad.")


def test_guidance_is_cognitive_behavioural():
    found = code_turn(plan(K.GUIDANCE, focus="coping"),
                      "One thing some people find helpful when they feel anxious is to slow "
                      "down: breathe out longer than you breathe in. Would you like to try that?")
    assert {"cb1", "cb2", "cb9"} <= set(found)
    assert all(items()[k].family == CB for k in found)
    assert code_turn(plan(K.CRISIS), "Please call 988.") == []


def test_course_fidelity_per_session_and_balance():
    t = [Turn(1, 1, 1, Speaker.PATIENT, "hi"),
         Turn(2, 1, 2, Speaker.COMPANION, "Go on, I'm listening.",
              plan=plan(K.ELABORATION, rule="open")),
         Turn(3, 1, 3, Speaker.PATIENT, "..."),
         Turn(4, 1, 4, Speaker.COMPANION, "Please call 988.", plan=plan(K.CRISIS))]
    report = course_fidelity([(1, t, {})])
    s = report["sessions"][0]
    assert s["companion_turns"] == 1 and s["crisis_turns"] == 1
    assert s["items"] == {"pi9": 1} and s["balance"] == {"expressive": 1, "supportive": 0,
                                                          "crisis": 1}
    assert "pi1" in report["course"]["psychodynamic_missing"]
