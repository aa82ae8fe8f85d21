"""Reminder planning at republic scale, and draining the outbox against a rate-limited fake API.

Run from the project root::

    .venv/bin/python -m benchmarks.outbox                 # full run (~15 minutes)
    .venv/bin/python -m benchmarks.outbox --quick         # 300 schools, drain 500 (~1 minute)
    .venv/bin/python -m benchmarks.outbox --write         # also rewrite RESULTS-outbox.md
    .venv/bin/python -m benchmarks.outbox --drain 2000    # a shorter drain

Planning: one ``services.reminders.plan_reminders`` pass with ``bot.reminder_texts``'s
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
import contextlib
import cProfile
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

import services.reminders as reminders_module
from bot.reminder_texts import RussianRenderer
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
                "status": (
                    ConfirmationStatus.ACCEPTED if n % 2 else ConfirmationStatus.SUBMITTED
                ),
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
def timed_outbox_plan(box: list[float]) -> Iterator[None]:
    """Measure the time spent in services.outbox.plan as called by plan_reminders."""
    original = reminders_module.plan

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


async def one_pass(engine: AsyncEngine, counter: SqlCounter) -> PassResult:
    pool = create_session_pool(engine)
    box: list[float] = []
    counter.reset()
    with timed_outbox_plan(box):
        started = time.perf_counter()
        async with pool() as session:
            rows = await plan_reminders(session, PASS_NOW, CFG, RENDER)
        seconds = time.perf_counter() - started
    return PassResult(rows, seconds, counter.statements, counter.seconds, sum(box))


async def run_case(schema: Path, workdir: Path, case: PlanCase, repeats: int) -> CaseResult:
    template = workdir / f"plan-{case.kind}-{case.schools}.db"
    prepared = await build_planning_db(schema, template, case)
    result = CaseResult(
        case, prepared.expected_rows, prepared.confirmations, prepared.setup_seconds
    )
    for attempt in range(repeats):
        path = workdir / "pass.db"
        copy_db(template, path)
        engine = create_engine(sqlite_url(path))
        counter = SqlCounter()
        counter.attach(engine)
        try:
            async with engine.connect() as conn:  # open the pooled connection (pragmas) first
                await conn.execute(text("SELECT 1"))
            first = await one_pass(engine, counter)
            second = await one_pass(engine, counter)
            async with create_session_pool(engine)() as session:
                stored = await session.scalar(select(func.count(Notification.id)))
                runs = await session.scalar(select(func.count()).select_from(ReminderRun))
        finally:
            await engine.dispose()
            remove_db(path)
        result.first.append(first)
        result.second.append(second)
        if first.rows != prepared.expected_rows or stored != prepared.expected_rows:
            result.check_errors.append(
                f"pass {attempt + 1}: planned {first.rows}, stored {stored}, "
                f"expected {prepared.expected_rows}"
            )
        if second.rows != 0:
            result.check_errors.append(f"pass {attempt + 1}: the second pass planned {second.rows}")
        if runs != case.events:
            result.check_errors.append(f"pass {attempt + 1}: {runs} reminder runs")
        print(
            f"  {case.label}: pass {attempt + 1}: {first.rows} rows in {first.seconds:.3f} s "
            f"({first.statements} statements, SQL {first.sql_seconds:.3f} s, "
            f"outbox insert {first.outbox_seconds:.3f} s); second pass {second.rows} rows "
            f"in {second.seconds:.3f} s",
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


async def profile_case(schema: Path, workdir: Path, case: PlanCase, top: int = 18) -> Profile:
    path = workdir / "profile.db"
    await build_planning_db(schema, path, case)
    engine = create_engine(sqlite_url(path))
    profiler = cProfile.Profile()
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        pool = create_session_pool(engine)
        started = time.perf_counter()
        async with pool() as session:
            profiler.enable()
            await plan_reminders(session, PASS_NOW, CFG, RENDER)
            profiler.disable()
        seconds = time.perf_counter() - started
    finally:
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

    @property
    def rate(self) -> float:
        if self.delivered < 2 or self.first_to_last <= 0:
            return 0.0
        return (self.delivered - 1) / self.first_to_last

    @property
    def ratio(self) -> float:
        return self.rate / self.send_rate


async def run_drain(schema: Path, workdir: Path, n: int, send_rate: float) -> DrainResult:
    rundir = workdir / f"drain-{int(send_rate)}"
    rundir.mkdir()
    planned, plan_seconds = await build_drain_db(schema, rundir / "bot.db", n)
    result = DrainResult(send_rate, n, planned, plan_seconds)
    chats = range(DRAIN_FIRST_CHAT + 1, DRAIN_FIRST_CHAT + n + 1)
    env = {
        "BOT_TOKEN": BOT_TOKEN,
        "DATABASE_URL": sqlite_url(rundir / "bot.db"),
        "QUIET_HOURS": "00:00-00:00",
        "LOG_LEVEL": "WARNING",
    }
    if send_rate != DEFAULT_SEND_RATE:
        env["SEND_RATE"] = f"{send_rate:g}"
    async with FakeBotAPI(rate_limit_per_second=FAKE_LIMIT_PER_SECOND) as fake:
        bot = BotProcess(fake, rundir, **env)
        started = time.perf_counter()
        await bot.start()
        assert bot.proc is not None
        pid = bot.proc.pid
        result.rss_after_start_mib = proc_status_kib(pid).get("VmRSS", 0) / 1024
        seen: set[int] = set()
        times: list[float] = []
        cursor = 0
        last_progress = time.perf_counter()
        last_report = last_progress
        while len(seen) < n:
            delivered = fake.delivered
            fresh = delivered[cursor:]
            cursor = len(delivered)
            for message in fresh:
                if message.method == "sendMessage" and message.chat_id in chats:
                    seen.add(message.chat_id)
                    times.append(message.time)
            now = time.perf_counter()
            if fresh:
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
                    f"  SEND_RATE={send_rate:g}: {len(seen)}/{n} delivered, "
                    f"{fake.count_429} x 429",
                    flush=True,
                )
            await asyncio.sleep(0.25)
        result.wall_seconds = time.perf_counter() - started
        await asyncio.sleep(1.0)  # a late duplicate would show up here
        for message in fake.delivered[cursor:]:
            if message.method == "sendMessage" and message.chat_id in chats:
                seen.add(message.chat_id)
                times.append(message.time)
        status = proc_status_kib(pid)
        result.peak_rss_mib = status.get("VmHWM", 0) / 1024
        result.rss_at_end_mib = status.get("VmRSS", 0) / 1024
        result.exit_code = await bot.stop(signal.SIGTERM)
        result.count_429 = fake.count_429
        result.requests = len(fake.calls("sendMessage"))
    times.sort()
    result.delivered = len(times)
    result.unique = len(seen)
    if times:
        result.first_to_last = times[-1] - times[0]
        start = times[0]
        buckets = Counter(int((t - start) // WINDOW_SECONDS) for t in times)
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
        f"  SEND_RATE={send_rate:g}: {result.delivered} delivered ({result.unique} chats) "
        f"at {result.rate:.2f}/s ({result.ratio:.1%}), {result.count_429} x 429, "
        f"peak RSS {result.peak_rss_mib:.1f} MiB, exit {result.exit_code}",
        flush=True,
    )
    remove_db(rundir / "bot.db")
    return result


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
    wall_seconds: float = 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _yes(flag: bool) -> str:
    return "**met**" if flag else "**not met**"


def _case_table(results: list[CaseResult]) -> list[str]:
    lines = [
        "| schools | districts | librarians | open events | confirmations | rows planned "
        "| pass (median of 3) | min – max | growth | SQL statements | in SQL | in outbox "
        "insert | second pass rows | second pass |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: CaseResult | None = None
    for r in results:
        med = r.median(r.first)
        sec = r.median(r.second)
        growth = "–"
        if previous is not None:
            before = previous.median(previous.first)
            growth = (
                f"×{med.seconds / before.seconds:.1f} time, "
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
            f"{second_rows} | {_ms(sec.seconds)} |"
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
        windows = (
            f"{min(d.windows):.1f} / {max(d.windows):.1f}/s" if d.windows else "–"
        )
        statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(d.statuses.items()))
        lines.append(
            f"| {d.send_rate:g} | {d.planned:,} | {d.delivered:,} ({d.unique:,}) | "
            f"{d.requests:,} | {d.first_to_last:.1f} s | **{d.rate:.2f}/s** | "
            f"**{d.ratio:.1%}** | {windows} | **{d.count_429}** | "
            f"{d.rss_after_start_mib:.1f} MiB | **{d.peak_rss_mib:.1f} MiB** | "
            f"{d.rss_at_end_mib:.1f} MiB | {d.exit_code} | {statuses} |"
        )
    return lines


def verdicts(report: Report) -> list[str]:
    lines: list[str] = []
    issue = [r for r in report.cases if r.case.kind == "issue"]
    stress = [r for r in report.cases if r.case.kind == "stress"]
    target_issue = [r for r in issue if r.case.schools == 1500]
    if target_issue:
        r = target_issue[0]
        med = r.median(r.first).seconds
        lines.append(
            f"- **Planning, the issue's case** (1,500 schools, 40 open events, one pass ≤ 1 s): "
            f"{_yes(med <= PASS_TARGET_SECONDS)} — median {_ms(med)} for "
            f"{r.median(r.first).rows:,} rows."
        )
    else:
        lines.append(
            "- **Planning, the issue's case**: not measured at 1,500 schools in this run "
            "(`--quick`)."
        )
    over = [
        f"{r.case.label}: {_ms(r.median(r.first).seconds)}"
        for r in issue + stress
        if r.median(r.first).seconds > PASS_TARGET_SECONDS
    ]
    lines.append(
        "- **Passes over 1 s**: " + ("; ".join(over) if over else "none") + "."
    )
    bad = [e for r in report.cases for e in r.check_errors]
    lines.append(
        "- **Correctness / idempotency**: "
        + (
            "every first pass planned exactly the expected rows (unconfirmed librarians of "
            "every event), every second pass planned 0."
            if not bad
            else "PROBLEMS: " + "; ".join(bad)
        )
    )
    default = [d for d in report.drains if d.send_rate == DEFAULT_SEND_RATE]
    if default:
        d = default[0]
        complete = d.unique == d.n and not d.stalled
        lines.append(
            f"- **Drain at the default SEND_RATE={d.send_rate:g}** ({d.n:,} messages): "
            f"≥ 95 % of the rate {_yes(d.ratio >= RATE_TARGET_SHARE and complete)} "
            f"({d.rate:.2f}/s = {d.ratio:.1%}); zero 429s {_yes(d.count_429 == 0)} "
            f"({d.count_429}); peak memory ≤ {MEMORY_TARGET_MIB:.0f} MB "
            f"{_yes(d.peak_rss_mib * 1.048576 <= MEMORY_TARGET_MIB)} "
            f"({d.peak_rss_mib:.1f} MiB = {d.peak_rss_mib * 1.048576:.1f} MB); "
            + (
                "every chat got its message exactly once."
                if complete and d.delivered == d.n
                else f"{d.unique:,} of {d.n:,} chats reached, {d.delivered - d.unique} "
                "duplicates."
            )
        )
    fast = [d for d in report.drains if d.send_rate != DEFAULT_SEND_RATE]
    for d in fast:
        lines.append(
            f"- **Drain at SEND_RATE={d.send_rate:g}** (no margin under the fake's "
            f"{FAKE_LIMIT_PER_SECOND}/s): {d.count_429} × 429, each pausing the whole bucket "
            f"for retry_after (1 s); {d.rate:.2f}/s sustained ({d.ratio:.1%} of the setting, "
            f"{d.rate / FAKE_LIMIT_PER_SECOND:.1%} of the limit); "
            f"{d.unique:,} of {d.n:,} chats reached, {d.delivered - d.unique} duplicates."
        )
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
        "## Verdict",
        "",
        *verdicts(report),
        "",
        "## Planning: one `plan_reminders` pass",
        "",
        "Data (bulk inserts into a file made by the real Alembic migrations): 25 schools and "
        "2 active librarians per school in every district, one coordinator per district; every "
        "event is open, audience «all schools», deadline on Thursday 18:00, the pass runs on "
        "Monday 10:30 district time, so the «3 days before» step is due and the pass fans out "
        "to every unconfirmed librarian of every event; one school in ten has a submitted or "
        "accepted confirmation for each event. Each pass runs on a fresh copy of the prepared "
        "file, through `models.db.create_engine` (WAL, synchronous=NORMAL) with an already "
        "open connection; the second pass runs right after on the same file and must plan 0. "
        "*In SQL* = time inside `cursor.execute` (SQLite in aiosqlite's thread plus the "
        "hand-off); *in outbox insert* = time inside `services.outbox.plan` (building the "
        "rows and the `INSERT … ON CONFLICT DO NOTHING` chunks of 500).",
        "",
        "### The issue's case: 40 open events spread over the districts",
        "",
        *_case_table(issue),
        "",
        "With 40 events in all, the number of rows does not grow with the number of schools "
        "(each event belongs to one district of 25 schools); what grows is the data the pass "
        "has to look through.",
        "",
        "### Stress case: 40 open events in every district",
        "",
        *_case_table(stress),
        "",
    ]
    for profile in report.profiles:
        lines += _profile_lines(profile)
    lines += [
        "## Draining the outbox through `python -m bot`",
        "",
        f"{report.drain_n:,} reminder rows planned with `services.outbox.plan` for "
        f"{report.drain_n:,} librarians (distinct chat ids; with user, event and school, so the "
        "send-time checks load the user and look for a confirmation), then the real "
        "`python -m bot` as a subprocess (`QUIET_HOURS=00:00-00:00`, default "
        "`SENDER_CONCURRENCY=8`, batch 100) against `FakeBotAPI(rate_limit_per_second=30)` "
        "(a sliding one-second window, 429 with retry_after 1 s beyond it) in the benchmark "
        "process. Sustained rate = (delivered − 1) / (last − first delivery time); the peak "
        "RSS is the bot process's `VmHWM` from `/proc/<pid>/status`, read just before "
        "SIGTERM.",
        "",
        *_drain_rows(report.drains),
        "",
    ]
    return "\n".join(lines)


# ---- main --------------------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace) -> Report:
    report = Report(datetime.now(UTC), args.quick, args.drain)
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
                    report.cases.append(await run_case(schema, workdir, case, args.repeats))
            for kind in ("issue", "stress"):
                slow = [
                    r
                    for r in report.cases
                    if r.case.kind == kind and r.median(r.first).seconds > PASS_TARGET_SECONDS
                ]
                if slow or args.profile:
                    target = slow[0].case if slow else PlanCase(kind, scales[-1])
                    print(f"profiling: {target.label}", flush=True)
                    report.profiles.append(await profile_case(schema, workdir, target))
        if args.part in ("all", "drain"):
            for rate in (DEFAULT_SEND_RATE, FAST_SEND_RATE):
                print(f"drain: {args.drain} messages at SEND_RATE={rate:g}", flush=True)
                report.drains.append(await run_drain(schema, workdir, args.drain, rate))
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
    args = parser.parse_args(argv)
    if args.drain is None:
        args.drain = QUICK_DRAIN if args.quick else DEFAULT_DRAIN
    return args


def run(main: Callable[[], Awaitable[Report]]) -> Report:
    return asyncio.run(main())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(lambda: benchmark(args))
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
