"""The monitoring's documents at the scale of a republic: 1,500 answered questionnaires.

Run from the project root::

    .venv/bin/python -m benchmarks.monitoring            # both cases, 3 rounds
    .venv/bin/python -m benchmarks.monitoring --write    # also append to RESULTS.md
    .venv/bin/python -m benchmarks.monitoring --schools 300 --rounds 1   # a short run

A real SQLite file migrated by ``models.migrate.upgrade`` holds the default questionnaire
(data/monitoring.toml, every question) answered by N schools this year and last year (nine of
ten submitted or accepted, the rest drafts), each answer a valid value of its type:

- «district»: one district of N schools: its summary workbook, its CSV, the two charts and the
  analytical note with the charts in it (the note is the heaviest document of a round);
- «republic (by school)»: 30 districts of N/30 schools: the republic's workbook with every
  school, and the two charts by district.

As the bot does on a press of the round's buttons, on a fresh session: ``round_summary`` (or
``republic_summary``), then each document. Time is the median of the rounds; the peak memory
of each step is taken in one more run under tracemalloc; the documents are made in a fresh
process whose peak RSS (``VmHWM``) less the RSS after the imports is the documents' own.
Each output is read back before it is reported.

The target (issue 12): each document within 5 s and 300 MB on this machine.
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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.monitoring_docs import (
    BOOKS,
    COVERAGE,
    chart_words,
    district_charts,
    note_words,
    republic_charts,
    republic_note_words,
    summary_words,
)
from models import (
    Audience,
    District,
    Event,
    EventKind,
    EventStatus,
    MonitoringResponse,
    MonitoringRound,
    ResponseStatus,
    RoundStatus,
    School,
)
from models.db import create_engine, create_session_pool
from models.migrate import upgrade
from services.monitoring.answers import JsonValue, encode_answers
from services.monitoring.charts import republic_chart
from services.monitoring.note_docx import note_docx, republic_note_docx
from services.monitoring.questionnaire import (
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    read_questionnaire,
)
from services.monitoring.summary import MonitoringSummary, republic_summary, round_summary
from services.monitoring.summary_xlsx import summary_csv, summary_xlsx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
QUESTIONNAIRE = ROOT / "data" / "monitoring.toml"
TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
YEAR = 2026
DISTRICTS = 30
LIMIT_S = 5.0
LIMIT_MB = 300.0


@dataclass
class Case:
    name: str
    districts: int
    schools: int

    @property
    def republic(self) -> bool:
        return self.districts > 1


@dataclass
class Step:
    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    kb: int = 0


@dataclass
class Measure:
    case: str
    schools: int
    answered: int
    steps: list[Step] = field(default_factory=list)
    rss_mb: float = 0.0
    baseline_mb: float = 0.0


def _value(question: Question, rng: random.Random, size: int) -> AnswerValue | None:
    """A valid answer of the question's type, scaled to a school of ``size`` pupils."""
    match question.type:
        case QuestionType.INT:
            high = int(question.maximum) if question.maximum is not None else 10_000
            scale = {"pupils": size, "readers_pupils": int(size * 0.8)}.get(question.code)
            if scale is not None:
                return min(scale, high)
            return rng.randint(0, min(high, size * 20))
        case QuestionType.DECIMAL:
            return Decimal(rng.randint(1, 1000)) / 10
        case QuestionType.BOOL:
            return rng.random() < 0.7
        case QuestionType.CHOICE:
            return rng.choice(question.choices).code
        case QuestionType.MULTI:
            plain = [c.code for c in question.choices if not c.exclusive]
            return tuple(c for c in plain if rng.random() < 0.4) or (plain[0],)
        case QuestionType.TEXT:
            return "Текст ответа школы"
        case QuestionType.URL:
            return ("https://school.example.ru/news/1",) if question.many else "https://s.ru/a"
        case QuestionType.DATE:
            return date(2025, rng.randint(1, 12), rng.randint(1, 28))
    return None


def _answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, JsonValue]:
    size = rng.randint(80, 1500)
    values: dict[str, AnswerValue] = {}
    for question in questionnaire.questions:
        if rng.random() < 0.02:  # now and then a question left out
            continue
        value = _value(question, rng, size)
        if value is not None:
            values[question.code] = value
    pupil_readers = values.get("readers_pupils")
    base = pupil_readers if isinstance(pupil_readers, int) else 0
    # now and then zero readers: «нет данных» for the ratios over readers
    values["readers"] = 0 if rng.random() < 0.03 else base + rng.randint(0, 80)
    return encode_answers(values)


async def _fill(pool: async_sessionmaker[AsyncSession], case: Case, seed: int) -> list[int]:
    rng = random.Random(seed)
    raw = dict(_raw_questionnaire())
    questionnaire = read_questionnaire(QUESTIONNAIRE)
    round_ids: list[int] = []
    async with pool.begin() as s:
        per_district = case.schools // case.districts
        for d in range(case.districts):
            district = District(name=f"Район {d + 1:02d}", created_at=NOW)
            s.add(district)
            await s.flush()
            await s.execute(
                insert(School),
                [
                    {
                        "district_id": district.id,
                        "full_name": f"МБОУ СОШ № {n} района {d + 1}",
                        "short_name": f"СОШ № {n}",
                        "full_key": f"мбоу сош № {n} района {d + 1}",
                        "short_key": f"сош № {n}",
                        "created_at": NOW,
                    }
                    for n in range(1, per_district + 1)
                ],
            )
            schools = list(
                await s.scalars(select(School.id).where(School.district_id == district.id))
            )
            for year in (YEAR - 1, YEAR):
                event = Event(
                    district_id=district.id,
                    title=f"Мониторинг ШИБЦ {year}",
                    kind=EventKind.MONITORING,
                    starts_on=date(year + 1, 2, 1),
                    ends_on=date(year + 1, 3, 20),
                    deadline_at=datetime(year + 1, 3, 20, tzinfo=UTC),
                    audience=Audience.ALL,
                    status=EventStatus.OPEN if year == YEAR else EventStatus.CLOSED,
                    created_at=NOW,
                    updated_at=NOW,
                )
                s.add(event)
                await s.flush()
                round_ = MonitoringRound(
                    district_id=district.id,
                    year=year,
                    event_id=event.id,
                    questionnaire=raw,
                    status=RoundStatus.OPEN if year == YEAR else RoundStatus.CLOSED,
                    created_at=NOW - timedelta(days=365 * (YEAR - year)),
                )
                s.add(round_)
                await s.flush()
                if year == YEAR:
                    round_ids.append(round_.id)
                rows = []
                for school_id in schools:
                    pick = rng.random()
                    status = (
                        ResponseStatus.ACCEPTED
                        if pick < 0.5
                        else ResponseStatus.SUBMITTED
                        if pick < 0.9
                        else ResponseStatus.DRAFT
                    )
                    rows.append(
                        {
                            "round_id": round_.id,
                            "school_id": school_id,
                            "status": status,
                            "answers": _answers(questionnaire, rng),
                            "confirmed": [],
                            "position": 0,
                            "version": 1,
                            "started_at": NOW,
                            "updated_at": NOW,
                            "review_comment": "",
                            "return_codes": [],
                        }
                    )
                await s.execute(insert(MonitoringResponse), rows)
    return round_ids


def _raw_questionnaire() -> dict[str, Any]:
    import tomllib  # noqa: PLC0415

    with QUESTIONNAIRE.open("rb") as fh:
        return tomllib.load(fh)


def _timed(step: Callable[[], Any], rounds: int) -> tuple[Any, float, float]:
    """(the result, the median seconds, the tracemalloc peak of one more run in MB)."""
    times = []
    result: Any = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    try:
        step()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, statistics.median(times), peak


def _documents(summary: MonitoringSummary, case: Case, rounds: int) -> list[Step]:
    steps: list[Step] = []
    if case.republic:
        content, seconds, peak = _timed(
            lambda: summary_xlsx(summary, summary_words(), TZ, republic=True, by_school=True),
            rounds,
        )
        book = load_workbook(io.BytesIO(content), read_only=True)
        rows = sum(1 for _ in book["Показатели"].iter_rows(values_only=True))
        assert rows == 2 + len(summary.rows) + 2, rows
        book.close()
        steps.append(Step("workbook (every school)", seconds, peak, len(content) // 1024))
        charts, seconds, peak = _timed(
            lambda: [
                republic_chart(summary, spec, "Республика", chart_words())
                for spec in (BOOKS, COVERAGE)
            ],
            rounds,
        )
        assert all(png and png.startswith(b"\x89PNG") for png in charts)
        steps.append(Step("two charts", seconds, peak, sum(len(p or b"") for p in charts) // 1024))
        note, seconds, peak = _timed(
            lambda: republic_note_docx(
                summary, note_words(), republic_note_words(), TZ, republic_charts(summary)
            ),
            rounds,
        )
        document = Document(io.BytesIO(note))
        assert len(document.inline_shapes) == 2
        steps.append(Step("note (charts drawn in it)", seconds, peak, len(note) // 1024))
        return steps
    content, seconds, peak = _timed(lambda: summary_xlsx(summary, summary_words(), TZ), rounds)
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = sum(1 for _ in book["Показатели"].iter_rows(values_only=True))
    assert rows == 2 + len(summary.rows) + 3, rows
    book.close()
    steps.append(Step("workbook", seconds, peak, len(content) // 1024))
    csv_bytes, seconds, peak = _timed(lambda: summary_csv(summary, summary_words()), rounds)
    assert csv_bytes.count(b"\r\n") == len(summary.rows) + 1
    steps.append(Step("CSV", seconds, peak, len(csv_bytes) // 1024))
    charts, seconds, peak = _timed(lambda: district_charts(summary), rounds)
    assert len(charts) == 2
    steps.append(Step("two charts", seconds, peak, sum(len(p) for _c, p in charts) // 1024))
    note, seconds, peak = _timed(
        lambda: note_docx(summary, note_words(), TZ, district_charts(summary)), rounds
    )
    document = Document(io.BytesIO(note))
    assert len(document.inline_shapes) == 2
    steps.append(Step("note (charts drawn in it)", seconds, peak, len(note) // 1024))
    return steps


async def _measure(url: str, case: Case, round_ids: list[int], rounds: int) -> Measure:
    engine = create_engine(url)
    pool = create_session_pool(engine)
    try:

        async def read() -> MonitoringSummary:
            async with pool() as s:
                if case.republic:
                    return await republic_summary(s, YEAR, NOW)
                return await round_summary(s, round_ids[0], NOW)

        times = []
        summary: MonitoringSummary | None = None
        for _ in range(rounds):
            started = time.perf_counter()
            summary = await read()
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        summary = await read()
        read_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    finally:
        await engine.dispose()
    assert summary is not None
    schools = sum(d.schools for d in summary.districts)
    measure = Measure(case.name, schools, len(summary.rows))
    measure.steps.append(Step("read", statistics.median(times), read_peak))
    measure.steps.extend(await asyncio.to_thread(_documents, summary, case, rounds))
    return measure


def _child(url: str, case: Case, round_ids: list[int], rounds: int) -> Measure:
    measure = asyncio.run(_measure(url, case, round_ids, rounds))
    measure.rss_mb = _status_mb("VmHWM")
    return measure


def _baseline() -> float:
    return _status_mb("VmRSS")


def _status_mb(key: str) -> float:
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
    try:
        round_ids = await _fill(create_session_pool(engine), case, seed=12)
    finally:
        await engine.dispose()
    context = multiprocessing.get_context("spawn")
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        measure = await loop.run_in_executor(executor, _child, url, case, round_ids, rounds)
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        measure.baseline_mb = await loop.run_in_executor(executor, _baseline)
    return measure


def _table(measures: list[Measure]) -> str:
    lines = [
        "| case | schools | answered | step | time | peak memory (tracemalloc) | file |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for m in measures:
        for step in m.steps:
            # a document reaches the chat after the read: each is judged with the read added
            total = step.seconds + (m.steps[0].seconds if step is not m.steps[0] else 0.0)
            ok = "✅" if total <= LIMIT_S else "❌"
            lines.append(
                f"| {m.case} | {m.schools:,} | {m.answered:,} | {step.name} "
                f"| {step.seconds * 1000:,.0f} ms ({total * 1000:,.0f} ms with the read) {ok} "
                f"| {step.peak_mb:.0f} MB | {f'{step.kb:,} KB' if step.kb else '—'} |"
            )
        own = m.rss_mb - m.baseline_mb
        ok_mb = "✅" if own <= LIMIT_MB else "❌"
        lines.append(
            f"| {m.case} | | | peak RSS − RSS after the imports | | "
            f"{m.rss_mb:.0f} MB − {m.baseline_mb:.0f} MB = {own:.0f} MB {ok_mb} | |"
        )
    lines.append("")
    lines.append(
        f"Targets: {LIMIT_S:.0f} s for each document with the read before it, and "
        f"{LIMIT_MB:.0f} MB: the peak RSS of a fresh process that reads the summary and makes "
        "every document of the case, less the RSS of the same imports before any."
    )
    return "\n".join(lines)


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    cases = [
        Case("district", 1, args.schools),
        Case("republic (by school)", DISTRICTS, args.schools),
    ]
    started = time.perf_counter()
    measures = []
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as tmp:
        for case in cases:
            print(f"{case.name}: {case.schools} schools …", flush=True)
            measures.append(await _run_case(case, args.rounds, Path(tmp)))
    table = _table(measures)
    print(table)
    if args.write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        load = os.getloadavg()[0]
        header = (
            f"\n## Monitoring documents (`python -m benchmarks.monitoring "
            f"{' '.join(argv if argv is not None else sys.argv[1:])}`)\n\n"
            f"{stamp}, Python {platform.python_version()}, {os.cpu_count()} cores, "
            f"load average {load:.2f}, whole run {time.perf_counter() - started:.0f} s; "
            f"medians of {args.rounds} rounds.\n\n"
        )
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(header + table + "\n")


if __name__ == "__main__":
    asyncio.run(main())
