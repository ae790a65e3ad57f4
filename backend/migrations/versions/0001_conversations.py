"""conversations

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrar_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_conversations_registrar_id", "conversations", ["registrar_id"])


def downgrade() -> None:
    op.drop_index("ix_conversations_registrar_id", table_name="conversations")
    op.drop_table("conversations")
