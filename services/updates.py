"""Processed update ids: at-least-once delivery from Telegram must not write twice."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Table, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate
from models.deferred import defer
from models.dialects import for_session, per_dialect

# Built once, on the table (Core): building a statement, or running it through the ORM's
# bulk-insert machinery, costs more than executing a cached Core statement.
_TABLE: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
_SEEN = select(
    exists().where(
        _TABLE.c.update_id == bindparam("update_id"),
        _TABLE.c.bot_id == bindparam("bot_id"),
    )
)
_TOP = select(func.max(_TABLE.c.update_id)).where(_TABLE.c.bot_id == bindparam("bot_id"))
_MARK = per_dialect(
    lambda insert: (
        insert(_TABLE)
        .values(
            update_id=bindparam("update_id"),
            bot_id=bindparam("bot_id"),
            created_at=bindparam("created_at"),
        )
        .on_conflict_do_nothing()
    )
)


async def already_handled(session: AsyncSession, update_id: int, bot_id: int) -> bool:
    """True when this update id was handled (its mark committed) before."""
    connection = await session.connection()
    seen = await connection.scalar(_SEEN, {"update_id": update_id, "bot_id": bot_id})
    return bool(seen)


class RepeatedUpdate(Exception):
    """At commit the update's mark was already there: another delivery of it was handled.

    Raised inside the commit, so whatever this delivery wrote is rolled back with it.
    """


def mark_handled(
    session: AsyncSession,
    update_id: int,
    bot_id: int,
    now: datetime,
    on_discard: Any = None,
) -> None:
    """The mark commits with whatever the handler writes, in the same transaction.

    Nothing is written before the handler runs, so no write lock is held through it; a
    handler that fails before committing leaves no mark, and a redelivery runs it again. If
    the mark is already there when the commit comes, the commit fails with RepeatedUpdate.
    An update that writes nothing (a menu, a card, /help) leaves no mark either: the mark
    guards writes, and such an update has none to repeat (after a crash, Telegram's repeat
    of it is answered once more).
    """
    defer(
        session,
        ("processed_update", update_id, bot_id),
        for_session(_MARK, session),
        {"update_id": update_id, "bot_id": bot_id, "created_at": now},
        on_discard=on_discard,
        on_no_rows=RepeatedUpdate,
        only_with_writes=True,
    )


@dataclass
class _Seen:
    floor: int | None = None  # the highest id committed before this process looked
    top: int = 0  # the highest id this process has started
    recent: set[int] = field(default_factory=set)
    order: deque[int] = field(default_factory=deque)


class UpdateLedger:
    """Tells a repeated delivery from a new update, asking the database only when it must.

    Telegram lets one process poll a bot at a time (a second getUpdates gets 409 Conflict)
    and numbers updates in increasing order. So an update above the highest id committed
    before this process first looked (read once), and not started since, is new and costs no
    query; the ones this process started are remembered (a window of the latest ``window``
    ids). Below the floor or the window, which is where redeliveries after a restart are,
    the database decides. The mark itself goes in at commit and the commit is refused if the
    mark is there (``RepeatedUpdate``), so even a repeat that slips past writes nothing twice.
    """

    def __init__(self, window: int = 10_000) -> None:
        self._window = window
        self._bots: dict[int, _Seen] = {}

    async def is_repeat(self, session: AsyncSession, update_id: int, bot_id: int) -> bool:
        seen = self._bots.setdefault(bot_id, _Seen())
        if update_id in seen.recent:
            return True
        if seen.floor is None:
            connection = await session.connection()
            seen.floor = await connection.scalar(_TOP, {"bot_id": bot_id}) or 0
        if update_id <= seen.floor or update_id <= seen.top - self._window:
            return await already_handled(session, update_id, bot_id)
        return False

    def start(self, session: AsyncSession, update_id: int, bot_id: int, now: datetime) -> None:
        """Remember the update as started and defer its mark to the update's commit."""
        seen = self._bots.setdefault(bot_id, _Seen())
        seen.recent.add(update_id)
        seen.order.append(update_id)
        seen.top = max(seen.top, update_id)
        while len(seen.order) > self._window:
            seen.recent.discard(seen.order.popleft())
        mark_handled(
            session, update_id, bot_id, now, on_discard=partial(seen.recent.discard, update_id)
        )
