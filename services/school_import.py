"""Parse and check a list of schools uploaded by a coordinator (.xlsx or .csv).

The file has two columns: full name and short name. An optional header row is skipped,
blank rows are ignored. All problems are collected (not only the first one); if there is
any, the caller imports nothing and shows :func:`format_errors` to the user.

Pure and synchronous (no aiogram, no database): call it via ``asyncio.to_thread`` for big
files. The caller checks the file size before calling.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from openpyxl import load_workbook

from bot.texts import school_import as texts
from services.tabular import UndecodableText, decode_text, has_control, normalize

MAX_DATA_ROWS = 2000
FULL_NAME_MAX = 255  # same limits as services.validation.SCHOOL_*_NAME_MAX
SHORT_NAME_MAX = 64
FORMAT_ERRORS_MAX_CHARS = 3500

_COLUMNS = 2  # full name, short name
_PLURAL_TEENS = range(11, 15)
_PLURAL_FEW = range(2, 5)

_ZIP_MAGIC = b"PK\x03\x04"
# Tried in this order; on a tie the earlier one wins (";" is what Russian Excel writes).
_DELIMITERS = (";", "\t", ",")
_SNIFF_RECORDS = 200
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


@dataclass(frozen=True, slots=True)
class SchoolRow:
    full_name: str
    short_name: str
    line: int  # 1-based row number as shown by Excel (record number for .csv)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 0 = the file as a whole
    message: str  # Russian, ready to show; row messages start with "Строка N:"


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


class _FileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _build_template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(texts.TEMPLATE_HEADER)
    writer.writerows(texts.TEMPLATE_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")


TEMPLATE_CSV: bytes = _build_template_csv()
TEMPLATE_CSV_FILE_NAME = "schools_template.csv"


def parse_schools_file(
    file_name: str,
    content: bytes,
    *,
    existing_short_names: Collection[str] = (),
) -> SchoolImportResult:
    """Read ``content`` (format chosen by the extension of ``file_name``) and check it."""
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
    return _check_records(records, existing_short_names)


def format_errors(errors: Sequence[RowError], limit: int = 30) -> str:
    """One message a line; at most ``limit`` of them, then "…и ещё N ошибок".

    The result is always shorter than ``FORMAT_ERRORS_MAX_CHARS`` characters.
    """
    if not errors:
        return ""
    tail_reserve = len(texts.ERRORS_MORE) + 20
    budget = FORMAT_ERRORS_MAX_CHARS - 1 - tail_reserve
    lines: list[str] = []
    used = 0
    for error in errors[: max(limit, 0)]:
        message = error.message
        if used + len(message) + 1 > budget:
            break
        lines.append(message)
        used += len(message) + 1
    rest = len(errors) - len(lines)
    if rest:
        lines.append(texts.ERRORS_MORE.format(count=rest, noun=_errors_noun(rest)))
    return "\n".join(lines)


# --- reading ---


def _file_error(message: str) -> SchoolImportResult:
    return SchoolImportResult(rows=[], errors=[RowError(line=0, message=message)])


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
            record = _make_record(line, [_cell_text(value) for value in values])
            if record is not None:
                records.append(record)
                if len(records) > MAX_DATA_ROWS + 1:  # +1: a header row
                    break
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise _FileError(texts.FILE_BROKEN_XLSX) from exc
    finally:
        workbook.close()
    return records


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y" if value.time() == time() else "%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
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
    """Pick the delimiter that gives exactly two filled columns in most rows.

    csv.Sniffer is not used: it guesses "," for "МБОУ СОШ № 1, с. Иглино;МБОУ СОШ № 1".
    """
    best, best_score = _DELIMITERS[0], -1
    for delimiter in _DELIMITERS:
        score = 0
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for number, cells in enumerate(reader):
                if number >= _SNIFF_RECORDS:
                    break
                if _filled_width(cells) == _COLUMNS:
                    score += 1
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _filled_width(cells: Sequence[str]) -> int:
    """Number of columns up to the last non-blank one."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


# --- checking ---


def _has_control(value: str) -> bool:
    return has_control(value)


def _normalize(value: str) -> str:
    return normalize(value)


def _key(name: str) -> str:
    return _normalize(name).casefold().replace("ё", "е")


def _make_record(line: int, raw_cells: Sequence[str]) -> _Record | None:
    """None for a blank row."""
    cells = [_normalize(cell) for cell in raw_cells]
    if not any(cells):
        return None
    return _Record(
        line=line, cells=cells, has_control=any(_has_control(cell) for cell in raw_cells)
    )


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
        return _file_error(texts.FILE_EMPTY)
    if len(records) > MAX_DATA_ROWS:
        return _file_error(texts.FILE_TOO_MANY_ROWS.format(limit=MAX_DATA_ROWS))

    existing = {_key(name) for name in existing_short_names}
    full_seen: dict[str, int] = {}
    short_seen: dict[str, int] = {}
    rows: list[SchoolRow] = []
    errors: list[RowError] = []
    for record in records:
        line = record.line
        cells = [*record.cells, "", ""]
        full_name, short_name = cells[0], cells[1]
        problems: list[str] = []
        if record.has_control:
            problems.append(texts.ROW_CONTROL_CHARACTER.format(line=line))
        if any(record.cells[_COLUMNS:]):
            problems.append(texts.ROW_EXTRA_COLUMNS.format(line=line))
        problems += _check_name(line, full_name, full_seen, _FULL_NAME_RULE)
        problems += _check_name(line, short_name, short_seen, _SHORT_NAME_RULE)
        if short_name and _key(short_name) in existing:
            problems.append(texts.ROW_SHORT_NAME_EXISTS.format(line=line))

        if problems:
            errors.extend(RowError(line=line, message=message) for message in problems)
        else:
            rows.append(SchoolRow(full_name=full_name, short_name=short_name, line=line))
    return SchoolImportResult(rows=rows, errors=errors)


@dataclass(frozen=True, slots=True)
class _NameRule:
    max_len: int
    missing: str
    too_long: str
    duplicate: str


_FULL_NAME_RULE = _NameRule(
    max_len=FULL_NAME_MAX,
    missing=texts.ROW_FULL_NAME_MISSING,
    too_long=texts.ROW_FULL_NAME_TOO_LONG,
    duplicate=texts.ROW_FULL_NAME_DUPLICATE,
)
_SHORT_NAME_RULE = _NameRule(
    max_len=SHORT_NAME_MAX,
    missing=texts.ROW_SHORT_NAME_MISSING,
    too_long=texts.ROW_SHORT_NAME_TOO_LONG,
    duplicate=texts.ROW_SHORT_NAME_DUPLICATE,
)


def _check_name(line: int, name: str, seen: dict[str, int], rule: _NameRule) -> list[str]:
    """Problems of one name; remembers it in ``seen`` (key -> first line)."""
    if not name:
        return [rule.missing.format(line=line)]
    problems: list[str] = []
    if len(name) > rule.max_len:
        problems.append(rule.too_long.format(line=line, length=len(name), limit=rule.max_len))
    first_line = seen.setdefault(_key(name), line)
    if first_line != line:
        problems.append(rule.duplicate.format(line=line, first_line=first_line))
    return problems


def _errors_noun(count: int) -> str:
    if count % 100 in _PLURAL_TEENS:
        return texts.ERRORS_NOUN_MANY
    if count % 10 == 1:
        return texts.ERRORS_NOUN_ONE
    if count % 10 in _PLURAL_FEW:
        return texts.ERRORS_NOUN_FEW
    return texts.ERRORS_NOUN_MANY
