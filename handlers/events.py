"""Coordinator: the district's events — list, card, life cycle, edits, calendar files."""

from __future__ import annotations

import io
import logging
from pathlib import PurePath

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app_paths import data_file
from bot.callbacks import EventAction, EventCb, NewEventCb, TaskAction, TaskCb
from bot.config import Settings
from bot.filters import HasRole
from bot.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.notify import deliver
from bot.render_import import CALENDAR_TEMPLATE_CSV, calendar_errors, default_calendar_error
from bot.screens import bounded, clip, h, require_district, show, tell
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.texts import schools as s
from handlers.tasks import error_text
from models import Event, EventKind, EventStatus, Role, User
from services.calendar_default import CalendarFileError, read_default_calendar
from services.calendar_import import parse_calendar_file
from services.catalogue import get_activity
from services.clock import Clock
from services.confirmations import event_progress, seminar_replies
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import (
    EventInput,
    audience_librarians,
    audience_school_ids,
    count_events,
    create_event,
    event_input_of,
    get_event_for,
    input_from_row,
    list_events,
    parse_deadline,
    parse_offsets,
    parse_period,
    replace_calendar,
    rollover,
    set_audience_all,
    set_offsets,
    set_status,
    toggle_audience_school,
    update_event_fields,
)
from services.reminders import unconfirmed_schools
from services.schools import count_schools, get_school_for, list_schools
from services.timeutil import fmt_date, fmt_local

logger = logging.getLogger(__name__)

DEFAULT_CALENDAR = "data/calendar_2026_27.toml"
MAX_FILE_BYTES = 2 * 1024 * 1024


class EventForm(StatesGroup):
    title = State()
    dates = State()
    deadline = State()


class EditForm(StatesGroup):
    value = State()


class CalendarForm(StatesGroup):
    file = State()


# ---- list -------------------------------------------------------------------------------------


async def _events_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    district_id: int,
    page: int,
    settings: Settings,
) -> None:
    from services.districts import get_district

    district = await get_district(session, district_id)
    total = await count_events(session, district_id)
    page = clamp_page(page, total)
    events = await list_events(session, district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ev.EVENT_BUTTON.format(
                    icon=ev.EVENT_STATUS_ICONS[e.status.value],
                    deadline=e.deadline_at.astimezone(settings.tz).strftime("%d.%m"),
                    title=shorten(e.title, 34),
                ),
                EventCb(action=EventAction.OPEN, event_id=e.id, page=page),
            )
        ]
        for e in events
    ]
    pager = pager_row(page, total, lambda p: EventCb(action=EventAction.LIST, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(ev.BTN_NEW_EVENT, EventCb(action=EventAction.NEW))])
    rows.append([button(ev.BTN_DEFAULT_CALENDAR, EventCb(action=EventAction.DEFAULT))])
    rows.append([button(ev.BTN_CALENDAR_FILE, EventCb(action=EventAction.FILE))])
    if total:
        rows.append([button(ev.BTN_ROLLOVER, EventCb(action=EventAction.ROLLOVER))])
        text = ev.EVENTS_HEADER.format(district=h(district.name), total=total)
    else:
        text = ev.EVENTS_EMPTY.format(district=h(district.name))
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def events_command(
    message: Message, session: AsyncSession, user: User | None, settings: Settings
) -> None:
    district_id = await require_district(message, user)
    if district_id is not None:
        await _events_screen(message, session, district_id, 0, settings)


async def events_page(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    district_id = await require_district(query, user)
    if district_id is not None:
        await _events_screen(query, session, district_id, callback_data.page, settings)


# ---- card -------------------------------------------------------------------------------------


async def _owned_event(
    query: CallbackQuery | Message, session: AsyncSession, user: User | None, event_id: int
) -> Event | None:
    """Callback data is untrusted: the event must belong to the user's district."""
    try:
        return await get_event_for(session, event_id, user.district_id if user else None)
    except NotFoundError:
        text = ev.UNKNOWN_EVENT
    except AccessDeniedError:
        logger.warning("user %s: event %s of another district", query.from_user, event_id)
        text = t.FORBIDDEN_BUTTON
    await tell(query, text)
    return None


async def _card(
    target: Message | CallbackQuery,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    page: int = 0,
) -> None:
    total, missing = await unconfirmed_schools(session, event)
    done = total - len(missing)
    text = ev.EVENT_CARD.format(
        title=h(event.title),
        kind=ev.KIND_NAMES[event.kind.value],
        activity=(f"№ {event.activity.number}" if event.activity else ev.NO_ACTIVITY),
        starts=fmt_date(event.starts_on),
        ends=fmt_date(event.ends_on),
        deadline=fmt_local(event.deadline_at, settings.tz),
        status=ev.EVENT_STATUS_NAMES[event.status.value],
        placeholder=ev.PLACEHOLDER if event.is_placeholder else "",
        place=ev.CARD_PLACE.format(place=h(event.place)) if event.place else "",
        link=ev.CARD_LINK.format(link=h(event.link)) if event.link else "",
        description=(
            ev.CARD_DESCRIPTION.format(description=h(event.description))
            if event.description
            else ""
        ),
        confirmed=done,
        total=total,
    )
    if event.kind is EventKind.SEMINAR:
        yes, no = await seminar_replies(session, event.id)
        text += r.RSVP_SUMMARY.format(yes=yes, no=no)
    rows: list[InlineKeyboardButton] = []
    status = event.status
    if status is EventStatus.DRAFT:
        rows.append(_status_button(ev.BTN_OPEN, event, EventStatus.OPEN, page))
    elif status is EventStatus.OPEN:
        rows.append(_status_button(ev.BTN_CLOSE, event, EventStatus.CLOSED, page))
    elif status is EventStatus.CLOSED:
        rows.append(_status_button(ev.BTN_REOPEN, event, EventStatus.OPEN, page))
    if status is not EventStatus.CANCELLED:
        rows.append(button(ev.BTN_EDIT, EventCb(action=EventAction.EDIT, event_id=event.id)))
        rows.append(_status_button(ev.BTN_CANCEL_EVENT, event, EventStatus.CANCELLED, page))
    rows.append(button(ev.BTN_PROGRESS, EventCb(action=EventAction.PROGRESS, event_id=event.id)))
    rows.append(button(ev.BTN_TO_EVENTS, EventCb(action=EventAction.LIST, page=page)))
    await show(target, text, column(rows))


def _status_button(
    text: str, event: Event, status: EventStatus, page: int
) -> InlineKeyboardButton:
    return button(
        text, EventCb(action=EventAction.STATUS, event_id=event.id, page=page, arg=status.value)
    )


async def event_open(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is not None:
        await _card(query, session, event, settings, callback_data.page)


async def status_ask(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, user: User | None
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    try:
        target = EventStatus(callback_data.arg)
    except ValueError:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if target is EventStatus.OPEN:
        count = len(await audience_librarians(session, event))
        template = ev.CONFIRM_OPEN if event.audience.value == "all" else ev.CONFIRM_OPEN_CHOSEN
        text = template.format(title=h(event.title), count=count)
    elif target is EventStatus.CLOSED:
        text = ev.CONFIRM_CLOSE.format(title=h(event.title))
    else:
        text = ev.CONFIRM_CANCEL.format(title=h(event.title))
    markup = column(
        [
            button(
                ev.BTN_YES,
                EventCb(
                    action=EventAction.STATUS_OK,
                    event_id=event.id,
                    page=callback_data.page,
                    arg=target.value,
                ),
            ),
            button(
                t.BTN_BACK,
                EventCb(action=EventAction.OPEN, event_id=event.id, page=callback_data.page),
            ),
        ]
    )
    await show(query, text, markup)


async def send_event_prompts(
    session: AsyncSession, clock: Clock, event: Event, settings: Settings
) -> int:
    """Invite every librarian of the event's audience to confirm it (through `deliver`)."""
    librarians = await audience_librarians(session, event)
    text = ev.PROMPT_OPENED.format(
        title=h(event.title),
        starts=fmt_date(event.starts_on),
        ends=fmt_date(event.ends_on),
        deadline=fmt_local(event.deadline_at, settings.tz),
    )
    markup = column(
        [
            button(ev.BTN_CONFIRM_TASK, TaskCb(action=TaskAction.CONFIRM, event_id=event.id)),
            button(ev.BTN_DETAILS, TaskCb(action=TaskAction.OPEN, event_id=event.id)),
        ]
    )
    return await deliver(
        session,
        clock,
        f"open:{event.id}",
        [(u.telegram_id, u.id) for u in librarians],
        text,
        markup,
        purpose="prompt",
        event_id=event.id,
    )


async def status_change(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    bot: Bot,
    clock: Clock,
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    try:
        target = EventStatus(callback_data.arg)
    except ValueError:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    was = event.status
    if not await set_status(session, event, target, clock):
        await query.answer(
            ev.STATUS_REFUSED.format(status=ev.EVENT_STATUS_NAMES[event.status.value]),
            show_alert=True,
        )
        return
    if target is EventStatus.OPEN and was is EventStatus.DRAFT:
        sent = await send_event_prompts(session, clock, event, settings)
        if query.message is not None:
            quiet = settings.quiet.contains(clock().astimezone(settings.tz))
            template = ev.OPENED_QUIET if quiet else ev.OPENED
            await query.message.answer(template.format(sent=sent))
    await _card(query, session, event, settings, callback_data.page)


async def progress_screen(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, user: User | None
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    progress = await event_progress(session, event)
    schools = await list_schools(session, event.district_id, 0, 1000)
    if event.audience.value != "all":
        chosen = {a.school_id for a in event.audience_schools}
        schools = [sch for sch in schools if sch.id in chosen]
    lines: list[str] = []
    done = 0
    for school in schools:
        confirmation = progress.get(school.id)
        status = (
            confirmation.status.value
            if confirmation is not None and confirmation.status.value != "withdrawn"
            else "todo"
        )
        done += status in ("submitted", "accepted")
        lines.append(
            ev.PROGRESS_LINE.format(icon=ev.TASK_STATUS_ICONS[status], school=h(school.short_name))
        )
    text = ev.PROGRESS_HEADER.format(
        title=h(clip(event.title, 200)),
        confirmed=done,
        total=len(schools),
        lines=bounded(lines) or "—",
    )
    markup = column([button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id))])
    await show(query, text, markup)


# ---- edits ------------------------------------------------------------------------------------


async def edit_menu(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, user: User | None
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    buttons = [
        button(name, EventCb(action=EventAction.EDIT_FIELD, event_id=event.id, arg=field))
        for field, name in ev.FIELD_NAMES.items()
    ]
    buttons.append(
        button(ev.BTN_AUDIENCE, EventCb(action=EventAction.AUDIENCE, event_id=event.id))
    )
    buttons.append(button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id)))
    await show(query, ev.EDIT_MENU.format(title=h(event.title)), column(buttons))


async def _audience_screen(
    query: CallbackQuery, session: AsyncSession, event: Event, page: int
) -> None:
    chosen = await audience_school_ids(session, event.id)
    total = await count_schools(session, event.district_id)
    page = clamp_page(page, total)
    schools = await list_schools(session, event.district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ev.AUDIENCE_SCHOOL.format(
                    mark="✅" if school.id in chosen else "⬜", name=shorten(school.short_name, 50)
                ),
                EventCb(
                    action=EventAction.AUDIENCE_TOGGLE,
                    event_id=event.id,
                    page=page,
                    arg=str(school.id),
                ),
            )
        ]
        for school in schools
    ]
    pager = pager_row(
        page, total, lambda p: EventCb(action=EventAction.AUDIENCE, event_id=event.id, page=p)
    )
    if pager:
        rows.append(pager)
    rows.append(
        [button(ev.BTN_AUDIENCE_ALL, EventCb(action=EventAction.AUDIENCE_ALL, event_id=event.id))]
    )
    rows.append([button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id))])
    audience = (
        ev.AUDIENCE_CHOSEN_NAME.format(count=len(chosen)) if chosen else ev.AUDIENCE_ALL_NAME
    )
    text = ev.AUDIENCE_SCREEN.format(title=h(clip(event.title, 200)), audience=audience)
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def audience_open(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, user: User | None
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is not None:
        await _audience_screen(query, session, event, callback_data.page)


async def audience_toggle(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    try:
        school = await get_school_for(
            session, int(callback_data.arg or 0), user.district_id if user else None
        )
        await toggle_audience_school(session, event, school, clock)
    except (ValueError, NotFoundError, AccessDeniedError):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if event.status is EventStatus.OPEN:
        # a school added to an open event gets its prompt; the others are not prompted twice
        await send_event_prompts(session, clock, event, settings)
    await _audience_screen(query, session, event, callback_data.page)


async def audience_all(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    clock: Clock,
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None:
        return
    await set_audience_all(session, event, clock)
    await _audience_screen(query, session, event, 0)


async def edit_field(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
) -> None:
    event = await _owned_event(query, session, user, callback_data.event_id)
    if event is None or callback_data.arg not in ev.ASK_FIELD:
        if event is not None:
            await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.set_state(EditForm.value)
    await state.set_data({"event_id": event.id, "field": callback_data.arg})
    back = column([button(t.BTN_CANCEL, EventCb(action=EventAction.OPEN, event_id=event.id))])
    await show(query, ev.ASK_FIELD[callback_data.arg], back)


def _edited(current: EventInput, field: str, text: str) -> EventInput:
    from dataclasses import replace

    from services.confirmations import check_url

    value = text.strip()
    if field == "title":
        return replace(current, title=value)
    if field == "dates":
        starts, ends = parse_period(value)
        return replace(current, starts_on=starts, ends_on=ends, is_placeholder=False)
    if field == "deadline":
        return replace(current, deadline_local=parse_deadline(value), is_placeholder=False)
    cleared = value in ("-", "—")
    if field == "place":
        return replace(current, place="" if cleared else value[:255])
    if field == "link":
        return replace(current, link="" if cleared else check_url(value))
    return replace(current, description="" if cleared else value)


async def edit_value(
    message: Message,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    event = await _owned_event(message, session, user, int(data.get("event_id", 0)))
    if event is None:
        await state.clear()
        return
    try:
        if data["field"] == "offsets":
            await set_offsets(session, event, parse_offsets(message.text or ""), clock)
        else:
            changed = _edited(
                event_input_of(event, settings.tz), str(data["field"]), message.text or ""
            )
            await update_event_fields(session, event, changed, settings.tz, clock)
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.clear()
    await message.answer(ev.SAVED)
    await _card(message, session, event, settings)


# ---- new event --------------------------------------------------------------------------------


async def new_event_start(
    event: Message | CallbackQuery, state: FSMContext, user: User | None
) -> None:
    if await require_district(event, user) is None:
        return
    await state.clear()
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for number in range(1, 20):
        row.append(button(str(number), NewEventCb(step="act", value=str(number))))
        if len(row) == 5:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    rows.append([button(ev.BTN_NO_ACTIVITY, NewEventCb(step="act", value="0"))])
    rows.append([button(t.BTN_CANCEL, EventCb(action=EventAction.LIST))])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    await show(event, ev.ASK_EVENT_ACTIVITY, markup)


async def new_event_activity(
    query: CallbackQuery, callback_data: NewEventCb, session: AsyncSession, state: FSMContext
) -> None:
    number = int(callback_data.value) if callback_data.value.isdigit() else -1
    if number and (number < 0 or await get_activity(session, number) is None):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.set_data({"activity": number or None})
    kinds = [
        button(name, NewEventCb(step="kind", value=kind)) for kind, name in ev.KIND_NAMES.items()
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
    from datetime import date

    data = await state.get_data()
    try:
        deadline = parse_deadline(message.text or "")
        if deadline.date() < date.fromisoformat(data["starts"]):
            raise ValidationError("event_deadline_before_start")
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.update_data(deadline=deadline.isoformat())
    await state.set_state(None)
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
            button(ev.BTN_SAVE, NewEventCb(step="save")),
            button(t.BTN_CANCEL, EventCb(action=EventAction.LIST)),
        ]
    )
    await message.answer(text, reply_markup=markup)


async def new_event_save(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    from datetime import date, datetime

    district_id = await require_district(query, user)
    data = await state.get_data()
    if district_id is None or "deadline" not in data:
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
    await _card(query, session, fresh, settings)


# ---- calendar files ---------------------------------------------------------------------------


def _confirm_markup(ok: EventCb) -> InlineKeyboardMarkup:
    return column([button(ev.BTN_YES, ok), button(t.BTN_BACK, EventCb(action=EventAction.LIST))])


async def default_ask(query: CallbackQuery, user: User | None) -> None:
    if await require_district(query, user) is None:
        return
    await show(query, ev.CONFIRM_DEFAULT, _confirm_markup(EventCb(action=EventAction.DEFAULT_OK)))


async def default_load(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    district_id = await require_district(query, user)
    if district_id is None:
        return
    try:
        rows = read_default_calendar(data_file(DEFAULT_CALENDAR))
    except CalendarFileError as exc:
        logger.exception("default calendar is broken:\n%s", default_calendar_error(exc))
        await query.answer(t.INTERNAL_ERROR, show_alert=True)
        return
    added, updated, removed = await replace_calendar(
        session, district_id, [input_from_row(r) for r in rows], settings.tz, clock
    )
    if query.message is not None:
        await query.message.answer(
            ev.CALENDAR_LOADED.format(added=added, updated=updated, removed=removed)
        )
    await _events_screen(query, session, district_id, 0, settings)


async def file_ask(query: CallbackQuery, state: FSMContext, user: User | None) -> None:
    if await require_district(query, user) is None:
        return
    await state.set_state(CalendarForm.file)
    markup = column(
        [
            button(ev.BTN_CALENDAR_TEMPLATE, EventCb(action=EventAction.TEMPLATE)),
            button(t.BTN_CANCEL, EventCb(action=EventAction.LIST)),
        ]
    )
    await show(query, ev.ASK_CALENDAR_FILE, markup)


async def template_send(query: CallbackQuery) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer_document(
            BufferedInputFile(CALENDAR_TEMPLATE_CSV, filename=ev.CALENDAR_TEMPLATE_NAME)
        )


async def calendar_file(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    from services.catalogue import list_sections  # noqa: F401  (kept for symmetry)

    document = message.document
    assert document is not None
    district_id = await require_district(message, user)
    if district_id is None:
        await state.clear()
        return
    name = document.file_name or "file"
    if PurePath(name).suffix.lower() not in (".csv", ".xlsx"):
        await message.answer(s.FILE_WRONG_TYPE.format(name=h(name)))
        return
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        size_mb = f"{document.file_size / 1024 / 1024:.1f}".replace(".", ",")
        await message.answer(s.FILE_TOO_BIG.format(size_mb=size_mb, max_mb=2))
        return
    buffer = io.BytesIO()
    await bot.download(document.file_id, destination=buffer)
    from sqlalchemy import select

    from models import Activity

    known = set((await session.scalars(select(Activity.number))).all())
    result = parse_calendar_file(name, buffer.getvalue(), known_activities=known)
    if not result.ok:
        await message.answer(ev.CALENDAR_REFUSED.format(errors=h(calendar_errors(result.errors))))
        return
    try:
        added, updated, removed = await replace_calendar(
            session, district_id, [input_from_row(r) for r in result.rows], settings.tz, clock
        )
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc))
        return
    await state.clear()
    await message.answer(ev.CALENDAR_LOADED.format(added=added, updated=updated, removed=removed))
    await _events_screen(message, session, district_id, 0, settings)


async def calendar_not_file(message: Message) -> None:
    await message.answer(s.FILE_EXPECTED)


async def rollover_ask(query: CallbackQuery, user: User | None) -> None:
    if await require_district(query, user) is None:
        return
    await show(
        query, ev.CONFIRM_ROLLOVER, _confirm_markup(EventCb(action=EventAction.ROLLOVER_OK))
    )


async def rollover_do(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    district_id = await require_district(query, user)
    if district_id is None:
        return
    count = await rollover(session, district_id, settings.tz, clock)
    if query.message is not None:
        await query.message.answer(ev.ROLLED_OVER.format(count=count))
    await _events_screen(query, session, district_id, 0, settings)


def get_router() -> Router:
    router = Router(name="events")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    not_command = ~F.text.startswith("/")
    cb = EventCb.filter
    router.message.register(events_command, Command("events"))
    router.message.register(new_event_start, Command("newevent"))
    router.callback_query.register(events_page, cb(F.action == EventAction.LIST))
    router.callback_query.register(event_open, cb(F.action == EventAction.OPEN))
    router.callback_query.register(status_ask, cb(F.action == EventAction.STATUS))
    router.callback_query.register(status_change, cb(F.action == EventAction.STATUS_OK))
    router.callback_query.register(progress_screen, cb(F.action == EventAction.PROGRESS))
    router.callback_query.register(edit_menu, cb(F.action == EventAction.EDIT))
    router.callback_query.register(edit_field, cb(F.action == EventAction.EDIT_FIELD))
    router.callback_query.register(new_event_start, cb(F.action == EventAction.NEW))
    router.callback_query.register(default_ask, cb(F.action == EventAction.DEFAULT))
    router.callback_query.register(default_load, cb(F.action == EventAction.DEFAULT_OK))
    router.callback_query.register(file_ask, cb(F.action == EventAction.FILE))
    router.callback_query.register(template_send, cb(F.action == EventAction.TEMPLATE))
    router.callback_query.register(rollover_ask, cb(F.action == EventAction.ROLLOVER))
    router.callback_query.register(rollover_do, cb(F.action == EventAction.ROLLOVER_OK))
    router.callback_query.register(audience_open, cb(F.action == EventAction.AUDIENCE))
    router.callback_query.register(audience_toggle, cb(F.action == EventAction.AUDIENCE_TOGGLE))
    router.callback_query.register(audience_all, cb(F.action == EventAction.AUDIENCE_ALL))
    router.callback_query.register(new_event_activity, NewEventCb.filter(F.step == "act"))
    router.callback_query.register(new_event_kind, NewEventCb.filter(F.step == "kind"))
    router.callback_query.register(new_event_save, NewEventCb.filter(F.step == "save"))
    router.message.register(new_event_title, StateFilter(EventForm.title), F.text, not_command)
    router.message.register(new_event_dates, StateFilter(EventForm.dates), F.text, not_command)
    router.message.register(
        new_event_deadline, StateFilter(EventForm.deadline), F.text, not_command
    )
    router.message.register(edit_value, StateFilter(EditForm.value), F.text, not_command)
    router.message.register(calendar_file, StateFilter(CalendarForm.file), F.document)
    router.message.register(calendar_not_file, StateFilter(CalendarForm.file), not_command)
    return router
