"""staff reports: daily rollups of counts (no personal data) and the days rolled up

Revision ID: 0007_i29_report_rollups
Revises: 0006_i27_outbox_secrets
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_i29_report_rollups"
down_revision = "0006_i27_outbox_secrets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_daily",
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "key"),
    )
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("report_days")
    op.drop_table("report_daily")
