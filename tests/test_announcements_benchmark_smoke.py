"""The announcements benchmark in miniature: 120 recipients, 40 copies timed, one rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks import announcements
from benchmarks.announcements import BenchmarkError, render, run_benchmark, write_results
from models import Notification
from services.announcements.sending import Extras, Sent, send


async def test_every_part_runs_is_checked_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the progress reporter may not exist yet: its hook runs as if it did (no edits then)
    monkeypatch.setattr(announcements, "progress_reporter_exists", lambda: True)
    report = await run_benchmark(
        tmp_path, 120, sample=40, rates=(30.0,), rounds=1, rest=0.5, out=lambda _: None
    )
    assert len(report.enqueue_seconds) == 1 and report.enqueue_seconds[0] > 0
    (run,) = report.runs
    assert len(run.times) == 40 and run.duplicates == 0 and run.exit_code == 0
    assert run.rate > 0 and run.rss_rest_mib > 0 and run.rss_peak_mib > 0
    assert run.edits is not None and run.edits_per_minute is not None
    table = render(report, "python -m benchmarks.announcements --recipients 120")
    assert "| 120 outbox rows and recipient rows, 1 rounds, SQLite |" in table
    rows = [line for line in table.splitlines() if line.startswith("| 30 | 40 |")]
    assert len(rows) == 1 and rows[0].endswith(f"| {run.edits_per_minute:.1f} (0) |")
    # without the reporter: said, not guessed
    run.edits, report.progress_reporter = None, False
    table = render(report, "python -m benchmarks.announcements --recipients 120")
    assert "| not measured |" in table
    assert "edits per minute: not measured" in table


async def test_an_enqueue_that_lost_a_copy_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows missing from the outbox are no result to report."""

    async def lossy(session: AsyncSession, announcement_id: int, extras: Extras, now: Any) -> Sent:
        sent = await send(session, announcement_id, extras, now)
        first = await session.scalar(select(Notification.id).order_by(Notification.id))
        await session.execute(delete(Notification).where(Notification.id == first))
        return sent

    monkeypatch.setattr(announcements, "send", lossy)
    with pytest.raises(BenchmarkError, match="enqueue: 19 outbox rows planned for 20"):
        await run_benchmark(tmp_path, 20, sample=5, rates=(), rounds=1, out=lambda _: None)


def test_writing_adds_a_section_and_keeps_the_lines_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS-announcements.md"
    write_results("| first |\n", path)
    path.write_text(path.read_text(encoding="utf-8") + "\nWritten by hand.\n", encoding="utf-8")
    write_results("| second |\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(announcements.TITLE)
    assert text.count(announcements.TITLE) == 1
    assert "| second |" in text and "| first |" not in text
    assert text.endswith("Written by hand.\n")
