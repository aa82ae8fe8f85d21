"""Processed update ids: at-least-once delivery from Telegram must not write twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate
from models.deferred import defer

# Built once, on the table (Core): building a statement, or running it through the ORM's
# bulk-insert machinery, costs more than executing a cached Core statement.
_TABLE: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
_SEEN = select(
    exists().where(
        _TABLE.c.update_id == bindparam("update_id"),
        _TABLE.c.bot_id == bindparam("bot_id"),
    )
)
_MARK = {
    name: insert(_TABLE)
    .values(
        update_id=bindparam("update_id"),
        bot_id=bindparam("bot_id"),
        created_at=bindparam("created_at"),
    )
    .on_conflict_do_nothing()
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


async def already_handled(session: AsyncSession, update_id: int, bot_id: int) -> bool:
    """True when this update id was handled (its mark committed) before."""
    connection = await session.connection()
    seen = await connection.scalar(_SEEN, {"update_id": update_id, "bot_id": bot_id})
    return bool(seen)


def mark_handled(session: AsyncSession, update_id: int, bot_id: int, now: datetime) -> None:
    """The mark commits with whatever the handler writes, in the same transaction.

    Nothing is written before the handler runs, so no write lock is held through it; a
    handler that fails before committing leaves no mark, and a redelivery runs it again.
    """
    dialect = session.get_bind().dialect.name
    defer(
        session,
        ("processed_update", update_id, bot_id),
        _MARK["postgresql" if dialect == "postgresql" else "sqlite"],
        {"update_id": update_id, "bot_id": bot_id, "created_at": now},
    )
