"""Processed update ids: at-least-once delivery from Telegram must not write twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate
from models.deferred import defer

# built once: building a statement costs more than executing a cached one
_SEEN = select(
    exists().where(
        ProcessedUpdate.update_id == bindparam("update_id"),
        ProcessedUpdate.bot_id == bindparam("bot_id"),
    )
)
_MARK = {
    name: insert(ProcessedUpdate)
    .values(
        update_id=bindparam("update_id"),
        bot_id=bindparam("bot_id"),
        created_at=bindparam("created_at", type_=ProcessedUpdate.__table__.c.created_at.type),
    )
    .on_conflict_do_nothing()
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


async def already_handled(session: AsyncSession, update_id: int, bot_id: int) -> bool:
    """True when this update id was handled (its mark committed) before."""
    seen = await session.scalar(_SEEN, {"update_id": update_id, "bot_id": bot_id})
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
