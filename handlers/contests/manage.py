"""Coordinator: /contests — the district's contests, a contest's card and its life cycle
(regulation, deadline, open, close, cancel). The new-contest form is in `manage_new`,
moderation of the entries in `manage_moderation`, the shared pieces in `manage_common`."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import manage as tm
from bot.toolkit.contest_callbacks import ContestAction, ContestCb, EntryAction, EntryCb
from bot.toolkit.filters import HasRole, InDistrict
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
    yes_no,
)
from bot.toolkit.library_notices import tell_new_version
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, clip, h, hq, show
from handlers.contests import manage_moderation, manage_new
from handlers.contests.manage_common import (
    DistrictContest,
    card_screen,
    contest_card,
    deadline_text,
    local_now,
    redraw,
    refusal,
)
from handlers.contests.status import contest_status
from models import Contest, ContestStatus, LibraryDocument, Role
from services.clock import Clock
from services.contests.manage import (
    district_librarian_ids,
    librarians_with_entry,
    librarians_without_entry,
)
from services.contests.setup import (
    attach_regulation,
    cancel_contest,
    close_contest,
    get_contest,
    list_contests,
    open_contest,
    set_deadline,
)
from services.districts import get_district
from services.errors import ValidationError
from services.events import check_not_past, parse_deadline
from services.validation import fit_file_name

REGULATION_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf"})
# what can still change in a contest (a published or cancelled one is history)
LIVE = (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED)


class RegulationForm(StatesGroup):
    document = State()


class DeadlineForm(StatesGroup):
    deadline = State()


# ---- the list -------------------------------------------------------------------------------


async def contests_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    district_id: int,
    page: int,
    settings: Settings,
    now: datetime,
) -> None:
    district = await get_district(session, district_id)
    contests = await list_contests(session, district_id)
    page = clamp_page(page, len(contests))
    shown = contests[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                tm.CONTEST_BUTTON.format(
                    icon=tm.STATUS_ICONS[c.status.value], title=shorten(c.title, 40)
                ),
                ContestCb(action=ContestAction.CARD, contest_id=c.id, page=page),
            )
        ]
        for c in shown
    ]
    pager = pager_row(page, len(contests), lambda p: ContestCb(action=ContestAction.LIST, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(tm.BTN_NEW_CONTEST, ContestCb(action=ContestAction.NEW))])
    if contests:
        lines = [
            tm.CONTEST_LINE.format(
                icon=tm.STATUS_ICONS[c.status.value],
                title=h(clip(c.title, 120)),
                year=c.year,
                status=contest_status(c, settings.tz, now),
                deadline=deadline_text(c, settings),
            )
            for c in shown
        ]
        text = tm.CONTESTS_HEADER.format(
            district=h(district.name), total=len(contests), lines=bounded(lines)
        )
    else:
        text = tm.CONTESTS_EMPTY.format(district=h(district.name))
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def contests_command(
    message: Message,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    await contests_screen(message, session, district_id, 0, settings, clock())


async def contests_page(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    await contests_screen(query, session, district_id, callback_data.page, settings, clock())


async def contest_open_card(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    await contest_card(query, session, contest, settings, callback_data.page, now=clock())


# ---- open, close, cancel --------------------------------------------------------------------


def _yes_no(contest: Contest, action: ContestAction, page: int) -> InlineKeyboardMarkup:
    yes = ContestCb(action=action, contest_id=contest.id, page=page)
    no = ContestCb(action=ContestAction.CARD, contest_id=contest.id, page=page)
    return yes_no(yes, no)


async def _refused(
    query: CallbackQuery,
    session: AsyncSession,
    contest_id: int,
    settings: Settings,
    exc: ValidationError,
    page: int,
) -> None:
    """Say why, and show the card as it is now (its buttons were stale)."""
    await session.rollback()
    await query.answer(refusal(exc), show_alert=True)
    current = await get_contest(session, contest_id)
    await redraw(query, *await card_screen(session, current, settings, page))


async def _stale(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    page: int,
) -> None:
    exc = ValidationError("contest_status_conflict", status=contest.status.value)
    await _refused(query, session, contest.id, settings, exc, page)


async def open_ask(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
) -> None:
    if contest.status is not ContestStatus.DRAFT:
        await _stale(query, session, contest, settings, callback_data.page)
        return
    count = len(await district_librarian_ids(session, contest.district_id))
    text = tm.CONFIRM_OPEN.format(
        title=hq(contest.title), deadline=deadline_text(contest, settings), count=count
    )
    if not contest.regulation_file_id:
        text += tm.CONFIRM_OPEN_NO_REGULATION
    await show(query, text, _yes_no(contest, ContestAction.OPEN_OK, callback_data.page))


def _contest_button(contest: Contest) -> InlineKeyboardMarkup:
    return column(
        [button(tm.BTN_OPEN_CONTEST, EntryCb(action=EntryAction.CARD, contest_id=contest.id))]
    )


async def open_ok(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    contest_id = contest.id
    try:
        await open_contest(session, contest, clock)
    except ValidationError as exc:
        await _refused(query, session, contest_id, settings, exc, callback_data.page)
        return
    recipients = await district_librarian_ids(session, contest.district_id)
    text = tm.OPEN_NOTICE.format(
        title=hq(contest.title),
        deadline=deadline_text(contest, settings),
        nominations=h(clip(", ".join(n.title for n in contest.nominations), 1500)),
    )
    await deliver(
        session,
        clock,
        f"contest-open:{contest.id}",
        recipients,
        text,
        _contest_button(contest),
        purpose="prompt",
        event_id=contest.event_id,
    )
    notice = tm.OPENED.format(count=len(recipients))
    await contest_card(
        query, session, contest, settings, callback_data.page, notice=notice, now=clock()
    )


async def close_ask(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    if contest.status is not ContestStatus.OPEN:
        await _stale(query, session, contest, settings, callback_data.page)
        return
    text = tm.CONFIRM_CLOSE.format(title=hq(contest.title))
    if clock() < contest.event.deadline_at:
        text += tm.CONFIRM_CLOSE_EARLY.format(deadline=deadline_text(contest, settings))
    await show(query, text, _yes_no(contest, ContestAction.CLOSE_OK, callback_data.page))


async def close_ok(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    contest_id = contest.id
    early = clock() < contest.event.deadline_at
    try:
        await close_contest(session, contest, clock)
    except ValidationError as exc:
        await _refused(query, session, contest_id, settings, exc, callback_data.page)
        return
    notice = tm.CLOSED
    if early:  # the schools were told a later date: they hear that it no longer holds
        recipients = await district_librarian_ids(session, contest.district_id)
        text = tm.CLOSE_NOTICE.format(
            title=hq(contest.title), deadline=deadline_text(contest, settings)
        )
        await deliver(
            session,
            clock,
            f"contest-closed-early:{contest.id}:{contest.updated_at:%Y%m%d%H%M%S}",
            recipients,
            text,
            _contest_button(contest),
        )  # not bound to the event: it is closed now, and this says so
        notice = tm.CLOSED_EARLY.format(count=len(recipients))
    await contest_card(
        query, session, contest, settings, callback_data.page, notice=notice, now=clock()
    )


async def cancel_ask(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
) -> None:
    if contest.status not in LIVE:
        await _stale(query, session, contest, settings, callback_data.page)
        return
    count = len(await librarians_with_entry(session, contest))
    text = tm.CONFIRM_CANCEL.format(title=hq(contest.title), count=count)
    await show(query, text, _yes_no(contest, ContestAction.CANCEL_OK, callback_data.page))


async def cancel_ok(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    contest_id = contest.id
    recipients = await librarians_with_entry(session, contest)
    try:
        await cancel_contest(session, contest, clock)
    except ValidationError as exc:
        await _refused(query, session, contest_id, settings, exc, callback_data.page)
        return
    # not tied to the event: the sender drops what belongs to a cancelled event
    await deliver(
        session,
        clock,
        f"contest-cancel:{contest.id}",
        recipients,
        tm.CANCEL_NOTICE.format(title=hq(contest.title)),
        purpose="cancel",
    )
    notice = tm.CANCELLED.format(count=len(recipients))
    await contest_card(
        query, session, contest, settings, callback_data.page, notice=notice, now=clock()
    )


# ---- the regulation -------------------------------------------------------------------------


async def regulation_ask(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    if contest.status not in LIVE:
        await _stale(query, session, contest, settings, callback_data.page)
        return
    await state.set_state(RegulationForm.document)
    await state.set_data({"contest_id": contest.id, "page": callback_data.page})
    current = ""
    if contest.regulation_file_name:
        current = tm.REGULATION_CURRENT.format(name=h(contest.regulation_file_name))
    text = tm.ASK_REGULATION.format(
        title=hq(contest.title), formats=tm.REGULATION_FORMATS, current=current
    )
    await show(query, text, cancel_keyboard())


async def regulation_document(
    message: Message,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    document = message.document
    assert document is not None
    name = document.file_name or ""
    if PurePath(name).suffix.lower() not in REGULATION_EXTENSIONS:
        exc = ValidationError("bad_regulation_file", name=name or "—")
        await message.answer(refusal(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    if contest.status not in LIVE:
        await state.clear()
        exc = ValidationError("contest_status_conflict", status=contest.status.value)
        await message.answer(refusal(exc))
        return
    name = fit_file_name(name)
    took_older = await attach_regulation(session, contest, document.file_id, name, clock)
    if took_older:  # the library's copy has a new version: those who took the old one hear
        library_copy = await session.scalar(
            select(LibraryDocument).where(LibraryDocument.contest_id == contest.id)
        )
        if library_copy is not None:
            await tell_new_version(session, clock, library_copy, took_older)
    data = await state.get_data()
    await state.clear()
    notice = tm.REGULATION_SAVED.format(name=h(name))
    await contest_card(
        message, session, contest, settings, int(data.get("page", 0)), notice, now=clock()
    )


async def regulation_not_document(message: Message) -> None:
    await message.answer(
        tm.REGULATION_NOT_DOCUMENT.format(formats=tm.REGULATION_FORMATS),
        reply_markup=cancel_keyboard(),
    )


# ---- the deadline ---------------------------------------------------------------------------


async def deadline_ask(
    query: CallbackQuery,
    callback_data: ContestCb,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    if contest.status not in LIVE:
        await _stale(query, session, contest, settings, callback_data.page)
        return
    await state.set_state(DeadlineForm.deadline)
    await state.set_data({"contest_id": contest.id, "page": callback_data.page})
    text = tm.ASK_NEW_DEADLINE.format(
        title=hq(contest.title),
        deadline=deadline_text(contest, settings),
        hint="" if contest.status is ContestStatus.DRAFT else tm.DEADLINE_HINT_OPEN,
    )
    await show(query, text, cancel_keyboard())


async def deadline_text_step(
    message: Message,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    try:
        deadline = parse_deadline(message.text or "")
        check_not_past(deadline, local_now(settings, clock))
        extended = await set_deadline(session, contest, deadline, settings.tz, clock)
    except ValidationError as exc:
        await session.rollback()
        await message.answer(refusal(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    data = await state.get_data()
    await state.clear()
    new_deadline = deadline_text(contest, settings)
    if extended:
        recipients = await librarians_without_entry(session, contest)
        await deliver(
            session,
            clock,
            f"contest-extend:{contest.id}:{contest.event.deadline_at:%Y%m%d%H%M}",
            recipients,
            tm.EXTENDED_NOTICE.format(title=hq(contest.title), deadline=new_deadline),
            _contest_button(contest),
            purpose="prompt",
            event_id=contest.event_id,
        )
        notice = tm.DEADLINE_EXTENDED.format(deadline=new_deadline, count=len(recipients))
    else:
        notice = tm.DEADLINE_SET.format(deadline=new_deadline)
    await contest_card(
        message, session, contest, settings, int(data.get("page", 0)), notice, now=clock()
    )


def get_router() -> Router:
    router = Router(name="contests_manage")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    cb = ContestCb.filter
    not_command = ~F.text.startswith("/")
    router.message.register(contests_command, Command("contests"), InDistrict())
    router.callback_query.register(contests_page, cb(F.action == ContestAction.LIST), InDistrict())
    owned = DistrictContest()
    for action, handler in (
        (ContestAction.CARD, contest_open_card),
        (ContestAction.OPEN, open_ask),
        (ContestAction.OPEN_OK, open_ok),
        (ContestAction.CLOSE, close_ask),
        (ContestAction.CLOSE_OK, close_ok),
        (ContestAction.CANCEL, cancel_ask),
        (ContestAction.CANCEL_OK, cancel_ok),
        (ContestAction.REGULATION, regulation_ask),
        (ContestAction.DEADLINE, deadline_ask),
    ):
        router.callback_query.register(handler, cb(F.action == action), owned)
    router.message.register(
        regulation_document,
        StateFilter(RegulationForm.document),
        F.document,
        DistrictContest(in_form=True),
    )
    router.message.register(
        regulation_not_document, StateFilter(RegulationForm.document), not_command
    )
    router.message.register(
        deadline_text_step,
        StateFilter(DeadlineForm.deadline),
        F.text,
        not_command,
        DistrictContest(in_form=True),
    )
    router.include_routers(manage_new.get_router(), manage_moderation.get_router())
    return router
