"""Librarian: /contests, a contest's card and regulation, the school's entries, an entry's card
with its works re-sent, and withdrawing an entry."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.toolkit.contest_callbacks import EntryAction, EntryCb
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, column, pager_row, shorten
from bot.toolkit.screens import bounded, clip, error_text, h, show
from handlers.contests.entry_common import (
    LibrarianContest,
    SchoolEntryOwned,
    categories_text,
    category_name,
    cut,
    deadline_of,
    fitted,
    not_taking,
    participants_inline,
    refusal,
    school_of,
    status_name,
)
from handlers.contests.status import contest_status
from handlers.contests.works import resend_works
from models import (
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    School,
    User,
)
from services.clock import Clock
from services.contests.entries import (
    Room,
    editable,
    room_of,
    school_entries,
    withdraw_entry,
    withdrawable,
)
from services.contests.setup import list_contests, taking_entries
from services.errors import ValidationError
from services.timeutil import fmt_local, local_today

logger = logging.getLogger(__name__)

LISTED = (ContestStatus.OPEN, ContestStatus.CLOSED, ContestStatus.PUBLISHED)


# ---- the contests ------------------------------------------------------------------------------


async def _contests(
    session: AsyncSession, school: School, settings: Settings, clock: Clock
) -> list[Contest]:
    """Open contests (nearest deadline first), then this year's closed and published ones."""
    year = local_today(clock(), settings.tz).year
    found = await list_contests(session, school.district_id, LISTED)
    open_ = sorted(
        (c for c in found if c.status is ContestStatus.OPEN), key=lambda c: c.event.deadline_at
    )
    done = [c for c in found if c.status is not ContestStatus.OPEN and c.year == year]
    return open_ + done


def _shown_as(contest: Contest, clock: Clock) -> str:
    """open / closed / published, as a school sees it: past its deadline, an open contest
    takes no more entries."""
    if contest.status is ContestStatus.OPEN and not taking_entries(contest, clock()):
        return ContestStatus.CLOSED.value
    return contest.status.value


def _active(entries: list[ContestEntry]) -> int:
    return sum(1 for e in entries if e.status is not EntryStatus.WITHDRAWN)


async def _list(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    page: int,
) -> None:
    school = await school_of(session, user)
    if school is None:
        await show(target, tx.NO_SCHOOL)
        return
    contests = await _contests(session, school, settings, clock)
    if not contests:
        await show(target, tx.LIST_EMPTY)
        return
    page = clamp_page(page, len(contests))
    shown = contests[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = []
    for contest in shown:
        entries = await school_entries(session, contest.id, school.id)
        shown_as = _shown_as(contest, clock)
        template = tx.LIST_LINE_PUBLISHED if shown_as == "published" else tx.LIST_LINE
        lines.append(
            template.format(
                icon=tx.LIST_ICONS[_shown_as(contest, clock)],
                title=h(clip(contest.title, 120)),
                deadline=deadline_of(contest, settings),
                mark=tx.LIST_MARKS[_shown_as(contest, clock)],
                entries=tx.entries_count(_active(entries)),
            )
        )
    rows = [
        [
            button(
                tx.LIST_BUTTON.format(
                    icon=tx.LIST_ICONS[_shown_as(c, clock)], title=shorten(c.title, 50)
                ),
                EntryCb(action=EntryAction.CARD, contest_id=c.id, page=page),
            )
        ]
        for c in shown
    ]
    pager = pager_row(page, len(contests), lambda p: EntryCb(action=EntryAction.LIST, page=p))
    if pager:
        rows.append(pager)
    text = tx.LIST_HEADER.format(lines=bounded(lines))
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def contests_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    await _list(message, session, user, settings, clock, 0)


async def contests_page(
    query: CallbackQuery,
    callback_data: EntryCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    await _list(query, session, user, settings, clock, callback_data.page)


def _limits(contest: Contest) -> str:
    lines = []
    if contest.max_per_school:
        lines.append(tx.limit_per_school(contest.max_per_school))
    if contest.max_per_nomination:
        lines.append(tx.limit_per_nomination(contest.max_per_nomination))
    if not lines:
        lines.append(tx.LIMIT_NONE)
    if contest.one_per_family:
        lines.append(tx.LIMIT_FAMILY)
    if contest.ask_age:
        lines.append(tx.LIMIT_AGE)
    if contest.self_assessment:
        lines.append(tx.LIMIT_SELF)
    return "\n".join(lines)


def card_text(
    contest: Contest, entries: list[ContestEntry], settings: Settings, now: datetime
) -> str:
    full = room_of(contest, entries).full
    return _card_text(contest, entries, settings, now) + (tx.CARD_LIMIT_REACHED if full else "")


def _card_text(
    contest: Contest, entries: list[ContestEntry], settings: Settings, now: datetime
) -> str:
    def build(scale: float) -> str:
        nominations = bounded(
            [
                tx.NOMINATION_LINE.format(
                    title=cut(n.title, 100, scale),
                    categories=categories_text(n.categories),
                    participants=tx.participants_max(n.max_participants),
                )
                for n in contest.nominations
            ],
            budget=int(1200 * scale),
        )
        lines = bounded(
            [
                tx.CARD_ENTRY_LINE.format(
                    code=h(e.code),
                    nomination=cut(e.nomination.title, 60, scale),
                    status=status_name(e),
                )
                for e in entries
            ],
            budget=int(700 * scale),
        )
        rules_text = contest.rules.strip()
        return tx.CARD.format(
            title=cut(contest.title, 255, scale),
            status=contest_status(contest, settings.tz, now),
            rules=tx.CARD_RULES.format(rules=cut(rules_text, 1200, scale)) if rules_text else "",
            nominations=nominations,
            limits=_limits(contest),
            deadline=deadline_of(contest, settings),
            entries=lines or tx.CARD_NO_ENTRIES,
        )

    return fitted(build)


async def contest_card(
    query: CallbackQuery,
    callback_data: EntryCb,
    session: AsyncSession,
    contest: Contest,
    school: School,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    entries = await school_entries(session, contest.id, school.id)
    markup = card_markup(contest, clock, callback_data.page, room_of(contest, entries))
    await show(query, card_text(contest, entries, settings, clock()), markup)


def card_markup(
    contest: Contest, clock: Clock, page: int = 0, room: Room | None = None
) -> InlineKeyboardMarkup:
    """The card's buttons; «Подать заявку» only while entries are taken and the school has
    room for one more."""

    def cb(action: EntryAction) -> EntryCb:
        return EntryCb(action=action, contest_id=contest.id)

    buttons: list[InlineKeyboardButton] = []
    if contest.regulation_file_id:
        buttons.append(button(tx.BTN_REGULATION, cb(EntryAction.REGULATION)))
    if taking_entries(contest, clock()) and not (room is not None and room.full):
        buttons.append(button(tx.BTN_ENTER, cb(EntryAction.NEW)))
    buttons.append(button(tx.BTN_SCHOOL_ENTRIES, cb(EntryAction.ENTRIES)))
    buttons.append(button(t.BTN_BACK, EntryCb(action=EntryAction.LIST, page=page)))
    return column(buttons)


async def regulation(query: CallbackQuery, bot: Bot, contest: Contest) -> None:
    if not contest.regulation_file_id:
        await query.answer(tx.NO_REGULATION, show_alert=True)
        return
    await query.answer()
    caption = tx.REGULATION_CAPTION.format(title=h(clip(contest.title, 200)))
    await bot.send_document(query.from_user.id, contest.regulation_file_id, caption=caption)


# ---- the school's entries ----------------------------------------------------------------------


def _extra(entry: ContestEntry, contest: Contest, scale: float = 0.5) -> str:
    """The rejection reason of a rejected entry, the result of a published contest."""
    if entry.status is EntryStatus.REJECTED and entry.review_comment:
        return tx.ENTRY_REASON.format(reason=cut(entry.review_comment, 1000, scale))
    if contest.status is ContestStatus.PUBLISHED and entry.status is EntryStatus.ACCEPTED:
        return tx.ENTRY_PLACE.format(place=tx.place_name(entry.place))
    return ""


async def entries_screen(
    query: CallbackQuery,
    callback_data: EntryCb,
    session: AsyncSession,
    contest: Contest,
    school: School,
    state: FSMContext,
) -> None:
    await state.clear()
    entries = await school_entries(session, contest.id, school.id)
    back = button(t.BTN_BACK, EntryCb(action=EntryAction.CARD, contest_id=contest.id))
    if not entries:
        await show(query, tx.ENTRIES_EMPTY.format(title=h(contest.title)), column([back]))
        return
    page = clamp_page(callback_data.page, len(entries))
    shown = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        tx.ENTRY_LINE.format(
            code=h(e.code),
            nomination=h(clip(e.nomination.title, 80)),
            participants=participants_inline(e),
            status=status_name(e),
            extra=_extra(e, contest),
        )
        for e in shown
    ]
    rows = [
        [
            button(
                tx.ENTRY_BUTTON.format(code=e.code, nomination=shorten(e.nomination.title, 30)),
                EntryCb(action=EntryAction.ENTRY, contest_id=contest.id, entry_id=e.id, page=page),
            )
        ]
        for e in shown
    ]
    pager = pager_row(
        page,
        len(entries),
        lambda p: EntryCb(action=EntryAction.ENTRIES, contest_id=contest.id, page=p),
    )
    if pager:
        rows.append(pager)
    rows.append([back])
    text = tx.ENTRIES_HEADER.format(title=h(clip(contest.title, 120)), lines=bounded(lines))
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


def entry_text(entry: ContestEntry, contest: Contest, settings: Settings) -> str:
    def build(scale: float) -> str:
        participants = bounded(
            [
                tx.PARTICIPANT_LINE.format(
                    number=p.position,
                    name=cut(p.full_name, 200, scale),
                    category=category_name(p.category),
                    age=tx.age_suffix(p.age),
                )
                for p in entry.participants
            ],
            budget=int(1500 * scale),
        )
        scores = ""
        if contest.self_assessment and entry.self_scores:
            scores = tx.SCORES_LINES.format(
                lines="\n".join(
                    tx.SCORE_LINE.format(
                        title=cut(c.title, 80, scale),
                        points=entry.self_scores.get(str(c.id), 0),
                        max=c.max_score,
                    )
                    for c in contest.criteria
                ),
                total=sum(entry.self_scores.get(str(c.id), 0) for c in contest.criteria),
                max=contest.max_total,
            )
        return tx.ENTRY_CARD.format(
            code=h(entry.code),
            contest=cut(contest.title, 255, scale),
            nomination=cut(entry.nomination.title, 255, scale),
            participants=participants,
            supervisor=cut(entry.supervisor_name, 200, scale) or tx.EMPTY_VALUE,
            work_title=cut(entry.work_title, 255, scale),
            works=len(entry.works),
            scores=scores,
            submitted=fmt_local(entry.submitted_at, settings.tz),
            late=tx.ENTRY_LATE if entry.is_late else "",
            status=status_name(entry),
            extra=_extra(entry, contest, scale),
        )

    return fitted(build)


def entry_buttons(
    entry: ContestEntry, contest: Contest, clock: Clock, page: int = 0
) -> InlineKeyboardMarkup:
    now = clock()

    def cb(action: EntryAction) -> EntryCb:
        return EntryCb(
            action=action,
            contest_id=contest.id,
            entry_id=entry.id,
            version=entry.version,
            page=page,
        )

    buttons = []
    if entry.works:
        buttons.append(button(tx.BTN_SHOW_WORKS, cb(EntryAction.WORKS)))
    if editable(entry, contest, now):
        label = tx.BTN_RESUBMIT if entry.status is EntryStatus.REJECTED else tx.BTN_EDIT
        buttons.append(button(label, cb(EntryAction.EDIT)))
    if withdrawable(entry, contest, now):
        buttons.append(button(tx.BTN_WITHDRAW, cb(EntryAction.WITHDRAW)))
    buttons.append(
        button(t.BTN_BACK, EntryCb(action=EntryAction.ENTRIES, contest_id=contest.id, page=page))
    )
    return column(buttons)


async def entry_card(
    query: CallbackQuery,
    callback_data: EntryCb,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    markup = entry_buttons(entry, contest, clock, callback_data.page)
    await show(query, entry_text(entry, contest, settings), markup)


async def show_works(
    query: CallbackQuery,
    callback_data: EntryCb,
    bot: Bot,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    """Each file re-sent by its file id (a big video too: nothing is downloaded), the links in
    one message, then the card again below them."""
    await query.answer()
    chat_id = query.from_user.id
    await resend_works(bot, chat_id, entry, tx.WORK_CAPTION.format(code=h(entry.code)))
    markup = entry_buttons(entry, contest, clock, callback_data.page)
    await bot.send_message(chat_id, entry_text(entry, contest, settings), reply_markup=markup)


async def withdraw_ask(
    query: CallbackQuery,
    callback_data: EntryCb,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    if not withdrawable(entry, contest, clock()):
        if entry.status is EntryStatus.WITHDRAWN:
            text = error_text(ValidationError("entry_withdrawn"))
        elif entry.status is EntryStatus.REJECTED:
            text = error_text(ValidationError("entry_not_editable"))
        else:
            text = not_taking(contest, settings)
        await query.answer(text, show_alert=True)
        return

    def cb(action: EntryAction) -> EntryCb:
        return EntryCb(
            action=action,
            contest_id=contest.id,
            entry_id=entry.id,
            version=entry.version,
            page=callback_data.page,
        )

    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(tx.BTN_YES, cb(EntryAction.WITHDRAW_OK)),
                button(tx.BTN_NO, cb(EntryAction.ENTRY)),
            ]
        ]
    )
    await show(query, tx.CONFIRM_WITHDRAW.format(code=h(entry.code)), markup)


async def withdraw_ok(
    query: CallbackQuery,
    callback_data: EntryCb,
    session: AsyncSession,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    # a rollback expires every loaded row: keep what the answers need
    code, contest_id = entry.code, contest.id
    try:
        await withdraw_entry(session, contest, entry, callback_data.version, clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(refusal(exc, settings), show_alert=True)
        return
    back = EntryCb(action=EntryAction.ENTRIES, contest_id=contest_id, page=callback_data.page)
    await show(query, tx.WITHDRAWN.format(code=h(code)), column([button(t.BTN_BACK, back)]))


def get_router() -> Router:
    router = Router(name="contests.entry.screens")
    cb = EntryCb.filter
    router.message.register(contests_command, Command("contests"))
    router.callback_query.register(contests_page, cb(F.action == EntryAction.LIST))
    router.callback_query.register(
        contest_card, cb(F.action == EntryAction.CARD), LibrarianContest()
    )
    router.callback_query.register(
        regulation, cb(F.action == EntryAction.REGULATION), LibrarianContest()
    )
    router.callback_query.register(
        entries_screen, cb(F.action == EntryAction.ENTRIES), LibrarianContest()
    )
    router.callback_query.register(
        entry_card, cb(F.action == EntryAction.ENTRY), SchoolEntryOwned()
    )
    router.callback_query.register(
        show_works, cb(F.action == EntryAction.WORKS), SchoolEntryOwned()
    )
    router.callback_query.register(
        withdraw_ask, cb(F.action == EntryAction.WITHDRAW), SchoolEntryOwned()
    )
    router.callback_query.register(
        withdraw_ok, cb(F.action == EntryAction.WITHDRAW_OK), SchoolEntryOwned()
    )
    return router
