"""Stored outcome measures and treatment courses (tables of migration 0002).

A scored result is health data: its JSON (answers, total, band, notes) is
encrypted like a turn; only the instrument id, the patient/session links and the
time stay in clear. A course (the treatment plan) keeps its kind, length, review
interval and focus in clear and its goals (the person's words) encrypted. Every
change of plan adds a row; the latest row is the plan in force.

This module stores and reads plain values; scoring and the course arithmetic
live in :mod:`talkcure.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from talkcure.errors import TalkcureError
from talkcure.store import tables as t
from talkcure.store.repository import Store, insert_flag

RESULT_COLUMN = "measure_results.result"
GOALS_COLUMN = "courses.goals"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


@dataclass(frozen=True)
class MeasureRecord:
    """One stored administration: ``result`` is the decrypted result dict."""

    id: int
    patient_id: int
    session_id: int | None
    session_number: int | None
    instrument: str
    via: str  # chat | entry | import
    administered_at: str  # ISO 8601 with timezone
    result: dict[str, Any]


@dataclass(frozen=True)
class CourseRecord:
    """One version of a person's treatment plan."""

    id: int
    patient_id: int
    kind: str  # short_term | open_ended
    planned_sessions: int | None
    review_every: int
    focus: str  # symptom | personality
    first_session: int
    goals: tuple[str, ...]
    created_at: str


class MeasureRecords:
    """Measure results and courses of one :class:`Store`."""

    def __init__(self, store: Store):
        self.store = store
        self.cipher = store.cipher
        self.engine = store.engine

    # ------------------------------------------------------------------ results

    def add_result(
        self,
        patient_id: int,
        instrument: str,
        result: dict[str, Any],
        *,
        session_id: int | None = None,
        via: str = "chat",
        administered_at: datetime | None = None,
        flag: dict[str, str] | None = None,
        state: dict[str, Any] | None = None,
    ) -> MeasureRecord:
        """Store one result; with ``flag`` and/or ``state`` the session's risk flag and
        state are written in the same transaction (all or nothing)."""
        when = administered_at or _now()
        if (flag or state is not None) and session_id is None:
            raise ValueError("a flag or a session state needs a session")
        with self.engine.begin() as conn:
            number = None
            if session_id is not None:
                row = conn.execute(
                    select(t.sessions.c.patient_id, t.sessions.c.number).where(
                        t.sessions.c.id == session_id
                    )
                ).first()
                if row is None or row.patient_id != patient_id:
                    raise TalkcureError(
                        f"Session {session_id} is not one of this person's sessions; "
                        "check the session with `talkcure sessions --patient NAME`."
                    )
                number = row.number
            rid = conn.execute(
                insert(t.measure_results).values(
                    patient_id=patient_id,
                    session_id=session_id,
                    instrument=instrument[:16],
                    via=via[:16],
                    administered_at=when,
                    result_enc=self.cipher.encrypt_json(result, RESULT_COLUMN),
                )
            ).inserted_primary_key[0]
            values: dict[str, Any] = {}
            if state is not None:
                values["state_enc"] = self.cipher.encrypt_json(state, "sessions.state")
            if flag:
                values.update(flagged=True, flag_reason=flag["reason"][:200])
                insert_flag(conn, session_id, None, flag, when)
            if values:
                conn.execute(
                    update(t.sessions).where(t.sessions.c.id == session_id).values(**values)
                )
        return MeasureRecord(rid, patient_id, session_id, number, instrument, via, _iso(when),
                             result)

    def results_of(self, patient_id: int, instrument: str | None = None) -> list[MeasureRecord]:
        """A person's results, oldest first (optionally of one instrument)."""
        query = (
            select(t.measure_results, t.sessions.c.number)
            .outerjoin(t.sessions, t.sessions.c.id == t.measure_results.c.session_id)
            .where(t.measure_results.c.patient_id == patient_id)
            .order_by(t.measure_results.c.administered_at, t.measure_results.c.id)
        )
        if instrument is not None:
            query = query.where(t.measure_results.c.instrument == instrument)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            MeasureRecord(
                id=r.id,
                patient_id=r.patient_id,
                session_id=r.session_id,
                session_number=r.number,
                instrument=r.instrument,
                via=r.via,
                administered_at=_iso(r.administered_at),
                result=self.cipher.decrypt_json(r.result_enc, RESULT_COLUMN),
            )
            for r in rows
        ]

    def results_of_session(self, session_id: int) -> list[MeasureRecord]:
        with self.engine.connect() as conn:
            patient_id = conn.execute(
                select(t.sessions.c.patient_id).where(t.sessions.c.id == session_id)
            ).scalar()
        if patient_id is None:
            return []
        return [r for r in self.results_of(patient_id) if r.session_id == session_id]

    # ------------------------------------------------------------------ courses

    def set_course(
        self,
        patient_id: int,
        *,
        kind: str,
        planned_sessions: int | None,
        review_every: int,
        focus: str,
        first_session: int,
        goals: tuple[str, ...] | list[str] = (),
    ) -> CourseRecord:
        """Add a version of the plan; it is in force from now on."""
        now = _now()
        goals = tuple(goals)
        with self.engine.begin() as conn:
            cid = conn.execute(
                insert(t.courses).values(
                    patient_id=patient_id,
                    kind=kind,
                    planned_sessions=planned_sessions,
                    review_every=review_every,
                    focus=focus,
                    first_session=first_session,
                    goals_enc=self.cipher.encrypt_json(list(goals), GOALS_COLUMN),
                    created_at=now,
                )
            ).inserted_primary_key[0]
        return CourseRecord(cid, patient_id, kind, planned_sessions, review_every, focus,
                            first_session, goals, _iso(now))

    def courses_of(self, patient_id: int) -> list[CourseRecord]:
        """Every version of a person's plan, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.courses)
                .where(t.courses.c.patient_id == patient_id)
                .order_by(t.courses.c.created_at, t.courses.c.id)
            ).all()
        return [
            CourseRecord(
                id=r.id,
                patient_id=r.patient_id,
                kind=r.kind,
                planned_sessions=r.planned_sessions,
                review_every=r.review_every,
                focus=r.focus,
                first_session=r.first_session,
                goals=tuple(self.cipher.decrypt_json(r.goals_enc, GOALS_COLUMN) or ()),
                created_at=_iso(r.created_at),
            )
            for r in rows
        ]

    def course_of(self, patient_id: int) -> CourseRecord | None:
        """The plan in force (the latest version), or None."""
        history = self.courses_of(patient_id)
        return history[-1] if history else None
