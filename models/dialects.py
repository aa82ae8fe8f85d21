"""The one place that picks SQL by the database in use: SQLite (the default) or PostgreSQL.

Their INSERT … ON CONFLICT constructs come from different SQLAlchemy dialect modules.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession) -> Any:
    """The dialect's ``insert`` (with ``on_conflict_do_*``) for the database of ``session``."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
