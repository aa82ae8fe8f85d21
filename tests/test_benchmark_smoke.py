"""The dispatcher benchmark runs end to end and checks its own rounds (a smoke run)."""

from __future__ import annotations

from benchmarks import dispatcher


def test_quick_benchmark_run_checks_every_side_and_reports() -> None:
    lines: list[str] = []
    assert dispatcher.main(["--quick", "--rounds", "1"], out=lines.append) == 0
    report = "\n".join(lines)
    for scenario in dispatcher.SCENARIOS:
        assert scenario.label in report
    assert "people at once, as polling runs them" in report
    assert "## Work per update" in report
