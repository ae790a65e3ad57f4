"""staff working day: waiting time, conversation language, reply delivery, canned replies

Revision ID: 0004_i18_working_day
Revises: 0003_i16_answer_feedback
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_i18_working_day"
down_revision = "0003_i16_answer_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as table:
        table.add_column(
            sa.Column("language", sa.String(length=2), nullable=False, server_default="fi")
        )
        table.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
    op.execute(
        "UPDATE escalations SET waiting_since = created_at "
        "WHERE status <> 'resolved' AND NOT EXISTS (SELECT 1 FROM escalation_messages m "
        "WHERE m.escalation_id = escalations.id AND m.kind = 'reply')"
    )
    with op.batch_alter_table("escalation_messages") as table:
        table.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text_fi", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("staff_users.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("title", name="uq_canned_replies_title"),
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    with op.batch_alter_table("escalation_messages") as table:
        table.drop_column("emailed_at")
        table.drop_column("fetched_at")
    with op.batch_alter_table("escalations") as table:
        table.drop_column("contact_email")
        table.drop_column("waiting_since")
        table.drop_column("language")
