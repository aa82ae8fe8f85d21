"""The completion report at the scale of a republic: 1,500 schools × 40 events.

Run from the project root::

    .venv/bin/python -m benchmarks.reports            # both cases, 3 rounds
    .venv/bin/python -m benchmarks.reports --write    # also append to RESULTS.md
    .venv/bin/python -m benchmarks.reports --schools 300 --rounds 1   # a short run

A real SQLite file migrated by ``models.migrate.upgrade`` with the roadmap catalogue holds:

- «district»: one district of N schools and 40 events of the school year 2026/27;
- «republic»: 30 districts of N/30 schools, each with its own 40 events.

About three of four school × event cells have a confirmation (accepted, submitted, returned or
withdrawn), a third of them with a link and a third with a photo; the clock stands in March,
so part of the deadlines have passed. The rows are written in bulk. Then, as the bot does on a
press of «Этот учебный год», on a fresh session: ``completion_report`` (the queries are
counted), ``completion_xlsx`` and ``share_chart``. Time is the median of the rounds without
tracemalloc; the peak memory of each step is taken in one more run under tracemalloc. The
report is made in a fresh process (the filling stays in the parent), whose peak RSS
(``VmHWM``) is kept. Each output is checked before it is reported.

The target (issue 12): each report within 5 s and 300 MB on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handlers.reports import report_words
from models import (
    Activity,
    Audience,
    Confirmation,
    ConfirmationStatus,
    District,
    Event,
    EventKind,
    EventStatus,
    Evidence,
    EvidenceKind,
    School,
)
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.catalogue import load_catalogue_file
from services.reports.charts import share_chart
from services.reports.completion import CompletionReport, completion_report, event_shares
from services.reports.completion_xlsx import completion_xlsx
from services.reports.periods import Period

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31))
EVENTS = 40
DISTRICTS = 30
LIMIT_S = 5.0
LIMIT_MB = 300.0
STATUSES = (
    [ConfirmationStatus.ACCEPTED] * 40
    + [ConfirmationStatus.SUBMITTED] * 25
    + [ConfirmationStatus.RETURNED] * 5
    + [ConfirmationStatus.WITHDRAWN] * 5
    + [None] * 25
)


@dataclass
class Case:
    name: str
    districts: int
    schools: int
    republic: bool


@dataclass
class Measure:
    case: str
    schools: int
    events: int
    cells: int
    confirmations: int
    queries: int
    read_s: float
    xlsx_s: float
    chart_s: float
    read_mb: float
    xlsx_mb: float
    chart_mb: float
    xlsx_kb: int
    png_kb: int
    rss_mb: float = 0.0  # the peak RSS of the process that made the report (not the filler)
    baseline_mb: float = 0.0  # the RSS of the same imports before any report

    @property
    def total_s(self) -> float:
        return self.read_s + self.xlsx_s + self.chart_s


async def _fill(pool: async_sessionmaker[AsyncSession], case: Case, seed: int) -> list[int]:
    rng = random.Random(seed)
    now = NOW
    async with pool.begin() as s:
        activities = list((await s.scalars(select(Activity.id).order_by(Activity.number))).all())
        district_ids: list[int] = []
        per_district = case.schools // case.districts
        for d in range(case.districts):
            district = District(name=f"Район {d + 1:02d}", created_at=now)
            s.add(district)
            await s.flush()
            district_ids.append(district.id)
            await s.execute(
                insert(School),
                [
                    {
                        "district_id": district.id,
                        "full_name": f"МБОУ СОШ № {n} района {d + 1}",
                        "short_name": f"СОШ № {n}",
                        "full_key": f"мбоу сош № {n} района {d + 1}",
                        "short_key": f"сош № {n}",
                        "created_at": now,
                    }
                    for n in range(1, per_district + 1)
                ],
            )
            rows = []
            for e in range(EVENTS):
                starts = PERIOD.starts + timedelta(days=7 * e + 3)
                rows.append(
                    {
                        "district_id": district.id,
                        "activity_id": activities[e % len(activities)],
                        "title": f"Мероприятие дорожной карты № {e + 1}: неделя чтения и встреча",
                        "kind": EventKind.ACTIVITY,
                        "starts_on": starts,
                        "ends_on": starts + timedelta(days=10),
                        "deadline_at": datetime.combine(
                            starts + timedelta(days=14), datetime.min.time(), UTC
                        ),
                        "audience": Audience.ALL,
                        "status": EventStatus.OPEN if e % 5 else EventStatus.CLOSED,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            await s.execute(insert(Event), rows)
        schools = (await s.execute(select(School.id, School.district_id))).all()
        events = (await s.execute(select(Event.id, Event.district_id, Event.starts_on))).all()
        by_district: dict[int, list[tuple[int, date]]] = {}
        for event_id, district_id, starts_on in events:
            by_district.setdefault(district_id, []).append((event_id, starts_on))
        confirmations = []
        for school_id, district_id in schools:
            for event_id, starts_on in by_district[district_id]:
                status = rng.choice(STATUSES)
                if status is None:
                    continue
                confirmations.append(
                    {
                        "event_id": event_id,
                        "school_id": school_id,
                        "status": status,
                        "held_on": starts_on + timedelta(days=2),
                        "participants": rng.randint(5, 120),
                        "description": "Провели",
                        "is_late": rng.random() < 0.1,
                        "version": 1,
                        "submitted_at": now,
                        "review_comment": "Добавьте фото"
                        if status is ConfirmationStatus.RETURNED
                        else "",
                    }
                )
        for start in range(0, len(confirmations), 5000):
            await s.execute(insert(Confirmation), confirmations[start : start + 5000])
        ids = list((await s.scalars(select(Confirmation.id))).all())
        evidence = []
        for confirmation_id in ids:
            if rng.random() < 1 / 3:
                evidence.append(
                    {
                        "confirmation_id": confirmation_id,
                        "position": 0,
                        "kind": EvidenceKind.LINK,
                        "url": f"https://school.example.ru/news/{confirmation_id}",
                    }
                )
            if rng.random() < 1 / 3:
                evidence.append(
                    {
                        "confirmation_id": confirmation_id,
                        "position": 1,
                        "kind": EvidenceKind.PHOTO,
                        "file_id": f"photo-{confirmation_id}",
                        "file_unique_id": f"u-{confirmation_id}",
                    }
                )
        for start in range(0, len(evidence), 5000):
            await s.execute(insert(Evidence), evidence[start : start + 5000])
    return district_ids


def _peak_mb(step: Callable[[], Any]) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = step()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


async def _read(
    pool: async_sessionmaker[AsyncSession], district_ids: list[int]
) -> CompletionReport:
    async with pool() as s:
        return await completion_report(s, district_ids, PERIOD, NOW)


async def _measure(
    engine: AsyncEngine,
    pool: async_sessionmaker[AsyncSession],
    case: Case,
    district_ids: list[int],
    rounds: int,
) -> Measure:
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    reads, xlsxs, charts = [], [], []
    report: CompletionReport | None = None
    content = png = b""
    for _ in range(rounds):
        statements = 0
        sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
        started = time.perf_counter()
        report = await _read(pool, district_ids)
        reads.append(time.perf_counter() - started)
        sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
        started = time.perf_counter()
        content = completion_xlsx(
            report, report_words(), TZ, republic=case.republic, by_school=case.republic
        )
        xlsxs.append(time.perf_counter() - started)
        started = time.perf_counter()
        png = share_chart(event_shares(report), "Доля школ, отметивших событие", "ещё {count}")
        charts.append(time.perf_counter() - started)
    assert report is not None
    queries = statements
    # memory: one more run of each step under tracemalloc
    tracemalloc.start()
    report = await _read(pool, district_ids)
    read_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    final = report
    _xlsx, xlsx_mb = _peak_mb(
        lambda: completion_xlsx(
            final, report_words(), TZ, republic=case.republic, by_school=case.republic
        )
    )
    _png, chart_mb = _peak_mb(lambda: share_chart(event_shares(final), "Доля школ", "ещё {count}"))
    # the outputs are what they should be
    cells = sum(len(d.marks) for d in report.districts)
    schools = sum(len(d.schools) for d in report.districts)
    book = load_workbook(io.BytesIO(content), read_only=True)
    first = book[book.sheetnames[0]]
    expected_rows = 2 + (len(report.districts) if case.republic else schools) + 1
    rows = sum(1 for _row in first.iter_rows(values_only=True))
    assert rows == expected_rows, (rows, expected_rows)
    book.close()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    async with pool() as s:
        confirmations = len((await s.scalars(select(Confirmation.id))).all())
    return Measure(
        case=case.name,
        schools=schools,
        events=len(report.events),
        cells=cells,
        confirmations=confirmations,
        queries=queries,
        read_s=statistics.median(reads),
        xlsx_s=statistics.median(xlsxs),
        chart_s=statistics.median(charts),
        read_mb=read_mb,
        xlsx_mb=xlsx_mb,
        chart_mb=chart_mb,
        xlsx_kb=len(content) // 1024,
        png_kb=len(png) // 1024,
    )


def _child(url: str, case: Case, district_ids: list[int], rounds: int) -> Measure:
    """In a fresh process, so its peak RSS is the report's and not the filling's."""

    async def run() -> Measure:
        engine = create_engine(url)
        try:
            return await _measure(engine, create_session_pool(engine), case, district_ids, rounds)
        finally:
            await engine.dispose()

    measure = asyncio.run(run())
    measure.rss_mb = _status_mb("VmHWM")
    return measure


def _baseline() -> float:
    """The RSS of a fresh process with the bot's modules imported (aiogram and the handlers
    weigh most of it): what the bot holds before any report."""
    return _status_mb("VmRSS")


def _status_mb(key: str) -> float:
    """A line of /proc/self/status: VmHWM is this process's own peak (ru_maxrss would carry
    the parent's across exec), VmRSS its present size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _run_case(case: Case, rounds: int, workdir: Path) -> Measure:
    path = workdir / f"{case.name.split()[0]}.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    try:
        async with pool.begin() as s:
            await load_catalogue_file(s, ROOT / "data" / "roadmap.toml")
        district_ids = await _fill(pool, case, seed=12)
    finally:
        await engine.dispose()
    context = multiprocessing.get_context("spawn")
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        measure = await loop.run_in_executor(executor, _child, url, case, district_ids, rounds)
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        measure.baseline_mb = await loop.run_in_executor(executor, _baseline)
    return measure


def _table(measures: list[Measure]) -> str:
    lines = [
        "| case | schools | events | cells | confirmations | queries | read | workbook | chart "
        "| total | peak memory (tracemalloc): read / workbook / chart "
        "| peak RSS − RSS after the imports = the report's | file sizes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        ok = "✅" if m.total_s <= LIMIT_S else "❌"
        ok_mb = "✅" if m.rss_mb - m.baseline_mb <= LIMIT_MB else "❌"
        lines.append(
            f"| {m.case} | {m.schools:,} | {m.events:,} | {m.cells:,} | {m.confirmations:,} "
            f"| {m.queries} | {m.read_s * 1000:,.0f} ms | {m.xlsx_s * 1000:,.0f} ms "
            f"| {m.chart_s * 1000:,.0f} ms | **{m.total_s * 1000:,.0f} ms** {ok} "
            f"| {m.read_mb:.0f} / {m.xlsx_mb:.0f} / {m.chart_mb:.0f} MB "
            f"| {m.rss_mb:.0f} MB − {m.baseline_mb:.0f} MB = "
            f"{m.rss_mb - m.baseline_mb:.0f} MB {ok_mb} "
            f"| {m.xlsx_kb:,} KB xlsx, {m.png_kb:,} KB png |"
        )
    lines.append("")
    lines.append(
        f"Targets: {LIMIT_S:.0f} s (read + workbook + chart) and {LIMIT_MB:.0f} MB: the peak "
        "RSS of a fresh process that reads the report and draws both files, less the RSS of "
        "the same imports before any report (the bot, aiogram and its handlers, holds that "
        "anyway)."
    )
    return "\n".join(lines)


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    cases = [
        Case("district", 1, args.schools, republic=False),
        Case("republic (by school)", DISTRICTS, args.schools, republic=True),
    ]
    started = time.perf_counter()
    measures = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        for case in cases:
            print(f"{case.name}: {case.schools} schools …", flush=True)
            measures.append(await _run_case(case, args.rounds, Path(tmp)))
    table = _table(measures)
    print(table)
    if args.write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        load = os.getloadavg()[0]
        header = (
            f"\n## Completion report (`python -m benchmarks.reports "
            f"{' '.join(argv if argv is not None else sys.argv[1:])}`)\n\n"
            f"{stamp}, Python {platform.python_version()}, {os.cpu_count()} cores, "
            f"load average {load:.2f}, whole run {time.perf_counter() - started:.0f} s; "
            f"medians of {args.rounds} rounds.\n\n"
        )
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(header + table + "\n")


if __name__ == "__main__":
    asyncio.run(main())
