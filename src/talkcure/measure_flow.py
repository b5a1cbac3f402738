"""Giving a questionnaire, item by item: inside ``talkcure chat`` (``/measure phq9``)
and for ``talkcure measure`` (answers typed or given with ``--answers``).

Every answer goes through :func:`talkcure.measures.parse_answer`; an answer that
is out of range or not understood is asked again, never guessed. ``/skip`` leaves
a question out where the instrument's missing-item rule allows it, ``/cancel``
stops without storing anything. PHQ-9 item 9 above 0 starts the crisis protocol
as soon as it is answered. A result is stored (encrypted) only once it is scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from talkcure.errors import TalkcureError
from talkcure.measures import (
    GoalsResult,
    MeasureResult,
    get_instrument,
    goal_scheme,
    parse_answer,
    parse_goal_rating,
    score,
    score_goals,
)
from talkcure.measures.course import Course, course_status, opening_line
from talkcure.store import Store
from talkcure.store.measure_records import CourseRecord, MeasureRecords

if TYPE_CHECKING:
    from talkcure.therapy import Conversation

GOALS = "goals"
CHOICES = "phq9, gad7, rses, wsas or goals"
NOT_A_DIAGNOSIS = "A questionnaire score helps follow change over time; it is not a diagnosis."


def course_from_record(record: CourseRecord | None) -> Course | None:
    if record is None:
        return None
    return Course(record.kind, record.planned_sessions, record.review_every, record.focus,
                  record.first_session, record.goals)


def resolve_measure(name: str) -> str:
    """``goals`` or a canonical instrument id; unknown names raise with the choices."""
    key = " ".join(str(name).lower().split())
    if key in {"goals", "goal", "gbo"}:
        return GOALS
    try:
        return get_instrument(key).id
    except TalkcureError:
        raise TalkcureError(f"Unknown measure '{name}'; use one of: {CHOICES}.") from None


def course_opening_line(store: Store, patient_id: int, session_number: int) -> str:
    """What the session opening says about the course and the measures due."""
    records = MeasureRecords(store)
    course = course_from_record(records.course_of(patient_id))
    measured = course is not None or session_number != 1 or bool(records.results_of(patient_id))
    return opening_line(course, session_number, measured)


# --------------------------------------------------------------------------- one questionnaire


@dataclass
class Step:
    """What to show after one line of input."""

    text: str
    done: bool = False  # scored (``result`` set) or cancelled
    result: MeasureResult | GoalsResult | None = None
    risk: bool = False  # a risk item was answered above its threshold


class Questionnaire:
    """One administration in progress. ``goals`` are the names to rate for ``goals``."""

    def __init__(self, measure: str, goals: tuple[str, ...] = (), working: bool = True):
        self.measure = resolve_measure(measure)
        self.working = working
        if self.measure == GOALS:
            if not goals:
                raise TalkcureError(
                    "No goals are set yet; a clinician can set up to three with "
                    "`talkcure goals NAME \"goal one\" ...`."
                )
            self.goals = tuple(goals)
            self.n = len(self.goals)
        else:
            self.inst = get_instrument(self.measure)
            self.n = self.inst.n_items
        self.answers: list[int | None] = []

    @property
    def title(self) -> str:
        return goal_scheme().short_title if self.measure == GOALS else self.inst.short_title

    @property
    def item_no(self) -> int:
        return len(self.answers) + 1

    def options_text(self) -> str:
        if self.measure == GOALS:
            return "Answer from 0 (not at all close) to 10 (reached it)."
        shown = [f"{o.value} {o.label.lower()}" for o in self.inst.options if o.label]
        return "Answer with a number or the words: " + " · ".join(shown) + "."

    def _skips_left(self) -> int:
        if self.measure == GOALS:
            return 0
        return self.inst.missing.max_missing - sum(a is None for a in self.answers)

    def intro(self) -> str:
        if self.measure == GOALS:
            head = f"Your goals ({len(self.goals)}). {goal_scheme().question}"
        else:
            cite = self.inst.citation
            first_author = str(cite["authors"]).split(",")[0].split()[0]
            head = (f"{self.inst.title}, {self.n} questions ({first_author} et al. "
                    f"{cite['year']}). {self.inst.stem}")
        skip = ""
        if self._skips_left() > 0:
            skip = f" /skip leaves a question out (at most {self._skips_left()});"
        return "\n".join([head, self.options_text()
                          + f"{skip} /cancel stops without saving.", self.question()])

    def question(self) -> str:
        i = self.item_no
        if self.measure == GOALS:
            return f"{i} of {self.n}. \"{self.goals[i - 1]}\": how close are you, from 0 to 10?"
        text = f"{i} of {self.n}. {self.inst.item(i).text}"
        if self.measure == "wsas" and i == 1 and self.working:
            text += " (If you are not working for reasons unrelated to your problem, type /skip.)"
        return text

    def parse(self, raw: str) -> int:
        if self.measure == GOALS:
            return parse_goal_rating(raw)
        return parse_answer(self.inst, self.item_no, raw)

    def feed(self, raw: str) -> Step:
        """Take one answer; a bad one is explained and the same question asked again."""
        command = raw.strip().lower()
        if command == "/cancel":
            return Step(f"{self.title} stopped; nothing from it was stored.", done=True)
        if command == "/skip":
            return self._skip()
        if command in {"/help", "?"}:
            return Step(self.options_text() + " /skip, /cancel.\n" + self.question())
        try:
            value = self.parse(raw)
        except TalkcureError as err:
            return Step(f"{err}\n{self.question()}")
        self.answers.append(value)
        risk = self._risk_answer(value)
        if self.item_no > self.n or risk:
            return self._finish(risk)
        return Step(self.question())

    def _risk_answer(self, value: int) -> bool:
        rule = None if self.measure == GOALS else self.inst.risk
        return bool(rule and self.item_no - 1 == rule.item and value > rule.above)

    def _skip(self) -> Step:
        i = self.item_no
        wsas_work = self.measure == "wsas" and i == 1 and self.working
        required = self.measure != GOALS and i in self.inst.missing.required_items
        if required:
            return Step(
                f"Question {i} can't be skipped: it is a safety question. "
                f"{self.options_text()}\n{self.question()}"
            )
        if wsas_work:
            self.working = False
        elif self._skips_left() <= 0:
            return Step(f"No more questions can be left out. {self.options_text()}\n"
                        f"{self.question()}")
        self.answers.append(None)
        if self.item_no > self.n:
            return self._finish(False)
        return Step(self.question())

    def _finish(self, risk: bool) -> Step:
        answers = self.answers + [None] * (self.n - len(self.answers))
        try:
            result = self.score(answers)
        except TalkcureError as err:
            return Step(f"{err} Nothing was stored.", done=True, risk=risk)
        return Step("", done=True, result=result, risk=risk)

    def score(self, answers: list[int | None]) -> MeasureResult | GoalsResult:
        if self.measure == GOALS:
            return score_goals(list(zip(self.goals, answers, strict=True)))
        return score(self.inst, answers, working=self.working)


def result_text(result: MeasureResult | GoalsResult, previous: dict | None = None,
                lead: str = "Thank you. Your") -> str:
    """The short account shown to the person once a questionnaire is scored."""
    if isinstance(result, GoalsResult):
        rated = "; ".join(f"\"{g.name}\" {g.rating}/10" for g in result.goals)
        return f"{lead} goal ratings: {rated}."
    inst = get_instrument(result.instrument)
    text = (f"{lead} {inst.short_title} score is {result.total} out of "
            f"{result.max} ({result.band}).")
    if result.prorated:
        text += " Some questions were left out, so the total is estimated from the others."
    if previous is not None:
        text += f" Last time it was {previous['total']} ({previous['band']})."
    return text + " " + NOT_A_DIAGNOSIS


# --------------------------------------------------------------------------- inside chat


class ChatMeasures:
    """The ``/measure`` command of one chat session."""

    def __init__(self, conv: Conversation):
        self.conv = conv
        self.records = MeasureRecords(conv.companion.store)
        self.active: Questionnaire | None = None

    def _course(self) -> Course | None:
        return course_from_record(self.records.course_of(self.conv.patient.id))

    def still_due(self) -> list[str]:
        course = self._course()
        if course is None:
            return []
        due = course_status(course, self.conv.session.number).due
        done = {r.instrument for r in self.records.results_of_session(self.conv.session.id)}
        return [m for m in due if m not in done and (m != GOALS or course.goals)]

    def handle(self, line: str) -> str | None:
        """The reply to ``line`` if it belongs to a questionnaire, else None."""
        if self.active is None:
            words = line.strip().split()
            if not words or words[0].lower() != "/measure":
                return None
            crisis = self.conv.state.crisis
            if crisis and crisis.get("active"):
                return ("Let's put the questionnaires aside for now and stay with what you told "
                        "me about your safety; they can wait for another time.")
            return self._start(words[1:])
        step = self.active.feed(line)
        if not step.done and not step.risk and _risk_language(line):
            self.active = None
            return self._risk_text(line)
        if not step.done:
            return step.text
        questionnaire, self.active = self.active, None
        if step.result is None:
            text = step.text
        else:
            text = self._store(questionnaire, step.result)
        if step.risk:
            item = questionnaire.inst.risk.item if questionnaire.measure != GOALS else 0
            crisis = self.conv.start_crisis(
                f"{questionnaire.title} item {item} answered above 0 (thoughts of death or "
                "self-harm)"
            )
            return text + "\n\n" + crisis if text else crisis
        return text

    def _start(self, args: list[str]) -> str:
        if not args:
            return f"Which questionnaire? Type /measure and one of: {CHOICES}."
        try:
            measure = resolve_measure(" ".join(args))
            goals = ()
            if measure == GOALS:
                course = self.records.course_of(self.conv.patient.id)
                goals = course.goals if course else ()
            self.active = Questionnaire(measure, goals)
        except TalkcureError as err:
            return str(err)
        return self.active.intro()

    def _store(self, questionnaire: Questionnaire, result: MeasureResult | GoalsResult) -> str:
        earlier = self.records.results_of(self.conv.patient.id, questionnaire.measure)
        data = result_dict(result)
        self.records.add_result(self.conv.patient.id, questionnaire.measure, data,
                                session_id=self.conv.session.id, via="chat")
        text = result_text(result, earlier[-1].result if earlier else None)
        due = self.still_due()
        if due:
            text += " Still due today: " + ", ".join(f"/measure {m}" for m in due) + "."
        return text

    def _risk_text(self, line: str) -> str:
        from talkcure.therapy import MessageError

        note = "(I've put the questionnaire aside; nothing from it was stored.)"
        try:
            reply = self.conv.reply(line)
        except MessageError:
            return self.conv.start_crisis("risk language in a questionnaire answer") + "\n" + note
        return reply.text + "\n" + note


def _risk_language(text: str) -> bool:
    """Risk language in something typed as an answer (fails closed)."""
    from talkcure.listen.risk import assess_risk

    if not any(c.isalpha() for c in text):
        return False
    try:
        return assess_risk(text).flagged
    except Exception:
        return True


def result_dict(result: MeasureResult | GoalsResult) -> dict:
    if isinstance(result, GoalsResult):
        return {"goals": [{"name": g.name, "rating": g.rating} for g in result.goals],
                "mean": result.mean}
    return result.to_dict()
