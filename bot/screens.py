"""Show a screen: edit the pressed message in place, or send a new one for a command."""

from __future__ import annotations

from html import escape

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message

from bot.texts import common as t
from bot.texts.schools import NO_DISTRICT
from models import User
from services.errors import ValidationError


async def show(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if isinstance(event, CallbackQuery):
        message = event.message
        if message is None or isinstance(message, InaccessibleMessage):
            if event.bot is not None:
                await event.bot.send_message(event.from_user.id, text, reply_markup=markup)
            await event.answer()
            return
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
        await event.answer()
        return
    await event.answer(text, reply_markup=markup)


async def tell(event: Message | CallbackQuery, text: str) -> None:
    """A short answer: an alert on a pressed button, a message otherwise."""
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


async def require_district(event: Message | CallbackQuery, user: User | None) -> int | None:
    """The district the user manages, or None after telling them to choose one."""
    if user is None or user.district_id is None:
        await tell(event, NO_DISTRICT)
        return None
    return user.district_id


TEXT_BUDGET = 3500


def bounded(lines: list[str], budget: int = TEXT_BUDGET) -> str:
    """Join lines but stop before a message gets too long for Telegram; say how many are left."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            out.append(t.MORE_LINES.format(count=len(lines) - index))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def clip(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def h(value: object) -> str:
    """Escape user-provided text for HTML parse mode."""
    return escape(str(value), quote=False)


def validation_text(error: ValidationError) -> str:
    template = t.VALIDATION.get(error.code, t.VALIDATION["too_long"])
    return template.format(**error.params)
