"""Administration outside a chat: ``talkcure measure``, ``course`` and ``goals``.

``talkcure measure`` takes the answers at once (``--answers``), item by item in
a terminal, or one per line on standard input; every answer is validated and
nothing is stored unless the whole result can be scored. ``course`` and
``goals`` record the treatment plan (a new version each time).
"""

from __future__ import annotations

from talkcure import settings
from talkcure.errors import TalkcureError
from talkcure.measure_flow import GOALS, Questionnaire, resolve_measure, result_dict, result_text
from talkcure.measures import MeasureResult
from talkcure.measures.course import OPEN_ENDED, SHORT_TERM, make_course
from talkcure.store import Store
from talkcure.store.measure_records import CourseRecord, MeasureRecords


def _parse_tokens(q: Questionnaire, tokens: list[str], how: str) -> list[int | None]:
    """One answer per item in order; an empty answer or ``-`` leaves the item out."""
    if len(tokens) != q.n:
        raise TalkcureError(
            f"Give {q.n} answers for the {q.title}, {how} (leave one empty to skip it); "
            f"{len(tokens)} were given."
        )
    q.answers = []
    for number, token in enumerate(tokens, start=1):
        if token in {"", "-"}:
            q.answers.append(None)
            continue
        try:
            q.answers.append(q.parse(token))  # checks against item ``number``
        except TalkcureError as err:
            why = str(err)
            raise TalkcureError(f"Answer {number} ({token!r}) was not taken: "
                                f"{why[:1].lower()}{why[1:]}") from None
    return q.answers


def _answers_from_lines(q: Questionnaire, stdin) -> list[int | None]:
    lines = [line.strip() for line in stdin.read().splitlines()]
    while len(lines) > q.n and not lines[-1]:
        lines.pop()
    return _parse_tokens(q, lines, "one per line")


def _answers_interactive(q: Questionnaire, ask, say) -> list[int | None]:
    say(q.intro())
    while True:
        step = q.feed(ask())
        if step.done and step.result is None:
            raise TalkcureError(step.text.removesuffix(" Nothing was stored.").rstrip(".")
                                + "; nothing was stored, run the command again to start over.")
        if step.done:
            return q.answers + [None] * (q.n - len(q.answers))
        say(step.text)


def enter_measure(
    store: Store,
    patient_name: str,
    measure: str,
    *,
    answers: str | None = None,
    session_id: int | None = None,
    working: bool = True,
    stdin=None,
    ask=None,
    say=None,
) -> tuple[str, bool]:
    """Score and store one administration given outside a chat.

    Answers come from ``answers`` (comma-separated), else from ``ask``/``say`` (a
    terminal, item by item), else one per line from ``stdin``. Returns the text to
    print and whether a risk item was answered above 0. Nothing is stored unless
    every answer is valid and the result can be scored.
    """
    patient = store.get_patient(patient_name)
    records = MeasureRecords(store)
    goals: tuple[str, ...] = ()
    if resolve_measure(measure) == GOALS:
        course = records.course_of(patient.id)
        goals = course.goals if course else ()
    q = Questionnaire(measure, goals, working=working)
    if not working and q.measure != "wsas":
        raise TalkcureError("--not-working applies to the WSAS only (it leaves item 1 out).")
    if answers is not None:
        values = _parse_tokens(q, [tok.strip() for tok in answers.split(",")],
                               "separated by commas")
    elif ask is not None:
        values = _answers_interactive(q, ask, say or print)
    else:
        values = _answers_from_lines(q, stdin)
    result = q.score(values)
    risk = isinstance(result, MeasureResult) and result.risk
    flag = None
    if risk and session_id is not None:
        flag = {"kind": "risk", "level": "",
                "reason": f"{q.title} item 9 answered above 0 (thoughts of death or self-harm)"}
    earlier = records.results_of(patient.id, q.measure)
    records.add_result(patient.id, q.measure, result_dict(result), session_id=session_id,
                       via="entry", flag=flag)
    text = result_text(result, earlier[-1].result if earlier else None, lead="Stored:")
    if risk:
        text += "\n" + risk_warning(patient.locale)
    return text, risk


def risk_warning(locale: str) -> str:
    """What to do after PHQ-9 item 9 above 0 was entered outside a chat."""
    from talkcure.respond.crisis_resources import load_resources
    from talkcure.respond.session_text import resources_phrase

    try:
        contacts = resources_phrase(load_resources(locale))
    except TalkcureError:
        contacts = "a crisis line (988 in the US) or the local emergency number"
    return ("PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered "
            f"above 0: follow your risk protocol now; crisis contacts: {contacts}.")


# --------------------------------------------------------------------------- course and goals


def describe_course(course: CourseRecord) -> str:
    if course.kind == SHORT_TERM:
        plan = f"short-term, {course.planned_sessions} sessions"
    else:
        plan = "open-ended"
    text = (f"Course: {plan}, review every {course.review_every} sessions, {course.focus} focus, "
            f"from session {course.first_session}.")
    if course.goals:
        text += " Goals: " + "; ".join(f"\"{g}\"" for g in course.goals) + "."
    return text


def set_course(store: Store, patient_name: str, *, short_term: int | None, open_ended: bool,
               review_every: int | None, focus: str | None) -> str:
    """Record a (new version of the) plan; without a kind, describe the plan in force."""
    records = MeasureRecords(store)
    if short_term is None and not open_ended:
        patient = store.get_patient(patient_name)
        course = records.course_of(patient.id)
        if course is None:
            raise TalkcureError(
                "No course is set for this person; set one with --short-term N or --open-ended."
            )
        return describe_course(course)
    if short_term is not None and open_ended:
        raise TalkcureError("Choose either --short-term N or --open-ended, not both.")
    name = " ".join(patient_name.split())
    if not name or len(name) > 100:
        raise TalkcureError("Give a name of 1 to 100 characters.")
    existing = store.find_patient(name)
    patient = existing or store.get_or_create_patient(name, settings.locale())
    previous = records.course_of(patient.id)
    if previous is not None:
        first = previous.first_session
    else:
        first = max((s.number for s in store.sessions_of(patient.id)), default=0) + 1
    course = make_course(
        OPEN_ENDED if open_ended else SHORT_TERM,
        short_term,
        review_every if review_every is not None else (previous.review_every if previous
                                                       else None),
        focus or (previous.focus if previous else "symptom"),
        first,
        previous.goals if previous else (),
    )
    stored = records.set_course(
        patient.id, kind=course.kind, planned_sessions=course.planned_sessions,
        review_every=course.review_every, focus=course.focus, first_session=course.first_session,
        goals=course.goals,
    )
    added = "" if existing else f"New person {name} added. "
    return added + describe_course(stored)


def set_goals(store: Store, patient_name: str, goals: list[str]) -> str:
    """Replace the goals of the plan in force (up to three); without goals, list them."""
    patient = store.get_patient(patient_name)
    records = MeasureRecords(store)
    course = records.course_of(patient.id)
    if course is None:
        raise TalkcureError(
            "Goals belong to the treatment course; set it first with "
            "`talkcure course NAME --short-term N` or `--open-ended`."
        )
    if not goals:
        if not course.goals:
            return "No goals are set; add up to three with `talkcure goals NAME \"goal\" ...`."
        return "Goals: " + "; ".join(f"\"{g}\"" for g in course.goals) + "."
    new = make_course(course.kind, course.planned_sessions, course.review_every, course.focus,
                      course.first_session, goals)
    stored = records.set_course(
        patient.id, kind=new.kind, planned_sessions=new.planned_sessions,
        review_every=new.review_every, focus=new.focus, first_session=new.first_session,
        goals=new.goals,
    )
    return ("Goals set: " + "; ".join(f"\"{g}\"" for g in stored.goals)
            + ". Rate them with /measure goals in a chat or `talkcure measure NAME goals`.")
