"""The coordinator's live progress message while an announcement goes out, then its report.

A loop like the outbox sender's: every ANNOUNCE_PROGRESS_SECONDS it looks at the
announcements being sent (services.announcements.sending.reporting), marks those whose copies
all have an outcome as sent, and edits each one's progress message, at most once an interval
and only when the text changed. When an announcement is done (or stopped with nothing in
flight) the message becomes the final report, without buttons, and is left alone after that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts.announcements import compose as tx
from bot.toolkit.callbacks import AnnComposeAction, AnnComposeCb
from bot.toolkit.keyboards import button
from models import Announcement, AnnouncementStatus
from services.announcements.sending import Progress, finish_if_done, reporting
from services.clock import Clock

logger = logging.getLogger(__name__)

FINISHED = (AnnouncementStatus.SENT, AnnouncementStatus.STOPPED)


def is_final(announcement: Announcement, counts: Progress) -> bool:
    return announcement.status in FINISHED and counts.done


def render(
    announcement: Announcement, counts: Progress
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The progress message's text and buttons («Остановить» while sending)."""
    number = announcement.number or ""
    stopped = announcement.status is AnnouncementStatus.STOPPED
    if is_final(announcement, counts):
        head = (tx.FINAL_STOPPED if stopped else tx.FINAL_SENT).format(number=number)
    elif stopped:
        head = tx.PROGRESS_STOPPING.format(number=number)
    else:
        head = tx.PROGRESS.format(number=number)
    text = head + tx.COUNTS.format(
        sent=counts.sent,
        total=counts.total,
        waiting=counts.waiting,
        failed=counts.failed,
        unreachable=counts.unreachable,
    )
    if counts.cancelled:
        text += tx.HELD.format(cancelled=counts.cancelled)
    markup = None
    if announcement.status is AnnouncementStatus.SENDING:
        data = AnnComposeCb(action=AnnComposeAction.STOP, announcement_id=announcement.id)
        markup = InlineKeyboardMarkup(inline_keyboard=[[button(tx.BTN_STOP, data)]])
    return text, markup


class ProgressReporter:
    def __init__(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        clock: Clock,
        interval: float = 5.0,
    ) -> None:
        self.bot = bot
        self.pool = session_pool
        self.clock = clock
        self.interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> int:
        """One look at every announcement being reported; returns how many messages it edited."""
        edited = 0
        async with self.pool() as session:
            for announcement in await reporting(session):
                if await self._report(session, announcement):
                    edited += 1
                await session.commit()  # each message's state on its own
        return edited

    async def _report(self, session: AsyncSession, announcement: Announcement) -> bool:
        now = self.clock()
        last = announcement.progress_at
        if last is not None and now - last < timedelta(seconds=self.interval):
            # not even marked sent before it can be shown: `reporting` picks up a finished
            # announcement only while its report is older than its end
            return False
        counts = await finish_if_done(session, announcement, now)
        text, markup = render(announcement, counts)
        final = is_final(announcement, counts)
        if text == announcement.progress_text:
            if final:
                announcement.progress_at = now  # shown already: the report is done
            return False
        assert announcement.progress_chat_id is not None
        assert announcement.progress_message_id is not None
        announcement.progress_at = now  # tried: the next try waits an interval (or never)
        # commit before the network: SQLite's write lock is not held while Telegram answers
        await session.commit()
        try:
            await self.bot.edit_message_text(
                text=text,
                chat_id=announcement.progress_chat_id,
                message_id=announcement.progress_message_id,
                reply_markup=markup,
            )
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                logger.warning("announcement %s: progress not shown: %s", announcement.id, exc)
                return False
        except TelegramAPIError as exc:
            logger.warning("announcement %s: progress not shown: %s", announcement.id, exc)
            return False
        announcement.progress_text = text
        return True

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception:
                logger.exception("announcement progress round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._loop(), name="announcement-progress")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
