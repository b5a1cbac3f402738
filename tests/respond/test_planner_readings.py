"""The planner with the learned readings: DMRS defense level and client talk (METHOD §4).

Annotations are built by hand, as the listening pipeline fills them; the real
Planner runs on a real CourseMemory and SessionState, and the real wording
renders the plans.
"""

from __future__ import annotations

import pytest
from planner_helpers import ann, run  # tests/respond/planner_helpers.py

from talkcure.formulate.memory import CourseMemory
from talkcure.model import (
    AllianceCue,
    Annotation,
    DefenseReading,
    Intervention,
    RiskAssessment,
    TalkReading,
)
from talkcure.model import InterventionKind as K
from talkcure.respond.planner import Planner, PlannerConfig
from talkcure.respond.state import SessionState
from talkcure.respond.wording.templates import TemplateWording, load_templates

LABELS = {0: "0 none", 1: "1 action", 2: "2 major image-distorting", 3: "3 disavowal",
          4: "4 minor image-distorting", 5: "5 neurotic", 6: "6 obsessional",
          7: "7 high-adaptive", 8: "8 needs more information"}


def defense(level, confidence=0.8):
    return DefenseReading(level, LABELS[level], confidence)



MINIMISING = "I was furious with my sister but whatever, it doesn't matter"


def minimising(**kw):
    return ann(MINIMISING, "furious", group="anger", intensity=0.6, person="sister", **kw)


def word(plan, recent=()):
    text, vid = TemplateWording(seed=5).word(plan, list(recent), turn=1)
    assert text and "{" not in text and "}" not in text, (vid, text)
    return text, vid


# ------------------------------------------------------------------ immature defense


@pytest.mark.parametrize("level", [1, 2, 3])
def test_confident_immature_defense_withholds_the_minimising_confrontation(level):
    state = lambda: SessionState(session_number=2, turn=4)  # noqa: E731
    plain = Planner().plan(minimising(), CourseMemory(), state())
    assert plain.kind == K.CONFRONTATION and plain.rule == "minimising"  # without the reading

    plan = Planner().plan(minimising(defense=defense(level, 0.7)), CourseMemory(), state())
    assert plan.kind == K.VALIDATION and plan.rule == "immature_defense"
    assert plan.material["focus"] == "support" and plan.material["person"] == "sister"
    assert plan.material["feeling"] == "furious"
    assert f"DMRS level {level}" in plan.reasons[0]
    assert "support, don't challenge" in plan.reasons[0]
    assert "no confrontation or interpretation" in plan.reasons[0]
    text, vid = word(plan)
    assert vid.startswith("val-support") and "your sister" in text and "furious" in text


@pytest.mark.parametrize("reading", [defense(7, 0.9), defense(5, 0.9), defense(4, 0.9),
                                     defense(0, 0.9), defense(8, 0.9), defense(2, 0.45)])
def test_mature_unsure_or_no_defense_reading_still_confronts(reading):
    plan = Planner().plan(minimising(defense=reading), CourseMemory(),
                          SessionState(session_number=2, turn=4))
    assert plan.kind == K.CONFRONTATION and plan.rule == "minimising"


def test_threshold_and_levels_are_configurable():
    a = minimising(defense=defense(2, 0.45))
    state = SessionState(session_number=2, turn=4)
    plan = Planner(PlannerConfig(defense_confidence=0.4)).plan(a, CourseMemory(), state)
    assert plan.rule == "immature_defense" and "0.45 ≥ 0.4" in plan.reasons[0]
    narcissistic = minimising(defense=defense(4, 0.9))
    plan = Planner(PlannerConfig(immature_max_level=4)).plan(narcissistic, CourseMemory(), state)
    assert plan.rule == "immature_defense"


def _mother_pattern(planner, memory, state):
    run(planner, memory, state, ann("My mother ignored me again and I felt so hurt", "hurt",
                                    person="mother"), 1)
    run(planner, memory, state, ann("Work was fine today"), 2)


THIRD = "When my mother forgot my birthday I was so hurt"


def test_confident_immature_defense_withholds_the_interpretation_until_later():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    _mother_pattern(planner, memory, state)
    held = run(planner, memory, state,
               ann(THIRD, "hurt", person="mother", defense=defense(2, 0.8)), 3)
    assert held.kind == K.VALIDATION and held.rule == "immature_defense"
    assert "DMRS level 2 (major image-distorting)" in held.reasons[0]
    assert state.interpretations == []  # not offered, so not spent
    later = run(planner, memory, state,
                ann("My mother never asks how I am, I feel hurt", "hurt", person="mother"), 4)
    assert later.kind == K.INTERPRETATION  # deferred, not lost


def test_same_pattern_with_a_mature_defense_is_interpreted():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    _mother_pattern(planner, memory, state)
    plan = run(planner, memory, state,
               ann(THIRD, "hurt", person="mother", defense=defense(7, 0.8)), 3)
    assert plan.kind == K.INTERPRETATION


def test_avoided_feeling_is_kept_for_a_later_turn_under_an_immature_defense():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    run(planner, memory, state, ann("I feel so ashamed about what I did", "ashamed",
                                    intensity=0.7), 1)
    run(planner, memory, state, ann("Anyway, my boss wants the report on Friday",
                                    person="boss", category="work"), 2)
    run(planner, memory, state, ann("Friday is the deadline for everything"), 3)
    held = run(planner, memory, state,
               ann("I don't know what else to say", defense=defense(1, 0.6)), 4)
    assert held.kind == K.VALIDATION and held.rule == "immature_defense"
    assert held.material == {"focus": "support", "quote": "I don't know what else to say"}
    assert state.used_avoidances == []
    _, vid = word(held)
    assert vid.startswith("val-support")
    back = run(planner, memory, state, ann("I really don't know"), 5)
    assert back.kind == K.CONFRONTATION and back.material["focus"] == "avoided"


def test_exploration_is_withheld_under_an_immature_defense():
    a = dict(text="When I was little my father never noticed me", person="father",
             childhood=True)
    state = lambda: SessionState(session_number=2, turn=3)  # noqa: E731
    plain = Planner().plan(ann(**a), CourseMemory(), state())
    assert plain.rule == "explore_early_memory"
    plan = Planner().plan(ann(**a, defense=defense(3)), CourseMemory(), state())
    assert plan.rule == "immature_defense" and plan.material["person"] == "father"
    assert "feeling" not in plan.material


def test_a_positive_feeling_is_not_named_as_the_one_to_support():
    a = ann("My new boyfriend is perfect, the best person ever, I'm so happy", "happy",
            group="joy", emotion="joy", intensity=0.8, person="boyfriend", category="partner",
            defense=defense(2))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=3))
    assert plan.rule == "immature_defense" and "feeling" not in plan.material
    text, _ = word(plan)
    assert "happy" not in text


def test_higher_priority_rules_keep_priority_over_the_defense_reading():
    planner, memory = Planner(), CourseMemory()
    d = defense(1, 0.9)
    risky = RiskAssessment(flagged=True, kinds=("self_harm",), cues=("cut",))
    assert planner.plan(ann("I want to cut myself", risk=risky, defense=d), memory,
                        SessionState(turn=3)).rule == "risk_preempts"
    strain = ann("You're not helping at all", alliance=(AllianceCue("disappointment", "x"),),
                 defense=d)
    assert planner.plan(strain, memory, SessionState(turn=3)).rule == "alliance_strain"
    ask = ann("What should I do about my anxiety?", "anxiety", group="fear", emotion="fear",
              defense=d)
    assert planner.plan(ask, memory, SessionState(turn=3)).rule == "asks_for_guidance"
    high = ann("I am completely devastated and terrified", "devastated", intensity=0.9,
               defense=d)
    assert planner.plan(high, memory, SessionState(turn=3)).rule == "high_distress"


def test_a_question_to_the_companion_is_answered_and_the_reason_names_the_defense():
    a = ann("Do you think I'm the problem?", defense=defense(2, 0.8))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=3))
    assert plan.rule == "question_to_companion"
    assert any("DMRS level 2" in r and "support, don't challenge" in r for r in plan.reasons)


# ------------------------------------------------------------------ change talk


ON_PHONE = "I need to stop checking my phone at night"


def test_confident_change_talk_is_affirmed_and_evoked():
    a = ann(ON_PHONE, talk=TalkReading("change", 0.85))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=3))
    assert plan.kind == K.AFFIRMATION and plan.rule == "change_talk"
    assert plan.material["focus"] == "change" and plan.material["quote"] == ON_PHONE
    assert "change talk (confidence 0.85" in plan.reasons[0]
    text, vid = word(plan)  # the variant that uses the person's own words comes first
    assert vid == "aff-change-2" and "you need to stop checking your phone at night" in text


def test_less_sure_change_talk_is_evoked_with_an_open_question():
    a = ann(ON_PHONE, talk=TalkReading("change", 0.65))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=3))
    assert plan.kind == K.ELABORATION and plan.rule == "change_talk"
    assert plan.material["focus"] == "change"
    _, vid = word(plan)
    assert vid.startswith("ela-change")


@pytest.mark.parametrize("talk", [None, TalkReading("change", 0.55),
                                  TalkReading("neutral", 0.95)])
def test_unsure_or_neutral_talk_changes_nothing(talk):
    plan = Planner().plan(ann(ON_PHONE, talk=talk), CourseMemory(),
                          SessionState(session_number=2, turn=3))
    assert plan.rule == "open"


def test_change_talk_quotes_only_a_one_clause_utterance():
    a = ann("My mother ignores me, and I really want to stop letting her", person="mother",
            talk=TalkReading("change", 0.9))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=3))
    assert plan.rule == "change_talk" and "quote" not in plan.material
    text, vid = word(plan)
    assert vid in {"aff-change-1", "aff-change-3"} and "ignores" not in text


def test_defense_before_content_and_distress_come_before_change_talk():
    # a feeling played down in the same breath is pointed to first (defense before content)
    a = minimising(talk=TalkReading("change", 0.8))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.rule == "minimising"
    # but change talk is taken up before a plain reflection of the feeling
    same = ann("I feel sad, and I want to start seeing friends again", "sad",
               talk=TalkReading("change", 0.8))
    plan = Planner().plan(same, CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.rule == "change_talk"
    assert Planner().plan(ann("I feel sad, and I want to start seeing friends again", "sad"),
                          CourseMemory(), SessionState(session_number=2, turn=4)).rule != \
        "change_talk"
    high = ann("I'm so terrified all the time, I want to get better", "terrified",
               group="fear", intensity=0.9, talk=TalkReading("change", 0.9))
    plan = Planner().plan(high, CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.rule == "high_distress"


def test_repeated_change_talk_is_varied_but_keeps_its_focus():
    planner, memory, state = Planner(), CourseMemory(), SessionState(session_number=2)
    plans = [run(planner, memory, state,
                 ann(f"I want to start running again {i}", talk=TalkReading("change", 0.9)),
                 i) for i in range(1, 4)]
    assert [p.kind for p in plans] == [K.AFFIRMATION, K.AFFIRMATION, K.ELABORATION]
    assert plans[2].rule == "change_talk+varied" and plans[2].material["focus"] == "change"


# ------------------------------------------------------------------ sustain talk


def test_sustain_talk_is_not_confronted_and_the_ambivalence_is_reflected():
    a = minimising(talk=TalkReading("sustain", 0.7))
    plan = Planner().plan(a, CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.kind == K.VALIDATION and plan.rule == "sustain_talk"
    assert plan.material["focus"] == "ambivalence"
    assert "roll with it" in plan.reasons[0] and "both sides" in plan.reasons[0]
    _, vid = word(plan)
    assert vid.startswith("val-amb")


def test_sustain_talk_without_a_feeling_is_clarified_in_the_persons_words():
    text = "I don't see the point in changing, that's just who I am"
    plan = Planner().plan(ann(text, talk=TalkReading("sustain", 0.7)), CourseMemory(),
                          SessionState(session_number=2, turn=3))
    assert plan.kind == K.CLARIFICATION and plan.rule == "sustain_talk"
    assert plan.material == {"focus": "ambivalence", "quote": text}
    words, vid = word(plan)
    assert vid == "cla-amb-2"
    assert "you don't see the point in changing, that's just who you are" in words


def test_sustain_talk_with_a_question_answers_it_and_still_does_not_confront():
    text = MINIMISING + ". What do you think?"
    plain = Planner().plan(ann(text, "furious", group="anger", person="sister"),
                           CourseMemory(), SessionState(session_number=2, turn=4))
    assert plain.rule == "minimising"
    plan = Planner().plan(ann(text, "furious", group="anger", person="sister",
                              talk=TalkReading("sustain", 0.8)),
                          CourseMemory(), SessionState(session_number=2, turn=4))
    assert plan.rule == "question_to_companion"


def test_sustain_talk_early_in_the_first_session_is_validated():
    text = "I don't see the point in changing, that's just who I am"
    plan = Planner().plan(ann(text, talk=TalkReading("sustain", 0.7)), CourseMemory(),
                          SessionState(session_number=1, turn=1))
    assert plan.kind == K.VALIDATION and plan.material["focus"] == "ambivalence"
    _, vid = word(plan)
    assert vid.startswith("val-amb")


# ------------------------------------------------------------------ no readings: as before


SCENES = [
    ann(MINIMISING, "furious", group="anger", person="sister"),
    ann("My boss makes me feel stupid", "stupid", person="boss", category="work"),
    ann("I feel sad", "sad"),
    ann("My mum called", person="mum"),
    ann("I'm so happy today", "happy", group="joy", emotion="joy", intensity=0.8),
    ann("When I was little my father never noticed me", person="father", childhood=True),
    ann("Do you think I'm the problem?"),
    ann("hi"),
]


@pytest.mark.parametrize("i", range(len(SCENES)))
@pytest.mark.parametrize("turn", [1, 4])
def test_readings_that_do_not_qualify_leave_the_plan_as_it_was(i, turn):
    base = SCENES[i]
    idle = Annotation(**{**base.__dict__, "defense": defense(6, 0.9),
                         "talk": TalkReading("neutral", 0.9)})
    plans = [Planner().plan(a, CourseMemory(), SessionState(session_number=1, turn=turn))
             for a in (base, idle)]
    assert plans[0] == plans[1]


# ------------------------------------------------------------------ wording


MATERIAL = {"feeling": "furious", "emotion": "anger", "person": "sister",
            "quote": "I keep putting it off, it's not a big deal"}


@pytest.mark.parametrize("kind,focus", [(K.VALIDATION, "support"),
                                        (K.VALIDATION, "ambivalence"),
                                        (K.CLARIFICATION, "ambivalence"),
                                        (K.ELABORATION, "ambivalence"),
                                        (K.AFFIRMATION, "change"),
                                        (K.ELABORATION, "change")])
def test_every_new_variant_renders_without_unfilled_slots(kind, focus):
    wanted = {v.id for v in load_templates()["variants"][kind.value] if v.focus == focus}
    assert wanted
    seen, used = set(), []
    for material in (MATERIAL, {}):
        for _ in range(len(wanted) + 1):
            plan = Intervention(kind, ["t"], {**material, "focus": focus})
            text, vid = word(plan, used)
            assert plan.kind == kind
            seen.add(vid)
            used.append(vid)
        used.clear()
    assert seen == wanted
