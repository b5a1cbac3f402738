"""The planner's rules (METHOD §4), each on hand-built annotations."""

from __future__ import annotations

from planner_helpers import ann, run  # tests/respond/planner_helpers.py

from talkcure.formulate.memory import CourseMemory
from talkcure.model import (
    AllianceCue,
    Annotation,
    FantasyCue,
    RiskAssessment,
)
from talkcure.model import InterventionKind as K
from talkcure.respond.planner import Planner, response_to_interpretation
from talkcure.respond.state import SessionState


def test_risk_preempts_everything():
    risky = RiskAssessment(flagged=True, kinds=("suicide",), cues=("want_to_die",))
    a = ann("I feel so sad and my mother hates me, I want to die", "sad", person="mother",
            risk=risky, fantasy=(FantasyCue("wish", "I wish"),))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=5, turn=9))
    assert plan.kind == K.CRISIS and plan.rule == "risk_preempts"
    assert "crisis protocol pre-empts" in plan.reasons[0]


def test_missing_risk_annotation_fails_closed():
    a = Annotation(text="hello", risk=None)
    assert Planner().plan(a, CourseMemory(), SessionState()).kind == K.CRISIS


def test_screener_in_progress_stays_in_crisis():
    state = SessionState(crisis={"active": True, "step": "cssrs_2"})
    plan = Planner().plan(ann("no"), CourseMemory(), state)
    assert plan.kind == K.CRISIS and plan.rule == "crisis_in_progress"


def test_high_distress_leans_supportive():
    a = ann("I am completely devastated and terrified", "devastated", intensity=0.9,
            person=None)
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=4, turn=6))
    assert plan.kind == K.VALIDATION and plan.rule == "high_distress"


def test_early_first_session_validates_instead_of_clarifying():
    a = ann("My boss makes me feel stupid", "stupid", group="sadness", person="boss",
            category="work")
    early = Planner().plan(a, CourseMemory(), SessionState(session_number=1, turn=1))
    later = Planner().plan(a, CourseMemory(), SessionState(session_number=3, turn=5))
    assert early.kind == K.VALIDATION and "early in the first session" in early.reasons[-1]
    assert later.kind == K.CLARIFICATION


def test_no_interpretation_before_the_pattern_is_seen_twice():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    first = run(planner, memory, state,
                ann("My mother ignored me again and I felt so hurt", "hurt", person="mother"), 1)
    assert first.kind != K.INTERPRETATION
    run(planner, memory, state, ann("Work was fine today", person=None), 2)
    second = run(planner, memory, state,
                 ann("When my mother forgot my birthday I was so hurt", "hurt", person="mother"),
                 3)
    assert second.kind == K.INTERPRETATION
    assert set(second.evidence) >= {1, 3}
    assert "seen in 2 utterances" in second.reasons[0]


def test_interpretation_not_in_early_first_session():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=1)
    kinds = [run(planner, memory, state,
                 ann(f"My mother criticised me again {i}, I feel hurt", "hurt",
                     person="mother"), i + 1).kind for i in range(3)]
    assert K.INTERPRETATION not in kinds


def test_at_most_one_interpretation_in_a_few_turns_and_rejected_not_repeated():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    run(planner, memory, state, ann("My mother ignores me, I feel hurt", "hurt",
                                    person="mother"), 1)
    p = run(planner, memory, state, ann("My mother ignored me again, hurt", "hurt",
                                        person="mother"), 2)
    assert p.kind == K.INTERPRETATION
    answer = run(planner, memory, state, ann("No, that's not it at all, my mother is fine"), 3)
    assert state.interpretations[-1]["response"] == "disagrees"
    assert answer.kind == K.VALIDATION and answer.rule == "interpretation_rejected"
    assert "pair:mother|sadness" in state.rejected
    later = [run(planner, memory, state, ann("My mother made me feel hurt again", "hurt",
                                             person="mother"), 4 + i).kind for i in range(6)]
    assert K.INTERPRETATION not in later


def test_accepted_interpretation_invites_elaboration():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    run(planner, memory, state, ann("My dad shouts and I get angry", "angry", group="anger",
                                    person="dad"), 1)
    assert run(planner, memory, state, ann("My dad shouted, I was angry", "angry",
                                           group="anger", person="dad"), 2).kind == \
        K.INTERPRETATION
    plan = run(planner, memory, state, ann("Yes, exactly, that's it"), 3)
    assert state.interpretations[-1]["response"] == "agrees"
    assert plan.kind == K.ELABORATION and plan.material["focus"] == "accepted"


def test_past_present_link():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=3)
    run(planner, memory, state, ann("When I was little my father never noticed me and I felt "
                                    "lonely", "lonely", person="father", childhood=True), 1)
    plan = run(planner, memory, state,
               ann("My husband works late and I feel lonely", "lonely", person="husband",
                   category="partner"), 2)
    assert plan.kind == K.INTERPRETATION and plan.rule == "interpret_past_present"
    assert plan.material["past_person"] == "father" and plan.material["person"] == "husband"


def test_not_the_same_move_over_and_over():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    kinds = [run(planner, memory, state, ann(f"I feel sad {i}", "sad", intensity=0.6), i).kind
             for i in range(1, 8)]
    for a, b, c in zip(kinds, kinds[1:], kinds[2:], strict=False):
        assert not (a == b == c), kinds


def test_minimising_is_confronted_gently_after_the_start():
    planner = Planner()
    a = ann("I was furious with my sister but whatever, it doesn't matter", "furious",
            group="anger", intensity=0.6, person="sister")
    plan = planner.plan(a, CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.kind == K.CONFRONTATION and plan.material["focus"] == "minimising"
    early = planner.plan(a, CourseMemory(), SessionState(session_number=1, turn=1))
    assert early.kind != K.CONFRONTATION


def test_avoided_feeling_is_taken_up_later_not_at_once():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    run(planner, memory, state, ann("I feel so ashamed about what I did", "ashamed",
                                    group="sadness", intensity=0.7), 1)
    shift = run(planner, memory, state, ann("Anyway, my boss wants the report on Friday",
                                            person="boss", category="work"), 2)
    assert shift.kind != K.CONFRONTATION  # not at once
    run(planner, memory, state, ann("Friday is the deadline for everything"), 3)
    back = run(planner, memory, state, ann("I don't know what else to say"), 4)
    assert back.kind == K.CONFRONTATION and back.material["focus"] == "avoided"
    assert back.evidence[-1] == 1


def test_alliance_strain_and_guidance_and_fantasy():
    planner, memory = Planner(), CourseMemory()
    strain = ann("You're not helping at all", alliance=(AllianceCue("disappointment", "x"),))
    assert planner.plan(strain, memory, SessionState(turn=3)).kind == K.VALIDATION
    ask = ann("What should I do about my anxiety?", "anxiety", group="fear", emotion="fear")
    assert planner.plan(ask, memory, SessionState(turn=3)).kind == K.GUIDANCE
    dream = ann("I had a dream about my old house", fantasy=(FantasyCue("dream", "dream"),))
    plan = planner.plan(dream, memory, SessionState(turn=3))
    assert plan.kind == K.ELABORATION and plan.material["focus"] == "dream"


def test_every_plan_has_reasons_and_rule():
    planner = Planner()
    for a in (ann("hi"), ann("I feel sad", "sad"), ann("My mum called", person="mum"),
              ann("I'm so happy today", "happy", group="joy", emotion="joy")):
        plan = planner.plan(a, CourseMemory(), SessionState(turn=2))
        assert plan.reasons and plan.rule


def test_response_classifier():
    assert response_to_interpretation(Annotation("No, I don't think so")) == "disagrees"
    assert response_to_interpretation(Annotation("Yeah, that makes sense")) == "agrees"
    assert response_to_interpretation(Annotation("It reminds me of school")) == "elaborates"
