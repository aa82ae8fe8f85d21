"""Ownership filters: a button or a form naming another district's record, or none at all."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import (
    EventAction,
    EventCb,
    ReminderAction,
    ReminderCb,
    ReviewAction,
    ReviewCb,
    SchoolAction,
    SchoolCb,
)
from models import Event, EventSchool, EventStatus
from tests.conftest import ADMIN, COORDINATOR, DistrictSetup, FixedClock
from tests.harness import Client
from tests.test_confirmations import foreign_event, make_event


async def test_each_refusal_is_one_answer_and_changes_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    foreign = await foreign_event(session_pool, clock)
    cases = [
        (EventCb(action=EventAction.OPEN, event_id=99999), ev.UNKNOWN_EVENT),
        # another district's record: the same answer as one that does not exist
        (EventCb(action=EventAction.OPEN, event_id=foreign), ev.UNKNOWN_EVENT),
        (EventCb(action=EventAction.AUDIENCE_ALL, event_id=foreign), ev.UNKNOWN_EVENT),
        (EventCb(action=EventAction.STATUS_OK, event_id=99999, arg="open"), ev.UNKNOWN_EVENT),
        (ReviewCb(action=ReviewAction.ACCEPT, confirmation_id=99999), t.STALE_BUTTON),
        (SchoolCb(action=SchoolAction.OPEN, school_id=99999), t.STALE_BUTTON),
        (ReminderCb(action=ReminderAction.NUDGE, event_id=foreign), t.FORBIDDEN_BUTTON),
        (ReminderCb(action=ReminderAction.NUDGE, event_id=99999), t.FORBIDDEN_BUTTON),
    ]
    for data, alert in cases:
        client.clear()
        await client.press_data(COORDINATOR, data.pack())
        # the filter's answer only: neither the handler nor the fallback answered too
        assert client.alerts() == [alert], data
        assert len(client.calls("AnswerCallbackQuery")) == 1, data
        assert not client.calls("EditMessageText"), data
        assert not client.calls("SendMessage"), data
    status = await session.scalar(select(Event.status).where(Event.id == foreign))
    assert status is EventStatus.OPEN


async def test_a_school_of_the_audience_must_be_the_districts(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    await foreign_event(session_pool, clock)  # its school has the next id
    for arg in (str(district_setup.school_id + 1), "99999", "not-a-number"):
        client.clear()
        await client.press_data(
            COORDINATOR,
            EventCb(action=EventAction.AUDIENCE_TOGGLE, event_id=event_id, arg=arg).pack(),
        )
        assert client.alerts() == [t.FORBIDDEN_BUTTON], arg
    assert await session.scalar(select(func.count()).select_from(EventSchool)) == 0


async def test_a_form_naming_a_lost_event_ends(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    await client.press_data(
        COORDINATOR,
        EventCb(action=EventAction.EDIT_FIELD, event_id=event_id, arg="title").pack(),
    )
    assert client.last_text(COORDINATOR) == ev.ASK_FIELD["title"]
    async with session_pool.begin() as session:  # the event goes away meanwhile
        event = await session.get(Event, event_id)
        await session.delete(event)
    await client.send(COORDINATOR, "Новое название")
    assert client.last_text(COORDINATOR) == ev.UNKNOWN_EVENT
    await client.send(COORDINATOR, "Ещё одно название")  # the form has ended
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT


async def test_no_district_is_told_once(client: Client) -> None:
    """A super-admin who has not chosen a district yet."""
    for command in ("/events", "/schools", "/newevent"):
        client.clear()
        await client.send(ADMIN, command)
        assert client.last_text(ADMIN) == s.NO_DISTRICT, command
        assert len(client.calls("SendMessage")) == 1, command
