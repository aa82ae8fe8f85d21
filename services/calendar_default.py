"""The default calendar of events shipped with the bot (``data/calendar_2026_27.toml``).

:func:`read_default_calendar` reads it and checks every event by the same rules as an
uploaded table (:mod:`services.calendar_rules`); unlike a table, each event needs a
``code`` and a ``deadline``. All problems are listed in one :class:`CalendarFileError`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from services.calendar_rules import (
    DEADLINE_DEFAULT_TIME,
    RECURRENCE_NONE,
    RECURRENCES,
    CalendarProblem,
    Draft,
    EventRow,
    Expected,
    check_draft,
    finish,
    parse_kind,
)
from services.tabular import RowError, has_control, normalize

_FIELDS = frozenset(
    {
        "code",
        "activity",
        "title",
        "kind",
        "starts_on",
        "ends_on",
        "deadline",
        "placeholder",
        "recurrence",
        "place",
        "link",
        "description",
    }
)


class CalendarFileProblem(StrEnum):
    NOT_FOUND = "not_found"
    BAD_TOML = "bad_toml"  # params: error
    NO_EVENTS = "no_events"
    PROBLEMS = "problems"  # see CalendarFileError.problems


@dataclass(frozen=True, slots=True)
class EventProblem:
    """A problem of one event of the file: a :class:`CalendarProblem` and its parameters."""

    index: int  # number of the [[events]] table, from 1
    event_code: str | None  # the event's code when it has one, to tell the event
    code: CalendarProblem
    params: Mapping[str, object] = field(default_factory=dict)


class CalendarFileError(Exception):
    """The default calendar file is unreadable or has problems."""

    def __init__(
        self,
        path: Path,
        code: CalendarFileProblem,
        params: Mapping[str, object] | None = None,
        problems: Sequence[EventProblem] = (),
    ) -> None:
        listed = "; ".join(f"event {p.index}: {p.code} {dict(p.params)}" for p in problems)
        super().__init__(f"{path}: {code} {listed}".rstrip())
        self.path = path
        self.code = code
        self.params: Mapping[str, object] = params or {}
        self.problems = list(problems)


def read_default_calendar(
    path: Path, *, known_activities: Collection[int] | None = None
) -> list[EventRow]:
    """Read the default calendar; every problem is listed in one :class:`CalendarFileError`.

    ``known_activities``: roadmap numbers an event may refer to (any positive number if
    None).
    """
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CalendarFileError(path, CalendarFileProblem.NOT_FOUND) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarFileError(path, CalendarFileProblem.BAD_TOML, {"error": str(exc)}) from exc
    items = raw.get("events")
    if not isinstance(items, list) or not items:
        raise CalendarFileError(path, CalendarFileProblem.NO_EVENTS)

    codes_seen: dict[str, int] = {}
    rows: list[EventRow] = []
    problems: list[EventProblem] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(EventProblem(index, None, CalendarProblem.NOT_TABLE))
            continue
        draft, item_problems = _draft_from_toml(index, item)
        item_problems += check_draft(draft, index, known_activities, codes_seen)
        row = finish(draft, line=0)
        if item_problems or row is None:
            event_code = _event_code(item)
            problems += (
                EventProblem(index, event_code, CalendarProblem(p.code), p.params)
                for p in item_problems
            )
        else:
            rows.append(row)
    if problems:
        raise CalendarFileError(path, CalendarFileProblem.PROBLEMS, problems=problems)
    return rows


def _event_code(item: Mapping[str, Any]) -> str | None:
    code = item.get("code")
    if isinstance(code, str) and code.strip():
        return code.strip()
    return None


def _draft_from_toml(index: int, item: Mapping[str, Any]) -> tuple[Draft, list[RowError]]:
    problems = [
        RowError(index, CalendarProblem.FIELD_UNKNOWN, {"field": key})
        for key in item
        if key not in _FIELDS
    ]
    control = False

    def wrong(name: str, expected: Expected) -> None:
        problems.append(
            RowError(
                index, CalendarProblem.FIELD_WRONG_TYPE, {"field": name, "expected": expected}
            )
        )

    def text(name: str) -> str:
        nonlocal control
        value = item.get(name, "")
        if not isinstance(value, str):
            wrong(name, Expected.TEXT)
            return ""
        control = control or has_control(value)
        return normalize(value)

    def day(name: str) -> date | None:
        value = item.get(name)
        if value is None:
            problems.append(RowError(index, CalendarProblem.DATE_MISSING, {"field": name}))
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            wrong(name, Expected.DATE)
            return None
        return value

    draft = Draft()
    code = text("code")
    if code:
        draft.code = code
    elif "code" not in item or isinstance(item["code"], str):
        problems.append(RowError(index, CalendarProblem.CODE_MISSING))

    activity = item.get("activity")
    if activity is not None:
        if isinstance(activity, bool) or not isinstance(activity, int):
            wrong("activity", Expected.NUMBER)
        else:
            draft.activity_number = activity

    draft.title = text("title")
    kind = text("kind")
    if not kind:
        problems.append(RowError(index, CalendarProblem.KIND_MISSING))
    else:
        draft.kind = parse_kind(kind)
        if draft.kind is None:
            problems.append(RowError(index, CalendarProblem.KIND_UNKNOWN))

    draft.starts_on = day("starts_on")
    draft.ends_on = day("ends_on")

    deadline = item.get("deadline")
    if deadline is None:
        problems.append(RowError(index, CalendarProblem.DATE_MISSING, {"field": "deadline"}))
    elif isinstance(deadline, datetime):
        if deadline.tzinfo is not None:
            problems.append(RowError(index, CalendarProblem.DEADLINE_WITH_OFFSET))
        else:
            draft.deadline_local = deadline
    elif isinstance(deadline, date):
        draft.deadline_local = datetime.combine(deadline, DEADLINE_DEFAULT_TIME)
    else:
        wrong("deadline", Expected.DEADLINE)

    placeholder = item.get("placeholder", False)
    if isinstance(placeholder, bool):
        draft.is_placeholder = placeholder
    else:
        wrong("placeholder", Expected.BOOL)

    recurrence = text("recurrence") or RECURRENCE_NONE
    if recurrence in RECURRENCES:
        draft.recurrence = recurrence
    elif isinstance(item.get("recurrence"), str):
        problems.append(RowError(index, CalendarProblem.RECURRENCE_INVALID))

    draft.place = text("place")
    draft.link = text("link")
    draft.description = text("description")
    if control:
        problems.append(RowError(index, CalendarProblem.CONTROL_CHARACTER))
    return draft, problems
