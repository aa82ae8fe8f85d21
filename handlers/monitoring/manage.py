"""The coordinator's monitoring: open a round with a deadline (the librarians are invited
through the outbox), follow the schools by the state of their response, read a response,
accept it or return it naming the questions to fix, close the round."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app_paths import data_file
from bot.config import Settings
from bot.texts import common as t
from bot.texts import monitoring_dialog as md
from bot.toolkit.callbacks import MonAction, MonCb, MonDocAction, MonDocCb
from bot.toolkit.filters import STAFF, HasRole, InDistrict, Refused
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
from bot.toolkit.screens import bounded, error_text, h, hq
from handlers.monitoring.access import DistrictResponse, DistrictRound
from handlers.monitoring.show import change_lines, failure_lines, screen, summary_lines
from models import (
    Event,
    MonitoringResponse,
    MonitoringRound,
    ResponseStatus,
    RoundStatus,
    School,
    User,
)
from services.clock import Clock
from services.confirmations import school_librarian_ids
from services.contests.manage import district_librarian_ids
from services.errors import ValidationError
from services.events import parse_deadline, school_year_bounds
from services.monitoring.answers import cross_check, year_changes
from services.monitoring.progress import (
    PROGRESS_ORDER,
    Progress,
    district_rounds,
    progress_of,
    read_questionnaire_file,
    round_progress,
)
from services.monitoring.questionnaire import QuestionnaireError, applicable
from services.monitoring.rounds import (
    answers_of,
    close_round,
    last_year,
    open_round,
    open_round_for,
    questionnaire_of,
    review,
)
from services.timeutil import fmt_local, local_today, to_utc

DEADLINE_HOUR = 18
COMMENT_MAX = 1000
_DATE_ONLY = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{4}\s*$")


class MonOpenForm(StatesGroup):
    deadline = State()
    confirm = State()


class MonReturnForm(StatesGroup):
    # data: response_id, codes (the questions picked)
    pick = State()
    comment = State()


def _rcb(action: MonAction, round_id: int = 0, **kw: int) -> MonCb:
    return MonCb(action=action, round_id=round_id, **kw)


async def _event(session: AsyncSession, round_: MonitoringRound) -> Event:
    event = await session.get(Event, round_.event_id)
    assert event is not None
    return event


# ---- home and opening -------------------------------------------------------------------------


async def home_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    alert: str | None = None,
) -> None:
    round_ = await open_round_for(session, district_id)
    if round_ is not None:
        await round_screen(target, session, round_, settings, alert=alert)
        return
    rows = [[button(md.BTN_OPEN, _rcb(MonAction.NEW))]]
    lines = [md.NO_OPEN_ROUND]
    earlier = await district_rounds(session, district_id)
    if earlier:
        lines.append(md.EARLIER_ROUNDS)
    for old in earlier:
        event = await _event(session, old)
        rows.append(
            [
                button(
                    md.BTN_ROUND.format(
                        title=shorten(event.title, 40), status=md.ROUND_STATUS[old.status.value]
                    ),
                    _rcb(MonAction.ROUND, old.id),
                )
            ]
        )
    await screen(target, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def monitoring_command(
    message: Message,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await home_screen(message, session, district_id, settings)


async def home(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await home_screen(query, session, district_id, settings)


async def new_ask(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(MonOpenForm.deadline)
    await screen(query, md.ASK_DEADLINE, cancel_keyboard())


def _label(now: datetime, settings: Settings) -> tuple[int, str]:
    first, _, label = school_year_bounds(local_today(now, settings.tz))
    return first.year, label


async def new_deadline(
    message: Message, state: FSMContext, settings: Settings, clock: Clock
) -> None:
    text = message.text or ""
    if _DATE_ONLY.match(text):
        text = f"{text.strip()} {DEADLINE_HOUR}:00"
    try:
        deadline = parse_deadline(text.strip())
        if to_utc(deadline, settings.tz) <= clock():
            raise ValidationError("deadline_past")
    except ValidationError as exc:
        await message.answer(f"{error_text(exc)}\n{t.TRY_AGAIN}", reply_markup=cancel_keyboard())
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(MonOpenForm.confirm)
    _, label = _label(clock(), settings)
    await message.answer(
        md.CONFIRM_OPEN.format(label=label, deadline=deadline.strftime("%d.%m.%Y %H:%M")),
        reply_markup=yes_no(_rcb(MonAction.NEW_OK), _rcb(MonAction.HOME)),
    )


async def new_ok(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    district_id: int,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    await state.clear()  # a second press finds no form
    try:
        deadline = datetime.fromisoformat(str(data.get("deadline", "")))
    except ValueError:
        await query.answer(md.FORM_GONE, show_alert=True)
        return
    year, label = _label(clock(), settings)
    try:
        raw = read_questionnaire_file(data_file(settings.monitoring_questionnaire))
        round_ = await open_round(
            session,
            district_id,
            year,
            raw,
            md.ROUND_TITLE.format(label=label),
            local_today(clock(), settings.tz),
            deadline,
            settings.tz,
            user,
            clock,
        )
    except QuestionnaireError as exc:
        await session.rollback()
        await home_screen(
            query,
            session,
            district_id,
            settings,
            md.QUESTIONNAIRE_BROKEN.format(reason=error_text(exc)),
        )
        return
    except ValidationError as exc:
        await session.rollback()
        await home_screen(query, session, district_id, settings, error_text(exc))
        return
    event = await _event(session, round_)
    deadline_text = fmt_local(event.deadline_at, settings.tz)
    recipients = await district_librarian_ids(session, district_id)
    invite = InlineKeyboardMarkup(
        inline_keyboard=[[button(md.BTN_FILL, _rcb(MonAction.FILL, round_.id))]]
    )
    await deliver(
        session,
        clock,
        f"mon-open:{round_.id}",
        recipients,
        md.INVITATION.format(title=h(event.title), deadline=deadline_text),
        invite,
        purpose="prompt",
        event_id=event.id,
    )
    notice = md.OPENED.format(deadline=deadline_text, told=md.librarians_count(len(recipients)))
    await round_screen(query, session, round_, settings, notice=notice)


async def form_gone(query: CallbackQuery) -> None:
    await query.answer(md.FORM_GONE, show_alert=True)


# ---- a round ----------------------------------------------------------------------------------


async def round_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    settings: Settings,
    *,
    notice: str = "",
    alert: str | None = None,
) -> None:
    event = await _event(session, round_)
    schools = await round_progress(session, round_)
    lines = [
        md.ROUND_SCREEN.format(
            title=h(event.title),
            status=md.ROUND_STATUS[round_.status.value],
            deadline=fmt_local(event.deadline_at, settings.tz),
            schools=len(schools),
        )
    ]
    if notice:
        lines = [notice, "", *lines]
    rows: list[list[InlineKeyboardButton]] = []
    for index, progress in enumerate(PROGRESS_ORDER):
        count = sum(1 for s in schools if s.progress is progress)
        rows.append(
            [
                button(
                    md.BTN_PROGRESS.format(name=md.PROGRESS_NAMES[progress.value], count=count),
                    _rcb(MonAction.SCHOOLS, round_.id, value=index),
                )
            ]
        )
    # two to a row: four would be cut short on a phone
    rows.append(
        [
            button(
                md.BTN_DOC_XLSX, MonDocCb(action=MonDocAction.SUMMARY_XLSX, round_id=round_.id)
            ),
            button(md.BTN_DOC_CSV, MonDocCb(action=MonDocAction.SUMMARY_CSV, round_id=round_.id)),
        ]
    )
    rows.append(
        [
            button(md.BTN_DOC_CHARTS, MonDocCb(action=MonDocAction.CHARTS, round_id=round_.id)),
            button(md.BTN_DOC_NOTE, MonDocCb(action=MonDocAction.NOTE, round_id=round_.id)),
        ]
    )
    if round_.status is RoundStatus.OPEN:
        rows.append([button(md.BTN_CLOSE, _rcb(MonAction.CLOSE, round_.id))])
    else:  # an open round is the top screen; a closed one was picked from the list
        rows.append([button(t.BTN_BACK, _rcb(MonAction.HOME))])
    await screen(target, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def round_open(
    query: CallbackQuery,
    session: AsyncSession,
    mround: MonitoringRound,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await round_screen(query, session, mround, settings)


async def schools_page(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    state: FSMContext,
) -> None:
    await state.clear()
    progress = PROGRESS_ORDER[min(callback_data.value, len(PROGRESS_ORDER) - 1)]
    chosen = [s for s in await round_progress(session, mround) if s.progress is progress]
    page = clamp_page(callback_data.page, len(chosen))
    shown = chosen[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    name = md.PROGRESS_NAMES[progress.value]
    lines = [md.SCHOOLS_HEADER.format(name=name, count=md.schools_count(len(chosen)))]
    rows: list[list[InlineKeyboardButton]] = []
    if not chosen:
        lines.append(md.SCHOOLS_NONE)
    for school in shown:
        if school.response_id is None or progress is Progress.NOT_STARTED:
            lines.append(f"• {hq(school.name)}")
        else:
            rows.append(
                [
                    button(
                        shorten(school.name, 50),
                        MonCb(
                            action=MonAction.CARD,
                            response_id=school.response_id,
                            value=callback_data.value,
                            page=page,
                        ),
                    )
                ]
            )
    pager = pager_row(
        page,
        len(chosen),
        lambda p: _rcb(MonAction.SCHOOLS, mround.id, value=callback_data.value, page=p),
    )
    if pager:
        rows.append(pager)
    rows.append([button(md.BTN_TO_ROUND, _rcb(MonAction.ROUND, mround.id))])
    await screen(query, bounded(lines), InlineKeyboardMarkup(inline_keyboard=rows))


async def card_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    *,
    notice: str = "",
    alert: str | None = None,
    back_value: int | None = None,
    back_page: int = 0,
    reviewed: bool = False,
) -> None:
    """A school's answers. Right after a review, «Назад» leads to the responses still waiting
    and «▶️ Следующая анкета» opens the next of them."""
    questionnaire = questionnaire_of(round_)
    answers = answers_of(round_, response)
    school = await session.get(School, response.school_id)
    assert school is not None
    progress = progress_of(response)
    lines = [
        md.CARD_HEADER.format(school=hq(school.short_name), status=md.STATUS_NAMES[progress.value])
    ]
    if notice:
        lines = [notice, "", *lines]
    if response.status is ResponseStatus.RETURNED and response.review_comment:
        lines.append(md.CARD_COMMENT.format(comment=h(response.review_comment)))
    failures = cross_check(questionnaire, answers)
    if failures:
        lines += ["", md.CHECKS_FAILED, *failure_lines(failures)]
    changes = tuple(
        year_changes(questionnaire, answers, await last_year(session, round_, school.id))
    )
    if changes:
        lines += ["", md.CARD_CHANGES, *change_lines(questionnaire, changes)]
    lines += summary_lines(questionnaire, answers)
    rows: list[list[InlineKeyboardButton]] = []
    if response.status is ResponseStatus.SUBMITTED:
        rows.append(
            [button(md.BTN_ACCEPT, MonCb(action=MonAction.ACCEPT_ASK, response_id=response.id))]
        )
        rows.append(
            [button(md.BTN_RETURN, MonCb(action=MonAction.RETURN, response_id=response.id))]
        )
    waiting = PROGRESS_ORDER.index(Progress.SUBMITTED)
    if reviewed:
        following = await session.scalar(
            select(MonitoringResponse.id)
            .where(
                MonitoringResponse.round_id == round_.id,
                MonitoringResponse.status == ResponseStatus.SUBMITTED,
            )
            .order_by(MonitoringResponse.submitted_at, MonitoringResponse.id)
        )
        if following is not None:
            rows.append(
                [
                    button(
                        md.BTN_NEXT_RESPONSE,
                        MonCb(action=MonAction.CARD, response_id=following, value=waiting),
                    )
                ]
            )
        back_value = waiting
    value = PROGRESS_ORDER.index(progress) if back_value is None else back_value
    rows.append(
        [button(t.BTN_BACK, _rcb(MonAction.SCHOOLS, round_.id, value=value, page=back_page))]
    )
    await screen(target, bounded(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def card(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    await state.clear()
    # a card is opened from a list of a state (never «not started»: such a school has no
    # answers); value 0 comes from a button that names no list: back by the card's own state
    value = min(callback_data.value, len(PROGRESS_ORDER) - 1)
    await card_screen(
        query,
        session,
        mround,
        response,
        back_value=value or None,
        back_page=callback_data.page,
    )


# ---- accept, return ---------------------------------------------------------------------------


async def _notify(
    session: AsyncSession, clock: Clock, round_: MonitoringRound, response: MonitoringResponse
) -> None:
    event = await _event(session, round_)
    title = hq(event.title)
    markup = None
    if response.status is ResponseStatus.ACCEPTED:
        text = md.NOTICE_ACCEPTED.format(title=title)
    else:
        questionnaire = questionnaire_of(round_)
        parts = [md.NOTICE_RETURNED.format(title=title)]
        if response.review_comment:
            parts.append(md.RETURN_COMMENT.format(comment=h(response.review_comment)))
        labels = [
            questionnaire.question(c).label for c in response.return_codes if c in questionnaire
        ]
        if labels:
            parts.append(md.NOTICE_FIX.format(labels=h(", ".join(labels))))
        text = "\n".join(parts)
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [button(md.BTN_FIX_NOW, MonCb(action=MonAction.RESPONSE, response_id=response.id))]
            ]
        )
    stamp = int(response.reviewed_at.timestamp()) if response.reviewed_at else 0
    await deliver(
        session,
        clock,
        f"mon-review:{response.id}:{response.status.value}:{stamp}",
        await school_librarian_ids(session, response.school_id),
        text,
        markup,
        purpose="review",
    )


async def accept_ask(
    query: CallbackQuery, session: AsyncSession, response: MonitoringResponse
) -> None:
    """Accepting is final (the school is thanked and can no longer change it): ask first."""
    if response.status is not ResponseStatus.SUBMITTED:
        raise Refused(error_text(ValidationError("response_not_submitted")))
    school = await session.get(School, response.school_id)
    assert school is not None
    await screen(
        query,
        md.ACCEPT_ASK.format(school=hq(school.short_name)),
        yes_no(
            MonCb(action=MonAction.ACCEPT, response_id=response.id),
            MonCb(action=MonAction.CARD, response_id=response.id),
        ),
    )


async def accept(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    try:
        await review(session, response, user, clock(), accept=True)
    except ValidationError as exc:
        await card_screen(query, session, mround, response, alert=error_text(exc))
        return
    await _notify(session, clock, mround, response)
    school = await session.get(School, response.school_id)
    assert school is not None
    notice = md.ACCEPTED_DONE.format(school=hq(school.short_name))
    await card_screen(query, session, mround, response, notice=notice, reviewed=True)


async def return_pick_screen(
    query: CallbackQuery,
    mround: MonitoringRound,
    response: MonitoringResponse,
    codes: list[str],
    page: int,
) -> None:
    questionnaire = questionnaire_of(mround)
    asked = applicable(questionnaire, answers_of(mround, response))
    page = clamp_page(page, len(asked))
    rows = []
    first = page * PAGE_SIZE
    for number, question in enumerate(asked[first : first + PAGE_SIZE], start=first + 1):
        index = questionnaire.index(question.code)
        label = shorten(f"{number}. {question.label}", 50)  # as «Вопрос N из M» numbers it
        text = md.BTN_TICKED.format(text=label) if question.code in codes else label
        rows.append(
            [
                button(
                    text,
                    MonCb(
                        action=MonAction.RETURN_PICK,
                        response_id=response.id,
                        value=index,
                        page=page,
                    ),
                )
            ]
        )
    pager = pager_row(
        page,
        len(asked),
        lambda p: MonCb(action=MonAction.RETURN, response_id=response.id, page=p),
    )
    if pager:
        rows.append(pager)
    rows.append(
        [
            button(t.BTN_BACK, MonCb(action=MonAction.CARD, response_id=response.id)),
            button(md.BTN_NEXT, MonCb(action=MonAction.RETURN_NEXT, response_id=response.id)),
        ]
    )
    await screen(
        query, md.RETURN_PICK.format(picked=len(codes)), InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def return_start(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    if response.status is not ResponseStatus.SUBMITTED:
        await state.clear()
        alert = error_text(ValidationError("response_not_submitted"))
        await card_screen(query, session, mround, response, alert=alert)
        return
    data = await state.get_data()
    same = await state.get_state() in (MonReturnForm.pick.state, MonReturnForm.comment.state)
    codes = (
        [str(c) for c in data.get("codes", [])]
        if same and data.get("response_id") == response.id
        else []
    )
    await state.set_state(MonReturnForm.pick)
    await state.set_data({"response_id": response.id, "codes": codes})
    await return_pick_screen(query, mround, response, codes, callback_data.page)


async def return_pick(
    query: CallbackQuery,
    callback_data: MonCb,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if data.get("response_id") != response.id:
        await form_gone(query)
        return
    questionnaire = questionnaire_of(mround)
    asked = applicable(questionnaire, answers_of(mround, response))
    if callback_data.value >= len(questionnaire.questions):
        await query.answer(md.UNKNOWN_QUESTION, show_alert=True)
        return
    question = questionnaire.questions[callback_data.value]
    if question not in asked:
        await query.answer(md.UNKNOWN_QUESTION, show_alert=True)
        return
    codes = [str(c) for c in data.get("codes", [])]
    codes = (
        [c for c in codes if c != question.code]
        if question.code in codes
        else [*codes, question.code]
    )
    await state.update_data(codes=codes)
    await return_pick_screen(query, mround, response, codes, callback_data.page)


async def return_next(
    query: CallbackQuery,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if data.get("response_id") != response.id:
        await form_gone(query)
        return
    await state.set_state(MonReturnForm.comment)
    rows = []
    if data.get("codes"):
        rows.append(
            [
                button(
                    md.BTN_NO_COMMENT, MonCb(action=MonAction.RETURN_SEND, response_id=response.id)
                )
            ]
        )
    rows.append([button(t.BTN_BACK, MonCb(action=MonAction.RETURN, response_id=response.id))])
    await screen(query, md.ASK_RETURN_COMMENT, InlineKeyboardMarkup(inline_keyboard=rows))


async def _return(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
    clock: Clock,
    comment: str,
) -> None:
    data = await state.get_data()
    codes = tuple(str(c) for c in data.get("codes", []))
    try:
        await review(session, response, user, clock(), accept=False, comment=comment, codes=codes)
    except ValidationError as exc:
        if exc.code == "return_needs_questions":
            await screen(target, md.ASK_RETURN_COMMENT, cancel_keyboard(), error_text(exc))
            return
        await state.clear()
        await card_screen(target, session, mround, response, alert=error_text(exc))
        return
    await state.clear()
    await _notify(session, clock, mround, response)
    school = await session.get(School, response.school_id)
    assert school is not None
    notice = md.RETURNED_DONE.format(school=hq(school.short_name))
    await card_screen(target, session, mround, response, notice=notice, reviewed=True)


async def return_comment(
    message: Message,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
    clock: Clock,
) -> None:
    comment = (message.text or "").strip()
    if len(comment) > COMMENT_MAX:
        await message.answer(md.COMMENT_TOO_LONG.format(max=COMMENT_MAX))
        return
    await _return(message, session, user, mround, response, state, clock, comment)


async def return_send(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if data.get("response_id") != response.id:
        await form_gone(query)
        return
    await _return(query, session, user, mround, response, state, clock, "")


# ---- closing ----------------------------------------------------------------------------------


async def close_ask(query: CallbackQuery, session: AsyncSession, mround: MonitoringRound) -> None:
    event = await _event(session, mround)
    await screen(
        query,
        md.CONFIRM_CLOSE.format(title=h(event.title)),
        yes_no(_rcb(MonAction.CLOSE_OK, mround.id), _rcb(MonAction.ROUND, mround.id)),
    )


async def close_ok(
    query: CallbackQuery,
    session: AsyncSession,
    mround: MonitoringRound,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    if mround.status is RoundStatus.OPEN:
        await close_round(session, mround, clock)
    await round_screen(query, session, mround, settings, notice=md.CLOSED)


Handler = Callable[..., Awaitable[None]]


def get_router() -> Router:
    router = Router(name="monitoring-manage")
    router.message.filter(HasRole(*STAFF))
    router.callback_query.filter(HasRole(*STAFF))
    cb = MonCb.filter
    not_command = ~F.text.startswith("/")
    router.message.register(monitoring_command, Command("monitoring"), InDistrict())
    router.callback_query.register(home, cb(F.action == MonAction.HOME), InDistrict())
    router.callback_query.register(new_ask, cb(F.action == MonAction.NEW), InDistrict())
    router.message.register(new_deadline, StateFilter(MonOpenForm.deadline), F.text, not_command)
    router.callback_query.register(
        new_ok, cb(F.action == MonAction.NEW_OK), StateFilter(MonOpenForm.confirm), InDistrict()
    )
    router.callback_query.register(form_gone, cb(F.action == MonAction.NEW_OK))
    by_round: tuple[tuple[MonAction, Handler], ...] = (
        (MonAction.ROUND, round_open),
        (MonAction.SCHOOLS, schools_page),
        (MonAction.CLOSE, close_ask),
        (MonAction.CLOSE_OK, close_ok),
    )
    for action, handler in by_round:
        router.callback_query.register(handler, cb(F.action == action), DistrictRound())
    by_response: tuple[tuple[MonAction, Handler], ...] = (
        (MonAction.CARD, card),
        (MonAction.ACCEPT_ASK, accept_ask),
        (MonAction.ACCEPT, accept),
        (MonAction.RETURN, return_start),
    )
    for action, handler in by_response:
        router.callback_query.register(handler, cb(F.action == action), DistrictResponse())
    in_form: tuple[tuple[MonAction, Handler, State], ...] = (
        (MonAction.RETURN_PICK, return_pick, MonReturnForm.pick),
        (MonAction.RETURN_NEXT, return_next, MonReturnForm.pick),
        (MonAction.RETURN_SEND, return_send, MonReturnForm.comment),
    )
    for action, handler, form_state in in_form:
        router.callback_query.register(
            handler, cb(F.action == action), StateFilter(form_state), DistrictResponse()
        )
        router.callback_query.register(form_gone, cb(F.action == action), DistrictResponse())
    router.message.register(
        return_comment,
        StateFilter(MonReturnForm.comment),
        F.text,
        not_command,
        DistrictResponse(in_form=True),
    )
    return router
