"""Parse and check a list of schools uploaded by a coordinator (.xlsx or .csv).

The file has two columns: full name and short name. An optional header row is skipped,
blank rows are ignored. All problems are collected (not only the first one) as codes with
parameters (:class:`RowError`); if there is any, the caller imports nothing and shows them,
rendered by the bot, to the user.

Pure and synchronous (no aiogram, no database): call it via ``asyncio.to_thread`` for big
files. The caller checks the file size before calling.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from models import limits
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

__all__ = [
    "FULL_NAME_MAX",
    "MAX_DATA_ROWS",
    "SHORT_NAME_MAX",
    "FileProblem",
    "RowError",
    "SchoolImportResult",
    "SchoolProblem",
    "SchoolRow",
    "parse_schools_file",
]

MAX_DATA_ROWS = 2000
FULL_NAME_MAX = limits.SCHOOL_FULL_NAME_MAX
SHORT_NAME_MAX = limits.SCHOOL_SHORT_NAME_MAX

_COLUMNS = 2  # full name, short name
# A header cell contains one of these stems …
_HEADER_STEMS = ("наимен", "назван", "name", "title")
# … or consists only of these words ("ОО", "Школа", "Полное", "№ п/п", …).
_HEADER_WORDS = frozenset(
    {
        "полное",
        "краткое",
        "сокращенное",
        "школа",
        "школы",
        "оо",
        "оу",
        "учреждение",
        "учреждения",
        "организация",
        "организации",
        "образовательная",
        "образовательной",
        "образовательного",
        "общеобразовательная",
        "общеобразовательной",
        "общеобразовательного",
        "full",
        "short",
        "school",
        "№",
        "п/п",
    }
)
_HEADER_SPLIT = re.compile(r"[\s.,:;()\"'«»„“”\-]+")


class SchoolProblem(StrEnum):
    """Problems in a row; ``line`` is the row, params as noted."""

    CONTROL_CHARACTER = "control_character"
    EXTRA_COLUMNS = "extra_columns"
    FULL_NAME_MISSING = "full_name_missing"
    SHORT_NAME_MISSING = "short_name_missing"
    FULL_NAME_TOO_LONG = "full_name_too_long"  # length, limit
    SHORT_NAME_TOO_LONG = "short_name_too_long"  # length, limit
    FULL_NAME_DUPLICATE = "full_name_duplicate"  # first_line
    SHORT_NAME_DUPLICATE = "short_name_duplicate"  # first_line
    SHORT_NAME_EXISTS = "short_name_exists"  # already a school of the district


@dataclass(frozen=True, slots=True)
class SchoolRow:
    full_name: str
    short_name: str
    line: int  # 1-based row number as shown by Excel (record number for .csv)


@dataclass(frozen=True, slots=True)
class SchoolImportResult:
    rows: list[SchoolRow]  # only rows without errors, in file order
    errors: list[RowError]  # sorted by line

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    cells: list[str]  # normalized
    has_control: bool


def parse_schools_file(
    file_name: str,
    content: bytes,
    *,
    existing_short_names: Collection[str] = (),
) -> SchoolImportResult:
    """Read ``content`` (format chosen by the extension of ``file_name``) and check it."""
    try:
        # +2: a header row, and one more to tell that there are too many
        table = read_table(file_name, content, max_rows=MAX_DATA_ROWS + 2, fits=_fits)
    except UnreadableTable as exc:
        return _file_error(exc.code)
    return _check_records([_make_record(row) for row in table], existing_short_names)


def _file_error(code: FileProblem, **params: object) -> SchoolImportResult:
    return SchoolImportResult(rows=[], errors=[RowError(line=0, code=code, params=params)])


# --- reading ---


def _fits(cells: Sequence[str]) -> bool:
    """Exactly two columns up to the last non-blank one."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width == _COLUMNS


def _cell_text(value: Cell) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y" if value.time() == time() else "%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _make_record(row: TableRow) -> _Record:
    raw_cells = [_cell_text(cell) for cell in row.cells]
    return _Record(
        line=row.line,
        cells=[normalize(cell) for cell in raw_cells],
        has_control=any(has_control(cell) for cell in raw_cells),
    )


# --- checking ---


def _key(name: str) -> str:
    return normalize(name).casefold().replace("ё", "е")


def _looks_like_header(cells: Sequence[str]) -> bool:
    filled = [cell.casefold().replace("ё", "е") for cell in cells if cell]
    if any(stem in cell for cell in filled for stem in _HEADER_STEMS):
        return True
    return all(set(filter(None, _HEADER_SPLIT.split(cell))) <= _HEADER_WORDS for cell in filled)


def _drop_empty_leading_columns(records: list[_Record]) -> list[_Record]:
    """A table that starts in column B (or further right) is read as if it started in A."""
    offset = min((next(i for i, cell in enumerate(r.cells) if cell) for r in records), default=0)
    if not offset:
        return records
    return [
        _Record(line=r.line, cells=r.cells[offset:], has_control=r.has_control) for r in records
    ]


def _check_records(
    records: list[_Record], existing_short_names: Iterable[str]
) -> SchoolImportResult:
    records = _drop_empty_leading_columns(records)
    if records and _looks_like_header(records[0].cells):
        records = records[1:]
    if not records:
        return _file_error(FileProblem.EMPTY)
    if len(records) > MAX_DATA_ROWS:
        return _file_error(FileProblem.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)

    existing = {_key(name) for name in existing_short_names}
    full_seen: dict[str, int] = {}
    short_seen: dict[str, int] = {}
    rows: list[SchoolRow] = []
    errors: list[RowError] = []
    for record in records:
        line = record.line
        cells = [*record.cells, "", ""]
        full_name, short_name = cells[0], cells[1]
        problems: list[RowError] = []
        if record.has_control:
            problems.append(RowError(line, SchoolProblem.CONTROL_CHARACTER))
        if any(record.cells[_COLUMNS:]):
            problems.append(RowError(line, SchoolProblem.EXTRA_COLUMNS))
        problems += _check_name(line, full_name, full_seen, _FULL_NAME_RULE)
        problems += _check_name(line, short_name, short_seen, _SHORT_NAME_RULE)
        if short_name and _key(short_name) in existing:
            problems.append(RowError(line, SchoolProblem.SHORT_NAME_EXISTS))

        if problems:
            errors.extend(problems)
        else:
            rows.append(SchoolRow(full_name=full_name, short_name=short_name, line=line))
    return SchoolImportResult(rows=rows, errors=errors)


@dataclass(frozen=True, slots=True)
class _NameRule:
    max_len: int
    missing: SchoolProblem
    too_long: SchoolProblem
    duplicate: SchoolProblem


_FULL_NAME_RULE = _NameRule(
    max_len=FULL_NAME_MAX,
    missing=SchoolProblem.FULL_NAME_MISSING,
    too_long=SchoolProblem.FULL_NAME_TOO_LONG,
    duplicate=SchoolProblem.FULL_NAME_DUPLICATE,
)
_SHORT_NAME_RULE = _NameRule(
    max_len=SHORT_NAME_MAX,
    missing=SchoolProblem.SHORT_NAME_MISSING,
    too_long=SchoolProblem.SHORT_NAME_TOO_LONG,
    duplicate=SchoolProblem.SHORT_NAME_DUPLICATE,
)


def _check_name(line: int, name: str, seen: dict[str, int], rule: _NameRule) -> list[RowError]:
    """Problems of one name; remembers it in ``seen`` (key -> first line)."""
    if not name:
        return [RowError(line, rule.missing)]
    problems: list[RowError] = []
    if len(name) > rule.max_len:
        problems.append(
            RowError(line, rule.too_long, {"length": len(name), "limit": rule.max_len})
        )
    first_line = seen.setdefault(_key(name), line)
    if first_line != line:
        problems.append(RowError(line, rule.duplicate, {"first_line": first_line}))
    return problems
