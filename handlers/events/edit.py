"""Coordinator: editing an event's fields and choosing the schools it is addressed to."""

from __future__ import annotations

from dataclasses import replace

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import EventAction, EventCb
from bot.toolkit.filters import DistrictEvent, DistrictSchool, Refused
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.toolkit.screens import clip, error_text, h, hq, show
from handlers.events._screens import event_card, send_event_prompts
from models import Event, EventKind, EventStatus, School
from services.clock import Clock
from services.confirmations import check_url
from services.contests.setup import contest_of_event
from services.errors import ValidationError
from services.events import (
    EventInput,
    audience_school_ids,
    check_not_past,
    event_input_of,
    parse_deadline,
    parse_offsets,
    parse_period,
    parse_seminar_days,
    seminar_deadline,
    set_audience_all,
    set_occasion,
    set_offsets,
    toggle_audience_school,
    update_event_fields,
)
from services.schools import count_schools, list_schools


class EditForm(StatesGroup):
    value = State()


class NotContestDeadline(Filter):
    """A contest's deadline event is edited with its contest (/contests), which tells the
    schools of an extension and never moves it earlier; a forged edit button is refused."""

    async def __call__(self, update: TelegramObject, session: AsyncSession, event: Event) -> bool:
        if await contest_of_event(session, event.id) is not None:
            raise Refused(ev.MANAGED_BY_CONTEST.strip())
        return True


async def edit_menu(query: CallbackQuery, event: Event) -> None:
    names = ev.SEMINAR_FIELD_NAMES if event.kind is EventKind.SEMINAR else ev.FIELD_NAMES
    buttons = [
        button(name, EventCb(action=EventAction.EDIT_FIELD, event_id=event.id, arg=field))
        for field, name in names.items()
    ]
    if event.kind is not EventKind.SEMINAR:
        buttons.append(
            button(ev.BTN_OCCASION, EventCb(action=EventAction.OCCASION, event_id=event.id))
        )
    buttons.append(
        button(ev.BTN_AUDIENCE, EventCb(action=EventAction.AUDIENCE, event_id=event.id))
    )
    buttons.append(button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id)))
    await show(query, ev.EDIT_MENU.format(title=hq(event.title)), column(buttons))


async def edit_occasion(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    """Which roadmap occasion the event is: the question, or (with `arg`) the answer."""
    if event.kind is EventKind.SEMINAR or (
        callback_data.arg and callback_data.arg not in ev.EDIT_OCCASIONS
    ):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if not callback_data.arg:
        current = ev.EDIT_OCCASIONS.get(event.code or "none", ev.EDIT_OCCASIONS["none"])
        buttons = [
            button(name, EventCb(action=EventAction.OCCASION, event_id=event.id, arg=occasion))
            for occasion, name in ev.EDIT_OCCASIONS.items()
        ]
        buttons.append(button(t.BTN_BACK, EventCb(action=EventAction.EDIT, event_id=event.id)))
        await show(query, ev.ASK_EDIT_OCCASION.format(current=current), column(buttons))
        return
    code = None if callback_data.arg == "none" else callback_data.arg
    await set_occasion(session, event, code, clock)
    await event_card(query, session, event, settings)


async def edit_field(
    query: CallbackQuery, callback_data: EventCb, event: Event, state: FSMContext
) -> None:
    if callback_data.arg not in ev.ASK_FIELD:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    seminar = event.kind is EventKind.SEMINAR
    if seminar and callback_data.arg not in ev.SEMINAR_FIELD_NAMES:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await state.set_state(EditForm.value)
    await state.set_data({"event_id": event.id, "field": callback_data.arg})
    back = column([button(t.BTN_CANCEL, EventCb(action=EventAction.OPEN, event_id=event.id))])
    question = ev.ASK_FIELD[callback_data.arg]
    if seminar and callback_data.arg == "dates":
        question = ev.ASK_SEMINAR_DATE
    await show(query, question, back)


def _edited(current: EventInput, field: str, text: str) -> EventInput:
    value = text.strip()
    if field == "title":
        if value in ("-", "—"):  # «-» clears the other fields; a title cannot be cleared
            raise ValidationError("event_title_empty")
        return replace(current, title=value)
    if field == "dates" and current.kind is EventKind.SEMINAR:
        # a seminar's date: its invitations stay useful until the end of its last day
        starts, ends = parse_seminar_days(value)
        return replace(
            current,
            starts_on=starts,
            ends_on=ends,
            deadline_local=seminar_deadline(ends),
            is_placeholder=False,
        )
    if field == "dates":
        starts, ends = parse_period(value)
        return replace(current, starts_on=starts, ends_on=ends, is_placeholder=False)
    if field == "deadline":
        return replace(current, deadline_local=parse_deadline(value), is_placeholder=False)
    cleared = value in ("-", "—")
    if field == "place":  # an over-long place is refused by the service, never cut
        return replace(current, place="" if cleared else value)
    if field == "link":
        return replace(current, link="" if cleared else check_url(value))
    return replace(current, description="" if cleared else value)


async def edit_value(
    message: Message,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    try:
        if data["field"] == "offsets":
            await set_offsets(session, event, parse_offsets(message.text or ""), clock)
        else:
            current = event_input_of(event, settings.tz)
            changed = _edited(current, str(data["field"]), message.text or "")
            if changed.deadline_local != current.deadline_local:
                now = clock().astimezone(settings.tz).replace(tzinfo=None)
                check_not_past(changed.deadline_local, now)
            await update_event_fields(session, event, changed, settings.tz, clock)
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    await state.clear()
    await message.answer(ev.SAVED)
    await event_card(message, session, event, settings)


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
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, event: Event
) -> None:
    await _audience_screen(query, session, event, callback_data.page)


async def audience_toggle(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    school: School,
    settings: Settings,
    clock: Clock,
) -> None:
    await toggle_audience_school(session, event, school, clock)
    if event.status is EventStatus.OPEN:
        # a school added to an open event gets its prompt; the others are not prompted twice
        await send_event_prompts(session, clock, event, settings)
    await _audience_screen(query, session, event, callback_data.page)


async def audience_all(
    query: CallbackQuery, session: AsyncSession, event: Event, clock: Clock
) -> None:
    await set_audience_all(session, event, clock)
    await _audience_screen(query, session, event, 0)


def get_router() -> Router:
    router = Router(name="events.edit")
    cb = EventCb.filter
    router.callback_query.register(
        edit_menu, cb(F.action == EventAction.EDIT), DistrictEvent(), NotContestDeadline()
    )
    router.callback_query.register(
        edit_field, cb(F.action == EventAction.EDIT_FIELD), DistrictEvent(), NotContestDeadline()
    )
    router.message.register(
        edit_value,
        StateFilter(EditForm.value),
        F.text,
        ~F.text.startswith("/"),
        DistrictEvent(in_form=True),
        NotContestDeadline(),
    )
    router.callback_query.register(
        edit_occasion, cb(F.action == EventAction.OCCASION), DistrictEvent(), NotContestDeadline()
    )
    router.callback_query.register(
        audience_open, cb(F.action == EventAction.AUDIENCE), DistrictEvent(), NotContestDeadline()
    )
    router.callback_query.register(
        audience_toggle,
        cb(F.action == EventAction.AUDIENCE_TOGGLE),
        DistrictEvent(),
        NotContestDeadline(),
        # the school is named by `arg`; any failure there is a forged button
        DistrictSchool("arg", unknown=t.FORBIDDEN_BUTTON),
    )
    router.callback_query.register(
        audience_all,
        cb(F.action == EventAction.AUDIENCE_ALL),
        DistrictEvent(),
        NotContestDeadline(),
    )
    return router
