"""Alembic environment: the URL comes from the caller (backend.migrate) or DATABASE_URL."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from backend import models  # noqa: F401  (registers the tables on Base.metadata)
from backend.db import Base
from backend.settings import get_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url

connectable = engine_from_config(
    {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()
