"""Reminder planning at republic scale, and draining the outbox against a rate-limited fake API.

Run from the project root::

    .venv/bin/python -m benchmarks.outbox                 # full run (~30-40 minutes)
    .venv/bin/python -m benchmarks.outbox --quick         # 300 schools, drain 500 (~2 minutes)
    .venv/bin/python -m benchmarks.outbox --write         # also rewrite RESULTS-outbox.md
    .venv/bin/python -m benchmarks.outbox --drain 2000    # a shorter drain

Planning: one ``services.reminders.plan_reminders`` pass with ``bot.toolkit.reminder_texts``'s
``RussianRenderer`` on a SQLite file made by the real Alembic migrations and filled with bulk
inserts: 25 schools and 2 librarians per school in every district (plus one coordinator per
district), ~10 % of the schools of every event already confirmed, every event open with a
reminder step due at the moment of the pass (so it fans out to all its unconfirmed
librarians).  Two cases: the issue's 40 open events spread over the districts, and a stress
case of 40 open events per district.  Every pass runs on a fresh copy of the prepared file;
the median of three is reported, and a second pass right after the first must plan nothing.

Drain: N reminder rows planned with ``services.outbox.plan`` for N librarians (distinct chat
ids, with user, event and school so the send-time checks do their full work); the real
``python -m bot`` runs as a subprocess against ``tests.fake_bot_api.FakeBotAPI`` with a limit of
30 messages/s (429 beyond it).  Sustained rate = (delivered - 1) / (last - first delivery).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import cProfile
import gc
import hashlib
import inspect
import itertools
import math
import os
import platform
import pstats
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import bot.app as bot_app
import services.reminders as reminders_module
from bot.outbox_sender import RateLimiter
from bot.toolkit.reminder_texts import RussianRenderer
from models import (
    Audience,
    Confirmation,
    ConfirmationStatus,
    District,
    Event,
    EventKind,
    EventStatus,
    Notification,
    NotificationStatus,
    ReminderRun,
    Role,
    School,
    User,
)
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.outbox import Outgoing, QuietHours, plan
from services.reminders import ReminderConfig, Step, plan_reminders
from tests.e2e import BotProcess
from tests.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS-outbox.md"
PlanFunction = Callable[..., Awaitable[int]]

TZ = ZoneInfo("Asia/Yekaterinburg")
CFG = ReminderConfig(tz=TZ, quiet=QuietHours())
RENDER = RussianRenderer(TZ)

SCHOOLS_PER_DISTRICT = 25
LIBRARIANS_PER_SCHOOL = 2
CONFIRMED_EVERY = 10  # one school in ten has confirmed each event
ISSUE_EVENTS = 40
STRESS_EVENTS_PER_DISTRICT = 40
SCALES = (300, 1500, 7500)
QUICK_SCALES = (300,)
REPEATS = 3
PASS_TARGET_SECONDS = 1.0

DEFAULT_DRAIN = 10_000
QUICK_DRAIN = 500
DEFAULT_SEND_RATE = 25.0
FAST_SEND_RATE = 30.0
FAKE_LIMIT_PER_SECOND = 30
RATE_TARGET_SHARE = 0.95
MEMORY_TARGET_MIB = 150.0
STALL_SECONDS = 60.0
WINDOW_SECONDS = 10.0
BOT_TOKEN = "123456789:AA" + "Benchmark-outbox-token-000000000000"
DRAIN_FIRST_CHAT = 800_000_000

# The pass runs at 10:30 district time on a Monday; every event's deadline is on Thursday at
# 18:00, so its "3 days before" step (Monday 10:00) is the latest one due.
PASS_LOCAL = datetime(2026, 11, 16, 10, 30, tzinfo=TZ)
PASS_NOW = PASS_LOCAL.astimezone(UTC)
TODAY = PASS_LOCAL.date()
DEADLINE = datetime.combine(TODAY + timedelta(days=3), clock_time(18, 0), tzinfo=TZ).astimezone(
    UTC
)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        dst = Path(f"{target}{suffix}")
        if src.exists():
            shutil.copyfile(src, dst)
        elif dst.exists():
            dst.unlink()


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def migrated_schema(workdir: Path) -> Path:
    path = workdir / "schema.db"
    await asyncio.to_thread(upgrade, sqlite_url(path))
    return path


async def bulk(session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        await session.execute(insert(model), list(rows[start : start + 5000]))


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=TZ).astimezone(UTC)


# ---- planning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCase:
    kind: str  # "issue" | "stress"
    schools: int

    @property
    def districts(self) -> int:
        return self.schools // SCHOOLS_PER_DISTRICT

    @property
    def librarians(self) -> int:
        return self.schools * LIBRARIANS_PER_SCHOOL

    @property
    def events(self) -> int:
        if self.kind == "issue":
            return ISSUE_EVENTS
        return self.districts * STRESS_EVENTS_PER_DISTRICT

    def district_of_event(self, index: int) -> int:
        """1-based district id of the 0-based event index."""
        if self.kind == "issue":
            return index % self.districts + 1
        return index // STRESS_EVENTS_PER_DISTRICT + 1

    @property
    def label(self) -> str:
        what = "40 events" if self.kind == "issue" else "40 events/district"
        return f"{self.schools} schools, {what}"


@dataclass
class Prepared:
    path: Path
    expected_rows: int
    confirmations: int
    setup_seconds: float


async def build_planning_db(schema: Path, path: Path, case: PlanCase) -> Prepared:
    """Fill a migrated copy with bulk inserts; returns the number of rows a pass must plan."""
    started = time.perf_counter()
    copy_db(schema, path)
    created = PASS_NOW - timedelta(days=30)
    districts = [
        {"id": d, "name": f"Район {d}", "timezone": None, "created_at": created}
        for d in range(1, case.districts + 1)
    ]
    schools: list[dict[str, Any]] = []
    users: list[dict[str, Any]] = []
    for d in range(1, case.districts + 1):
        users.append(
            {
                "id": len(users) + 1,
                "telegram_id": 10_000_000 + d,
                "full_name": f"Методист {d}",
                "role": Role.COORDINATOR,
                "is_active": True,
                "district_id": d,
                "school_id": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        for k in range(1, SCHOOLS_PER_DISTRICT + 1):
            school_id = len(schools) + 1
            schools.append(
                {
                    "id": school_id,
                    "district_id": d,
                    "full_name": (
                        "Муниципальное бюджетное общеобразовательное учреждение "
                        f"«Средняя общеобразовательная школа № {k}» района {d}"
                    ),
                    "short_name": f"СОШ № {k}",
                    "created_at": created,
                }
            )
            base = len(users) + 1
            users.extend(
                {
                    "id": base + n,
                    "telegram_id": 100_000_000 + school_id * 10 + n,
                    "full_name": f"Библиотекарь {school_id}-{n}",
                    "role": Role.LIBRARIAN,
                    "is_active": True,
                    "district_id": d,
                    "school_id": school_id,
                    "created_at": created,
                    "updated_at": created,
                }
                for n in range(LIBRARIANS_PER_SCHOOL)
            )
    events: list[dict[str, Any]] = []
    confirmations: list[dict[str, Any]] = []
    expected = 0
    for index in range(case.events):
        event_id = index + 1
        district = case.district_of_event(index)
        events.append(
            {
                "id": event_id,
                "district_id": district,
                "activity_id": None,
                "code": None,
                "title": f"Мониторинг деятельности ШИБЦ, этап {event_id}",
                "kind": EventKind.MONITORING if index % 2 else EventKind.ACTIVITY,
                "starts_on": TODAY - timedelta(days=10),
                "ends_on": TODAY + timedelta(days=3),
                "deadline_at": DEADLINE,
                "audience": Audience.ALL,
                "status": EventStatus.OPEN,
                "description": "",
                "reminder_offsets": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        first_school = (district - 1) * SCHOOLS_PER_DISTRICT + 1
        done = [
            first_school + k
            for k in range(SCHOOLS_PER_DISTRICT)
            if (k + event_id) % CONFIRMED_EVERY == 0
        ]
        expected += (SCHOOLS_PER_DISTRICT - len(done)) * LIBRARIANS_PER_SCHOOL
        confirmations.extend(
            {
                "event_id": event_id,
                "school_id": school_id,
                "status": (ConfirmationStatus.ACCEPTED if n % 2 else ConfirmationStatus.SUBMITTED),
                "held_on": TODAY - timedelta(days=2),
                "participants": 30,
                "description": "Проведено",
                "submitted_at": PASS_NOW - timedelta(days=1),
            }
            for n, school_id in enumerate(done)
        )
    engine = create_engine(sqlite_url(path))
    try:
        async with create_session_pool(engine)() as session:
            await bulk(session, District, districts)
            await bulk(session, School, schools)
            await bulk(session, User, users)
            await bulk(session, Event, events)
            await bulk(session, Confirmation, confirmations)
            await session.commit()
    finally:
        await engine.dispose()
    return Prepared(path, expected, len(confirmations), time.perf_counter() - started)


@dataclass
class SqlCounter:
    statements: int = 0
    seconds: float = 0.0
    _started: list[float] = field(default_factory=list)

    def attach(self, engine: AsyncEngine) -> None:
        def before(*_: Any) -> None:
            self._started.append(time.perf_counter())

        def after(*_: Any) -> None:
            self.statements += 1
            if self._started:
                self.seconds += time.perf_counter() - self._started.pop()

        sa_event.listen(engine.sync_engine, "before_cursor_execute", before)
        sa_event.listen(engine.sync_engine, "after_cursor_execute", after)

    def reset(self) -> None:
        self.statements, self.seconds = 0, 0.0
        self._started.clear()


@dataclass
class PassResult:
    rows: int
    seconds: float
    statements: int
    sql_seconds: float  # inside cursor.execute (SQLite work in aiosqlite's thread + hand-off)
    outbox_seconds: float  # inside services.outbox.plan (the INSERT ... ON CONFLICT chunks)
    gc_seconds: float = 0.0  # in the cyclic garbage collector, all generations
    full_collections: int = 0  # generation-2 collections during the pass


class GcTimer:
    """Time spent in the garbage collector while active (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.full += int(info.get("generation") == 2)

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)


@dataclass
class CaseResult:
    case: PlanCase
    expected_rows: int
    confirmations: int
    setup_seconds: float
    first: list[PassResult] = field(default_factory=list)
    second: list[PassResult] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)

    def median(self, passes: list[PassResult]) -> PassResult:
        return sorted(passes, key=lambda p: p.seconds)[len(passes) // 2]


@contextlib.contextmanager
def timed_outbox_plan(box: list[float], original: PlanFunction) -> Iterator[None]:
    """Record the time plan_reminders spends in `original` (services.outbox.plan)."""

    async def timed(
        session: AsyncSession, messages: Sequence[Outgoing], now: datetime, *, commit: bool = True
    ) -> int:
        started = time.perf_counter()
        try:
            return await original(session, messages, now, commit=commit)
        finally:
            box.append(time.perf_counter() - started)

    with mock.patch.object(reminders_module, "plan", timed):
        yield


def bot_freezes_after_startup() -> bool:
    """Whether bot/app.py moves its start-up objects out of the collector's reach."""
    return "gc.freeze()" in inspect.getsource(bot_app)


async def one_pass(engine: AsyncEngine, counter: SqlCounter, freeze: bool) -> PassResult:
    pool = create_session_pool(engine)
    box: list[float] = []
    counter.reset()
    gc.collect()  # every pass starts from the same collector state
    if freeze:  # as the bot does once its start-up is over
        gc.freeze()
    try:
        with timed_outbox_plan(box, plan), GcTimer() as collector:
            started = time.perf_counter()
            async with pool() as session:
                rows = await plan_reminders(session, PASS_NOW, CFG, RENDER)
            seconds = time.perf_counter() - started
    finally:
        gc.unfreeze()
    return PassResult(
        rows,
        seconds,
        counter.statements,
        counter.seconds,
        sum(box),
        collector.seconds,
        collector.full,
    )


async def measure_copy(
    template: Path, workdir: Path, freeze: bool
) -> tuple[PassResult, PassResult, int, int]:
    """First and second pass on a fresh copy; (first, second, rows stored, reminder runs)."""
    path = workdir / "pass.db"
    copy_db(template, path)
    engine = create_engine(sqlite_url(path))
    counter = SqlCounter()
    counter.attach(engine)
    try:
        async with engine.connect() as conn:  # open the pooled connection (pragmas) first
            await conn.execute(text("SELECT 1"))
        first = await one_pass(engine, counter, freeze)
        second = await one_pass(engine, counter, freeze)
        async with create_session_pool(engine)() as session:
            stored = await session.scalar(select(func.count(Notification.id)))
            runs = await session.scalar(select(func.count()).select_from(ReminderRun))
    finally:
        await engine.dispose()
        remove_db(path)
    return first, second, int(stored or 0), int(runs or 0)


async def run_case(
    schema: Path, workdir: Path, case: PlanCase, repeats: int, *, freeze: bool
) -> CaseResult:
    template = workdir / f"plan-{case.kind}-{case.schools}.db"
    prepared = await build_planning_db(schema, template, case)
    result = CaseResult(
        case, prepared.expected_rows, prepared.confirmations, prepared.setup_seconds
    )
    print(
        f"  {case.label}: prepared in {prepared.setup_seconds:.1f} s, "
        f"{prepared.expected_rows} rows expected",
        flush=True,
    )
    for attempt in range(repeats):
        first, second, stored, runs = await measure_copy(template, workdir, freeze)
        result.first.append(first)
        result.second.append(second)
        tag = f"pass {attempt + 1}"
        if first.rows != prepared.expected_rows or stored != prepared.expected_rows:
            result.check_errors.append(
                f"{case.label}, {tag}: planned {first.rows}, stored {stored}, "
                f"expected {prepared.expected_rows}"
            )
        if second.rows != 0:
            result.check_errors.append(
                f"{case.label}, {tag}: the second pass planned {second.rows}"
            )
        if runs != case.events:
            result.check_errors.append(f"{case.label}, {tag}: {runs} reminder runs")
        print(
            f"  {case.label}, {tag}: {first.rows} rows in {first.seconds:.3f} s "
            f"({first.statements} statements, SQL {first.sql_seconds:.3f} s, "
            f"outbox insert {first.outbox_seconds:.3f} s, GC {first.gc_seconds:.3f} s); "
            f"second pass {second.rows} rows in {second.seconds:.3f} s",
            flush=True,
        )
    remove_db(template)
    return result


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    root = str(ROOT) + os.sep
    if filename.startswith(root):
        return filename[len(root) :]
    return filename


@dataclass
class Profile:
    case: PlanCase
    seconds: float
    by_tottime: list[tuple[str, int, float, float]]
    by_cumtime: list[tuple[str, int, float, float]]


async def profile_case(
    schema: Path, workdir: Path, case: PlanCase, *, freeze: bool, top: int = 18
) -> Profile:
    path = workdir / "profile.db"
    await build_planning_db(schema, path, case)
    engine = create_engine(sqlite_url(path))
    profiler = cProfile.Profile()
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        pool = create_session_pool(engine)
        gc.collect()
        if freeze:
            gc.freeze()
        started = time.perf_counter()
        async with pool() as session:
            profiler.enable()
            await plan_reminders(session, PASS_NOW, CFG, RENDER)
            profiler.disable()
        seconds = time.perf_counter() - started
    finally:
        gc.unfreeze()
        await engine.dispose()
        remove_db(path)
    stats = pstats.Stats(profiler)
    rows: list[tuple[str, int, float, float]] = []
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        where = name if filename == "~" else f"{_short_path(filename)}:{line}({name})"
        rows.append((where, calls, tottime, cumtime))
    by_tottime = sorted(rows, key=lambda r: r[2], reverse=True)[:top]
    by_cumtime = sorted(rows, key=lambda r: r[3], reverse=True)[:top]
    return Profile(case, seconds, by_tottime, by_cumtime)


# ---- draining ----------------------------------------------------------------------------------


async def build_drain_db(schema: Path, path: Path, n: int) -> tuple[int, float]:
    """N reminder rows to N librarians of one open event (no step of it due: the bot's own
    planner adds nothing); returns (rows planned, seconds spent in services.outbox.plan)."""
    copy_db(schema, path)
    now = datetime.now(UTC)
    today = now.astimezone(TZ).date()
    schools = math.ceil(n / LIBRARIANS_PER_SCHOOL)
    engine = create_engine(sqlite_url(path))
    try:
        async with create_session_pool(engine)() as session:
            await bulk(session, District, [{"id": 1, "name": "Район", "created_at": now}])
            await bulk(
                session,
                School,
                [
                    {
                        "id": s,
                        "district_id": 1,
                        "full_name": f"Средняя общеобразовательная школа № {s}",
                        "short_name": f"СОШ № {s}",
                        "created_at": now,
                    }
                    for s in range(1, schools + 1)
                ],
            )
            await bulk(
                session,
                User,
                [
                    {
                        "id": u,
                        "telegram_id": DRAIN_FIRST_CHAT + u,
                        "full_name": f"Библиотекарь {u}",
                        "role": Role.LIBRARIAN,
                        "is_active": True,
                        "district_id": 1,
                        "school_id": (u - 1) // LIBRARIANS_PER_SCHOOL + 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for u in range(1, n + 1)
                ],
            )
            deadline = local_at(today + timedelta(days=60), 18)
            await bulk(
                session,
                Event,
                [
                    {
                        "id": 1,
                        "district_id": 1,
                        "title": "Мониторинг деятельности ШИБЦ",
                        "kind": EventKind.MONITORING,
                        "starts_on": today,
                        "ends_on": today + timedelta(days=60),
                        "deadline_at": deadline,
                        "audience": Audience.ALL,
                        "status": EventStatus.OPEN,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            await session.commit()
            event = await session.get(Event, 1)
            assert event is not None
            step = Step("d7", now, "remind", optional=True)
            body, buttons = RENDER.reminder(event, step, False)
            messages = [
                Outgoing(
                    dedupe_key=f"remind:1:d7:{u}",
                    purpose="remind",
                    chat_id=DRAIN_FIRST_CHAT + u,
                    text=body,
                    buttons=buttons,
                    due_at=now,
                    user_id=u,
                    event_id=1,
                    school_id=(u - 1) // LIBRARIANS_PER_SCHOOL + 1,
                    expires_at=deadline,
                    only_if_unconfirmed=True,
                    optional=True,
                )
                for u in range(1, n + 1)
            ]
            started = time.perf_counter()
            planned = await plan(session, messages, now)
            seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    return planned, seconds


def proc_status_kib(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


@dataclass(frozen=True)
class Stall429:
    """What the fake saw before one 429."""

    at: float  # seconds after the first delivery
    in_window: int  # sendMessage calls in the second before it
    gap_before: float  # the longest pause between calls in the 1.5 s before it
    harness_lag: float  # the worst lag of the benchmark's own loop within 1.5 s of it


@dataclass
class DrainResult:
    send_rate: float
    n: int
    planned: int
    plan_seconds: float
    delivered: int = 0
    unique: int = 0
    requests: int = 0
    count_429: int = 0
    first_to_last: float = 0.0
    windows: list[float] = field(default_factory=list)  # rate of every full 10-s window
    rss_after_start_mib: float = 0.0
    peak_rss_mib: float = 0.0
    rss_at_end_mib: float = 0.0
    exit_code: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    stalled: bool = False
    wall_seconds: float = 0.0
    times: list[float] = field(default_factory=list, repr=False)  # delivery stamps
    harness_max_lag: float = 0.0  # the benchmark's own event loop (it serves the fake API)
    stalls: list[Stall429] = field(default_factory=list)

    @property
    def rate(self) -> float:
        if self.delivered < 2 or self.first_to_last <= 0:
            return 0.0
        return (self.delivered - 1) / self.first_to_last

    @property
    def ratio(self) -> float:
        return self.rate / self.send_rate


async def run_drain(schema: Path, workdir: Path, n: int, send_rate: float) -> DrainResult:
    rundir = workdir / f"drain-{send_rate:g}"
    rundir.mkdir()
    planned, plan_seconds = await build_drain_db(schema, rundir / "bot.db", n)
    result = DrainResult(send_rate, n, planned, plan_seconds)
    env = {
        "BOT_TOKEN": BOT_TOKEN,
        "DATABASE_URL": sqlite_url(rundir / "bot.db"),
        "QUIET_HOURS": "00:00-00:00",
        "LOG_LEVEL": "WARNING",
    }
    if send_rate != DEFAULT_SEND_RATE:
        env["SEND_RATE"] = f"{send_rate:g}"
    # The fake API runs on this process's event loop: a full garbage collection here (its
    # recorded requests keep growing) would hold requests back and release them in a burst
    # that the fake then answers with 429s. No collections while draining.
    gc.collect()
    gc.freeze()
    gc.disable()
    lags: list[tuple[float, float]] = []
    monitor = asyncio.create_task(watch_loop(lags))
    try:
        async with FakeBotAPI(rate_limit_per_second=FAKE_LIMIT_PER_SECOND) as fake:
            bot = BotProcess(fake, rundir, **env)
            try:
                await drain_with(bot, fake, result, n)
            finally:
                if bot.proc is not None and bot.proc.returncode is None:
                    bot.proc.kill()
                    await bot.proc.wait()
            result.stalls = explain_429s(fake, lags, result.times)
    finally:
        monitor.cancel()
        gc.enable()
        gc.unfreeze()
    result.harness_max_lag = max((lag for _, lag in lags), default=0.0)
    return await finish_drain(rundir, result)


async def watch_loop(lags: list[tuple[float, float]], tick: float = 0.01) -> None:
    """Record (wall time, lateness) whenever this process's event loop is late by > 20 ms."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(tick)
        late = time.perf_counter() - started - tick
        if late > 0.02:
            lags.append((time.time(), late))


def explain_429s(
    fake: FakeBotAPI, lags: list[tuple[float, float]], deliveries: list[float]
) -> list[Stall429]:
    sends = sorted(r.time for r in fake.calls("sendMessage"))
    first = min(deliveries, default=0.0)
    stalls = []
    for request in fake.calls("sendMessage"):
        if request.status != 429:
            continue
        t = request.time
        lo = bisect.bisect_left(sends, t - 1.5)
        hi = bisect.bisect_right(sends, t)
        before = sends[lo:hi]
        gaps = [b - a for a, b in itertools.pairwise(before)]
        stalls.append(
            Stall429(
                at=t - first,
                in_window=hi - bisect.bisect_left(sends, t - 1.0),
                gap_before=max(gaps, default=0.0),
                harness_lag=max((lag for when, lag in lags if abs(when - t) <= 1.5), default=0.0),
            )
        )
    return stalls


async def drain_with(bot: BotProcess, fake: FakeBotAPI, result: DrainResult, n: int) -> None:
    """Start the bot, wait until every chat got its message (or nothing moves for a minute),
    read the bot's memory, stop it with SIGTERM."""
    chats = range(DRAIN_FIRST_CHAT + 1, DRAIN_FIRST_CHAT + n + 1)
    seen: set[int] = set()
    cursor = 0

    def collect() -> bool:
        nonlocal cursor
        fresh = fake.delivered[cursor:]
        cursor += len(fresh)
        for message in fresh:
            if message.method == "sendMessage" and message.chat_id in chats:
                seen.add(message.chat_id)
                result.times.append(message.time)
        return bool(fresh)

    started = time.perf_counter()
    await bot.start()
    assert bot.proc is not None
    pid = bot.proc.pid
    result.rss_after_start_mib = proc_status_kib(pid).get("VmRSS", 0) / 1024
    last_progress = last_report = time.perf_counter()
    while len(seen) < n:
        moved = collect()
        now = time.perf_counter()
        if moved:
            last_progress = now
        if bot.proc.returncode is not None:
            print(f"  the bot exited early:\n{bot.output()[-3000:]}", flush=True)
            break
        if now - last_progress > STALL_SECONDS:
            result.stalled = True
            print(f"  no delivery for {STALL_SECONDS:.0f} s, giving up", flush=True)
            break
        if now - last_report >= 30:
            last_report = now
            print(
                f"  SEND_RATE={result.send_rate:g}: {len(seen)}/{n} delivered, "
                f"{fake.count_429} x 429",
                flush=True,
            )
        await asyncio.sleep(0.25)
    result.wall_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # a late duplicate would show up here
    collect()
    result.unique = len(seen)
    status = proc_status_kib(pid)
    result.peak_rss_mib = status.get("VmHWM", 0) / 1024
    result.rss_at_end_mib = status.get("VmRSS", 0) / 1024
    result.exit_code = await bot.stop(signal.SIGTERM)
    result.count_429 = fake.count_429
    result.requests = len(fake.calls("sendMessage"))


async def finish_drain(rundir: Path, result: DrainResult) -> DrainResult:
    times = sorted(result.times)
    result.delivered = len(times)
    if times:
        result.first_to_last = times[-1] - times[0]
        buckets = Counter(int((t - times[0]) // WINDOW_SECONDS) for t in times)
        full = int(result.first_to_last // WINDOW_SECONDS)
        result.windows = [buckets[i] / WINDOW_SECONDS for i in range(full)]
    engine = create_engine(sqlite_url(rundir / "bot.db"))
    try:
        async with create_session_pool(engine)() as session:
            rows = await session.execute(
                select(Notification.status, func.count(Notification.id)).group_by(
                    Notification.status
                )
            )
            result.statuses = {NotificationStatus(s).value: int(c) for s, c in rows}
    finally:
        await engine.dispose()
    print(
        f"  SEND_RATE={result.send_rate:g}: {result.delivered} delivered ({result.unique} "
        f"chats) at {result.rate:.2f}/s ({result.ratio:.1%}), {result.count_429} x 429, "
        f"peak RSS {result.peak_rss_mib:.1f} MiB, exit {result.exit_code}",
        flush=True,
    )
    remove_db(rundir / "bot.db")
    return result


# ---- the rate limiter after a blocked event loop ------------------------------------------------


@dataclass
class LimiterRun:
    stall: float
    sends: int
    rate: float  # overall, stalls included
    max_per_second: int  # most acquisitions in any one-second window
    largest_burst: int  # most acquisitions within 5 ms of each other


LIMITER_SENDS = 300
LIMITER_STALLS = (0.0, 0.25, 1.0)


async def limiter_run(stall: float, rate: float) -> LimiterRun:
    """SENDER_CONCURRENCY coroutines send through one limiter (10 ms per "request"); after
    3 s the event loop is blocked for `stall` seconds, as a full collection or a planning
    pass in the bot's loop would block it."""
    limiter = RateLimiter(rate)
    chats = iter(range(1, LIMITER_SENDS + 1))
    stamps: list[float] = []

    async def sender() -> None:
        for chat in chats:
            await limiter.acquire(chat)
            stamps.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def blocker() -> None:
        await asyncio.sleep(3.0)
        time.sleep(stall)  # blocks the loop on purpose

    await asyncio.gather(*(sender() for _ in range(8)), blocker())
    stamps.sort()
    per_second = max(bisect.bisect_right(stamps, t + 1.0 - 1e-9) - i for i, t in enumerate(stamps))
    burst = max(bisect.bisect_right(stamps, t + 0.005) - i for i, t in enumerate(stamps))
    span = stamps[-1] - stamps[0]
    return LimiterRun(
        stall,
        len(stamps),
        (len(stamps) - 1) / span if span > 0 else 0.0,
        per_second,
        burst,
    )


IMPORT_FLOORS = (
    ("bare interpreter", "pass"),
    ("`import aiogram`", "import aiogram"),
    ("`import bot.app` (everything the bot imports)", "import bot.app"),
)


async def import_floor(code: str) -> float:
    """Peak RSS (MiB) of a fresh interpreter that only runs `code`."""
    probe = (
        f"{code}\n"
        "for line in open('/proc/self/status'):\n"
        "    if line.startswith('VmHWM:'):\n"
        "        print(line.split()[1])\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", probe, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return int(out.split()[-1]) / 1024 if proc.returncode == 0 and out.strip() else 0.0


MEASURED_CODE = (
    "services/reminders.py",
    "services/outbox.py",
    "bot/outbox_sender.py",
    "bot/app.py",
    "bot/reminder_texts.py",
)


def code_digests() -> dict[str, str]:
    """Short SHA-256 of the files under test, to tell which code a report measured."""
    return {
        name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12] for name in MEASURED_CODE
    }


# ---- the report --------------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _total_ram() -> str:
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
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
        ("SQLite", sqlite3.sqlite_version),
        ("aiogram", version("aiogram")),
        ("SQLAlchemy", version("SQLAlchemy")),
        ("aiosqlite", version("aiosqlite")),
    ]


@dataclass
class Report:
    started: datetime
    quick: bool
    drain_n: int
    cases: list[CaseResult] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    drains: list[DrainResult] = field(default_factory=list)
    floors: list[tuple[str, float]] = field(default_factory=list)
    limiter_runs: list[LimiterRun] = field(default_factory=list)
    wall_seconds: float = 0.0
    loads: list[tuple[str, float]] = field(default_factory=list)  # 1-minute load averages
    freeze: bool = False  # the passes run after gc.freeze(), as the bot does
    code_before: dict[str, str] = field(default_factory=dict)  # digests of the measured code
    code_after: dict[str, str] = field(default_factory=dict)
    gc_objects: int = 0  # objects tracked by the collector in this process at the start

    def note_load(self, what: str) -> None:
        with contextlib.suppress(OSError):
            self.loads.append((what, os.getloadavg()[0]))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _yes(flag: bool) -> str:
    return "**met**" if flag else "**not met**"


def _median_seconds(passes: list[PassResult]) -> float:
    return statistics.median(p.seconds for p in passes) if passes else 0.0


def _case_table(results: list[CaseResult]) -> list[str]:
    lines = [
        "| schools | districts | librarians | open events | confirmations | rows planned "
        "| **pass** (median of 3) | min – max | growth vs the row above | SQL statements "
        "| in SQL | in outbox insert | in GC (full collections) | second pass: rows, time |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: CaseResult | None = None
    for r in results:
        med = r.median(r.first)
        sec = r.median(r.second)
        growth = "–"
        if previous is not None:
            before = previous.median(previous.first)
            schools = r.case.schools / previous.case.schools
            growth = (
                f"×{med.seconds / before.seconds:.1f} time for ×{schools:.0f} schools, "
                f"×{med.rows / max(before.rows, 1):.1f} rows"
            )
        fastest = min(p.seconds for p in r.first)
        slowest = max(p.seconds for p in r.first)
        second_rows = "/".join(str(p.rows) for p in r.second)
        lines.append(
            f"| {r.case.schools:,} | {r.case.districts} | {r.case.librarians:,} | "
            f"{r.case.events:,} | {r.confirmations:,} | {med.rows:,} | "
            f"**{_ms(med.seconds)}** | {_ms(fastest)} – {_ms(slowest)} | {growth} | "
            f"{med.statements:,} | {_ms(med.sql_seconds)} | {_ms(med.outbox_seconds)} | "
            f"{_ms(med.gc_seconds)} ({med.full_collections}) | "
            f"{second_rows}, {_ms(sec.seconds)} |"
        )
        previous = r
    return lines


def _profile_lines(profile: Profile) -> list[str]:
    lines = [
        f"### Profile: {profile.case.label}",
        "",
        f"One pass under cProfile: {profile.seconds:.2f} s (the profiler itself adds a good "
        "part of that). While the loop waits for aiosqlite's worker thread the time shows up "
        "under the selector (`poll`) — that is SQLite's own work.",
        "",
        "Top functions by own time:",
        "",
        "| function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{where}` | {calls:,} | {tot:.3f} | {cum:.3f} |"
        for where, calls, tot, cum in profile.by_tottime
    ]
    lines += [
        "",
        "Top functions by cumulative time:",
        "",
        "| function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{where}` | {calls:,} | {tot:.3f} | {cum:.3f} |"
        for where, calls, tot, cum in profile.by_cumtime
    ]
    lines.append("")
    return lines


def _drain_rows(drains: list[DrainResult]) -> list[str]:
    lines = [
        "| SEND_RATE | planned | delivered (chats) | sendMessage calls | first → last "
        "| sustained rate | ratio to SEND_RATE | slowest / fastest 10-s window | 429s "
        "| RSS after start | peak RSS (VmHWM) | RSS at the end | exit | outbox rows at the end |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for d in drains:
        windows = f"{min(d.windows):.1f} / {max(d.windows):.1f}/s" if d.windows else "–"
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(d.statuses.items()))
        lines.append(
            f"| {d.send_rate:g} | {d.planned:,} | {d.delivered:,} ({d.unique:,}) | "
            f"{d.requests:,} | {d.first_to_last:.1f} s | **{d.rate:.2f}/s** | "
            f"**{d.ratio:.1%}** | {windows} | **{d.count_429}** | "
            f"{d.rss_after_start_mib:.1f} MiB | **{d.peak_rss_mib:.1f} MiB** | "
            f"{d.rss_at_end_mib:.1f} MiB | {d.exit_code} | {statuses} |"
        )
    return lines


def _stall_lines(drains: list[DrainResult]) -> list[str]:
    lines: list[str] = []
    for d in drains:
        if not d.stalls:
            continue
        stalled = sum(1 for x in d.stalls if x.gap_before >= 0.2)
        harness = sum(1 for x in d.stalls if x.harness_lag >= 0.1)
        lines += [
            f"SEND_RATE={d.send_rate:g}: {len(d.stalls)} × 429; {stalled} of them came after a "
            "pause of at least 0.2 s in the bot's calls (a stall, then a burst), "
            f"{harness} while the benchmark's own loop (serving the fake) was late by ≥ 0.1 s "
            f"(its worst lag in the whole drain: {_ms(d.harness_max_lag)}). First ones:",
            "",
            "| at (s after the first delivery) | calls in the second before | longest pause in "
            "the 1.5 s before | benchmark loop lag around it |",
            "|---:|---:|---:|---:|",
            *(
                f"| {x.at:.1f} | {x.in_window} | {_ms(x.gap_before)} | {_ms(x.harness_lag)} |"
                for x in d.stalls[:10]
            ),
            "",
        ]
    return lines


def _limiter_lines(runs: list[LimiterRun]) -> list[str]:
    if not runs:
        return []
    return [
        "### The rate limiter after a blocked event loop",
        "",
        f"8 coroutines (SENDER_CONCURRENCY) send {LIMITER_SENDS} messages through one "
        f"`bot.outbox_sender.RateLimiter` at {DEFAULT_SEND_RATE:g}/s, 10 ms per request; "
        "after 3 s the event loop is blocked with `time.sleep` — what a full garbage "
        "collection or a planning pass (it runs in the same loop as the sender) does to the "
        "bot. A limiter that hands out slots ahead of time lets every waiting sender go at "
        "once when the loop comes back; anything above 30 in one second is a 429 from "
        "Telegram's ~30/s limit.",
        "",
        "The overall rate includes the time the loop was blocked; with the loop never "
        "blocked it shows what the limiter itself delivers of the configured rate.",
        "",
        "| loop blocked for | most sends in one second | largest burst (within 5 ms) "
        "| overall rate |",
        "|---:|---:|---:|---:|",
        *(
            f"| {r.stall:g} s | **{r.max_per_second}** | {r.largest_burst} | {r.rate:.2f}/s |"
            for r in runs
        ),
        "",
    ]


def verdicts(report: Report) -> list[str]:
    lines: list[str] = []
    issue = [r for r in report.cases if r.case.kind == "issue"]
    stress = [r for r in report.cases if r.case.kind == "stress"]
    target_issue = [r for r in issue if r.case.schools == 1500]
    if target_issue:
        r = target_issue[0]
        med = r.median(r.first)
        lines.append(
            f"- **Planning, the issue's case** (1,500 schools, 40 open events, one pass ≤ 1 s): "
            f"{_yes(med.seconds <= PASS_TARGET_SECONDS)} — median {_ms(med.seconds)} for "
            f"{med.rows:,} rows, {med.outbox_seconds / med.seconds:.0%} of it in "
            "`services.outbox.plan`."
        )
    else:
        lines.append(
            "- **Planning, the issue's case** (1,500 schools): not measured in this run "
            "(`--quick` plans at 300 schools only)."
        )
    if issue:
        lines.append(
            "- **Time growth, issue's case** (300 → 1,500 → 7,500 schools): "
            + " → ".join(_ms(r.median(r.first).seconds) for r in issue)
            + "; the 40 events plan the same rows at every size, so the growth is what the "
            "pass reads."
        )
    if stress:
        lines.append(
            "- **Time growth, stress case** (40 events per district): "
            + " → ".join(
                f"{_ms(r.median(r.first).seconds)} ({r.median(r.first).rows:,} rows, "
                f"{r.median(r.first).seconds / max(r.median(r.first).rows, 1) * 1e6:.0f} µs "
                "per row)"
                for r in stress
            )
            + "."
        )
    over = [
        f"{r.case.label}: {_ms(r.median(r.first).seconds)}"
        for r in issue + stress
        if r.median(r.first).seconds > PASS_TARGET_SECONDS
    ]
    lines.append("- **Passes over 1 s**: " + ("; ".join(over) if over else "none") + ".")
    bad = [e for r in report.cases for e in r.check_errors]
    lines.append(
        "- **Correctness / idempotency**: "
        + (
            "every first pass planned exactly the expected rows (the unconfirmed librarians "
            "of every event) and stored them; every second pass planned 0."
            if not bad
            else "PROBLEMS: " + "; ".join(bad)
        )
    )
    default = [d for d in report.drains if d.send_rate == DEFAULT_SEND_RATE]
    if default:
        d = default[0]
        complete = d.unique == d.n and not d.stalled
        mb = d.peak_rss_mib * 1.048576
        lines.append(
            f"- **Drain at the default SEND_RATE={d.send_rate:g}** ({d.n:,} messages): "
            f"≥ 95 % of the rate {_yes(d.ratio >= RATE_TARGET_SHARE and complete)} "
            f"({d.rate:.2f}/s = {d.ratio:.1%}); zero 429s {_yes(d.count_429 == 0)} "
            f"({d.count_429}); peak memory ≤ {MEMORY_TARGET_MIB:.0f} MB "
            f"{_yes(mb <= MEMORY_TARGET_MIB)} ({d.peak_rss_mib:.1f} MiB = {mb:.1f} MB); "
            + (
                "every chat got its message exactly once."
                if complete and d.delivered == d.n
                else f"{d.unique:,} of {d.n:,} chats reached, {d.delivered - d.unique} duplicates."
            )
        )
        if d.stalls:
            bot_side = sum(1 for x in d.stalls if x.gap_before >= 0.2 and x.harness_lag < 0.1)
            lines.append(
                f"  Of the {len(d.stalls)} × 429: {bot_side} came right after a pause of "
                "≥ 0.2 s in the bot's calls while the benchmark's loop was on time (a stall "
                "in the bot process, then a burst); see the table under the drain."
            )
        if report.floors:
            floors = "; ".join(f"{name}: {mib:.1f} MiB" for name, mib in report.floors)
            lines.append(
                f"  Peak RSS of fresh interpreters that only import — {floors}. The bot's "
                f"own growth while draining: {d.peak_rss_mib - d.rss_after_start_mib:+.1f} MiB "
                "over its RSS right after start-up."
            )
            floor = max(mib for _, mib in report.floors)
            if floor * 1.048576 > MEMORY_TARGET_MIB:
                lines.append(
                    f"  Importing the bot alone takes {floor:.1f} MiB "
                    f"({floor * 1.048576:.0f} MB), more than the {MEMORY_TARGET_MIB:.0f} MB "
                    "target before it does any work, most of it aiogram's import (its "
                    "pydantic models); the target cannot be met with these libraries by "
                    "changes to the outbox."
                )
        if d.n < DEFAULT_DRAIN:
            lines.append(
                f"  (Only {d.n:,} messages in this run; the issue asks for {DEFAULT_DRAIN:,}.)"
            )
    if report.limiter_runs:
        lines.append(
            "- **Rate limiter after a blocked loop** (at 25/s): "
            + ", ".join(
                f"blocked {r.stall:g} s → at most {r.max_per_second} sends in any second "
                f"(largest burst {r.largest_burst})"
                for r in report.limiter_runs
            )
            + "."
        )
    lines.extend(
        f"- **Drain at SEND_RATE={d.send_rate:g}** (no margin under the fake's "
        f"{FAKE_LIMIT_PER_SECOND}/s): **{d.count_429} × 429**"
        + (", each pausing the whole bucket for retry_after (1 s)" if d.count_429 else "")
        + f"; {d.rate:.2f}/s sustained ({d.ratio:.1%} of the "
        f"setting, {d.rate / FAKE_LIMIT_PER_SECOND:.1%} of the limit); peak RSS "
        f"{d.peak_rss_mib:.1f} MiB; {d.unique:,} of {d.n:,} chats reached, "
        f"{d.delivered - d.unique} duplicates."
        for d in report.drains
        if d.send_rate != DEFAULT_SEND_RATE
    )
    return lines


def findings(report: Report) -> list[str]:
    """Where the pass's time goes, from the measured breakdown."""
    if not report.cases:
        return []
    lines = [
        "### Where the time goes (medians)",
        "",
        "| case | pass | in outbox insert | in SQL | in GC | the rest (Python: events, "
        "recipients, rows, reminder runs) | per row planned |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.cases:
        m = r.median(r.first)
        other = max(m.seconds - m.outbox_seconds - m.sql_seconds, 0.0)
        lines.append(
            f"| {r.case.label} | {_ms(m.seconds)} | {_ms(m.outbox_seconds)} "
            f"({m.outbox_seconds / m.seconds:.0%}) | {_ms(m.sql_seconds)} | "
            f"{_ms(m.gc_seconds)} | {_ms(other)} | "
            f"{m.seconds / max(m.rows, 1) * 1e6:.0f} µs |"
        )
    lines += [
        "",
        "*In outbox insert* includes the SQL of the insert itself; *in SQL* counts every "
        "statement (the insert too), so the columns overlap; *in GC* overlaps both. "
        "The statements per pass grow with the number of events (one confirmations query "
        "per event that is due, plus the reminder-run rows): "
        + ", ".join(
            f"{r.median(r.first).statements:,} for {r.case.events:,} events"
            for r in report.cases
            if r.case.kind == "stress"
        )
        + ".",
        "",
    ]
    return lines


def render(report: Report, command: str) -> str:
    issue = [r for r in report.cases if r.case.kind == "issue"]
    stress = [r for r in report.cases if r.case.kind == "stress"]
    lines = [
        "# Outbox benchmark: reminder planning and draining",
        "",
        f"Generated by `{command}` on {report.started:%Y-%m-%d %H:%M} UTC "
        f"(whole run {report.wall_seconds / 60:.1f} min).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine_rows()),
        "",
        "Code measured (SHA-256, first 12 hex digits): "
        + ", ".join(f"`{name}` {digest}" for name, digest in report.code_before.items())
        + "."
        + (
            ""
            if report.code_after == report.code_before
            else " **These files changed while the benchmark ran** (now: "
            + ", ".join(
                f"`{name}` {digest}"
                for name, digest in report.code_after.items()
                if report.code_before.get(name) != digest
            )
            + "); the numbers mix two versions."
        ),
        "",
        "1-minute load average when each part started (the machine is shared; anything "
        f"well above 1 on {_nproc()} CPUs means other work was competing): "
        + ", ".join(f"{what} {load:.2f}" for what, load in report.loads)
        + ".",
        "",
        "## Verdict",
        "",
        *verdicts(report),
        "",
    ]
    if report.cases:
        lines += [
            "## Planning: one `plan_reminders` pass",
            "",
            "Data (bulk inserts into a file made by the real Alembic migrations): 25 schools "
            "and 2 active librarians per school in every district, one coordinator per "
            "district; every event is open, audience «all schools», deadline on Thursday "
            "18:00; the pass runs on Monday 10:30 district time, so the «3 days before» step is "
            "due and the pass fans out to every unconfirmed librarian of every event; one "
            "school in ten has a submitted or accepted confirmation for each event (≈10 %). "
            "Each pass runs on a fresh copy of the prepared file, through "
            "`models.db.create_engine` (WAL, synchronous=NORMAL) with the connection already "
            "open, with `bot.toolkit.reminder_texts.RussianRenderer`; the second pass runs "
            "right after "
            "on the same file and must plan 0. `gc.collect()` runs before every pass, so every "
            "pass starts from the same collector state"
            + (
                ", followed by `gc.freeze()` as `bot/app.py` does once its start-up is over"
                if report.freeze
                else ""
            )
            + "; *in GC* is the collection work the pass itself causes. *In SQL* = time inside "
            "`cursor.execute` (SQLite in aiosqlite's thread plus the hand-off); *in outbox "
            "insert* = time inside `services.outbox.plan` (building the rows and inserting "
            "them with `ON CONFLICT DO NOTHING`).",
            "",
            "### The issue's case: 40 open events spread over the districts",
            "",
            *_case_table(issue),
            "",
            "With 40 events in all, the rows planned do not grow with the number of schools "
            "(each event belongs to one district of 25 schools); what grows is the data the "
            "pass reads.",
            "",
            "### Stress case: 40 open events in every district",
            "",
            *_case_table(stress),
            "",
            *findings(report),
        ]
    for profile in report.profiles:
        lines += _profile_lines(profile)
    if report.drains:
        lines += [
            "## Draining the outbox through `python -m bot`",
            "",
            f"{report.drain_n:,} reminder rows planned with `services.outbox.plan` for "
            f"{report.drain_n:,} librarians (distinct chat ids; with user, event and school, "
            "so the send-time checks load the user and look for a confirmation), then the "
            "real `python -m bot` as a subprocess (`QUIET_HOURS=00:00-00:00`, default "
            "`SENDER_CONCURRENCY=8`, batch 100, `LOG_LEVEL=WARNING`) against "
            "`FakeBotAPI(rate_limit_per_second=30)` (a sliding one-second window, 429 with "
            "retry_after 1 s beyond it) in the benchmark process. Sustained rate = "
            "(delivered − 1) / (last − first delivery time, as stamped by the fake); the peak "
            "RSS is the bot process's `VmHWM` from `/proc/<pid>/status`, read just before "
            "SIGTERM.",
            "",
            *_drain_rows(report.drains),
            "",
            "The benchmark process runs with its garbage collector off (after `gc.freeze()`) "
            "while draining, and watches its own event loop: a stall there would hold the bot's "
            "requests back and release them in a burst that the fake answers with 429s.",
            "",
            *_stall_lines(report.drains),
            *_limiter_lines(report.limiter_runs),
        ]
    if report.floors:
        lines += [
            "### Memory floor",
            "",
            "Peak RSS (`VmHWM`) of a fresh interpreter (same Python, same venv) that only "
            "does the import and exits:",
            "",
            "| what | peak RSS |",
            "|---|---:|",
            *(f"| {name} | {mib:.1f} MiB |" for name, mib in report.floors),
            "",
        ]
    return "\n".join(lines)


# ---- main --------------------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace) -> Report:
    report = Report(datetime.now(UTC), args.quick, args.drain)
    report.note_load("start")
    report.gc_objects = len(gc.get_objects())
    report.freeze = bot_freezes_after_startup()
    report.code_before = code_digests()
    wall = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        workdir = Path(tmp)
        schema = await migrated_schema(workdir)
        if args.part in ("all", "planning"):
            scales = QUICK_SCALES if args.quick else SCALES
            for kind in ("issue", "stress"):
                for schools in scales:
                    case = PlanCase(kind, schools)
                    print(f"planning: {case.label}", flush=True)
                    report.note_load(f"planning {case.label}")
                    report.cases.append(
                        await run_case(schema, workdir, case, args.repeats, freeze=report.freeze)
                    )
            for kind in ("issue", "stress"):
                slow = [
                    r
                    for r in report.cases
                    if r.case.kind == kind and r.median(r.first).seconds > PASS_TARGET_SECONDS
                ]
                if slow or args.profile:
                    target = slow[0].case if slow else PlanCase(kind, scales[-1])
                    print(f"profiling: {target.label}", flush=True)
                    report.profiles.append(
                        await profile_case(schema, workdir, target, freeze=report.freeze)
                    )
        if args.part in ("all", "drain"):
            for name, code in IMPORT_FLOORS:
                report.floors.append((name, await import_floor(code)))
                print(f"memory floor: {name}: {report.floors[-1][1]:.1f} MiB", flush=True)
            for stall in LIMITER_STALLS:
                run = await limiter_run(stall, DEFAULT_SEND_RATE)
                report.limiter_runs.append(run)
                print(
                    f"limiter: {stall:g} s stall: at most {run.max_per_second} in 1 s, "
                    f"burst {run.largest_burst}, {run.rate:.2f}/s",
                    flush=True,
                )
            for rate in args.rates:
                print(f"drain: {args.drain} messages at SEND_RATE={rate:g}", flush=True)
                report.note_load(f"drain at {rate:g}/s")
                report.drains.append(await run_drain(schema, workdir, args.drain, rate))
    report.note_load("end")
    report.code_after = code_digests()
    report.wall_seconds = time.perf_counter() - wall
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="300 schools only, drain 500")
    parser.add_argument("--write", action="store_true", help="rewrite RESULTS-outbox.md")
    parser.add_argument("--drain", type=int, default=None, help="messages to drain (10000)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="passes per case (3)")
    parser.add_argument(
        "--part", choices=("all", "planning", "drain"), default="all", help="what to run"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the largest cases even if under 1 s"
    )
    parser.add_argument(
        "--rates",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[DEFAULT_SEND_RATE, FAST_SEND_RATE],
        help="SEND_RATE values to drain at (25,30)",
    )
    args = parser.parse_args(argv)
    if args.drain is None:
        args.drain = QUICK_DRAIN if args.quick else DEFAULT_DRAIN
    return args


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # cleans up: temp files, the bot subprocess


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    report = asyncio.run(benchmark(args))
    command = "python -m benchmarks.outbox " + " ".join(
        a for a in (sys.argv[1:] if argv is None else argv)
    )
    text_out = render(report, command.strip())
    print()
    print(text_out)
    if args.write:
        RESULTS_PATH.write_text(text_out + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS_PATH.relative_to(ROOT)}")
    failed = any(r.check_errors for r in report.cases) or any(
        d.unique < d.n or d.exit_code != 0 for d in report.drains
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
