"""A contest's deadline in the reminders: only schools that have entered nothing are reminded,
with a button to the entry, and a reminder planned before a school entered is not sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import reminders as r
from bot.toolkit.contest_callbacks import EntryAction, EntryCb
from bot.toolkit.reminder_texts import RussianRenderer
from models import Notification, School, User
from services.contests.entries import submit_entry
from services.contests.setup import get_contest
from services.reminders import ReminderConfig, plan_reminders
from tests.conftest import LIBRARIAN, OTHER, FixedClock
from tests.contest_helpers import TZ, entry_input, make_contest
from tests.harness import Client, Person

CFG = ReminderConfig(tz=TZ)


async def _enter(
    pool: async_sessionmaker[AsyncSession], contest_id: int, person: Person, clock: FixedClock
) -> None:
    async with pool.begin() as session:
        user = await session.scalar(select(User).where(User.telegram_id == person.id))
        assert user is not None and user.school_id is not None
        school = await session.get(School, user.school_id)
        assert school is not None
        contest = await get_contest(session, contest_id)
        await submit_entry(
            session, contest, school, user, entry_input(contest, f"Ученик {person.id}"), clock
        )


async def test_only_schools_without_an_entry_are_reminded(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    async with session_pool() as session:
        district_id = await session.scalar(
            select(School.district_id).where(School.id == two_schools[0])
        )
    assert district_id is not None
    contest_id = await make_contest(session_pool, district_id, clock, days=10)
    await _enter(session_pool, contest_id, LIBRARIAN, clock)
    async with session_pool() as session:
        deadline = (await get_contest(session, contest_id)).event.deadline_at
    # the 7-day step, at 10:00 local
    day = (deadline - timedelta(days=7)).astimezone(TZ).date()
    clock.now = datetime.combine(day, CFG.reminder_time, TZ) + timedelta(minutes=1)
    async with session_pool.begin() as session:
        planned = await plan_reminders(session, clock(), CFG, RussianRenderer(TZ))
    assert planned == 1
    async with session_pool() as session:
        notes = (await session.scalars(select(Notification))).all()
    assert [n.chat_id for n in notes] == [OTHER.id]
    button = notes[0].payload["buttons"][0][0]
    assert button == {
        "text": r.BTN_ENTER,
        "data": EntryCb(action=EntryAction.CARD, contest_id=contest_id).pack(),
    }
    assert "подайте заявку" in notes[0].payload["text"]

    # the other school enters before the reminder leaves: it is not sent
    await _enter(session_pool, contest_id, OTHER, clock)
    client.clear()
    await client.drain()
    assert client.texts(OTHER) == []
    async with session_pool() as session:
        note = (await session.scalars(select(Notification))).one()
    assert note.status.value == "cancelled"
