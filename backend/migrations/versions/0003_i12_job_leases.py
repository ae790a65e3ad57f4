"""production shape: job leases for cluster-wide periodic jobs; the database-kept rate-limit
events give way to backend/limits.py (memory or Redis)

Revision ID: 0003_i12
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i12"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.drop_index("ix_rate_limit_events_bucket", table_name="rate_limit_events")
    op.drop_table("rate_limit_events")


def downgrade() -> None:
    op.create_table(
        "rate_limit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_limit_events_bucket", "rate_limit_events", ["bucket", "created_at"])
    op.drop_table("job_leases")
