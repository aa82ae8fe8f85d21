"""Users' rows kept in memory, so an update knows who sent it without a query.

Every update starts by loading its sender's row; users change rarely (joining, leaving, a role,
a setting), so that lookup is served from memory and the row is put into the update's session
as a persistent object, exactly as if it had been loaded.

It is only correct while every write to the database goes through this process, which is what
SQLite means here (one process owns the file; Telegram lets one process poll a bot), so
``create_user_cache`` returns None for any other database. Within the process every write goes
through the engine, and the engine's own events clear the cache: any statement that writes to
``users`` (ORM or Core, in a session or not) and any DELETE (a school or district deleted sets
users' references to NULL inside SQLite) clear it at once and again when their transaction
ends. A generation counter keeps a lookup that raced with such a write from storing what it
read.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from models import User
from services.users import get_user

CACHE_SIZE = 10_000
_TOUCHED = "user_cache_touched"
_COLUMNS = tuple(column.key for column in inspect(User).column_attrs)
_CLEARS = re.compile(
    r"\s*(?:DELETE\b|(?:INSERT|UPDATE|REPLACE)\b.*\busers\b)", re.IGNORECASE | re.DOTALL
)


class UserCache:
    def __init__(self, engine: AsyncEngine, size: int = CACHE_SIZE) -> None:
        self._rows: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._size = size
        self._generation = 0
        sync = engine.sync_engine
        event.listen(sync, "after_cursor_execute", self._on_execute)
        event.listen(sync, "commit", self._on_end)
        event.listen(sync, "rollback", self._on_end)

    def _on_execute(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if _CLEARS.match(statement):
            conn.info[_TOUCHED] = True
            self.clear()

    def _on_end(self, conn: Connection) -> None:
        if conn.info.pop(_TOUCHED, False):
            self.clear()  # what another update read meanwhile is older than this commit

    def clear(self) -> None:
        self._rows.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._rows)

    async def get(self, session: AsyncSession, telegram_id: int) -> User | None:
        """The user's row as a persistent object of ``session``, from memory when known."""
        row = self._rows.get(telegram_id)
        if row is not None:
            self._rows.move_to_end(telegram_id)
            user = User(**row)
            make_transient_to_detached(user)  # as if loaded: no history, nothing to flush
            session.add(user)
            return user
        generation = self._generation
        loaded = await get_user(session, telegram_id)
        if loaded is not None and generation == self._generation:
            self._rows[telegram_id] = {key: getattr(loaded, key) for key in _COLUMNS}
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)
        return loaded


def create_user_cache(engine: AsyncEngine) -> UserCache | None:
    """A cache for SQLite, the single-process database; None for a shared one."""
    return UserCache(engine) if engine.dialect.name == "sqlite" else None
