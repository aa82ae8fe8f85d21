"""FSM storage in our own database, so a half-filled form survives a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from services.clock import Clock, utc_now


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
    def __init__(self, session_pool: async_sessionmaker[AsyncSession], clock: Clock = utc_now):
        self._pool = session_pool
        self._clock = clock

    async def _write(self, key: StorageKey, **values: Any) -> None:
        async with self._pool() as session:
            record = await session.get(FsmRecord, _key(key))
            if record is None:
                record = FsmRecord(key=_key(key), state=None, data={}, updated_at=self._clock())
                session.add(record)
            for name, value in values.items():
                setattr(record, name, value)
            record.updated_at = self._clock()
            if record.state is None and not record.data:
                await session.execute(delete(FsmRecord).where(FsmRecord.key == record.key))
            await session.commit()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._pool() as session:
            stmt = select(FsmRecord.state).where(FsmRecord.key == _key(key))
            return (await session.execute(stmt)).scalar_one_or_none()

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._pool() as session:
            stmt = select(FsmRecord.data).where(FsmRecord.key == _key(key))
            value = (await session.execute(stmt)).scalar_one_or_none()
            return dict(value) if value else {}

    async def close(self) -> None:
        return None
