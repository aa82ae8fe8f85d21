"""FSM storage in our own database, so a half-filled form survives a restart.

Reads are served from a cache of the committed records this process has seen (one process
owns a SQLite database; a scaled-out deployment uses a shared store instead), so an update
costs no extra query for its conversation state. A change made while an update is handled is
deferred to the update's own commit (models/deferred.py): the form's state and what the
handler wrote commit together. Until then only that update sees the change (an overlay in its
session); the cache takes it when the commit succeeds, in commit order, so it always agrees
with the database, and a failed update leaves nothing behind. Outside an update a change is
written at once.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Executable

from models import FsmRecord
from models.deferred import current_update_session, defer
from models.dialects import for_session, per_dialect
from services.clock import Clock, utc_now

CACHE_SIZE = 10_000
_MISSING: tuple[str | None, dict[str, Any]] = (None, {})
_OVERLAY = "fsm_overlay"


# Built once, on the table (Core): building a statement, or running it through the ORM's
# bulk-insert machinery, costs more than executing a cached Core statement.
_TABLE: Table = FsmRecord.__table__  # type: ignore[assignment]
_SELECT = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("key"))
_DELETE = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))


def _upsert(insert: Any) -> Any:
    stmt = insert(_TABLE).values(
        key=bindparam("key"),
        state=bindparam("state"),
        data=bindparam("data"),
        updated_at=bindparam("updated_at"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "state": stmt.excluded.state,
            "data": stmt.excluded.data,
            "updated_at": stmt.excluded.updated_at,
        },
    )


_UPSERT = per_dialect(_upsert)


def _write(
    session: AsyncSession, key: str, state: str | None, data: dict[str, Any], now: datetime
) -> tuple[Executable, dict[str, Any]]:
    if state is None and not data:
        return _DELETE, {"key": key}
    return for_session(_UPSERT, session), {
        "key": key,
        "state": state,
        "data": data,
        "updated_at": now,
    }


def _key(key: StorageKey) -> str:
    return ":".join(
        str(part) if part is not None else ""
        for part in (
            key.bot_id,
            key.chat_id,
            key.user_id,
            key.thread_id,
            key.business_connection_id,
            key.destiny,
        )
    )


class SqlStorage(BaseStorage):
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        clock: Clock = utc_now,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self._pool = session_pool
        self._clock = clock
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()
        self._cache_size = cache_size
        self._generation = 0

    def _remember(self, key: str, record: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[key] = record
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _committed(self, key: str, record: tuple[str | None, dict[str, Any]]) -> None:
        self._generation += 1  # a read from before this commit must not be cached over it
        self._remember(key, record)

    def _unsure(self, key: str) -> None:
        """A change that did not see its commit through (the update failed or was cancelled
        while committing) may or may not be in the database: read it from there next time."""
        self._generation += 1
        self._cache.pop(key, None)

    def _overlay(self, session: AsyncSession) -> dict[str, tuple[str | None, dict[str, Any]]]:
        """This update's own changes, not committed yet: it reads them, nobody else does."""
        overlay: dict[str, tuple[str | None, dict[str, Any]]] = session.info.setdefault(
            (_OVERLAY, id(self)), {}
        )
        return overlay

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        session = current_update_session()
        if session is not None:
            own = self._overlay(session).get(key)
            if own is not None:
                return own
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        generation = self._generation
        if session is not None:
            connection = await session.connection()
            row = (await connection.execute(_SELECT, {"key": key})).first()
        else:
            async with self._pool() as fresh:
                connection = await fresh.connection()
                row = (await connection.execute(_SELECT, {"key": key})).first()
        record = (row[0], dict(row[1] or {})) if row is not None else _MISSING
        if generation == self._generation:
            self._remember(key, record)
        return record

    async def _store(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        record = (state, data)
        session = current_update_session()
        if session is not None:
            # inside an update: the change commits with the update's own writes, and the
            # cache takes it when that commit succeeds, in commit order
            statement, params = _write(session, key, state, data, self._clock())
            self._overlay(session)[key] = record
            defer(
                session,
                ("fsm", key),
                statement,
                params,
                on_commit=partial(self._committed, key, record),
                on_discard=partial(self._unsure, key),
            )
            return
        async with self._pool() as fresh:
            statement, params = _write(fresh, key, state, data, self._clock())
            await (await fresh.connection()).execute(statement, params)
            await fresh.commit()
        self._committed(key, record)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        name = _key(key)
        _, data = await self._load(name)
        await self._store(name, value, data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(_key(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = _key(key)
        state, _ = await self._load(name)
        await self._store(name, state, copy.deepcopy(dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._load(_key(key)))[1])

    async def close(self) -> None:
        self._cache.clear()
