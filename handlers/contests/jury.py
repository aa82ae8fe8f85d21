"""The jury: `/jury` for whoever holds a seat — their contests, the entries to score, an
entry's card with the point buttons, the works re-sent, a comment. The coordinator's side is
in handlers/contests/jury_admin.py.

A juror sees an entry's number, nomination, participants and work, never the school (the
juror's own school's entries are not theirs to score at all). Every button names a contest
(and maybe an entry): `JurorRecords` finds the user's seat on that contest and the entry among
the ones the seat scores, with one answer for "not yours" and "not found".
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from bot.texts.contests import jury as tj
from bot.texts.contests import rules as tr
from bot.texts.plural import counted
from bot.toolkit.callbacks import FormAction, FormCb, parse_id
from bot.toolkit.contest_callbacks import JuryAction, JuryCb
from bot.toolkit.filters import Refused
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, pager_row, shorten
from bot.toolkit.screens import bounded, clip, error_text, h, hq, show
from handlers.contests import jury_admin
from handlers.contests.works import resend_works
from models import (
    Contest,
    ContestCriterion,
    ContestEntry,
    ContestJuror,
    ContestParticipant,
    ContestStatus,
    Role,
    User,
    WorkKind,
    limits,
)
from services.clock import Clock
from services.contests.jury import (
    entries_to_score,
    is_complete,
    progress,
    scorable_entry,
    score_of,
    seat_for,
    seat_scores,
    set_comment,
    set_score,
    user_seats,
)
from services.contests.setup import get_contest
from services.errors import NotFoundError, ValidationError

logger = logging.getLogger(__name__)

INLINE_MAX = 10  # a criterion up to this maximum gets its point buttons on the card
INLINE_BUDGET = 64  # at most this many point buttons on the card; the rest open a keypad
KEYPAD_MAX = 35  # a keypad up to this maximum shows every value; above, tens first
ROW = 6  # point buttons in a row
COMMENT_SHOWN = 300  # characters of a comment a card shows
TEXT_MAX = 4000  # a card longer than this (escaped) is shortened; Telegram takes 4096


class JuryComment(StatesGroup):
    text = State()


class JurorRecords(Filter):
    """`seat` and `contest` (the user's seat on the contest the update names) and, with
    `entry=True`, `entry` (one of the entries the seat scores). In a form the ids come from
    the form's data and a refusal ends the form."""

    def __init__(self, *, entry: bool = False, in_form: bool = False) -> None:
        self.entry = entry
        self.in_form = in_form

    async def _refuse(self, state: FSMContext, text: str) -> Refused:
        if self.in_form:
            await state.clear()
        return Refused(text)

    async def __call__(self, update: Any, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        state: FSMContext = data["state"]
        if self.in_form:
            form = await state.get_data()
            contest_id = parse_id(form.get("contest_id"))
            entry_id = parse_id(form.get("entry_id"))
        else:
            callback: JuryCb | None = data.get("callback_data")
            contest_id = callback.contest_id if callback is not None else 0
            entry_id = callback.entry_id if callback is not None else 0
        seat = await seat_for(session, user.id, contest_id) if user is not None else None
        if seat is None:
            logger.warning("user %s: no seat on contest %s", user and user.id, contest_id)
            raise await self._refuse(state, tj.UNKNOWN_SEAT)
        contest = await get_contest(session, contest_id)
        if contest.status is ContestStatus.CANCELLED:
            raise await self._refuse(state, tj.UNKNOWN_SEAT)
        found: dict[str, Any] = {"seat": seat, "contest": contest}
        if self.entry:
            try:
                found["entry"] = await scorable_entry(session, seat, entry_id)
            except NotFoundError as exc:
                logger.warning("seat %s: entry %s is not to score", seat.id, entry_id)
                raise await self._refuse(state, tj.UNKNOWN_ENTRY) from exc
        return found


def _closed(contest: Contest) -> bool:
    return contest.judging_closed_at is not None or contest.status in (
        ContestStatus.CANCELLED,
        ContestStatus.PUBLISHED,
    )


# ---- the juror's contests ---------------------------------------------------------------------


async def _seats_screen(
    session: AsyncSession, user: User, page: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    seats = await user_seats(session, user.id)
    if not seats:
        return None
    page = clamp_page(page, len(seats))
    lines = [tj.SEATS_HEADER, ""]
    rows: list[list[InlineKeyboardButton]] = []
    for index, (seat, contest) in enumerate(seats):
        done = await progress(session, seat, contest)
        lines.append(
            tj.SEAT_ITEM.format(
                title=hq(contest.title),
                scored=done.scored,
                total=done.total,
                closed=tj.SEAT_ITEM_CLOSED if _closed(contest) else "",
            )
        )
        if page * PAGE_SIZE <= index < (page + 1) * PAGE_SIZE:
            mark = tj.SCORED_MARK if done.done else tj.NOT_SCORED_MARK
            rows.append(
                [
                    button(
                        tj.BTN_CONTEST.format(mark=mark, title=shorten(contest.title, 50)),
                        JuryCb(action=JuryAction.CONTEST, contest_id=contest.id),
                    )
                ]
            )
    pager = pager_row(page, len(seats), lambda p: JuryCb(action=JuryAction.LIST, page=p))
    if pager:
        rows.append(pager)
    return bounded(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def jury_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    state: FSMContext,
) -> None:
    await state.clear()
    screen = await _seats_screen(session, user, 0) if user is not None else None
    if screen is None:
        if role is Role.JUROR:
            await message.answer(tj.NO_SEATS)
        else:  # as the fallback answers a command of another role
            await message.answer(t.GUEST_COMMAND if role is None else t.FORBIDDEN_COMMAND)
        return
    if message.chat.type != "private":
        await message.answer(tj.JURY_PRIVATE_ONLY)
        return
    await message.answer(screen[0], reply_markup=screen[1])


async def jury_list(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
) -> None:
    await state.clear()
    screen = await _seats_screen(session, user, callback_data.page) if user else None
    if screen is None:
        await query.answer(tj.NO_SEATS, show_alert=True)
        return
    await show(query, *screen)


# ---- the entries of a contest ---------------------------------------------------------------


async def contest_entries(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    state: FSMContext,
) -> None:
    await state.clear()
    entries = await entries_to_score(session, seat)
    scores = await seat_scores(session, seat)
    complete = {
        e.id
        for e in entries
        if e.id in scores and is_complete(scores[e.id].points, contest.criteria)
    }
    text = tj.ENTRIES_HEADER.format(
        title=hq(contest.title),
        scored=len(complete),
        total=len(entries),
        closed=tj.ENTRIES_CLOSED if _closed(contest) else "",
    )
    if not entries:
        text += tj.NO_ENTRIES
    page = clamp_page(callback_data.page, len(entries))
    rows = [
        [
            button(
                tj.BTN_ENTRY.format(
                    mark=tj.SCORED_MARK if e.id in complete else tj.NOT_SCORED_MARK,
                    code=e.code,
                    nomination=shorten(e.nomination.title, 30),
                ),
                JuryCb(action=JuryAction.ENTRY, contest_id=contest.id, entry_id=e.id, page=page),
            )
        ]
        for e in entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(
        page,
        len(entries),
        lambda p: JuryCb(action=JuryAction.CONTEST, contest_id=contest.id, page=p),
    )
    if pager:
        rows.append(pager)
    rows.append([button(tj.BTN_TO_CONTESTS, JuryCb(action=JuryAction.LIST))])
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


# ---- an entry's card ----------------------------------------------------------------------------


def _category(participant: ContestParticipant) -> str:
    if participant.category.isdigit():
        name = tr.GRADE_NAME.format(grade=participant.category)
    else:
        name = tr.CATEGORY_NAMES.get(participant.category, participant.category)
    return name


def _participants(entry: ContestEntry) -> str:
    parts = []
    for p in entry.participants:
        name = h(clip(p.full_name, 60))
        if p.age is not None:
            age = counted(p.age, "год", "года", "лет")
            parts.append(tj.PARTICIPANT_AGE.format(name=name, category=_category(p), age=age))
        else:
            parts.append(tj.PARTICIPANT.format(name=name, category=_category(p)))
    return "; ".join(parts) or "—"


def _criterion_line(
    n: int,
    criterion: ContestCriterion,
    points: dict[str, Any],
    contest: Contest,
    entry: ContestEntry,
) -> str:
    value = points.get(str(criterion.id))
    shown = (
        tj.CRITERION_POINTS.format(points=value, max=criterion.max_score)
        if value is not None
        else tj.CRITERION_EMPTY.format(max=criterion.max_score)
    )
    line = tj.CRITERION_LINE.format(n=n, title=h(clip(criterion.title, 80)), points=shown)
    own = entry.self_scores.get(str(criterion.id)) if contest.self_assessment else None
    if own is not None:
        line += tj.SELF_ASSESSMENT.format(points=own, max=criterion.max_score)
    return line


def _points_rows(
    contest: Contest, entry: ContestEntry, criterion: ContestCriterion, values: range, current: Any
) -> list[list[InlineKeyboardButton]]:
    buttons = [
        button(
            (tj.BTN_POINTS_CURRENT if v == current else tj.BTN_POINTS).format(points=v),
            JuryCb(
                action=JuryAction.SCORE,
                contest_id=contest.id,
                entry_id=entry.id,
                arg=criterion.id,
                points=v,
            ),
        )
        for v in values
    ]
    return [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]


async def _card(
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    page: int,
) -> tuple[str, InlineKeyboardMarkup]:
    entries = await entries_to_score(session, seat)
    ids = [e.id for e in entries]
    position = ids.index(entry.id) + 1 if entry.id in ids else 0
    score = await score_of(session, seat, entry.id)
    points: dict[str, Any] = dict(score.points) if score is not None else {}
    closed = _closed(contest)
    files = sum(1 for w in entry.works if w.kind is not WorkKind.LINK)
    lines = [
        _criterion_line(n, c, points, contest, entry) for n, c in enumerate(contest.criteria, 1)
    ]
    total = sum(int(points.get(str(c.id), 0)) for c in contest.criteria)

    def text_with(participants: str, comment: str) -> str:
        text = tj.ENTRY_CARD.format(
            code=h(entry.code),
            position=position,
            total=len(ids),
            nomination=hq(clip(entry.nomination.title, 120)),
            participants=participants,
            title=tj.WORK_TITLE.format(title=hq(clip(entry.work_title, 120)))
            if entry.work_title
            else tj.NO_TITLE,
            works=tj.works_line(files, len(entry.works) - files),
            closed=tj.ENTRY_CLOSED if closed else "",
            criteria="\n".join(lines),
            points=total,
            max_total=contest.max_total,
        )
        return text + (tj.COMMENT_LINE.format(comment=comment) if comment else "")

    comment = h(clip(score.comment, COMMENT_SHOWN)) if score is not None else ""
    text = text_with(_participants(entry), comment)
    if len(text) > TEXT_MAX:  # names full of «&» and «<»: the count and no comment instead
        text = text_with(counted(len(entry.participants), "человек", "человека", "человек"), "")
    here = {"contest_id": contest.id, "entry_id": entry.id, "page": page}
    rows: list[list[InlineKeyboardButton]] = []
    if entry.works:
        rows.append([button(tj.BTN_WORKS, JuryCb(action=JuryAction.WORKS, **here))])
    if not closed:
        budget = INLINE_BUDGET
        for n, c in enumerate(contest.criteria, 1):
            title = shorten(c.title, 40)
            keypad = JuryCb(action=JuryAction.CRITERION, arg=c.id, **here)
            current = points.get(str(c.id))
            if c.max_score <= INLINE_MAX and c.max_score + 1 <= budget:
                budget -= c.max_score + 1
                rows.append([button(tj.BTN_CRITERION.format(n=n, title=title), keypad)])
                rows += _points_rows(contest, entry, c, range(c.max_score + 1), current)
            else:
                shown = "—" if current is None else current
                label = tj.BTN_CRITERION_VALUE.format(
                    n=n, title=shorten(c.title, 30), points=shown, max=c.max_score
                )
                rows.append([button(label, keypad)])
        rows.append([button(tj.BTN_COMMENT, JuryCb(action=JuryAction.COMMENT, **here))])
    if position and position < len(ids):
        following = JuryCb(
            action=JuryAction.ENTRY,
            contest_id=contest.id,
            entry_id=ids[position],
            page=position // PAGE_SIZE,
        )
        rows.append([button(tj.BTN_NEXT_ENTRY, following)])
    rows.append(
        [
            button(
                tj.BTN_TO_ENTRIES,
                JuryCb(action=JuryAction.CONTEST, contest_id=contest.id, page=page),
            )
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def entry_card(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    state: FSMContext,
) -> None:
    await state.clear()
    await show(query, *await _card(session, seat, contest, entry, callback_data.page))


def _criterion(contest: Contest, criterion_id: int) -> ContestCriterion | None:
    return next((c for c in contest.criteria if c.id == criterion_id), None)


async def keypad(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
) -> None:
    if _closed(contest):
        await query.answer(error_text(ValidationError("jury_judging_closed")), show_alert=True)
        return
    criterion = _criterion(contest, callback_data.arg)
    if criterion is None:
        await query.answer(error_text(ValidationError("jury_no_such_criterion")), show_alert=True)
        return
    score = await score_of(session, seat, entry.id)
    current = score.points.get(str(criterion.id)) if score is not None else None
    here = {"contest_id": contest.id, "entry_id": entry.id, "page": callback_data.page}
    top = criterion.max_score
    rows: list[list[InlineKeyboardButton]]
    if callback_data.action is JuryAction.RANGE or top <= KEYPAD_MAX:
        low = min(callback_data.points, top) if callback_data.action is JuryAction.RANGE else 0
        high = min(low + 9, top) if callback_data.action is JuryAction.RANGE else top
        rows = _points_rows(contest, entry, criterion, range(low, high + 1), current)
        if callback_data.action is JuryAction.RANGE:
            back = JuryCb(action=JuryAction.CRITERION, arg=criterion.id, **here)
            rows.append([button(t.BTN_BACK, back)])
    else:
        ranges = [
            button(
                tj.BTN_RANGE.format(low=low, high=min(low + 9, top))
                if low < top
                else tj.BTN_POINTS.format(points=low),
                JuryCb(action=JuryAction.RANGE, arg=criterion.id, points=low, **here),
            )
            for low in range(0, top + 1, 10)
        ]
        rows = [ranges[i : i + 4] for i in range(0, len(ranges), 4)]
    rows.append([button(tj.BTN_TO_ENTRY, JuryCb(action=JuryAction.ENTRY, **here))])
    text = tj.KEYPAD.format(
        code=h(entry.code),
        title=hq(criterion.title),
        max=top,
        current=tj.KEYPAD_NONE if current is None else current,
    )
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def score(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    seat_id, contest_id, entry_id = seat.id, contest.id, entry.id
    try:
        await set_score(session, seat, entry, callback_data.arg, callback_data.points, clock)
    except ValidationError as exc:
        await session.rollback()
        logger.info("seat %s: score of entry %s refused: %s", seat_id, entry_id, exc.code)
        await query.answer(error_text(exc), show_alert=True)
        return
    except NotFoundError:
        await session.rollback()
        await query.answer(tj.UNKNOWN_ENTRY, show_alert=True)
        return
    logger.debug("seat %s scored entry %s of contest %s", seat_id, entry_id, contest_id)
    await show(query, *await _card(session, seat, contest, entry, callback_data.page))


# ---- the works, the comment ----------------------------------------------------------------


async def works(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    bot: Bot,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
) -> None:
    await query.answer(tj.WORKS_SENT)
    chat_id = query.from_user.id
    await resend_works(bot, chat_id, entry, tj.WORK_CAPTION.format(code=h(entry.code)))
    text, markup = await _card(session, seat, contest, entry, callback_data.page)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def comment_ask(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    state: FSMContext,
) -> None:
    if _closed(contest):
        await query.answer(error_text(ValidationError("jury_judging_closed")), show_alert=True)
        return
    current = await score_of(session, seat, entry.id)
    await state.set_state(JuryComment.text)
    await state.set_data(
        {"contest_id": contest.id, "entry_id": entry.id, "page": callback_data.page}
    )
    text = tj.ASK_COMMENT.format(code=h(entry.code), max=limits.CONTEST_COMMENT_MAX)
    rows = []
    if current is not None and current.comment:
        text += tj.ASK_COMMENT_CURRENT.format(comment=h(clip(current.comment, COMMENT_SHOWN)))
        clear = JuryCb(
            action=JuryAction.CLEAR_COMMENT,
            contest_id=contest.id,
            entry_id=entry.id,
            page=callback_data.page,
        )
        rows.append([button(tj.BTN_CLEAR_COMMENT, clear)])
    rows.append([button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL))])
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def comment_text(
    message: Message,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    clock: Clock,
    state: FSMContext,
) -> None:
    page = parse_id((await state.get_data()).get("page"))
    try:
        await set_comment(session, seat, entry, message.text or "", clock)
    except ValidationError as exc:
        await session.rollback()
        if exc.code == "jury_judging_closed":
            await state.clear()
            await message.answer(error_text(exc))
        else:
            await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN)
        return
    except NotFoundError:
        await session.rollback()
        await state.clear()
        await message.answer(tj.UNKNOWN_ENTRY)
        return
    await state.clear()
    text, markup = await _card(session, seat, contest, entry, page)
    await message.answer(tj.COMMENT_SAVED)
    await message.answer(text, reply_markup=markup)


async def comment_clear(
    query: CallbackQuery,
    callback_data: JuryCb,
    session: AsyncSession,
    seat: ContestJuror,
    contest: Contest,
    entry: ContestEntry,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.clear()
    try:
        await set_comment(session, seat, entry, "", clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    except NotFoundError:
        await session.rollback()
        await query.answer(tj.UNKNOWN_ENTRY, show_alert=True)
        return
    await show(query, *await _card(session, seat, contest, entry, callback_data.page))


def _juror_router() -> Router:
    router = Router(name="contests_jury_juror")
    router.message.register(jury_command, Command("jury"))
    cb = router.callback_query.register
    cb(jury_list, JuryCb.filter(F.action == JuryAction.LIST))
    cb(contest_entries, JuryCb.filter(F.action == JuryAction.CONTEST), JurorRecords())
    entry = JurorRecords(entry=True)
    cb(entry_card, JuryCb.filter(F.action == JuryAction.ENTRY), entry)
    cb(keypad, JuryCb.filter(F.action.in_({JuryAction.CRITERION, JuryAction.RANGE})), entry)
    cb(score, JuryCb.filter(F.action == JuryAction.SCORE), entry)
    cb(works, JuryCb.filter(F.action == JuryAction.WORKS), entry)
    cb(comment_ask, JuryCb.filter(F.action == JuryAction.COMMENT), entry)
    cb(comment_clear, JuryCb.filter(F.action == JuryAction.CLEAR_COMMENT), entry)
    router.message.register(
        comment_text,
        StateFilter(JuryComment.text),
        F.text,
        ~F.text.startswith("/"),
        JurorRecords(entry=True, in_form=True),
    )
    return router


def get_router() -> Router:
    router = Router(name="contests_jury")
    router.include_routers(jury_admin.get_router(), _juror_router())
    return router
