"""A dump of every table, to show that a refused update changed no row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import Base

# rows that every update may touch: the user's last-seen time, the form storage
VOLATILE_TABLES = frozenset({"fsm_states"})
VOLATILE_COLUMNS = frozenset({"last_seen_at", "updated_at"})


async def dump_tables(
    session_pool: async_sessionmaker[AsyncSession],
) -> dict[str, list[tuple[Any, ...]]]:
    dump: dict[str, list[tuple[Any, ...]]] = {}
    async with session_pool() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            rows = (await session.execute(select(*columns).order_by(*table.primary_key))).all()
            dump[table.name] = [tuple(row) for row in rows]
    return dump
