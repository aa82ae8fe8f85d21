"""Screens the event modules share: the district's list, an event's card, the open prompts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.toolkit.callbacks import EventAction, EventCb, TaskAction, TaskCb
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    clamp_page,
    column,
    markup_of,
    pager_row,
    shorten,
)
from bot.toolkit.notify import deliver
from bot.toolkit.reminder_texts import RussianRenderer
from bot.toolkit.screens import clip, h, show
from models import Audience, Event, EventKind, EventStatus, School, User
from services.clock import Clock
from services.contests.setup import contest_of_event
from services.districts import get_district
from services.documents import count_event_documents
from services.events import (
    audience_librarians,
    count_events,
    list_events,
    opening_delivery,
    seminar_answers,
)
from services.outbox import next_allowed
from services.reminders import Step, unconfirmed_schools
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
    common = {
        "title": h(event.title),
        "activity": (
            ev.CARD_ACTIVITY.format(
                number=event.activity.number, title=h(shorten(event.activity.title, 80))
            )
            if event.activity
            else ev.NO_ACTIVITY
        ),
        "status": ev.EVENT_STATUS_NAMES[event.status],
        "placeholder": ev.PLACEHOLDER if event.is_placeholder else "",
        "place": ev.CARD_PLACE.format(place=h(event.place)) if event.place else "",
        "link": ev.CARD_LINK.format(link=h(event.link)) if event.link else "",
        "description": (
            ev.CARD_DESCRIPTION.format(description=h(event.description))
            if event.description
            else ""
        ),
    }
    seminar = event.kind is EventKind.SEMINAR
    if seminar:
        # a seminar has a date, a place and replies: no deadline, nothing to confirm
        day = fmt_date(event.starts_on)
        if event.ends_on != event.starts_on:
            day = f"{day} — {fmt_date(event.ends_on)}"
        answers = await seminar_answers(session, event)
        text = ev.SEMINAR_CARD.format(date=day, **common) + ev.SEMINAR_ANSWERS.format(
            coming_count=len(answers.coming),
            coming=_school_names(answers.coming),
            not_coming_count=len(answers.not_coming),
            not_coming=_school_names(answers.not_coming),
            silent_count=len(answers.silent),
            silent=_school_names(answers.silent),
        )
    else:
        total, missing = await unconfirmed_schools(session, event)
        text = ev.EVENT_CARD.format(
            kind=ev.KIND_NAMES[event.kind] + _occasion(event),
            starts=fmt_date(event.starts_on),
            ends=fmt_date(event.ends_on),
            deadline=fmt_local(event.deadline_at, settings.tz),
            confirmed=total - len(missing),
            schools=ev.of_schools(total),
            **common,
        )
    if event.opened_at is not None:
        delivery = await opening_delivery(session, event.id)
        text += ev.DELIVERY.format(
            delivered=delivery.delivered,
            waiting=delivery.waiting,
            unreachable=delivery.unreachable,
        )
    rows: list[InlineKeyboardButton] = []
    status = event.status
    # a contest's deadline opens, closes and is cancelled with its contest, not here
    contest = await contest_of_event(session, event.id)
    if contest is not None:
        text += ev.MANAGED_BY_CONTEST
    elif status is EventStatus.DRAFT:
        rows.append(_status_button(ev.BTN_OPEN, event, EventStatus.OPEN, page))
    elif status is EventStatus.OPEN:
        rows.append(_status_button(ev.BTN_CLOSE, event, EventStatus.CLOSED, page))
    elif status is EventStatus.CLOSED:
        rows.append(_status_button(ev.BTN_REOPEN, event, EventStatus.OPEN, page))
    if status is not EventStatus.CANCELLED and contest is None:
        rows.append(button(ev.BTN_EDIT, EventCb(action=EventAction.EDIT, event_id=event.id)))
        rows.append(_status_button(ev.BTN_CANCEL_EVENT, event, EventStatus.CANCELLED, page))
    # the event's files in the documents library (handlers/documents.py)
    files = await count_event_documents(session, event.id)
    rows.append(
        button(
            dt.files_button(files), EventCb(action=EventAction.FILES, event_id=event.id, page=page)
        )
    )
    if not seminar:  # a seminar's replies are on the card itself
        rows.append(
            button(ev.BTN_PROGRESS, EventCb(action=EventAction.PROGRESS, event_id=event.id))
        )
    rows.append(button(ev.BTN_TO_EVENTS, EventCb(action=EventAction.LIST, page=page)))
    await show(target, f"{notice}\n\n{text}" if notice else text, column(rows))


def _occasion(event: Event) -> str:
    """« (месячник школьных библиотек)» after the kind: what its reminders depend on."""
    name = ev.OCCASION_NAMES.get(event.code or "")
    return ev.SUMMARY_OCCASION.format(name=name) if name else ""


def _school_names(schools: Sequence[School]) -> str:
    # three lists on one card: each is clipped so that the card stays within a message
    return h(clip(", ".join(s.short_name for s in schools), 500)) if schools else ev.NOBODY


def _status_button(
    text: str, event: Event, status: EventStatus, page: int
) -> InlineKeyboardButton:
    return button(
        text, EventCb(action=EventAction.STATUS, event_id=event.id, page=page, arg=status.value)
    )


async def send_event_prompts(
    session: AsyncSession, clock: Clock, event: Event, settings: Settings
) -> int:
    """Invite every librarian of the event's audience (through `deliver`), in one message.

    A seminar's prompt is its invitation («Буду» / «Не смогу»); the Library Month's carries the
    kick-off. The planner counts this message as the reminder steps it covers.
    """
    librarians = await audience_librarians(session, event)
    renderer = RussianRenderer(settings.tz)
    # the event's files, one press away (handlers/documents.py)
    files = await count_event_documents(session, event.id)
    markup: InlineKeyboardMarkup | None
    if event.kind is EventKind.SEMINAR:
        today = clock().astimezone(settings.tz).date()
        text, buttons = renderer.invitation(
            event, tomorrow=event.starts_on == today + timedelta(days=1), files=files
        )
        markup = markup_of(buttons)
    else:
        if event.code == "library-month":
            text, _ = renderer.library_month(event, Step("lm-kickoff", clock(), "kickoff"))
        else:
            text = ev.PROMPT_OPENED.format(
                title=h(event.title),
                starts=fmt_date(event.starts_on),
                ends=fmt_date(event.ends_on),
                deadline=fmt_local(event.deadline_at, settings.tz),
            )
        prompt_buttons = [
            button(ev.BTN_CONFIRM_TASK, TaskCb(action=TaskAction.CONFIRM, event_id=event.id)),
            button(ev.BTN_DETAILS, TaskCb(action=TaskAction.OPEN, event_id=event.id)),
        ]
        if files:
            prompt_buttons.append(
                button(dt.files_button(files), TaskCb(action=TaskAction.FILES, event_id=event.id))
            )
        markup = column(prompt_buttons)
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


def held_until(settings: Settings, clock: Clock) -> tuple[str, str] | None:
    """(the quiet window, when messages sent now will go) inside quiet hours, else None."""
    now = clock()
    quiet = settings.quiet
    allowed = next_allowed(now, settings.tz, quiet)
    if allowed <= now:
        return None
    window = r.quiet_window(quiet.start, quiet.end, quiet.weekends)
    local = allowed.astimezone(settings.tz)
    return window, r.when_local(local, now.astimezone(settings.tz).date())


async def open_question(
    session: AsyncSession, event: Event, settings: Settings, clock: Clock
) -> str:
    """«Открыть …?» with who will be invited, and a warning inside quiet hours."""
    if event.status is EventStatus.CLOSED:  # opened before: only the schools still owing
        count = len(await librarians_still_owing(session, event))
        return ev.CONFIRM_REOPEN.format(title=h(event.title), count=count)
    count = len(await audience_librarians(session, event))
    if event.kind is EventKind.SEMINAR:
        template = ev.CONFIRM_OPEN_SEMINAR
    elif event.audience is Audience.ALL:
        template = ev.CONFIRM_OPEN
    else:
        template = ev.CONFIRM_OPEN_CHOSEN
    text = template.format(title=h(event.title), count=count)
    if event.deadline_at <= clock():
        text += ev.CONFIRM_PAST_DEADLINE.format(deadline=fmt_local(event.deadline_at, settings.tz))
    if event.is_placeholder:
        text += ev.CONFIRM_PLACEHOLDER
    held = held_until(settings, clock)
    if held is not None:  # warned before «Да»: the messages wait for the quiet hours' end
        text += ev.CONFIRM_QUIET.format(window=held[0], when=held[1])
    return text


async def librarians_still_owing(session: AsyncSession, event: Event) -> list[User]:
    """Librarians of the audience whose school has not confirmed (or had it returned)."""
    _, missing = await unconfirmed_schools(session, event)
    owing = {school.id for school in missing}
    return [u for u in await audience_librarians(session, event) if u.school_id in owing]


async def tell_reopened(
    session: AsyncSession, clock: Clock, event: Event, settings: Settings
) -> int:
    """Reopened: the schools still owing hear that they can confirm again."""
    librarians = await librarians_still_owing(session, event)
    text = ev.PROMPT_REOPENED.format(
        title=h(event.title), deadline=fmt_local(event.deadline_at, settings.tz)
    )
    markup = column(
        [button(ev.BTN_CONFIRM_TASK, TaskCb(action=TaskAction.CONFIRM, event_id=event.id))]
    )
    return await deliver(
        session,
        clock,
        f"reopen:{event.id}:{clock():%Y%m%d%H%M%S}",
        [(u.telegram_id, u.id) for u in librarians],
        text,
        markup,
        purpose="prompt",
        event_id=event.id,
    )


async def tell_cancelled(session: AsyncSession, clock: Clock, event: Event) -> int:
    """Cancelled after it was opened: everyone invited hears it. Not tied to the event (the
    sender drops what belongs to a cancelled event), so it is the last message about it."""
    librarians = await audience_librarians(session, event)
    if event.kind is EventKind.SEMINAR:
        text = ev.SEMINAR_CANCELLED_NOTICE.format(
            title=h(event.title), date=fmt_date(event.starts_on)
        )
    else:
        text = ev.EVENT_CANCELLED_NOTICE.format(title=h(event.title))
    return await deliver(
        session,
        clock,
        f"cancel:{event.id}",
        [(u.telegram_id, u.id) for u in librarians],
        text,
        purpose="cancel",
    )


def confirm_status_markup(
    event_id: int, target: EventStatus, back: str, page: int = 0
) -> InlineKeyboardMarkup:
    """«Да» for a status change of the event, and the way back to its card."""
    return column(
        [
            button(
                ev.BTN_YES,
                EventCb(
                    action=EventAction.STATUS_OK, event_id=event_id, page=page, arg=target.value
                ),
            ),
            button(back, EventCb(action=EventAction.OPEN, event_id=event_id, page=page)),
        ]
    )
