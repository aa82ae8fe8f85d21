"""Messages that are not direct replies (prompts, review outcomes) leave through here.

One function, `deliver`, sends them; the reminders issue replaces its body with the outbox
without touching the handlers. A user who blocked the bot is marked inactive.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import Clock
from services.users import mark_inactive

logger = logging.getLogger(__name__)


async def deliver(
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    chat_ids: Sequence[int],
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> int:
    """Send one message to each chat; returns how many were delivered."""
    sent = 0
    for chat_id in chat_ids:
        for _attempt in range(3):
            try:
                await bot.send_message(chat_id, text, reply_markup=markup)
                sent += 1
                break
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
            except TelegramForbiddenError:
                await mark_inactive(session, chat_id, clock)
                break
            except TelegramBadRequest:
                logger.warning("could not deliver to %s", chat_id, exc_info=True)
                break
    return sent
