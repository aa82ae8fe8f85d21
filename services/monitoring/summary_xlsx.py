"""The monitoring summary as a workbook (openpyxl, write-only) and as CSV.

A district's workbook: «Показатели» (one row per school: each indicator, its ratio to the
district's median, last year's value and the change; the district's value, the median and
last year's below), a sheet per questionnaire section (the answers, labels and units as
headers, sums and medians of the numbers below), the schools that did not submit, and a sheet
saying what is counted and how. A republic's workbook: one row per district (its value and its
schools' median of each indicator, schools submitted; the districts without a round named
below), and on request the same school sheets for every school of the republic against the
republic's median. Last year is compared like for like: on the republic's row when every
district had a previous round, otherwise on a row of the districts that had one.

An indicator's cell is green above the median and red below it; «нет данных» where the
indicator cannot be computed. Every sheet: frozen headers, fitting widths, a landscape page
fitted to the width. Text stays text (a school named ``=1+1`` is never a formula). The words
come from the caller (services never import the bot's texts).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import ResponseStatus
from services.monitoring.indicators import INDICATORS
from services.monitoring.questionnaire import AnswerValue, Question, Questionnaire, QuestionType
from services.monitoring.summary import (
    INDICATOR_CODES,
    DistrictSummary,
    MissingState,
    MonitoringSummary,
    SchoolRow,
    Standing,
    change,
    number_totals,
    standing,
    to_median,
)
from services.tabular import SHEET_TITLE_MAX, sheet_title, write_csv
from services.timeutil import fmt_date

FILLS: Mapping[Standing, str] = {
    Standing.ABOVE: "C6EFCE",  # green: above the median
    Standing.BELOW: "FFC7CE",  # red: below it
}
VALUE_FORMAT = "0.0"
RATIO_FORMAT = "0.00"
CHANGE_FORMAT = "+0.0;-0.0;0.0"
_FORMULA_STARTS = ("=", "+", "-", "@")
_MIN_WIDTH = 6
_NAME_WIDTH = (20, 45)
_CELL_WIDTH = (9, 22)


@dataclass(frozen=True)
class SummaryWords:
    """The workbook's words; templates are filled with ``str.format``."""

    title: str  # {where}, {year}, {today}
    counted: str  # which responses are data (shown under the title and in the notes)
    indicator_names: Mapping[str, str]
    status: Mapping[ResponseStatus, str]  # submitted, accepted
    missing_state: Mapping[MissingState, str]
    no_data: str
    yes: str
    no: str
    number: str  # «№»
    school: str
    district: str
    status_column: str
    state_column: str
    with_unit: str  # {label}, {unit}
    to_median: str  # {name}
    last_year: str  # {name}
    change: str  # {name}
    district_median: str  # {name}: a republic's column of the median of a district's schools
    district_value: str  # the district's own value: Σ numerators / Σ denominators
    median_row: str
    last_year_row: str
    sum_row: str
    schools_with_data: str
    republic: str
    compared_row: str  # the districts that had a round both years (the republic's by school)
    schools_count: str
    submitted_count: str
    indicators_sheet: str
    districts_sheet: str
    missing_sheet: str
    notes_sheet: str
    none_missing: str
    notes: Sequence[str]  # lines of the notes sheet: the fills, what «к медиане» is
    formula: str  # {name}, {numerator}, {denominator}, {scale}
    percent_scale: str  # « × 100 %»
    # (district, its schools) of the districts without a round → a line under the districts
    not_held: Callable[[Sequence[tuple[str, int]]], str] | None = None


class _Book:
    """A write-only workbook with named styles (one assignment per cell)."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.taken: set[str] = set()
        self.names: dict[tuple[Standing | None, bool, str], str] = {}

    def style(self, fill: Standing | None, bold: bool, number_format: str) -> str:
        key = (fill, bold, number_format)
        if key not in self.names:
            name = f"monitoring {len(self.names)}"
            self.workbook.add_named_style(
                NamedStyle(
                    name=name,
                    font=Font(name="Calibri", size=11, bold=bold),
                    fill=PatternFill("solid", fgColor=FILLS[fill])
                    if fill is not None and fill in FILLS
                    else PatternFill(),
                    alignment=Alignment(wrap_text=True, vertical="top"),
                    number_format=number_format,
                )
            )
            self.names[key] = name
        return self.names[key]

    def sheet(self, title: str) -> _Sheet:
        return _Sheet(self, title)


Value = str | int | float | None


class _Sheet:
    def __init__(self, book: _Book, title: str) -> None:
        if len(title) > SHEET_TITLE_MAX:
            title = title[: SHEET_TITLE_MAX - 1].rstrip() + "…"
        self.book = book
        self.ws = book.workbook.create_sheet(sheet_title(title, book.taken))
        book.taken.add(self.ws.title.casefold())

    def setup(self, widths: Sequence[float], *, frozen: str) -> None:
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = frozen
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_title_rows = "2:2"

    def cell(
        self,
        value: Value,
        *,
        fill: Standing | None = None,
        bold: bool = False,
        number_format: str = "General",
    ) -> Cell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.style = self.book.style(fill, bold, number_format)
        if isinstance(value, str):
            cell.data_type = "s"
            if value.startswith(_FORMULA_STARTS):
                cell.quotePrefix = True
        return cell

    def row(self, cells: Sequence[Cell | Value]) -> None:
        self.ws.append([c if c is None or isinstance(c, Cell) else self.cell(c) for c in cells])

    def header(self, texts: Sequence[str]) -> None:
        self.row([self.cell(text, bold=True) for text in texts])


def _width(texts: Sequence[str], low: float, high: float) -> float:
    longest = max((len(line) for text in texts for line in text.split("\n")), default=0)
    return float(min(max(longest + 2, low), high))


def school_year(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def _title(words: SummaryWords, summary: MonitoringSummary, where: str, tz: ZoneInfo) -> str:
    title = words.title.format(
        where=where,
        year=school_year(summary.year),
        today=fmt_date(summary.now.astimezone(tz).date()),
    )
    return f"{title}\n{words.counted}"


# ---- cells -----------------------------------------------------------------------------------


def answer_value(question: Question, value: AnswerValue | None, words: SummaryWords) -> Value:
    """An answer as a cell: a number stays a number, a choice is its text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return words.yes if value else words.no
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, tuple):
        if question.type is QuestionType.MULTI:
            return "; ".join(_choice_text(question, code) for code in value)
        return "\n".join(value)
    if question.type is QuestionType.CHOICE:
        return _choice_text(question, value)
    return value


def _choice_text(question: Question, code: str) -> str:
    choice = question.choice(code)
    return choice.text if choice is not None else code


def column_label(question: Question, words: SummaryWords) -> str:
    if question.unit:
        return words.with_unit.format(label=question.label, unit=question.unit)
    return question.label


def _indicator(
    sheet: _Sheet,
    value: float | None,
    words: SummaryWords,
    *,
    fill: Standing | None = None,
    bold: bool = False,
) -> Cell:
    if value is None:
        return sheet.cell(words.no_data)
    return sheet.cell(value, number_format=VALUE_FORMAT, fill=fill, bold=bold)


def _number_or_none(sheet: _Sheet, value: float | None, number_format: str) -> Cell | None:
    return None if value is None else sheet.cell(value, number_format=number_format)


def _indicator_headers(words: SummaryWords) -> list[str]:
    headers: list[str] = []
    for code in INDICATOR_CODES:
        name = words.indicator_names[code]
        headers += [
            name,
            words.to_median.format(name=name),
            words.last_year.format(name=name),
            words.change.format(name=name),
        ]
    return headers


def _school_indicator_cells(
    sheet: _Sheet, row: SchoolRow, medians: Mapping[str, float | None], words: SummaryWords
) -> list[Cell | None]:
    cells: list[Cell | None] = []
    for code in INDICATOR_CODES:
        value, median = row.indicators.get(code), medians.get(code)
        before = row.last_year.get(code)
        cells += [
            _indicator(sheet, value, words, fill=standing(value, median)),
            _number_or_none(sheet, to_median(value, median), RATIO_FORMAT),
            _indicator(sheet, before, words),
            _number_or_none(sheet, change(value, before), CHANGE_FORMAT),
        ]
    return cells


# ---- the school sheets (a district's; the republic's by school) ------------------------------


@dataclass(frozen=True)
class _Line:
    district: str
    row: SchoolRow


def _indicators_sheet(
    book: _Book,
    summary: MonitoringSummary,
    lines: Sequence[_Line],
    medians: Mapping[str, float | None],
    footer: Callable[[_Sheet], None],
    where: str,
    words: SummaryWords,
    tz: ZoneInfo,
    *,
    with_district: bool,
) -> None:
    sheet = book.sheet(words.indicators_sheet)
    headers = _indicator_headers(words)
    first = [words.number, *([words.district] if with_district else []), words.school]
    first.append(words.status_column)
    names = [line.row.name for line in lines] + [words.district_value, words.median_row]
    sheet.setup(
        [
            _MIN_WIDTH,
            *([_width([line.district for line in lines], 16, 30)] if with_district else []),
            _width(names, *_NAME_WIDTH),
            _width(list(words.status.values()), 10, 16),
            *(_width([h], 10, 16) for h in headers),
        ],
        frozen="D3" if with_district else "C3",
    )
    sheet.row([sheet.cell(_title(words, summary, where, tz), bold=True)])
    sheet.header([*first, *headers])
    for index, line in enumerate(lines, start=1):
        sheet.row(
            [
                index,
                *([line.district] if with_district else []),
                line.row.name,
                words.status[line.row.status],
                *_school_indicator_cells(sheet, line.row, medians, words),
            ]
        )
    footer(sheet)


def _district_footer(district: DistrictSummary, words: SummaryWords) -> Callable[[_Sheet], None]:
    def write(sheet: _Sheet) -> None:
        last = district.last_group
        value_row: list[Cell | Value] = [None, sheet.cell(words.district_value, bold=True), None]
        median_row: list[Cell | Value] = [None, sheet.cell(words.median_row, bold=True), None]
        count_row: list[Cell | Value] = [None, sheet.cell(words.schools_with_data, bold=True)]
        count_row.append(None)
        for code in INDICATOR_CODES:
            value = district.group.totals.get(code)
            before = last.totals.get(code) if last else None
            value_row += [
                _indicator(sheet, value, words, bold=True),
                None,
                _indicator(sheet, before, words),
                _number_or_none(sheet, change(value, before), CHANGE_FORMAT),
            ]
            median = district.group.medians.get(code)
            old_median = last.medians.get(code) if last else None
            median_row += [
                _indicator(sheet, median, words, bold=True),
                None,
                _indicator(sheet, old_median, words),
                _number_or_none(sheet, change(median, old_median), CHANGE_FORMAT),
            ]
            count_row += [district.group.schools.get(code, 0), None, None, None]
        sheet.row(value_row)
        sheet.row(median_row)
        sheet.row(count_row)

    return write


def _section_sheets(
    book: _Book,
    summary: MonitoringSummary,
    lines: Sequence[_Line],
    where: str,
    words: SummaryWords,
    tz: ZoneInfo,
    *,
    with_district: bool,
) -> None:
    questionnaire = summary.questionnaire
    for section in questionnaire.sections:
        questions = [q for q in questionnaire.questions if q.section == section.code]
        if not questions:
            continue
        sheet = book.sheet(section.title)
        headers = [column_label(q, words) for q in questions]
        values = [
            [answer_value(q, line.row.answers.get(q.code), words) for q in questions]
            for line in lines
        ]
        columns = [
            [headers[i], *(str(v) for row in values if (v := row[i]) is not None)]
            for i in range(len(questions))
        ]
        names = [line.row.name for line in lines] + [words.sum_row, words.median_row]
        sheet.setup(
            [
                _MIN_WIDTH,
                *([_width([line.district for line in lines], 16, 30)] if with_district else []),
                _width(names, *_NAME_WIDTH),
                _width(list(words.status.values()), 10, 16),
                *(_width(column, *_CELL_WIDTH) for column in columns),
            ],
            frozen="D3" if with_district else "C3",
        )
        sheet.row([sheet.cell(f"{_title(words, summary, where, tz)}\n{section.title}", bold=True)])
        first = [words.number, *([words.district] if with_district else []), words.school]
        sheet.header([*first, words.status_column, *headers])
        for index, (line, row_values) in enumerate(zip(lines, values, strict=True), start=1):
            sheet.row(
                [
                    index,
                    *([line.district] if with_district else []),
                    line.row.name,
                    words.status[line.row.status],
                    *row_values,
                ]
            )
        totals, medians = number_totals(questionnaire, [line.row.answers for line in lines])
        blank = [None] * (2 if with_district else 1)
        sums: list[Cell | Value] = [*blank, sheet.cell(words.sum_row, bold=True), None]
        middles: list[Cell | Value] = [*blank, sheet.cell(words.median_row, bold=True), None]
        for question in questions:
            total = totals.get(question.code)
            sums.append(None if total is None else sheet.cell(_plain(total), bold=True))
            median = medians.get(question.code)
            middles.append(None if median is None else sheet.cell(median, bold=True))
        sheet.row(sums)
        sheet.row(middles)


def _plain(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else float(value)


def _missing_sheet(
    book: _Book,
    summary: MonitoringSummary,
    where: str,
    words: SummaryWords,
    tz: ZoneInfo,
    *,
    with_district: bool,
) -> None:
    sheet = book.sheet(words.missing_sheet)
    missing = [(d.name, school) for d in summary.districts for school in d.missing]
    sheet.setup(
        [
            _MIN_WIDTH,
            *([_width([name for name, _ in missing], 16, 30)] if with_district else []),
            _width([s.name for _, s in missing] + [words.school], *_NAME_WIDTH),
            _width(list(words.missing_state.values()), 14, 30),
        ],
        frozen="A3",
    )
    sheet.row([sheet.cell(_title(words, summary, where, tz), bold=True)])
    first = [words.number, *([words.district] if with_district else []), words.school]
    sheet.header([*first, words.state_column])
    if not missing:
        sheet.row([None, words.none_missing])
    for index, (district, school) in enumerate(missing, start=1):
        sheet.row(
            [
                index,
                *([district] if with_district else []),
                school.name,
                words.missing_state[school.state],
            ]
        )


def formulas(questionnaire: Questionnaire, words: SummaryWords) -> list[str]:
    """«Книгообеспеченность = Фонд, всего / Читателей всего», one per indicator."""
    lines = []
    for ind in INDICATORS:

        def label(code: str) -> str:
            return questionnaire.question(code).label if code in questionnaire else code

        lines.append(
            words.formula.format(
                name=words.indicator_names[ind.code],
                numerator=label(ind.numerator),
                denominator=label(ind.denominator),
                scale=words.percent_scale if ind.scale == 100 else "",
            )
        )
    return lines


def _notes_sheet(book: _Book, summary: MonitoringSummary, words: SummaryWords) -> None:
    sheet = book.sheet(words.notes_sheet)
    lines = [words.counted, *words.notes, *formulas(summary.questionnaire, words)]
    sheet.setup([_width(lines, 40, 110)], frozen="A2")
    sheet.row([sheet.cell(words.notes_sheet, bold=True)])
    for index, line in enumerate(lines):
        fill = None
        if index == 1:
            fill = Standing.ABOVE
        elif index == 2:
            fill = Standing.BELOW
        sheet.row([sheet.cell(line, fill=fill)])


# ---- the republic ----------------------------------------------------------------------------


def _districts_sheet(
    book: _Book, summary: MonitoringSummary, words: SummaryWords, tz: ZoneInfo
) -> None:
    sheet = book.sheet(words.districts_sheet)
    headers: list[str] = []
    for code in INDICATOR_CODES:
        name = words.indicator_names[code]
        headers += [name, words.district_median.format(name=name)]
    names = [d.name for d in summary.districts] + [words.republic]
    sheet.setup(
        [
            _MIN_WIDTH,
            _width(names, *_NAME_WIDTH),
            8,
            8,
            *(_width([h], 10, 16) for h in headers),
        ],
        frozen="C3",
    )
    where = f"{words.republic}. {words.districts_sheet}"
    sheet.row([sheet.cell(_title(words, summary, where, tz), bold=True)])
    sheet.header(
        [words.number, words.district, words.schools_count, words.submitted_count, *headers]
    )
    republic = summary.republic
    for index, district in enumerate(summary.districts, start=1):
        cells: list[Cell | Value] = [index, district.name, district.schools, len(district.rows)]
        for code in INDICATOR_CODES:
            value = district.group.totals.get(code)
            median = republic.totals.get(code) if republic else None
            cells += [
                _indicator(sheet, value, words, fill=standing(value, median)),
                _indicator(sheet, district.group.medians.get(code), words),
            ]
        sheet.row(cells)
    total: list[Cell | Value] = [
        None,
        sheet.cell(words.republic, bold=True),
        sum(d.schools for d in summary.districts),
        sum(len(d.rows) for d in summary.districts),
    ]
    for code in INDICATOR_CODES:
        total += [
            _indicator(sheet, republic.totals.get(code) if republic else None, words, bold=True),
            _indicator(sheet, republic.medians.get(code) if republic else None, words, bold=True),
        ]
    sheet.row(total)
    if summary.not_held and words.not_held is not None:
        sheet.row([])
        sheet.row([None, words.not_held([(d.name, d.schools) for d in summary.not_held])])


def _republic_footer(summary: MonitoringSummary, words: SummaryWords) -> Callable[[_Sheet], None]:
    """The republic's value and last year's, the median of its schools; when only some
    districts had a previous round, last year is compared on a row of those districts (this
    year and last year over them), not on the republic's."""

    def write(sheet: _Sheet) -> None:
        now, compared = summary.republic, summary.compared
        last = summary.last_republic if compared is None else None
        value_row: list[Cell | Value] = [None, None, sheet.cell(words.republic, bold=True), None]
        median_row: list[Cell | Value] = [None, None, sheet.cell(words.median_row, bold=True)]
        median_row.append(None)
        both_row: list[Cell | Value] = []
        if compared is not None:
            both_row = [None, ", ".join(compared.districts), words.compared_row, None]
        for code in INDICATOR_CODES:
            value = now.totals.get(code) if now else None
            before = last.totals.get(code) if last else None
            value_row += [
                _indicator(sheet, value, words, bold=True),
                None,
                _indicator(sheet, before, words) if compared is None else None,
                _number_or_none(sheet, change(value, before), CHANGE_FORMAT),
            ]
            median_row += [
                _indicator(sheet, now.medians.get(code) if now else None, words, bold=True),
                None,
                None,
                None,
            ]
            if compared is not None:
                both, old = compared.now.totals.get(code), compared.before.totals.get(code)
                both_row += [
                    _indicator(sheet, both, words),
                    None,
                    _indicator(sheet, old, words),
                    _number_or_none(sheet, change(both, old), CHANGE_FORMAT),
                ]
        sheet.row(value_row)
        sheet.row(median_row)
        if both_row:
            sheet.row(both_row)

    return write


# ---- the workbook and the CSV ----------------------------------------------------------------


def summary_xlsx(
    summary: MonitoringSummary,
    words: SummaryWords,
    tz: ZoneInfo,
    *,
    republic: bool = False,
    by_school: bool = False,
) -> bytes:
    """A district's workbook (the summary's first district), or the republic's (districts as
    rows; ``by_school`` adds every school's indicators and answers)."""
    book = _Book()
    if republic:
        _districts_sheet(book, summary, words, tz)
        if by_school:
            lines = [_Line(d.name, row) for d in summary.districts for row in d.rows]
            medians = summary.republic.medians if summary.republic else {}
            _indicators_sheet(
                book,
                summary,
                lines,
                medians,
                _republic_footer(summary, words),
                words.republic,
                words,
                tz,
                with_district=True,
            )
            _section_sheets(book, summary, lines, words.republic, words, tz, with_district=True)
        _missing_sheet(book, summary, words.republic, words, tz, with_district=True)
    else:
        district = summary.districts[0]
        lines = [_Line(district.name, row) for row in district.rows]
        _indicators_sheet(
            book,
            summary,
            lines,
            district.group.medians,
            _district_footer(district, words),
            district.name,
            words,
            tz,
            with_district=False,
        )
        _section_sheets(book, summary, lines, district.name, words, tz, with_district=False)
        _missing_sheet(book, summary, district.name, words, tz, with_district=False)
    _notes_sheet(book, summary, words)
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    return buffer.getvalue()


def csv_number(value: float | int | Decimal | None, places: int = 2) -> str:
    """A number as Russian Excel reads it: a decimal comma, no grouping."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _csv_answer(question: Question, value: AnswerValue | None, words: SummaryWords) -> str:
    cell = answer_value(question, value, words)
    if cell is None:
        return ""
    if isinstance(cell, int | float):
        return csv_number(cell, 6)
    return cell


def summary_csv(summary: MonitoringSummary, words: SummaryWords) -> bytes:
    """The rows of the schools (those that submitted): the answers of every question in the
    questionnaire's order, then each indicator with its ratio to the median, last year's value
    and the change. UTF-8 with a BOM, «;» between cells: Russian Excel opens it as it is."""
    questions = summary.questionnaire.questions
    with_district = len(summary.districts) > 1
    medians = (
        summary.republic.medians
        if with_district and summary.republic
        else summary.districts[0].group.medians
        if summary.districts
        else {}
    )
    header = [
        words.number,
        *([words.district] if with_district else []),
        words.school,
        words.status_column,
        *(column_label(q, words) for q in questions),
        *_indicator_headers(words),
    ]
    rows: list[list[str]] = []
    index = 0
    for district in summary.districts:
        for row in district.rows:
            index += 1
            cells = [
                str(index),
                *([district.name] if with_district else []),
                row.name,
                words.status[row.status],
                *(_csv_answer(q, row.answers.get(q.code), words) for q in questions),
            ]
            for code in INDICATOR_CODES:
                value, before = row.indicators.get(code), row.last_year.get(code)
                cells += [
                    words.no_data if value is None else csv_number(value),
                    csv_number(to_median(value, medians.get(code))),
                    words.no_data if before is None else csv_number(before),
                    csv_number(change(value, before)),
                ]
            rows.append(cells)
    return write_csv(header, rows)
