"""The dispatcher benchmark in miniature: every scenario runs and its outcome is verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.types import Update

from benchmarks.dispatcher import (
    COORDINATOR_ID,
    PEOPLE,
    BenchmarkError,
    ReviewSide,
    press_update,
    render,
    run_benchmark,
    update_id,
    write_results,
)
from bot.toolkit.callbacks import ReviewAction, ReviewCb

SCENARIOS = {"plain", "form", "tasks", "review", "addschool"}
N = 60  # one person: sixty updates; ten people: six each


async def test_every_scenario_runs_and_is_verified(tmp_path: Path) -> None:
    report = await run_benchmark(tmp_path, N, rounds=1, warmup=0, out=lambda _: None)
    assert set(report.results) == {(key, people) for key in SCENARIOS for people in PEOPLE}
    for result in report.results.values():
        (sample,) = result.samples  # one round, checked against the database and the requests
        assert sample.updates == N
        assert len(sample.latencies) == N
        assert 0 < result.percentile(0.5) <= result.percentile(0.99)
    table = render(report, "python -m benchmarks.dispatcher -n 60 --rounds 1")
    rows = [
        line
        for line in table.splitlines()
        if line.startswith("| ") and line.split("|")[2].strip() in ("1", "10")
    ]
    assert len(rows) == len(SCENARIOS) * len(PEOPLE)


async def test_a_round_that_did_not_do_its_work_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """«Принять» on a stale screen is refused: no number may be reported for it."""

    async def stale_presses(self: ReviewSide, bot: Bot, person: int, count: int) -> list[Update]:
        ids = self.seed.review_ids[person :: self.people]
        return [
            press_update(
                bot,
                update_id(person, i),
                COORDINATOR_ID + person,
                ReviewCb(action=ReviewAction.ACCEPT, confirmation_id=ids[i], version=2).pack(),
            )
            for i in range(count)
        ]

    monkeypatch.setattr(ReviewSide, "updates", stale_presses)
    with pytest.raises(BenchmarkError, match="review: 0 accepted"):
        await run_benchmark(tmp_path, N, rounds=1, warmup=0, out=lambda _: None, only=["review"])


def test_writing_keeps_the_lines_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    write_results("| first |\n", path)
    path.write_text(path.read_text(encoding="utf-8") + "\nWritten by hand.\n", encoding="utf-8")
    write_results("| second |\n", path)
    text = path.read_text(encoding="utf-8")
    assert "| second |" in text
    assert "| first |" not in text
    assert text.endswith("Written by hand.\n")
