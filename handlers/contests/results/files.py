"""The contest's documents (coordinator) and the school's diplomas (librarian), as files.

Files are drawn in a worker thread from plain data read first, so the event loop goes on
serving others while a large protocol or a ZIP of every diploma is made.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import BufferedInputFile, CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import results as r
from bot.toolkit.contest_callbacks import ResultsAction, ResultsCb, ResultsDocument
from bot.toolkit.filters import HasRole
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import h, hq, show
from handlers.contests.results.filters import DistrictContest, SchoolResults
from handlers.contests.results.words import diploma_words, entry_words, protocol_words
from models import Contest, ContestStatus, EntryStatus, Role, School
from services.clock import Clock
from services.contests.documents import (
    EntryDoc,
    diploma_file_name,
    diploma_pdf,
    diploma_title,
    diplomas_for,
    diplomas_zip,
    entries_xlsx,
    entry_docs,
    protocol_doc,
    protocol_pdf,
    protocol_xlsx,
    winners,
    winners_xlsx,
)
from services.districts import get_district

logger = logging.getLogger(__name__)

RETRIES = 3  # a document refused for flood control is sent again after the wait Telegram asks
NETWORK_PAUSE = 1.0  # seconds before a document lost to the network is sent again


async def send_file(
    bot: Bot, chat_id: int, content: bytes, file_name: str, caption: str = ""
) -> None:
    document = BufferedInputFile(content, filename=file_name)
    for attempt in range(RETRIES):
        try:
            await bot.send_document(chat_id, document, caption=caption or None)
            return
        except TelegramRetryAfter as exc:
            if attempt == RETRIES - 1:
                raise
            logger.info("flood control: waiting %s s before the next document", exc.retry_after)
            await asyncio.sleep(exc.retry_after)
        except (TelegramNetworkError, TelegramServerError) as exc:
            # one of several files: a lost connection or a 5xx is tried again (at worst the
            # person gets a file twice) rather than leaving the rest unsent
            if attempt == RETRIES - 1:
                raise
            logger.warning("document %r not sent (%r); trying again", file_name, exc)
            await asyncio.sleep(NETWORK_PAUSE)


def _day(contest: Contest, settings: Settings, clock: Clock) -> date:
    """The date a diploma bears: the day of publication (local)."""
    moment = contest.published_at or clock()
    return moment.astimezone(settings.tz).date()


def _names(contest: Contest) -> dict[str, object]:
    return {"prefix": contest.prefix, "year": contest.year}


# ---- the coordinator's documents ----------------------------------------------------------------


async def documents_menu(query: CallbackQuery, contest: Contest) -> None:
    buttons = [
        button(text, ResultsCb(action=ResultsAction.DOCUMENT, contest_id=contest.id, arg=kind))
        for text, kind in (
            (r.BTN_DOC_ENTRIES, ResultsDocument.ENTRIES),
            (r.BTN_DOC_PROTOCOL_XLSX, ResultsDocument.PROTOCOL_XLSX),
            (r.BTN_DOC_PROTOCOL_PDF, ResultsDocument.PROTOCOL_PDF),
            (r.BTN_DOC_WINNERS, ResultsDocument.WINNERS),
        )
    ]
    if contest.status is ContestStatus.PUBLISHED:
        buttons.append(
            button(r.BTN_ZIP, ResultsCb(action=ResultsAction.ZIP, contest_id=contest.id))
        )
    buttons.append(button(t.BTN_BACK, ResultsCb(action=ResultsAction.OPEN, contest_id=contest.id)))
    await show(query, r.DOCUMENTS.format(title=hq(contest.title)), column(buttons))


async def document_send(
    query: CallbackQuery,
    callback_data: ResultsCb,
    session: AsyncSession,
    bot: Bot,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        kind = ResultsDocument(callback_data.arg)
    except ValueError:
        await query.answer(r.UNKNOWN_DOCUMENT, show_alert=True)
        return
    title = hq(contest.title)
    chat_id = query.from_user.id
    if kind in (ResultsDocument.ENTRIES, ResultsDocument.WINNERS):
        entries = await entry_docs(session, contest)
        if kind is ResultsDocument.ENTRIES:
            published = contest.status is ContestStatus.PUBLISHED
            content = entries_xlsx(entries, entry_words(), published=published)
            name = r.ENTRIES_FILE.format(**_names(contest))
            caption = r.CAPTION_ENTRIES.format(title=title, works=r.of_works(len(entries)))
        else:
            chosen = winners(entries)
            if not chosen:
                await query.answer(r.NO_WINNERS, show_alert=True)
                return
            content = winners_xlsx(chosen, entry_words())
            name = r.WINNERS_FILE.format(**_names(contest))
            caption = r.CAPTION_WINNERS.format(title=title, works=r.of_works(len(chosen)))
        await query.answer()
        await send_file(bot, chat_id, content, name, caption)
        return
    await query.answer()
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    district = await get_district(session, contest.district_id)
    protocol = await protocol_doc(session, contest, district.name, _day(contest, settings, clock))
    if kind is ResultsDocument.PROTOCOL_XLSX:
        content = await asyncio.to_thread(protocol_xlsx, protocol, protocol_words())
        name = r.PROTOCOL_XLSX_FILE.format(**_names(contest))
    else:
        content = await asyncio.to_thread(protocol_pdf, protocol, protocol_words())
        name = r.PROTOCOL_PDF_FILE.format(**_names(contest))
    await send_file(bot, chat_id, content, name, r.CAPTION_PROTOCOL.format(title=title))


async def zip_send(
    query: CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    """Every diploma and certificate, in a folder per school, as one ZIP (or parts of it)."""
    if contest.status is not ContestStatus.PUBLISHED:
        await query.answer(r.NO_DIPLOMAS_YET, show_alert=True)
        return
    entries = await entry_docs(session, contest, statuses=(EntryStatus.ACCEPTED,))
    if not entries:
        await query.answer(r.NO_ACCEPTED, show_alert=True)
        return
    await query.answer()
    chat_id = query.from_user.id
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    district = await get_district(session, contest.district_id)
    diplomas = diplomas_for(
        entries,
        contest=contest.title,
        stage=contest.stage,
        district=district.name,
        day=_day(contest, settings, clock),
    )
    parts = await asyncio.to_thread(diplomas_zip, diplomas, diploma_words())
    caption = r.CAPTION_ZIP.format(
        title=hq(contest.title), documents=r.of_documents(len(diplomas))
    )
    for number, content in enumerate(parts, start=1):
        if len(parts) == 1:
            name = r.ZIP_FILE.format(**_names(contest))
        else:
            name = r.ZIP_PART_FILE.format(**_names(contest), part=number, parts=len(parts))
        await send_file(bot, chat_id, content, name, caption if number == 1 else "")


# ---- the librarian's diplomas -----------------------------------------------------------------


async def diplomas_send(
    query: CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    contest: Contest,
    school: School,
    entries: list[EntryDoc],
    settings: Settings,
    clock: Clock,
) -> None:
    """The school's diplomas and certificates, one PDF per person, in the chat."""
    await query.answer()
    chat_id = query.from_user.id
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    district = await get_district(session, contest.district_id)
    diplomas = diplomas_for(
        entries,
        contest=contest.title,
        stage=contest.stage,
        district=district.name,
        day=_day(contest, settings, clock),
    )
    words = diploma_words()
    contents = await asyncio.to_thread(lambda: [diploma_pdf(d, words) for d in diplomas])
    for diploma, content in zip(diplomas, contents, strict=True):
        caption = r.DIPLOMA_CAPTION.format(
            title=h(diploma_title(diploma, words)),
            name=h(diploma.person),
            code=h(diploma.code),
        )
        await send_file(bot, chat_id, content, diploma_file_name(diploma, words), caption)
    await bot.send_message(
        chat_id,
        r.DIPLOMAS_SENT.format(documents=r.of_documents(len(diplomas)), title=hq(contest.title)),
    )
    logger.info("school %s: %d diplomas of contest %s sent", school.id, len(diplomas), contest.id)


def get_router() -> Router:
    router = Router(name="contests_results.files")
    cb = ResultsCb.filter
    staff = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    register = router.callback_query.register
    register(documents_menu, staff, cb(F.action == ResultsAction.DOCUMENTS), DistrictContest())
    register(document_send, staff, cb(F.action == ResultsAction.DOCUMENT), DistrictContest())
    register(zip_send, staff, cb(F.action == ResultsAction.ZIP), DistrictContest())
    register(
        diplomas_send,
        HasRole(Role.LIBRARIAN),
        cb(F.action == ResultsAction.DIPLOMAS),
        SchoolResults(),
    )
    return router
