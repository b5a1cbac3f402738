"""What the web app needs about people beyond the conversation store: finding a person
by id, the open session, saving a session's state, clinicians' notes, and erasure.

:func:`erase_patient` is the right to erasure: every row about the person —
turns, sessions, flags, measures, courses, notes, assignments, their account and
its sign-ins, the person — is deleted in one transaction. On SQLite the freed
pages are overwritten (``secure_delete``) and the write-ahead log is checkpointed,
so the ciphertext does not linger in the file. The audit log keeps its entries
(ids and action names only, no text) as the record that the erasure happened.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, text, update

from talkcure.errors import TalkcureError
from talkcure.model import PatientInfo, SessionInfo
from talkcure.store import tables as t
from talkcure.store.repository import Store

NOTE_COLUMN = "notes.text"
MAX_NOTE_CHARS = 10_000


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def patient_by_id(store: Store, patient_id: int) -> PatientInfo | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(t.patients).where(t.patients.c.id == patient_id)).first()
    if row is None:
        return None
    return PatientInfo(row.id, store.cipher.decrypt(row.name_enc, "patients.name"), row.locale)


def all_patients(store: Store) -> list[PatientInfo]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.patients).order_by(t.patients.c.id)).all()
    return [PatientInfo(r.id, store.cipher.decrypt(r.name_enc, "patients.name"), r.locale)
            for r in rows]


def open_session_of(store: Store, patient_id: int) -> SessionInfo | None:
    """The person's latest session if it is still open (not closed with a summary)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(t.sessions.c.id, t.sessions.c.ended_at)
            .where(t.sessions.c.patient_id == patient_id)
            .order_by(t.sessions.c.number.desc()).limit(1)
        ).first()
    if row is None or row.ended_at is not None:
        return None
    return store.get_session(row.id)


def save_state(store: Store, session_id: int, state: dict[str, Any]) -> None:
    """Store a session's state outside a turn (e.g. the crisis protocol started by a
    questionnaire answer), so any app server continues from it."""
    with store.engine.begin() as conn:
        conn.execute(update(t.sessions).where(t.sessions.c.id == session_id)
                     .values(state_enc=store.cipher.encrypt_json(state, "sessions.state")))


# --------------------------------------------------------------------------- notes


def add_note(store: Store, patient_id: int, author_id: int | None, note: str) -> dict[str, Any]:
    note = (note or "").strip()
    if not note:
        raise TalkcureError("The note is empty; write something before saving it.")
    if len(note) > MAX_NOTE_CHARS:
        raise TalkcureError(f"A note can be at most {MAX_NOTE_CHARS:,} characters; "
                            "split it in two.")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        nid = conn.execute(insert(t.notes).values(
            patient_id=patient_id, author_id=author_id,
            text_enc=store.cipher.encrypt(note, NOTE_COLUMN), created_at=now,
        )).inserted_primary_key[0]
    return {"id": nid, "author_id": author_id, "text": note,
            "created_at": now.isoformat("T", "seconds")}


def notes_of(store: Store, patient_id: int) -> list[dict[str, Any]]:
    """A person's notes, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.notes).where(t.notes.c.patient_id == patient_id)
                            .order_by(t.notes.c.id.desc())).all()
    return [{"id": r.id, "author_id": r.author_id,
             "text": store.cipher.decrypt(r.text_enc, NOTE_COLUMN),
             "created_at": _aware(r.created_at).isoformat("T", "seconds")} for r in rows]


# --------------------------------------------------------------------------- erasure


def erase_patient(store: Store, patient_id: int) -> dict[str, int]:
    """Delete everything about one person; returns the rows deleted per table."""
    sessions = select(t.sessions.c.id).where(t.sessions.c.patient_id == patient_id)
    users = select(t.users.c.id).where(t.users.c.patient_id == patient_id)
    steps = [
        ("flags", delete(t.flags).where(t.flags.c.session_id.in_(sessions))),
        ("measure_results",
         delete(t.measure_results).where(t.measure_results.c.patient_id == patient_id)),
        ("turns", delete(t.turns).where(t.turns.c.session_id.in_(sessions))),
        ("sessions", delete(t.sessions).where(t.sessions.c.patient_id == patient_id)),
        ("courses", delete(t.courses).where(t.courses.c.patient_id == patient_id)),
        ("notes", delete(t.notes).where(t.notes.c.patient_id == patient_id)),
        ("assignments", delete(t.assignments).where(t.assignments.c.patient_id == patient_id)),
        ("auth_sessions", delete(t.auth_sessions).where(t.auth_sessions.c.user_id.in_(users))),
        ("users", delete(t.users).where(t.users.c.patient_id == patient_id)),
        ("patients", delete(t.patients).where(t.patients.c.id == patient_id)),
    ]
    sqlite = store.engine.dialect.name == "sqlite"
    counts: dict[str, int] = {}
    with store.engine.begin() as conn:
        if sqlite:
            conn.execute(text("PRAGMA secure_delete=ON"))
        try:
            for name, statement in steps:
                counts[name] = conn.execute(statement).rowcount
        finally:
            if sqlite:
                conn.execute(text("PRAGMA secure_delete=OFF"))
    if not counts["patients"]:
        raise TalkcureError("There is no such person; nothing was deleted.")
    if sqlite:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts
