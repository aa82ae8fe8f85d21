"""Processed update ids: at-least-once delivery from Telegram must not write twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate


async def remember_update(
    session: AsyncSession, update_id: int, bot_id: int, now: datetime
) -> bool:
    """True the first time an update id is seen; False for a repeat.

    Committed at once: SQLite has one writer, and a write transaction held open through the
    handler would block the FSM storage's own connection.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, bot_id=bot_id, created_at=now)
        .on_conflict_do_nothing()
    )
    result = await session.execute(stmt)
    await session.commit()
    return bool(getattr(result, "rowcount", 0))
