"""invitations: a registrar joins a unit by accepting its main user's invitation

Revision ID: 0009_i27_unit_invitations
Revises: 0008_i27_unit_roles
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_i27_unit_invitations"
down_revision = "0008_i27_unit_roles"
branch_labels = None
depends_on = None


def _kinds(*kinds: str) -> sa.TextClause:
    return sa.text("kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")")


def upgrade() -> None:
    with op.batch_alter_table("invitations") as table:
        table.drop_constraint("ck_invitationkind", type_="check")
        table.create_check_constraint(
            "ck_invitationkind", _kinds("main_user", "staff_password", "unit_registrar")
        )


def downgrade() -> None:
    op.execute("DELETE FROM invitations WHERE kind = 'unit_registrar'")
    with op.batch_alter_table("invitations") as table:
        table.drop_constraint("ck_invitationkind", type_="check")
        table.create_check_constraint("ck_invitationkind", _kinds("main_user", "staff_password"))
