"""Alembic environment: runs migrations against the URL the caller configured."""

from __future__ import annotations

from alembic import context

import models
from models.database import make_engine, normalise_url

config = context.config
url = normalise_url(str(config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")))
target_metadata = models.Base.metadata

engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
