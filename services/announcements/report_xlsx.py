"""An announcement's report as a spreadsheet: one row per recipient, times in local time.

The words (the header, the statuses' names) come from the caller: services hold no texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from services.announcements.history import ReportRow
from services.tabular import write_xlsx
from services.timeutil import fmt_local

WIDTH_MIN = 10
WIDTH_MAX = 60


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    return fmt_local(moment, tz) if moment is not None else ""


def report_table(
    rows: Sequence[ReportRow], tz: ZoneInfo, statuses: Mapping[str, str]
) -> list[list[str]]:
    """recipient, school, status, sent at, acknowledged at."""
    return [
        [
            row.name,
            row.school,
            statuses.get(row.status, row.status),
            _when(row.sent_at, tz),
            _when(row.acknowledged_at, tz),
        ]
        for row in rows
    ]


def fitted_widths(header: Sequence[str], table: Sequence[Sequence[str]]) -> list[int]:
    """Each column as wide as its longest cell (a little air), within sensible bounds."""
    widths: list[int] = []
    for index, title in enumerate(header):
        longest = max([len(title), *(len(r[index]) for r in table)])
        widths.append(min(max(longest + 2, WIDTH_MIN), WIDTH_MAX))
    return widths


def report_xlsx(
    rows: Sequence[ReportRow],
    tz: ZoneInfo,
    header: Sequence[str],
    statuses: Mapping[str, str],
) -> bytes:
    """The workbook: a frozen header row, then one row per recipient, widths fitted."""
    table = report_table(rows, tz, statuses)
    return write_xlsx(header, table, widths=fitted_widths(header, table))
