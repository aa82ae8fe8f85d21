"""One reader for the tables coordinators upload (.csv and .xlsx): schools and calendars.

:func:`read_table` returns the non-blank rows with typed cells (an Excel date stays a
``date``, a number stays a number; every CSV cell is a ``str``); each importer converts the
cells it needs. Problems are codes with parameters (:class:`RowError`); the bot renders them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from pathlib import PurePath

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from services.validation import drop_invisible, has_forbidden_chars

# A cell as read: text (every CSV cell), or a number, truth value, date (datetime too),
# time or duration from an Excel cell. An empty cell is "".
Cell = str | int | float | bool | date | time | timedelta

_ZIP_MAGIC = b"PK\x03\x04"
# Tried in this order; on a tie the earlier one wins (";" is what Russian Excel writes).
_DELIMITERS = (";", "\t", ",")
_SNIFF_RECORDS = 200


class FileProblem(StrEnum):
    """Problems with an uploaded file as a whole (:attr:`RowError.line` is 0)."""

    WRONG_FORMAT = "wrong_format"  # neither .xlsx nor .csv
    OLD_XLS = "old_xls"
    BROKEN_XLSX = "broken_xlsx"
    BAD_TEXT = "bad_text"  # not text in any encoding we read, or broken CSV
    EMPTY = "empty"  # no data rows
    TOO_MANY_ROWS = "too_many_rows"  # params: limit


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of an uploaded file: a code and its parameters, like ``ValidationError``."""

    line: int  # 1-based row number as shown by Excel (record number for .csv); 0 = the file
    code: str  # a FileProblem or a problem code of the importer
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TableRow:
    line: int  # 1-based row number as shown by Excel (record number for .csv)
    cells: tuple[Cell, ...]  # as read: text is not normalized


class UnreadableTable(Exception):
    """The file cannot be read as a table; ``code`` says why."""

    def __init__(self, code: FileProblem) -> None:
        super().__init__(code)
        self.code = code


class UndecodableText(ValueError):
    """The bytes are not text in any encoding a Russian spreadsheet export uses."""


def read_table(
    file_name: str,
    content: bytes,
    *,
    max_rows: int,
    fits: Callable[[Sequence[str]], bool],
) -> list[TableRow]:
    """The non-blank rows of the first sheet (.xlsx) or of the text table (.csv).

    The format follows the extension of ``file_name``; a renamed Excel file (.csv holding
    an .xlsx) is read as Excel. Reading stops after ``max_rows`` non-blank rows. For CSV,
    ``fits`` tells whether a record split by a candidate delimiter has the expected columns:
    the delimiter that fits most records wins. Raises :class:`UnreadableTable`.
    """
    suffix = PurePath(file_name.strip()).suffix.lower()
    if suffix == ".xlsx" or (suffix == ".csv" and content.startswith(_ZIP_MAGIC)):
        return _read_xlsx(content, max_rows)
    if suffix == ".csv":
        return _read_csv(content, max_rows, fits)
    if suffix == ".xls":
        raise UnreadableTable(FileProblem.OLD_XLS)
    raise UnreadableTable(FileProblem.WRONG_FORMAT)


def _is_blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.split()


def _read_xlsx(content: bytes, max_rows: int) -> list[TableRow]:
    rows: list[TableRow] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise UnreadableTable(FileProblem.BROKEN_XLSX) from exc
    try:
        if not workbook.worksheets:
            return rows
        sheet = workbook.worksheets[0]
        # The stored dimension may be wrong (files written by other programs): read all rows.
        sheet.reset_dimensions()
        values = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        for line, row in enumerate(values, start=1):
            cells = tuple(_xlsx_cell(value) for value in row)
            if not all(_is_blank(cell) for cell in cells):
                rows.append(TableRow(line=line, cells=cells))
                if len(rows) >= max_rows:
                    break
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise UnreadableTable(FileProblem.BROKEN_XLSX) from exc
    finally:
        workbook.close()
    return rows


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str | int | float | date | time | timedelta):  # bool is an int
        return value
    return str(value)  # rich text, a Decimal, a formula openpyxl did not compute


def _read_csv(
    content: bytes, max_rows: int, fits: Callable[[Sequence[str]], bool]
) -> list[TableRow]:
    try:
        text = decode_text(content)
    except UndecodableText as exc:
        raise UnreadableTable(FileProblem.BAD_TEXT) from exc
    delimiter = _detect_delimiter(text, fits)
    rows: list[TableRow] = []
    try:
        # Records are numbered like Excel rows (a quoted cell may span several lines).
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for line, cells in enumerate(reader, start=1):
            if not all(_is_blank(cell) for cell in cells):
                rows.append(TableRow(line=line, cells=tuple(cells)))
                if len(rows) >= max_rows:
                    break
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
        raise UnreadableTable(FileProblem.BAD_TEXT) from exc
    return rows


def _detect_delimiter(text: str, fits: Callable[[Sequence[str]], bool]) -> str:
    """The delimiter for which most of the first records fit.

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
                if fits(cells):
                    score += 1
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), Windows-1251
    or KOI8-R; raises :class:`UndecodableText` for anything else."""
    try:
        if content.startswith(codecs.BOM_UTF8):
            text = content.decode("utf-8-sig")
        elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = content.decode("utf-16")
        else:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = _decode_single_byte(content)
    except UnicodeDecodeError as exc:
        raise UndecodableText from exc
    if "\x00" in text:  # a binary file or UTF-16 without a BOM
        raise UndecodableText
    return text


# Single-byte Russian encodings a spreadsheet export may use: Windows-1251 (Excel) and KOI8-R
# (older Unix and mail programs). Both decode any byte, so the one that reads as Russian wins.
_SINGLE_BYTE = ("cp1251", "koi8_r")
# How often each letter occurs in Russian text: a right decoding reads as frequent letters,
# a wrong one as rare letters with the case turned inside out («иГЛИНО»).
_FREQUENCY = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            110,
            85,
            80,
            74,
            67,
            63,
            55,
            47,
            45,
            44,
            35,
            32,
            30,
            28,
            26,
            20,
            19,
            17,
            17,
            16,
            16,
            14,
            12,
            10,
            9,
            7,
            6,
            5,
            4,
            3,
            3,
            1,
            1,
        ),
        strict=True,
    )
)
_PUNCTUATION = frozenset("«»„“”–—№…°§")
_WORDS = re.compile(
    r"(?<![а-яё])(?:и|в|на|с|по|не|для|от|до|школа|сош|мбоу|гимназия|лицей)(?![а-яё])"
)


def _russian_score(text: str) -> float:
    """How well a decoded text reads as Russian (about 0.05 for Russian, below 0.03 for a
    wrong code page): frequent letters and common words count for it; capitals inside
    words, letters of other alphabets and stray symbols count against it."""
    letters = [c for c in text if c.isalpha() and not c.isascii()]
    if not letters:
        return 0.0
    weight = sum(_FREQUENCY.get(c.lower(), 0) for c in letters) / 1000
    foreign = sum(1 for c in letters if c.lower() not in _FREQUENCY)
    symbols = sum(1 for c in text if not c.isascii() and not c.isalpha() and c not in _PUNCTUATION)
    mid_capitals = len(re.findall(r"(?<=[а-яё])[А-ЯЁ]", text))
    words = len(_WORDS.findall(text.lower()))
    return (weight - 0.1 * (foreign + symbols + mid_capitals) + 0.02 * words) / len(letters)


def _decode_single_byte(content: bytes) -> str:
    """Windows-1251 or KOI8-R, whichever reads as Russian; refuses text that reads as
    Russian in neither (another code page: the user is told which encodings work)."""
    decoded = [content.decode(encoding) for encoding in _SINGLE_BYTE]
    scores = [_russian_score(text) for text in decoded]
    best = max(range(len(decoded)), key=lambda i: scores[i])
    if not any(not c.isascii() and c.isalpha() for c in decoded[best]):
        return decoded[best]  # no letters beyond ASCII: nothing to choose
    if scores[best] <= 0:
        raise UndecodableText
    return decoded[best]


def write_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A sample table as Russian Excel opens it: UTF-8 with a BOM, ";" between quoted cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# what a sheet's name may not hold in Excel, and its length
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31

# a cell a workbook is written with: text (never a formula) or a number
OutCell = str | int | float


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook to write: its name, header row, rows and column widths."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[OutCell]]
    widths: Sequence[int] = ()


def write_xlsx(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int] = (),
) -> bytes:
    """A one-sheet workbook of text cells.

    Every cell is stored as text: a name like ``=HYPERLINK(...)``, ``+cmd|...``, ``-1+1`` or
    ``@SUM(...)`` stays the name it is and never becomes a formula in the spreadsheet.
    """
    text_rows = [[str(value) for value in row] for row in rows]
    return write_workbook([Sheet("", [str(value) for value in header], text_rows, widths)])


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of one or more sheets, each with its header row frozen.

    Text is stored as text, whatever it begins with (as in :func:`write_xlsx`); an ``int`` or
    ``float`` is stored as a number. A sheet's name is made one Excel accepts (see
    :func:`sheet_title`); an empty name keeps the default one.
    """
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    taken: set[str] = set()
    for index, spec in enumerate(sheets):
        sheet = first if index == 0 else workbook.create_sheet()
        if spec.title:
            sheet.title = sheet_title(spec.title, taken)
        taken.add(sheet.title.casefold())
        for values in (spec.header, *spec.rows):
            sheet.append([_out_cell(value) for value in values])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, whatever it begins with
                    if cell.value.startswith(_FORMULA_STARTS):
                        cell.quotePrefix = True  # stays text when someone edits the cell
        for column, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _out_cell(value: OutCell) -> OutCell:
    if isinstance(value, bool):  # a truth value is no number to add up
        return str(value)
    return value if isinstance(value, int | float) else str(value)


def sheet_title(name: str, taken: set[str]) -> str:
    """``name`` as an Excel sheet name: no ``[]:*?/\\``, at most 31 characters, not blank,
    not quoted, and not one of ``taken`` (folded case), by a number added at its end."""
    base = normalize(_SHEET_FORBIDDEN.sub(" ", name)).strip("'").strip() or "Лист"
    title = base[:SHEET_TITLE_MAX].rstrip()
    number = 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return title


def normalize(value: str) -> str:
    """Drop invisible characters, collapse runs of whitespace (line breaks in a cell
    included) to single spaces."""
    return " ".join(drop_invisible(value).split())


def has_control(value: str) -> bool:
    """Control characters or bidi overrides: a row with one is refused."""
    return has_forbidden_chars(value)
