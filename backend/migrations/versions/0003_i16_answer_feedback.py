"""answer feedback: registrars' "Was this helpful?" votes on FAQ answers

Revision ID: 0003_i16_answer_feedback
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i16_answer_feedback"
down_revision = "0003_i15_staff_admin"  # chained at merge after the staff tables
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "entry_id", name="uq_answer_feedback_vote"),
    )
    op.create_index("ix_answer_feedback_entry_id", "answer_feedback", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_feedback_entry_id", table_name="answer_feedback")
    op.drop_table("answer_feedback")
