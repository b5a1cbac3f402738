"""The treatment course: short-term with review points, or open-ended (METHOD §5).

Pure arithmetic over a plan and a session number: which session of the course
this is, whether a review is due and which measures it asks for. Review points
are the first session of the course (the baseline), every ``review_every``-th
session and, for a short-term course, the last planned session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from talkcure.errors import TalkcureError
from talkcure.measures.instruments import goal_scheme

SHORT_TERM = "short_term"
OPEN_ENDED = "open_ended"
KINDS = (SHORT_TERM, OPEN_ENDED)
FOCI = ("symptom", "personality")
DEFAULT_REVIEW_EVERY = 4
MAX_PLANNED_SESSIONS = 200
GOAL_MAX_CHARS = 200

# What a review asks for, by the focus of the work (METHOD §5 goals -> instruments).
REVIEW_MEASURES = {
    "symptom": ("phq9", "gad7"),
    "personality": ("phq9", "gad7", "rses", "wsas"),
}
INTAKE_MEASURES = ("phq9", "gad7")


@dataclass(frozen=True)
class Course:
    kind: str
    planned_sessions: int | None
    review_every: int
    focus: str
    first_session: int = 1
    goals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        if self.kind == SHORT_TERM:
            return f"short-term, {self.planned_sessions} sessions, {self.focus} focus"
        return f"open-ended, {self.focus} focus"


def validate_goals(goals: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Up to three goals, each a few words, none twice."""
    scheme = goal_scheme()
    clean = [" ".join(str(g).split()) for g in goals]
    if len(clean) > scheme.max_goals:
        raise TalkcureError(f"Choose at most {scheme.max_goals} goals; {len(clean)} were given.")
    seen: set[str] = set()
    for goal in clean:
        if not goal:
            raise TalkcureError("Give each goal a name in a few words.")
        if len(goal) > GOAL_MAX_CHARS:
            raise TalkcureError(f"Keep each goal under {GOAL_MAX_CHARS} characters.")
        if goal.casefold() in seen:
            raise TalkcureError(f"The goal '{goal}' is listed twice; keep it once.")
        seen.add(goal.casefold())
    return tuple(clean)


def make_course(
    kind: str,
    planned_sessions: int | None,
    review_every: int | None = None,
    focus: str = "symptom",
    first_session: int = 1,
    goals: list[str] | tuple[str, ...] = (),
) -> Course:
    """A validated plan; errors say what to give instead."""
    if kind not in KINDS:
        raise TalkcureError("Choose a short-term course (--short-term N) or --open-ended.")
    if kind == SHORT_TERM:
        if planned_sessions is None or not 1 <= planned_sessions <= MAX_PLANNED_SESSIONS:
            raise TalkcureError(
                f"Give the number of planned sessions, from 1 to {MAX_PLANNED_SESSIONS}, "
                "with --short-term N."
            )
    elif planned_sessions is not None:
        raise TalkcureError("An open-ended course has no planned number of sessions.")
    every = DEFAULT_REVIEW_EVERY if review_every is None else review_every
    if not 1 <= every <= MAX_PLANNED_SESSIONS:
        raise TalkcureError("Give --review-every as a whole number of sessions, 1 or more.")
    if focus not in FOCI:
        raise TalkcureError(f"Choose the focus: {' or '.join(FOCI)}.")
    if first_session < 1:
        raise TalkcureError("A course starts at session 1 or later.")
    return Course(kind, planned_sessions, every, focus, first_session, validate_goals(goals))


def review_measures(course: Course) -> tuple[str, ...]:
    due = REVIEW_MEASURES[course.focus]
    return (*due, "goals") if course.goals else due


@dataclass(frozen=True)
class CourseStatus:
    """Where a session stands in the course."""

    course_session: int  # 1-based session of the course (0: the course starts later)
    planned: int | None
    review_due: bool
    review: str  # "" | baseline | review | final | beyond plan
    due: tuple[str, ...]  # measure ids asked for at this session
    next_review: int | None  # course session of the next review point
    beyond_plan: bool

    def to_dict(self) -> dict:
        return {
            "course_session": self.course_session,
            "planned": self.planned,
            "review_due": self.review_due,
            "review": self.review,
            "due": list(self.due),
            "next_review": self.next_review,
            "beyond_plan": self.beyond_plan,
        }


def is_review_point(course: Course, n: int) -> str:
    """The kind of review at course session ``n`` ("" when none)."""
    if n == 1:
        return "baseline"
    if course.kind == SHORT_TERM and n == course.planned_sessions:
        return "final"
    if n % course.review_every == 0:
        return "review"
    return ""


def review_points(course: Course, upto: int | None = None) -> list[int]:
    """Course session numbers of the review points (short-term: all; else up to ``upto``)."""
    last = course.planned_sessions if course.kind == SHORT_TERM else (upto or 0)
    return [n for n in range(1, (last or 0) + 1) if is_review_point(course, n)]


def course_status(course: Course, session_number: int) -> CourseStatus:
    """The status at the person's ``session_number`` (their n-th session overall)."""
    n = session_number - course.first_session + 1
    planned = course.planned_sessions if course.kind == SHORT_TERM else None
    if n < 1:
        return CourseStatus(0, planned, False, "", (), 1, False)
    beyond = planned is not None and n > planned
    if beyond:  # past the plan: ask for a review at once, then at the usual interval
        review = "beyond plan" if n == planned + 1 or n % course.review_every == 0 else ""
    else:
        review = is_review_point(course, n)
    nxt = None
    if not beyond:
        for m in range(n + 1, n + course.review_every + 1):
            if is_review_point(course, m) and (planned is None or m <= planned):
                nxt = m
                break
    due = review_measures(course) if review else ()
    return CourseStatus(n, planned, bool(review), review, due, nxt, beyond)


def _commands(due: tuple[str, ...]) -> str:
    parts = [f"/measure {m}" for m in due]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def status_line(course: Course, status: CourseStatus) -> str:
    """One line for the session opening: where the course stands and what is due."""
    if status.course_session == 0:
        return f"Your course ({course.label}) starts next session."
    n = status.course_session
    where = f"session {n} of {status.planned}" if status.planned else f"session {n}"
    kind = "short-term course" if course.kind == SHORT_TERM else "open-ended course"
    if status.beyond_plan:
        text = (f"This is session {n} of a {kind} planned for {status.planned} sessions; the "
                "plan is complete, so it is time to review it with your clinician")
        return text + (f": {_commands(status.due)}." if status.due else ".")
    text = f"This is {where} of your {kind}"
    if status.review == "baseline":
        return text + f"; a first measure is due today: {_commands(status.due)}."
    if status.review == "final":
        return text + f", the last planned one; a final review is due today: " \
            f"{_commands(status.due)}."
    if status.review:
        return text + f"; a review is due today: {_commands(status.due)}."
    if status.next_review:
        return text + f"; the next review is at session {status.next_review}."
    return text + "."


def opening_line(course: Course | None, session_number: int, measured_before: bool) -> str:
    """The extra line of a session opening ("" when there is nothing to say)."""
    if course is not None:
        return status_line(course, course_status(course, session_number))
    if session_number == 1 and not measured_before:  # offered at intake
        return (
            "If you like, you can answer two short questionnaires about the last two weeks, "
            f"which help you and your clinician see change over time: {_commands(INTAKE_MEASURES)}."
        )
    return ""
