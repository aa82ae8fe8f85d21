"""The one place that picks SQL by the database in use: SQLite (the default) or PostgreSQL.

Their INSERT … ON CONFLICT constructs come from different SQLAlchemy dialect modules;
statements that need one are built once per dialect and chosen per session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

INSERT: Mapping[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def per_dialect(build: Callable[[Any], T]) -> dict[str, T]:
    """``build(insert)`` once for each dialect's ``insert`` construct."""
    return {name: build(insert) for name, insert in INSERT.items()}


def for_session(choices: Mapping[str, T], session: AsyncSession) -> T:
    """The choice for the database ``session`` is bound to (anything but PostgreSQL: SQLite)."""
    name = session.get_bind().dialect.name
    return choices["postgresql" if name == "postgresql" else "sqlite"]
