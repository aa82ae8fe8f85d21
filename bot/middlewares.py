"""Outer middlewares: one DB session per update, then the acting user and role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.users import effective_role, get_user

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        self._pool = session_pool

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self._pool() as session:
            data["session"] = session
            return await handler(event, data)


class UserMiddleware(BaseMiddleware):
    """Puts `user` (our row or None) and `role` (effective Role or None) into the data."""

    def __init__(self, admin_ids: Collection[int]) -> None:
        self._admin_ids = frozenset(admin_ids)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        user = None
        if tg_user is not None:
            user = await get_user(session, tg_user.id)
        data["user"] = user
        data["role"] = (
            effective_role(user, tg_user.id, self._admin_ids) if tg_user is not None else None
        )
        return await handler(event, data)
