"""FAQ content in the database: items, versions, source documents, publications

Revision ID: 0005_i17_faq_content
Revises: 0004_i18_working_day
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_i17_faq_content"
down_revision = "0004_i18_working_day"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=True, length=24, name=name)


def upgrade() -> None:
    op.create_table(
        "faq_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("ck_faqitemkind", "entry", "topic"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key", name="uq_faq_items_kind_key"),
    )
    op.create_table(
        "faq_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            _enum("ck_faqversionstatus", "draft", "approved", "published", "superseded"),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["faq_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["staff_users.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["staff_users.id"]),
        sa.ForeignKeyConstraint(["published_by_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "number", name="uq_faq_versions_number"),
    )
    op.create_index("ix_faq_versions_item_id", "faq_versions", ["item_id"])
    op.create_table(
        "faq_sources",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "faq_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("faq_publications")
    op.drop_table("faq_sources")
    op.drop_index("ix_faq_versions_item_id", table_name="faq_versions")
    op.drop_table("faq_versions")
    op.drop_table("faq_items")
