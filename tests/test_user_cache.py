"""The in-memory user rows: served without a query, never stale after a write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.texts import common as t
from models import Role, School, User
from services.user_cache import UserCache
from services.users import get_user
from tests.conftest import COORDINATOR, DistrictSetup
from tests.harness import Client


@pytest.fixture
def user_queries(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM users" in statement:
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


def help_lines(client: Client) -> list[str]:
    return [line for line in client.last_text(COORDINATOR).splitlines() if line.startswith("/")]


@pytest.mark.usefixtures("district_setup")
async def test_the_senders_row_comes_from_memory_after_the_first_update(
    client: Client, user_queries: list[str]
) -> None:
    await client.send(COORDINATOR, "/help")
    assert len(user_queries) == 1
    for _ in range(3):
        await client.send(COORDINATOR, "/help")
    assert len(user_queries) == 1
    assert "/addschool — " in client.last_text(COORDINATOR)


async def test_a_write_elsewhere_in_the_process_is_seen_by_the_next_update(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    user_queries: list[str],
) -> None:
    await client.send(COORDINATOR, "/help")
    coordinator_help = help_lines(client)
    # the coordinator is demoted by a Core UPDATE on another connection (as the outbox does
    # when a user blocks the bot)
    async with session_pool() as other:
        await other.execute(
            update(User).where(User.telegram_id == COORDINATOR.id).values(is_active=False)
        )
        await other.commit()
    await client.send(COORDINATOR, "/addschool")
    assert client.last_text(COORDINATOR) == t.GUEST_COMMAND  # treated as not registered
    assert len(user_queries) == 2  # read again after the write
    async with session_pool() as other:
        await other.execute(
            update(User).where(User.telegram_id == COORDINATOR.id).values(is_active=True)
        )
        await other.commit()
    await client.send(COORDINATOR, "/help")
    assert help_lines(client) == coordinator_help


async def test_a_deleted_school_clears_its_librarians_rows(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    """SQLite sets users.school_id to NULL itself: no statement names the users table."""
    async with session_pool() as other:
        coordinator = await other.scalar(select(User).where(User.telegram_id == COORDINATOR.id))
        assert coordinator is not None
        coordinator.school_id = district_setup.school_id
        await other.commit()
    await client.send(COORDINATOR, "/help")  # cached with the school
    async with session_pool() as other:
        await other.execute(delete(School).where(School.id == district_setup.school_id))
        await other.commit()
    cache = next(
        m._cache  # noqa: SLF001 - the middleware's own cache
        for m in client.dp.update.outer_middleware
        if hasattr(m, "_cache")
    )
    assert cache is not None and len(cache) == 0


async def test_a_lookup_that_raced_with_a_write_is_not_kept(
    engine: AsyncEngine,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = UserCache(engine)

    async def racing(session: AsyncSession, telegram_id: int) -> User | None:
        user = await get_user(session, telegram_id)
        async with session_pool() as other:  # a write lands while the lookup is in flight
            await other.execute(
                update(User).where(User.telegram_id == telegram_id).values(role=Role.LIBRARIAN)
            )
            await other.commit()
        return user

    monkeypatch.setattr("services.user_cache.get_user", racing)
    async with session_pool() as session:
        user = await cache.get(session, COORDINATOR.id)
        assert user is not None and user.role is Role.COORDINATOR  # what it read
    assert len(cache) == 0  # but it is not kept
    monkeypatch.setattr("services.user_cache.get_user", get_user)
    async with session_pool() as session:
        user = await cache.get(session, COORDINATOR.id)
        assert user is not None and user.role is Role.LIBRARIAN
    assert len(cache) == 1


async def test_a_cached_row_is_a_persistent_object_of_the_update_session(
    engine: AsyncEngine,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    cache = UserCache(engine)
    async with session_pool() as session:
        await cache.get(session, COORDINATOR.id)
    async with session_pool() as session:
        user = await cache.get(session, COORDINATOR.id)  # from memory
        assert user is not None and user in session and not session.dirty
        user.full_name = "Ольга Новая"
        await session.commit()
    async with session_pool() as session:
        stored = await session.scalar(
            select(User.full_name).where(User.telegram_id == COORDINATOR.id)
        )
        assert stored == "Ольга Новая"
        assert len(cache) == 0  # the write cleared it
        user = await cache.get(session, COORDINATOR.id)
        assert user is not None and user.full_name == "Ольга Новая"
