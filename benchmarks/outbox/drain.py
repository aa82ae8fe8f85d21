"""Drain: N reminder rows planned into the outbox, then the real ``python -m bot`` as a
subprocess sends them to ``tests.fake_bot_api.FakeBotAPI``, which answers 429 beyond 30 messages a
second. Sustained rate = (delivered - 1) / (last - first delivery). Also: the rate limiter after a
blocked event loop, and the memory floor of the imports.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import gc
import itertools
import math
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.outbox.common import (
    LIBRARIANS_PER_SCHOOL,
    RENDER,
    ROOT,
    TZ,
    bulk,
    copy_db,
    local_at,
    remove_db,
    sqlite_url,
)
from bot.outbox_sender import RateLimiter
from models import (
    Audience,
    District,
    Event,
    EventKind,
    EventStatus,
    Notification,
    NotificationStatus,
    Role,
    School,
    User,
)
from models.db import create_engine, create_session_pool
from services.outbox import Outgoing, plan
from services.reminders import Step
from tests.e2e import BotProcess
from tests.fake_bot_api import FakeBotAPI

DEFAULT_DRAIN = 10_000
QUICK_DRAIN = 500
DEFAULT_SEND_RATE = 25.0
FAST_SEND_RATE = 30.0
FAKE_LIMIT_PER_SECOND = 30
STALL_SECONDS = 60.0
WINDOW_SECONDS = 10.0
BOT_TOKEN = "123456789:AA" + "Benchmark-outbox-token-000000000000"
DRAIN_FIRST_CHAT = 800_000_000


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
            await session.commit()  # services only flush: the unit of work commits
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
    # that the fake then answers with 429s. No collections in this process while draining.
    gc.collect()
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
