"""the main-user role belongs to the unit membership, not the account

Revision ID: 0008_i27_unit_roles
Revises: 0007_i29_report_rollups

Today's main users stay main users of their own units: every unit they belong to, except a
unit whose main user added them as an ordinary registrar (audit `unit.registrar_added`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_i27_unit_roles"
down_revision = "0007_i29_report_rollups"
branch_labels = None
depends_on = None

_ROLE = sa.Enum(
    "registrar",
    "main_user",
    native_enum=False,
    create_constraint=True,
    length=24,
    name="ck_registrarrole",
)


def upgrade() -> None:
    with op.batch_alter_table("registrar_units") as table:
        table.add_column(sa.Column("role", _ROLE, nullable=False, server_default="registrar"))
    op.execute(
        "UPDATE registrar_units SET role = 'main_user' "
        "WHERE registrar_id IN (SELECT id FROM registrars WHERE role = 'main_user') "
        "AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'unit.registrar_added' "
        "AND a.target_kind = 'registrar' AND a.target_id = registrar_units.registrar_id "
        "AND a.detail = 'unit ' || registrar_units.unit_id)"
    )
    with op.batch_alter_table("registrars") as table:
        table.drop_constraint("ck_registrarrole", type_="check")
        table.drop_column("role")


def downgrade() -> None:
    with op.batch_alter_table("registrars") as table:
        table.add_column(sa.Column("role", _ROLE, nullable=False, server_default="registrar"))
    op.execute(
        "UPDATE registrars SET role = 'main_user' WHERE id IN "
        "(SELECT registrar_id FROM registrar_units WHERE role = 'main_user')"
    )
    with op.batch_alter_table("registrar_units") as table:
        table.drop_constraint("ck_registrarrole", type_="check")
        table.drop_column("role")
