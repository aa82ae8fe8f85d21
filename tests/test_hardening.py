"""Bounded input and isolated failures (the hardening issue), through the real Dispatcher."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminder_texts import RussianRenderer
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts.reminders import DIGEST
from models import Event, EventStatus, Notification
from scheduler.jobs import planner_tick
from services.reminders import ReminderConfig
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Client
from tests.test_confirmations import make_event

TZ = ZoneInfo("Asia/Yekaterinburg")
YEAR_ERROR = t.VALIDATION["year_out_of_range"].format(min=2000, max=2100)


@pytest.mark.usefixtures("district_setup", "catalogue")
async def test_dates_outside_the_calendar_are_refused_in_the_new_event_and_edit_forms(
    client: Client, session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/newevent")
    await client.press(COORDINATOR, "14")
    await client.press(COORDINATOR, "семинар")
    await client.send(COORDINATOR, "Районный семинар библиотекарей")
    for period in ("01.01.0001 - 31.12.2026", "01.09.9999 - 31.12.9999"):
        await client.send(COORDINATOR, period)
        assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    await client.send(COORDINATOR, "10.12.2026 - 10.12.2026")
    await client.send(COORDINATOR, "31.12.9999 23:59")
    assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    await client.send(COORDINATOR, "11.12.2026 18:00")
    await client.press(COORDINATOR, ev.BTN_SAVE)
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["dates"])
    await client.send(COORDINATOR, "01.09.9999 - 31.12.9999")
    assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    event = await session.scalar(select(Event).execution_options(populate_existing=True))
    assert event is not None
    assert (event.starts_on, event.ends_on) == (date(2026, 12, 10), date(2026, 12, 10))


async def test_one_event_that_cannot_be_planned_does_not_stop_the_others(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    broken = await make_event(session_pool, clock, district_setup.district_id, title="Сломанное")
    good = await make_event(session_pool, clock, district_setup.district_id, title="Целое")
    async with session_pool.begin() as s:  # a row from before the bounds: year 1
        row = await s.get(Event, broken)
        assert row is not None
        row.starts_on = date(1, 1, 1)
    cfg = ReminderConfig(tz=TZ)
    clock.now = datetime(2026, 12, 2, 10, 1, tzinfo=TZ)  # the 3-day reminder is due
    caplog.set_level(logging.ERROR)
    planned = await planner_tick(session_pool, clock, cfg, RussianRenderer(TZ), DIGEST)
    assert planned == 1
    rows = (await session.scalars(select(Notification.event_id))).all()
    assert set(rows) == {good}
    assert any(
        f"reminders of event {broken} could not be planned" in r.getMessage()
        for r in caplog.records
    )
    open_events = await session.scalar(
        select(func.count()).select_from(Event).where(Event.status == EventStatus.OPEN)
    )
    assert open_events == 2
