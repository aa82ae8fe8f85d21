"""What the coordinator's contest modules share: the ownership filters, the contest's card,
the refusal texts and the redraw of a screen after a refused press."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, NoReturn

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts.contests import manage as tm
from bot.texts.contests import rules
from bot.toolkit.callbacks import parse_id
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    JuryAdminAction,
    JuryAdminCb,
    ModerationAction,
    ModerationCb,
    ResultsAction,
    ResultsCb,
)
from bot.toolkit.filters import Refused
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import bounded, clip, error_text, h, show
from handlers.contests import status
from handlers.contests.status import contest_status
from models import Contest, ContestStatus, EntryStatus, User
from services.clock import Clock
from services.contests.entries import count_entries, get_entry
from services.contests.setup import contest_for_district
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.timeutil import fmt_date, fmt_local

logger = logging.getLogger(__name__)

CONTESTS_FILE = "data/contests.toml"
# the statuses in which the coordinator admits or rejects entries
MODERATED = (ContestStatus.OPEN, ContestStatus.CLOSED)


# ---- ownership filters ----------------------------------------------------------------------


async def _record_id(data: dict[str, Any], field: str, in_form: bool) -> int:
    if in_form:
        state: FSMContext = data["state"]
        return parse_id((await state.get_data()).get(field, 0))
    return parse_id(getattr(data.get("callback_data"), field, 0))


async def _refuse(data: dict[str, Any], text: str, in_form: bool) -> NoReturn:
    if in_form:  # a refused form ends, so later text does not land in it
        state: FSMContext = data["state"]
        await state.clear()
    raise Refused(text)


def _district_of(data: dict[str, Any]) -> int | None:
    user: User | None = data.get("user")
    return user.district_id if user is not None else None


class DistrictContest(Filter):
    """`contest`: the contest the button (or the form) names, if it is the user's district's.

    A contest of another district gets the same answer as one that does not exist.
    """

    def __init__(self, *, in_form: bool = False) -> None:
        self.in_form = in_form

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        contest_id = await _record_id(data, "contest_id", self.in_form)
        try:
            contest = await contest_for_district(session, contest_id, _district_of(data))
        except NotFoundError:
            await _refuse(data, rules.UNKNOWN_CONTEST, self.in_form)
        except AccessDeniedError:
            logger.warning("contest %s of another district requested", contest_id)
            await _refuse(data, rules.UNKNOWN_CONTEST, self.in_form)
        return {"contest": contest}


class DistrictEntry(Filter):
    """`entry` and its `contest`: the entry the button (or the form) names, if its contest is
    the user's district's."""

    def __init__(self, *, in_form: bool = False) -> None:
        self.in_form = in_form

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        entry_id = await _record_id(data, "entry_id", self.in_form)
        try:
            entry = await get_entry(session, entry_id)
            contest = await contest_for_district(session, entry.contest_id, _district_of(data))
        except NotFoundError:
            await _refuse(data, rules.UNKNOWN_ENTRY, self.in_form)
        except AccessDeniedError:
            logger.warning("entry %s of another district requested", entry_id)
            await _refuse(data, rules.UNKNOWN_ENTRY, self.in_form)
        return {"entry": entry, "contest": contest}


# ---- texts ----------------------------------------------------------------------------------


def refusal(exc: ValidationError) -> str:
    """error_text, with a contest's status in words rather than its code."""
    status = exc.params.get("status")
    if isinstance(status, str) and status in rules.STATUS_NAMES:
        exc = ValidationError(exc.code, **{**exc.params, "status": rules.STATUS_NAMES[status]})
    return error_text(exc)


def local_now(settings: Settings, clock: Clock) -> datetime:
    return clock().astimezone(settings.tz).replace(tzinfo=None)


def deadline_text(contest: Contest, settings: Settings) -> str:
    return status.deadline_text(contest, settings.tz)


# ---- the card -------------------------------------------------------------------------------


def _limits(contest: Contest) -> str:
    lines = []
    if contest.max_per_school:
        lines.append(tm.limit_school(contest.max_per_school))
    if contest.max_per_nomination:
        lines.append(tm.limit_nomination(contest.max_per_nomination))
    if contest.one_per_family:
        lines.append(tm.LIMIT_FAMILY)
    if contest.ask_age:
        lines.append(tm.LIMIT_AGE)
    if contest.self_assessment:
        lines.append(tm.LIMIT_SELF)
    if not lines:
        return tm.NO_LIMITS
    return "\n".join(tm.LIMIT_LINE.format(text=line) for line in lines)


async def card_screen(
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    page: int = 0,
    now: datetime | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    counts = await count_entries(session, contest.id)
    entries = " · ".join(
        tm.ENTRY_COUNT.format(name=tm.ENTRY_COUNT_NAMES[status.value], count=counts[status])
        for status in EntryStatus
        if counts.get(status)
    )
    event = contest.event
    extended = ""
    if contest.first_deadline_at is not None and contest.first_deadline_at != event.deadline_at:
        extended = tm.EXTENDED.format(first=fmt_local(contest.first_deadline_at, settings.tz))
    nominations = [
        tm.NOMINATION_LINE.format(number=i, title=h(clip(n.title, 120)))
        for i, n in enumerate(contest.nominations, 1)
    ]
    criteria = [
        tm.CRITERION_LINE.format(title=h(clip(c.title, 120)), max=c.max_score)
        for c in contest.criteria
    ]
    text = tm.CARD.format(
        title=h(contest.title),
        status=contest_status(contest, settings.tz, now),
        stage=tm.STAGE_NAMES.get(contest.stage, h(contest.stage)),
        starts=fmt_date(event.starts_on),
        deadline=deadline_text(contest, settings),
        extended=extended,
        regulation=h(contest.regulation_file_name) or tm.NO_REGULATION,
        nominations=bounded(nominations, 1200),
        criteria=bounded(criteria, 800),
        max_total=contest.max_total,
        limits=_limits(contest),
        entries=entries or tm.NO_ENTRIES,
    )
    return text, card_markup(contest, page)


def card_markup(contest: Contest, page: int = 0) -> InlineKeyboardMarkup:
    def cb(action: ContestAction) -> ContestCb:
        return ContestCb(action=action, contest_id=contest.id, page=page)

    status = contest.status
    rows: list[InlineKeyboardButton] = []
    if status in (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED):
        rows.append(button(tm.BTN_REGULATION, cb(ContestAction.REGULATION)))
        rows.append(button(tm.BTN_DEADLINE, cb(ContestAction.DEADLINE)))
    if status is ContestStatus.DRAFT:
        rows.append(button(tm.BTN_OPEN, cb(ContestAction.OPEN)))
    elif status is ContestStatus.OPEN:
        rows.append(button(tm.BTN_CLOSE, cb(ContestAction.CLOSE)))
    if status in (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED):
        rows.append(button(tm.BTN_CANCEL_CONTEST, cb(ContestAction.CANCEL)))
    if status is not ContestStatus.DRAFT:
        rows.append(
            button(
                tm.BTN_ENTRIES, ModerationCb(action=ModerationAction.LIST, contest_id=contest.id)
            )
        )
    rows.append(
        button(tm.BTN_JURY, JuryAdminCb(action=JuryAdminAction.LIST, contest_id=contest.id))
    )
    rows.append(
        button(tm.BTN_RESULTS, ResultsCb(action=ResultsAction.OPEN, contest_id=contest.id))
    )
    rows.append(button(tm.BTN_TO_LIST, ContestCb(action=ContestAction.LIST, page=page)))
    return column(rows)


async def contest_card(
    target: Message | CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    page: int = 0,
    notice: str = "",
    now: datetime | None = None,
) -> None:
    """The card; `notice` (what the last action did) heads it, so the newest message in the
    chat is the card with its buttons. With `now`, a passed deadline is said in the status."""
    text, markup = await card_screen(session, contest, settings, page, now)
    await show(target, f"{notice}\n\n{text}" if notice else text, markup)


async def redraw(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    """Replace the pressed message (after an alert has answered the press)."""
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        if query.bot is not None:
            await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in str(exc):
            raise
