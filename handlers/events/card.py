"""Coordinator: the district's events, an event's card, its life cycle and who confirmed it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import EventAction, EventCb
from bot.toolkit.filters import DistrictEvent, InDistrict
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import bounded, clip, h, hq, show
from handlers.events._screens import (
    confirm_status_markup,
    event_card,
    events_screen,
    held_until,
    open_question,
    send_event_prompts,
    tell_cancelled,
    tell_reopened,
)
from models import Audience, ConfirmationStatus, Event, EventKind, EventStatus
from services.clock import Clock
from services.confirmations import event_progress
from services.contests.setup import contest_of_event
from services.events import SchoolTaskStatus, set_status
from services.schools import list_schools


async def events_command(
    message: Message, session: AsyncSession, district_id: int, settings: Settings
) -> None:
    await events_screen(message, session, district_id, 0, settings)


async def events_page(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await events_screen(query, session, district_id, callback_data.page, settings)


async def event_open(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await event_card(query, session, event, settings, callback_data.page)


def _target_status(callback_data: EventCb) -> EventStatus | None:
    try:
        return EventStatus(callback_data.arg)
    except ValueError:
        return None


async def status_ask(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    target = _target_status(callback_data)
    if target is None:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if await contest_of_event(session, event.id) is not None:
        await query.answer(ev.MANAGED_BY_CONTEST.strip(), show_alert=True)
        return
    if target is EventStatus.OPEN:
        text = await open_question(session, event, settings, clock)
    elif target is EventStatus.CLOSED:
        text = ev.CONFIRM_CLOSE.format(title=hq(event.title))
    elif event.opened_at is not None:
        text = ev.CONFIRM_CANCEL_OPENED.format(title=hq(event.title))
    else:
        text = ev.CONFIRM_CANCEL.format(title=hq(event.title))
    markup = confirm_status_markup(event.id, target, t.BTN_BACK, callback_data.page)
    await show(query, text, markup)


async def status_change(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    target = _target_status(callback_data)
    if target is None:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if await contest_of_event(session, event.id) is not None:
        await query.answer(ev.MANAGED_BY_CONTEST.strip(), show_alert=True)
        return
    was = event.status
    if not await set_status(session, event, target, clock):
        await query.answer(
            ev.STATUS_REFUSED.format(status=ev.EVENT_STATUS_NAMES[event.status]),
            show_alert=True,
        )
        return
    notice = ""
    if target is EventStatus.OPEN and was is EventStatus.DRAFT:
        sent = await send_event_prompts(session, clock, event, settings)
        held = held_until(settings, clock)
        if not sent:
            notice = ev.OPENED_NOBODY
        elif held is not None:
            notice = ev.OPENED_QUIET.format(window=held[0], when=held[1])
        else:
            notice = ev.OPENED_SEMINAR if event.kind is EventKind.SEMINAR else ev.OPENED
    elif target is EventStatus.OPEN and was is EventStatus.CLOSED:
        await tell_reopened(session, clock, event, settings)
        notice = ev.REOPENED
    elif target is EventStatus.CANCELLED and event.opened_at is not None:
        await tell_cancelled(session, clock, event)
        notice = ev.CANCELLED_TOLD
    # the outcome heads the card: the newest message keeps its buttons
    await event_card(query, session, event, settings, callback_data.page, notice=notice)


async def progress_screen(query: CallbackQuery, session: AsyncSession, event: Event) -> None:
    progress = await event_progress(session, event)
    schools = await list_schools(session, event.district_id, 0, 1000)
    if event.audience is not Audience.ALL:
        chosen = {a.school_id for a in event.audience_schools}
        schools = [sch for sch in schools if sch.id in chosen]
    lines: list[str] = []
    done = 0
    for school in schools:
        confirmation = progress.get(school.id)
        status: str = SchoolTaskStatus.TODO
        if confirmation is not None and confirmation.status is not ConfirmationStatus.WITHDRAWN:
            status = confirmation.status
        done += status in (ConfirmationStatus.SUBMITTED, ConfirmationStatus.ACCEPTED)
        lines.append(
            ev.PROGRESS_LINE.format(icon=ev.TASK_STATUS_ICONS[status], school=h(school.short_name))
        )
    text = ev.PROGRESS_HEADER.format(
        title=h(clip(event.title, 200)),
        confirmed=done,
        schools=ev.of_schools(len(schools)),
        lines=bounded(lines) or "—",
    )
    markup = column([button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id))])
    await show(query, text, markup)


def get_router() -> Router:
    router = Router(name="events.card")
    cb = EventCb.filter
    router.message.register(events_command, Command("events"), InDistrict())
    router.callback_query.register(events_page, cb(F.action == EventAction.LIST), InDistrict())
    router.callback_query.register(event_open, cb(F.action == EventAction.OPEN), DistrictEvent())
    router.callback_query.register(status_ask, cb(F.action == EventAction.STATUS), DistrictEvent())
    router.callback_query.register(
        status_change, cb(F.action == EventAction.STATUS_OK), DistrictEvent()
    )
    router.callback_query.register(
        progress_screen, cb(F.action == EventAction.PROGRESS), DistrictEvent()
    )
    return router
