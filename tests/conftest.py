"""Fixtures: a migrated SQLite file per test, settings, the real Dispatcher and a client."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.outbox_sender import OutboxSender, RateLimiter, SenderConfig
from models import Invitation, User
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.catalogue import load_catalogue_file
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.schools import add_school
from services.users import TelegramProfile, ensure_super_admin, get_or_create_user
from tests.harness import TOKEN, Client, Person, RecordingSession, make_bot

ROOT = Path(__file__).resolve().parent.parent

# property-based tests: a few examples in `make test`; HYPOTHESIS_PROFILE=long for a deep run
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
hypothesis_settings.register_profile(
    "default", max_examples=12, deadline=None, database=None, suppress_health_check=_SLOW_OK
)
hypothesis_settings.register_profile(
    "long", max_examples=500, deadline=None, database=None, suppress_health_check=_SLOW_OK
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
ADMIN = Person(id=1001, first_name="Ирина", last_name="Админова")
COORDINATOR = Person(id=2001, first_name="Ольга", last_name="Методистова")
LIBRARIAN = Person(id=3001, first_name="Анна", last_name="Петрова")
STRANGER = Person(id=9001, first_name="Гость", last_name=None)
OTHER = Person(id=3050, first_name="Ольга", last_name="Другая")


class FixedClock:
    """An injected clock that tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the real Alembic migrations once; each test copies the file."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> str:
    target = tmp_path / "bot.db"
    shutil.copy(migrated_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=db_url,
        admin_ids=[ADMIN.id],
        catalogue_path=str(ROOT / "data" / "roadmap.toml"),
    )


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_pool(engine)


@pytest.fixture
async def session(session_pool: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_pool.begin() as session:
        yield session


@pytest.fixture
async def catalogue(session_pool: async_sessionmaker[AsyncSession]) -> None:
    async with session_pool.begin() as session:
        await load_catalogue_file(session, ROOT / "data" / "roadmap.toml")


@pytest.fixture
def recording() -> Iterator[RecordingSession]:
    session = RecordingSession()
    yield session
    assert not session.violations, f"Bot API violations: {session.violations}"


@pytest.fixture
def bot(recording: RecordingSession) -> Bot:
    return make_bot(recording)


@pytest.fixture
def dp(
    settings: Settings, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> Dispatcher:
    return build_dispatcher(settings, session_pool, clock)


@pytest.fixture
def sender(
    bot: Bot,
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> OutboxSender:
    """The real outbox sender with the recording bot; no waiting between messages."""
    limiter = RateLimiter(1_000_000, chat_interval=0, group_interval=0)
    config = SenderConfig(tz=settings.tz, quiet=settings.quiet)
    return OutboxSender(bot, session_pool, config, clock, limiter)


@pytest.fixture
def client(dp: Dispatcher, bot: Bot, recording: RecordingSession, sender: OutboxSender) -> Client:
    return Client(dp=dp, bot=bot, session=recording, sender=sender)


@pytest.fixture
async def district_setup(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> DistrictSetup:
    """A district with a registered coordinator and one school with its librarian link."""
    async with session_pool.begin() as session:
        admin = await ensure_super_admin(
            session, TelegramProfile(ADMIN.id, None), "Ирина Админова", clock
        )
        district = await create_district(session, "Иглинский район", clock)
        invite = await create_coordinator_invite(session, district.id, admin, clock)
        coordinator = await get_or_create_user(
            session, TelegramProfile(COORDINATOR.id, None), clock
        )
        await accept_invitation(session, coordinator, invite.token, "Ольга Методистова", clock)
        school = await add_school(
            session,
            district.id,
            "Муниципальное бюджетное общеобразовательное учреждение СОШ № 1 с. Иглино",
            "МБОУ СОШ № 1 с. Иглино",
            coordinator,
            clock,
        )
        assert isinstance(coordinator, User)
        return DistrictSetup(district_id=district.id, school_id=school.id)


class DistrictSetup:
    def __init__(self, district_id: int, school_id: int) -> None:
        self.district_id = district_id
        self.school_id = school_id


async def join_school(
    client: Client, person: Person, session_pool: async_sessionmaker[AsyncSession], school_id: int
) -> None:
    """A librarian joins a school through the real /start flow."""
    async with session_pool.begin() as session:
        token = await session.scalar(
            select(Invitation.token).where(
                Invitation.school_id == school_id, Invitation.revoked_at.is_(None)
            )
        )
    await client.send(person, f"/start {token}")
    await client.press(person, "✅ Да, это моя школа")
    await client.send(person, f"{person.first_name} {person.last_name or 'Иванова'}")


@pytest.fixture
async def two_schools(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> tuple[int, int]:
    async with session_pool.begin() as session:
        other = await add_school(
            session, district_setup.district_id, "Вторая школа полностью", "СОШ № 2", None, clock
        )
        other_id = other.id
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await join_school(client, OTHER, session_pool, other_id)
    client.clear()
    return district_setup.school_id, other_id
