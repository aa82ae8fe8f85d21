"""Coordinator: the new-event form (road-map item, kind, title, dates, deadline, save)."""

from __future__ import annotations

from datetime import date, datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import EventAction, EventCb, NewEventCb, NewEventStep, parse_id
from bot.toolkit.filters import InDistrict
from bot.toolkit.keyboards import button, cancel_keyboard, column
from bot.toolkit.screens import error_text, h, show
from handlers.events._screens import event_card
from models import EventKind
from services.catalogue import get_activity
from services.clock import Clock
from services.errors import ValidationError
from services.events import EventInput, create_event, get_event_for, parse_deadline, parse_period
from services.timeutil import fmt_date


class EventForm(StatesGroup):
    """Every step is a state, so a button of an older step does not act on a later one."""

    activity = State()
    kind = State()
    title = State()
    dates = State()
    deadline = State()
    save = State()


async def new_event_start(update: Message | CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(EventForm.activity)
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for number in range(1, 20):
        row.append(button(str(number), NewEventCb(step=NewEventStep.ACTIVITY, value=str(number))))
        if len(row) == 5:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    rows.append([button(ev.BTN_NO_ACTIVITY, NewEventCb(step=NewEventStep.ACTIVITY, value="0"))])
    rows.append([button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    await show(update, ev.ASK_EVENT_ACTIVITY, markup)


async def new_event_activity(
    query: CallbackQuery, callback_data: NewEventCb, session: AsyncSession, state: FSMContext
) -> None:
    number = 0 if callback_data.value == "0" else parse_id(callback_data.value) or -1
    if number and (number < 0 or await get_activity(session, number) is None):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.set_data({"activity": number or None})
    await state.set_state(EventForm.kind)
    kinds = [
        button(name, NewEventCb(step=NewEventStep.KIND, value=kind))
        for kind, name in ev.KIND_NAMES.items()
    ]
    markup = column([*kinds, button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
    await show(query, ev.ASK_EVENT_KIND, markup)


async def new_event_kind(
    query: CallbackQuery, callback_data: NewEventCb, state: FSMContext
) -> None:
    try:
        kind = EventKind(callback_data.value)
    except ValueError:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.update_data(kind=kind.value)
    await state.set_state(EventForm.title)
    await show(query, ev.ASK_EVENT_TITLE, cancel_keyboard())


async def new_event_title(message: Message, state: FSMContext) -> None:
    title = (message.text or "").strip()
    if not title or len(title) > 255:
        code = "event_title_empty" if not title else "too_long"
        exc = ValidationError(code, max=255, length=len(title))
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(title=title)
    await state.set_state(EventForm.dates)
    await message.answer(ev.ASK_EVENT_DATES, reply_markup=cancel_keyboard())


async def new_event_dates(message: Message, state: FSMContext) -> None:
    try:
        starts, ends = parse_period(message.text or "")
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(starts=starts.isoformat(), ends=ends.isoformat())
    await state.set_state(EventForm.deadline)
    await message.answer(ev.ASK_EVENT_DEADLINE, reply_markup=cancel_keyboard())


async def new_event_deadline(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        deadline = parse_deadline(message.text or "")
        if deadline.date() < date.fromisoformat(data["starts"]):
            raise ValidationError("event_deadline_before_start")
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(EventForm.save)
    text = ev.EVENT_SUMMARY.format(
        title=h(data["title"]),
        kind=ev.KIND_NAMES[data["kind"]],
        activity=f"№ {data['activity']}" if data.get("activity") else ev.NO_ACTIVITY,
        starts=fmt_date(date.fromisoformat(data["starts"])),
        ends=fmt_date(date.fromisoformat(data["ends"])),
        deadline=deadline.strftime("%d.%m.%Y %H:%M"),
    )
    markup = column(
        [
            button(ev.BTN_SAVE, NewEventCb(step=NewEventStep.SAVE)),
            button(t.BTN_CANCEL, EventCb(action=EventAction.LIST)),
        ]
    )
    await message.answer(text, reply_markup=markup)


async def new_event_save(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if "deadline" not in data:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    payload = EventInput(
        title=data["title"],
        kind=EventKind(data["kind"]),
        starts_on=date.fromisoformat(data["starts"]),
        ends_on=date.fromisoformat(data["ends"]),
        deadline_local=datetime.fromisoformat(data["deadline"]),
        activity_number=data.get("activity"),
    )
    try:
        event = await create_event(session, district_id, payload, settings.tz, clock)
    except ValidationError as exc:
        await query.answer(error_text(exc), show_alert=True)
        return
    await state.clear()
    if query.message is not None:
        await query.message.answer(ev.EVENT_CREATED)
    fresh = await get_event_for(session, event.id, district_id)
    await event_card(query, session, fresh, settings)


def get_router() -> Router:
    router = Router(name="events.form")
    not_command = ~F.text.startswith("/")
    step = NewEventCb.filter
    router.message.register(new_event_start, Command("newevent"), InDistrict())
    router.callback_query.register(
        new_event_start, EventCb.filter(F.action == EventAction.NEW), InDistrict()
    )
    router.callback_query.register(
        new_event_activity, StateFilter(EventForm.activity), step(F.step == NewEventStep.ACTIVITY)
    )
    router.callback_query.register(
        new_event_kind, StateFilter(EventForm.kind), step(F.step == NewEventStep.KIND)
    )
    router.callback_query.register(
        new_event_save,
        StateFilter(EventForm.save),
        step(F.step == NewEventStep.SAVE),
        InDistrict(),
    )
    router.message.register(new_event_title, StateFilter(EventForm.title), F.text, not_command)
    router.message.register(new_event_dates, StateFilter(EventForm.dates), F.text, not_command)
    router.message.register(
        new_event_deadline, StateFilter(EventForm.deadline), F.text, not_command
    )
    return router
