"""Coordinator: a contest's entries by nomination and by school, an entry's card with its works
re-sent, «Допустить» or «Отклонить» with a reason (the school is told through the outbox)."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import manage as tm
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    EntryAction,
    EntryCb,
    ModerationAction,
    ModerationCb,
)
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, clip, h, hq, show
from handlers.contests.manage_common import (
    MODERATED,
    DistrictContest,
    DistrictEntry,
    deadline_text,
    redraw,
    refusal,
)
from handlers.contests.works import resend_works
from models import ACTIVE_ENTRY, Contest, ContestEntry, EntryStatus, School, User, WorkKind
from services.clock import Clock
from services.confirmations import school_librarian_ids
from services.contests.entries import accept_entry, get_entry, reject_entry
from services.contests.manage import entries_page, entry_schools
from services.contests.setup import get_contest, taking_entries
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.schools import get_school_for
from services.timeutil import fmt_local

logger = logging.getLogger(__name__)


class RejectForm(StatesGroup):
    reason = State()


# ---- the list -------------------------------------------------------------------------------


async def entries_list(
    query: CallbackQuery,
    callback_data: ModerationCb,
    session: AsyncSession,
    contest: Contest,
    state: FSMContext,
) -> None:
    await state.clear()
    nomination_id = callback_data.nomination_id or None
    school_id = callback_data.school_id or None
    heading = ""
    if nomination_id is not None:
        nomination = next((n for n in contest.nominations if n.id == nomination_id), None)
        if nomination is None:
            await query.answer(t.STALE_BUTTON, show_alert=True)
            return
        heading += tm.FILTER_NOMINATION.format(name=h(clip(nomination.title, 120)))
    if school_id is not None:
        try:
            school: School = await get_school_for(session, school_id, contest.district_id)
        except (NotFoundError, AccessDeniedError):
            logger.warning("moderation filter: school %s not of the district", school_id)
            await query.answer(t.STALE_BUTTON, show_alert=True)
            return
        heading += tm.FILTER_SCHOOL.format(name=h(school.short_name))
    total, page, entries = await entries_page(
        session,
        contest.id,
        nomination_id=nomination_id,
        school_id=school_id,
        page=callback_data.page,
        size=PAGE_SIZE,
    )
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                tm.ENTRY_BUTTON.format(
                    icon=tm.ENTRY_ICONS[e.status.value],
                    code=e.code,
                    school=shorten(e.school.short_name, 22),
                ),
                ModerationCb(
                    action=ModerationAction.ENTRY,
                    entry_id=e.id,
                    page=page,
                    nomination_id=nomination_id or 0,
                    school_id=school_id or 0,
                ),
            )
        ]
        for e in entries
    ]

    def list_cb(p: int) -> ModerationCb:
        return ModerationCb(
            action=ModerationAction.LIST,
            contest_id=contest.id,
            page=p,
            nomination_id=nomination_id or 0,
            school_id=school_id or 0,
        )

    pager = pager_row(page, total, list_cb)
    if pager:
        rows.append(pager)
    rows.append(
        [
            button(
                tm.BTN_BY_NOMINATION,
                ModerationCb(action=ModerationAction.BY_NOMINATION, contest_id=contest.id),
            ),
            button(
                tm.BTN_BY_SCHOOL,
                ModerationCb(action=ModerationAction.BY_SCHOOL, contest_id=contest.id),
            ),
        ]
    )
    if nomination_id is not None or school_id is not None:
        rows.append(
            [
                button(
                    tm.BTN_ALL_ENTRIES,
                    ModerationCb(action=ModerationAction.LIST, contest_id=contest.id),
                )
            ]
        )
    rows.append(
        [button(tm.BTN_TO_CONTEST, ContestCb(action=ContestAction.CARD, contest_id=contest.id))]
    )
    template = tm.ENTRIES_HEADER if total else tm.ENTRIES_EMPTY
    lines = [
        tm.ENTRY_LINE.format(
            icon=tm.ENTRY_ICONS[e.status.value],
            code=h(e.code),
            school=h(clip(e.school.short_name, 64)),
            nomination=h(clip(e.nomination.title, 80)),
        )
        for e in entries
    ]
    text = template.format(
        title=h(clip(contest.title, 200)),
        filter=heading,
        total=total,
        lines="\n".join(lines),
        legend=tm.ENTRY_LEGEND,
    )
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def pick_nomination(
    query: CallbackQuery, callback_data: ModerationCb, contest: Contest
) -> None:
    nominations = contest.nominations
    page = clamp_page(callback_data.page, len(nominations))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                shorten(n.title, 56),
                ModerationCb(
                    action=ModerationAction.LIST, contest_id=contest.id, nomination_id=n.id
                ),
            )
        ]
        for n in nominations[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(
        page,
        len(nominations),
        lambda p: ModerationCb(
            action=ModerationAction.BY_NOMINATION, contest_id=contest.id, page=p
        ),
    )
    if pager:
        rows.append(pager)
    rows.append([button(t.BTN_BACK, _all_entries(contest.id))])
    await show(query, tm.PICK_NOMINATION, InlineKeyboardMarkup(inline_keyboard=rows))


def _all_entries(contest_id: int) -> ModerationCb:
    return ModerationCb(action=ModerationAction.LIST, contest_id=contest_id)


async def pick_school(
    query: CallbackQuery, callback_data: ModerationCb, session: AsyncSession, contest: Contest
) -> None:
    total, page, schools = await entry_schools(
        session, contest.id, page=callback_data.page, size=PAGE_SIZE
    )
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                shorten(s.short_name, 56),
                ModerationCb(action=ModerationAction.LIST, contest_id=contest.id, school_id=s.id),
            )
        ]
        for s in schools
    ]
    pager = pager_row(
        page,
        total,
        lambda p: ModerationCb(action=ModerationAction.BY_SCHOOL, contest_id=contest.id, page=p),
    )
    if pager:
        rows.append(pager)
    rows.append([button(t.BTN_BACK, _all_entries(contest.id))])
    text = tm.PICK_SCHOOL if total else tm.NO_SCHOOLS
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


# ---- an entry -------------------------------------------------------------------------------


def _category(category: str) -> str:
    return rules.CATEGORY_NAMES.get(category) or rules.GRADE_NAME.format(grade=category)


def _work(entry: ContestEntry, index: int) -> str:
    work = entry.works[index]
    if work.kind is WorkKind.LINK:
        text = tm.WORK_LINK.format(url=h(clip(work.url, 150)))
    elif work.kind is WorkKind.PHOTO:
        text = tm.WORK_PHOTO
    elif work.kind is WorkKind.VIDEO:
        text = tm.WORK_VIDEO
    else:
        text = tm.WORK_DOCUMENT.format(name=h(clip(work.file_name or "—", 100)))
    return tm.WORK_LINE.format(number=index + 1, work=text)


def entry_text(entry: ContestEntry, contest: Contest, settings: Settings) -> str:
    participants = [
        tm.PARTICIPANT_LINE.format(
            name=h(clip(p.full_name, 100)),
            category=_category(p.category),
            age=tm.PARTICIPANT_AGE.format(age=tm.years(p.age)) if p.age is not None else "",
        )
        for p in entry.participants
    ]
    works = [_work(entry, i) for i in range(len(entry.works))]
    self_scores = ""
    if entry.self_scores:
        lines = []
        total = 0
        for criterion in contest.criteria:
            points = entry.self_scores.get(str(criterion.id))
            if points is None:
                continue
            total += int(points)
            lines.append(
                tm.SELF_SCORE_LINE.format(
                    title=h(clip(criterion.title, 80)), points=points, max=criterion.max_score
                )
            )
        self_scores = tm.SELF_SCORES.format(
            lines="\n".join(lines), total=total, max=contest.max_total
        )
    comment = ""
    if entry.status is EntryStatus.REJECTED and entry.review_comment:
        comment = tm.REVIEW_COMMENT.format(comment=h(clip(entry.review_comment, 800)))
    return tm.ENTRY_CARD.format(
        code=h(entry.code),
        school=h(entry.school.short_name),
        nomination=h(clip(entry.nomination.title, 150)),
        participants=bounded(participants, 1000) or "—",
        supervisor=h(clip(entry.supervisor_name, 100)) or "—",
        work_title=h(clip(entry.work_title, 200)) or "—",
        works=bounded(works, 1000) or "—",
        self_scores=self_scores,
        status=rules.ENTRY_STATUS_NAMES[entry.status.value],
        late=tm.LATE if entry.is_late else "",
        submitted=fmt_local(entry.submitted_at, settings.tz),
        comment=comment,
    )


def entry_markup(
    entry: ContestEntry, contest: Contest, nomination_id: int, school_id: int, page: int
) -> InlineKeyboardMarkup:
    def cb(action: ModerationAction, **more: int) -> ModerationCb:
        return ModerationCb(
            action=action,
            entry_id=entry.id,
            page=page,
            nomination_id=nomination_id,
            school_id=school_id,
            **more,
        )

    rows = []
    if entry.works:
        rows.append(button(tm.BTN_WORKS, cb(ModerationAction.WORKS)))
    if contest.status in MODERATED:
        if entry.status is EntryStatus.SUBMITTED:
            rows.append(button(tm.BTN_ACCEPT, cb(ModerationAction.ACCEPT, version=entry.version)))
        if entry.status in ACTIVE_ENTRY:
            rows.append(button(tm.BTN_REJECT, cb(ModerationAction.REJECT, version=entry.version)))
    rows.append(
        button(
            tm.BTN_TO_ENTRIES,
            ModerationCb(
                action=ModerationAction.LIST,
                contest_id=contest.id,
                page=page,
                nomination_id=nomination_id,
                school_id=school_id,
            ),
        )
    )
    return column(rows)


def _screen(
    entry: ContestEntry, contest: Contest, settings: Settings, filters: dict[str, int]
) -> tuple[str, InlineKeyboardMarkup]:
    return entry_text(entry, contest, settings), entry_markup(entry, contest, **filters)


def _filters(data: ModerationCb | dict[str, object]) -> dict[str, int]:
    """The list the entry was opened from: its filter and page."""
    if isinstance(data, ModerationCb):
        return {
            "nomination_id": data.nomination_id,
            "school_id": data.school_id,
            "page": data.page,
        }
    return {k: int(str(data.get(k, 0))) for k in ("nomination_id", "school_id", "page")}


async def entry_open(
    query: CallbackQuery,
    callback_data: ModerationCb,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await show(query, *_screen(entry, contest, settings, _filters(callback_data)))


async def entry_works(
    query: CallbackQuery,
    callback_data: ModerationCb,
    bot: Bot,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
) -> None:
    """Every work again, by its file id (a file is never downloaded), links as text; then the
    card below them, so the newest message has the buttons."""
    await query.answer()
    chat_id = query.from_user.id
    caption = tm.WORK_CAPTION.format(code=h(entry.code), school=h(entry.school.short_name))
    await resend_works(bot, chat_id, entry, caption)
    text, markup = _screen(entry, contest, settings, _filters(callback_data))
    await bot.send_message(
        chat_id, tm.WORKS_ABOVE.format(code=h(entry.code)) + text, reply_markup=markup
    )


async def _changed(
    session: AsyncSession, entry_id: int, settings: Settings, filters: dict[str, int]
) -> tuple[str, InlineKeyboardMarkup]:
    """Someone changed the entry since this screen was drawn: what it is now."""
    entry = await get_entry(session, entry_id)
    contest = await get_contest(session, entry.contest_id)
    text, markup = _screen(entry, contest, settings, filters)
    return tm.ENTRY_NOW + text, markup


async def _refuse_press(
    query: CallbackQuery,
    session: AsyncSession,
    entry_id: int,
    settings: Settings,
    filters: dict[str, int],
    exc: ValidationError,
) -> None:
    await session.rollback()
    await query.answer(refusal(exc), show_alert=True)
    await redraw(query, *await _changed(session, entry_id, settings, filters))


def _not_moderated(contest: Contest) -> ValidationError:
    return ValidationError("not_moderated", status=contest.status.value)


async def entry_accept(
    query: CallbackQuery,
    callback_data: ModerationCb,
    session: AsyncSession,
    user: User,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
) -> None:
    entry_id, filters = entry.id, _filters(callback_data)
    try:
        if contest.status not in MODERATED:
            raise _not_moderated(contest)
        await accept_entry(session, entry, user, callback_data.version, clock)
    except ValidationError as exc:
        await _refuse_press(query, session, entry_id, settings, filters, exc)
        return
    await deliver(  # the school hears its entry is in, as it hears of a rejection
        session,
        clock,
        f"contest-accept:{entry.id}:{entry.version}",
        await school_librarian_ids(session, entry.school_id),
        tm.ACCEPT_NOTICE.format(code=h(entry.code), title=hq(contest.title)),
        purpose="review",
    )
    text, markup = _screen(entry, contest, settings, filters)
    await show(query, tm.ACCEPTED.format(code=h(entry.code)) + text, markup)


async def entry_reject_ask(
    query: CallbackQuery,
    callback_data: ModerationCb,
    session: AsyncSession,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    filters = _filters(callback_data)
    if contest.status not in MODERATED:
        exc = _not_moderated(contest)
        await _refuse_press(query, session, entry.id, settings, filters, exc)
        return
    if entry.status not in ACTIVE_ENTRY or entry.version != callback_data.version:
        exc = ValidationError("entry_changed")
        await _refuse_press(query, session, entry.id, settings, filters, exc)
        return
    await state.set_state(RejectForm.reason)
    await state.set_data({"entry_id": entry.id, "version": entry.version, **filters})
    await show(query, tm.ASK_REJECT_REASON.format(code=h(entry.code)), cancel_keyboard())


async def _tell_rejected(
    session: AsyncSession, clock: Clock, entry: ContestEntry, contest: Contest, settings: Settings
) -> None:
    text = tm.REJECT_NOTICE.format(
        code=h(entry.code), title=hq(contest.title), reason=h(entry.review_comment)
    )
    markup = None
    if taking_entries(contest, clock()):
        text += tm.REJECT_NOTICE_FIX.format(deadline=deadline_text(contest, settings))
        fix = EntryCb(action=EntryAction.ENTRY, contest_id=contest.id, entry_id=entry.id)
        markup = column([button(tm.BTN_FIX_ENTRY.format(code=entry.code), fix)])
    await deliver(
        session,
        clock,
        f"contest-reject:{entry.id}:{entry.version}",
        await school_librarian_ids(session, entry.school_id),
        text,
        markup,
        purpose="review",
        event_id=contest.event_id,
    )


async def entry_reject_reason(
    message: Message,
    session: AsyncSession,
    user: User,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    filters = _filters(data)
    entry_id = entry.id
    try:
        if contest.status not in MODERATED:
            raise _not_moderated(contest)
        await reject_entry(
            session, entry, user, message.text or "", int(data.get("version", 0)), clock
        )
    except ValidationError as exc:
        await session.rollback()
        if exc.code in ("entry_changed", "not_moderated"):
            await state.clear()
            text, markup = await _changed(session, entry_id, settings, filters)
            await message.answer(refusal(exc) + "\n\n" + text, reply_markup=markup)
        else:
            await message.answer(refusal(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await _tell_rejected(session, clock, entry, contest, settings)
    await state.clear()
    text, markup = _screen(entry, contest, settings, filters)
    await message.answer(
        tm.REJECTED.format(code=h(entry.code)) + "\n\n" + text, reply_markup=markup
    )


def get_router() -> Router:
    router = Router(name="contests_manage.moderation")
    cb = ModerationCb.filter
    router.callback_query.register(
        entries_list, cb(F.action == ModerationAction.LIST), DistrictContest()
    )
    router.callback_query.register(
        pick_nomination, cb(F.action == ModerationAction.BY_NOMINATION), DistrictContest()
    )
    router.callback_query.register(
        pick_school, cb(F.action == ModerationAction.BY_SCHOOL), DistrictContest()
    )
    for action, handler in (
        (ModerationAction.ENTRY, entry_open),
        (ModerationAction.WORKS, entry_works),
        (ModerationAction.ACCEPT, entry_accept),
        (ModerationAction.REJECT, entry_reject_ask),
    ):
        router.callback_query.register(handler, cb(F.action == action), DistrictEntry())
    router.message.register(
        entry_reject_reason,
        StateFilter(RejectForm.reason),
        F.text,
        ~F.text.startswith("/"),
        DistrictEntry(in_form=True),
    )
    return router
