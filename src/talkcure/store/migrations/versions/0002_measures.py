"""Outcome measures and the treatment course: measure_results, courses.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "patient_id",
            sa.Integer,
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="SET NULL")),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("administered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result_enc", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "patient_id",
            sa.Integer,
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("planned_sessions", sa.Integer),
        sa.Column("review_every", sa.Integer, nullable=False),
        sa.Column("focus", sa.String(16), nullable=False),
        sa.Column("first_session", sa.Integer, nullable=False),
        sa.Column("goals_enc", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_measure_results_patient", "measure_results", ["patient_id"])
    op.create_index("ix_courses_patient", "courses", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_courses_patient", "courses")
    op.drop_index("ix_measure_results_patient", "measure_results")
    op.drop_table("courses")
    op.drop_table("measure_results")
