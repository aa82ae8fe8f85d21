"""Users' rows kept in memory, so an update knows who sent it without a query.

Every update starts by loading its sender's row; users change rarely (joining, leaving, a role,
a setting), so that lookup is served from memory and the row is put into the update's session
as a persistent object, exactly as if it had been loaded.

It is only correct while every write to the database goes through this process, which is what
SQLite means here (one process owns the file; Telegram lets one process poll a bot), so
``create_user_cache`` returns None for any other database. Within the process every write goes
through the engine, and the cache is cleared by it: any statement that writes to ``users``
(ORM or Core, in a session or not) and any DELETE (a school or district deleted sets users'
references to NULL inside SQLite) clear it at once, and again once their transaction has
ended (the adapter reports it after the COMMIT or ROLLBACK is done). While such a
transaction is open, and if one began or ended during a lookup, what was read is not kept.
Writes deferred to a commit (models/deferred.py) bypass these events: they are bookkeeping
(the processed mark, the form state) and must never write to ``users``.
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
from models.sqlite_driver import OneHopConnection, OneHopDBAPI
from services.users import get_user

CACHE_SIZE = 10_000
_TOUCHED = "user_cache_touched"
_COLUMNS = tuple(column.key for column in inspect(User).column_attrs)
_MANAGER = inspect(User).class_manager
# any DELETE; any statement that names users and writes (also behind comments or a CTE)
_CLEARS = re.compile(
    r"\bDELETE\b|\b(?:INSERT|UPDATE|REPLACE)\b.*\busers\b|\busers\b.*\b(?:INSERT|UPDATE|REPLACE)\b",
    re.IGNORECASE | re.DOTALL,
)


class UserCache:
    def __init__(self, engine: AsyncEngine, size: int = CACHE_SIZE) -> None:
        dbapi = engine.dialect.loaded_dbapi
        if not isinstance(dbapi, OneHopDBAPI):
            raise TypeError("the user cache needs the engine of models.db.create_engine")
        self._rows: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._size = size
        self._generation = 0
        self._writers: set[int] = set()  # connections whose open transaction wrote users
        event.listen(engine.sync_engine, "after_cursor_execute", self._on_execute)
        dbapi.transaction_end_listeners.append(self._on_end)

    def _on_execute(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if _CLEARS.search(statement):
            self._writers.add(id(conn.connection.dbapi_connection))
            self.clear()

    def _on_end(self, dbapi_connection: OneHopConnection) -> None:
        # called once the COMMIT or ROLLBACK is done: what another update read while the
        # transaction was open may be older than what it committed
        if id(dbapi_connection) in self._writers:
            self._writers.discard(id(dbapi_connection))
            self.clear()

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
            # built as a query builds it (no constructor, no attribute events), then made
            # persistent in this session as if just loaded: no history, nothing to flush
            user: User = _MANAGER.new_instance()
            user.__dict__.update(row)
            make_transient_to_detached(user)
            session.add(user)
            return user
        generation = self._generation
        loaded = await get_user(session, telegram_id)
        # kept only if no write to users began or ended while it was read
        if loaded is not None and generation == self._generation and not self._writers:
            self._rows[telegram_id] = {key: getattr(loaded, key) for key in _COLUMNS}
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)
        return loaded


def create_user_cache(engine: AsyncEngine) -> UserCache | None:
    """A cache for SQLite through our adapter, the single-process database; None otherwise."""
    if isinstance(engine.dialect.loaded_dbapi, OneHopDBAPI):
        return UserCache(engine)
    return None
