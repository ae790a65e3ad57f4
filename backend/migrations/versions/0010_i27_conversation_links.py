"""conversations: the single-use token of a reply mail's link (its hash and expiry)

Revision ID: 0010_i27_conversation_links
Revises: 0009_i27_unit_invitations
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_i27_conversation_links"
down_revision = "0009_i27_unit_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as table:
        table.add_column(sa.Column("link_token_hash", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as table:
        table.drop_column("link_expires_at")
        table.drop_column("link_token_hash")
