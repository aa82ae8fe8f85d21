"""The outbox sender against the fake Bot API over HTTP: limits, 429, 403, 400, 5xx, leases."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox_sender import OutboxSender, RateLimiter, SenderConfig
from models import Notification, NotificationStatus, Role, User
from services.outbox import MAX_ATTEMPTS, Button, Outgoing, QuietHours, plan
from tests.conftest import FixedClock
from tests.fake_bot_api import FakeBotAPI

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 12:00 local


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_rate_limiter_spacing_and_pause() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, chat_interval=1.0, monotonic=fake.monotonic, sleep=fake.sleep)
    starts = []
    for chat in (1, 2, 3):
        await limiter.acquire(chat)
        starts.append(round(fake.now, 3))
    assert starts == [0.0, 0.1, 0.2]  # global rate, no burst
    await limiter.acquire(1)
    assert round(fake.now, 3) == 1.0  # one message a second to one chat
    await limiter.acquire(-100)
    await limiter.acquire(-100)
    assert round(fake.now, 3) == 4.1  # a group: 20 a minute
    limiter.pause(5)
    await limiter.acquire(7)
    assert round(fake.now, 3) == 9.1  # a 429 pauses everything


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def http_bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = Bot(
        token="123456:AAtest-token-for-outbox-0000000000000",
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
    )
    yield bot
    await bot.session.close()


@pytest.fixture
def out_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def make_sender(
    http_bot: Bot, session_pool: async_sessionmaker[AsyncSession], out_clock: FixedClock
) -> OutboxSender:
    config = SenderConfig(tz=TZ, quiet=QuietHours(), rate=1000)
    limiter = RateLimiter(1000, chat_interval=0)
    return OutboxSender(http_bot, session_pool, config, out_clock, limiter)


async def add_user(session_pool: async_sessionmaker[AsyncSession], chat_id: int) -> int:
    async with session_pool() as session:
        user = User(
            telegram_id=chat_id,
            full_name="Тест",
            role=Role.LIBRARIAN,
            is_active=True,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(user)
        await session.commit()
        return user.id


async def plan_one(
    session_pool: async_sessionmaker[AsyncSession],
    chat_id: int,
    *,
    user_id: int | None = None,
    expires_at: datetime | None = None,
    key: str = "k",
) -> None:
    async with session_pool.begin() as session:
        await plan(
            session,
            [
                Outgoing(
                    dedupe_key=f"{key}:{chat_id}",
                    purpose="test",
                    chat_id=chat_id,
                    text="Проверка связи",
                    buttons=((Button("Ок", "nav:ok"),),),
                    due_at=NOW,
                    user_id=user_id,
                    expires_at=expires_at,
                )
            ],
            NOW,
        )


async def rows(session: AsyncSession) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id).execution_options(populate_existing=True)
    return list((await session.scalars(stmt)).all())


async def test_sends_with_buttons_and_records_message_id(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    await plan_one(session_pool, 501)
    await plan_one(session_pool, 501)  # planned twice: one row
    assert await make_sender.drain() == 1
    assert [d.chat_id for d in fake.delivered] == [501]
    request = fake.calls("sendMessage")[0]
    assert request.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "nav:ok"
    (row,) = await rows(session)
    assert row.status is NotificationStatus.SENT
    assert row.message_id == fake.delivered[0].message_id
    assert row.sent_at == NOW


async def test_429_pauses_and_retries_the_same_row(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    out_clock: FixedClock,
) -> None:
    await plan_one(session_pool, 502)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await make_sender.run_once()
    (row,) = await rows(session)
    assert row.status is NotificationStatus.PENDING
    assert row.attempts == 0  # a 429 is a wait, not a failed attempt
    assert row.next_attempt_at == NOW + timedelta(seconds=1)
    assert await make_sender.run_once() == 0  # not due yet
    out_clock.now = NOW + timedelta(seconds=1)
    await make_sender.drain()
    (row,) = await rows(session)
    assert row.status is NotificationStatus.SENT
    assert fake.count_429 == 1 and len(fake.delivered) == 1


async def test_403_marks_user_inactive_and_never_retries(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    out_clock: FixedClock,
) -> None:
    user_id = await add_user(session_pool, 503)
    await plan_one(session_pool, 503)
    fake.blocked.add(503)
    await make_sender.drain()
    (row,) = await rows(session)
    assert row.status is NotificationStatus.BLOCKED
    active = await session.scalar(
        select(User.is_active).where(User.id == user_id).execution_options(populate_existing=True)
    )
    assert active is False
    out_clock.now = NOW + timedelta(hours=1)
    assert await make_sender.drain() == 0
    assert len(fake.calls("sendMessage")) == 1


async def test_400_chat_not_found_fails_the_row(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    await plan_one(session_pool, 504)
    fake.missing_chats.add(504)
    await make_sender.drain()
    (row,) = await rows(session)
    assert row.status is NotificationStatus.FAILED
    assert "chat not found" in row.last_error
    assert await make_sender.drain() == 0  # a missing chat is not tried again
    assert len(fake.calls("sendMessage")) == 1


async def test_server_errors_back_off_then_fail(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    out_clock: FixedClock,
) -> None:
    await plan_one(session_pool, 505)
    fake.fail_next("sendMessage", 502, "Bad Gateway", times=MAX_ATTEMPTS)
    delays = []
    for _ in range(MAX_ATTEMPTS):
        await make_sender.run_once()
        (row,) = await rows(session)
        if row.status is not NotificationStatus.PENDING:
            break
        delays.append((row.next_attempt_at - out_clock.now).total_seconds())
        out_clock.now = row.next_attempt_at
    assert delays == [5, 10, 20, 40]  # bounded exponential backoff
    (row,) = await rows(session)
    assert row.status is NotificationStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "Bad Gateway" in row.last_error
    assert not fake.delivered


async def test_expired_rows_are_not_sent(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    await plan_one(session_pool, 506, expires_at=NOW - timedelta(minutes=1))
    await make_sender.drain()
    (row,) = await rows(session)
    assert row.status is NotificationStatus.EXPIRED
    assert not fake.calls("sendMessage")


async def test_a_row_left_sending_after_a_crash_is_sent_once_more(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    out_clock: FixedClock,
) -> None:
    await plan_one(session_pool, 507)
    async with session_pool() as s:
        await s.execute(
            update(Notification).values(
                status=NotificationStatus.SENDING, lease_until=NOW + timedelta(seconds=60)
            )
        )
        await s.commit()
    assert await make_sender.run_once() == 0  # still leased to the crashed sender
    out_clock.now = NOW + timedelta(seconds=61)
    assert await make_sender.drain() == 1
    (row,) = await rows(session)
    assert row.status is NotificationStatus.SENT
    assert len(fake.delivered) == 1


async def test_a_crash_leaves_only_the_messages_in_flight_leased(
    fake: FakeBotAPI,
    http_bot: Bot,
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    out_clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for chat_id in range(600, 640):
        await plan_one(session_pool, chat_id)
    config = SenderConfig(tz=TZ, quiet=QuietHours(), rate=1000, concurrency=4)
    # a sender whose sends stall after the first (one slot in 1,000 s), then "crashes"
    stalled = OutboxSender(http_bot, session_pool, config, out_clock, RateLimiter(0.001))
    crashed = asyncio.create_task(stalled.run_once())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if fake.delivered:
            break
    crashed.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await crashed
    in_flight = [r.id for r in await rows(session) if r.status is NotificationStatus.SENDING]
    assert 3 <= len(in_flight) <= config.concurrency  # the rows in flight; not a batch of 100
    pending = [r for r in await rows(session) if r.status is NotificationStatus.PENDING]
    assert len(pending) == 36
    sender = OutboxSender(
        http_bot, session_pool, config, out_clock, RateLimiter(1000, chat_interval=0)
    )
    caplog.set_level(logging.INFO, logger="bot.outbox_sender")
    assert await sender.drain() == 36  # the others go at once; those in flight wait
    out_clock.now = NOW + config.lease + timedelta(seconds=1)
    assert await sender.drain() == len(in_flight)
    assert {r.status for r in await rows(session)} == {NotificationStatus.SENT}
    assert all(r.last_error == "" for r in await rows(session))
    assert {d.chat_id for d in fake.delivered} == set(range(600, 640))
    resent = [r.getMessage() for r in caplog.records if "lease ran out" in r.getMessage()]
    assert resent == [
        f"re-sending {len(in_flight)} notifications whose lease ran out: {in_flight}"
    ]
    assert any(r.getMessage().startswith("outbox batch of 4 in") for r in caplog.records)


async def test_blocked_and_failed_rows_are_logged_with_ids_only(
    fake: FakeBotAPI,
    make_sender: OutboxSender,
    session_pool: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await add_user(session_pool, 503)
    await plan_one(session_pool, 503)
    fake.blocked.add(503)
    caplog.set_level(logging.INFO, logger="bot.outbox_sender")
    await make_sender.drain()
    lines = [r.getMessage() for r in caplog.records]
    assert "notification 1: chat 503 blocked the bot, marked inactive" in lines
    assert not any("Проверка связи" in line or "Тест" in line for line in lines)
