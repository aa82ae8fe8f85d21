"""Coordinator: the new-event form (road-map item, occasion, kind, title, dates, deadline or a
seminar's place, save or save and open)."""

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
from bot.toolkit.callbacks import EventAction, EventCb, NewEventCb, NewEventStep
from bot.toolkit.filters import InDistrict
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.toolkit.screens import error_text, h, show
from handlers.events._screens import confirm_status_markup, event_card, open_question
from models import EventKind, EventStatus
from services.catalogue import active_activities, get_activity
from services.clock import Clock
from services.errors import ValidationError
from services.events import (
    EventInput,
    check_event_input,
    check_not_past,
    create_event,
    get_event_for,
    parse_deadline,
    parse_period,
    parse_seminar_days,
    seminar_deadline,
)
from services.timeutil import fmt_date

# the roadmap occasions whose reminders depend on the event's code (services.reminders)
OCCASION_CODES = {"library-month": "library-month", "library-day": "library-day"}


class EventForm(StatesGroup):
    """Every step is a state, so a button of an older step does not act on a later one."""

    activity = State()
    occasion = State()
    kind = State()
    title = State()
    dates = State()
    deadline = State()
    place = State()
    save = State()


def _number(value: str) -> int | None:
    """A small non-negative number from callback data, or None (forged or stale data)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


async def new_event_start(
    update: Message | CallbackQuery, session: AsyncSession, state: FSMContext
) -> None:
    await state.clear()
    await state.set_state(EventForm.activity)
    await _activities_screen(update, session, 0)


async def _activities_screen(
    update: Message | CallbackQuery, session: AsyncSession, page: int
) -> None:
    """The roadmap activities by title, a page at a time."""
    activities = await active_activities(session)
    page = clamp_page(page, len(activities))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ev.ACTIVITY_BUTTON.format(number=a.number, title=shorten(a.title, 48)),
                NewEventCb(step=NewEventStep.ACTIVITY, value=str(a.number)),
            )
        ]
        for a in activities[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(
        page,
        len(activities),
        lambda p: NewEventCb(step=NewEventStep.ACTIVITY_PAGE, value=str(p)),
    )
    if pager:
        rows.append(pager)
    rows.append([button(ev.BTN_NO_ACTIVITY, NewEventCb(step=NewEventStep.ACTIVITY, value="0"))])
    rows.append([button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
    await show(update, ev.ASK_EVENT_ACTIVITY, InlineKeyboardMarkup(inline_keyboard=rows))


async def new_event_activity_page(
    query: CallbackQuery, callback_data: NewEventCb, session: AsyncSession
) -> None:
    page = _number(callback_data.value)
    if page is None:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await _activities_screen(query, session, page)


async def new_event_activity(
    query: CallbackQuery, callback_data: NewEventCb, session: AsyncSession, state: FSMContext
) -> None:
    number = _number(callback_data.value)
    if number is None or (number and await get_activity(session, number) is None):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.set_data({"activity": number or None})
    await state.set_state(EventForm.occasion)
    occasions = [
        button(name, NewEventCb(step=NewEventStep.OCCASION, value=occasion))
        for occasion, name in ev.OCCASIONS.items()
    ]
    markup = column([*occasions, button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
    await show(query, ev.ASK_OCCASION, markup)


async def new_event_occasion(
    query: CallbackQuery, callback_data: NewEventCb, state: FSMContext
) -> None:
    occasion = callback_data.value
    if occasion not in ev.OCCASIONS:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if occasion == "none":  # a seminar is its own occasion above
        kinds = [
            button(name, NewEventCb(step=NewEventStep.KIND, value=kind))
            for kind, name in ev.KIND_NAMES.items()
            if kind != EventKind.SEMINAR
        ]
        markup = column([*kinds, button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
        await state.update_data(code=None)
        await state.set_state(EventForm.kind)
        await show(query, ev.ASK_EVENT_KIND, markup)
        return
    kind = EventKind.SEMINAR if occasion == "seminar" else EventKind.ACTIVITY
    await state.update_data(code=OCCASION_CODES.get(occasion))
    await _ask_title(query, state, kind)


async def new_event_kind(
    query: CallbackQuery, callback_data: NewEventCb, state: FSMContext
) -> None:
    try:
        kind = EventKind(callback_data.value)
    except ValueError:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await _ask_title(query, state, kind)


async def _ask_title(query: CallbackQuery, state: FSMContext, kind: EventKind) -> None:
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
    data = await state.update_data(title=title)
    await state.set_state(EventForm.dates)
    seminar = data.get("kind") == EventKind.SEMINAR.value
    question = ev.ASK_SEMINAR_DATE if seminar else ev.ASK_EVENT_DATES
    await message.answer(question, reply_markup=cancel_keyboard())


async def new_event_dates(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    seminar = data.get("kind") == EventKind.SEMINAR.value
    try:
        text = message.text or ""
        starts, ends = parse_seminar_days(text) if seminar else parse_period(text)
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(starts=starts.isoformat(), ends=ends.isoformat())
    if seminar:  # a seminar has a date and a place, not a deadline
        await state.set_state(EventForm.place)
        await message.answer(ev.ASK_SEMINAR_PLACE, reply_markup=cancel_keyboard())
        return
    await state.set_state(EventForm.deadline)
    await message.answer(ev.ASK_EVENT_DEADLINE, reply_markup=cancel_keyboard())


async def new_event_place(
    message: Message, state: FSMContext, settings: Settings, clock: Clock
) -> None:
    data = await state.get_data()
    if "ends" not in data:
        await message.answer(t.STALE_BUTTON)
        return
    place = (message.text or "").strip()
    place = "" if place in ("-", "—") else place
    ends = date.fromisoformat(data["ends"])
    try:
        _check(data, place=place, deadline=seminar_deadline(ends))
        check_not_past(seminar_deadline(ends), _local_now(settings, clock))
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(place=place, deadline=seminar_deadline(ends).isoformat())
    await state.set_state(EventForm.save)
    starts = date.fromisoformat(data["starts"])
    day = fmt_date(starts) if starts == ends else f"{fmt_date(starts)} — {fmt_date(ends)}"
    text = ev.SEMINAR_SUMMARY.format(
        title=h(data["title"]),
        activity=f"№ {data['activity']}" if data.get("activity") else ev.NO_ACTIVITY,
        date=day,
        place=h(place) if place else ev.NO_PLACE,
    )
    await message.answer(text, reply_markup=_save_keyboard())


def _local_now(settings: Settings, clock: Clock) -> datetime:
    return clock().astimezone(settings.tz).replace(tzinfo=None)


def _check(data: dict[str, object], **extra: object) -> EventInput:
    """The form's answers as an event input, checked as the service will (ValidationError)."""
    values = {**data, **extra}
    deadline = values["deadline"]
    payload = EventInput(
        title=str(values["title"]),
        kind=EventKind(str(values["kind"])),
        starts_on=date.fromisoformat(str(values["starts"])),
        ends_on=date.fromisoformat(str(values["ends"])),
        deadline_local=(
            deadline if isinstance(deadline, datetime) else datetime.fromisoformat(str(deadline))
        ),
        activity_number=values.get("activity"),  # type: ignore[arg-type]
        code=values.get("code"),  # type: ignore[arg-type]
        place=str(values.get("place") or ""),
    )
    return check_event_input(payload)


def _save_keyboard() -> InlineKeyboardMarkup:
    return column(
        [
            button(ev.BTN_SAVE, NewEventCb(step=NewEventStep.SAVE)),
            button(ev.BTN_SAVE_OPEN, NewEventCb(step=NewEventStep.SAVE_OPEN)),
            button(t.BTN_CANCEL, EventCb(action=EventAction.LIST)),
        ]
    )


async def new_event_deadline(
    message: Message, state: FSMContext, settings: Settings, clock: Clock
) -> None:
    data = await state.get_data()
    if "starts" not in data:
        await message.answer(t.STALE_BUTTON)
        return
    try:
        deadline = parse_deadline(message.text or "")
        if deadline.date() < date.fromisoformat(data["starts"]):
            raise ValidationError("event_deadline_before_start")
        check_not_past(deadline, _local_now(settings, clock))
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(EventForm.save)
    occasion = ev.OCCASION_NAMES.get(data.get("code") or "")
    text = ev.EVENT_SUMMARY.format(
        title=h(data["title"]),
        kind=ev.KIND_NAMES[data["kind"]],
        occasion=ev.SUMMARY_OCCASION.format(name=occasion) if occasion else "",
        activity=f"№ {data['activity']}" if data.get("activity") else ev.NO_ACTIVITY,
        starts=fmt_date(date.fromisoformat(data["starts"])),
        ends=fmt_date(date.fromisoformat(data["ends"])),
        deadline=deadline.strftime("%d.%m.%Y %H:%M"),
    )
    await message.answer(text, reply_markup=_save_keyboard())


async def new_event_save(
    query: CallbackQuery,
    callback_data: NewEventCb,
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
    try:
        event = await create_event(session, district_id, _check(data), settings.tz, clock)
    except (KeyError, ValueError):  # the answers of an older, unfinished form
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    except ValidationError as exc:
        await query.answer(error_text(exc), show_alert=True)
        return
    await state.clear()
    fresh = await get_event_for(session, event.id, district_id)
    if callback_data.step is NewEventStep.SAVE_OPEN:
        # one step less, but opening stays deliberate: the same question as «Открыть для школ»
        text = await open_question(session, fresh, settings, clock)
        markup = confirm_status_markup(fresh.id, EventStatus.OPEN, ev.BTN_NOT_NOW)
        await show(query, ev.EVENT_CREATED + "\n\n" + text, markup)
        return
    if query.message is not None:
        await query.message.answer(ev.EVENT_CREATED)
    await event_card(query, session, fresh, settings)


def get_router() -> Router:
    router = Router(name="events.form")
    not_command = ~F.text.startswith("/")
    step = NewEventCb.filter
    router.message.register(new_event_start, Command("newevent"), InDistrict())
    router.callback_query.register(
        new_event_start, EventCb.filter(F.action == EventAction.NEW), InDistrict()
    )
    activity = StateFilter(EventForm.activity)
    router.callback_query.register(
        new_event_activity, activity, step(F.step == NewEventStep.ACTIVITY)
    )
    router.callback_query.register(
        new_event_activity_page, activity, step(F.step == NewEventStep.ACTIVITY_PAGE)
    )
    router.callback_query.register(
        new_event_occasion, StateFilter(EventForm.occasion), step(F.step == NewEventStep.OCCASION)
    )
    router.callback_query.register(
        new_event_kind, StateFilter(EventForm.kind), step(F.step == NewEventStep.KIND)
    )
    router.callback_query.register(
        new_event_save,
        StateFilter(EventForm.save),
        step(F.step.in_({NewEventStep.SAVE, NewEventStep.SAVE_OPEN})),
        InDistrict(),
    )
    router.message.register(new_event_title, StateFilter(EventForm.title), F.text, not_command)
    router.message.register(new_event_dates, StateFilter(EventForm.dates), F.text, not_command)
    router.message.register(
        new_event_deadline, StateFilter(EventForm.deadline), F.text, not_command
    )
    router.message.register(new_event_place, StateFilter(EventForm.place), F.text, not_command)
    return router
