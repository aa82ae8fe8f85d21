"""The one-hop aiosqlite adapter acts as the stock one, with one round trip per statement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from models.db import create_engine
from models.sqlite_driver import OneHopConnection, OneHopDBAPI

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Text, nullable=False, unique=True),
)


@pytest.fixture(params=["stock", "one-hop"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    extra: dict[str, Any] = {"module": OneHopDBAPI()} if request.param == "one-hop" else {}
    eng = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", **extra)
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield eng
    await eng.dispose()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every round trip to an aiosqlite worker thread, by the function it ran."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    yield seen


async def test_rows_rowcount_lastrowid_returning_and_executemany(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        result = await conn.execute(insert(notes).values(body="a"))
        assert result.rowcount == 1
        assert result.inserted_primary_key == (1,)
        many = await conn.execute(insert(notes), [{"body": "b"}, {"body": "c"}, {"body": "d"}])
        assert many.rowcount == 3
        returned = await conn.execute(insert(notes).values(body="e").returning(notes.c.id))
        assert returned.scalar_one() == 5
        updated = await conn.execute(text("UPDATE notes SET body = body || '!' WHERE id > 3"))
        assert updated.rowcount == 2
    async with engine.connect() as conn:
        rows = (await conn.execute(select(notes.c.id, notes.c.body).order_by(notes.c.id))).all()
        assert rows == [(1, "a"), (2, "b"), (3, "c"), (4, "d!"), (5, "e!")]
        assert (await conn.execute(select(notes).where(notes.c.id == 99))).first() is None
        first = await conn.execute(select(notes.c.body).order_by(notes.c.id))
        assert first.fetchmany(2) == [("a",), ("b",)]
        assert first.fetchone() == ("c",)


async def test_errors_map_to_sqlalchemy_exceptions_and_roll_back(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(notes).values(body="same"))
    async with AsyncSession(engine) as session:
        await session.execute(insert(notes).values(body="other"))
        with pytest.raises(IntegrityError):
            await session.execute(insert(notes).values(body="same"))
        await session.rollback()
        with pytest.raises(OperationalError):
            await session.execute(text("SELECT * FROM no_such_table"))
        await session.rollback()
        assert await session.scalar(select(func.count()).select_from(notes)) == 1


async def test_streaming_keeps_working(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(notes), [{"body": str(i)} for i in range(50)])
    async with engine.connect() as conn:
        result = await conn.stream(select(notes.c.id).order_by(notes.c.id))
        ids = [row[0] async for row in result]
    assert ids == list(range(1, 51))


async def test_one_round_trip_per_statement(tmp_path: Path, hops: list[str]) -> None:
    stock = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}")
    ours = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ours.db'}")
    counts = {}
    for name, eng in (("stock", stock), ("ours", ours)):
        async with eng.begin() as conn:
            await conn.run_sync(metadata.create_all)
        async with eng.connect() as conn:
            hops.clear()
            await conn.execute(insert(notes).values(body="x"))
            await conn.execute(select(notes.c.body))
            await conn.commit()
            counts[name] = len(hops)
        await eng.dispose()
    # stock: cursor + execute + close for the INSERT, cursor + execute + fetchall + close for the
    # SELECT, then the commit; ours: one per statement and the commit
    assert counts == {"stock": 8, "ours": 3}


async def test_production_engine_uses_the_one_hop_adapter(tmp_path: Path) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    try:
        async with eng.connect() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneHopConnection)
            mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            assert mode == "wal"
    finally:
        await eng.dispose()


async def test_a_read_only_transaction_ends_without_a_round_trip(
    tmp_path: Path, hops: list[str]
) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        async with AsyncSession(eng) as session:
            hops.clear()
            await session.execute(select(notes.c.id))
            await session.commit()
            await session.execute(select(notes.c.id))
        assert hops == ["_execute", "_execute"]  # the two SELECTs; no COMMIT, no ROLLBACK
        async with AsyncSession(eng) as session:
            hops.clear()
            await session.execute(insert(notes).values(body="w"))
            await session.commit()
        assert hops == ["_execute", "commit"]
    finally:
        await eng.dispose()


async def test_writers_of_one_engine_queue_instead_of_sqlite_busy_waiting(
    tmp_path: Path,
) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'g.db'}")
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    order: list[str] = []
    try:
        first = await eng.connect()
        await first.execute(insert(notes).values(body="first"))  # holds the write lock

        async def second_writer() -> None:
            async with eng.begin() as conn:
                await conn.execute(insert(notes).values(body="second"))
                order.append("second wrote")

        waiting = asyncio.create_task(second_writer())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # queued on the event loop, not failed
        async with eng.connect() as reader:  # reading is never held up
            assert (await reader.execute(select(func.count()).select_from(notes))).scalar() == 0
        order.append("first commits")
        await first.commit()
        await asyncio.wait_for(waiting, 5)
        await first.close()
        assert order == ["first commits", "second wrote"]
        async with eng.connect() as conn:
            bodies = (await conn.execute(select(notes.c.body).order_by(notes.c.id))).scalars()
            assert list(bodies) == ["first", "second"]
    finally:
        await eng.dispose()


async def test_a_writer_waiting_past_the_busy_timeout_gets_sqlites_error(
    tmp_path: Path,
) -> None:
    eng = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 't.db'}", module=OneHopDBAPI(busy_timeout=0.1)
    )
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        async with eng.connect() as holder:
            await holder.execute(insert(notes).values(body="held"))
            async with eng.connect() as late:
                with pytest.raises(OperationalError, match="database is locked"):
                    await late.execute(insert(notes).values(body="late"))
                await late.rollback()
            await holder.rollback()
        async with eng.begin() as conn:  # the gate is free again
            await conn.execute(insert(notes).values(body="after"))
    finally:
        await eng.dispose()


async def test_autocommit_gives_the_gate_back_after_each_statement(tmp_path: Path) -> None:
    eng = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
        module=OneHopDBAPI(busy_timeout=0.5),
        isolation_level="AUTOCOMMIT",
    )
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        async with eng.connect() as one, eng.connect() as two:
            await one.execute(insert(notes).values(body="1"))
            await two.execute(insert(notes).values(body="2"))  # would time out if held
            raw = await one.get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneHopConnection)
            assert not raw.dbapi_connection.writing
    finally:
        await eng.dispose()


class NothingChanged(Exception):
    pass


async def test_staged_writes_go_with_the_commit_in_one_round_trip(
    tmp_path: Path, hops: list[str]
) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    insert_sql = "INSERT INTO notes (body) VALUES (?)"
    try:
        async with eng.connect() as conn:
            raw = (await conn.get_raw_connection()).dbapi_connection
            assert isinstance(raw, OneHopConnection)
            await conn.execute(select(notes.c.id))  # a transaction, as a session has
            hops.clear()
            raw.stage([(insert_sql, ("a",), None), (insert_sql, ("b",), NothingChanged)])
            await conn.commit()
            assert hops == ["_commit_with"]  # both statements and the COMMIT

            # a staged statement that changes nothing refuses the whole commit
            await conn.execute(insert(notes).values(body="c"))  # run before the commit
            raw.stage([("DELETE FROM notes WHERE body = ?", ("nobody",), NothingChanged)])
            with pytest.raises(NothingChanged):
                await conn.commit()
            await conn.rollback()
            # and a rollback forgets what was staged, as does giving the connection back
            await conn.execute(select(notes.c.id))
            raw.stage([(insert_sql, ("never",), None)])
            await conn.rollback()
            raw.stage([(insert_sql, ("never either",), None)])
        async with eng.connect() as conn:
            await conn.execute(insert(notes).values(body="d"))
            await conn.commit()
            bodies = (await conn.execute(select(notes.c.body).order_by(notes.c.id))).scalars()
            assert list(bodies) == ["a", "b", "d"]
    finally:
        await eng.dispose()
