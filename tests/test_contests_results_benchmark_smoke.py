"""The contest results benchmark in miniature: every step runs on 20 entries and is checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from benchmarks import contests
from benchmarks.contests import BenchmarkError, render, run_benchmark, write_results
from services.contests.documents import Diploma, DiplomaWords, diplomas_zip

STEPS = ["rank", "places", "protocol_xlsx", "protocol_pdf", "diplomas", "zip"]


async def test_every_step_runs_is_checked_and_reported(tmp_path: Path) -> None:
    report = await run_benchmark(tmp_path, 20, jurors=2, rounds=1, out=lambda _: None, schools=3)
    assert list(report.steps) == STEPS
    assert report.scores == 40
    for key, step in report.steps.items():
        assert len(step.seconds) == 1 and step.seconds[0] > 0, key
        assert step.peak > 0, key
    assert report.steps["rank"].items == 20
    assert report.steps["protocol_xlsx"].items == 40  # a row per score
    assert report.steps["diplomas"].items == report.steps["zip"].items == 20
    assert report.steps["diplomas"].output > 0
    table = render(report, "python -m benchmarks.contests --entries 20")
    rows = [line for line in table.splitlines() if line.startswith("| ") and " MiB |" in line]
    assert len(rows) == len(STEPS)
    assert "Cost per diploma:" in table


async def test_a_step_that_did_not_do_its_work_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ZIP that lost a diploma is no result to report."""

    def lossy(diplomas: Sequence[Diploma], words: DiplomaWords) -> list[bytes]:
        return diplomas_zip(diplomas[1:], words)

    monkeypatch.setattr(contests, "diplomas_zip", lossy)
    with pytest.raises(BenchmarkError, match="ZIP: 4 of 5 files"):
        await run_benchmark(tmp_path, 5, jurors=1, rounds=1, out=lambda _: None, schools=2)


def test_writing_adds_a_section_and_keeps_the_lines_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Dispatcher benchmark\n\nIts table.\n", encoding="utf-8")
    write_results("| first |\n", path)
    path.write_text(path.read_text(encoding="utf-8") + "\nWritten by hand.\n", encoding="utf-8")
    write_results("| second |\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Dispatcher benchmark\n\nIts table.\n")
    assert text.count(contests.TITLE) == 1
    assert "| second |" in text and "| first |" not in text
    assert text.endswith("Written by hand.\n")
