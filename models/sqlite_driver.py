"""aiosqlite for SQLAlchemy with one thread hand-off per statement instead of three or four.

SQLAlchemy's aiosqlite adapter drives an aiosqlite cursor call by call: create the cursor,
execute, fetch the rows, close the cursor. Each call is a round trip to the connection's worker
thread and back through the event loop, and those round trips, not SQLite, were most of the
time an update spent in the database (see benchmarks/RESULTS.md). Here a statement runs as one
function in the worker thread that executes it, fetches every row and closes the cursor, and
the cursor SQLAlchemy sees is a plain buffer of the results, as the stock adapter's is after
its fetch.

It plugs in through ``create_async_engine(url, module=OneHopDBAPI())``: the URL stays
``sqlite+aiosqlite``, the dialect, its SQL and its type handling are SQLAlchemy's own. Server-
side cursors (``stream()``) keep the stock adapter's cursor. The parts of aiosqlite used beyond
its public API (``Connection._execute`` and ``Connection._conn``) are covered by the pinned
version range and by tests/test_sqlite_driver.py, which runs the same checks on both adapters.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import deque
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

_Result = tuple[Any, int, int | None, list[Any], bool]
_Staged = tuple[str, Any, Any]  # SQL, parameters, error factory (or None) for "no row changed"


def _execute(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Result:
    """Execute (or executemany), fetch every row and close the cursor: one worker call."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows, conn.in_transaction
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement is one round trip to the worker thread."""

    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # The stock __init__ opens an aiosqlite cursor (a round trip); this one needs none.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    def _run(self, operation: str, parameters: Any, many: bool) -> None:
        adapt: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            if not adapt._writing and _WRITES.match(operation):
                await_(adapt._gate.acquire())
                adapt._writing = True
            work = connection._execute(_execute, connection._conn, operation, parameters, many)  # type: ignore[no-untyped-call]
            result: _Result = await_(work)
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows, in_transaction = result
        self._rows = deque(rows)
        adapt._open = in_transaction
        if adapt._writing and not in_transaction:  # autocommit, or the statement ended it
            adapt._finish()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._run(operation, seq_of_parameters, many=True)

    async def _async_soft_close(self) -> None:
        return None  # nothing is open in the worker thread

    def close(self) -> None:
        self._rows.clear()


class WriteGate:
    """One write transaction at a time among the connections of one engine.

    SQLite has a single writer. When a second connection of this process tries to write
    while another holds the write lock, SQLite's busy handler makes it sleep and retry
    (1, 2, 5, 10 … ms), so updates handled concurrently, as aiogram's polling does, wait far
    longer than the lock is held. Here a connection takes the gate before its first write
    statement and gives it back when its transaction ends; the others queue on the event
    loop and go the moment it is free. Waiting longer than SQLite's busy timeout gives
    SQLite's own error, "database is locked". Other processes are still kept apart by SQLite.
    """

    def __init__(self, timeout: float) -> None:
        self._lock = asyncio.Lock()
        self._timeout = timeout

    async def acquire(self) -> None:
        if not self._lock.locked():
            await self._lock.acquire()  # free: taken without suspending
            return
        try:
            async with asyncio.timeout(self._timeout):  # no extra task, unlike wait_for
                await self._lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None

    def release(self) -> None:
        self._lock.release()


# Statements that open a write transaction (pysqlite begins one before DML), after any
# leading whitespace and comments. A statement that opens one unforeseen (a CTE that writes)
# is still committed or rolled back, as SQLite reports it open; it only skips the queue.
_WRITES = re.compile(
    r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*"
    r"(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|BEGIN|SAVEPOINT)\b",
    re.IGNORECASE | re.DOTALL,
)


def _commit_with(conn: sqlite3.Connection, staged: list[_Staged]) -> None:
    try:
        for sql, params, on_no_rows in staged:
            if conn.execute(sql, params).rowcount == 0 and on_no_rows is not None:
                raise on_no_rows()
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """The adapted connection: its write gate, what SQLite reports open, staged statements.

    ``_writing``: this connection holds the engine's write gate (it ran a write statement in
    the open transaction). ``_open``: SQLite reported a transaction open after the last
    statement. pysqlite opens a transaction only before a write, so with neither there is
    nothing to commit or roll back, and the round trip for it is skipped (every read-only
    session paid one).
    """

    __slots__ = ("_gate", "_writing", "_open", "_staged")
    _cursor_cls = OneHopCursor  # type: ignore[assignment]

    def __init__(self, dbapi: OneHopDBAPI, connection: Any, gate: WriteGate) -> None:
        super().__init__(dbapi, connection)
        self._gate = gate
        self._writing = False
        self._open = False
        self._staged: list[_Staged] = []

    @property
    def writing(self) -> bool:
        """Whether a transaction that has written is open on this connection."""
        return self._writing or self._open

    def stage(self, writes: list[_Staged]) -> None:
        """Statements to run with the next COMMIT, in the same round trip.

        Each is (SQL, parameters in DBAPI order, error factory or None): when a statement
        with an error factory changes no row, the transaction is rolled back and the error
        raised from ``commit()``.
        """
        self._staged.extend(writes)

    def discard_staged(self) -> None:
        self._staged.clear()

    async def commit_async(self) -> None:
        """Run what is staged and COMMIT in one round trip; ``commit()`` runs it in greenlet.

        Called directly for a connection taken straight from the pool
        (``AsyncEngine.raw_connection``) that has nothing but staged statements to commit;
        errors are then sqlite3's own.
        """
        staged, self._staged = self._staged, []
        if not staged:
            return
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        if not self._writing:
            await self._gate.acquire()
            self._writing = True
        try:
            await connection._execute(_commit_with, connection._conn, staged)  # type: ignore[no-untyped-call]
        finally:
            self._finish()  # committed, or rolled back by _commit_with

    def _finish(self) -> None:
        """The transaction has ended (committed, rolled back, or the connection closed)."""
        wrote = self._writing or self._open
        self._open = False
        if self._writing:
            self._writing = False
            self._gate.release()
        if wrote:
            dbapi: OneHopDBAPI = self.dbapi
            for listener in dbapi.transaction_end_listeners:
                listener(self)

    def commit(self) -> None:
        if self._staged:
            try:
                await_(self.commit_async())
            except Exception as error:
                self._handle_exception(error)
            return
        if not self.writing:
            return
        super().commit()  # if COMMIT fails the transaction stays open, for the rollback
        self._finish()

    def rollback(self) -> None:
        self._staged.clear()
        if not self.writing:
            return
        try:
            super().rollback()
        finally:
            self._finish()

    def close(self) -> None:
        self._staged.clear()
        try:
            super().close()
        finally:
            self._finish()

    def terminate(self) -> None:
        self._staged.clear()
        try:
            super().terminate()
        finally:
            self._finish()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The ``module`` to give ``create_async_engine`` for a ``sqlite+aiosqlite`` URL.

    One per engine: its connections share one write gate.
    """

    def __init__(self, busy_timeout: float = 10.0) -> None:
        super().__init__(aiosqlite, sqlite3)
        self._gate = WriteGate(busy_timeout)
        # called after a transaction that wrote has ended, its COMMIT or ROLLBACK done
        self.transaction_end_listeners: list[Callable[[OneHopConnection], None]] = []

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection, self._gate)
