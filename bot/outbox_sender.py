"""The outbox sender: claims due rows, sends them within Telegram's limits, records outcomes.

Policy (also in README): a global token bucket (SEND_RATE messages/s, no burst), at most one
message a second to one chat and 20 a minute to one group. A 429 pauses the whole bucket for
`retry_after` and the same row is retried; a 403 marks the user inactive and is never retried;
a 400 (e.g. "chat not found") fails the row; server and network errors are retried with
bounded exponential backoff, then the row fails with the error kept. A row left in `sending`
past its lease (a crash) is claimed again: delivery is at least once, and the only possible
duplicates are the messages in flight at the crash (at most SENDER_CONCURRENCY).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, Message, MessageEntity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.toolkit.announcement_send import send_steps
from bot.toolkit.keyboards import markup_of
from models import Notification, NotificationStatus
from services.clock import Clock
from services.outbox import (
    LEASE_EXPIRED,
    MAX_ATTEMPTS,
    Button,
    QuietHours,
    Verdict,
    backoff,
    block_user,
    claim,
    mark_final,
    mark_later,
    mark_sent,
    precheck,
)

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """Reserves send slots: a global rate without bursts, a per-chat and a per-group spacing,
    and a global pause after a 429."""

    def __init__(
        self,
        rate: float,
        *,
        chat_interval: float = 1.0,
        group_interval: float = 3.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.chat_interval = chat_interval
        self.group_interval = group_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._paused_until = 0.0
        self._next_chat: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        until = self._monotonic() + seconds
        self._paused_until = max(self._paused_until, until)

    async def acquire(self, chat_id: int) -> None:
        """Wait for a slot. Slots are granted on the clock when taken, never reserved ahead,
        so a stalled event loop cannot release a catch-up burst afterwards."""
        spacing = self.group_interval if chat_id < 0 else self.chat_interval
        while True:
            now = self._monotonic()
            ready = max(self._next_global, self._paused_until, self._next_chat.get(chat_id, 0.0))
            if now + 1e-9 >= ready:
                self._next_global = now + self.interval
                self._next_chat[chat_id] = now + spacing
                if len(self._next_chat) > 100_000:  # forget chats long past their spacing
                    self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
                return
            await self._sleep(ready - now)


@dataclass(frozen=True)
class SenderConfig:
    tz: ZoneInfo
    quiet: QuietHours
    rate: float = 25.0
    concurrency: int = 8  # rows claimed at once: a crash delays at most these
    lease: timedelta = timedelta(seconds=60)
    idle_sleep: float = 0.5


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        config: SenderConfig,
        clock: Clock,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.bot = bot
        self.pool = session_pool
        self.config = config
        self.clock = clock
        self.limiter = limiter or RateLimiter(config.rate)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0

    async def _deliver(self, note: Notification) -> Message:
        payload = note.payload
        markup = markup_of(
            tuple(
                tuple(Button(b["text"], b["data"]) for b in row)
                for row in payload.get("buttons") or []
            )
        )
        if payload.get("edit"):
            return await self._edit(note.chat_id, payload["edit"], markup)
        if payload.get("steps"):
            return await send_steps(self.bot, note.chat_id, payload, markup)
        if payload.get("photo"):
            return await self.bot.send_photo(
                note.chat_id, payload["photo"], caption=payload.get("text"), reply_markup=markup
            )
        if payload.get("document"):
            return await self.bot.send_document(
                note.chat_id,
                payload["document"],
                caption=payload.get("text"),
                reply_markup=markup,
            )
        return await self.bot.send_message(note.chat_id, payload["text"], reply_markup=markup)

    async def _edit(
        self, chat_id: int, edit: dict[str, Any], markup: InlineKeyboardMarkup | None
    ) -> Message:
        """Correct a delivered copy in place (an edit makes no sound)."""
        entities = [MessageEntity(**e) for e in edit.get("entities") or []] or None
        try:
            if edit.get("caption"):
                result = await self.bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=edit["message_id"],
                    caption=edit["text"],
                    caption_entities=entities,
                    parse_mode=None,
                    reply_markup=markup,
                )
            else:
                result = await self.bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=edit["message_id"],
                    text=edit["text"],
                    entities=entities,
                    parse_mode=None,
                    reply_markup=markup,
                )
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
            result = True
        if isinstance(result, Message):
            return result
        # Telegram answers True for some edits: the copy keeps its id
        return Message.model_validate(
            {
                "message_id": edit["message_id"],
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
            }
        )

    async def process(self, note: Notification) -> str:
        """Send one claimed row and record the outcome in one commit; returns the outcome."""
        async with self.pool() as session:
            outcome = await self._process(session, note)
            await session.commit()
        return outcome

    async def _process(self, session: AsyncSession, note: Notification) -> str:
        now = self.clock()
        verdict, when = await precheck(session, note, now, self.config.tz, self.config.quiet)
        if verdict == Verdict.EXPIRE:
            await mark_final(session, note.id, NotificationStatus.EXPIRED)
            return "expired"
        if verdict == Verdict.CANCEL:
            await mark_final(session, note.id, NotificationStatus.CANCELLED)
            return "cancelled"
        if verdict == Verdict.LATER and when is not None:
            await mark_later(session, note.id, when, error="quiet hours")
            return "later"
        await session.rollback()  # release the read transaction before the network wait
        await self.limiter.acquire(note.chat_id)
        try:
            message = await self._deliver(note)
        except TelegramRetryAfter as exc:
            self.limiter.pause(exc.retry_after)
            await mark_later(
                session,
                note.id,
                self.clock() + timedelta(seconds=exc.retry_after),
                error=f"429 retry after {exc.retry_after}",
            )
            return "later"
        except TelegramForbiddenError as exc:
            await mark_final(session, note.id, NotificationStatus.BLOCKED, str(exc))
            await block_user(session, note.chat_id)
            logger.info(
                "notification %s: chat %s blocked the bot, marked inactive", note.id, note.chat_id
            )
            return "blocked"
        except (TelegramBadRequest, TelegramNotFound) as exc:
            await mark_final(session, note.id, NotificationStatus.FAILED, str(exc))
            logger.warning("notification %s failed: %s", note.id, type(exc).__name__)
            return "failed"
        except (TelegramServerError, TelegramNetworkError, OSError, TimeoutError) as exc:
            if note.attempts >= MAX_ATTEMPTS:
                await mark_final(session, note.id, NotificationStatus.FAILED, str(exc))
                logger.warning(
                    "notification %s failed after %d attempts: %s",
                    note.id,
                    note.attempts,
                    type(exc).__name__,
                )
                return "failed"
            await mark_later(
                session,
                note.id,
                self.clock() + backoff(note.attempts),
                error=str(exc),
                count_attempt=True,
            )
            return "later"
        await mark_sent(session, note.id, message.message_id, self.clock())
        self.sent += 1
        return "sent"

    async def run_once(self) -> int:
        """Claim the rows to send now and send them; returns how many rows were claimed.

        Only as many rows as are sent at once are claimed, so a crash leaves at most these
        waiting for their lease to run out.
        """
        async with self.pool() as session:
            notes = await claim(session, self.clock(), self.config.concurrency, self.config.lease)
            await session.commit()
        if not notes:
            return 0
        again = [n.id for n in notes if n.last_error == LEASE_EXPIRED]
        if again:
            logger.warning(
                "re-sending %d notifications whose lease ran out: %s", len(again), again
            )
        started = time.monotonic()

        async def guarded(note: Notification) -> str:
            try:
                return await self.process(note)
            except Exception:
                logger.exception("notification %s failed unexpectedly", note.id)
                return "error"

        outcomes = Counter(await asyncio.gather(*(guarded(n) for n in notes)))
        logger.info(
            "outbox batch of %d in %.2f s: %s",
            len(notes),
            time.monotonic() - started,
            ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items())),
        )
        return len(notes)

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run until nothing is due (tests, benchmarks)."""
        total = 0
        for _ in range(max_rounds):
            claimed = await self.run_once()
            if not claimed:
                break
            total += claimed
        return total

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                claimed = await self.run_once()
            except Exception:
                logger.exception("outbox round failed")
                claimed = 0
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.config.idle_sleep)

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop claiming; the batch in flight finishes first."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
