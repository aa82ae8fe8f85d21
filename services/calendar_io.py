"""The district calendar of events: the default calendar file, uploaded tables and .ics export.

* :func:`read_default_calendar` reads the default calendar (``data/calendar_2026_27.toml``)
  and raises :class:`CalendarFileError` listing every problem.
* :func:`parse_calendar_file` reads a table (.xlsx or .csv) a coordinator uploads to replace
  the district's calendar. Columns, in this order: код (optional), № мероприятия дорожной
  карты (optional), название, вид, начало, окончание (empty: the start date), срок сдачи
  (empty: the end date at 23:59), место, ссылка, описание, ежегодно (да/нет, optional). An
  optional header row is skipped, blank rows are ignored, all problems are collected; if
  there is any, the caller imports nothing and shows :func:`format_errors` to the user.
* :func:`build_ics` writes events as an iCalendar file for calendar apps.

Both readers check the same rules and give :class:`EventRow` objects whose dates and
deadline are in the district's local time (convert with :func:`local_to_utc`). Pure and
synchronous (no aiogram, no database): call it via ``asyncio.to_thread`` for big files.
The caller checks the file size before calling.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar
from icalendar import Event as IcalEvent
from openpyxl import load_workbook

from bot.texts import calendar_io as texts
from models import EventKind
from services.school_import import RowError, format_errors
from services.tabular import UndecodableText, decode_text, has_control, normalize

__all__ = [
    "CALENDAR_TEMPLATE_CSV",
    "CALENDAR_TEMPLATE_CSV_FILE_NAME",
    "CODE_MAX",
    "DEADLINE_DEFAULT_TIME",
    "DESCRIPTION_MAX",
    "LINK_MAX",
    "MAX_DATA_ROWS",
    "PLACE_MAX",
    "RECURRENCE_NONE",
    "RECURRENCE_YEARLY",
    "TITLE_MAX",
    "CalendarFileError",
    "CalendarImportResult",
    "EventRow",
    "IcsEvent",
    "RowError",
    "build_ics",
    "format_errors",
    "local_to_utc",
    "parse_calendar_file",
    "read_default_calendar",
]

MAX_DATA_ROWS = 500
CODE_MAX = 64  # same limits as the columns of models.Event
TITLE_MAX = 255
PLACE_MAX = 255
LINK_MAX = 500
DESCRIPTION_MAX = 1000

RECURRENCE_YEARLY = "yearly"
RECURRENCE_NONE = "none"
DEADLINE_DEFAULT_TIME = time(23, 59)  # a deadline given as a date alone

ICS_DEADLINE_DURATION = timedelta(minutes=30)
ICS_ALARM_BEFORE = timedelta(days=1)
ICS_UID_DOMAIN = "shibc"
ICS_PRODID = "-//shibc-bot//School library centres calendar//RU"

_COLUMNS = 11
(
    _COL_CODE,
    _COL_ACTIVITY,
    _COL_TITLE,
    _COL_KIND,
    _COL_STARTS_ON,
    _COL_ENDS_ON,
    _COL_DEADLINE,
    _COL_PLACE,
    _COL_LINK,
    _COL_DESCRIPTION,
    _COL_YEARLY,
) = range(_COLUMNS)
_MIN_FIELDS = _COL_DEADLINE  # a data row has at least the columns up to "окончание"

_ZIP_MAGIC = b"PK\x03\x04"
# Tried in this order; on a tie the earlier one wins (";" is what Russian Excel writes).
_DELIMITERS = (";", "\t", ",")
_SNIFF_RECORDS = 200
_HEADER_STEMS = ("код", "назван", "начал", "окончан", "срок", "code", "title", "start")

_YEAR_MIN = 2000
_YEAR_MAX = 2100
_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_TIME = re.compile(
    r"(?P<date>[\d.\-]+)(?:(?:\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
)
_CODE = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_ACTIVITY = re.compile(r"(?:№\s*)?(\d{1,6})")

_KIND_WORDS: dict[str, EventKind] = {
    "мероприятие": EventKind.ACTIVITY,
    "семинар": EventKind.SEMINAR,
    "семинар-совещание": EventKind.SEMINAR,
    "конкурс": EventKind.CONTEST_DEADLINE,
    "срок конкурса": EventKind.CONTEST_DEADLINE,
    "мониторинг": EventKind.MONITORING,
    **{kind.value.replace("_", " "): kind for kind in EventKind},
}
_YES = frozenset({"да", "д", "yes", "y", "true", "истина", "1", "+"})
_NO = frozenset({"нет", "н", "no", "n", "false", "ложь", "0", "-"})
_RECURRENCES = frozenset({RECURRENCE_YEARLY, RECURRENCE_NONE})

_TOML_FIELDS = frozenset(
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


class CalendarFileError(Exception):
    """The default calendar file is unreadable or has problems; ``message`` lists them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


@dataclass(frozen=True, slots=True)
class CalendarImportResult:
    rows: list[EventRow]  # only rows without errors, in file order
    errors: list[RowError]  # in file order; line 0 = the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True, slots=True)
class IcsEvent:
    uid: str  # stable; becomes "<uid>@shibc" and "<uid>-deadline@shibc"
    title: str
    description: str
    starts_on: date
    ends_on: date
    deadline_utc: datetime  # aware
    place: str = ""
    link: str = ""


def local_to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive district-local time (e.g. :attr:`EventRow.deadline_local`) as aware UTC."""
    if local.tzinfo is not None:
        raise ValueError("expected a naive local datetime")
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


# --- the sample file ---


def _build_template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(texts.TEMPLATE_HEADER)
    writer.writerows(texts.TEMPLATE_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")


CALENDAR_TEMPLATE_CSV: bytes = _build_template_csv()
CALENDAR_TEMPLATE_CSV_FILE_NAME = "calendar_template.csv"


# --- checks shared by both readers ---

_Cell = str | date  # text, or a real date / datetime from an Excel cell


@dataclass(slots=True)
class _Draft:
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


@dataclass(frozen=True, slots=True)
class _CodeRegistry:
    """Codes already seen (key -> first line or event number) and the duplicate message."""

    seen: dict[str, int]
    duplicate: str


def _normalize(value: str) -> str:
    return normalize(value)


def _has_control(value: str) -> bool:
    return has_control(value)


def _too_long(where: str, template: str, value: str, limit: int) -> list[str]:
    if len(value) > limit:
        return [template.format(where=where, length=len(value), limit=limit)]
    return []


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


def _parse_kind(value: str) -> EventKind | None:
    key = _normalize(value.casefold().replace("ё", "е").replace("_", " ")).rstrip(".")
    return _KIND_WORDS.get(key)


def _check_draft(
    draft: _Draft,
    where: str,
    ref: int,
    known_activities: Collection[int] | None,
    codes: _CodeRegistry,
) -> list[str]:
    """Rules on values that were read; remembers the code in ``codes`` under ``ref``."""
    problems: list[str] = []
    if draft.code is not None:
        if len(draft.code) > CODE_MAX:
            problems += _too_long(where, texts.ROW_CODE_TOO_LONG, draft.code, CODE_MAX)
        elif not _CODE.fullmatch(draft.code):
            problems.append(texts.ROW_CODE_INVALID.format(where=where))
        first = codes.seen.setdefault(draft.code, ref)
        if first != ref:
            problems.append(codes.duplicate.format(where=where, first=first))
    number = draft.activity_number
    if number is not None and (
        number < 1 if known_activities is None else number not in known_activities
    ):
        problems.append(texts.ROW_ACTIVITY_UNKNOWN.format(where=where, number=number))
    if not draft.title:
        problems.append(texts.ROW_TITLE_MISSING.format(where=where))
    problems += _too_long(where, texts.ROW_TITLE_TOO_LONG, draft.title, TITLE_MAX)
    if draft.starts_on is not None:
        if draft.ends_on is not None and draft.ends_on < draft.starts_on:
            problems.append(texts.ROW_END_BEFORE_START.format(where=where))
        if draft.deadline_local is not None and draft.deadline_local.date() < draft.starts_on:
            problems.append(texts.ROW_DEADLINE_BEFORE_START.format(where=where))
    problems += _too_long(where, texts.ROW_PLACE_TOO_LONG, draft.place, PLACE_MAX)
    if draft.link:
        if len(draft.link) > LINK_MAX:
            problems += _too_long(where, texts.ROW_LINK_TOO_LONG, draft.link, LINK_MAX)
        elif not _is_url(draft.link):
            problems.append(texts.ROW_LINK_INVALID.format(where=where))
    problems += _too_long(
        where, texts.ROW_DESCRIPTION_TOO_LONG, draft.description, DESCRIPTION_MAX
    )
    return problems


def _finish(draft: _Draft, line: int) -> EventRow | None:
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


# --- the default calendar file (TOML) ---


def read_default_calendar(
    path: Path, *, known_activities: Collection[int] | None = None
) -> list[EventRow]:
    """Read the default calendar; every problem is listed in one :class:`CalendarFileError`.

    ``known_activities``: roadmap numbers an event may refer to (any positive number if
    None). Unlike an uploaded table, each event needs a ``code`` and a ``deadline``.
    """
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CalendarFileError(texts.CALENDAR_FILE_NOT_FOUND.format(file=path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(
            texts.CALENDAR_FILE_BAD_TOML.format(file=path.name, error=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(
            texts.CALENDAR_FILE_BAD_TOML.format(file=path.name, error=exc)
        ) from exc
    items = raw.get("events")
    if not isinstance(items, list) or not items:
        raise CalendarFileError(texts.CALENDAR_FILE_NO_EVENTS.format(file=path.name))

    codes = _CodeRegistry(seen={}, duplicate=texts.EVENT_CODE_DUPLICATE)
    rows: list[EventRow] = []
    problems: list[str] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            where = texts.WHERE_EVENT.format(index=index)
            problems.append(texts.EVENT_NOT_TABLE.format(where=where))
            continue
        draft, item_problems = _draft_from_toml(index, item)
        where = _where_event(index, item)
        item_problems += _check_draft(draft, where, index, known_activities, codes)
        row = _finish(draft, line=0)
        if item_problems or row is None:
            problems += item_problems
        else:
            rows.append(row)
    if problems:
        raise CalendarFileError(
            texts.CALENDAR_FILE_PROBLEMS.format(file=path.name, problems="\n".join(problems))
        )
    return rows


def _where_event(index: int, item: Mapping[str, Any]) -> str:
    code = item.get("code")
    if isinstance(code, str) and code.strip():
        return texts.WHERE_EVENT_CODE.format(index=index, code=code.strip())
    return texts.WHERE_EVENT.format(index=index)


def _draft_from_toml(index: int, item: Mapping[str, Any]) -> tuple[_Draft, list[str]]:
    where = _where_event(index, item)
    problems = [
        texts.EVENT_FIELD_UNKNOWN.format(where=where, field=key)
        for key in item
        if key not in _TOML_FIELDS
    ]
    has_control = False

    def wrong(field: str, expected: str) -> None:
        problems.append(
            texts.EVENT_FIELD_WRONG_TYPE.format(where=where, field=field, expected=expected)
        )

    def text(field: str) -> str:
        nonlocal has_control
        value = item.get(field, "")
        if not isinstance(value, str):
            wrong(field, texts.EXPECTED_TEXT)
            return ""
        has_control = has_control or _has_control(value)
        return _normalize(value)

    def day(field: str) -> date | None:
        value = item.get(field)
        if value is None:
            problems.append(texts.ROW_DATE_MISSING.format(where=where, column=field))
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            wrong(field, texts.EXPECTED_DATE)
            return None
        return value

    draft = _Draft()
    code = text("code")
    if code:
        draft.code = code
    elif "code" not in item or isinstance(item["code"], str):
        problems.append(texts.ROW_CODE_MISSING.format(where=where))

    activity = item.get("activity")
    if activity is not None:
        if isinstance(activity, bool) or not isinstance(activity, int):
            wrong("activity", texts.EXPECTED_NUMBER)
        else:
            draft.activity_number = activity

    draft.title = text("title")
    kind = text("kind")
    if not kind:
        problems.append(texts.ROW_KIND_MISSING.format(where=where))
    else:
        draft.kind = _parse_kind(kind)
        if draft.kind is None:
            problems.append(texts.ROW_KIND_UNKNOWN.format(where=where))

    draft.starts_on = day("starts_on")
    draft.ends_on = day("ends_on")

    deadline = item.get("deadline")
    if deadline is None:
        problems.append(texts.ROW_DATE_MISSING.format(where=where, column="deadline"))
    elif isinstance(deadline, datetime):
        if deadline.tzinfo is not None:
            problems.append(texts.ROW_DEADLINE_WITH_OFFSET.format(where=where))
        else:
            draft.deadline_local = deadline
    elif isinstance(deadline, date):
        draft.deadline_local = datetime.combine(deadline, DEADLINE_DEFAULT_TIME)
    else:
        wrong("deadline", texts.EXPECTED_DEADLINE)

    placeholder = item.get("placeholder", False)
    if isinstance(placeholder, bool):
        draft.is_placeholder = placeholder
    else:
        wrong("placeholder", texts.EXPECTED_BOOL)

    recurrence = text("recurrence") or RECURRENCE_NONE
    if recurrence in _RECURRENCES:
        draft.recurrence = recurrence
    elif isinstance(item.get("recurrence"), str):
        problems.append(texts.EVENT_RECURRENCE_INVALID.format(where=where))

    draft.place = text("place")
    draft.link = text("link")
    draft.description = text("description")
    if has_control:
        problems.append(texts.ROW_CONTROL_CHARACTER.format(where=where))
    return draft, problems


# --- an uploaded table (.csv / .xlsx) ---


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    cells: list[_Cell]  # text normalized
    has_control: bool


class _FileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_calendar_file(
    file_name: str, content: bytes, *, known_activities: Collection[int]
) -> CalendarImportResult:
    """Read ``content`` (format chosen by the extension of ``file_name``) and check it.

    ``known_activities``: numbers of the roadmap activities (column 2 must be one of them).
    """
    suffix = PurePath(file_name.strip()).suffix.lower()
    try:
        if suffix == ".xlsx" or (suffix == ".csv" and content.startswith(_ZIP_MAGIC)):
            records = _read_xlsx(content)  # a renamed Excel file is read as Excel
        elif suffix == ".csv":
            records = _read_csv(content)
        elif suffix == ".xls":
            raise _FileError(texts.FILE_OLD_XLS)
        else:
            raise _FileError(texts.FILE_WRONG_FORMAT)
    except _FileError as exc:
        return _file_error(exc.message)
    return _check_records(records, known_activities)


def _file_error(message: str) -> CalendarImportResult:
    return CalendarImportResult(rows=[], errors=[RowError(line=0, message=message)])


def _make_record(line: int, raw_cells: Iterable[_Cell]) -> _Record | None:
    """None for a blank row."""
    raw = list(raw_cells)
    cells: list[_Cell] = [_normalize(c) if isinstance(c, str) else c for c in raw]
    if not any(cells):
        return None
    has_control = any(isinstance(c, str) and _has_control(c) for c in raw)
    return _Record(line=line, cells=cells, has_control=has_control)


def _read_xlsx(content: bytes) -> list[_Record]:
    records: list[_Record] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise _FileError(texts.FILE_BROKEN_XLSX) from exc
    try:
        if not workbook.worksheets:
            return records
        sheet = workbook.worksheets[0]
        # The stored dimension may be wrong (files written by other programs): read all rows.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        for line, values in enumerate(rows, start=1):
            record = _make_record(line, [_xlsx_cell(value) for value in values])
            if record is not None:
                records.append(record)
                if len(records) > MAX_DATA_ROWS + 1:  # +1: a header row
                    break
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise _FileError(texts.FILE_BROKEN_XLSX) from exc
    finally:
        workbook.close()
    return records


def _xlsx_cell(value: object) -> _Cell:
    """Text of a cell; a real date (or date and time) cell stays a date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # datetime too
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _decode(content: bytes) -> str:
    try:
        return decode_text(content)
    except UndecodableText as exc:
        raise _FileError(texts.FILE_BAD_TEXT) from exc


def _read_csv(content: bytes) -> list[_Record]:
    text = _decode(content)
    delimiter = _detect_delimiter(text)
    records: list[_Record] = []
    try:
        # Records are numbered like Excel rows (a quoted cell may span several lines).
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for line, cells in enumerate(reader, start=1):
            record = _make_record(line, cells)
            if record is not None:
                records.append(record)
                if len(records) > MAX_DATA_ROWS + 1:  # +1: a header row
                    break
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
        raise _FileError(texts.FILE_BAD_TEXT) from exc
    return records


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter that splits most non-blank rows into a calendar's column count.

    csv.Sniffer is not used: commas inside titles and descriptions confuse it.
    """
    best, best_score = _DELIMITERS[0], -1
    for delimiter in _DELIMITERS:
        score = 0
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for number, cells in enumerate(reader):
                if number >= _SNIFF_RECORDS:
                    break
                if _MIN_FIELDS <= len(cells) <= _COLUMNS:
                    score += 1
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _looks_like_header(cells: Sequence[_Cell]) -> bool:
    """A header names the columns; a data row (even a wrong one) must be checked, not skipped."""
    dates = cells[_COL_STARTS_ON:_COL_PLACE]
    if any(isinstance(c, date) or any(ch.isdigit() for ch in c) for c in dates):
        return False
    kind = cells[_COL_KIND] if len(cells) > _COL_KIND else ""
    if isinstance(kind, str) and _parse_kind(kind) is not None:
        return False
    filled = [c.casefold() for c in cells if isinstance(c, str) and c]
    return any(stem in cell for cell in filled for stem in _HEADER_STEMS)


def _check_records(
    records: list[_Record], known_activities: Collection[int]
) -> CalendarImportResult:
    if records and _looks_like_header(records[0].cells):
        records = records[1:]
    if not records:
        return _file_error(texts.FILE_EMPTY)
    if len(records) > MAX_DATA_ROWS:
        return _file_error(texts.FILE_TOO_MANY_ROWS.format(limit=MAX_DATA_ROWS))

    codes = _CodeRegistry(seen={}, duplicate=texts.ROW_CODE_DUPLICATE)
    rows: list[EventRow] = []
    errors: list[RowError] = []
    for record in records:
        line = record.line
        where = texts.WHERE_ROW.format(line=line)
        problems: list[str] = []
        if record.has_control:
            problems.append(texts.ROW_CONTROL_CHARACTER.format(where=where))
        if any(record.cells[_COLUMNS:]):
            problems.append(texts.ROW_EXTRA_COLUMNS.format(where=where, columns=_COLUMNS))
        cells: list[_Cell] = [*record.cells[:_COLUMNS], *[""] * (_COLUMNS - len(record.cells))]
        draft, cell_problems = _draft_from_cells(where, cells)
        problems += cell_problems
        problems += _check_draft(draft, where, line, known_activities, codes)
        row = _finish(draft, line)
        if problems or row is None:
            errors.extend(RowError(line=line, message=message) for message in problems)
        else:
            rows.append(row)
    return CalendarImportResult(rows=rows, errors=errors)


def _text(cell: _Cell) -> str:
    if isinstance(cell, datetime):
        return cell.strftime("%d.%m.%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d.%m.%Y")
    return cell


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:  # 31.02.2027
        return None
    return value if _YEAR_MIN <= value.year <= _YEAR_MAX else None


def _parse_date(value: str) -> date | None:
    if match := _DATE_RU.fullmatch(value):
        return _make_date(match[3], match[2], match[1])
    if match := _DATE_ISO.fullmatch(value):
        return _make_date(match[1], match[2], match[3])
    return None


def _parse_deadline(value: str) -> datetime | None:
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        return None
    day = _parse_date(match["date"])
    if day is None:
        return None
    if match["h"] is None:
        return datetime.combine(day, DEADLINE_DEFAULT_TIME)
    try:
        moment = time(int(match["h"]), int(match["m"]), int(match["s"] or 0))
    except ValueError:  # 25:00
        return None
    return datetime.combine(day, moment)


def _cell_date(cell: _Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return _parse_date(cell)


def _cell_deadline(cell: _Cell) -> datetime | None:
    if isinstance(cell, datetime):
        # Excel keeps a date alone as midnight: that means "by the end of the day".
        if cell.time() == time():
            return datetime.combine(cell.date(), DEADLINE_DEFAULT_TIME)
        return cell.replace(tzinfo=None)
    if isinstance(cell, date):
        return datetime.combine(cell, DEADLINE_DEFAULT_TIME)
    return _parse_deadline(cell)


def _draft_from_cells(where: str, cells: Sequence[_Cell]) -> tuple[_Draft, list[str]]:
    problems: list[str] = []
    draft = _Draft()

    code = _text(cells[_COL_CODE])
    if code:
        draft.code = code.lower()

    activity = _text(cells[_COL_ACTIVITY])
    if activity:
        if match := _ACTIVITY.fullmatch(activity):
            draft.activity_number = int(match[1])
        else:
            problems.append(texts.ROW_ACTIVITY_NOT_NUMBER.format(where=where))

    draft.title = _text(cells[_COL_TITLE])

    kind = _text(cells[_COL_KIND])
    if not kind:
        problems.append(texts.ROW_KIND_MISSING.format(where=where))
    else:
        draft.kind = _parse_kind(kind)
        if draft.kind is None:
            problems.append(texts.ROW_KIND_UNKNOWN.format(where=where))

    def read_date(cell: _Cell, column: str) -> date | None:
        value = _cell_date(cell)
        if value is None:
            problems.append(texts.ROW_DATE_INVALID.format(where=where, column=column))
        return value

    start_cell, end_cell = cells[_COL_STARTS_ON], cells[_COL_ENDS_ON]
    if start_cell:
        draft.starts_on = read_date(start_cell, texts.COLUMN_STARTS_ON)
    else:
        problems.append(texts.ROW_DATE_MISSING.format(where=where, column=texts.COLUMN_STARTS_ON))
    if end_cell:
        draft.ends_on = read_date(end_cell, texts.COLUMN_ENDS_ON)
    elif start_cell:
        draft.ends_on = draft.starts_on  # a one-day event

    deadline_cell = cells[_COL_DEADLINE]
    if deadline_cell:
        draft.deadline_local = _cell_deadline(deadline_cell)
        if draft.deadline_local is None:
            problems.append(texts.ROW_DEADLINE_INVALID.format(where=where))
    elif draft.ends_on is not None:
        draft.deadline_local = datetime.combine(draft.ends_on, DEADLINE_DEFAULT_TIME)

    draft.place = _text(cells[_COL_PLACE])
    draft.link = _text(cells[_COL_LINK])
    draft.description = _text(cells[_COL_DESCRIPTION])

    yearly = _text(cells[_COL_YEARLY]).casefold().rstrip(".")
    if not yearly or yearly in _NO:
        draft.recurrence = RECURRENCE_NONE
    elif yearly in _YES:
        draft.recurrence = RECURRENCE_YEARLY
    else:
        problems.append(texts.ROW_YEARLY_INVALID.format(where=where))
    return draft, problems


# --- export to iCalendar ---


def build_ics(
    events: Sequence[IcsEvent], *, tz_name: str, calendar_name: str, now: datetime
) -> bytes:
    """An .ics file: per event an all-day period and a 30-minute deadline with a reminder.

    The deadline is written in ``tz_name`` local time (with its VTIMEZONE); ``now`` (aware)
    becomes every DTSTAMP, so the output depends only on the arguments.
    """
    if now.tzinfo is None or any(event.deadline_utc.tzinfo is None for event in events):
        raise ValueError("now and every deadline_utc must be timezone-aware")
    zone = ZoneInfo(tz_name)
    stamp = now.astimezone(UTC)

    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", tz_name)

    uids: set[str] = set()
    for event in events:
        if event.uid in uids:
            raise ValueError(f"duplicate uid {event.uid!r}")
        uids.add(event.uid)
        if event.ends_on < event.starts_on:
            raise ValueError(f"event {event.uid!r} ends before it starts")
        description = event.description
        if event.link:
            link_line = texts.ICS_LINK_LINE.format(link=event.link)
            description = f"{description}\n\n{link_line}" if description else link_line

        period = IcalEvent()
        period.add("uid", f"{event.uid}@{ICS_UID_DOMAIN}")
        period.add("dtstamp", stamp)
        period.add("summary", event.title)
        period.add("dtstart", event.starts_on)
        period.add("dtend", event.ends_on + timedelta(days=1))
        period.add("transp", "TRANSPARENT")
        _add_details(period, event, description)
        calendar.add_component(period)

        deadline = event.deadline_utc.astimezone(zone)
        summary = texts.ICS_DEADLINE_SUMMARY.format(title=event.title)
        deadline_event = IcalEvent()
        deadline_event.add("uid", f"{event.uid}-deadline@{ICS_UID_DOMAIN}")
        deadline_event.add("dtstamp", stamp)
        deadline_event.add("summary", summary)
        deadline_event.add("dtstart", deadline)
        deadline_event.add("dtend", deadline + ICS_DEADLINE_DURATION)
        _add_details(deadline_event, event, description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", texts.ICS_ALARM_DESCRIPTION.format(title=event.title))
        alarm.add("trigger", -ICS_ALARM_BEFORE)
        deadline_event.add_component(alarm)
        calendar.add_component(deadline_event)

    if events:
        first = min(min(e.starts_on, e.deadline_utc.date()) for e in events)
        last = max(max(e.ends_on, e.deadline_utc.date()) for e in events)
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = calendar.to_ical()
    return data


def _add_details(component: IcalEvent, event: IcsEvent, description: str) -> None:
    if description:
        component.add("description", description)
    if event.place:
        component.add("location", event.place)
    if event.link:
        component.add("url", event.link)
