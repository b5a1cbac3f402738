"""A person's data, whole, for the right of access (JSON) and FHIR."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from talkcure.model import PatientInfo
from talkcure.show import session_record
from talkcure.store import Store
from talkcure.store.accounts import Accounts
from talkcure.store.audit import AuditLog
from talkcure.store.measure_records import MeasureRecords
from talkcure.store.people import notes_of

FORMAT = "talkcure-export-1"


def person_export(store: Store, patient: PatientInfo) -> dict[str, Any]:
    """Everything stored about one person: account, sessions with every turn (with
    the program's annotations and plans), questionnaires, course and goals,
    clinicians' notes, and who accessed the record (the audit entries)."""
    records = MeasureRecords(store)
    account = Accounts(store).by_patient(patient.id)
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "person": {"id": patient.id, "name": patient.name, "locale": patient.locale},
        "account": None if account is None else {
            "login": account.login, "role": account.role, "created_at": account.created_at},
        "sessions": [session_record(store, s.id) for s in store.sessions_of(patient.id)],
        "measures": [
            {"id": r.id, "instrument": r.instrument, "session_id": r.session_id,
             "via": r.via, "administered_at": r.administered_at, "result": r.result}
            for r in records.results_of(patient.id)
        ],
        "courses": [
            {"kind": c.kind, "planned_sessions": c.planned_sessions,
             "review_every": c.review_every, "focus": c.focus,
             "first_session": c.first_session, "goals": list(c.goals),
             "created_at": c.created_at}
            for c in records.courses_of(patient.id)
        ],
        "notes": notes_of(store, patient.id),
        "access_log": [e.to_dict() for e in AuditLog(store).entries(patient_id=patient.id,
                                                                     limit=10_000)],
    }
