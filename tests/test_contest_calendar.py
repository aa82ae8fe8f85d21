"""A contest's deadline is an event of the calendar, moved only through its contest: a calendar
file neither moves nor deletes it, and the /events card offers no way to edit or reopen it."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import events as ev
from bot.toolkit.callbacks import EventAction, EventCb, TaskAction, TaskCb
from models import Contest, Event
from services.calendar_default import read_default_calendar
from services.events import input_from_row, replace_calendar
from tests.conftest import COORDINATOR, LIBRARIAN, ROOT, DistrictSetup, FixedClock, join_school
from tests.contest_helpers import TZ, make_contest
from tests.dump import dump_tables
from tests.harness import Client


async def test_a_calendar_file_keeps_a_draft_contests_deadline(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
    catalogue: None,
) -> None:
    rows = [
        input_from_row(row) for row in read_default_calendar(ROOT / "data/calendar_2026_27.toml")
    ]
    district = district_setup.district_id
    async with session_pool.begin() as s:
        await replace_calendar(s, district, rows, TZ, clock)
    # the draft contest takes the calendar's placeholder over, with its own deadline
    contest_id = await make_contest(
        session_pool, district, clock, key="reading-families", days=40, opened=False
    )
    async with session_pool() as s:
        contest = await s.get(Contest, contest_id)
        assert contest is not None
        event = await s.get(Event, contest.event_id)
        assert event is not None and event.code == "contest-reading-families"
        held = (event.id, event.deadline_at, event.title)
    # the same file again, and a file without the contest's row: the event stays as it is
    async with session_pool.begin() as s:
        await replace_calendar(s, district, rows, TZ, clock)
        await replace_calendar(
            s, district, [r for r in rows if r.code != "contest-reading-families"], TZ, clock
        )
    async with session_pool() as s:
        event = await s.get(Event, held[0])
        assert event is not None
        assert (event.id, event.deadline_at, event.title) == held


async def test_the_events_card_cannot_edit_a_contests_deadline(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    async with session_pool() as s:
        event_id = await s.scalar(select(Contest.event_id).where(Contest.id == contest_id))
    assert event_id is not None
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert ev.MANAGED_BY_CONTEST.strip() in client.last_text(COORDINATOR)
    assert ev.BTN_EDIT not in client.buttons(COORDINATOR)
    for action, arg in (
        (EventAction.EDIT, ""),
        (EventAction.EDIT_FIELD, "dates"),
        (EventAction.AUDIENCE, ""),
        (EventAction.AUDIENCE_ALL, ""),
        (EventAction.OCCASION, "none"),
    ):
        before = await dump_tables(session_pool)
        client.clear()
        data = EventCb(action=action, event_id=event_id, arg=arg).pack()
        await client.press_data(COORDINATOR, data)
        assert client.alerts() == [ev.MANAGED_BY_CONTEST.strip()], action
        assert await dump_tables(session_pool) == before


async def test_a_contests_deadline_is_not_confirmed_through_tasks(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    """A forged «Отметить выполнение» for a contest's event opens no confirmation form."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    async with session_pool() as s:
        event_id = await s.scalar(select(Contest.event_id).where(Contest.id == contest_id))
    assert event_id is not None
    for action in (TaskAction.OPEN, TaskAction.CONFIRM):
        before = await dump_tables(session_pool)
        client.clear()
        await client.press_data(LIBRARIAN, TaskCb(action=action, event_id=event_id).pack())
        assert client.alerts() == [ev.UNKNOWN_EVENT], action
        assert await dump_tables(session_pool) == before


async def test_the_contests_deadline_is_in_calendar_and_its_ics_file(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_contest(session_pool, district_setup.district_id, clock)
    await client.send(LIBRARIAN, "/calendar")
    listed = client.last_text(LIBRARIAN)
    assert "Конкурс «Самый талантливый читатель»: приём заявок" in listed
    assert "25.12.2026 18:00" in listed
    await client.press(LIBRARIAN, ev.BTN_ICS)
    document = client.calls("SendDocument")[-1].param("document")
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(document.data).walk("VEVENT")}
    assert any("Самый талантливый читатель" in title for title in titles), titles
