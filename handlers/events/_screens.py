"""Screens the event modules share: the district's list, an event's card, the open prompts."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.toolkit.callbacks import EventAction, EventCb, TaskAction, TaskCb
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, column, pager_row, shorten
from bot.toolkit.notify import deliver
from bot.toolkit.screens import h, show
from models import Event, EventKind, EventStatus
from services.clock import Clock
from services.confirmations import seminar_replies
from services.districts import get_district
from services.events import audience_librarians, count_events, list_events
from services.reminders import unconfirmed_schools
from services.timeutil import fmt_date, fmt_local


async def events_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    district_id: int,
    page: int,
    settings: Settings,
) -> None:
    district = await get_district(session, district_id)
    total = await count_events(session, district_id)
    page = clamp_page(page, total)
    events = await list_events(session, district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ev.EVENT_BUTTON.format(
                    icon=ev.EVENT_STATUS_ICONS[e.status],
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


async def event_card(
    target: Message | CallbackQuery,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    page: int = 0,
    notice: str = "",
) -> None:
    """The event's card; `notice` (what the last action did) heads it, so the newest message
    in the chat is the card with its buttons, not a reply below it."""
    total, missing = await unconfirmed_schools(session, event)
    text = ev.EVENT_CARD.format(
        title=h(event.title),
        kind=ev.KIND_NAMES[event.kind],
        activity=(f"№ {event.activity.number}" if event.activity else ev.NO_ACTIVITY),
        starts=fmt_date(event.starts_on),
        ends=fmt_date(event.ends_on),
        deadline=fmt_local(event.deadline_at, settings.tz),
        status=ev.EVENT_STATUS_NAMES[event.status],
        placeholder=ev.PLACEHOLDER if event.is_placeholder else "",
        place=ev.CARD_PLACE.format(place=h(event.place)) if event.place else "",
        link=ev.CARD_LINK.format(link=h(event.link)) if event.link else "",
        description=(
            ev.CARD_DESCRIPTION.format(description=h(event.description))
            if event.description
            else ""
        ),
        confirmed=total - len(missing),
        schools=ev.of_schools(total),
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
    await show(target, f"{notice}\n\n{text}" if notice else text, column(rows))


def _status_button(
    text: str, event: Event, status: EventStatus, page: int
) -> InlineKeyboardButton:
    return button(
        text, EventCb(action=EventAction.STATUS, event_id=event.id, page=page, arg=status.value)
    )


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
