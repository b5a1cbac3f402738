"""FHIR R4 export and import of stored questionnaires (``talkcure export-fhir`` /
``import-fhir``).

Export: a ``collection`` Bundle with the Questionnaire of each instrument used
and one QuestionnaireResponse per stored result, each validated with
fhir.resources (R4B models, structurally identical to R4 for these resources).
The person is referred to by a pseudonymous id (``talkcure-<number>``), never by
name. Goal ratings have no standard Questionnaire and are not exported.
Import: each QuestionnaireResponse is scored again and stored (``via`` import).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from talkcure.errors import TalkcureError
from talkcure.measures import (
    MeasureResult,
    get_instrument,
    import_questionnaire_response,
    questionnaire,
    questionnaire_response,
    score,
    validate_resource,
)
from talkcure.store import Store
from talkcure.store.measure_records import MeasureRecords


def _validate_bundle(bundle: dict[str, Any]) -> None:
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError as exc:
        raise TalkcureError(
            "Install the FHIR extra (pip install 'talkcure[fhir]') to export FHIR resources."
        ) from exc
    try:
        Bundle.model_validate(bundle)
    except Exception as exc:
        raise TalkcureError(f"The FHIR Bundle is not valid ({str(exc).splitlines()[0]}).") \
            from exc


def export_bundle(store: Store, patient_name: str) -> dict[str, Any]:
    """The person's stored PHQ-9, GAD-7, RSES and WSAS results as a validated Bundle."""
    patient = store.get_patient(patient_name)
    results = [r for r in MeasureRecords(store).results_of(patient.id) if r.instrument != "goals"]
    if not results:
        raise TalkcureError("There are no stored questionnaires to export for this person.")
    entries = []
    for inst_id in dict.fromkeys(r.instrument for r in results):
        resource = questionnaire(inst_id)
        validate_resource(resource)
        entries.append({"fullUrl": resource["url"], "resource": resource})
    for record in results:
        resource = questionnaire_response(
            MeasureResult.from_dict(record.result),
            patient_id=f"talkcure-{patient.id}",
            authored=record.administered_at,
            response_id=f"{record.instrument}-{record.id}",
        )
        validate_resource(resource)
        entries.append({"fullUrl": f"urn:talkcure:response:{record.id}", "resource": resource})
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    _validate_bundle(bundle)
    return bundle


def _responses(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        found = [e.get("resource") for e in data.get("entry") or [] if isinstance(e, dict)]
        return [r for r in found if isinstance(r, dict)
                and r.get("resourceType") == "QuestionnaireResponse"]
    return [data]


def import_file(store: Store, patient_name: str, path: str) -> str:
    """Score and store every QuestionnaireResponse in a file; all or nothing."""
    patient = store.get_patient(patient_name)
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise TalkcureError(f"Can't read {path} ({exc.strerror}); check the path.") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise TalkcureError(f"{path} is not JSON; give a FHIR QuestionnaireResponse or Bundle.") \
            from None
    responses = _responses(data)
    if not responses:
        raise TalkcureError(f"{path} holds no QuestionnaireResponse to import.")
    scored = []
    for resource in responses:
        inst_id, answers = import_questionnaire_response(resource)
        when = resource.get("authored")
        try:
            at = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
        except ValueError:
            at = None
        if at is not None and at.tzinfo is None:
            at = None
        scored.append((inst_id, score(inst_id, answers), at))
    records = MeasureRecords(store)
    with_risk = 0
    for inst_id, result, at in scored:
        records.add_result(patient.id, inst_id, result.to_dict(), via="import",
                           administered_at=at)
        with_risk += result.risk
    names = ", ".join(f"{get_instrument(i).short_title} {r.total}" for i, r, _ in scored)
    text = f"Imported {len(scored)} result(s): {names}."
    if with_risk:
        text += " A PHQ-9 item 9 was answered above 0: follow your risk protocol."
    return text
