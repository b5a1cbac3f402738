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

# Outcome measures (migration 0002). Only the instrument id, the links and the
# times are in clear; the scored result (answers, total, band) is encrypted.
measure_results = Table(
    "measure_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="SET NULL")),
    Column("instrument", String(16), nullable=False),
    Column("via", String(16), nullable=False),
    Column("administered_at", DateTime(timezone=True), nullable=False),
    Column("result_enc", LargeBinary, nullable=False),
)

# The treatment course (plan); the latest row of a person is the one in force.
courses = Table(
    "courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("planned_sessions", Integer),
    Column("review_every", Integer, nullable=False),
    Column("focus", String(16), nullable=False),
    Column("first_session", Integer, nullable=False),
    Column("goals_enc", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

Index("ix_sessions_patient", sessions.c.patient_id)
Index("ix_turns_session", turns.c.session_id)
Index("ix_flags_session", flags.c.session_id)
Index("ix_measure_results_patient", measure_results.c.patient_id)
Index("ix_courses_patient", courses.c.patient_id)

# Web accounts, access and audit (migration 0003). A login name is personal data:
# it is stored like a person's name (keyed hash to find it, ciphertext to show it).
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login_hash", String(64), nullable=False, unique=True),
    Column("login_enc", LargeBinary, nullable=False),
    Column("role", String(16), nullable=False),  # person | clinician | admin
    Column("password_hash", String(255), nullable=False),  # argon2id, PHC string
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"), unique=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Signed-in browser sessions: the cookie holds a random token, the table its SHA-256.
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Which clinician may see which person.
assignments = Table(
    "assignments",
    metadata,
    Column("clinician_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
           primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"),
           primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A clinician's notes about a person (encrypted).
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("text_enc", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Append-only (triggers refuse UPDATE and DELETE): who did what to which person's
# data, and when. Ids and action names only, never patient text; no foreign keys,
# so the record of an access outlives the erased data it was about.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", Integer),
    Column("actor_role", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("patient_id", Integer),
    Column("target", String(64), nullable=False, default=""),
    Column("outcome", String(16), nullable=False, default="ok"),
)

Index("ix_auth_sessions_user", auth_sessions.c.user_id)
Index("ix_assignments_patient", assignments.c.patient_id)
Index("ix_notes_patient", notes.c.patient_id)
Index("ix_audit_log_patient", audit_log.c.patient_id)
Index("ix_audit_log_actor", audit_log.c.actor_id)
