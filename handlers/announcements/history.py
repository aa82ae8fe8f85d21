"""/announcements for the department: the district's announcements (a super-admin's: all),
each with its counts, the XLSX report, who has not acknowledged and a reminder to them, the
questions and their answers, and a correction of the text already delivered.

The recipient's side (the copy's buttons, a librarian's list) is in `history_copy`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.announcements import copy as tc
from bot.texts.announcements import history as th
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.callbacks import AnnAction, AnnCb, parse_id
from bot.toolkit.filters import STAFF, HasRole, Refused
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    pager_row,
    shorten,
    yes_no,
)
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, error_text, h, show
from handlers.announcements import history_copy
from handlers.announcements.history_copy import first_words, local_day
from models import (
    Announcement,
    AnnouncementQuestion,
    AnnouncementStatus,
    AudienceKind,
    User,
)
from models.limits import ANNOUNCEMENT_ANSWER_MAX
from services.announcements import receipts
from services.announcements.content import Content, editable
from services.announcements.history import (
    for_coordinator,
    for_recipient,
    report_rows,
    unacknowledged,
)
from services.announcements.report_xlsx import report_xlsx
from services.announcements.sending import Progress, content_of, progress, visible_to
from services.clock import Clock
from services.errors import NotFoundError, ValidationError
from services.timeutil import fmt_local


class AnswerForm(StatesGroup):
    text = State()


class EditForm(StatesGroup):
    text = State()


class SentAnnouncement(Filter):
    """`announcement`: the one the button (or the form) names, if the user may manage it:
    the district's (a super-admin's: any). Another district's is as unknown as a missing one."""

    def __init__(self, *, in_form: bool = False) -> None:
        self.in_form = in_form

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        if self.in_form:
            state: FSMContext = data["state"]
            announcement_id = parse_id((await state.get_data()).get("announcement_id", 0))
        else:
            callback_data = data.get("callback_data")
            announcement_id = (
                callback_data.announcement_id if isinstance(callback_data, AnnCb) else 0
            )
        try:
            if user is None:
                raise NotFoundError("announcement")
            announcement = await visible_to(session, announcement_id, user)
        except NotFoundError:
            if self.in_form:
                await data["state"].clear()
            raise Refused(t.STALE_BUTTON) from None
        return {"announcement": announcement}


def _error(error: ValidationError, settings: Settings) -> str:
    text = th.ERRORS.get(error.code)
    if text is None:
        return error_text(error)
    params = {
        k: fmt_local(v, settings.tz) if isinstance(v, datetime) else v
        for k, v in error.params.items()
    }
    return text(params) if callable(text) else text.format(**params)


def _open(announcement: Announcement, page: int = 0) -> AnnCb:
    return AnnCb(action=AnnAction.OPEN, announcement_id=announcement.id, page=page)


def _to_card(announcement: Announcement) -> list[InlineKeyboardButton]:
    return [button(th.BTN_TO_CARD, _open(announcement))]


# ---- the list --------------------------------------------------------------------------------


async def _item(session: AsyncSession, a: Announcement, settings: Settings) -> str:
    if a.status is AnnouncementStatus.SCHEDULED and a.scheduled_at is not None:
        return th.ITEM_SCHEDULED.format(
            words=first_words(a), when=fmt_local(a.scheduled_at, settings.tz)
        )
    counts = await progress(session, a.id)
    return th.ITEM.format(
        number=a.number or "",
        date=local_day(a, settings),
        words=first_words(a),
        sent=counts.sent,
        total=counts.total,
    )


async def list_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User,
    settings: Settings,
    page: int,
) -> None:
    total, _ = await for_coordinator(session, user, 0, 0)
    page = clamp_page(page, total)
    _, shown = await for_coordinator(session, user, page * PAGE_SIZE, PAGE_SIZE)
    rows = [[button(await _item(session, a, settings), _open(a, page))] for a in shown]
    pager = pager_row(page, total, lambda p: AnnCb(action=AnnAction.LIST, page=p))
    if pager:
        rows.append(pager)
    received, _ = await for_recipient(session, user, 0, 0)
    if received:  # a super-admin's announcements to the coordinators
        label = th.BTN_INBOX_PENDING if await unacknowledged(session, user) else th.BTN_INBOX
        rows.append([button(label.format(count=received), AnnCb(action=AnnAction.INBOX))])
    if total:
        text = th.LIST_HEADER.format(total=total)
    else:
        text = th.LIST_EMPTY_OWN if received else th.LIST_EMPTY
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)


async def announcements_command(
    message: Message, session: AsyncSession, user: User, settings: Settings, state: FSMContext
) -> None:
    await state.clear()
    await list_screen(message, session, user, settings, 0)


async def list_page(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    user: User,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await list_screen(query, session, user, settings, callback_data.page)


# ---- the card --------------------------------------------------------------------------------


def _audience(a: Announcement) -> str:
    name = th.AUDIENCE[a.audience.value]
    if a.audience is AudienceKind.SCHOOLS and a.audience_school_ids:
        name += f" ({len(a.audience_school_ids)})"
    return name


def card_text(a: Announcement, counts: Progress, settings: Settings, notice: str = "") -> str:
    body = h(shorten(a.text, th.CARD_TEXT_CHARS)) if a.text.strip() else th.NO_TEXT
    if a.media:
        body += "\n" + th.CARD_MEDIA.format(count=len(a.media))
    if a.status is AnnouncementStatus.SCHEDULED and a.scheduled_at is not None:
        text = th.CARD_SCHEDULED.format(
            when=fmt_local(a.scheduled_at, settings.tz), audience=_audience(a), text=body
        )
    else:
        text = th.CARD.format(
            number=a.number or "",
            date=fmt_local(a.sent_at or a.created_at, settings.tz),
            audience=_audience(a),
            text=body,
        )
        if a.edited_at is not None:
            text += th.CARD_EDITED.format(date=fmt_local(a.edited_at, settings.tz))
        text += th.STATS.format(
            sent=counts.sent,
            total=counts.total,
            waiting=counts.waiting,
            failed=counts.failed,
            unreachable=counts.unreachable,
        )
        if counts.cancelled:
            text += th.STATS_HELD.format(held=counts.cancelled)
        if a.ack:
            text += th.STATS_ACK.format(acknowledged=counts.acknowledged, sent=counts.sent)
    return f"{notice}\n\n{text}" if notice else text


async def card_markup(
    session: AsyncSession, a: Announcement, page: int = 0
) -> InlineKeyboardMarkup:
    def data(action: AnnAction) -> AnnCb:
        return AnnCb(action=action, announcement_id=a.id)

    rows: list[list[InlineKeyboardButton]] = []
    if a.status in receipts.SENT_OR_DONE:
        rows.append([button(th.BTN_REPORT, data(AnnAction.REPORT))])
        if a.ack:
            rows.append([button(th.BTN_UNREAD, data(AnnAction.UNREAD))])
            rows.append([button(th.BTN_NUDGE, data(AnnAction.NUDGE))])
        asked = len(await receipts.questions(session, a.id))
        waiting = await receipts.open_questions(session, a.id)
        label = (
            th.BTN_QUESTIONS_OPEN.format(count=asked, open=waiting)
            if waiting
            else th.BTN_QUESTIONS.format(count=asked)
        )
        rows.append([button(label, data(AnnAction.QUESTIONS))])
        if editable(content_of(a)):
            rows.append([button(th.BTN_EDIT, data(AnnAction.EDIT))])
    rows.append([button(t.BTN_BACK, AnnCb(action=AnnAction.LIST, page=page))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show_card(
    target: Message | CallbackQuery,
    session: AsyncSession,
    a: Announcement,
    settings: Settings,
    notice: str = "",
    page: int = 0,
) -> None:
    counts = await progress(session, a.id)
    await show(target, card_text(a, counts, settings, notice), await card_markup(session, a, page))


async def card(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await show_card(query, session, announcement, settings, page=callback_data.page)


# ---- the report ------------------------------------------------------------------------------


async def report(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    bot: Bot,
) -> None:
    rows = await report_rows(session, announcement.id)
    content = report_xlsx(rows, settings.tz, th.REPORT_HEADER, th.STATUSES)
    number = announcement.number or announcement.id
    await query.answer()
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(content, filename=th.REPORT_NAME.format(number=number)),
        caption=th.REPORT_CAPTION.format(number=number, count=th.recipients(len(rows))),
    )


# ---- who has not acknowledged, and a reminder ------------------------------------------------


async def unread(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
) -> None:
    if not announcement.ack:
        await query.answer(
            _error(ValidationError("nudge_not_possible"), settings), show_alert=True
        )
        return
    schools = await receipts.acks_by_school(session, announcement.id)
    people = await receipts.not_acknowledged(session, announcement.id)
    size = th.UNREAD_PAGE
    page = clamp_page(callback_data.page, len(people), size)
    lines = [
        th.UNREAD_SCHOOL.format(
            school=h(s.school or th.NO_SCHOOL),
            acknowledged=s.acknowledged,
            recipients=s.recipients,
        )
        for s in schools
    ]
    text = th.UNREAD_HEADER.format(number=announcement.number or "")
    text += "\n" + bounded(lines, 1500)
    if people:
        text += th.UNREAD_NAMES.format(total=len(people))
        text += "\n" + "\n".join(
            th.UNREAD_NAME.format(name=h(p.name), school=h(p.school or th.NO_SCHOOL))
            for p in people[page * size : (page + 1) * size]
        )
    else:
        text += th.UNREAD_NOBODY
    rows: list[list[InlineKeyboardButton]] = []
    pager = pager_row(
        page,
        len(people),
        lambda p: AnnCb(action=AnnAction.UNREAD, announcement_id=announcement.id, page=p),
        size,
    )
    if pager:
        rows.append(pager)
    if people:
        rows.append(
            [
                button(
                    th.BTN_NUDGE,
                    AnnCb(action=AnnAction.NUDGE, announcement_id=announcement.id),
                )
            ]
        )
    rows.append(_to_card(announcement))
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def nudge_ask(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    clock: Clock,
) -> None:
    now = clock()
    if not announcement.ack or announcement.status not in receipts.SENT_OR_DONE:
        error = ValidationError("nudge_not_possible")
    elif (
        announcement.nudged_at is not None and now - announcement.nudged_at < receipts.NUDGE_EVERY
    ):
        error = ValidationError("nudge_too_soon", at=announcement.nudged_at + receipts.NUDGE_EVERY)
    else:
        people = len(await receipts.not_acknowledged(session, announcement.id))
        if people:
            yes = AnnCb(action=AnnAction.NUDGE_OK, announcement_id=announcement.id)
            text = th.NUDGE_CONFIRM.format(
                number=announcement.number or "", people=th.recipients(people)
            )
            await show(query, text, yes_no(yes, _open(announcement)))
            return
        error = ValidationError("nudge_nobody")
    await query.answer(_error(error, settings), show_alert=True)


def nudge_text(announcement: Announcement, settings: Settings) -> str:
    return tc.NUDGE.format(
        number=announcement.number or "",
        date=local_day(announcement, settings),
        words=h(first_words(announcement, 200)),
    )


async def nudge_ok(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        planned = await receipts.nudge(
            session, announcement, nudge_text(announcement, settings), copy_extras, clock()
        )
    except ValidationError as e:
        await query.answer(_error(e, settings), show_alert=True)
        return
    notice = th.NUDGED.format(people=th.of_recipients(planned))
    await show_card(query, session, announcement, settings, notice)


# ---- questions and answers --------------------------------------------------------------------


async def questions_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    page: int,
) -> None:
    asked = await receipts.questions(session, announcement.id)
    size = th.QUESTIONS_PAGE
    page = clamp_page(page, len(asked), size)
    number = announcement.number or ""
    rows: list[list[InlineKeyboardButton]] = []
    if not asked:
        text = th.QUESTIONS_NONE.format(number=number)
    else:
        waiting = sum(1 for q, _, _ in asked if q.answered_at is None)
        text = th.QUESTIONS_HEADER.format(number=number, total=len(asked), open=waiting)
        answer_row: list[InlineKeyboardButton] = []
        for n, (question, name, school) in enumerate(
            asked[page * size : (page + 1) * size], start=page * size + 1
        ):
            text += th.QUESTION.format(
                n=n,
                name=h(name or ""),
                school=h(school or th.NO_SCHOOL),
                date=fmt_local(question.asked_at, settings.tz),
                text=h(question.text),
            )
            if question.answered_at is not None:
                text += th.QUESTION_ANSWERED.format(answer=h(shorten(question.answer, 300)))
            else:
                text += th.QUESTION_OPEN
                answer_row.append(
                    button(
                        th.BTN_ANSWER.format(n=n),
                        AnnCb(
                            action=AnnAction.ANSWER,
                            announcement_id=announcement.id,
                            question_id=question.id,
                            page=page,
                        ),
                    )
                )
        if answer_row:
            rows.extend(answer_row[i : i + 2] for i in range(0, len(answer_row), 2))
    pager = pager_row(
        page,
        len(asked),
        lambda p: AnnCb(action=AnnAction.QUESTIONS, announcement_id=announcement.id, page=p),
        size,
    )
    if pager:
        rows.append(pager)
    rows.append(_to_card(announcement))
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def questions_page(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await questions_screen(query, session, announcement, settings, callback_data.page)


async def _question_of(
    session: AsyncSession, announcement: Announcement, question_id: int
) -> AnnouncementQuestion:
    question = await session.get(AnnouncementQuestion, question_id) if question_id else None
    if question is None or question.announcement_id != announcement.id:
        raise Refused(t.STALE_BUTTON)
    return question


async def answer_start(
    query: CallbackQuery,
    callback_data: AnnCb,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
) -> None:
    question = await _question_of(session, announcement, callback_data.question_id)
    if question.answered_at is not None:
        await query.answer(th.ALREADY_ANSWERED, show_alert=True)
        return
    asker = await session.get(User, question.user_id) if question.user_id else None
    place = await receipts.asker_place(session, question)
    await state.clear()
    await state.set_state(AnswerForm.text)
    await state.update_data(
        announcement_id=announcement.id, question_id=question.id, page=callback_data.page
    )
    text = th.ANSWER_ASK.format(
        name=h(asker.full_name if asker is not None and asker.full_name else ""),
        school=h(place or th.NO_SCHOOL),
        text=h(question.text),
        max=ANNOUNCEMENT_ANSWER_MAX,
    )
    await show(query, text, cancel_keyboard())


async def answer_text(
    message: Message,
    session: AsyncSession,
    announcement: Announcement,
    user: User,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    question = await _question_of(session, announcement, parse_id(data.get("question_id", 0)))
    back = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    th.BTN_TO_QUESTIONS,
                    AnnCb(
                        action=AnnAction.QUESTIONS,
                        announcement_id=announcement.id,
                        page=int(data.get("page", 0) or 0),
                    ),
                )
            ],
            _to_card(announcement),
        ]
    )
    try:
        answered = await receipts.answer(session, question, user, message.text or "", clock())
    except ValidationError as e:
        await message.answer(f"{error_text(e)}\n{t.TRY_AGAIN}", reply_markup=cancel_keyboard())
        return
    await state.clear()
    if not answered:
        await message.answer(th.ALREADY_ANSWERED, reply_markup=back)
        return
    asker = await session.get(User, question.user_id) if question.user_id else None
    if asker is None or not asker.is_active:
        await message.answer(th.ANSWER_NOBODY, reply_markup=back)
        return
    await deliver(
        session,
        clock,
        f"ann-answer:{question.id}",
        [(asker.telegram_id, asker.id)],
        tc.ANSWER_NOTICE.format(
            number=announcement.number or "",
            question=h(question.text),
            answer=h(question.answer),
        ),
        purpose="announcement_answer",
    )
    await message.answer(th.ANSWER_SENT, reply_markup=back)


async def answer_not_text(message: Message) -> None:
    await message.answer(th.ANSWER_TEXT_ONLY, reply_markup=cancel_keyboard())


# ---- «Исправить текст» -------------------------------------------------------------------------


async def edit_start(
    query: CallbackQuery,
    announcement: Announcement,
    settings: Settings,
    state: FSMContext,
) -> None:
    if announcement.status not in receipts.SENT_OR_DONE or not editable(content_of(announcement)):
        await query.answer(_error(ValidationError("edit_not_possible"), settings), show_alert=True)
        return
    await state.clear()
    await state.set_state(EditForm.text)
    await state.update_data(announcement_id=announcement.id)
    await show(query, th.EDIT_ASK.format(number=announcement.number or ""), cancel_keyboard())


async def edit_text(
    message: Message,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    entities = tuple(e.model_dump(exclude_none=True) for e in message.entities or ())
    content = Content(message.text or "", entities)
    try:
        changed = await receipts.edit_sent(session, announcement, content, copy_extras, clock())
    except ValidationError as e:
        if e.code == "edit_not_possible":
            await state.clear()
            await message.answer(_error(e, settings))
            return
        await message.answer(_error(e, settings), reply_markup=cancel_keyboard())
        return
    except NotFoundError:
        await state.clear()
        raise Refused(t.STALE_BUTTON) from None
    await state.clear()
    text = th.edited(changed) if changed else th.EDIT_NONE
    await message.answer(
        text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[_to_card(announcement)])
    )


async def edit_not_text(message: Message) -> None:
    await message.answer(th.EDIT_TEXT_ONLY, reply_markup=cancel_keyboard())


def get_router() -> Router:
    router = Router(name="announcements-history")
    router.include_router(history_copy.get_router())
    staff = Router(name="announcements-history-staff")
    staff.message.filter(HasRole(*STAFF))
    staff.callback_query.filter(HasRole(*STAFF))
    cb = AnnCb.filter
    not_command = ~F.text.startswith("/")
    staff.message.register(announcements_command, Command("announcements"))
    staff.callback_query.register(list_page, cb(F.action == AnnAction.LIST))
    for action, handler in (
        (AnnAction.OPEN, card),
        (AnnAction.REPORT, report),
        (AnnAction.UNREAD, unread),
        (AnnAction.NUDGE, nudge_ask),
        (AnnAction.NUDGE_OK, nudge_ok),
        (AnnAction.QUESTIONS, questions_page),
        (AnnAction.ANSWER, answer_start),
        (AnnAction.EDIT, edit_start),
    ):
        staff.callback_query.register(handler, cb(F.action == action), SentAnnouncement())
    staff.message.register(
        answer_text,
        StateFilter(AnswerForm.text),
        F.text,
        not_command,
        SentAnnouncement(in_form=True),
    )
    staff.message.register(answer_not_text, StateFilter(AnswerForm.text), not_command)
    staff.message.register(
        edit_text, StateFilter(EditForm.text), F.text, not_command, SentAnnouncement(in_form=True)
    )
    staff.message.register(edit_not_text, StateFilter(EditForm.text), not_command)
    router.include_router(staff)
    return router
