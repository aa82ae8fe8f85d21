"""Show a screen: edit the pressed message in place, or send a new one for a command."""

from __future__ import annotations

import logging
import re
from datetime import date
from html import escape

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message

from bot.texts import common as t
from bot.texts import contests as ct
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts import monitoring as mt
from models import User
from services.errors import ValidationError
from services.timeutil import fmt_date

logger = logging.getLogger(__name__)


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


_STRAIGHT_QUOTES = re.compile(r'"([^"]*)"')
_INNER_QUOTES = str.maketrans({"«": "„", "»": "“"})


def hq(value: object) -> str:
    """h() for a name the template sets in «…»: quotes inside it become „…“, so that
    «Акция «Подари книгу»» reads «Акция „Подари книгу“»."""
    text = _STRAIGHT_QUOTES.sub("„\\1“", str(value)).translate(_INNER_QUOTES)
    return h(text)


def error_text(error: ValidationError) -> str:
    """The Russian text of a refused value: the one place a `ValidationError` becomes words.

    A parameter may be what the user gave (a file name, a value): text is escaped for HTML.
    """
    params = {
        k: fmt_date(v) if isinstance(v, date) else h(v) if isinstance(v, str) else v
        for k, v in error.params.items()
    }
    text = (
        ev.ERRORS.get(error.code)
        or ct.ERRORS.get(error.code)
        or dt.ERRORS.get(error.code)
        or mt.ERRORS.get(error.code)
        or t.VALIDATION.get(error.code)
    )
    if text is None:
        logger.error("no text for the validation error %r", error.code)
        return t.INTERNAL_ERROR
    if callable(text):
        return text(params)
    return text.format(**{k: fmt_number(v) for k, v in params.items()})


def fmt_number(value: object) -> object:
    """A number as the questions write it: «100 000», «1000»; anything else unchanged."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}".replace(",", " ")
    return value


def where(user: User | None) -> str:
    """«, школа «…» (район)» or «, район» after the user's role; empty for a guest."""
    if user is None:
        return ""
    if user.school is not None and user.district is not None:
        return t.WHERE_SCHOOL.format(
            school=hq(user.school.short_name), district=h(user.district.name)
        )
    if user.district is not None:
        return t.WHERE_DISTRICT.format(district=h(user.district.name))
    return ""
