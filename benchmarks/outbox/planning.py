"""Planning: one ``services.reminders.plan_reminders`` pass, committed as the scheduler job does.

Data: bulk inserts into a file made by the real Alembic migrations; 25 schools and 2 librarians
per school in every district (and one coordinator per district), about one school in ten has
confirmed each event, every event open with its «3 days before» step due at the moment of the
pass, so the pass fans out to all the event's unconfirmed librarians. Two cases: the issue's 40
open events spread over the districts, and a stress case of 40 open events per district. Every
pass runs on a fresh copy of the prepared file; a second pass right after must plan nothing.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import os
import pstats
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import services.reminders as reminders_module
from benchmarks.outbox.common import (
    CFG,
    LIBRARIANS_PER_SCHOOL,
    RENDER,
    ROOT,
    SCHOOLS_PER_DISTRICT,
    TZ,
    bulk,
    copy_db,
    remove_db,
    sqlite_url,
)
from models import (
    Audience,
    Confirmation,
    ConfirmationStatus,
    District,
    Event,
    EventKind,
    EventStatus,
    Notification,
    ReminderRun,
    Role,
    School,
    User,
)
from models.db import create_engine, create_session_pool
from services.outbox import Outgoing, plan
from services.reminders import plan_reminders

PlanFunction = Callable[..., Awaitable[int]]

CONFIRMED_EVERY = 10  # one school in ten has confirmed each event
ISSUE_EVENTS = 40
STRESS_EVENTS_PER_DISTRICT = 40
SCALES = (300, 1500, 7500)
QUICK_SCALES = (300,)
REPEATS = 3

# The pass runs at 10:30 district time on a Monday; every event's deadline is on Thursday at
# 18:00, so its "3 days before" step (Monday 10:00) is the latest one due.
PASS_LOCAL = datetime(2026, 11, 16, 10, 30, tzinfo=TZ)
PASS_NOW = PASS_LOCAL.astimezone(UTC)
TODAY = PASS_LOCAL.date()
DEADLINE = datetime.combine(TODAY + timedelta(days=3), clock_time(18, 0), tzinfo=TZ).astimezone(
    UTC
)


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

    async def timed(session: AsyncSession, messages: Sequence[Outgoing], now: datetime) -> int:
        started = time.perf_counter()
        try:
            return await original(session, messages, now)
        finally:
            box.append(time.perf_counter() - started)

    with mock.patch.object(reminders_module, "plan", timed):
        yield


async def one_pass(engine: AsyncEngine, counter: SqlCounter) -> PassResult:
    """A pass and its commit, as the scheduler's job runs it (services only flush)."""
    pool = create_session_pool(engine)
    box: list[float] = []
    counter.reset()
    gc.collect()  # every pass starts from the same collector state
    with timed_outbox_plan(box, plan), GcTimer() as collector:
        started = time.perf_counter()
        async with pool() as session:
            rows = await plan_reminders(session, PASS_NOW, CFG, RENDER)
            await session.commit()
        seconds = time.perf_counter() - started
    return PassResult(
        rows,
        seconds,
        counter.statements,
        counter.seconds,
        sum(box),
        collector.seconds,
        collector.full,
    )


async def measure_copy(template: Path, workdir: Path) -> tuple[PassResult, PassResult, int, int]:
    """First and second pass on a fresh copy; (first, second, rows stored, reminder runs)."""
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
    return first, second, int(stored or 0), int(runs or 0)


async def run_case(schema: Path, workdir: Path, case: PlanCase, repeats: int) -> CaseResult:
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
        first, second, stored, runs = await measure_copy(template, workdir)
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


async def profile_case(schema: Path, workdir: Path, case: PlanCase, top: int = 18) -> Profile:
    path = workdir / "profile.db"
    await build_planning_db(schema, path, case)
    engine = create_engine(sqlite_url(path))
    profiler = cProfile.Profile()
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        pool = create_session_pool(engine)
        gc.collect()
        started = time.perf_counter()
        async with pool() as session:
            profiler.enable()
            await plan_reminders(session, PASS_NOW, CFG, RENDER)
            await session.commit()
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
