"""staff roles and lock, TOTP second factors, recovery codes, invitations, unit closing,
session stage and idle time

Revision ID: 0003_i15_staff_admin
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i15_staff_admin"
down_revision = "0003_i12"  # chained at merge after the job leases
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        # Staff users from before roles get the least power; the admin command promotes.
        batch.add_column(
            sa.Column(
                "role",
                _enum("ck_staffrole", "agent", "admin"),
                nullable=False,
                server_default="agent",
            )
        )
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(
            sa.Column(
                "stage", _enum("ck_sessionstage", "enrolment", "second_factor"), nullable=True
            )
        )
        batch.add_column(
            sa.Column(
                "last_seen_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("registrar_id", sa.Integer(), nullable=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["registrar_id"], ["registrars.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registrar_id"),
        sa.UniqueConstraint("staff_user_id"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("factor_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["factor_id"], ["second_factors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_recovery_codes_factor_id", "recovery_codes", ["factor_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", _enum("ck_invitationkind", "main_user", "staff_password"), nullable=False
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["invited_by_id"], ["staff_users.id"]),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_index("ix_recovery_codes_factor_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("last_seen_at")
        batch.drop_constraint("ck_sessionstage", type_="check")
        batch.drop_column("stage")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("closed_at")
    op.execute("DELETE FROM staff_users WHERE password_hash IS NULL")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("locked")
        batch.drop_column("failed_logins")
        batch.drop_constraint("ck_staffrole", type_="check")
        batch.drop_column("role")
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
