"""FSM storage in our own database, so a half-filled form survives a restart.

Reads are served from a write-through cache of the records this process has seen (one
process owns a SQLite database; a scaled-out deployment uses a shared store instead), so an
update costs no extra query for its conversation state; every change is written at once.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from services.clock import Clock, utc_now

CACHE_SIZE = 10_000
_MISSING: tuple[str | None, dict[str, Any]] = (None, {})


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

    def _remember(self, key: str, record: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[key] = record
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        async with self._pool() as session:
            row = (
                await session.execute(
                    select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key)
                )
            ).first()
        record = (row[0], dict(row[1] or {})) if row is not None else _MISSING
        self._remember(key, record)
        return record

    async def _store(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        async with self._pool() as session:
            if state is None and not data:
                await session.execute(delete(FsmRecord).where(FsmRecord.key == key))
            else:
                dialect = session.get_bind().dialect.name
                insert = pg_insert if dialect == "postgresql" else sqlite_insert
                now = self._clock()
                stmt = insert(FsmRecord).values(key=key, state=state, data=data, updated_at=now)
                await session.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["key"],
                        set_={"state": state, "data": data, "updated_at": now},
                    )
                )
            await session.commit()
        self._remember(key, (state, data))

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
