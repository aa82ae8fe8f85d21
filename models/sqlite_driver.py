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

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

_Result = tuple[Any, int, int | None, list[Any]]


def _execute(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Result:
    cursor = conn.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _executemany(conn: sqlite3.Connection, operation: str, seq: Sequence[Any]) -> _Result:
    cursor = conn.cursor()
    try:
        cursor.executemany(operation, seq)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
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

    def _store(self, result: _Result) -> None:
        self._description, self._rowcount, self._lastrowid, rows = result
        self._rows = deque(rows)

    def _run(self, fn: Any, *args: Any) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            work = connection._execute(fn, connection._conn, *args)  # type: ignore[no-untyped-call]
            self._store(await_(work))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(_execute, operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._run(_executemany, operation, seq_of_parameters)

    async def _async_soft_close(self) -> None:
        return None  # nothing is open in the worker thread

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor  # type: ignore[assignment]


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The ``module`` to give ``create_async_engine`` for a ``sqlite+aiosqlite`` URL."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)
