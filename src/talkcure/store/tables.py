"""Table definitions (SQLAlchemy Core). Columns ending in ``_enc`` hold AES-GCM
ciphertext of patient text or of JSON that may quote it; nothing else does."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

patients = Table(
    "patients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name_hash", String(64), nullable=False, unique=True),
    Column("name_enc", LargeBinary, nullable=False),
    Column("locale", String(16), nullable=False, default="US"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("flag_reason", String(200), nullable=False, default=""),
    Column("state_enc", LargeBinary),
    Column("summary_enc", LargeBinary),
    UniqueConstraint("patient_id", "number", name="uq_session_number"),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(16), nullable=False),
    Column("text_enc", LargeBinary, nullable=False),
    Column("annotation_enc", LargeBinary),
    Column("plan_enc", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("session_id", "idx", name="uq_turn_idx"),
)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE")),
    Column("kind", String(32), nullable=False),
    Column("level", String(16), nullable=False, default=""),
    Column("reason", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

Index("ix_sessions_patient", sessions.c.patient_id)
Index("ix_turns_session", turns.c.session_id)
Index("ix_flags_session", flags.c.session_id)
