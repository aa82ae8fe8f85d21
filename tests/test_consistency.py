"""What must stay true under failures and concurrency (each found by a review, reproduced first).

The adapter, the deferred writes and the two caches must agree with the database: no write
lost or left holding SQLite's lock, no cache newer or older than what committed.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest
from aiogram import Dispatcher, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from sqlalchemy import event, make_url, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import models.sqlite_driver as driver
from bot.fsm_storage import SqlStorage
from models import District, FsmRecord, ProcessedUpdate, User
from models.db import create_session_pool
from models.deferred import discard_pending, settle, update_session
from models.sqlite_driver import OneHopConnection, OneHopDBAPI
from services.updates import UpdateLedger
from services.user_cache import UserCache
from tests.conftest import COORDINATOR
from tests.harness import Client

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
KEY = StorageKey(bot_id=1, chat_id=5, user_id=5)


def clock() -> datetime:
    return NOW


def another_process_can_write(db_url: str) -> str | None:
    """None if an independent connection (as another process would) can take the write lock."""
    connection = sqlite3.connect(str(make_url(db_url).database), timeout=0.3)
    try:
        connection.execute("INSERT INTO districts (name, created_at) VALUES ('probe', '2026')")
        connection.rollback()
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        connection.close()


async def test_a_write_behind_a_comment_is_committed_and_frees_the_lock(
    session_pool: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    async with session_pool() as session:
        await session.execute(
            text(
                "/* tag */ -- note\n INSERT INTO districts (name, created_at) VALUES ('C', '2026')"
            )
        )
        await session.commit()
    async with session_pool() as session:
        names = (await session.scalars(select(District.name))).all()
    assert "C" in names
    assert another_process_can_write(db_url) is None


async def test_a_failed_commit_is_rolled_back_and_frees_the_lock(
    engine: AsyncEngine, session_pool: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        await conn.execute(text("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))"))
    async with session_pool() as session:
        await session.execute(text("PRAGMA defer_foreign_keys=ON"))
        await session.execute(text("INSERT INTO child (parent_id) VALUES (999)"))
        with pytest.raises(IntegrityError):
            await session.commit()  # SQLite keeps the transaction open after this COMMIT
    assert another_process_can_write(db_url) is None
    async with session_pool() as session:  # and this engine's writers are not stuck either
        session.add(District(name="После сбоя", created_at=NOW))
        await asyncio.wait_for(session.commit(), 3)


async def test_a_read_only_cte_does_not_wait_for_a_writer(db_url: str) -> None:
    engine = create_async_engine(db_url, module=OneHopDBAPI(busy_timeout=0.3))
    try:
        pool = create_session_pool(engine)
        async with pool() as writer, pool() as reader:
            await writer.execute(
                text("INSERT INTO districts (name, created_at) VALUES ('W', '2026')")
            )
            rows = await reader.execute(
                text("WITH x AS (SELECT count(*) AS n FROM districts) SELECT n FROM x")
            )
            assert rows.scalar_one() == 0  # WAL: the reader sees the last commit at once
            await writer.commit()
    finally:
        await engine.dispose()


async def test_the_mark_waits_for_a_later_commit_that_writes(
    session_pool: async_sessionmaker[AsyncSession],
) -> None:
    ledger = UpdateLedger()
    async with session_pool() as session:
        with update_session(session):
            assert not await ledger.is_repeat(session, 500, 1)
            ledger.start(session, 500, 1, NOW)
            await session.commit()  # a service that commits before it has written anything
            session.add(District(name="Записано обновлением", created_at=NOW))
            await session.commit()
        settle(session)
        discard_pending(session)
    async with session_pool() as session:
        marks = (await session.scalars(select(ProcessedUpdate.update_id))).all()
    assert 500 in marks


async def test_the_form_cache_follows_commit_order(
    session_pool: async_sessionmaker[AsyncSession],
) -> None:
    storage = SqlStorage(session_pool, clock)
    first, second = session_pool(), session_pool()
    with update_session(first):
        await storage.set_state(KEY, "form:A")
        assert await storage.get_state(KEY) == "form:A"  # the update sees its own change
    assert await storage.get_state(KEY) is None  # nobody else does before it commits
    with update_session(second):
        await storage.set_state(KEY, "form:B")
    await second.commit()
    await first.commit()  # committed last: the database keeps A, and so must the cache
    await first.close()
    await second.close()
    async with session_pool() as session:
        in_db = (await session.execute(select(FsmRecord.state))).scalar_one()
    assert in_db == "form:A"
    assert await storage.get_state(KEY) == "form:A"


async def test_a_savepoint_does_not_commit_the_form(
    session_pool: async_sessionmaker[AsyncSession],
) -> None:
    storage = SqlStorage(session_pool, clock)
    async with session_pool() as session:
        with update_session(session):
            await storage.set_state(KEY, "form:step2")
            async with session.begin_nested():
                session.add(District(name="d", created_at=NOW))
            await session.rollback()  # the update fails after the savepoint
        discard_pending(session)
    async with session_pool() as session:
        assert (await session.execute(select(FsmRecord.state))).scalar_one_or_none() is None
    assert await storage.get_state(KEY) is None


async def test_a_lookup_during_a_slow_commit_does_not_keep_the_old_row(
    engine: AsyncEngine,
    session_pool: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with session_pool() as session:
        session.add(
            User(telegram_id=77, full_name="old", is_active=True, created_at=NOW, updated_at=NOW)
        )
        await session.commit()
    cache = UserCache(engine)
    real_commit = aiosqlite.Connection.commit

    async def slow_commit(self: aiosqlite.Connection) -> None:
        def run() -> None:
            time.sleep(0.2)  # a commit that takes a while (fsync, a WAL checkpoint)
            self._conn.commit()

        await self._execute(run)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "commit", slow_commit)
    committing = asyncio.Event()

    def on_commit(*_: Any) -> None:
        committing.set()

    event.listen(engine.sync_engine, "commit", on_commit)

    async def writer() -> None:
        async with session_pool() as session:
            user = await cache.get(session, 77)
            assert user is not None
            user.full_name = "new"
            await session.commit()

    async def reader() -> None:
        await committing.wait()
        async with session_pool() as session:
            await cache.get(session, 77)  # reads the row the commit is replacing

    await asyncio.gather(writer(), reader())
    event.remove(engine.sync_engine, "commit", on_commit)
    monkeypatch.setattr(aiosqlite.Connection, "commit", real_commit)
    async with session_pool() as session:
        cached = await cache.get(session, 77)
        assert cached is not None and cached.full_name == "new"


async def test_lookups_racing_with_commits_never_keep_a_stale_row(
    engine: AsyncEngine, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    async with session_pool() as session:
        session.add(
            User(telegram_id=78, full_name="v0", is_active=True, created_at=NOW, updated_at=NOW)
        )
        await session.commit()
    cache = UserCache(engine)
    stale = 0
    for i in range(1, 101):
        committing = asyncio.Event()

        def on_commit(*_: Any, ready: asyncio.Event = committing) -> None:
            ready.set()

        event.listen(engine.sync_engine, "commit", on_commit)

        async def writer(value: str) -> None:
            async with session_pool() as session:
                user = await cache.get(session, 78)
                assert user is not None
                user.full_name = value
                await session.commit()

        async def reader(ready: asyncio.Event) -> None:
            await ready.wait()
            async with session_pool() as session:
                await cache.get(session, 78)

        await asyncio.gather(writer(f"v{i}"), reader(committing))
        event.remove(engine.sync_engine, "commit", on_commit)
        async with session_pool() as session:
            user = await cache.get(session, 78)
            if user is None or user.full_name != f"v{i}":
                stale += 1
                cache.clear()
    assert stale == 0


def _probe(dp: Dispatcher) -> None:
    async def set_it(message: Message, state: FSMContext) -> None:
        await state.set_state("probe:" + str(message.text).split()[1])

    dp.message.register(set_it, F.text.startswith("проба "))


def _slow_commit(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The COMMIT's round trip takes a while (a slow disk, fsync, a checkpoint)."""
    original = driver._commit_with

    def slow(conn: Any, staged: Any) -> None:
        time.sleep(seconds)
        original(conn, staged)

    monkeypatch.setattr(driver, "_commit_with", slow)


@pytest.mark.usefixtures("district_setup")
async def test_a_commit_cancelled_in_flight_leaves_the_form_cache_truthful(
    client: Client, dp: Dispatcher, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    _probe(dp)
    await client.send(COORDINATOR, "/help")
    await client.send(COORDINATOR, "проба old")  # committed and cached
    key = StorageKey(bot_id=client.bot.id, chat_id=COORDINATOR.id, user_id=COORDINATOR.id)
    assert await dp.storage.get_state(key) == "probe:old"

    _slow_commit(monkeypatch, 0.3)
    task = asyncio.create_task(client.send(COORDINATOR, "проба new"))
    await asyncio.sleep(0.1)  # the COMMIT is in the worker thread
    task.cancel()  # shutdown, a webhook timeout, a task group failing ...
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.4)  # the worker thread committed anyway

    in_db = await session.scalar(select(FsmRecord.state))
    assert in_db == "probe:new"
    # the update was cancelled before it learned the commit's outcome: the cache asks again
    assert await dp.storage.get_state(key) == in_db


@pytest.mark.usefixtures("district_setup")
async def test_the_session_less_commit_closes_an_overflow_connection(
    client: Client,
    dp: Dispatcher,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """More than pool_size updates at once: the overflow connection must really be closed."""
    _probe(dp)
    await client.send(COORDINATOR, "/help")
    await client.send(COORDINATOR, "проба old")  # user and form state now in memory
    pool: Any = engine.sync_engine.pool
    held = [await engine.connect() for _ in range(pool.size())]
    for conn in held:
        await conn.exec_driver_sql("SELECT 1")
    used: list[OneHopConnection] = []
    stage = OneHopConnection.stage

    def staging(self: OneHopConnection, writes: list[Any]) -> None:
        used.append(self)
        stage(self, writes)

    monkeypatch.setattr(OneHopConnection, "stage", staging)
    _slow_commit(monkeypatch, 0.2)
    task = asyncio.create_task(client.send(COORDINATOR, "проба new"))  # the 21st connection
    await asyncio.sleep(0.05)
    for conn in held:  # the others finish first: the pool is full again
        await conn.close()
    caplog.set_level(logging.ERROR)
    await task
    assert len(used) == 1
    worker: Any = used[0]._connection  # the aiosqlite connection and its thread
    await asyncio.sleep(0.1)
    assert not worker._thread.is_alive(), "a thread and an open SQLite handle leaked"
    assert "Exception closing connection" not in caplog.text


@pytest.mark.usefixtures("district_setup")
async def test_a_session_commit_cancelled_in_flight_frees_the_gate_and_the_cache(
    client: Client,
    dp: Dispatcher,
    session: AsyncSession,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same cancellation when the handler used the session (the session's commit)."""

    async def set_it(message: Message, state: FSMContext, session: AsyncSession) -> None:
        await session.execute(select(1))  # the session has used a connection
        await state.set_state("probe:" + str(message.text).split()[1])

    dp.message.register(set_it, F.text.startswith("проба "))
    await client.send(COORDINATOR, "/help")
    await client.send(COORDINATOR, "проба old")
    key = StorageKey(bot_id=client.bot.id, chat_id=COORDINATOR.id, user_id=COORDINATOR.id)
    _slow_commit(monkeypatch, 0.3)
    task = asyncio.create_task(client.send(COORDINATOR, "проба new"))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.4)
    dbapi: Any = engine.dialect.loaded_dbapi
    assert not dbapi._gate._lock.locked()
    assert await dp.storage.get_state(key) == await session.scalar(select(FsmRecord.state))
