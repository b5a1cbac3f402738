"""The append-only audit log (migration 0003): who read or wrote whose data, and when.

An entry holds ids and action names only (``chat.reply``, ``transcript.read``,
``patient.erase`` ...), never patient text. The database refuses to change or
delete entries (triggers), and they carry no foreign keys, so the record that a
person's data was read or erased outlives the data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from talkcure.store import tables as t
from talkcure.store.repository import Store


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor_id: int | None
    actor_role: str
    action: str
    patient_id: int | None
    target: str
    outcome: str

    def to_dict(self) -> dict:
        return asdict(self)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class AuditLog:
    def __init__(self, store: Store):
        self.engine = store.engine

    def append(self, actor_id: int | None, actor_role: str, action: str,
               patient_id: int | None = None, target: str = "", outcome: str = "ok") -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(t.audit_log).values(
                at=datetime.now(UTC), actor_id=actor_id, actor_role=actor_role[:16],
                action=action[:64], patient_id=patient_id, target=target[:64],
                outcome=outcome[:16],
            ))

    def entries(self, *, patient_id: int | None = None, actor_id: int | None = None,
                action: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """The newest entries first."""
        query = select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(limit)
        if patient_id is not None:
            query = query.where(t.audit_log.c.patient_id == patient_id)
        if actor_id is not None:
            query = query.where(t.audit_log.c.actor_id == actor_id)
        if action is not None:
            query = query.where(t.audit_log.c.action == action)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [AuditEntry(r.id, _aware(r.at).isoformat("T", "seconds"), r.actor_id,
                           r.actor_role, r.action, r.patient_id, r.target, r.outcome)
                for r in rows]

    def count(self, *, actor_id: int, action: str, outcome: str, since: datetime) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.audit_log).where(
                t.audit_log.c.actor_id == actor_id, t.audit_log.c.action == action,
                t.audit_log.c.outcome == outcome, t.audit_log.c.at >= since)).scalar() or 0
