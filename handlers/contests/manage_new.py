"""Coordinator: a new contest — a template of data/contests.toml or «С нуля» (title, prefix,
nominations, criteria), then the entry window; made as a draft."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app_paths import data_file
from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import manage as tm
from bot.toolkit.contest_callbacks import ContestAction, ContestCb
from bot.toolkit.filters import InDistrict
from bot.toolkit.keyboards import button, cancel_keyboard, column, shorten
from bot.toolkit.screens import clip, h, show
from handlers.contests.manage_common import CONTESTS_FILE, contest_card, local_now, refusal
from models import User
from models.limits import CONTEST_PREFIX_MAX
from services.clock import Clock
from services.contests.manage import (
    CRITERIA_MAX,
    NOMINATIONS_MAX,
    parse_criteria,
    parse_nominations,
    parse_prefix,
    parse_title,
    scratch_template,
)
from services.contests.setup import create_contest
from services.contests.templates import ContestTemplate, TemplateFileError, read_templates
from services.errors import ValidationError
from services.events import check_not_past, parse_deadline
from services.timeutil import fmt_date

START_MAY_BE_PAST = timedelta(days=31)

logger = logging.getLogger(__name__)


class NewContest(StatesGroup):
    """Every step is a state, so a button of an older step does not act on a later one."""

    template = State()
    title = State()
    prefix = State()
    nominations = State()
    criteria = State()
    starts = State()
    deadline = State()
    save = State()


def _templates() -> list[ContestTemplate]:
    """The templates in the file's order; none if the file cannot be read (logged)."""
    try:
        return list(read_templates(data_file(CONTESTS_FILE)).values())
    except TemplateFileError as exc:
        logger.error("contest templates not read: %s", exc)
        return []


def _cancel_to_list() -> InlineKeyboardMarkup:
    return column([button(t.BTN_CANCEL, ContestCb(action=ContestAction.LIST))])


async def new_start(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(NewContest.template)
    templates = _templates()
    rows = [
        button(shorten(x.title, 56), ContestCb(action=ContestAction.TEMPLATE, arg=i))
        for i, x in enumerate(templates, 1)
    ]
    rows.append(button(tm.BTN_SCRATCH, ContestCb(action=ContestAction.SCRATCH)))
    rows.append(button(t.BTN_CANCEL, ContestCb(action=ContestAction.LIST)))
    text = tm.ASK_TEMPLATE if templates else tm.ASK_TEMPLATE + "\n\n" + tm.TEMPLATES_BROKEN
    await show(query, text, column(rows))


async def new_template(query: CallbackQuery, callback_data: ContestCb, state: FSMContext) -> None:
    templates = _templates()
    if not 1 <= callback_data.arg <= len(templates):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    chosen = templates[callback_data.arg - 1]
    await state.set_data({"template": chosen.key, "title": chosen.title})
    await state.set_state(NewContest.starts)
    await show(query, tm.ASK_STARTS.format(title=h(chosen.title)), cancel_keyboard())


async def new_scratch(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_data({"template": ""})
    await state.set_state(NewContest.title)
    await show(query, tm.ASK_TITLE, cancel_keyboard())


async def _again(message: Message, exc: ValidationError) -> None:
    await message.answer(refusal(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())


async def new_title(message: Message, state: FSMContext) -> None:
    try:
        title = parse_title(message.text or "")
    except ValidationError as exc:
        await _again(message, exc)
        return
    await state.update_data(title=title)
    await state.set_state(NewContest.prefix)
    await message.answer(
        tm.ASK_PREFIX.format(max=CONTEST_PREFIX_MAX), reply_markup=cancel_keyboard()
    )


async def new_prefix(message: Message, state: FSMContext) -> None:
    try:
        prefix = parse_prefix(message.text or "")
    except ValidationError as exc:
        await _again(message, exc)
        return
    await state.update_data(prefix=prefix)
    await state.set_state(NewContest.nominations)
    await message.answer(tm.ASK_NOMINATIONS, reply_markup=cancel_keyboard())


async def new_nominations(message: Message, state: FSMContext) -> None:
    try:
        nominations = parse_nominations(message.text or "")
    except ValidationError as exc:
        await _again(message, exc)
        return
    await state.update_data(nominations=list(nominations))
    await state.set_state(NewContest.criteria)
    await message.answer(tm.ASK_CRITERIA, reply_markup=cancel_keyboard())


async def new_criteria(message: Message, state: FSMContext) -> None:
    try:
        criteria = parse_criteria(message.text or "")
    except ValidationError as exc:
        await _again(message, exc)
        return
    data = await state.update_data(criteria=[[title, score] for title, score in criteria])
    await state.set_state(NewContest.starts)
    await message.answer(
        tm.ASK_STARTS.format(title=h(data.get("title", ""))), reply_markup=cancel_keyboard()
    )


async def new_starts(
    message: Message, state: FSMContext, settings: Settings, clock: Clock
) -> None:
    try:
        try:
            starts = parse_deadline(message.text or "").date()
        except ValidationError as exc:
            if exc.code == "bad_deadline":
                raise ValidationError("bad_start_date") from exc
            raise
        # a window may have begun a little before the contest is entered here, not a year
        earliest = local_now(settings, clock).date() - START_MAY_BE_PAST
        if starts < earliest:
            raise ValidationError("start_too_early", earliest=earliest)
    except ValidationError as exc:
        await _again(message, exc)
        return
    await state.update_data(starts=starts.isoformat())
    await state.set_state(NewContest.deadline)
    await message.answer(tm.ASK_DEADLINE, reply_markup=cancel_keyboard())


def _template_of(data: dict[str, object]) -> ContestTemplate:
    """The form's template, built again from its answers (KeyError/ValueError: old data)."""
    key = str(data["template"])
    if key:
        found = {x.key: x for x in _templates()}.get(key)
        if found is None:
            raise ValidationError("template_gone")
        return found
    nominations = data["nominations"]
    criteria = data["criteria"]
    if not isinstance(nominations, list) or not isinstance(criteria, list):
        raise ValueError("form data")
    return scratch_template(
        str(data["title"]),
        str(data["prefix"]),
        [str(n) for n in nominations][: NOMINATIONS_MAX + 1],
        [(str(c[0]), int(c[1])) for c in criteria][: CRITERIA_MAX + 1],
    )


async def new_deadline(
    message: Message, state: FSMContext, settings: Settings, clock: Clock
) -> None:
    data = await state.get_data()
    try:
        starts = date.fromisoformat(str(data["starts"]))
        template = _template_of(data)
    except (KeyError, ValueError, TypeError, IndexError):
        await state.clear()
        await message.answer(t.STALE_BUTTON)
        return
    except ValidationError as exc:
        await state.clear()
        await message.answer(refusal(exc))
        return
    try:
        deadline = parse_deadline(message.text or "")
        if deadline.date() < starts:
            raise ValidationError("event_deadline_before_start")
        check_not_past(deadline, local_now(settings, clock))
    except ValidationError as exc:
        await _again(message, exc)
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(NewContest.save)
    text = tm.NEW_SUMMARY.format(
        title=h(template.title),
        prefix=h(template.prefix),
        year=deadline.year,
        nominations=h(clip(", ".join(n.title for n in template.nominations), 1200)),
        criteria=h(clip(", ".join(f"{c.title} — {c.max_score}" for c in template.criteria), 1000)),
        starts=fmt_date(starts),
        deadline=deadline.strftime("%d.%m.%Y %H:%M"),
    )
    markup = column(
        [
            button(tm.BTN_CREATE, ContestCb(action=ContestAction.SAVE)),
            button(t.BTN_CANCEL, ContestCb(action=ContestAction.LIST)),
        ]
    )
    await message.answer(text, reply_markup=markup)


async def new_save(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    user: User,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    try:
        template = _template_of(data)
        starts = date.fromisoformat(str(data["starts"]))
        deadline = datetime.fromisoformat(str(data["deadline"]))
    except (KeyError, ValueError, TypeError, IndexError):
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    try:
        contest = await create_contest(
            session,
            district_id,
            template,
            starts_on=starts,
            deadline_local=deadline,
            tz=settings.tz,
            user=user,
            clock=clock,
        )
    except ValidationError as exc:
        await session.rollback()
        await query.answer(refusal(exc), show_alert=True)
        return
    await state.clear()
    await contest_card(query, session, contest, settings, notice=tm.CREATED)


def get_router() -> Router:
    router = Router(name="contests_manage.new")
    cb = ContestCb.filter
    not_command = ~F.text.startswith("/")
    router.callback_query.register(new_start, cb(F.action == ContestAction.NEW), InDistrict())
    chosen = StateFilter(NewContest.template)
    router.callback_query.register(new_template, chosen, cb(F.action == ContestAction.TEMPLATE))
    router.callback_query.register(new_scratch, chosen, cb(F.action == ContestAction.SCRATCH))
    for step, handler in (
        (NewContest.title, new_title),
        (NewContest.prefix, new_prefix),
        (NewContest.nominations, new_nominations),
        (NewContest.criteria, new_criteria),
        (NewContest.starts, new_starts),
        (NewContest.deadline, new_deadline),
    ):
        router.message.register(handler, StateFilter(step), F.text, not_command)
    router.callback_query.register(
        new_save, StateFilter(NewContest.save), cb(F.action == ContestAction.SAVE), InDistrict()
    )
    return router
