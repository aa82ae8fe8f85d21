"""An entry's works re-sent to whoever looks at them: the school, the coordinator, a juror."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.texts.contests import rules
from bot.toolkit.screens import bounded, clip, h
from models import ContestEntry, WorkKind

logger = logging.getLogger(__name__)


async def resend_works(bot: Bot, chat_id: int, entry: ContestEntry, caption: str) -> None:
    """Every file again by its Telegram file id, in order, with `caption` (nothing is
    downloaded, so a video over the bots' 20 MB download limit goes too); the links together
    in one message after them; a file Telegram no longer gives is said, not skipped."""
    links: list[str] = []
    for work in entry.works:
        try:
            if work.kind is WorkKind.LINK:
                links.append(h(work.url))
            elif work.kind is WorkKind.PHOTO:
                await bot.send_photo(chat_id, work.file_id, caption=caption)
            elif work.kind is WorkKind.VIDEO:
                await bot.send_video(chat_id, work.file_id, caption=caption)
            else:  # a document (a video sent as a file is one too: its file id is a document's)
                await bot.send_document(chat_id, work.file_id, caption=caption)
        except TelegramBadRequest:
            logger.warning("work %s of entry %s could not be re-sent", work.id, entry.id)
            name = clip(work.file_name or rules.WORK_KIND_NAMES[work.kind.value], 100)
            await bot.send_message(
                chat_id, rules.WORK_NOT_SENT.format(name=h(name), code=h(entry.code))
            )
    if links:
        await bot.send_message(
            chat_id, rules.WORK_LINKS.format(code=h(entry.code), links=bounded(links))
        )
