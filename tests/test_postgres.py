"""The same models, migrations and outbox claiming on PostgreSQL (the scale-out database).

Runs against the PostgreSQL server named by TEST_POSTGRES_URL (default: the local one with
trust authentication) in a throw-away database; skipped when no server answers.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.fsm_storage import SqlStorage, forms_in
from models import (
    AnnouncementRecipient,
    Base,
    Contest,
    ContestEntry,
    EventKind,
    FsmRecord,
    MonitoringRound,
    Notification,
    NotificationStatus,
    Role,
    School,
    SeminarReply,
    User,
)
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.announcements.content import Content
from services.announcements.sending import new_draft
from services.announcements.sending import send as send_announcement
from services.contests.entries import submit_entry
from services.contests.setup import create_contest, get_contest, open_contest
from services.districts import create_district
from services.errors import DuplicateError, ValidationError
from services.events import EventInput, create_event
from services.monitoring.progress import read_questionnaire_file
from services.monitoring.questionnaire import DEFAULT_FILE
from services.monitoring.rounds import open_round, school_response
from services.outbox import Outgoing, claim, plan
from services.reminders import record_seminar_reply
from services.schools import NewSchool, add_school, import_schools
from services.users import TelegramProfile, get_or_create_user
from tests.conftest import ROOT
from tests.contest_helpers import entry_input, template
from tests.stairway import table_names, walk_stairway

SERVER = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


async def _admin_engine_ok() -> bool:
    engine = create_async_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("select 1"))
        return True
    except (OSError, Exception):  # noqa: BLE001 - any failure means "no server here"
        return False
    finally:
        await engine.dispose()


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    if not await _admin_engine_ok():
        pytest.skip("no PostgreSQL server reachable")
    name = f"shibc_test_{secrets.token_hex(4)}"
    admin = create_async_engine(SERVER, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_stairway_on_postgres(pg_url: str) -> None:
    await walk_stairway(pg_url)
    assert await table_names(pg_url) == set(Base.metadata.tables) | {"alembic_version"}


@pytest.fixture
async def pg_pool(pg_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(upgrade, pg_url)
    engine = create_engine(pg_url)
    yield create_session_pool(engine)
    await engine.dispose()


async def test_services_and_concurrent_claims_on_postgres(
    pg_pool: async_sessionmaker[AsyncSession],
) -> None:
    async with pg_pool.begin() as session:
        district = await create_district(session, "Иглинский район", clock)
        await add_school(session, district.id, "Школа № 1 полностью", "СОШ № 1", None, clock)
        with pytest.raises(DuplicateError):  # Cyrillic case folding works here too
            await add_school(session, district.id, "Другая школа", "сош № 1", None, clock)
        await import_schools(
            session,
            district.id,
            [NewSchool(f"Школа номер {n} полностью", f"СОШ {n}") for n in range(2, 12)],
            None,
            clock,
        )
        assert await session.scalar(select(func.count(School.id))) == 11
        messages = [
            Outgoing(dedupe_key=f"k:{n}", purpose="test", chat_id=n, text="Привет", due_at=NOW)
            for n in range(300)
        ]
        assert await plan(session, messages, NOW) == 300
        assert await plan(session, messages, NOW) == 0  # insert-or-ignore

    async def claimer() -> list[int]:
        got: list[int] = []
        async with pg_pool.begin() as session:
            while batch := await claim(session, NOW, 25, timedelta(seconds=60)):
                got += [n.id for n in batch]
        return got

    results = await asyncio.gather(*(claimer() for _ in range(4)))
    claimed = [note_id for result in results for note_id in result]
    assert len(claimed) == 300
    assert len(set(claimed)) == 300  # FOR UPDATE SKIP LOCKED: no row claimed twice
    async with pg_pool.begin() as session:
        statuses = set((await session.scalars(select(Notification.status))).all())
    assert statuses == {NotificationStatus.SENDING}


async def test_form_state_commits_with_the_update_on_postgres(
    pg_pool: async_sessionmaker[AsyncSession],
) -> None:
    """Inside an update the form state is written in its session: commit or nothing."""
    key = StorageKey(bot_id=42, chat_id=7, user_id=7)
    storage = SqlStorage(pg_pool, clock)
    async with pg_pool() as session:
        with forms_in(session):
            await storage.set_state(key, "form:step")
            await storage.update_data(key, {"name": "Школа"})
            assert await storage.get_state(key) == "form:step"  # the update sees its own
        await session.rollback()
    assert await storage.get_state(key) is None  # rolled back: nothing kept
    async with pg_pool() as session:
        with forms_in(session):
            await storage.set_state(key, "form:step")
            await storage.update_data(key, {"name": "Школа"})
        await session.commit()
    assert await storage.get_state(key) == "form:step"
    assert await storage.get_data(key) == {"name": "Школа"}
    await storage.set_state(key, None)  # outside an update: written at once
    await storage.set_data(key, {})
    assert await storage.get_state(key) is None
    async with pg_pool.begin() as session:
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0


async def test_a_changed_seminar_answer_replaces_the_first_on_postgres(
    pg_pool: async_sessionmaker[AsyncSession],
) -> None:
    async with pg_pool.begin() as session:
        district = await create_district(session, "Иглинский район", clock)
        event = await create_event(
            session,
            district.id,
            EventInput(
                title="Семинар",
                kind=EventKind.SEMINAR,
                starts_on=date(2026, 12, 10),
                ends_on=date(2026, 12, 10),
                deadline_local=datetime(2026, 12, 10, 23, 59),  # noqa: DTZ001 - local
            ),
            ZoneInfo("Asia/Yekaterinburg"),
            clock,
        )
        user = await get_or_create_user(session, TelegramProfile(501, None), clock)
        ids = (event.id, user.id)
    async with pg_pool.begin() as session:
        await record_seminar_reply(session, *ids, True, NOW)
    async with pg_pool.begin() as session:
        await record_seminar_reply(session, *ids, False, NOW + timedelta(hours=1))
    async with pg_pool() as session:
        rows = (await session.execute(select(SeminarReply.attending))).all()
    assert [tuple(r) for r in rows] == [(False,)]


async def test_librarians_racing_past_a_contest_limit_on_postgres(
    pg_pool: async_sessionmaker[AsyncSession],
) -> None:
    """READ COMMITTED would let four count-then-insert checks all pass; the key claims hold."""
    async with pg_pool.begin() as session:
        district = await create_district(session, "Иглинский район", clock)
        school = await add_school(
            session, district.id, "Школа № 1 полностью", "СОШ № 1", None, clock
        )
        contest = await create_contest(
            session,
            district.id,
            template("talented-reader", max_per_school=2, max_per_nomination=2),
            starts_on=date(2026, 11, 25),
            deadline_local=datetime(2026, 12, 20, 18, 0),  # noqa: DTZ001 - local
            tz=ZoneInfo("Asia/Yekaterinburg"),
            user=None,
            clock=clock,
        )
        await open_contest(session, contest, clock)
        users = [
            await get_or_create_user(session, TelegramProfile(600 + n, None), clock)
            for n in range(4)
        ]
        for user in users:
            user.school_id = school.id
        ids = (contest.id, school.id, [u.id for u in users])

    async def send(n: int) -> str:
        async with pg_pool.begin() as session:
            contest = await get_contest(session, ids[0])
            school = await session.get(School, ids[1])
            user = await session.get(User, ids[2][n])
            assert school is not None and user is not None
            try:
                await submit_entry(
                    session, contest, school, user, entry_input(contest, f"Ученик {n}"), clock
                )
            except ValidationError as refused:
                return refused.code
            return "stored"

    outcomes = await asyncio.gather(*(send(n) for n in range(4)))
    assert sorted(outcomes) == ["nomination_limit", "nomination_limit", "stored", "stored"]
    async with pg_pool() as session:
        assert await session.scalar(select(func.count(ContestEntry.id))) == 2
        # the refused ones gave their numbers back: no gaps in ЧР-…-001, 002
        assert await session.scalar(select(func.max(Contest.last_number))) == 2


async def test_an_announcement_sent_twice_at_once_and_a_monitoring_draft_on_postgres(
    pg_pool: async_sessionmaker[AsyncSession],
) -> None:
    async with pg_pool.begin() as session:
        district = await create_district(session, "Иглинский район", clock)
        school = await add_school(
            session, district.id, "Школа № 1 полностью", "СОШ № 1", None, clock
        )
        coordinator = await get_or_create_user(session, TelegramProfile(2001, None), clock)
        coordinator.role, coordinator.district_id = Role.COORDINATOR, district.id
        for n in range(40):
            user = await get_or_create_user(session, TelegramProfile(5000 + n, None), clock)
            user.role, user.district_id, user.school_id = Role.LIBRARIAN, district.id, school.id
        announcement = await new_draft(session, coordinator, Content("Всем привет"), NOW)
        announcement_id, district_id = announcement.id, district.id

    async def press() -> str:
        try:
            async with pg_pool.begin() as session:
                await send_announcement(session, announcement_id, copy_extras, NOW)
        except (ValidationError, DBAPIError) as exc:
            return getattr(exc, "code", "conflict")
        return "sent"

    outcomes = sorted(await asyncio.gather(press(), press()))
    assert outcomes.count("sent") == 1, outcomes
    async with pg_pool() as session:
        assert await session.scalar(select(func.count(Notification.id))) == 40
        assert await session.scalar(select(func.count(AnnouncementRecipient.id))) == 40

    # a monitoring draft made by two librarians at once is one row
    async with pg_pool.begin() as session:
        round_ = await open_round(
            session,
            district_id,
            2026,
            read_questionnaire_file(ROOT / DEFAULT_FILE),
            "Мониторинг",
            NOW.date(),
            datetime(2026, 12, 20, 18, 0),  # noqa: DTZ001 - a local wall time
            ZoneInfo("Asia/Yekaterinburg"),
            None,
            clock,
        )
        round_id = round_.id

    async def start(telegram_id: int) -> int:
        async with pg_pool.begin() as session:
            user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
            assert user is not None
            found = await session.get(MonitoringRound, round_id)
            assert found is not None
            return (await school_response(session, found, user, NOW)).id

    ids = await asyncio.gather(start(5000), start(5001))
    assert ids[0] == ids[1]
