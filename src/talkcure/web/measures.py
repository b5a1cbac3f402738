"""Questionnaires in the web app: the form of each instrument, validation, scoring
and storage, and the crisis protocol when PHQ-9 item 9 is answered above 0.

The same instrument files, scoring and missing-item rules as ``/measure`` in a
chat. A result is stored with the person's open session (so a PHQ-9 given
mid-conversation belongs to it); with none open it is stored on its own, except
when the risk item is above 0: then a session is opened, flagged, and the crisis
protocol starts there, so the person's next message continues it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.measure_flow import NOT_A_DIAGNOSIS, result_dict, result_text
from talkcure.measures import get_instrument, parse_answer, score
from talkcure.measures.instruments import INSTRUMENT_IDS
from talkcure.model import PatientInfo
from talkcure.store.measure_records import MeasureRecords
from talkcure.web.chat import ChatHub

WEB_INSTRUMENTS = INSTRUMENT_IDS  # phq9, gad7, rses, wsas


class AnswerError(TalkcureError):
    """Some answers can't be taken; ``items`` maps item numbers to what to do."""

    def __init__(self, message: str, items: dict[int, str] | None = None):
        super().__init__(message)
        self.items = items or {}


@dataclass
class Submitted:
    record_id: int
    instrument: str
    result: dict[str, Any]
    text: str
    crisis: str = ""  # the crisis reply, when the risk item was above 0
    session_id: int | None = None
    notes: list[str] = field(default_factory=list)


def instrument_or_404(name: str):
    key = str(name).lower()
    if key not in WEB_INSTRUMENTS:
        raise LookupError(name)
    return get_instrument(key)


def form_spec(name: str) -> dict[str, Any]:
    """What a form needs to ask an instrument's questions."""
    inst = instrument_or_404(name)
    required = set(inst.missing.required_items)
    return {
        "id": inst.id,
        "short_title": inst.short_title,
        "title": inst.title,
        "stem": inst.stem,
        "options": [{"value": o.value, "label": o.label or str(o.value)} for o in inst.options],
        "items": [{"number": i.number, "text": i.text, "required": i.number in required}
                  for i in inst.items],
        "max_missing": inst.missing.max_missing,
        "not_working_item": inst.missing.not_working_item,
        "citation": f"{inst.citation['authors']} ({inst.citation['year']})",
        "note": NOT_A_DIAGNOSIS,
    }


def parse_form(name: str, values: dict[str, Any]) -> tuple[list[int | None], bool]:
    """Answers from form fields ``item1`` ... ``itemN`` (and ``not_working``)."""
    inst = instrument_or_404(name)
    answers: list[int | None] = []
    problems: dict[int, str] = {}
    for item in inst.items:
        raw = values.get(f"item{item.number}")
        if raw is None or str(raw).strip() == "":
            answers.append(None)
            continue
        try:
            answers.append(parse_answer(inst, item.number, str(raw)[:50]))
        except TalkcureError as err:
            problems[item.number] = str(err)
    if problems:
        raise AnswerError("Some answers could not be taken; see the questions marked below.",
                          problems)
    working = not bool(values.get("not_working"))
    return answers, working


def check_answers(name: str, answers: list[Any], working: bool = True) -> None:
    """Explain, per question, what a person has to add before the form can be scored."""
    inst = instrument_or_404(name)
    if len(answers) != inst.n_items:
        raise AnswerError(f"Give {inst.n_items} answers for the {inst.short_title}, one per "
                          f"question in order (null for one left out); {len(answers)} "
                          "were given.")
    problems: dict[int, str] = {}
    for number in inst.missing.required_items:
        if answers[number - 1] is None:
            problems[number] = ("Please answer this question: it is about your safety and "
                                "can't be left out.")
    left_out = [inst.missing.not_working_item] if not working else []
    if left_out and left_out[0] is None:
        raise AnswerError(f"Only the WSAS has a work question to leave out, not the "
                          f"{inst.short_title}.")
    if left_out and answers[left_out[0] - 1] is not None:
        answers[left_out[0] - 1] = None  # "not working" wins over an answer to item 1
    missing = [i + 1 for i, a in enumerate(answers) if a is None and i + 1 not in left_out]
    if len(missing) > inst.missing.max_missing - len(left_out):
        allowed = max(inst.missing.max_missing - len(left_out), 0)
        text = ("Please answer every question" if not allowed
                else f"Please answer all but at most {allowed} of the questions")
        for number in missing:
            problems.setdefault(number, "Please answer this question.")
        raise AnswerError(f"{text} so the {inst.short_title} can be scored.", problems)
    if problems:
        raise AnswerError("Please answer the question marked below.", problems)


def submit(hub: ChatHub, patient: PatientInfo, name: str, answers: list[Any],
           working: bool = True) -> Submitted:
    """Score and store one administration; start the crisis protocol if it asks for it."""
    inst = instrument_or_404(name)
    answers = list(answers)
    check_answers(inst.id, answers, working)
    result = score(inst, answers, working=working)  # validates every value
    records = MeasureRecords(hub.store)
    earlier = records.results_of(patient.id, inst.id)
    crisis = ""
    with hub.lock(patient.id):
        conv = hub.current(patient)
        if conv is None and result.risk:
            conv = hub.start(patient)
        session_id = conv.session.id if conv is not None else None
        stored = records.add_result(patient.id, inst.id, result_dict(result),
                                    session_id=session_id, via="web")
    text = result_text(result, earlier[-1].result if earlier else None)
    if result.risk:
        crisis = hub.start_crisis(
            patient, f"{inst.short_title} item {inst.risk.item} answered above 0 (thoughts of "
                     "death or self-harm)")
    return Submitted(stored.id, inst.id, stored.result, text, crisis, session_id,
                     list(result.notes))
