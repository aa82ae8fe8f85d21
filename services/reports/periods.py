"""The periods a report is asked for, as local date ranges (both ends included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.events import school_year_bounds

LAST_DAYS = 30


class PeriodKind(StrEnum):
    """The values stay as first sent: they are carried by buttons already in chats."""

    SCHOOL_YEAR = "y"  # 1 September to 31 August, the year containing today
    LAST_SCHOOL_YEAR = "ly"
    QUARTER = "q"  # the calendar quarter containing today
    LAST_30_DAYS = "30"  # today and the 29 days before it


@dataclass(frozen=True, slots=True)
class Period:
    starts: date
    ends: date

    def __post_init__(self) -> None:
        if self.ends < self.starts:
            raise ValueError("a period ends before it starts")


def period_of(kind: PeriodKind, today: date) -> Period:
    """The dates of ``kind`` as seen on ``today`` (the district's local date)."""
    if kind is PeriodKind.SCHOOL_YEAR:
        starts, ends, _label = school_year_bounds(today)
        return Period(starts, ends)
    if kind is PeriodKind.LAST_SCHOOL_YEAR:
        starts, _ends, _label = school_year_bounds(today)
        previous, ends, _label = school_year_bounds(starts - timedelta(days=1))
        return Period(previous, ends)
    if kind is PeriodKind.QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        starts = date(today.year, first_month, 1)
        following = (
            date(today.year + 1, 1, 1)
            if first_month == 10
            else date(today.year, first_month + 3, 1)
        )
        return Period(starts, following - timedelta(days=1))
    return Period(today - timedelta(days=LAST_DAYS - 1), today)
