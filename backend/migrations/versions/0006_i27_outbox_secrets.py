"""outbox: secret mail parameters sealed beside the body; sent mails' tokens scrubbed

Revision ID: 0006_i27_outbox_secrets
Revises: 0005_i17_faq_content
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0006_i27_outbox_secrets"
down_revision = "0005_i17_faq_content"
branch_labels = None
depends_on = None

# What earlier versions wrote into a mail's body in clear: link tokens (`#token=…`, 43
# URL-safe characters) and the 8-digit verification codes.
_SECRETS = re.compile(r"(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_-]{43}|\d{8})(?![A-Za-z0-9_-])")


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails") as table:
        table.add_column(sa.Column("secrets_encrypted", sa.Text(), nullable=True))
    connection = op.get_bind()
    sent = connection.execute(
        sa.text("SELECT id, body FROM outbox_emails WHERE sent_at IS NOT NULL")
    ).all()
    for mail_id, body in sent:
        scrubbed = _SECRETS.sub("[removed]", body)
        if scrubbed != body:
            connection.execute(
                sa.text("UPDATE outbox_emails SET body = :body WHERE id = :id"),
                {"body": scrubbed, "id": mail_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("outbox_emails") as table:
        table.drop_column("secrets_encrypted")
