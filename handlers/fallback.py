"""Last router: whatever no feature took gets a clear answer and changes nothing."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.texts import common as t
from bot.toolkit.commands import ALL_COMMANDS, commands_for
from models import Role

logger = logging.getLogger(__name__)


def _command_name(text: str) -> str:
    if not text.startswith("/"):
        return ""
    return text.split(maxsplit=1)[0][1:].split("@", maxsplit=1)[0].lower()


async def any_command(message: Message, role: Role | None) -> None:
    name = _command_name(message.text or "")
    if name in ALL_COMMANDS and name not in commands_for(role):
        await message.answer(t.GUEST_COMMAND if role is None else t.FORBIDDEN_COMMAND)
    else:
        await message.answer(t.UNKNOWN_COMMAND)


async def any_message(message: Message) -> None:
    await message.answer(t.UNKNOWN_TEXT)


async def any_in_state(message: Message) -> None:
    await message.answer(t.USE_BUTTONS if message.text else t.USE_TEXT)


async def any_callback(query: CallbackQuery) -> None:
    logger.info(
        "unhandled callback (%d bytes) from user %s", len(query.data or ""), query.from_user.id
    )
    await query.answer(t.UNHANDLED_BUTTON, show_alert=True)


def get_router() -> Router:
    router = Router(name="fallback")
    router.message.register(any_command, F.text.startswith("/"))
    router.message.register(any_message, StateFilter(None))
    router.message.register(any_in_state)
    router.callback_query.register(any_callback)
    return router
