"""FHIR R4 Questionnaire / QuestionnaireResponse export and import, as plain dicts.

The resources use only elements that exist unchanged in FHIR R4 (4.0.1) and
R4B. :func:`validate_resource` checks them with the ``fhir.resources`` models
(optional dependency ``talkcure[fhir]``); fhir.resources 8 ships R4B and STU3
model packages but no R4 one, so validation uses R4B, whose Questionnaire and
QuestionnaireResponse are structurally identical to R4's.

Export → import → :func:`talkcure.measures.scoring.score` gives the same total.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.measures.instruments import Instrument, all_instruments, get_instrument
from talkcure.measures.scoring import MeasureResult

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
CANONICAL_PREFIX = "urn:talkcure:questionnaire:"
QUESTIONNAIRE_VERSION = "1"

_ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DATETIME_RE = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_IMPORTABLE_STATUS = {"completed", "amended"}


def questionnaire_url(instrument_id: str | Instrument) -> str:
    return CANONICAL_PREFIX + get_instrument(instrument_id).id


def item_link_id(inst: Instrument, number: int) -> str:
    return f"{inst.id}-{number}"


def total_link_id(inst: Instrument) -> str:
    return f"{inst.id}-total"


def _answer_coding(inst: Instrument, value: int) -> dict[str, Any]:
    option = inst.option(value)
    display = option.label or str(value)
    return {"system": inst.answer_system, "code": option.code, "display": display}


# --------------------------------------------------------------------------- export


def questionnaire(instrument_id: str | Instrument) -> dict[str, Any]:
    """The FHIR R4 Questionnaire for an instrument (LOINC-coded where codes exist)."""
    inst = get_instrument(instrument_id)
    cite = inst.citation
    items: list[dict[str, Any]] = [
        {"linkId": f"{inst.id}-stem", "type": "display", "text": inst.stem}
    ]
    for item in inst.items:
        entry: dict[str, Any] = {"linkId": item_link_id(inst, item.number)}
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        entry.update(
            prefix=f"{item.number}.",
            text=item.text,
            type="choice",
            required=item.number in inst.missing.required_items,
            repeats=False,
            answerOption=[
                {
                    "valueCoding": {
                        **_answer_coding(inst, option.value),
                        "extension": [
                            {
                                "url": ORDINAL_VALUE,
                                "valueDecimal": inst.item_score(item.number, option.value),
                            }
                        ],
                    }
                }
                for option in inst.options
            ],
        )
        items.append(entry)
    total: dict[str, Any] = {"linkId": total_link_id(inst)}
    if inst.loinc_total:
        total["code"] = [{"system": LOINC, "code": inst.loinc_total.code}]
    total.update(text=f"{inst.short_title} total score", type="integer", readOnly=True)
    items.append(total)

    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": inst.id,
        "url": questionnaire_url(inst),
        "version": QUESTIONNAIRE_VERSION,
        "name": re.sub(r"[^A-Za-z0-9]", "", inst.short_title),
        "title": inst.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            f"{cite['authors']} ({cite['year']}). {' '.join(str(cite['reference']).split())} "
            f"Scoring: {inst.score_min}-{inst.score_max}. Missing items: {inst.missing.rule}"
        ),
        "copyright": " ".join(str(cite["licence"]).split()),
    }
    if inst.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": inst.loinc_panel.code}]
    resource["item"] = items
    return resource


def _authored(authored: datetime | str) -> str:
    if isinstance(authored, datetime):
        if authored.tzinfo is None or authored.utcoffset() is None:
            raise TalkcureError(
                "Give the time the answers were given with a timezone (for example UTC)."
            )
        return authored.isoformat(timespec="seconds")
    if isinstance(authored, str) and _DATETIME_RE.match(authored):
        return authored
    raise TalkcureError(
        "Give the time the answers were given as a date-time with a timezone, "
        "e.g. 2024-05-01T10:30:00+00:00."
    )


def questionnaire_response(
    result: MeasureResult,
    *,
    patient_id: str,
    authored: datetime | str,
    response_id: str | None = None,
) -> dict[str, Any]:
    """A FHIR R4 QuestionnaireResponse for a scored result.

    Answered items carry their answer as ``valueCoding``; unanswered items are
    left out; the total (pro-rated if it was) is the ``<id>-total`` item, coded
    with the LOINC total-score code in the Questionnaire.
    """
    inst = get_instrument(result.instrument)
    if not isinstance(patient_id, str) or not _ID_RE.match(patient_id):
        raise TalkcureError(
            "Use a patient id of 1-64 letters, digits, '-' or '.' for the FHIR export."
        )
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if response_id is not None:
        if not _ID_RE.match(response_id):
            raise TalkcureError(
                "Use a response id of 1-64 letters, digits, '-' or '.' for the FHIR export."
            )
        resource["id"] = response_id
    items: list[dict[str, Any]] = []
    for number, value in sorted(result.answers.items()):
        if value is None:
            continue
        items.append(
            {
                "linkId": item_link_id(inst, number),
                "text": inst.item(number).text,
                "answer": [{"valueCoding": _answer_coding(inst, value)}],
            }
        )
    items.append(
        {
            "linkId": total_link_id(inst),
            "text": f"{inst.short_title} total score",
            "answer": [{"valueInteger": result.total}],
        }
    )
    resource.update(
        questionnaire=f"{questionnaire_url(inst)}|{QUESTIONNAIRE_VERSION}",
        status="completed",
        subject={"reference": f"Patient/{patient_id}"},
        authored=_authored(authored),
        item=items,
    )
    return resource


def validate_resource(resource: Mapping[str, Any]) -> None:
    """Validate a Questionnaire or QuestionnaireResponse with fhir.resources (R4B models)."""
    try:
        from fhir.resources.R4B.questionnaire import Questionnaire
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    except ImportError as exc:
        raise TalkcureError(
            "Install the FHIR extra (pip install 'talkcure[fhir]') to validate FHIR resources."
        ) from exc
    models = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse}
    kind = resource.get("resourceType") if isinstance(resource, Mapping) else None
    model = models.get(str(kind))
    if model is None:
        raise TalkcureError("Only FHIR Questionnaire and QuestionnaireResponse can be validated.")
    try:
        model.model_validate(dict(resource))
    except Exception as exc:  # pydantic.ValidationError and fhir.resources' own errors
        first = str(exc).splitlines()
        detail = "; ".join(line.strip() for line in first[1:3]) or str(exc)
        raise TalkcureError(f"The FHIR {kind} is not valid ({detail}); fix it and retry.") from exc


# --------------------------------------------------------------------------- import


def _fail(why: str) -> TalkcureError:
    return TalkcureError(f"This QuestionnaireResponse cannot be imported: {why}.")


def _walk(items: Any) -> Iterator[dict[str, Any]]:
    if items is None:
        return
    if not isinstance(items, list):
        raise _fail("'item' must be a list")
    for item in items:
        if not isinstance(item, dict):
            raise _fail("each item must be an object")
        yield item
        yield from _walk(item.get("item"))
        for answer in item.get("answer") or []:
            if isinstance(answer, dict):
                yield from _walk(answer.get("item"))


def _link_map(inst: Instrument) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in inst.items:
        out[item_link_id(inst, item.number)] = item.number
        if item.loinc:
            out[item.loinc] = item.number
            out["/" + item.loinc] = item.number
    return out


def _identify(data: dict[str, Any]) -> Instrument:
    ref = data.get("questionnaire")
    if ref is not None and not isinstance(ref, str):
        raise _fail("'questionnaire' must be a canonical URL")
    ref = (ref or "").split("|")[0]
    for inst in all_instruments():
        if ref == questionnaire_url(inst):
            return inst
        if inst.loinc_panel and ref and re.search(rf"(^|[/:#]){inst.loinc_panel.code}$", ref):
            return inst
    links = {str(i.get("linkId")) for i in _walk(data.get("item"))}
    for inst in all_instruments():
        if links & set(_link_map(inst)):
            return inst
    raise _fail("it does not say which of PHQ-9, GAD-7, RSES or WSAS it answers")


def _value(inst: Instrument, number: int, answer: Any) -> int:
    if not isinstance(answer, dict):
        raise _fail(f"the answer to item {number} must be an object")
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        if not isinstance(coding, dict):
            raise _fail(f"the valueCoding of item {number} must be an object")
        system, code = coding.get("system"), coding.get("code")
        for option in inst.options:
            if option.code == code and system in (None, inst.answer_system):
                return option.value
        raise _fail(
            f"item {number} has an answer code ({system}|{code}) the "
            f"{inst.short_title} does not use"
        )
    if "valueInteger" in answer:
        value = answer["valueInteger"]
        if isinstance(value, int) and not isinstance(value, bool):
            if inst.value_min <= value <= inst.value_max:
                return value
        raise _fail(f"item {number} must be from {inst.value_min} to {inst.value_max}")
    raise _fail(f"item {number} must be answered with valueCoding or valueInteger")


def import_questionnaire_response(
    data: Mapping[str, Any] | str,
) -> tuple[str, dict[int, int | None]]:
    """Read a QuestionnaireResponse (dict or JSON text) back into (instrument id, answers).

    Items are matched by our linkIds (``phq9-3``) or by LOINC item codes used as
    linkIds (``44259-0`` or ``/44259-0``); other items (the total, a display
    text, questions we do not score) are ignored. Unanswered items come back as None.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise TalkcureError(
                "The file is not valid JSON; export the QuestionnaireResponse again."
            ) from exc
    if not isinstance(data, Mapping) or data.get("resourceType") != "QuestionnaireResponse":
        raise TalkcureError(
            "Give a FHIR QuestionnaireResponse (resourceType QuestionnaireResponse)."
        )
    data = dict(data)
    status = data.get("status")
    if status not in _IMPORTABLE_STATUS:
        raise _fail(f"its status is {status!r}, and only completed responses are imported")
    inst = _identify(data)
    links = _link_map(inst)
    answers: dict[int, int | None] = {n: None for n in range(1, inst.n_items + 1)}
    seen: set[int] = set()
    for item in _walk(data.get("item")):
        number = links.get(str(item.get("linkId")))
        if number is None:
            continue
        if number in seen:
            raise _fail(f"item {number} appears twice")
        seen.add(number)
        given = item.get("answer")
        if given in (None, []):
            continue
        if not isinstance(given, list) or len(given) != 1:
            raise _fail(f"item {number} must have exactly one answer")
        answers[number] = _value(inst, number, given[0])
    if not any(v is not None for v in answers.values()):
        raise _fail(f"it holds no {inst.short_title} answers")
    return inst.id, answers
