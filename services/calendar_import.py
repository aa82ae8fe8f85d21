"""A calendar table (.xlsx or .csv) a coordinator uploads to replace the district's calendar.

Columns, in this order: код (optional), № мероприятия дорожной карты (optional), название,
вид, начало, окончание (empty: the start date), срок сдачи (empty: the end date at 23:59),
место, ссылка, описание, ежегодно (да/нет, optional). An optional header row is skipped,
blank rows are ignored, all problems are collected as codes with parameters
(:class:`RowError`); if there is any, the caller imports nothing and shows them, rendered by
the bot, to the user.

Pure and synchronous (no aiogram, no database): call it via ``asyncio.to_thread`` for big
files. The caller checks the file size before calling.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from services.calendar_rules import (
    DEADLINE_DEFAULT_TIME,
    RECURRENCE_NONE,
    RECURRENCE_YEARLY,
    CalendarProblem,
    Draft,
    EventRow,
    check_draft,
    finish,
    parse_kind,
)
from services.tabular import (
    Cell,
    FileProblem,
    RowError,
    TableRow,
    UnreadableTable,
    has_control,
    normalize,
    read_table,
)
from services.validation import YEAR_MAX, YEAR_MIN

MAX_DATA_ROWS = 500

COLUMNS = 11
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
) = range(COLUMNS)
_MIN_FIELDS = _COL_DEADLINE  # a data row has at least the columns up to "окончание"

_HEADER_STEMS = ("код", "назван", "начал", "окончан", "срок", "code", "title", "start")

_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_TIME = re.compile(
    r"(?P<date>[\d.\-]+)(?:(?:\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
)
_ACTIVITY = re.compile(r"(?:№\s*)?(\d{1,6})")
_YES = frozenset({"да", "д", "yes", "y", "true", "истина", "1", "+"})
_NO = frozenset({"нет", "н", "no", "n", "false", "ложь", "0", "-"})

# A cell as the checks see it: text (normalized), or a real date / datetime from Excel.
_Value = str | date


@dataclass(frozen=True, slots=True)
class CalendarImportResult:
    rows: list[EventRow]  # only rows without errors, in file order
    errors: list[RowError]  # in file order; line 0 = the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    cells: list[_Value]
    has_control: bool


def parse_calendar_file(
    file_name: str, content: bytes, *, known_activities: Collection[int]
) -> CalendarImportResult:
    """Read ``content`` (format chosen by the extension of ``file_name``) and check it.

    ``known_activities``: numbers of the roadmap activities (column 2 must be one of them).
    """
    try:
        # +2: a header row, and one more to tell that there are too many
        table = read_table(file_name, content, max_rows=MAX_DATA_ROWS + 2, fits=_fits)
    except UnreadableTable as exc:
        return _file_error(exc.code)
    return _check_records([_make_record(row) for row in table], known_activities)


def _file_error(code: FileProblem, **params: object) -> CalendarImportResult:
    return CalendarImportResult(rows=[], errors=[RowError(line=0, code=code, params=params)])


def _fits(cells: Sequence[str]) -> bool:
    return _MIN_FIELDS <= len(cells) <= COLUMNS


def _value(cell: Cell) -> _Value:
    """Normalized text of a cell; a real date (or date and time) cell stays a date."""
    if isinstance(cell, date):  # datetime too
        return cell
    if isinstance(cell, bool):
        text = "да" if cell else "нет"
    elif isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    elif isinstance(cell, time):
        text = cell.strftime("%H:%M")
    else:
        text = str(cell)
    return normalize(text)


def _make_record(row: TableRow) -> _Record:
    return _Record(
        line=row.line,
        cells=[_value(cell) for cell in row.cells],
        has_control=any(isinstance(c, str) and has_control(c) for c in row.cells),
    )


def _looks_like_header(cells: Sequence[_Value]) -> bool:
    """A header names the columns; a data row (even a wrong one) must be checked, not skipped."""
    dates = cells[_COL_STARTS_ON:_COL_PLACE]
    if any(isinstance(c, date) or any(ch.isdigit() for ch in c) for c in dates):
        return False
    kind = cells[_COL_KIND] if len(cells) > _COL_KIND else ""
    if isinstance(kind, str) and parse_kind(kind) is not None:
        return False
    filled = [c.casefold() for c in cells if isinstance(c, str) and c]
    return any(stem in cell for cell in filled for stem in _HEADER_STEMS)


def _check_records(
    records: list[_Record], known_activities: Collection[int]
) -> CalendarImportResult:
    if records and _looks_like_header(records[0].cells):
        records = records[1:]
    if not records:
        return _file_error(FileProblem.EMPTY)
    if len(records) > MAX_DATA_ROWS:
        return _file_error(FileProblem.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)

    codes_seen: dict[str, int] = {}
    rows: list[EventRow] = []
    errors: list[RowError] = []
    for record in records:
        line = record.line
        problems: list[RowError] = []
        if record.has_control:
            problems.append(RowError(line, CalendarProblem.CONTROL_CHARACTER))
        if any(record.cells[COLUMNS:]):
            problems.append(RowError(line, CalendarProblem.EXTRA_COLUMNS, {"columns": COLUMNS}))
        cells: list[_Value] = [*record.cells[:COLUMNS], *[""] * (COLUMNS - len(record.cells))]
        draft, cell_problems = _draft_from_cells(line, cells)
        problems += cell_problems
        problems += check_draft(draft, line, known_activities, codes_seen)
        row = finish(draft, line)
        if problems or row is None:
            errors.extend(problems)
        else:
            rows.append(row)
    return CalendarImportResult(rows=rows, errors=errors)


def _text(cell: _Value) -> str:
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
    return value if YEAR_MIN <= value.year <= YEAR_MAX else None


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


def _cell_date(cell: _Value) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return _parse_date(cell)


def _cell_deadline(cell: _Value) -> datetime | None:
    if isinstance(cell, datetime):
        # Excel keeps a date alone as midnight: that means "by the end of the day".
        if cell.time() == time():
            return datetime.combine(cell.date(), DEADLINE_DEFAULT_TIME)
        return cell.replace(tzinfo=None)
    if isinstance(cell, date):
        return datetime.combine(cell, DEADLINE_DEFAULT_TIME)
    return _parse_deadline(cell)


def _draft_from_cells(line: int, cells: Sequence[_Value]) -> tuple[Draft, list[RowError]]:
    problems: list[RowError] = []
    draft = Draft()

    code = _text(cells[_COL_CODE])
    if code:
        draft.code = code.lower()

    activity = _text(cells[_COL_ACTIVITY])
    if activity:
        if match := _ACTIVITY.fullmatch(activity):
            draft.activity_number = int(match[1])
        else:
            problems.append(RowError(line, CalendarProblem.ACTIVITY_NOT_NUMBER))

    draft.title = _text(cells[_COL_TITLE])

    kind = _text(cells[_COL_KIND])
    if not kind:
        problems.append(RowError(line, CalendarProblem.KIND_MISSING))
    else:
        draft.kind = parse_kind(kind)
        if draft.kind is None:
            problems.append(RowError(line, CalendarProblem.KIND_UNKNOWN))

    def read_date(cell: _Value, field: str) -> date | None:
        value = _cell_date(cell)
        if value is None:
            problems.append(RowError(line, CalendarProblem.DATE_INVALID, {"field": field}))
        return value

    start_cell, end_cell = cells[_COL_STARTS_ON], cells[_COL_ENDS_ON]
    if start_cell:
        draft.starts_on = read_date(start_cell, "starts_on")
    else:
        problems.append(RowError(line, CalendarProblem.DATE_MISSING, {"field": "starts_on"}))
    if end_cell:
        draft.ends_on = read_date(end_cell, "ends_on")
    elif start_cell:
        draft.ends_on = draft.starts_on  # a one-day event

    deadline_cell = cells[_COL_DEADLINE]
    if deadline_cell:
        draft.deadline_local = _cell_deadline(deadline_cell)
        if draft.deadline_local is None:
            problems.append(RowError(line, CalendarProblem.DEADLINE_INVALID))
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
        problems.append(RowError(line, CalendarProblem.YEARLY_INVALID))
    return draft, problems
