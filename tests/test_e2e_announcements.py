"""End to end: an announcement sent by the real `python -m bot` process to the fake Bot API.

The test process plays the coordinator through the services (a draft, «Отправить», «Остановить»)
in the bot's own SQLite file; the bot process only sees the outbox rows and sends the copies.
Evidence: the requests the fake recorded (one successful sendMessage per copy) and the rows.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.texts.announcements import copy as tc
from bot.toolkit.announcement_copy import copy_extras
from models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    District,
    Notification,
    NotificationStatus,
    Role,
    School,
    User,
)
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.announcements.content import Content
from services.announcements.sending import Progress, new_draft, progress, send, stop
from tests.e2e import BotProcess
from tests.fake_bot_api import FakeBotAPI

COORDINATOR_CHAT = 690_000
FIRST_CHAT = 710_000
TEXT = "Уважаемые коллеги! Отчёт о работе ШИБЦ сдаём до пятницы."
BOLD = {"type": "bold", "offset": 0, "length": 18}


@dataclass
class Setup:
    engine: AsyncEngine
    pool: async_sessionmaker[AsyncSession]
    announcement_id: int
    chats: list[int]  # every librarian's chat, in order


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def prepare(db: Path, librarians: int, schools: int) -> Setup:
    """A district, its coordinator with a draft, `librarians` active librarians in `schools`."""
    url = f"sqlite+aiosqlite:///{db}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    now = datetime.now(UTC)
    async with pool.begin() as session:
        district = District(name="Иглинский район", created_at=now)
        session.add(district)
        await session.flush()
        rows = [
            School(
                district_id=district.id,
                full_name=f"МБОУ СОШ № {n + 1} полностью",
                short_name=f"СОШ № {n + 1}",
                created_at=now,
            )
            for n in range(schools)
        ]
        session.add_all(rows)
        await session.flush()
        coordinator = User(
            telegram_id=COORDINATOR_CHAT,
            full_name="Ольга Методистова",
            role=Role.COORDINATOR,
            is_active=True,
            district_id=district.id,
            created_at=now,
            updated_at=now,
        )
        session.add(coordinator)
        session.add_all(
            User(
                telegram_id=FIRST_CHAT + n,
                full_name=f"Библиотекарь {n}",
                role=Role.LIBRARIAN,
                is_active=True,
                district_id=district.id,
                school_id=rows[n % schools].id,
                created_at=now,
                updated_at=now,
            )
            for n in range(librarians)
        )
        await session.flush()
        draft = await new_draft(session, coordinator, Content(TEXT, (BOLD,)), now)
        announcement_id = draft.id
    chats = [FIRST_CHAT + n for n in range(librarians)]
    return Setup(engine, pool, announcement_id, chats)


async def press_send(setup: Setup) -> None:
    """«Отправить N получателям»: one transaction, as the handler's unit of work."""
    async with setup.pool.begin() as session:
        await send(session, setup.announcement_id, copy_extras, datetime.now(UTC))


def copies(fake: FakeBotAPI) -> Counter[int]:
    """Chats that got the announcement: successful sendMessage requests with its text."""
    return Counter(
        int(r.chat_id)
        for r in fake.calls("sendMessage")
        if r.ok and r.params.get("text") == TEXT and isinstance(r.chat_id, int)
    )


async def counts(setup: Setup) -> Progress:
    async with setup.pool() as session:
        return await progress(session, setup.announcement_id)


async def wait_until_done(setup: Setup, bot: BotProcess, timeout: float) -> Progress:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        now = await counts(setup)
        if now.done:
            return now
        assert loop.time() < deadline, f"still waiting: {now}\n{bot.output()[-3000:]}"
        await asyncio.sleep(0.2)


async def wait_copies(fake: FakeBotAPI, at_least: int, timeout: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while sum(copies(fake).values()) < at_least:
        assert loop.time() < deadline, fake.dump_requests()
        await asyncio.sleep(0.01)


async def test_500_recipients_with_blocked_users_a_429_and_two_500s(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    setup = await prepare(tmp_path / "bot.db", librarians=500, schools=50)
    blocked = set(setup.chats[7::25])  # 20 librarians, still active in the bot's database
    assert len(blocked) == 20
    fake.blocked = set(blocked)
    bot = BotProcess(fake, tmp_path, SEND_RATE="30")
    await bot.start()
    try:
        await press_send(setup)
        await wait_copies(fake, 60)
        # mid-send: Telegram answers 429 once, then 500 twice
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        fake.fail_next("sendMessage", 500, "Internal Server Error", times=2)
        final = await wait_until_done(setup, bot, timeout=90)
        await asyncio.sleep(0.5)  # a late duplicate would show up here
    finally:
        code = await bot.stop()
    assert code == 0, bot.output()[-3000:]

    reachable = set(setup.chats) - blocked
    got = copies(fake)
    assert set(got) == reachable
    assert set(got.values()) == {1}, got.most_common(5)
    # every copy as typed: the entities kept, the buttons «Задать вопрос» under it
    sample = next(r for r in fake.calls("sendMessage") if r.ok and r.params.get("text") == TEXT)
    assert sample.params["entities"] == [BOLD]
    assert tc.BTN_ASK in str(sample.params["reply_markup"])
    # the injected failures were met (and nothing else went wrong)
    assert (fake.count_429, fake.error_counts[500], fake.count_403) == (1, 2, 20)
    refused = Counter(r.chat_id for r in fake.calls("sendMessage") if r.status == 403)
    assert refused == dict.fromkeys(blocked, 1)  # a 403 is never retried

    assert (final.total, final.sent, final.unreachable, final.waiting, final.failed) == (
        500,
        480,
        20,
        0,
        0,
    )
    assert final.cancelled == 0
    async with setup.pool() as session:
        inactive = set(
            (
                await session.scalars(
                    select(User.telegram_id).where(
                        User.role == Role.LIBRARIAN, User.is_active.is_(False)
                    )
                )
            ).all()
        )
        rows = (
            await session.execute(
                select(AnnouncementRecipient.chat_id, Notification.status, Notification.attempts)
                .join(Notification, Notification.id == AnnouncementRecipient.notification_id)
                .where(AnnouncementRecipient.announcement_id == setup.announcement_id)
            )
        ).all()
    await setup.engine.dispose()
    assert inactive == blocked
    statuses = {chat: status for chat, status, _ in rows}
    assert {c for c, s in statuses.items() if s is NotificationStatus.BLOCKED} == blocked
    assert {c for c, s in statuses.items() if s is NotificationStatus.SENT} == reachable
    # the two copies refused with 500 were sent on their second attempt
    assert sorted(a for _, _, a in rows if a > 1) == [2, 2]


async def test_killed_mid_announcement_and_restarted(fake: FakeBotAPI, tmp_path: Path) -> None:
    concurrency = 8
    setup = await prepare(tmp_path / "bot.db", librarians=150, schools=15)
    env = {"SEND_RATE": "20", "SENDER_LEASE": "2", "SENDER_CONCURRENCY": str(concurrency)}
    bot = BotProcess(fake, tmp_path, **env)
    await bot.start()
    await press_send(setup)
    await wait_copies(fake, 40)
    await bot.stop(signal.SIGKILL)
    at_kill = sum(copies(fake).values())
    assert at_kill < len(setup.chats), "the kill came too late to test anything"

    bot2 = BotProcess(fake, tmp_path, **env)
    await bot2.start()
    try:
        final = await wait_until_done(setup, bot2, timeout=60)
        await asyncio.sleep(1)  # a late duplicate would show up here
    finally:
        code = await bot2.stop()
    await setup.engine.dispose()
    assert code == 0, bot2.output()[-3000:]

    got = copies(fake)
    assert set(got) == set(setup.chats), "somebody missed the announcement"
    duplicates = sum(n - 1 for n in got.values())
    assert duplicates <= concurrency, got.most_common(concurrency + 2)
    assert (final.sent, final.waiting, final.failed, final.unreachable) == (150, 0, 0, 0)


async def test_stop_mid_send_leaves_the_rest_unsent(fake: FakeBotAPI, tmp_path: Path) -> None:
    concurrency = 4
    setup = await prepare(tmp_path / "bot.db", librarians=60, schools=6)
    bot = BotProcess(fake, tmp_path, SEND_RATE="5", SENDER_CONCURRENCY=str(concurrency))
    await bot.start()
    try:
        await press_send(setup)
        await wait_copies(fake, 8)
        # «Остановить», pressed by the coordinator while the bot sends
        async with setup.pool.begin() as session:
            announcement = await session.get(Announcement, setup.announcement_id)
            assert announcement is not None
            held = await stop(session, announcement, datetime.now(UTC))
        at_stop = sum(copies(fake).values())
        final = await wait_until_done(setup, bot, timeout=30)
        await asyncio.sleep(1.5)  # at SEND_RATE=5 seven more copies would have gone by now
    finally:
        code = await bot.stop()
    assert code == 0, bot.output()[-3000:]

    got = copies(fake)
    after_stop = sum(got.values()) - at_stop
    assert after_stop <= concurrency, f"{after_stop} copies after «Остановить»"
    assert set(got.values()) == {1}
    assert final.sent == len(got) < len(setup.chats)
    assert final.sent + final.cancelled == len(setup.chats)
    assert (final.waiting, final.failed, final.unreachable) == (0, 0, 0)
    assert final.cancelled >= held > 0
    async with setup.pool() as session:
        announcement = await session.get(Announcement, setup.announcement_id)
        assert announcement is not None
        assert announcement.status is AnnouncementStatus.STOPPED
        rows = (
            await session.execute(
                select(AnnouncementRecipient.chat_id, Notification.status)
                .join(Notification, Notification.id == AnnouncementRecipient.notification_id)
                .where(AnnouncementRecipient.announcement_id == setup.announcement_id)
            )
        ).all()
    await setup.engine.dispose()
    sent = {chat for chat, status in rows if status is NotificationStatus.SENT}
    cancelled = {chat for chat, status in rows if status is NotificationStatus.CANCELLED}
    assert sent == set(got)  # a copy went out exactly where its row says so
    assert cancelled == set(setup.chats) - sent
