"""One commit per use case: the state change, the outbox rows it plans and the form state
commit together, or nothing is kept. Each test injects a failure between the steps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.types import Message
from sqlalchemy import event, func, make_url, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import bot.toolkit.notify
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import EventAction, EventCb, ReviewAction, ReviewCb
from bot.toolkit.fsm_storage import SqlStorage, forms_in
from models import (
    Confirmation,
    ConfirmationStatus,
    District,
    Event,
    EventStatus,
    FsmRecord,
    Notification,
    School,
)
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Client
from tests.test_confirmations import make_event

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


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


def fail_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbox refuses to plan: the step after the state change fails."""

    async def refuse(*_: Any, **__: Any) -> int:
        raise RuntimeError("injected failure while planning")

    monkeypatch.setattr(bot.toolkit.notify, "plan", refuse)


async def count(session: AsyncSession, entity: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(entity)) or 0)


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
        await session.commit()


@pytest.mark.usefixtures("district_setup")
async def test_a_failing_handler_keeps_neither_its_writes_nor_its_form(
    client: Client, dp: Dispatcher, session: AsyncSession
) -> None:
    router = Router(name="probe")

    @router.message(F.text == "сломать")
    async def breaks(message: Message, session: AsyncSession, state: FSMContext) -> None:
        session.add(District(name="Недописанный район", created_at=NOW))
        await session.flush()
        await state.set_state("probe:step")
        raise RuntimeError("injected failure after the writes")

    dp.include_router(router)
    # the probe router sits after the fallback; move it first for this test
    dp.sub_routers.insert(0, dp.sub_routers.pop())
    await client.send(COORDINATOR, "сломать")
    assert client.last_text(COORDINATOR) == t.INTERNAL_ERROR
    names = (await session.scalars(select(District.name))).all()
    assert "Недописанный район" not in names
    assert await count(session, FsmRecord) == 0


async def test_opening_an_event_commits_the_status_with_the_prompts(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(
        session_pool, clock, district_setup.district_id, status=EventStatus.DRAFT
    )
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_OPEN)
    fail_planning(monkeypatch)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert client.alerts()[-1] == t.INTERNAL_ERROR
    status = await session.scalar(
        select(Event.status).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert status is EventStatus.DRAFT  # not an open event that prompted nobody
    assert await count(session, Notification) == 0
    monkeypatch.undo()
    await client.press(COORDINATOR, ev.BTN_YES)  # the same button works once the fault is gone
    status = await session.scalar(
        select(Event.status).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert status is EventStatus.OPEN
    assert await count(session, Notification) == 1


async def test_a_review_commits_the_outcome_with_the_librarians_message(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    async with session_pool.begin() as s_:
        confirmation = Confirmation(
            event_id=event_id,
            school_id=district_setup.school_id,
            status=ConfirmationStatus.SUBMITTED,
            held_on=datetime(2026, 11, 20).date(),  # noqa: DTZ001
            participants=10,
            submitted_at=NOW,
        )
        s_.add(confirmation)
    before = await count(session, Notification)
    fail_planning(monkeypatch)
    await client.press_data(
        COORDINATOR,
        ReviewCb(action=ReviewAction.ACCEPT, confirmation_id=confirmation.id, version=1).pack(),
    )
    assert client.alerts()[-1] == t.INTERNAL_ERROR
    status = await session.scalar(
        select(Confirmation.status)
        .where(Confirmation.id == confirmation.id)
        .execution_options(populate_existing=True)
    )
    assert status is ConfirmationStatus.SUBMITTED  # not accepted without telling the school
    assert await count(session, Notification) == before
    monkeypatch.undo()
    await client.press_data(
        COORDINATOR,
        ReviewCb(action=ReviewAction.ACCEPT, confirmation_id=confirmation.id, version=1).pack(),
    )
    status = await session.scalar(
        select(Confirmation.status)
        .where(Confirmation.id == confirmation.id)
        .execution_options(populate_existing=True)
    )
    assert status is ConfirmationStatus.ACCEPTED
    assert await count(session, Notification) == before + 1  # the librarian's outcome


@pytest.mark.usefixtures("district_setup")
async def test_adding_a_school_commits_with_the_end_of_the_form(
    client: Client, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "Средняя школа села Кальтовка полностью")
    assert client.last_text(COORDINATOR) == s.ASK_SHORT_NAME
    set_state = SqlStorage.set_state

    async def refuse_to_clear(self: SqlStorage, key: StorageKey, state: StateType = None) -> None:
        if state is None:  # FSMContext.clear() starts with set_state(None)
            raise RuntimeError("injected failure while clearing the form")
        await set_state(self, key, state)

    monkeypatch.setattr(SqlStorage, "set_state", refuse_to_clear)
    await client.send(COORDINATOR, "СОШ с. Кальтовка")
    assert client.last_text(COORDINATOR) == t.INTERNAL_ERROR
    assert await count(session, School) == 1  # only the district's first school
    monkeypatch.undo()
    await client.send(COORDINATOR, "СОШ с. Кальтовка")  # the form is still at its last step
    assert await count(session, School) == 2
    assert await count(session, FsmRecord) == 0


async def test_a_form_is_read_once_per_update_and_a_rollback_forgets_it(
    engine: AsyncEngine, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    storage = SqlStorage(session_pool)
    await storage.set_state(key, "form:first")  # committed before the update
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "fsm_states" in statement:
            reads.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with session_pool() as session:
            with forms_in(session):
                context = FSMContext(storage, key)
                assert await context.get_state() == "form:first"
                await context.update_data(name="Школа")
                await context.set_state("form:second")
                assert await context.get_data() == {"name": "Школа"}
                assert len(reads) == 1  # one read of the row, whatever the handler asks
                await session.rollback()  # a refused input: nothing of it is remembered
                assert await context.get_state() == "form:first"
                assert await context.get_data() == {}
            await session.commit()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert await storage.get_state(key) == "form:first"
