"""/pending: who has not answered an open event (the monitoring round's event among them) and
«Напомнить» to their librarians.

The list of schools follows services.answered (a round's event is answered by a submitted or
accepted response, a contest's by an entry, another event by a confirmation). «Напомнить» is
the same daily nudge as on the deadline summary (services.reminders.plan_nudge): planned into
the outbox, once a day per event (the local date is in its dedupe key); a second press the
same day says when it is possible again.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import monitoring_docs as mdt
from bot.texts.schools import NO_DISTRICT
from bot.toolkit.callbacks import PendingAction, PendingCb
from bot.toolkit.filters import DistrictEvent, HasRole
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, column, pager_row, shorten
from bot.toolkit.reminder_texts import RussianRenderer
from bot.toolkit.screens import bounded, h, show, tell
from models import Event, EventKind, EventStatus, Role, User
from services.clock import Clock
from services.reminders import ReminderConfig, plan_nudge, unconfirmed_schools
from services.timeutil import fmt_date, fmt_local


def _config(settings: Settings) -> ReminderConfig:
    return ReminderConfig(
        tz=settings.tz,
        quiet=settings.quiet,
        offsets=tuple(settings.reminder_offsets),
        reminder_time=settings.reminder_clock,
        day_of_time=settings.day_of_clock,
        summary_time=settings.summary_clock,
    )


async def _open_events(session: AsyncSession, district_id: int) -> list[Event]:
    """The district's open events: the monitoring first, then by deadline."""
    rows = await session.scalars(
        select(Event)
        .where(Event.district_id == district_id, Event.status == EventStatus.OPEN)
        .order_by(
            case((Event.kind == EventKind.MONITORING, 0), else_=1),
            Event.deadline_at,
            Event.id,
        )
    )
    return list(rows.all())


async def _list(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    page: int,
) -> None:
    if user is None or user.district_id is None:
        await tell(target, NO_DISTRICT)
        return
    events = await _open_events(session, user.district_id)
    if not events:
        await show(target, mdt.PENDING_NONE)
        return
    page = clamp_page(page, len(events))
    shown = events[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = []
    for event in shown:
        if event.kind is EventKind.MONITORING:
            label = mdt.PENDING_MONITORING.format(title=shorten(event.title, 50))
        else:
            label = mdt.PENDING_EVENT.format(
                title=shorten(event.title, 40),
                deadline=fmt_date(event.deadline_at.astimezone(settings.tz).date()),
            )
        buttons.append(
            button(label, PendingCb(action=PendingAction.OPEN, event_id=event.id, page=page))
        )
    markup = column(buttons)
    pager = pager_row(page, len(events), lambda p: PendingCb(action=PendingAction.LIST, page=p))
    if pager:
        markup.inline_keyboard.append(pager)
    await show(target, mdt.PENDING_PICK, markup)


async def pending_command(
    message: Message, session: AsyncSession, user: User | None, settings: Settings
) -> None:
    await _list(message, session, user, settings, 0)


async def pending_list(
    query: CallbackQuery,
    callback_data: PendingCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
) -> None:
    await _list(query, session, user, settings, callback_data.page)


def _event_keyboard(event: Event, page: int, missing: bool) -> InlineKeyboardMarkup:
    buttons = []
    if missing and event.status is EventStatus.OPEN:
        buttons.append(
            button(
                mdt.BTN_REMIND,
                PendingCb(action=PendingAction.REMIND, event_id=event.id, page=page),
            )
        )
    buttons.append(button(t.BTN_BACK, PendingCb(action=PendingAction.LIST, page=page)))
    return column(buttons)


async def pending_event(
    query: CallbackQuery,
    callback_data: PendingCb,
    session: AsyncSession,
    event: Event,
    settings: Settings,
) -> None:
    total, missing = await unconfirmed_schools(session, event)
    header = mdt.PENDING_HEADER.format(
        title=h(event.title), deadline=fmt_local(event.deadline_at, settings.tz)
    )
    if not missing:
        body = mdt.PENDING_ALL_DONE.format(total=total)
    else:
        lines = [
            mdt.PENDING_LINE.format(n=n, school=h(school.short_name))
            for n, school in enumerate(missing, start=1)
        ]
        body = f"{mdt.pending_count(len(missing), total)}\n{bounded(lines)}"
    await show(query, header + body, _event_keyboard(event, callback_data.page, bool(missing)))


async def pending_remind(
    query: CallbackQuery,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    if event.status is not EventStatus.OPEN:
        await tell(query, mdt.EVENT_CLOSED)
        return
    now = clock()
    count = await plan_nudge(session, event, now, _config(settings), RussianRenderer(settings.tz))
    if count is None:
        tomorrow = now.astimezone(settings.tz).date() + timedelta(days=1)
        await tell(query, mdt.REMINDED_AGAIN.format(day=fmt_date(tomorrow)))
        return
    await tell(query, mdt.reminded(count))


def get_router() -> Router:
    router = Router(name="pending")
    staff = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    router.message.register(pending_command, staff, Command("pending"))
    router.callback_query.register(
        pending_list, staff, PendingCb.filter(F.action == PendingAction.LIST)
    )
    owned = DistrictEvent(unknown=t.FORBIDDEN_BUTTON)
    router.callback_query.register(
        pending_event, staff, PendingCb.filter(F.action == PendingAction.OPEN), owned
    )
    router.callback_query.register(
        pending_remind, staff, PendingCb.filter(F.action == PendingAction.REMIND), owned
    )
    return router
