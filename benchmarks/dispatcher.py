"""Updates per second through the full stack, side by side with a plain aiogram handler.

Run from the project root::

    .venv/bin/python -m benchmarks.dispatcher            # default run, about a minute
    .venv/bin/python -m benchmarks.dispatcher --quick    # smoke run: a few seconds
    .venv/bin/python -m benchmarks.dispatcher --write    # also rewrite benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks.dispatcher --profile  # also cProfile one one-write round

Every side gets the same treatment: pre-built ``Update`` objects fed one after another with
``await Dispatcher.feed_update`` (no polling, no network), replies answered by the strict
``tests.harness.RecordingSession``, a fresh SQLite file per round, the sides alternating.

* plain: a fresh ``Dispatcher`` with one ``Router`` and one message handler that opens an
  ``AsyncSession`` on a plain ``create_async_engine`` (default SQLite settings, no pragmas),
  inserts one row, commits and replies with ``message.answer``.
* the full stack: ``bot.app.build_dispatcher`` (every middleware, the SQL FSM storage, every
  router, the error handler) on a file migrated by the real Alembic migrations, with the
  engine from ``models.db.create_engine``, in four scenarios:

  - one write (the issue's measure: middleware, router, one database write, one reply): a
    coordinator starts the add-school form and types the school's full name, again and again;
    each update writes the form's state once, with its processed mark, and sends one message;
  - a setting: a librarian presses the reminders button on and off; each update updates the
    user's row (with its mark), edits the message and answers the button;
  - read-only: ``/help``; nothing is written;
  - the add-school flow: ``/addschool``, the full name, the short name (the school and its
    invitation link are written, the form is cleared), three updates per school.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import logging
import os
import platform
import pstats
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import aiosqlite
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy import BigInteger, Text, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.app import build_dispatcher
from bot.callbacks import SettingsCb
from bot.config import Settings
from bot.texts import common as t
from models import FsmRecord, Invitation, InvitationKind, ProcessedUpdate, School, User
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from models.sqlite_driver import OneHopConnection
from services.clock import utc_now
from services.districts import create_district, set_acting_district
from services.invitations import (
    accept_invitation,
    active_school_invite,
    create_coordinator_invite,
)
from services.schools import add_school
from services.users import TelegramProfile, ensure_super_admin, get_or_create_user
from tests.harness import TOKEN, RecordingSession, make_bot

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"

ADMIN_ID = 1001
COORDINATOR_ID = 2001
PLAIN_USER_ID = 3001
LIBRARIAN_ID = 4001
PEOPLE = 10  # people writing at once in the concurrent rounds (coordinators 2001, 2002, …)
UPDATES_PER_SCHOOL = 3  # /addschool, full name, short name

DEFAULT_N = 540  # a multiple of every scenario's unit
DEFAULT_WARMUP = 90
QUICK_N = 12
QUICK_WARMUP = 6
TARGET_UPDATES_PER_SECOND = 1000.0
ISSUE_PLAIN_FIGURE = 450.0


# ---- helpers ---------------------------------------------------------------------------------


class BenchmarkError(AssertionError):
    """A round did something other than what it was meant to measure."""


def check(condition: bool, message: str) -> None:
    """Like ``assert``, but survives ``python -O``."""
    if not condition:
        raise BenchmarkError(message)


class ErrorCounter(logging.Handler):
    """Counts ERROR records anywhere (the bot's error handler logs every failed update)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = record.getMessage()


ERRORS = ErrorCounter()


def message_update(bot: Bot, update_id: int, user_id: int, first_name: str, text: str) -> Update:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": first_name},
        "from": {"id": user_id, "is_bot": False, "first_name": first_name},
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split(maxsplit=1)[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return Update.model_validate(
        {"update_id": update_id, "message": message}, context={"bot": bot}
    )


def sent_texts(recording: RecordingSession) -> list[str]:
    return [str(c.param("text")) for c in recording.calls if c.name == "SendMessage"]


@dataclass
class SqlCounter:
    """SQL through SQLAlchemy's events, statements staged for a commit, worker round trips."""

    statements: int = 0
    commits: int = 0
    checkouts: int = 0
    staged: int = 0
    round_trips: int = 0

    @contextmanager
    def counting_driver(self) -> Iterator[None]:
        """Count what bypasses SQLAlchemy's events: staged statements and thread hops."""
        stage, execute = OneHopConnection.stage, aiosqlite.Connection._execute

        def staging(conn: OneHopConnection, writes: list[Any]) -> None:
            self.staged += len(writes)
            stage(conn, writes)

        async def hop(conn: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.round_trips += 1
            if getattr(fn, "__name__", "") in ("commit", "_commit_with"):
                self.commits += 1  # a COMMIT that reached SQLite
            return await execute(conn, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

        OneHopConnection.stage = staging  # type: ignore[method-assign,assignment]
        aiosqlite.Connection._execute = hop  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            OneHopConnection.stage = stage  # type: ignore[method-assign]
            aiosqlite.Connection._execute = execute  # type: ignore[method-assign]

    def attach(self, engine: AsyncEngine) -> None:
        def on_execute(*_: Any) -> None:
            self.statements += 1

        def on_checkout(*_: Any) -> None:
            self.checkouts += 1

        event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
        event.listen(engine.sync_engine, "checkout", on_checkout)


class Side(Protocol):
    label: str
    per_update: str
    dp: Dispatcher
    bot: Bot
    recording: RecordingSession
    updates: list[Update]
    sql: SqlCounter | None
    people: int

    async def prepare(self) -> None: ...

    async def verify(self) -> None: ...

    async def close(self) -> None: ...


# ---- the plain side --------------------------------------------------------------------------


class PlainBase(DeclarativeBase):
    pass


class PlainNote(PlainBase):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)


PLAIN_REPLY = "Сохранено."


class PlainSide:
    label = "plain aiogram + SQLAlchemy"
    per_update = "1 INSERT + COMMIT, 1 sendMessage"

    def __init__(
        self, workdir: Path, n: int, tag: str, *, count_sql: bool = False, people: int = 1
    ) -> None:
        self.people = people
        self.path = workdir / f"plain-{tag}.db"
        self.n = n
        self.sql: SqlCounter | None = SqlCounter() if count_sql else None

    async def prepare(self) -> None:
        self.engine = create_async_engine(f"sqlite+aiosqlite:///{self.path}")
        async with self.engine.begin() as conn:
            await conn.run_sync(PlainBase.metadata.create_all)
        if self.sql is not None:
            self.sql.attach(self.engine)
        engine = self.engine

        async def save_and_reply(message: Message) -> None:
            async with AsyncSession(engine) as session:
                session.add(PlainNote(chat_id=message.chat.id, text=message.text or ""))
                await session.commit()
            await message.answer(PLAIN_REPLY)

        router = Router(name="plain")
        router.message.register(save_and_reply)
        self.dp = Dispatcher()
        self.dp.include_router(router)
        self.recording = RecordingSession()
        self.bot = make_bot(self.recording)
        self.updates = [
            message_update(
                self.bot, i + 1, PLAIN_USER_ID + i % self.people, "Анна", f"Заметка № {i + 1}"
            )
            for i in range(self.n)
        ]

    async def verify(self) -> None:
        async with AsyncSession(self.engine) as session:
            rows = await session.scalar(select(func.count(PlainNote.id)))
        check(rows == self.n, f"plain: {rows} rows for {self.n} updates")
        check(not self.recording.violations, f"plain: violations {self.recording.violations}")
        texts = sent_texts(self.recording)
        check(len(texts) == self.n, f"plain: {len(texts)} replies for {self.n} updates")
        check(all(x == PLAIN_REPLY for x in texts), "plain: unexpected reply text")

    async def close(self) -> None:
        await self.engine.dispose()


# ---- the full stack --------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    district_id: int


def migrate_template(path: Path) -> None:
    """Real Alembic migrations, once; every full-stack round copies the file."""
    upgrade(f"sqlite+aiosqlite:///{path}")


async def seed_template(path: Path) -> Seed:
    """A super-admin with an acting district; its coordinator; a school with its librarian."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    pool = create_session_pool(engine)
    try:
        async with pool() as session:
            admin = await ensure_super_admin(
                session, TelegramProfile(ADMIN_ID, None), "Ирина Админова", utc_now
            )
            district = await create_district(session, "Бенчмарковский район", utc_now)
            await set_acting_district(session, admin, district.id, utc_now)
            invitation = await create_coordinator_invite(session, district.id, admin, utc_now)
            coordinator = await get_or_create_user(
                session, TelegramProfile(COORDINATOR_ID, None), utc_now
            )
            await accept_invitation(
                session, coordinator, invitation.token, "Ольга Методистова", utc_now
            )
            for extra in range(1, PEOPLE):
                invitation = await create_coordinator_invite(session, district.id, admin, utc_now)
                colleague = await get_or_create_user(
                    session, TelegramProfile(COORDINATOR_ID + extra, None), utc_now
                )
                await accept_invitation(
                    session, colleague, invitation.token, f"Методист Номер {extra}", utc_now
                )
            school = await add_school(
                session, district.id, "Школа для замеров полностью", "СОШ замеров", None, utc_now
            )
            link = await active_school_invite(session, school.id)
            assert link is not None
            librarian = await get_or_create_user(
                session, TelegramProfile(LIBRARIAN_ID, None), utc_now
            )
            await accept_invitation(session, librarian, link.token, "Анна Библиотекарь", utc_now)
            return Seed(district_id=district.id)
    finally:
        await engine.dispose()


def callback_update(bot: Bot, update_id: int, user_id: int, data: str) -> Update:
    """A press on a button of the bot's message 1 in the user's chat."""
    query = {
        "id": str(update_id),
        "from": {"id": user_id, "is_bot": False, "first_name": "Анна"},
        "chat_instance": "ci",
        "data": data,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": bot.id, "is_bot": True, "first_name": "ШИБЦ"},
            "text": "Напоминания",
        },
    }
    return Update.model_validate(
        {"update_id": update_id, "callback_query": query}, context={"bot": bot}
    )


@dataclass
class Facts:
    """What a full-stack round left behind, read after timing."""

    schools: int
    links: int
    fsm: list[tuple[str | None, dict[str, Any]]]
    marks: int
    muted: bool | None
    calls: list[str]
    texts: list[str]


class Scenario(Protocol):
    key: str
    label: str
    per_update: str
    unit: int  # N must be a multiple of it

    def updates(self, bot: Bot, n: int, tag: str, people: int) -> list[Update]: ...

    def verify(self, facts: Facts, n: int, people: int) -> None: ...


def full_name(i: int, tag: str) -> str:
    return (
        "Муниципальное бюджетное общеобразовательное учреждение "
        f"«Средняя общеобразовательная школа № {i}» ({tag})"
    )


class OneWrite:
    key = "one-write"
    label = "full stack: one write per update"
    per_update = "the form's state written (with the processed mark) in one commit; 1 sendMessage"
    unit = 2

    def updates(self, bot: Bot, n: int, tag: str, people: int) -> list[Update]:
        updates = []
        for i in range(n):
            person, step = i % people, i // people  # each person: /addschool, name, …
            text = "/addschool" if step % 2 == 0 else full_name(step // 2, tag)
            updates.append(message_update(bot, i + 1, COORDINATOR_ID + person, "Ольга", text))
        return updates

    def verify(self, facts: Facts, n: int, people: int) -> None:
        check(facts.marks == n, f"{self.key}: {facts.marks} processed marks for {n} updates")
        check(len(facts.fsm) == people, f"{self.key}: {len(facts.fsm)} FSM rows")
        last = full_name((n // people - 1) // 2, "")[:-2]
        for state, data in facts.fsm:
            check(state == "SchoolForm:short_name", f"{self.key}: form state {state}")
            check(str(data.get("full_name", "")).startswith(last), f"{self.key}: data {data}")
        check(len(facts.texts) == n, f"{self.key}: {len(facts.texts)} replies for {n}")


class Setting:
    key = "setting"
    label = "full stack: a setting switched"
    per_update = "the user's row updated (with the mark); editMessageText + answerCallbackQuery"
    unit = 2

    def updates(self, bot: Bot, n: int, tag: str, people: int) -> list[Update]:
        actions = ("mute", "unmute")
        return [
            callback_update(bot, i + 1, LIBRARIAN_ID, SettingsCb(action=actions[i % 2]).pack())
            for i in range(n)
        ]

    def verify(self, facts: Facts, n: int, people: int) -> None:
        check(facts.marks == n, f"{self.key}: {facts.marks} processed marks for {n} updates")
        check(facts.muted is False, f"{self.key}: reminders_muted is {facts.muted}")
        edits = facts.calls.count("EditMessageText")
        answers = facts.calls.count("AnswerCallbackQuery")
        check(edits == n and answers == n, f"{self.key}: {edits} edits, {answers} answers")


class ReadOnly:
    key = "read-only"
    label = "full stack: read-only (/help)"
    per_update = "nothing written; 1 sendMessage"
    unit = 1

    def updates(self, bot: Bot, n: int, tag: str, people: int) -> list[Update]:
        return [
            message_update(bot, i + 1, COORDINATOR_ID + i % people, "Ольга", "/help")
            for i in range(n)
        ]

    def verify(self, facts: Facts, n: int, people: int) -> None:
        check(facts.marks == 0, f"{self.key}: {facts.marks} marks; nothing should be written")
        check(len(facts.texts) == n, f"{self.key}: {len(facts.texts)} replies for {n}")
        check(all(x.startswith(t.HELP_HEADER) for x in facts.texts), f"{self.key}: not /help")


class Flow:
    key = "flow"
    label = "full stack: the add-school flow"
    per_update = "3 updates per school: form state, then school + link + form cleared"
    unit = UPDATES_PER_SCHOOL

    def updates(self, bot: Bot, n: int, tag: str, people: int) -> list[Update]:
        updates: list[Update] = []
        for i in range(1, n // UPDATES_PER_SCHOOL + 1):
            for text in ("/addschool", full_name(i, tag), f"СОШ № {i} ({tag})"):
                updates.append(
                    message_update(bot, len(updates) + 1, COORDINATOR_ID, "Ольга", text)
                )
        return updates

    def verify(self, facts: Facts, n: int, people: int) -> None:
        schools = n // UPDATES_PER_SCHOOL
        check(facts.schools == schools, f"{self.key}: {facts.schools} schools, not {schools}")
        check(facts.links == schools, f"{self.key}: {facts.links} links, not {schools}")
        check(not facts.fsm, f"{self.key}: {len(facts.fsm)} FSM rows left (a form did not end)")
        check(facts.marks == n, f"{self.key}: {facts.marks} processed marks for {n} updates")
        check(len(facts.texts) == n, f"{self.key}: {len(facts.texts)} replies for {n}")


SCENARIOS: tuple[Scenario, ...] = (OneWrite(), Setting(), ReadOnly(), Flow())
TARGET_SCENARIO = OneWrite.key


class FullSide:
    """``build_dispatcher`` as production builds it, fed one scenario's updates."""

    def __init__(
        self,
        scenario: Scenario,
        template: Path,
        seed: Seed,
        workdir: Path,
        n: int,
        tag: str,
        *,
        count_sql: bool = False,
        people: int = 1,
    ) -> None:
        check(n % (scenario.unit * people) == 0, f"N must be a multiple of {scenario.unit}")
        self.people = people
        self.scenario = scenario
        self.label = scenario.label
        self.per_update = scenario.per_update
        self.template = template
        self.seed = seed
        self.path = workdir / f"{scenario.key}-{tag}.db"
        self.n = n
        self.tag = tag
        self.sql: SqlCounter | None = SqlCounter() if count_sql else None

    async def prepare(self) -> None:
        shutil.copy(self.template, self.path)
        url = f"sqlite+aiosqlite:///{self.path}"
        self.engine = create_engine(url)
        async with self.engine.connect() as conn:  # open the pooled connection, as plain does
            await conn.exec_driver_sql("SELECT 1")
        if self.sql is not None:
            self.sql.attach(self.engine)
        self.pool = create_session_pool(self.engine)
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            database_url=url,
            admin_ids=[ADMIN_ID],
            catalogue_path=str(ROOT / "data" / "roadmap.toml"),
        )
        self.dp = build_dispatcher(settings, self.pool, utc_now)
        self.middlewares = [
            f"{observer}: " + ", ".join(type(m).__name__ for m in manager)
            for observer, manager in (
                ("update", self.dp.update.outer_middleware),
                ("message", self.dp.message.outer_middleware),
            )
            if len(manager)
        ]
        self.recording = RecordingSession()
        self.bot = make_bot(self.recording)
        self.updates = self.scenario.updates(self.bot, self.n, self.tag, self.people)

    async def verify(self) -> None:
        district_id = self.seed.district_id
        async with self.pool() as session:
            schools = await session.scalar(
                select(func.count(School.id)).where(
                    School.district_id == district_id, School.short_name != "СОШ замеров"
                )
            )
            links = await session.scalar(
                select(func.count(Invitation.id)).where(
                    Invitation.district_id == district_id,
                    Invitation.kind == InvitationKind.LIBRARIAN,
                    Invitation.revoked_at.is_(None),
                )
            )
            fsm = [
                (state, dict(data or {}))
                for state, data in (await session.execute(select(FsmRecord.state, FsmRecord.data)))
            ]
            marks = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
            muted = await session.scalar(
                select(User.reminders_muted).where(User.telegram_id == LIBRARIAN_ID)
            )
        check(not self.recording.violations, f"full: violations {self.recording.violations}")
        texts = sent_texts(self.recording)
        check(t.INTERNAL_ERROR not in texts, "full: the bot answered with the internal-error text")
        facts = Facts(
            schools=int(schools or 0),
            links=int(links or 0) - 1,  # the seeded school's own link
            fsm=fsm,
            marks=int(marks or 0),
            muted=muted,
            calls=[c.name for c in self.recording.calls],
            texts=texts,
        )
        self.scenario.verify(facts, self.n, self.people)

    async def close(self) -> None:
        await self.engine.dispose()


# ---- running rounds --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResult:
    updates: int
    seconds: float
    main_cpu: float  # CPU time of the event-loop thread
    process_cpu: float  # CPU time of the whole process (adds aiosqlite's worker threads)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


async def feed_all(side: Side) -> RoundResult:
    """One after another; or, with several people, as aiogram's polling does: each batch (one
    update from each person, as from one getUpdates call) handled as concurrent tasks."""
    dp, bot, people = side.dp, side.bot, side.people
    cpu, main_cpu, start = time.process_time(), time.thread_time(), time.perf_counter()
    if people == 1:
        for update in side.updates:
            await dp.feed_update(bot, update)
    else:
        for first in range(0, len(side.updates), people):
            batch = side.updates[first : first + people]
            await asyncio.gather(*(dp.feed_update(bot, update) for update in batch))
    return RoundResult(
        updates=len(side.updates),
        seconds=time.perf_counter() - start,
        main_cpu=time.thread_time() - main_cpu,
        process_cpu=time.process_time() - cpu,
    )


async def run_round(side: Side) -> RoundResult:
    await side.prepare()
    errors_before = ERRORS.count
    gc.collect()
    try:
        result = await feed_all(side)
        check(
            ERRORS.count == errors_before,
            f"{side.label}: {ERRORS.count - errors_before} errors logged, first: {ERRORS.first}",
        )
        await side.verify()
    finally:
        await side.close()
    return result


@dataclass(frozen=True)
class Instrumented:
    """One extra round per side, not used for speed: tracemalloc and SQL/API call counts."""

    tracemalloc_peak: int
    tracemalloc_retained: int
    statements_per_update: float
    staged_per_update: float
    commits_per_update: float
    checkouts_per_update: float
    round_trips_per_update: float
    api_calls_per_update: float


async def run_instrumented(side: Side) -> Instrumented:
    await side.prepare()
    sql = side.sql
    if sql is None:
        raise BenchmarkError("instrumented round without an SQL counter")
    gc.collect()
    with sql.counting_driver():
        tracemalloc.start()
        try:
            await feed_all(side)
            retained, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    n = len(side.updates)
    result = Instrumented(  # counted before verify() runs its own queries
        tracemalloc_peak=peak,
        tracemalloc_retained=retained,
        statements_per_update=sql.statements / n,
        staged_per_update=sql.staged / n,
        commits_per_update=sql.commits / n,
        checkouts_per_update=sql.checkouts / n,
        round_trips_per_update=sql.round_trips / n,
        api_calls_per_update=len(side.recording.calls) / n,
    )
    try:
        await side.verify()
    finally:
        await side.close()
    return result


PROFILE_FILTER = re.compile(r"aiogram|sqlalchemy|aiosqlite|/(bot|handlers|services|models)/")


def _where(file_name: str) -> str:
    stdlib = f"/lib/python{sys.version_info.major}.{sys.version_info.minor}/"
    for marker in ("site-packages/", f"{ROOT}/", stdlib):
        if marker in file_name:
            return file_name.split(marker, 1)[1]
    return file_name


async def run_profile(side: Side, top: int) -> str:
    """cProfile one full-stack round; report per update, our code and the libraries only."""
    await side.prepare()
    profiler = cProfile.Profile()
    profiler.enable()
    result = await feed_all(side)
    profiler.disable()
    try:
        await side.verify()
    finally:
        await side.close()
    n = result.updates
    # (file, line, function) -> (primitive calls, calls, own time, cumulative time, callers)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = vars(
        pstats.Stats(profiler)
    )["stats"]
    waiting = sum(v[2] for k, v in raw.items() if "select.epoll" in k[2])
    rows = sorted(
        ((k, v) for k, v in raw.items() if PROFILE_FILTER.search(k[0])),
        key=lambda item: item[1][3],
        reverse=True,
    )[:top]
    out = [
        f"cProfile of one full-stack round: {n} updates, {result.seconds / n * 1000:.2f} ms "
        f"per update under the profiler, of which {waiting / n * 1000:.2f} ms the event loop "
        "sat in epoll waiting for aiosqlite's worker thread.",
        "cProfile counts a coroutine as called each time it resumes, so calls/update of "
        "the outer coroutines is the number of awaits that really suspended, and their "
        "cumulative times overlap (and can exceed the wall time): read them relatively.",
        "",
        f"By cumulative time, top {top} of aiogram, SQLAlchemy, aiosqlite and our code:",
        f"{'cum ms/upd':>10} {'own ms/upd':>10} {'calls/upd':>9}  function",
    ]
    for (file_name, line, function), (_, calls, own, cum, _) in rows:
        out.append(
            f"{cum / n * 1000:10.3f} {own / n * 1000:10.3f} {calls / n:9.2f}  "
            f"{function} ({_where(file_name)}:{line})"
        )
    out += ["", "By own time, everything (builtins included), top 15:"]
    for (file_name, line, function), (_, calls, own, cum, _) in sorted(
        raw.items(), key=lambda item: item[1][2], reverse=True
    )[:15]:
        out.append(
            f"{cum / n * 1000:10.3f} {own / n * 1000:10.3f} {calls / n:9.2f}  "
            f"{function} ({_where(file_name)}:{line})"
        )
    return "\n".join(out) + "\n"


def max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


@dataclass
class Report:
    n: int
    rounds: int
    warmup: int
    started: datetime
    results: dict[str, list[RoundResult]] = field(default_factory=dict)
    concurrent: dict[str, list[RoundResult]] = field(default_factory=dict)
    instrumented: dict[str, Instrumented] = field(default_factory=dict)
    rss_after_imports: int = 0
    rss_after_setup: int = 0
    rss_after_speed: int = 0
    wall_seconds: float = 0.0
    startup_cpu_seconds: float = 0.0
    load_average: float = 0.0
    middlewares: list[str] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(r.rate for r in self.results[key])

    def ratio(self, key: str) -> float:
        return self.median(key) / self.median(PLAIN)

    def concurrent_median(self, key: str) -> float:
        return statistics.median(r.rate for r in self.concurrent[key])


PLAIN = "plain"
CONCURRENT_KEYS = (PLAIN, "one-write", "read-only")


async def benchmark(
    workdir: Path, n: int, rounds: int, warmup: int, profile_top: int | None
) -> tuple[Report, str | None]:
    report = Report(n=n, rounds=rounds, warmup=warmup, started=datetime.now(UTC))
    report.load_average = os.getloadavg()[0]
    wall = time.perf_counter()
    template = workdir / "template.db"
    await asyncio.to_thread(migrate_template, template)
    seed = await seed_template(template)
    report.rss_after_setup = max_rss_bytes()
    # as the bot does once it has started (bot.app.run_polling): what start-up built lives as
    # long as the process, so the cyclic garbage collector stops walking it
    gc.collect()
    gc.freeze()

    def side(key: str, tag: str, size: int, count_sql: bool = False, people: int = 1) -> Side:
        if key == PLAIN:
            return PlainSide(workdir, size, tag, count_sql=count_sql, people=people)
        scenario = next(s for s in SCENARIOS if s.key == key)
        return FullSide(
            scenario, template, seed, workdir, size, tag, count_sql=count_sql, people=people
        )

    keys = [PLAIN, *(s.key for s in SCENARIOS)]
    for key in keys:
        await run_round(side(key, "warmup", warmup))
    for i in range(1, rounds + 1):
        for key in keys:
            result = await run_round(side(key, f"r{i}", n))
            report.results.setdefault(key, []).append(result)
            print(f"round {i}: {key:10} {result.rate:8.1f} updates/s", flush=True)
    concurrent_n = max(2 * PEOPLE, n - n % (2 * PEOPLE))
    for i in range(1, rounds + 1):
        for key in CONCURRENT_KEYS:
            result = await run_round(side(key, f"c{i}", concurrent_n, people=PEOPLE))
            report.concurrent.setdefault(key, []).append(result)
            print(f"round {i}: {key:10} {result.rate:8.1f} updates/s, {PEOPLE} people", flush=True)
    report.rss_after_speed = max_rss_bytes()
    for key in keys:
        counted = side(key, "mem", n, count_sql=True)
        report.instrumented[key] = await run_instrumented(counted)
        if isinstance(counted, FullSide):
            report.middlewares = counted.middlewares
    profile = None
    if profile_top is not None:
        profile = await run_profile(side(TARGET_SCENARIO, "prof", n), profile_top)
    report.wall_seconds = time.perf_counter() - wall
    return report, profile


# ---- the report ------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _total_ram() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    kib = int(line.split()[1])
                    return f"{kib / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine_rows() -> list[tuple[str, str]]:
    return [
        ("CPU", _cpu_model()),
        ("nproc", str(_nproc())),
        ("RAM", _total_ram()),
        ("OS", f"{platform.system()} {platform.machine()}"),
        ("Python", platform.python_version()),
        ("aiogram", version("aiogram")),
        ("SQLAlchemy", version("SQLAlchemy")),
        ("aiosqlite", version("aiosqlite")),
        ("pydantic", version("pydantic")),
        ("SQLite", sqlite3.sqlite_version),
    ]


def _mib(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"


def _split_row(name: str, results: list[RoundResult]) -> str:
    median = sorted(results, key=lambda r: r.rate)[len(results) // 2]
    per = 1000 / median.updates
    other = median.process_cpu - median.main_cpu
    waiting = max(median.seconds - median.process_cpu, 0.0)
    return (
        f"| {name} | {median.seconds * per:.2f} | {median.main_cpu * per:.2f} | "
        f"{other * per:.2f} | {waiting * per:.2f} |"
    )


HISTORY = """\
## Earlier runs (for comparison; not measured by this run)

On the first version of the stack (2026-11-25 21:38 UTC, same machine kind) only the add-school
flow was measured: 155 updates/s against the plain handler's 437 (ratio 0.36), with 5.0 SQL
statements, 4.0 commits and 4.0 connection checkouts per update. What changed since, each
measured and committed on its own:

1. one round trip to aiosqlite's worker thread per statement instead of 3–4
   (`models/sqlite_driver.py`);
2. one transaction per update: the processed mark and the form's state are deferred to the
   update's commit (`models/deferred.py`);
3. cached Core statements for that bookkeeping, and for the user lookup;
4. repeated updates told apart in memory above a start-up floor (`services/updates.py`);
5. writers of one engine queue on the event loop instead of SQLite's busy handler; COMMIT and
   ROLLBACK skipped where no write happened; read-only updates write no mark;
6. the deferred statements staged and run with COMMIT in one round trip;
7. users' rows kept in memory for SQLite, cleared after any write to them commits
   (`services/user_cache.py`);
8. feature routers let in only commands and steps of their own forms (one check instead of
   every handler's filters);
9. an update that writes only its bookkeeping commits it on a pooled connection, without
   the session's commit machinery.

How steady the numbers are: this machine is shared, and the same code measured repeatedly on
2026-11-25/26 gave one-write medians from 955 to 1,085 updates/s as the load changed (the plain
handler from 457 to 546 in the same runs); the ratio between them stayed at 1.9–2.1×. Judge a
run by its ratio and by the spread of its rounds, not by one figure.

Correctness work that came with it, each with a regression test (`tests/test_consistency.py`,
`tests/test_ordering.py`): one person's updates are handled in turn (they were concurrent),
the caches take a change only when its commit succeeds, a failed COMMIT is rolled back and a
connection never goes back to the pool inside a transaction.
"""


def _side_label(key: str) -> str:
    if key == PLAIN:
        return PlainSide.label
    return next(s.label for s in SCENARIOS if s.key == key)


def _side_per_update(key: str) -> str:
    if key == PLAIN:
        return PlainSide.per_update
    return next(s.per_update for s in SCENARIOS if s.key == key)


def render(report: Report, command: str) -> str:
    keys = list(report.results)
    target = report.median(TARGET_SCENARIO)
    met = target >= TARGET_UPDATES_PER_SECOND
    lines = [
        "# Dispatcher benchmark",
        "",
        "(The outbox and reminder-planning benchmarks of the reminders issue are in "
        "[RESULTS-outbox.md](RESULTS-outbox.md), written by `python -m benchmarks.outbox`.)",
        "",
        f"Generated by `{command}` on {report.started:%Y-%m-%d %H:%M} UTC "
        f"(whole run {report.wall_seconds:.0f} s, after {report.startup_cpu_seconds:.1f} s "
        f"of interpreter start-up and imports; 1-minute load average at the start "
        f"{report.load_average:.2f}).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine_rows()),
        "",
        "## Throughput",
        "",
        f"N = {report.n} updates per round, fed one after another with "
        f"`await dp.feed_update(bot, update)`; {report.rounds} rounds, the sides alternating "
        f"(plain, then each full-stack scenario, then plain again, …) after a warm-up round "
        f"of {report.warmup} updates each; a fresh SQLite file per round.",
        "",
        "| side | per update | "
        + " | ".join(f"round {i}" for i in range(1, report.rounds + 1))
        + " | median, updates/s | ms per update | × plain |",
        "|---|---|" + "---:|" * (report.rounds + 3),
    ]
    for key in keys:
        median = report.median(key)
        lines.append(
            f"| {_side_label(key)} | {_side_per_update(key)} | "
            + " | ".join(f"{r.rate:,.0f}" for r in report.results[key])
            + f" | **{median:,.0f}** | {1000 / median:.2f} | {report.ratio(key):.2f} |"
        )
    lines += [
        "",
        f"**Target ≥ {TARGET_UPDATES_PER_SECOND:,.0f} updates/s through the full stack with "
        "one database write and one reply per update (the issue's measure): "
        + ("met" if met else "NOT met")
        + f"** — median {target:,.0f} updates/s, {report.ratio(TARGET_SCENARIO):.2f}× the "
        f"plain one-insert handler ({report.median(PLAIN):,.0f} updates/s; the issue quotes "
        f"about {ISSUE_PLAIN_FIGURE:,.0f}).",
        "",
        "Where the wall time of the median round goes, per update (CPU time of the "
        "event-loop thread, which runs aiogram, SQLAlchemy and our code, and of the other "
        "threads, which are aiosqlite's per-connection workers; the rest is waiting, mostly "
        "for thread hand-offs, and for the plain side's fsync on every commit):",
        "",
        "| side | wall ms | event-loop thread CPU ms | other threads CPU ms | waiting ms |",
        "|---|---:|---:|---:|---:|",
        *(_split_row(_side_label(key), report.results[key]) for key in keys),
        "",
        f"### {PEOPLE} people at once, as polling runs them",
        "",
        f"aiogram's polling handles the updates of one `getUpdates` batch as concurrent tasks. "
        f"Here {PEOPLE} people write at the same time: each batch holds one update from each, "
        f"handled with `asyncio.gather`, the next batch after it ({report.rounds} rounds, "
        "medians).",
        "",
        "| side | median, updates/s | × plain | × the same side one after another |",
        "|---|---:|---:|---:|",
        *(
            f"| {_side_label(key)} | **{report.concurrent_median(key):,.0f}** | "
            f"{report.concurrent_median(key) / report.concurrent_median(PLAIN):.2f} | "
            f"{report.concurrent_median(key) / report.median(key):.2f} |"
            for key in report.concurrent
        ),
        "",
        "The plain handler's connections wait for each other in SQLite's busy handler, which "
        "sleeps and retries; ours queue on the event loop for the write gate and go the "
        "moment it is free, and one person's updates wait for each other "
        "(`bot/ordering.py`) while the others go on.",
        "",
        "## Work per update (counted in a separate round per side)",
        "",
        "| side | SQL statements through SQLAlchemy | statements staged with COMMIT | "
        "COMMITs sent to SQLite | connection checkouts | round trips to the worker thread "
        "| Bot API calls |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {_side_label(key)} | {i.statements_per_update:.2f} | "
            f"{i.staged_per_update:.2f} | {i.commits_per_update:.2f} | "
            f"{i.checkouts_per_update:.2f} | {i.round_trips_per_update:.2f} | "
            f"{i.api_calls_per_update:.2f} |"
            for key, i in report.instrumented.items()
        ),
        "",
        "A round trip is one hand-off to an aiosqlite worker thread and back through the event "
        "loop (each statement, fetch, cursor close or commit on the stock adapter the plain "
        "side uses; one per statement, and one for the staged statements with COMMIT, on "
        "ours). A COMMIT is counted when it reaches SQLite: our adapter sends none where "
        "nothing was written, and an update that writes only its bookkeeping commits it on a "
        "pooled connection without a session (`models.deferred.commit_without_session`).",
        "",
        "## Memory",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| peak RSS of the process after the imports (aiogram's types are most of it) | "
        f"{_mib(report.rss_after_imports)} |",
        f"| peak RSS of the process after migrations and seeding | "
        f"{_mib(report.rss_after_setup)} |",
        f"| peak RSS of the process after all speed rounds (ru_maxrss) | "
        f"{_mib(report.rss_after_speed)} |",
        *(
            f"| tracemalloc peak during one round of {report.n} updates: {_side_label(key)} | "
            f"{_mib(i.tracemalloc_peak)} |"
            for key, i in report.instrumented.items()
        ),
        "",
        "tracemalloc ran in the counting round (not used for speed) and starts after the "
        "round's updates were built, so it counts what processing allocates; that includes "
        "the recording session, which keeps every Bot API call and sent message, and for the "
        "full stack SQLAlchemy's identity maps and compiled-statement cache.",
        "",
        "## What each side does",
        "",
        "- **plain**: a fresh aiogram `Dispatcher` (default memory FSM storage) with one "
        "`Router` and one message handler; the handler opens an `AsyncSession` on "
        '`create_async_engine("sqlite+aiosqlite:///…")` with default SQLite settings '
        "(rollback journal, `synchronous=FULL`), adds one row, commits, and replies with "
        "`message.answer`.",
        "- **full stack**: `bot.app.build_dispatcher` as production builds it: every router, "
        "the error handler, the SQL FSM storage (`bot.fsm_storage.SqlStorage`) and the outer "
        "middlewares, in order: "
        + "; ".join(f"`{m}`" for m in report.middlewares)
        + ". On a file migrated by the real Alembic migrations, engine from "
        "`models.db.create_engine` (WAL, `synchronous=NORMAL`, foreign keys, our adapter).",
        "  - *one write*: a coordinator sends `/addschool` and the school's full name, again "
        "and again; each update writes the form's state (one row) and its processed mark in "
        "one commit and sends one message.",
        "  - *a setting*: a librarian presses the reminders button, on and off; each update "
        "updates the user's row (which also clears the in-memory user rows, so the next "
        "update reads its user again) with its mark, edits the message and answers the "
        "button.",
        "  - *read-only*: `/help`; nothing is written, so no mark either.",
        f"  - *the add-school flow*: `/addschool`, the full name, the short name; "
        f"{report.n // UPDATES_PER_SCHOOL} schools per round, each written with its "
        "invitation link at the third update, which also clears the form.",
        "- Each round is checked after timing, against the database and the recorded Bot API "
        "calls: the plain table has N rows; *one write* left the form at its second step with "
        "the last full name and N processed marks; *a setting* left reminders on, N marks, N "
        "edits and N answers; *read-only* wrote no mark; *the flow* has N/3 schools, as many "
        "live links, no form left and N marks; every side sent its replies, none of them the "
        "internal-error text, with no Bot API violation and no ERROR log record.",
        "- Not measured: polling/JSON parsing of updates, the network, and the INFO log line "
        "per update that production logging enables (`aiogram.event`); logging is left "
        "unconfigured on every side.",
        "",
        HISTORY,
        "## Verdict",
        "",
    ]
    flow = report.median(Flow.key)
    if met:
        lines.append(
            f"The target is met: with one database write and one reply per update the full "
            f"stack handles {target:,.0f} updates/s, {report.ratio(TARGET_SCENARIO):.2f}× the "
            f"plain one-insert handler measured in the same run. The heavier add-school flow "
            f"(which writes a school and its link at every third update) handles "
            f"{flow:,.0f} updates/s, {report.ratio(Flow.key):.2f}× the plain handler."
        )
    else:
        lines.append(
            f"The target is not met: with one database write and one reply per update the "
            f"full stack handles {target:,.0f} updates/s, "
            f"{report.ratio(TARGET_SCENARIO):.2f}× the plain one-insert handler "
            f"({report.median(PLAIN):,.0f} updates/s). The add-school flow handles "
            f"{flow:,.0f} updates/s."
        )
    lines.append("")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dispatcher", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: ~5 s after the ~4 s of imports"
    )
    parser.add_argument("--write", action="store_true", help=f"rewrite {RESULTS_PATH.name}")
    parser.add_argument("-n", type=int, help="updates per round (a multiple of 3)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side")
    parser.add_argument(
        "--profile",
        nargs="?",
        type=int,
        const=25,
        default=None,
        metavar="TOP",
        help="also cProfile one full-stack round and print the TOP lines (default 25)",
    )
    return parser.parse_args(argv)


@contextmanager
def counting_errors() -> Iterator[None]:
    root = logging.getLogger()
    root.addHandler(ERRORS)
    try:
        yield
    finally:
        root.removeHandler(ERRORS)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    startup_cpu = usage.ru_utime + usage.ru_stime  # imports: aiogram's types dominate
    rss_after_imports = max_rss_bytes()
    args = parse_args(argv)
    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    n -= n % UPDATES_PER_SCHOOL
    warmup = QUICK_WARMUP if args.quick else DEFAULT_WARMUP
    if n <= 0 or args.rounds < 1:
        out("N must be at least 3 and --rounds at least 1")
        return 2
    flags = [a for a in ("--quick" if args.quick else "", f"-n {args.n}" if args.n else "") if a]
    command = " ".join(["python -m benchmarks.dispatcher", *flags])
    with tempfile.TemporaryDirectory(prefix="bench-dispatcher-") as tmp, counting_errors():
        report, profile = asyncio.run(benchmark(Path(tmp), n, args.rounds, warmup, args.profile))
    report.startup_cpu_seconds = startup_cpu
    report.rss_after_imports = rss_after_imports
    text = render(report, command)
    out("")
    out(text)
    if profile is not None:
        out(profile)
    if args.write:
        RESULTS_PATH.write_text(text, encoding="utf-8")
        out(f"written {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
