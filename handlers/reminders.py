"""Buttons on planned messages (snooze, seminar replies, nudge) and /settings."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import reminders as r
from bot.toolkit.callbacks import ReminderAction, ReminderCb, SettingsAction, SettingsCb
from bot.toolkit.filters import DistrictEvent, HasRole, SchoolEvent
from bot.toolkit.keyboards import button, column, markup_of
from bot.toolkit.reminder_texts import RussianRenderer
from bot.toolkit.screens import show
from models import (
    ConfirmationStatus,
    Event,
    EventKind,
    EventStatus,
    Role,
    School,
    User,
)
from services.clock import Clock
from services.confirmations import find_confirmation
from services.documents import count_event_documents
from services.reminders import ReminderConfig, plan_nudge, record_seminar_reply, snooze
from services.review_notices import drop_pending_notices
from services.timeutil import fmt_local

logger = logging.getLogger(__name__)


def reminder_config(settings: Settings) -> ReminderConfig:
    return ReminderConfig(
        tz=settings.tz,
        quiet=settings.quiet,
        offsets=tuple(settings.reminder_offsets),
        reminder_time=settings.reminder_clock,
        day_of_time=settings.day_of_clock,
        summary_time=settings.summary_clock,
    )


async def snooze_button(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    event: Event,
    school: School,
    settings: Settings,
    clock: Clock,
) -> None:
    if event.status is not EventStatus.OPEN:
        await query.answer(r.EVENT_NOT_OPEN, show_alert=True)
        return
    confirmation = await find_confirmation(session, event.id, school.id)
    if confirmation is not None and confirmation.status in (
        ConfirmationStatus.SUBMITTED,
        ConfirmationStatus.ACCEPTED,
    ):
        await query.answer(r.ALREADY_CONFIRMED, show_alert=True)
        return
    due = await snooze(
        session, user, event, clock(), reminder_config(settings), RussianRenderer(settings.tz)
    )
    if due is None:
        await query.answer(
            r.SNOOZE_TOO_LATE.format(deadline=fmt_local(event.deadline_at, settings.tz)),
            show_alert=True,
        )
        return
    await query.answer(r.SNOOZED.format(time=due.astimezone(settings.tz).strftime("%H:%M")))


async def rsvp_button(
    query: CallbackQuery,
    callback_data: ReminderCb,
    session: AsyncSession,
    user: User,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    if event.kind is not EventKind.SEMINAR:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    if event.status is not EventStatus.OPEN:
        await query.answer(r.EVENT_NOT_OPEN, show_alert=True)
        return
    attending = callback_data.action is ReminderAction.YES
    await record_seminar_reply(session, event.id, user.id, attending, clock())
    # the invitation keeps its details and shows the answer; the same buttons change it
    today = clock().astimezone(settings.tz).date()
    text, buttons = RussianRenderer(settings.tz).invitation(
        event,
        tomorrow=event.starts_on == today + timedelta(days=1),
        answer=attending,
        files=await count_event_documents(session, event.id),
    )
    await show(query, text, markup_of(buttons))


async def nudge_button(
    query: CallbackQuery,
    session: AsyncSession,
    event: Event,
    settings: Settings,
    clock: Clock,
) -> None:
    if event.status is not EventStatus.OPEN:
        await query.answer(r.EVENT_NOT_OPEN, show_alert=True)
        return
    count = await plan_nudge(
        session, event, clock(), reminder_config(settings), RussianRenderer(settings.tz)
    )
    if count is None:
        await query.answer(r.NUDGE_ALREADY, show_alert=True)
        return
    await query.answer(r.nudged(count), show_alert=True)


async def _settings_screen(
    target: Message | CallbackQuery, user: User, settings: Settings
) -> None:
    muted = user.reminders_muted
    quiet = settings.quiet
    window = r.quiet_window(quiet.start, quiet.end, quiet.weekends)
    text = r.SETTINGS.format(
        state=r.STATE_OFF if muted else r.STATE_ON,
        quiet=r.QUIET_SENTENCE.format(window=window.capitalize()) if window else "",
    )
    action, label = (
        (SettingsAction.UNMUTE, r.BTN_UNMUTE) if muted else (SettingsAction.MUTE, r.BTN_MUTE)
    )
    await show(target, text, column([button(label, SettingsCb(action=action))]))


async def settings_command(message: Message, user: User | None, settings: Settings) -> None:
    assert user is not None
    await _settings_screen(message, user, settings)


async def _coordinator_settings_screen(
    target: Message | CallbackQuery, user: User, settings: Settings
) -> None:
    if user.review_digest:
        state = r.REVIEW_STATE_DIGEST.format(time=settings.day_of_clock.strftime("%H:%M"))
        action, label = SettingsAction.REVIEW_NOW, r.BTN_REVIEW_NOW
    else:
        state, action, label = (
            r.REVIEW_STATE_NOW,
            SettingsAction.REVIEW_DIGEST,
            r.BTN_REVIEW_DIGEST,
        )
    await show(
        target,
        r.COORDINATOR_SETTINGS.format(state=state),
        column([button(label, SettingsCb(action=action))]),
    )


async def coordinator_settings_command(
    message: Message, user: User | None, settings: Settings
) -> None:
    assert user is not None
    await _coordinator_settings_screen(message, user, settings)


async def coordinator_settings_toggle(
    query: CallbackQuery,
    callback_data: SettingsCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    assert user is not None
    user.review_digest = callback_data.action is SettingsAction.REVIEW_DIGEST
    user.updated_at = clock()
    if user.review_digest:
        await drop_pending_notices(session, user.id)
    await session.flush()
    await _coordinator_settings_screen(query, user, settings)


async def settings_toggle(
    query: CallbackQuery,
    callback_data: SettingsCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    assert user is not None
    user.reminders_muted = callback_data.action is SettingsAction.MUTE
    user.updated_at = clock()
    await session.flush()
    await _settings_screen(query, user, settings)


def get_router() -> Router:
    router = Router(name="reminders")
    librarian = HasRole(Role.LIBRARIAN)
    coordinator = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    # a forged or stale reminder button gets the same answer whatever its id names
    school_event = SchoolEvent(unknown=t.FORBIDDEN_BUTTON)
    cb = ReminderCb.filter
    router.callback_query.register(
        snooze_button, librarian, cb(F.action == ReminderAction.SNOOZE), school_event
    )
    router.callback_query.register(
        rsvp_button,
        librarian,
        cb(F.action.in_({ReminderAction.YES, ReminderAction.NO})),
        school_event,
    )
    router.callback_query.register(
        nudge_button,
        coordinator,
        cb(F.action == ReminderAction.NUDGE),
        DistrictEvent(unknown=t.FORBIDDEN_BUTTON),
    )
    router.message.register(settings_command, librarian, Command("settings"))
    router.callback_query.register(
        settings_toggle,
        librarian,
        SettingsCb.filter(F.action.in_({SettingsAction.MUTE, SettingsAction.UNMUTE})),
    )
    only_coordinator = HasRole(Role.COORDINATOR)  # a super-admin reviews no district's marks
    router.message.register(coordinator_settings_command, only_coordinator, Command("settings"))
    router.callback_query.register(
        coordinator_settings_toggle,
        only_coordinator,
        SettingsCb.filter(F.action.in_({SettingsAction.REVIEW_NOW, SettingsAction.REVIEW_DIGEST})),
    )
    return router
