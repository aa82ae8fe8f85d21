"""The recipient's side of an announcement: «Ознакомлен(а)», «Задать вопрос», and a
librarian's /announcements (what was addressed to them, and the district's announcements to
every librarian), each opening as the full text again."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.announcements import copy as tc
from bot.texts.announcements import history as th
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.announcement_send import send_steps
from bot.toolkit.callbacks import AnnAction, AnnCb, parse_id
from bot.toolkit.filters import STAFF, HasRole, Refused
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    markup_of,
    pager_row,
    shorten,
)
from bot.toolkit.notify import deliver
from bot.toolkit.screens import error_text, h, show
from models import Announcement, AnnouncementRecipient, Role, User
from models.limits import ANNOUNCEMENT_QUESTION_MAX
from services.announcements import receipts
from services.announcements.content import steps
from services.announcements.history import awaiting_ack, for_recipient, readable_by
from services.announcements.sending import content_of
from services.clock import Clock
from services.errors import NotFoundError, ValidationError

logger = logging.getLogger(__name__)

RECIPIENTS = (Role.LIBRARIAN, Role.COORDINATOR, Role.SUPER_ADMIN)


class AskForm(StatesGroup):
    text = State()


def local_day(announcement: Announcement, settings: Settings) -> str:
    moment = announcement.sent_at or announcement.created_at
    return moment.astimezone(settings.tz).strftime("%d.%m")


def first_words(announcement: Announcement, limit: int = th.ITEM_WORDS) -> str:
    """The first words of the text, cut between words: «Важно: отчёт о…»."""
    words = next((s for s in announcement.text.splitlines() if s.strip()), "").split()
    if not words:
        return th.NO_TEXT
    line = " ".join(words)
    if len(line) <= limit:
        return line
    kept = ""
    for word in words:
        if len(kept) + len(word) + 1 > limit - 1:
            break
        kept = f"{kept} {word}".strip()
    return f"{kept or shorten(words[0], limit - 1)[:-1]}…"


# ---- «Ознакомлен(а)» --------------------------------------------------------------------------


def _without(markup: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup | None:
    rows = [[b for b in row if b.callback_data != data] for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def acknowledge(
    query: CallbackQuery, callback_data: AnnCb, session: AsyncSession, user: User, clock: Clock
) -> None:
    announcement = await session.get(Announcement, callback_data.announcement_id)
    if announcement is None:
        raise Refused(t.STALE_BUTTON)
    try:
        await receipts.recipient_of(session, announcement.id, user)
    except NotFoundError:
        raise Refused(t.STALE_BUTTON) from None
    if not announcement.ack:
        await query.answer(tc.ACK_NOT_ASKED, show_alert=True)
        return
    if not await receipts.acknowledge(session, announcement.id, user, clock()):
        await query.answer(tc.ACK_ALREADY, show_alert=True)
        return
    await query.answer(tc.ACK_DONE)
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        return
    data = query.data or ""
    if message.reply_markup is not None:
        markup = _without(message.reply_markup, data)
    else:  # the copy's own keyboard, less the pressed button
        planned = copy_extras(announcement).buttons
        markup = markup_of(tuple(tuple(b for b in row if b.data != data) for row in planned))
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest:
        logger.info("the keyboard of a copy of announcement %s stays", announcement.id)


# ---- «Задать вопрос» ---------------------------------------------------------------------------


async def ask_start(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    user: User,
    bot: Bot,
    state: FSMContext,
) -> None:
    try:
        await receipts.recipient_of(session, callback_data.announcement_id, user)
    except NotFoundError:
        raise Refused(t.STALE_BUTTON) from None
    announcement = await session.get(Announcement, callback_data.announcement_id)
    assert announcement is not None
    await state.clear()
    await state.set_state(AskForm.text)
    await state.update_data(announcement_id=announcement.id)
    await query.answer()
    # a new message: the copy itself stays as it was
    await bot.send_message(
        query.from_user.id,
        (tc.ASK_PROMPT if announcement.district_id is not None else tc.ASK_PROMPT_REPUBLIC).format(
            number=announcement.number or "", max=ANNOUNCEMENT_QUESTION_MAX
        ),
        reply_markup=cancel_keyboard(),
    )


async def _tell_staff(session: AsyncSession, announcement: Announcement) -> list[tuple[int, int]]:
    """Who hears of a question: the author; if gone, the district's coordinators (the
    super-admins, for an announcement across districts)."""
    author = await session.get(User, announcement.author_id) if announcement.author_id else None
    if author is not None and author.is_active and author.role in STAFF:
        return [(author.telegram_id, author.id)]
    if announcement.district_id is None:
        staff = select(User.telegram_id, User.id).where(User.role == Role.SUPER_ADMIN)
    else:
        staff = select(User.telegram_id, User.id).where(
            User.district_id == announcement.district_id, User.role == Role.COORDINATOR
        )
    rows = await session.execute(staff.where(User.is_active))
    return [(int(chat), int(uid)) for chat, uid in rows]


async def ask_text(
    message: Message, session: AsyncSession, user: User, state: FSMContext, clock: Clock
) -> None:
    announcement_id = parse_id((await state.get_data()).get("announcement_id", 0))
    try:
        question = await receipts.ask(session, announcement_id, user, message.text or "", clock())
    except ValidationError as e:
        await message.answer(f"{error_text(e)}\n{t.TRY_AGAIN}", reply_markup=cancel_keyboard())
        return
    except NotFoundError:
        await state.clear()
        raise Refused(t.STALE_BUTTON) from None
    await state.clear()
    announcement = await session.get(Announcement, announcement_id)
    assert announcement is not None
    place = await receipts.asker_place(session, question)
    link = AnnCb(action=AnnAction.QUESTIONS, announcement_id=announcement.id)
    await deliver(
        session,
        clock,
        f"ann-question:{question.id}",
        await _tell_staff(session, announcement),
        th.QUESTION_NOTICE.format(
            number=announcement.number or "",
            name=h(user.full_name or ""),
            school=h(place or th.NO_SCHOOL),
            text=h(question.text),
        ),
        InlineKeyboardMarkup(inline_keyboard=[[button(th.BTN_OPEN_QUESTIONS, link)]]),
        purpose="announcement_question",
    )
    await message.answer(tc.ASK_SENT)


async def ask_not_text(message: Message) -> None:
    await message.answer(tc.ASK_TEXT_ONLY, reply_markup=cancel_keyboard())


# ---- a reader's /announcements; a coordinator's announcements received -------------------------


def _list_action(inbox: bool) -> AnnAction:
    return AnnAction.INBOX if inbox else AnnAction.LIST


async def reader_list_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User,
    settings: Settings,
    page: int,
    *,
    inbox: bool = False,
) -> None:
    """A librarian's /announcements; with `inbox`, what a coordinator received (the way back
    leads to their own list)."""
    total, _ = await for_recipient(session, user, 0, 0)
    page = clamp_page(page, total)
    _, shown = await for_recipient(session, user, page * PAGE_SIZE, PAGE_SIZE)
    unread = await awaiting_ack(session, user, [a.id for a in shown])
    open_action = AnnAction.READ if inbox else AnnAction.OPEN
    item, pending = (
        (th.ITEM_INBOX, th.ITEM_INBOX_PENDING)
        if inbox
        else (th.ITEM_READER, th.ITEM_READER_PENDING)
    )
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                (pending if a.id in unread else item).format(
                    number=a.number or "",
                    date=local_day(a, settings),
                    words=first_words(a),
                ),
                AnnCb(action=open_action, announcement_id=a.id, page=page),
            )
        ]
        for a in shown
    ]
    pager = pager_row(page, total, lambda p: AnnCb(action=_list_action(inbox), page=p))
    if pager:
        rows.append(pager)
    if inbox:
        rows.append([button(t.BTN_BACK, AnnCb(action=AnnAction.LIST))])
        text = th.LIST_HEADER_INBOX.format(total=total) if total else th.LIST_EMPTY_READER
    else:
        text = th.LIST_HEADER_READER.format(total=total) if total else th.LIST_EMPTY_READER
    if unread:
        text += "\n" + th.PENDING_HINT
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)


async def reader_command(
    message: Message, session: AsyncSession, user: User, settings: Settings, state: FSMContext
) -> None:
    await state.clear()
    await reader_list_screen(message, session, user, settings, 0)


async def reader_list(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    user: User,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    inbox = callback_data.action is AnnAction.INBOX
    if callback_data.announcement_id and isinstance(query.message, Message):
        # from under a copy opened again: the list comes as a new message below it
        await query.answer()
        await reader_list_screen(
            query.message, session, user, settings, callback_data.page, inbox=inbox
        )
        return
    await reader_list_screen(query, session, user, settings, callback_data.page, inbox=inbox)


async def reader_open(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    user: User,
    bot: Bot,
    state: FSMContext,
) -> None:
    try:
        announcement = await readable_by(session, callback_data.announcement_id, user)
    except NotFoundError:
        raise Refused(t.STALE_BUTTON) from None
    await state.clear()
    recipient = await session.scalar(
        select(AnnouncementRecipient).where(
            AnnouncementRecipient.announcement_id == announcement.id,
            AnnouncementRecipient.user_id == user.id,
        )
    )
    row: list[InlineKeyboardButton] = []
    if recipient is not None:
        if announcement.ack and recipient.acknowledged_at is None:
            row.append(
                button(tc.BTN_ACK, AnnCb(action=AnnAction.ACK, announcement_id=announcement.id))
            )
        row.append(
            button(tc.BTN_ASK, AnnCb(action=AnnAction.ASK, announcement_id=announcement.id))
        )
    rows = [row] if row else []
    # «Назад» under the copy sends the list anew: the copy itself stays in the chat
    back = AnnCb(
        action=_list_action(callback_data.action is AnnAction.READ),
        page=callback_data.page,
        announcement_id=announcement.id,
    )
    rows.append([button(t.BTN_BACK, back)])
    await query.answer()
    payload = {
        "steps": steps(content_of(announcement)),
        "buttons_text": tc.BUTTONS_LINE.format(number=announcement.number or ""),
    }
    await send_steps(bot, query.from_user.id, payload, InlineKeyboardMarkup(inline_keyboard=rows))


def get_router() -> Router:
    router = Router(name="announcements-copy")
    recipient = HasRole(*RECIPIENTS)
    reader = HasRole(Role.LIBRARIAN)
    cb = AnnCb.filter
    not_command = ~F.text.startswith("/")
    router.callback_query.register(acknowledge, cb(F.action == AnnAction.ACK), recipient)
    router.callback_query.register(ask_start, cb(F.action == AnnAction.ASK), recipient)
    router.message.register(ask_text, StateFilter(AskForm.text), F.text, not_command, recipient)
    router.message.register(ask_not_text, StateFilter(AskForm.text), not_command, recipient)
    router.message.register(reader_command, Command("announcements"), reader)
    router.callback_query.register(reader_list, cb(F.action == AnnAction.LIST), reader)
    router.callback_query.register(reader_open, cb(F.action == AnnAction.OPEN), reader)
    staff = HasRole(*STAFF)
    router.callback_query.register(reader_list, cb(F.action == AnnAction.INBOX), staff)
    router.callback_query.register(reader_open, cb(F.action == AnnAction.READ), staff)
    return router
