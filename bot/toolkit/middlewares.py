"""Outer middlewares: one DB session per update, then the acting user and role."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.toolkit.fsm_storage import forms_in
from models import Role
from services.clock import Clock
from services.users import TelegramProfile, effective_role, ensure_super_admin, get_user
from services.validation import has_forbidden_chars

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DbSessionMiddleware(BaseMiddleware):
    """One session per update, committed once when the handler is done (the unit of work).

    What the handler wrote, the outbox rows it planned and the form's state commit together;
    if the handler fails, the session closes without a commit and nothing is kept.
    """

    def __init__(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        self._pool = session_pool

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self._pool() as session:
            data["session"] = session
            with forms_in(session):
                result = await handler(event, data)
            await session.commit()
            return result


class UserMiddleware(BaseMiddleware):
    """Puts `user` (our row or None) and `role` (effective Role or None) into the data."""

    def __init__(self, admin_ids: Collection[int], clock: Clock) -> None:
        self._admin_ids = frozenset(admin_ids)
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        user = None
        if tg_user is not None:
            user = await get_user(session, tg_user.id)
            if tg_user.id in self._admin_ids and (
                user is None or user.role is not Role.SUPER_ADMIN
            ):
                # a super-admin from settings works before ever sending /start
                user = await ensure_super_admin(
                    session,
                    TelegramProfile(tg_user.id, tg_user.username),
                    tg_user.full_name,
                    self._clock,
                )
        data["user"] = user
        data["role"] = (
            effective_role(user, tg_user.id, self._admin_ids) if tg_user is not None else None
        )
        return await handler(event, data)


class CommandEndsFormMiddleware(BaseMiddleware):
    """A new command leaves a half-filled form, so later text cannot land in the old one.

    /cancel handles the form itself.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        text = getattr(event, "text", None)
        state: FSMContext | None = data.get("state")
        if (
            isinstance(text, str)
            and text.startswith("/")
            and not text.startswith("/cancel")
            and state is not None
            and await state.get_state() is not None
        ):
            await state.clear()
        return await handler(event, data)


class ForbiddenCharsMiddleware(BaseMiddleware):
    """A message whose text, caption or file name carries control characters (NUL …) or
    bidi overrides is answered with a clear refusal and reaches no handler."""

    def __init__(self, refusal: str) -> None:
        self._refusal = refusal

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message):
            parts = [event.text, event.caption]
            if event.document is not None:
                parts.append(event.document.file_name)
            if any(part and has_forbidden_chars(part) for part in parts):
                await event.answer(self._refusal)
                return None
        return await handler(event, data)
