"""Regression tests for problems found by using the bot across days as its users would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import events as ev
from bot.texts import reminders as r
from bot.toolkit.callbacks import ReminderAction, ReminderCb, TaskAction, TaskCb
from models import (
    Confirmation,
    ConfirmationStatus,
    Event,
    EventKind,
    EventSchool,
    EventStatus,
    Notification,
    NotificationStatus,
    School,
)
from services.calendar_default import read_default_calendar
from services.confirmations import Draft, count_pending, submit
from services.errors import ValidationError
from services.events import (
    EventInput,
    create_event,
    event_input_of,
    get_event,
    input_from_row,
    replace_calendar,
    rollover,
    set_status,
    toggle_audience_school,
    update_event_fields,
)
from services.reminders import plan_summaries
from services.users import get_user
from tests.conftest import LIBRARIAN, OTHER, ROOT, FixedClock
from tests.harness import Client
from tests.test_reminders import (
    CFG,
    RENDER,
    SEMINAR,
    TZ,
    draft_event,
    local,
    notes,
    open_by_hand,
    open_event,
    plan,
)


def confirmation(event_id: int, school_id: int, **values: object) -> Confirmation:
    base: dict[str, object] = {
        "event_id": event_id,
        "school_id": school_id,
        "status": ConfirmationStatus.ACCEPTED,
        "held_on": date(2026, 10, 5),
        "participants": 10,
        "submitted_at": local(2026, 10, 5, 12, 0),
    }
    base.update(values)
    return Confirmation(**base)


async def test_calendar_files_never_move_confirmed_events_or_other_years(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    catalogue: None,
) -> None:
    rows = [
        input_from_row(row) for row in read_default_calendar(ROOT / "data/calendar_2026_27.toml")
    ]
    async with session_pool() as s:
        assert await replace_calendar(s, 1, rows, TZ, clock) == (12, 0, 0)
        month = await s.scalar(select(Event).where(Event.code == "library-month"))
        assert month is not None
        await set_status(s, month, EventStatus.OPEN, clock)
        s.add(confirmation(month.id, two_schools[0]))
        await s.commit()
        month_id = month.id
        # roll over, then load the default (2026/27) calendar again
        assert await rollover(s, 1, TZ, FixedClock(local(2026, 11, 25, 12, 0))) == 12
        assert await replace_calendar(s, 1, rows, TZ, clock) == (0, 11, 0)
        # a next-year file that uses the same codes touches only next year
        next_year = [
            EventInput(
                title="Месячник 2027",
                kind=EventKind.ACTIVITY,
                starts_on=date(2027, 10, 1),
                ends_on=date(2027, 10, 31),
                deadline_local=datetime(2027, 11, 5, 18, 0),  # noqa: DTZ001
                code="library-month",
            )
        ]
        added, updated, removed = await replace_calendar(s, 1, next_year, TZ, clock)
        assert (added, updated, removed) == (0, 1, 11)  # the other 2027 drafts go
    async with session_pool.begin() as s:
        month = await get_event(s, month_id)
        assert (month.starts_on, month.status) == (date(2026, 10, 1), EventStatus.OPEN)
        assert await s.scalar(select(func.count(Confirmation.id))) == 1
        total_2026 = await s.scalar(
            select(func.count(Event.id)).where(Event.starts_on < date(2027, 9, 1))
        )
        assert total_2026 == 12


async def test_closed_or_cancelled_events_send_nothing_more(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    await plan(session_pool, local(2026, 12, 2, 23, 30))  # waits for the morning
    async with session_pool.begin() as s:
        await set_status(s, await get_event(s, event_id), EventStatus.CANCELLED, clock)
    clock.now = local(2026, 12, 3, 9, 0)
    await client.drain()
    assert client.texts(LIBRARIAN) == client.texts(OTHER) == []
    assert {n.status for n in await notes(session)} == {NotificationStatus.CANCELLED}
    await client.press_data(
        LIBRARIAN, ReminderCb(action=ReminderAction.SNOOZE, event_id=event_id).pack()
    )
    assert client.alerts()[-1] == r.EVENT_NOT_OPEN
    async with session_pool.begin() as s:
        assert await plan_summaries(s, local(2026, 12, 5, 18, 0), CFG, RENDER) == 0


async def test_a_moved_deadline_restarts_reminders(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    assert await plan(session_pool, local(2026, 12, 5, 9, 1)) == 2  # the last one
    clock.now = local(2026, 12, 5, 9, 1)
    await client.drain()
    async with session_pool.begin() as s:
        event = await get_event(s, event_id)
        moved = replace(event_input_of(event, TZ), deadline_local=datetime(2026, 12, 15, 18, 0))  # noqa: DTZ001
        await update_event_fields(s, event, moved, TZ, clock)
    assert await plan(session_pool, local(2026, 12, 8, 10, 1)) == 2  # d7 of the new deadline
    clock.now = local(2026, 12, 8, 10, 1)
    await client.drain()
    assert "15.12.2026 18:00" in client.last_text(OTHER)


async def test_colleagues_do_not_overwrite_each_other(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    draft = Draft(held_on=date(2026, 11, 20), participants=25, description="")
    async with session_pool.begin() as s:
        anna = await get_user(s, LIBRARIAN.id)
        assert anna is not None
        await submit(s, anna, event_id, draft, TZ, clock, base_version=0)
        with pytest.raises(ValidationError) as stale:
            await submit(s, anna, event_id, draft, TZ, clock, base_version=0)
        assert stale.value.code == "changed_by_colleague"
        done = await submit(s, anna, event_id, draft, TZ, clock, base_version=1)
        assert done.version == 2


async def test_fixing_a_returned_confirmation_late_keeps_it_on_time(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    draft = Draft(held_on=date(2026, 11, 20), participants=25, description="")
    async with session_pool() as s:
        anna = await get_user(s, LIBRARIAN.id)
        assert anna is not None
        row = await submit(s, anna, event_id, draft, TZ, clock)
        assert row.is_late is False
        row.status = ConfirmationStatus.RETURNED
        await s.commit()
        after = FixedClock(local(2026, 12, 7, 12, 0))
        row = await submit(s, anna, event_id, draft, TZ, after)
        assert row.is_late is False


async def test_rollover_keeps_a_chosen_audience(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    async with session_pool.begin() as s:
        event = await create_event(
            s,
            1,
            EventInput(
                title="Конкурс",
                kind=EventKind.CONTEST_DEADLINE,
                starts_on=date(2026, 11, 1),
                ends_on=date(2026, 11, 30),
                deadline_local=datetime(2026, 12, 1, 18, 0),  # noqa: DTZ001
                code="contest",
                recurrence="yearly",
            ),
            TZ,
            clock,
        )

        school = await s.get(School, two_schools[1])
        assert school is not None
        await toggle_audience_school(s, event, school, clock)
        assert await rollover(s, 1, TZ, clock) == 1
        copies = (await s.scalars(select(EventSchool.school_id))).all()
        assert sorted(copies) == [two_schools[1], two_schools[1]]


async def test_snooze_never_follows_the_last_reminder_and_nothing_before_start(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    clock.now = local(2026, 12, 4, 10, 1)
    await plan(session_pool, clock.now)
    await client.drain()
    planned = await session.scalar(select(func.count(Notification.id)))
    await client.press(OTHER, r.BTN_SNOOZE)
    assert client.alerts()[-1].startswith("Завтра будет уже поздно")
    assert await session.scalar(select(func.count(Notification.id))) == planned  # no snooze row
    # an event that starts later: no reminders before its period, no form either
    later = await open_event(
        session_pool,
        clock,
        1,
        datetime(2026, 12, 20, 18, 0),  # noqa: DTZ001
        starts=date(2026, 12, 15),
    )
    assert await plan(session_pool, local(2026, 12, 13, 10, 1)) == 0  # d7 falls before 15.12
    await client.press_data(LIBRARIAN, TaskCb(action=TaskAction.CONFIRM, event_id=later).pack())
    assert client.alerts()[-1] == ev.NOT_STARTED.format(starts="15.12.2026")
    del event_id


async def test_cancelled_events_leave_review(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    async with session_pool() as s:
        s.add(confirmation(event_id, two_schools[0], status=ConfirmationStatus.SUBMITTED))
        await s.commit()
        assert await count_pending(s, 1) == 1
        await set_status(s, await get_event(s, event_id), EventStatus.CANCELLED, clock)
        assert await count_pending(s, 1) == 0


async def test_seminar_day_before_asks_only_those_who_did_not_answer(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    # since the hardening issue (item 20) the invitation leaves when the seminar is opened
    await open_by_hand(client, await draft_event(session_pool, clock, SEMINAR))
    await client.drain()
    await client.press(LIBRARIAN, r.BTN_WILL_COME)
    await client.press(OTHER, r.BTN_CANNOT)
    client.clear()
    clock.now = local(2026, 12, 9, 10, 1)
    assert await plan(session_pool, clock.now) == 1
    await client.drain()
    assert client.texts(OTHER) == []
    assert client.last_text(LIBRARIAN).startswith("📣 Напоминаем: завтра вас ждут")
