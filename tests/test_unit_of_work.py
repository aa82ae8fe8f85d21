"""One update, one transaction: the processed mark and the form state commit with the handler."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aiosqlite
import pytest
from aiogram import Dispatcher, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message, Update
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.texts import common as t
from bot.texts import schools as s
from models import District, FsmRecord, ProcessedUpdate, School
from models.sqlite_driver import OneHopConnection
from tests.conftest import COORDINATOR, FixedClock
from tests.harness import Client


@dataclass
class Counter:
    commits: int = 0
    checkouts: int = 0
    statements: list[str] = field(default_factory=list)
    round_trips: list[str] = field(default_factory=list)


@pytest.fixture
def counted(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    """Commits, checkouts and statements: run through SQLAlchemy or staged for the commit."""
    counter = Counter()
    stage = OneHopConnection.stage

    def staging(self: OneHopConnection, writes: list[Any]) -> None:
        counter.statements.extend(sql.split(maxsplit=1)[0].upper() for sql, _, _ in writes)
        stage(self, writes)

    monkeypatch.setattr(OneHopConnection, "stage", staging)
    execute = aiosqlite.Connection._execute

    async def hop(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counter.round_trips.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", hop)

    def on_commit(*_: Any) -> None:
        counter.commits += 1

    def on_checkout(*_: Any) -> None:
        counter.checkouts += 1

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counter.statements.append(statement.split(maxsplit=1)[0].upper())

    sync = engine.sync_engine
    event.listen(sync, "commit", on_commit)
    event.listen(sync, "checkout", on_checkout)
    event.listen(sync, "before_cursor_execute", on_execute)
    yield counter
    event.remove(sync, "commit", on_commit)
    event.remove(sync, "checkout", on_checkout)
    event.remove(sync, "before_cursor_execute", on_execute)


async def marks(session: AsyncSession) -> set[int]:
    return set((await session.scalars(select(ProcessedUpdate.update_id))).all())


def state_key(client: Client) -> StorageKey:
    return StorageKey(bot_id=client.bot.id, chat_id=COORDINATOR.id, user_id=COORDINATOR.id)


@pytest.mark.usefixtures("district_setup")
async def test_a_form_step_is_one_round_trip_on_one_connection(
    client: Client, counted: Counter, session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/help")  # the storage reads the chat's state once
    counted.checkouts = 0
    counted.statements.clear()
    counted.round_trips.clear()
    first = await client.send(COORDINATOR, "/addschool")
    # no query: the user's row is in memory and this process knows the update is new; and
    # nothing is written before the handler ran: the mark and the state go with the COMMIT,
    # in one round trip to the database's thread, on one connection
    assert counted.statements == ["INSERT", "INSERT"]
    assert counted.round_trips == ["_commit_with"]
    assert counted.checkouts == 1
    second = await client.send(COORDINATOR, "Средняя школа деревни Кудеевка полностью")
    assert counted.round_trips == ["_commit_with", "_commit_with"]
    assert counted.checkouts == 2
    third = await client.send(COORDINATOR, "СОШ д. Кудеевка")
    assert client.last_text(COORDINATOR).startswith(s.SCHOOL_ADDED.split("{", 1)[0])
    assert {first, second, third} <= await marks(session)
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0
    assert await session.scalar(select(School.id).where(School.short_name == "СОШ д. Кудеевка"))


@pytest.fixture
def failing(dp: Dispatcher) -> dict[str, Any]:
    """A handler of the real dispatcher that changes the form, then fails unless told not to."""
    control: dict[str, Any] = {"fail": True, "reached": asyncio.Event(), "go": None}

    async def half_done(message: Message, state: FSMContext) -> None:
        await state.set_state("probe:started")
        await state.update_data(note=message.text)
        control["reached"].set()
        if control["go"] is not None:
            await control["go"].wait()
        if control["fail"]:
            raise RuntimeError("the handler broke half-way")
        await message.answer("готово")

    dp.message.register(half_done, F.text.startswith("проба"))
    return control


@pytest.mark.usefixtures("district_setup")
async def test_a_failed_update_leaves_no_state_and_no_mark_and_runs_again(
    client: Client,
    failing: dict[str, Any],
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update_id = await client.send(COORDINATOR, "проба 1")
    assert client.last_text(COORDINATOR) == t.INTERNAL_ERROR
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0
    assert update_id not in await marks(session)
    # the storage's cache forgot the state it had taken on trust
    assert await client.dp.storage.get_state(state_key(client)) is None
    assert await client.dp.storage.get_data(state_key(client)) == {}

    # Telegram delivers it again after a crash: it is handled, not skipped as a repeat
    failing["fail"] = False
    message = {
        "message_id": 500,
        "date": 1,
        "chat": {"id": COORDINATOR.id, "type": "private"},
        "from": COORDINATOR.tg(),
        "text": "проба 1",
    }
    await client.feed({"update_id": update_id, "message": message})
    assert client.last_text(COORDINATOR) == "готово"
    assert update_id in await marks(session)
    row = await session.get(FsmRecord, ":".join(str(p) for p in _parts(client)))
    assert row is not None and row.state == "probe:started" and row.data == {"note": "проба 1"}


def _parts(client: Client) -> tuple[Any, ...]:
    key = state_key(client)
    return (key.bot_id, key.chat_id, key.user_id, "", "", key.destiny)


@pytest.mark.usefixtures("district_setup")
async def test_no_write_lock_is_held_while_a_handler_waits(
    client: Client,
    failing: dict[str, Any],
    session_pool: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    """A handler waiting for the network must not keep other updates from writing."""
    failing["fail"] = False
    failing["go"] = asyncio.Event()
    slow = asyncio.create_task(client.send(COORDINATOR, "проба 2"))
    await asyncio.wait_for(failing["reached"].wait(), 5)

    async def write_elsewhere() -> None:
        async with session_pool() as other:
            await other.execute(
                text("INSERT INTO districts (name, created_at) VALUES ('Соседний', '2026-11-25')")
            )
            await other.commit()

    # SQLite's busy timeout is 10 s: a held lock would make this wait, not fail at once
    await asyncio.wait_for(write_elsewhere(), 3)
    failing["go"].set()
    await asyncio.wait_for(slow, 5)
    assert client.last_text(COORDINATOR) == "готово"
    assert await session.scalar(text("SELECT count(*) FROM districts WHERE name = 'Соседний'"))


def _probe_dispatcher(
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    tag: str,
) -> Dispatcher:
    """The real dispatcher plus a handler that writes a row (flushed at once) and answers."""
    dp = build_dispatcher(settings, session_pool, clock)

    async def write_row(message: Message, session: AsyncSession) -> None:
        session.add(District(name=f"{message.text} ({tag})", created_at=clock()))
        await session.flush()
        await message.answer("записано")

    dp.message.register(write_row, F.text.startswith("район"))
    return dp


def _message(text: str) -> dict[str, Any]:
    return {
        "message_id": 700,
        "date": 1,
        "chat": {"id": COORDINATOR.id, "type": "private"},
        "from": COORDINATOR.tg(),
        "text": text,
    }


@pytest.mark.usefixtures("district_setup")
async def test_a_repeat_that_slips_past_memory_writes_nothing(
    client: Client,
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    session: AsyncSession,
) -> None:
    """Two processes polling in turn: the second gets an update the first has handled."""
    first = _probe_dispatcher(settings, session_pool, clock, "первый")
    second = _probe_dispatcher(settings, session_pool, clock, "второй")
    bot = client.bot

    async def feed(dp: Dispatcher, update_id: int, text: str) -> None:
        update = Update.model_validate(
            {"update_id": update_id, "message": _message(text)}, context={"bot": bot}
        )
        await dp.feed_update(bot, update)

    await feed(second, 1, "/help")  # the second process has looked at the database already
    await feed(first, 2, "район Первый")
    client.clear()
    await feed(second, 2, "район Первый")  # unknown to the second process's memory
    names = set((await session.scalars(select(District.name))).all())
    assert "район Первый (первый)" in names
    assert "район Первый (второй)" not in names  # its flushed row was rolled back
    assert t.INTERNAL_ERROR not in client.texts(COORDINATOR)


@pytest.mark.usefixtures("district_setup")
async def test_repeats_are_caught_in_memory_and_after_a_restart_by_the_database(
    client: Client,
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    counted: Counter,
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/help")  # the first update reads the floor once
    counted.statements.clear()
    handled = await client.send(COORDINATOR, "/addschool")
    assert counted.statements == ["INSERT", "INSERT"]  # the mark and the form state
    client.clear()
    counted.statements.clear()
    await client.feed({"update_id": handled, "message": _message("/addschool")})
    assert not client.calls("SendMessage")
    assert counted.statements == []  # known to this process: not even a query

    restarted = Client(
        dp=build_dispatcher(settings, session_pool, clock),
        bot=client.bot,
        session=client.session,
        _update_ids=itertools.count(handled + 1),
    )
    await restarted.feed({"update_id": handled, "message": _message("/addschool")})
    assert not client.calls("SendMessage")  # below the floor: the database said "handled"
    await restarted.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.CANCELLED
    assert await session.scalar(select(func.max(ProcessedUpdate.update_id))) == handled + 1


@pytest.mark.usefixtures("district_setup")
async def test_an_update_that_writes_nothing_leaves_no_mark(
    client: Client, counted: Counter, session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/help")
    counted.statements.clear()
    update_id = await client.send(COORDINATOR, "/roadmap")
    assert client.last_text(COORDINATOR)
    assert "INSERT" not in counted.statements
    assert update_id not in await marks(session)


@pytest.mark.usefixtures("district_setup")
async def test_a_repeat_that_writes_only_its_form_is_refused_too(
    client: Client,
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    session: AsyncSession,
    counted: Counter,
) -> None:
    """The session-less commit of bookkeeping refuses a repeat as the session's does."""
    first = build_dispatcher(settings, session_pool, clock)
    second = build_dispatcher(settings, session_pool, clock)
    bot = client.bot

    async def feed(dp: Dispatcher, update_id: int, text: str) -> None:
        message = {**_message(text), "message_id": update_id}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        update = Update.model_validate(
            {"update_id": update_id, "message": message}, context={"bot": bot}
        )
        await dp.feed_update(bot, update)

    await feed(second, 1, "/help")  # the second process has read its floor
    await feed(first, 2, "/addschool")
    await feed(first, 3, "/cancel")
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0
    counted.round_trips.clear()
    counted.statements.clear()
    await feed(second, 2, "/addschool")  # a repeat the second process cannot know of
    # no query through the session: the bookkeeping went the session-less way
    assert counted.statements == ["INSERT", "INSERT"]
    assert counted.round_trips[-1] == "_commit_with"
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0  # refused
    assert t.INTERNAL_ERROR not in client.texts(COORDINATOR)
