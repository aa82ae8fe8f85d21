"""Messages that are not direct replies (prompts, review outcomes) leave through the outbox.

`deliver` plans one row per recipient with a dedupe key; the outbox sender sends them within
Telegram's limits, outside quiet hours, and records the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.toolkit.keyboards import buttons_of
from services.clock import Clock
from services.outbox import Outgoing, plan


async def deliver(
    session: AsyncSession,
    clock: Clock,
    key: str,
    recipients: Sequence[tuple[int, int | None]],
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    purpose: str = "message",
    event_id: int | None = None,
) -> int:
    """Plan `text` to each (chat id, user id); `key` makes the plan idempotent.

    Returns the number of messages newly planned.
    """
    now = clock()
    buttons = buttons_of(markup)
    return await plan(
        session,
        [
            Outgoing(
                dedupe_key=f"{key}:{chat_id}",
                purpose=purpose,
                chat_id=chat_id,
                text=text,
                buttons=buttons,
                due_at=now,
                user_id=user_id,
                event_id=event_id,
            )
            for chat_id, user_id in recipients
        ],
        now,
    )
