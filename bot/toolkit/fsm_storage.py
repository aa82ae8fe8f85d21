"""FSM storage in our own database, so a half-filled form survives a restart.

Inside an update the form's state is read and written through the update's own session
(bound by the database middleware), so it commits with what the handler wrote, or not at
all. Outside an update (aiogram reads the state before the session opens; tests) a short
session of its own is used.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from models.dialects import insert_for
from services.clock import Clock, utc_now

_SEEN = "fsm_seen"  # the key of this storage's per-update reads in ``session.info``
_update_session: ContextVar[AsyncSession | None] = ContextVar("fsm_session", default=None)


@contextmanager
def forms_in(session: AsyncSession) -> Iterator[None]:
    """Form state read and written while this block runs goes through ``session``."""
    token = _update_session.set(session)
    try:
        yield
    finally:
        _update_session.reset(token)


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
        self, session_pool: async_sessionmaker[AsyncSession], clock: Clock = utc_now
    ) -> None:
        self._pool = session_pool
        self._clock = clock

    async def _read(self, session: AsyncSession, key: str) -> tuple[str | None, dict[str, Any]]:
        row = (
            await session.execute(
                select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key)
            )
        ).first()
        if row is None:
            return None, {}
        return row.state, dict(row.data or {})

    async def _write(
        self, session: AsyncSession, key: str, state: str | None, data: dict[str, Any]
    ) -> None:
        if state is None and not data:
            await session.execute(delete(FsmRecord).where(FsmRecord.key == key))
            return
        stmt = insert_for(session)(FsmRecord).values(
            key=key, state=state, data=data, updated_at=self._clock()
        )
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"state": state, "data": data, "updated_at": stmt.excluded.updated_at},
            )
        )

    @staticmethod
    def _seen(session: AsyncSession) -> dict[str, tuple[str | None, dict[str, Any]]]:
        """What this transaction has read or written of the forms: each is read once per
        update. A rollback (a handler that refused its input) starts a new transaction, and
        with it an empty record, so nothing rolled back is remembered."""
        transaction = session.sync_session.get_transaction()
        held = session.info.get(_SEEN)
        if held is None or held[0] is not transaction:
            held = (transaction, {})
            session.info[_SEEN] = held
        seen: dict[str, tuple[str | None, dict[str, Any]]] = held[1]
        return seen

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        session = _update_session.get()
        if session is not None:
            record = self._seen(session).get(key)
            if record is None:
                record = await self._read(session, key)
                self._seen(session)[key] = record  # the read began the transaction
            state, data = record
            return state, copy.deepcopy(data)
        async with self._pool() as own:
            return await self._read(own, key)

    async def _store(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        session = _update_session.get()
        if session is not None:
            await self._write(session, key, state, data)
            self._seen(session)[key] = (state, copy.deepcopy(data))
            return
        async with self._pool() as own:
            await self._write(own, key, state, data)
            await own.commit()

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
        return (await self._load(_key(key)))[1]

    async def close(self) -> None:
        return None
