"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from models.deferred import DeferringSession
from models.sqlite_driver import OneHopConnection, OneHopDBAPI

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Connections kept open: aiogram handles the updates of a polled batch concurrently, and a
# connection opened beyond the pool costs a new worker thread and the pragmas each time.
SQLITE_POOL_SIZE = 20


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a file-based SQLite database (data/ on a fresh clone)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    ensure_sqlite_dir(url)
    if make_url(url).get_backend_name() == "sqlite":
        # Sessions always end their transactions (commit or rollback) before they give the
        # connection back, so the pool's extra rollback on return is a wasted thread hop.
        extra: dict[str, Any] = {}
        if make_url(url).database not in (None, "", ":memory:"):
            extra["pool_size"] = SQLITE_POOL_SIZE
        if make_url(url).get_driver_name() == "aiosqlite":
            # one thread hop per statement; writers of this process queue on the event loop
            extra["module"] = OneHopDBAPI(busy_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_async_engine(url, echo=echo, pool_reset_on_return=None, **extra)
    else:
        engine = create_async_engine(url, echo=echo, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine.pool, "checkin", _on_checkin)
    return engine


def _on_checkin(dbapi_conn: Any, _record: Any) -> None:
    """A connection goes back to the pool with nothing staged and no transaction open.

    Sessions and connections end their transactions before they give the connection back
    (hence no reset on return); should one not have, its write lock and the engine's write
    gate must not stay held by an idle connection.
    """
    if not isinstance(dbapi_conn, OneHopConnection):
        return
    dbapi_conn.discard_staged()
    if dbapi_conn.writing:
        logger.warning("a connection came back to the pool inside a transaction: rolled back")
        try:
            dbapi_conn.rollback()
        except Exception:  # noqa: BLE001 - outside a greenlet (garbage collection): drop it
            dbapi_conn.terminate()


def create_session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # DeferringSession: the update's bookkeeping (processed mark, form state) commits with it
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=DeferringSession)
