"""Local (district) time versus stored UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall time in the district's zone to an aware UTC datetime."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=tz).astimezone(UTC)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def fmt_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def fmt_local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")
