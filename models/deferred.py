"""Writes that go out with the session's next commit, inside the same transaction.

An update used to pay for its own bookkeeping with separate transactions: the processed-update
mark was committed before the handler ran, and every change of the conversation state (FSM) was
committed by the storage on a connection of its own. Now both are *deferred*: they wait in the
session of the update and are executed by the session's ``before_commit`` hook, so they commit
atomically with what the handler wrote (a school and the end of the form that created it, or
nothing at all) and an update costs one commit instead of four.

No write transaction is opened early: SQLite takes its write lock at the first write, and these
writes run only at the moment of committing, so a handler waiting for the network does not keep
other updates from writing.

A deferred write is keyed: a later write with the same key replaces the earlier one (the last
state of a form is what counts). Writes stay pending until a commit succeeds, so a commit that
fails and is rolled back leaves them for the next one. What never committed is *discarded*,
and its ``on_discard`` callback lets a cache forget the value it had taken on trust.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

from models.sqlite_driver import OneHopConnection, OneHopDBAPI

_PENDING = "deferred_writes"
_SENT = "deferred_writes_sent"  # what went into the commit under way
_CONNECTED = "deferred_session_connected"


@dataclass(frozen=True, slots=True)
class _Write:
    statement: Executable
    params: Mapping[str, Any] | None
    on_discard: Callable[[], None] | None
    on_no_rows: Callable[[], Exception] | None
    only_with_writes: bool
    on_commit: Callable[[], None] | None


@dataclass(frozen=True, slots=True)
class PreparedWrite:
    """A statement compiled once for a dialect, with its parameters in DBAPI order."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def compile(cls, statement: Executable, dialect: Dialect) -> PreparedWrite:
        compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        names = tuple(compiled.positiontup or ())
        processors = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        )
        return cls(compiled.string, names, processors)

    def bind(self, params: Mapping[str, Any] | None) -> tuple[Any, ...]:
        values = params or {}
        return tuple(
            process(values[name]) if process is not None else values[name]
            for name, process in zip(self.names, self.processors, strict=True)
        )


_prepared: dict[tuple[Executable, str], PreparedWrite] = {}


def _prepare(statement: Executable, dialect: Dialect) -> PreparedWrite:
    key = (statement, dialect.name)
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = _prepared[key] = PreparedWrite.compile(statement, dialect)
    return prepared


def _stage(
    connection: OneHopConnection, writes: list[tuple[Hashable, _Write]], dialect: Dialect
) -> None:
    """Hand the writes to our SQLite adapter, to run with its COMMIT in one round trip."""
    connection.stage(
        [
            (prepared.sql, prepared.bind(write.params), write.on_no_rows)
            for _, write in writes
            for prepared in (_prepare(write.statement, dialect),)
        ]
    )


def _committed(pending: dict[Hashable, _Write], sent: list[tuple[Hashable, _Write]]) -> None:
    """The writes that went in leave the queue (unless replaced since); ``on_commit`` runs."""
    for key, write in sent:
        if pending.get(key) is write:
            del pending[key]
        if write.on_commit is not None:
            write.on_commit()


class DeferringSession(Session):
    """The sync session behind every ``AsyncSession`` of ``create_session_pool``."""


def _has_written(session: Session) -> bool:
    """Whether this commit writes anything: ORM changes to flush, or statements already run."""
    if session.new or session.dirty or session.deleted:
        return True
    dbapi_connection = session.connection().connection.dbapi_connection
    # the SQLite adapter knows (models/sqlite_driver.py); elsewhere assume it did
    return bool(getattr(dbapi_connection, "writing", True))


@event.listens_for(DeferringSession, "after_begin")
def _connected(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[_CONNECTED] = True  # the session has used a connection: it commits itself


@event.listens_for(DeferringSession, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the writes wait for the real commit
    session.info.pop(_SENT, None)
    pending: dict[Hashable, _Write] | None = session.info.get(_PENDING)
    if pending:
        if all(write.only_with_writes for write in pending.values()) and not _has_written(session):
            return  # nothing else is written: these ride along with writes only
        sent = session.info[_SENT] = list(pending.items())
        connection = session.connection()
        dbapi_connection = connection.connection.dbapi_connection
        if isinstance(dbapi_connection, OneHopConnection):
            _stage(dbapi_connection, sent, connection.dialect)
            return
        for write in list(pending.values()):  # Core execution: no ORM processing needed
            result = connection.execute(write.statement, write.params)
            if write.on_no_rows is not None and result.rowcount == 0:
                raise write.on_no_rows()  # the commit fails and is rolled back


@event.listens_for(DeferringSession, "after_commit")
def _done(session: Session) -> None:
    """Committed: the writes that went in leave the queue, their ``on_commit`` runs."""
    sent: list[tuple[Hashable, _Write]] = session.info.pop(_SENT, None) or []
    _committed(session.info.get(_PENDING) or {}, sent)


@event.listens_for(DeferringSession, "after_soft_rollback")
def _not_sent(session: Session, _previous: Any) -> None:
    session.info.pop(_SENT, None)  # the writes stay pending for the next commit


def defer(
    session: AsyncSession,
    key: Hashable,
    statement: Executable,
    params: Mapping[str, Any] | None = None,
    *,
    on_discard: Callable[[], None] | None = None,
    on_no_rows: Callable[[], Exception] | None = None,
    only_with_writes: bool = False,
    on_commit: Callable[[], None] | None = None,
) -> None:
    """Execute ``statement`` in the transaction of the session's next commit.

    ``on_no_rows``: if the statement changes no row, the commit is refused with this error.
    ``only_with_writes``: skip it when the commit writes nothing else (bookkeeping about
    writes, such as the processed-update mark); it waits for a commit that does.
    ``on_commit``: runs once the write has committed, in commit order (a cache that must
    agree with the database updates itself there).
    """
    pending: dict[Hashable, _Write] = session.info.setdefault(_PENDING, {})
    pending[key] = _Write(statement, params, on_discard, on_no_rows, only_with_writes, on_commit)


async def commit_without_session(session: AsyncSession) -> bool:
    """Commit the deferred writes straight on a pooled connection, if that is all there is.

    Most updates write nothing but their bookkeeping (a form's state and the processed
    mark): their session has used no connection and holds no object to flush, and going
    through its commit machinery cost about a third of such an update. Here the writes are
    staged on a connection taken from the engine's pool and committed in one round trip, and
    their ``on_commit`` callbacks run as after a session commit. Returns False, having done
    nothing, when the session has work of its own or the database is not SQLite through our
    adapter; the caller then commits the session as usual.
    """
    if session.info.get(_CONNECTED) or session.new or session.dirty or session.deleted:
        return False
    engine = session.bind
    if not isinstance(engine, AsyncEngine) or not isinstance(
        engine.dialect.loaded_dbapi, OneHopDBAPI
    ):
        return False
    pending: dict[Hashable, _Write] = session.info.get(_PENDING) or {}
    if all(write.only_with_writes for write in pending.values()):
        return True  # nothing is written (an empty queue too): the bookkeeping stays behind
    sent = list(pending.items())
    raw = await engine.raw_connection()
    try:
        connection = cast(OneHopConnection, raw.dbapi_connection)  # what OneHopDBAPI makes
        _stage(connection, sent, engine.dialect)
        await connection.commit_async()
    finally:
        # back to the pool inside SQLAlchemy's greenlet: an overflow connection is closed
        # there (its close awaits its worker thread), also when this task was cancelled
        await greenlet_spawn(raw.close)
    _committed(pending, sent)
    return True


def has_pending(session: AsyncSession) -> bool:
    return bool(session.info.get(_PENDING))


def settle(session: AsyncSession) -> None:
    """The update is done and committed: bookkeeping that found no write to ride is dropped."""
    pending: dict[Hashable, _Write] = session.info.get(_PENDING) or {}
    for key in [key for key, write in pending.items() if write.only_with_writes]:
        del pending[key]


def discard_pending(session: AsyncSession) -> int:
    """Drop what never committed; returns how many writes were dropped."""
    pending: dict[Hashable, _Write] = session.info.pop(_PENDING, None) or {}
    for write in pending.values():
        if write.on_discard is not None:
            write.on_discard()
    return len(pending)


_update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


@contextmanager
def update_session(session: AsyncSession) -> Iterator[AsyncSession]:
    """Make ``session`` the one that code deeper in this update defers its writes to."""
    token = _update_session.set(session)
    try:
        yield session
    finally:
        _update_session.reset(token)


def current_update_session() -> AsyncSession | None:
    return _update_session.get()
