"""The planner: every reply is first a plan, one move on the continuum (METHOD §4).

Pure: it reads the current annotation, the course memory and the session
state, and returns an :class:`Intervention` with the rule that decided and the
reasons in plain words. Rules run in order; the first that applies wins, then
two checks adjust the choice: early sessions lean supportive, and no kind of
move three times running. The learned readings (a confident immature defense,
change or sustain talk) are read by the rules in :mod:`talkcure.respond.readings`;
without them the planner decides on the rule readings alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from talkcure.formulate.memory import CourseMemory, clause_around, minimises
from talkcure.model import NEGATIVE_GROUPS, Annotation, Intervention
from talkcure.model import InterventionKind as K
from talkcure.respond import dynamics, readings
from talkcure.respond.state import CURRENT_TURN, SessionState
from talkcure.respond.wording.templates import feeling_word, person_phrase


@cache
def _phrases(group: str) -> re.Pattern[str]:
    path = files("talkcure") / "data" / "lexicons" / "requests.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))[group]
    body = "|".join(re.escape(str(p)).replace("'", "['’]") for p in sorted(items, key=len)[::-1])
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)


def asks_for_guidance(text: str) -> bool:
    return _phrases("advice").search(text) is not None


_QUESTION_TO_YOU = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:so|and|but|oh|ok|okay|well)[\s,]+)?(?:what|why|how|when|where|who|which|"
    r"do|does|did|is|are|was|were|can|could|would|will|have|has)\b[^.!?]*\byou(?:r|rself)?\b"
    r"(?!\s+know\b)[^.!?]*(?:\?|\.?$)",
    re.IGNORECASE,
)
NEGATIVE_EMOTIONS = frozenset({"anger", "annoyance", "disapproval", "disgust", "fear",
                               "nervousness", "sadness", "disappointment", "embarrassment",
                               "grief", "remorse"})
POSITIVE_TO_AFFIRM = frozenset({"joy", "amusement", "excitement", "pride", "relief", "gratitude",
                                "love", "admiration", "optimism"})


def asks_the_companion(text: str) -> bool:
    """A question put to the companion itself ("did you ever...?", "what do you think?")."""
    return _QUESTION_TO_YOU.search(text.strip()) is not None


def response_to_interpretation(ann: Annotation) -> str:
    """Classify the answer to an interpretation: agrees | disagrees | elaborates."""
    head = " ".join(ann.text.split()[:8])
    if _phrases("disagree").search(head):
        return "disagrees"
    if any(c.kind == "agreement" for c in ann.alliance) or _phrases("agree").search(head):
        return "agrees"
    return "elaborates"


@dataclass(frozen=True)
class PlannerConfig:
    distress_threshold: float = 0.75  # at or above: lean supportive
    min_evidence: int = 2  # utterances a pattern needs before it is interpreted
    interpretation_gap: int = 4  # companion turns between two interpretations
    confrontation_gap: int = 3
    early_turns: int = 3  # patient turns of the first session that count as early
    max_repeats: int = 2  # the same kind at most this many times running
    defense_confidence: float = 0.5  # at or above: act on a defense reading
    immature_max_level: int = 3  # DMRS 1..this: support, don't challenge or interpret
    talk_confidence: float = 0.6  # at or above: act on a change/sustain talk reading
    change_affirm_confidence: float = 0.75  # change talk this sure is affirmed, else evoked


class Planner:
    def __init__(self, config: PlannerConfig | None = None):
        self.config = config or PlannerConfig()

    # ------------------------------------------------------------------ public

    def plan(self, ann: Annotation, memory: CourseMemory, state: SessionState) -> Intervention:
        if ann.risk is None or ann.risk.flagged:
            kinds = ", ".join(ann.risk.kinds) if ann.risk else "risk component did not run"
            return Intervention(
                K.CRISIS,
                [f"risk language ({kinds}): the crisis protocol pre-empts every other reply"],
                evidence=[CURRENT_TURN],
                rule="risk_preempts",
            )
        if state.crisis and state.crisis.get("active"):
            return Intervention(
                K.CRISIS,
                ["the safety questions are still under way"],
                evidence=[CURRENT_TURN],
                rule="crisis_in_progress",
            )
        plan = self._choose(ann, memory, state)
        plan = self._lean_supportive_early(plan, ann, state)
        plan = self._vary(plan, ann, memory, state)
        if CURRENT_TURN not in plan.evidence:
            plan.evidence.insert(0, CURRENT_TURN)
        return plan

    def record_response(self, ann: Annotation, state: SessionState) -> str | None:
        """If the last move was an interpretation, classify and record the answer."""
        if not state.kinds or state.kinds[-1] != K.INTERPRETATION.value:
            return None
        if not state.interpretations or state.interpretations[-1].get("response"):
            return None
        answer = response_to_interpretation(ann)
        last = state.interpretations[-1]
        last["response"] = answer
        if answer == "disagrees":  # never offered again, nor what shares its components
            state.rejected.extend(k for k in [last["key"], *last.get("related", ())]
                                  if k not in state.rejected)
        return answer

    # ------------------------------------------------------------------ rules

    def _choose(self, ann: Annotation, memory: CourseMemory, state: SessionState) -> Intervention:
        cfg = self.config
        feeling = _main_feeling(ann)
        person = _main_person(ann)
        distress = ann.distress
        strained = [c for c in ann.alliance if c.kind in {"disappointment", "rupture"}]
        if strained:
            return Intervention(
                K.VALIDATION,
                [f"strained alliance ({strained[0].kind}): move to the supportive end and "
                 "acknowledge the strain"],
                material={"focus": "alliance"},
                rule="alliance_strain",
            )
        last_answer = _last_interpretation_answer(state)
        if last_answer == "disagrees":
            return Intervention(
                K.VALIDATION,
                ["the person turned down the last interpretation: record it, don't repeat it, "
                 "follow their view"],
                material={"focus": "rejected"},
                rule="interpretation_rejected",
            )
        if asks_for_guidance(ann.text):
            material = {"focus": "coping"}
            if feeling:
                material["feeling"] = feeling.cue
            return Intervention(
                K.GUIDANCE,
                ["the person asks for direct help: offer a coping idea, tentatively"],
                material=material,
                rule="asks_for_guidance",
            )
        if distress >= cfg.distress_threshold and feeling is not None:
            return Intervention(
                K.VALIDATION,
                [f"high distress ({feeling.cue}, intensity {distress:.2f} ≥ "
                 f"{cfg.distress_threshold}): lean supportive"],
                material=_material(ann, feeling, person),
                rule="high_distress",
            )
        if last_answer == "agrees":
            return Intervention(
                K.ELABORATION,
                ["the person agreed with the last interpretation: invite them to take it further"],
                material={"focus": "accepted"},
                rule="interpretation_accepted",
            )
        immature = readings.immature_defense(ann, cfg)  # support, don't challenge
        held = self._early(state) or immature is not None
        sustain = readings.talk(ann, cfg, "sustain")  # roll with it: never confront it
        confrontation = None if held or sustain else self._confrontation(ann, memory, state,
                                                                            feeling)
        if confrontation:  # defense before content
            return confrontation
        interpretation = None if held else self._interpretation(ann, memory, state)
        if interpretation:  # a pattern that meets the evidence rule comes first
            return interpretation
        if ann.talk is not None and not asks_the_companion(ann.text):  # a question is answered
            negative = feeling is not None and feeling.group in NEGATIVE_GROUPS
            talk = readings.talk_move(ann, cfg, _material(ann, feeling, person), negative)
            if talk:
                return readings.noting(talk, immature)
        lead = _patient_lead(ann, feeling, person)
        if lead:
            return readings.noting(lead, immature)
        explore = None if held else dynamics.exploration(ann, memory, state)
        if explore:
            return explore
        if immature:
            negative_feeling = feeling if feeling and feeling.group in NEGATIVE_GROUPS else None
            return readings.support(immature, cfg, _material(ann, negative_feeling, person))
        if feeling is not None and feeling.group in NEGATIVE_GROUPS:
            if person is not None:
                return Intervention(
                    K.CLARIFICATION,
                    [f"a feeling ({feeling.cue}) tied to a person ({person.role}): reformulate "
                     "to sharpen it"],
                    material=_material(ann, feeling, person),
                    rule="feeling_with_person",
                )
            if feeling.intensity >= 0.5:
                return Intervention(
                    K.VALIDATION,
                    [f"a strong feeling ({feeling.cue}, {feeling.intensity:.2f}): reflect and "
                     "normalise it"],
                    material=_material(ann, feeling, None),
                    rule="strong_feeling",
                )
            return Intervention(
                K.CLARIFICATION,
                [f"a feeling named ({feeling.cue}): reformulate it"],
                material=_material(ann, feeling, None),
                rule="feeling",
            )
        grateful = any(c.kind == "gratitude" for c in ann.alliance)
        glad = [a for a in ann.affects if a.emotion in POSITIVE_TO_AFFIRM and a.intensity >= 0.5]
        if grateful or glad:
            emotion = "gratitude" if grateful else max(glad, key=lambda a: a.intensity).emotion
            focus = {"gratitude": "gratitude", "optimism": "hope"}.get(emotion, "good")
            return Intervention(
                K.AFFIRMATION,
                [f"something good said ({emotion}): affirm it"],
                material={**_material(ann, feeling, person), "focus": focus},
                rule="positive",
            )
        if person is not None:
            return Intervention(
                K.ELABORATION,
                [f"a person mentioned ({person.role}) without a feeling yet: invite more"],
                material=_material(ann, None, person),
                rule="person_without_feeling",
            )
        return Intervention(
            K.ELABORATION,
            ["no clear feeling or person yet: an open question, the person leads"],
            material=_material(ann, None, None),
            rule="open",
        )

    def _early(self, state: SessionState) -> bool:
        return state.session_number == 1 and state.turn <= self.config.early_turns

    def _confrontation(self, ann, memory: CourseMemory, state, feeling) -> Intervention | None:
        since = state.turns_since(K.CONFRONTATION)
        if since is not None and since < self.config.confrontation_gap:
            return None
        glad = any(a.group == "joy" and a.intensity > feeling.intensity for a in ann.affects) \
            if feeling is not None else False
        if (feeling is not None and feeling.group in NEGATIVE_GROUPS and not glad
                and minimises(ann.text, feeling.end)):
            return Intervention(
                K.CONFRONTATION,
                [f"the feeling ({feeling.cue}) is named and played down in the same breath: "
                 "gently point to the defense (defense before content)"],
                material={"focus": "minimising", **_material(ann, feeling, _main_person(ann))},
                rule="minimising",
            )
        defense = dynamics.defense_confrontation(ann, memory, state)
        if defense:
            return defense
        if ann.distress >= 0.5 or state.used_avoidances or not _open_moment(ann):
            return None  # at most once a session, and only when the person isn't mid-request
        pending = memory.pending_avoidance(_index_of(state), state.session_number)
        if pending and pending.turn_id not in state.used_avoidances:
            state.used_avoidances.append(pending.turn_id)
            return Intervention(
                K.CONFRONTATION,
                [f"earlier the feeling '{pending.word}' came near and the talk moved on "
                 f"({pending.how.replace('_', ' ')}): come back to it now, gently"],
                material={"focus": "avoided", "feeling": pending.word,
                          "emotion": pending.feeling},
                evidence=[pending.turn_id],
                rule="avoided_feeling",
            )
        return None

    def _interpretation(self, ann, memory: CourseMemory, state) -> Intervention | None:
        return dynamics.interpretation(ann, memory, state, self.config)

    # ------------------------------------------------------------------ adjustments

    def _lean_supportive_early(self, plan, ann, state) -> Intervention:
        if not self._early(state) or plan.kind != K.CLARIFICATION:
            return plan
        plan.kind = K.VALIDATION
        plan.reasons.append("early in the first session: lean supportive (validate first)")
        return plan

    def _vary(self, plan: Intervention, ann: Annotation, memory: CourseMemory,
              state: SessionState) -> Intervention:
        recent = state.kinds[-self.config.max_repeats :]
        if len(recent) < self.config.max_repeats or any(k != plan.kind.value for k in recent):
            return plan
        if plan.material.get("focus") == "asked":
            return plan  # a question put to the companion is answered, whatever came before
        negative = any(a.group in NEGATIVE_GROUPS for a in ann.affects)
        alternative = {
            K.VALIDATION: K.ELABORATION,
            K.ELABORATION: K.VALIDATION if negative else K.CLARIFICATION,
            K.CLARIFICATION: K.ELABORATION,
            K.GUIDANCE: K.VALIDATION,
            K.AFFIRMATION: K.ELABORATION,
            K.CONFRONTATION: K.CLARIFICATION,
            K.INTERPRETATION: K.ELABORATION,
        }[plan.kind]
        plan.reasons.append(
            f"{plan.kind.value} was used {self.config.max_repeats} times running: "
            f"vary to {alternative.value}"
        )
        plan.kind = alternative
        plan.rule += "+varied"
        if alternative == K.CLARIFICATION:
            summary = session_material(memory, state.session_number)
            if summary:
                plan.material = {"focus": "summary", "session_material": summary}
        if alternative == K.VALIDATION and "feeling" not in plan.material and negative:
            plan.material.update(_material(ann, _main_feeling(ann), _main_person(ann)))
        return plan


# ---------------------------------------------------------------------- helpers


def _patient_lead(ann: Annotation, feeling, person) -> Intervention | None:
    """A decision weighed, a question put to the companion, a dream or wish told."""
    if _phrases("decision").search(ann.text):
        return Intervention(
            K.ELABORATION,
            ["the person weighs a decision: explore what they imagine, don't decide for them"],
            material={"focus": "decision", **_material(ann, feeling, person)},
            rule="decision",
        )
    if asks_the_companion(ann.text):
        return Intervention(
            K.ELABORATION,
            ["a question to the companion: answer honestly as a program and turn it back "
             "to the person's own view"],
            material={"focus": "asked", **_material(ann, feeling, person)},
            rule="question_to_companion",
        )
    if ann.fantasy:
        cue = ann.fantasy[0]
        return Intervention(
            K.ELABORATION,
            [f"the person brings a {cue.kind.replace('_', ' ')}: invite it (wishes, "
             "fantasies and dreams are material)"],
            material={"focus": cue.kind, **_material(ann, feeling, person)},
            rule="fantasy",
        )
    return None


def _main_feeling(ann: Annotation):
    if not ann.affects:
        return None
    negatives = [a for a in ann.affects if a.group in NEGATIVE_GROUPS]
    return max(negatives or ann.affects, key=lambda a: a.intensity)


def _main_person(ann: Annotation):
    others = [p for p in ann.people if p.category != "companion"]
    return others[0] if others else None


def _material(ann: Annotation, feeling, person) -> dict[str, str]:
    material: dict[str, str] = {}
    if feeling is not None:
        material["feeling"] = feeling.cue
        material["emotion"] = feeling.emotion
        material["quote"] = clause_around(ann.text, feeling.start, feeling.end)
    if person is not None:
        material["person"] = person.role
        cue = person.cue.lower().strip()
        word = cue.removeprefix("my ").strip()
        own = cue.startswith("my ") or " " not in cue
        if own and word.replace(" ", "").replace("-", "").isalpha() and word not in _SLANG_ROLES:
            material["person_word"] = word  # the person's own word: "mum", not "mother"
        if person.plural:
            material["person_plural"] = "yes"
        if "quote" not in material:
            material["quote"] = clause_around(ann.text, person.start, person.end)
    if "quote" not in material and ann.text.strip():
        material["quote"] = clause_around(ann.text, 0, 0)
    return material


_SLANG_ROLES = {"bf", "gf", "bff", "hubby", "wifey", "ma", "pa", "mom's", "ex's", "bae", "mama",
                "papa", "mommy", "daddy", "mummy", "sis", "bro"}


def session_material(memory: CourseMemory, session: int) -> str:
    """"your manager and your friends, and feeling nervous": what this session brought."""
    people: list[tuple[int, str]] = []
    feelings: list[tuple[int, str]] = []
    for theme in memory.themes.values():
        n = sum(1 for m in theme.mentions if m.session == session)
        if not n:
            continue
        if theme.key.startswith("person:"):
            people.append((n, person_phrase(theme.label)))
        elif theme.key.startswith("feeling:") and theme.key[8:] in NEGATIVE_EMOTIONS:
            feelings.append((n, feeling_word(theme.label, theme.key[8:])))
    people = sorted(people, key=lambda x: -x[0])[:2]
    feelings = sorted(feelings, key=lambda x: -x[0])[:2]
    if len(people) + len(feelings) < 2:
        return ""
    parts = []
    if people:
        parts.append(" and ".join(p for _, p in people))
    if feelings:
        parts.append("feeling " + " and ".join(dict.fromkeys(f for _, f in feelings)))
    return ", and ".join(parts)


def _open_moment(ann: Annotation) -> bool:
    """Nothing new asks for an answer: no feeling, thanks, question, request or wish."""
    if ann.alliance or ann.fantasy or ann.affects:
        return False
    return not (asks_for_guidance(ann.text) or asks_the_companion(ann.text)
                or _phrases("decision").search(ann.text))


def _last_interpretation_answer(state: SessionState) -> str | None:
    if not state.interpretations:
        return None
    last = state.interpretations[-1]
    if last.get("turn") != state.turn - 1:
        return None
    return last.get("response")


def _index_of(state: SessionState) -> int:
    """The turn index the current patient utterance will get (patient turns are odd)."""
    return state.turn * 2 - 1
