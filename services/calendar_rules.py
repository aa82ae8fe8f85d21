"""An event of a district calendar as read from a file, and the rules every reader checks.

The default calendar (:mod:`services.calendar_default`) and an uploaded table
(:mod:`services.calendar_import`) both fill a :class:`Draft`, check it with
:func:`check_draft` and turn it into an :class:`EventRow` with :func:`finish`. Problems
are codes (:class:`CalendarProblem`) with parameters; the bot renders them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from models import EventKind, limits
from services.tabular import RowError, normalize

CODE_MAX = limits.EVENT_CODE_MAX
TITLE_MAX = limits.EVENT_TITLE_MAX
PLACE_MAX = limits.EVENT_PLACE_MAX
LINK_MAX = limits.EVENT_LINK_MAX
DESCRIPTION_MAX = limits.EVENT_DESCRIPTION_MAX

RECURRENCE_YEARLY = "yearly"
RECURRENCE_NONE = "none"
RECURRENCES = frozenset({RECURRENCE_YEARLY, RECURRENCE_NONE})
DEADLINE_DEFAULT_TIME = time(23, 59)  # a deadline given as a date alone

_CODE = re.compile(r"[a-z0-9][a-z0-9_\-]*")

_KIND_WORDS: dict[str, EventKind] = {
    "мероприятие": EventKind.ACTIVITY,
    "семинар": EventKind.SEMINAR,
    "семинар-совещание": EventKind.SEMINAR,
    "конкурс": EventKind.CONTEST_DEADLINE,
    "срок конкурса": EventKind.CONTEST_DEADLINE,
    "мониторинг": EventKind.MONITORING,
    **{kind.value.replace("_", " "): kind for kind in EventKind},
}


class CalendarProblem(StrEnum):
    """A problem in a row of a table or in an event of the default calendar (params noted)."""

    CONTROL_CHARACTER = "control_character"
    EXTRA_COLUMNS = "extra_columns"  # columns
    CODE_MISSING = "code_missing"
    CODE_INVALID = "code_invalid"
    CODE_TOO_LONG = "code_too_long"  # length, limit
    CODE_DUPLICATE = "code_duplicate"  # first (row or event number)
    ACTIVITY_NOT_NUMBER = "activity_not_number"
    ACTIVITY_UNKNOWN = "activity_unknown"  # number
    TITLE_MISSING = "title_missing"
    TITLE_TOO_LONG = "title_too_long"  # length, limit
    KIND_MISSING = "kind_missing"
    KIND_UNKNOWN = "kind_unknown"
    DATE_MISSING = "date_missing"  # field: starts_on, ends_on or deadline
    DATE_INVALID = "date_invalid"  # field
    DEADLINE_INVALID = "deadline_invalid"
    DEADLINE_WITH_OFFSET = "deadline_with_offset"
    END_BEFORE_START = "end_before_start"
    DEADLINE_BEFORE_START = "deadline_before_start"
    PLACE_TOO_LONG = "place_too_long"  # length, limit
    LINK_INVALID = "link_invalid"
    LINK_TOO_LONG = "link_too_long"  # length, limit
    DESCRIPTION_TOO_LONG = "description_too_long"  # length, limit
    YEARLY_INVALID = "yearly_invalid"
    # only in the default calendar file (TOML)
    FIELD_UNKNOWN = "field_unknown"  # field
    FIELD_WRONG_TYPE = "field_wrong_type"  # field, expected (an Expected)
    NOT_TABLE = "not_table"
    RECURRENCE_INVALID = "recurrence_invalid"


class Expected(StrEnum):
    """What a field of the default calendar file must hold."""

    TEXT = "text"
    DATE = "date"
    DEADLINE = "deadline"
    NUMBER = "number"
    BOOL = "bool"


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of a calendar; dates and deadline in the district's local time."""

    line: int  # 1-based row number as shown by Excel (record number for .csv); 0 for TOML
    code: str | None
    activity_number: int | None
    title: str
    kind: EventKind
    starts_on: date
    ends_on: date
    deadline_local: datetime  # naive
    place: str = ""
    link: str = ""
    description: str = ""
    is_placeholder: bool = False
    recurrence: str = RECURRENCE_NONE  # RECURRENCE_YEARLY or RECURRENCE_NONE


@dataclass(slots=True)
class Draft:
    """An event being read; None where a value is missing or could not be read."""

    code: str | None = None
    activity_number: int | None = None
    title: str = ""
    kind: EventKind | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    deadline_local: datetime | None = None
    place: str = ""
    link: str = ""
    description: str = ""
    is_placeholder: bool = False
    recurrence: str = RECURRENCE_NONE


def local_to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive district-local time (e.g. :attr:`EventRow.deadline_local`) as aware UTC."""
    if local.tzinfo is not None:
        raise ValueError("expected a naive local datetime")
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def parse_kind(value: str) -> EventKind | None:
    key = normalize(value.casefold().replace("ё", "е").replace("_", " ")).rstrip(".")
    return _KIND_WORDS.get(key)


def _is_url(value: str) -> bool:
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(host) and "." in (host or "")


def _too_long(line: int, code: CalendarProblem, value: str, limit: int) -> list[RowError]:
    if len(value) > limit:
        return [RowError(line, code, {"length": len(value), "limit": limit})]
    return []


def check_draft(
    draft: Draft,
    line: int,
    known_activities: Collection[int] | None,
    codes_seen: dict[str, int],
) -> list[RowError]:
    """Rules on values that were read; remembers the code in ``codes_seen`` under ``line``.

    ``line``: the row of a table, or the number of an event in the default calendar.
    """
    problems: list[RowError] = []
    if draft.code is not None:
        if len(draft.code) > CODE_MAX:
            problems += _too_long(line, CalendarProblem.CODE_TOO_LONG, draft.code, CODE_MAX)
        elif not _CODE.fullmatch(draft.code):
            problems.append(RowError(line, CalendarProblem.CODE_INVALID))
        first = codes_seen.setdefault(draft.code, line)
        if first != line:
            problems.append(RowError(line, CalendarProblem.CODE_DUPLICATE, {"first": first}))
    number = draft.activity_number
    if number is not None and (
        number < 1 if known_activities is None else number not in known_activities
    ):
        problems.append(RowError(line, CalendarProblem.ACTIVITY_UNKNOWN, {"number": number}))
    if not draft.title:
        problems.append(RowError(line, CalendarProblem.TITLE_MISSING))
    problems += _too_long(line, CalendarProblem.TITLE_TOO_LONG, draft.title, TITLE_MAX)
    if draft.starts_on is not None:
        if draft.ends_on is not None and draft.ends_on < draft.starts_on:
            problems.append(RowError(line, CalendarProblem.END_BEFORE_START))
        if draft.deadline_local is not None and draft.deadline_local.date() < draft.starts_on:
            problems.append(RowError(line, CalendarProblem.DEADLINE_BEFORE_START))
    problems += _too_long(line, CalendarProblem.PLACE_TOO_LONG, draft.place, PLACE_MAX)
    if draft.link:
        if len(draft.link) > LINK_MAX:
            problems += _too_long(line, CalendarProblem.LINK_TOO_LONG, draft.link, LINK_MAX)
        elif not _is_url(draft.link):
            problems.append(RowError(line, CalendarProblem.LINK_INVALID))
    problems += _too_long(
        line, CalendarProblem.DESCRIPTION_TOO_LONG, draft.description, DESCRIPTION_MAX
    )
    return problems


def finish(draft: Draft, line: int) -> EventRow | None:
    """The row, once every required value is there (None otherwise)."""
    if (
        draft.kind is None
        or draft.starts_on is None
        or draft.ends_on is None
        or draft.deadline_local is None
    ):
        return None
    return EventRow(
        line=line,
        code=draft.code,
        activity_number=draft.activity_number,
        title=draft.title,
        kind=draft.kind,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        deadline_local=draft.deadline_local,
        place=draft.place,
        link=draft.link,
        description=draft.description,
        is_placeholder=draft.is_placeholder,
        recurrence=draft.recurrence,
    )
