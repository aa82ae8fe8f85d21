"""The completion report as a workbook (openpyxl, write-only: a row is written and forgotten).

A district's workbook: the schools by the events of the period on one sheet, then the same for
each roadmap section, each cell coloured by its status and holding the date held, the
participants and the evidence links; totals per school (columns on the right) and per event
(rows at the bottom); a legend sheet. A republic's workbook: one row per district (and, on
request, one per school) with the counts of each status, the whole period and each section.

Every sheet has its header frozen, fitting column widths and a landscape page fitted to the
width. The words come from the caller (services never import the bot's texts). Text is always
stored as text: a school named ``=1+1`` stays a name, never a formula.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.reports.completion import (
    STATUS_ORDER,
    CompletionReport,
    DistrictReport,
    Mark,
    MarkStatus,
    ReportEvent,
    answered,
    share,
    total,
)
from services.tabular import SHEET_TITLE_MAX, sheet_title
from services.timeutil import fmt_date

# the fill of each status: green done, yellow waiting for review, orange sent back, red late,
# grey not yet due (the same colours as the conditional formats of Excel's presets)
FILLS: Mapping[MarkStatus, str] = {
    MarkStatus.ACCEPTED: "C6EFCE",
    MarkStatus.CONFIRMED: "FFEB9C",
    MarkStatus.RETURNED: "F8CBAD",
    MarkStatus.LATE: "FFC7CE",
    MarkStatus.PENDING: "EDEDED",
}
_FORMULA_STARTS = ("=", "+", "-", "@")
_MIN_WIDTH = 6
_EVENT_WIDTH = (12, 26)
_NAME_WIDTH_MAX = 45


@dataclass(frozen=True)
class ReportWords:
    """The workbook's words; templates are filled with ``str.format``."""

    status: Mapping[MarkStatus, str]  # «принято»
    status_help: Mapping[MarkStatus, str]  # the legend's explanation
    not_asked: str  # a school the event is not addressed to
    late_note: str  # added to a status sent after the deadline
    held: str  # {day}, {participants}
    files: str  # {count}
    comment: str  # {text}
    title: str  # {where}, {starts}, {ends}, {today}
    event_header: str  # {title}, {starts}, {ends}, {deadline}
    section: str  # {number}, {title}
    no_section: str
    legend: str  # the legend's sheet
    legend_header: tuple[str, str]
    legend_not_asked: str
    number: str
    school: str
    district: str
    schools_count: str
    events_count: str
    asked: str
    answered: str
    answered_share: str
    districts_sheet: str
    schools_sheet: str
    republic: str
    overview: str  # a district's first sheet: schools by sections
    section_share: str  # {number}
    no_section_share: str
    district_total: str


class _Styles:
    """The workbook's cell styles, each registered once as a named style: a cell takes one by
    name (one assignment), which is several times faster than setting its font, fill and
    alignment one by one on every cell."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.names: dict[tuple[MarkStatus | None, bool, bool], str] = {}

    def name(self, fill: MarkStatus | None, bold: bool, percent: bool) -> str:
        key = (fill, bold, percent)
        if key not in self.names:
            name = "report " + " ".join(
                part
                for part in (fill.value if fill else "", "bold" if bold else "", "%" * percent)
                if part
            )
            self.workbook.add_named_style(
                NamedStyle(
                    name=name.strip(),
                    font=Font(name="Calibri", size=11, bold=bold),
                    fill=PatternFill("solid", fgColor=FILLS[fill]) if fill else PatternFill(),
                    alignment=Alignment(wrap_text=True, vertical="top"),
                    number_format="0%" if percent else "General",
                )
            )
            self.names[key] = name.strip()
        return self.names[key]


class _Book:
    """A write-only workbook, its sheets' names so far and its styles."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.taken: set[str] = set()
        self.styles = _Styles(self.workbook)

    def sheet(self, title: str) -> _Sheet:
        return _Sheet(self.workbook, title, self.taken, self.styles)


class _Sheet:
    """A write-only sheet; widths are set before the first row."""

    def __init__(self, workbook: Workbook, title: str, taken: set[str], styles: _Styles) -> None:
        if len(title) > SHEET_TITLE_MAX:  # the sheet's first row holds the whole name
            title = title[: SHEET_TITLE_MAX - 1].rstrip() + "…"
        self.ws = workbook.create_sheet(sheet_title(title, taken))
        taken.add(self.ws.title.casefold())
        self.styles = styles

    def setup(self, widths: Sequence[float], *, frozen: str, title_rows: str) -> None:
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = frozen
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0  # as many pages down as it takes
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_title_rows = title_rows

    def cell(
        self,
        value: str | int | float | None,
        *,
        fill: MarkStatus | None = None,
        bold: bool = False,
        percent: bool = False,
    ) -> Cell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.style = self.styles.name(fill, bold, percent)
        if isinstance(value, str):
            cell.data_type = "s"  # text, whatever it begins with
            if value.startswith(_FORMULA_STARTS):
                cell.quotePrefix = True
        return cell

    def row(self, cells: Sequence[Cell | str | int | float | None]) -> None:
        self.ws.append([c if c is None or isinstance(c, Cell) else self.cell(c) for c in cells])


def _width(texts: Sequence[str], low: float, high: float) -> float:
    longest = max((len(line) for text in texts for line in text.split("\n")), default=0)
    return float(min(max(longest + 2, low), high))


def _title(words: ReportWords, report: CompletionReport, where: str, tz: ZoneInfo) -> str:
    return words.title.format(
        where=where,
        starts=fmt_date(report.period.starts),
        ends=fmt_date(report.period.ends),
        today=fmt_date(report.now.astimezone(tz).date()),
    )


def mark_text(mark: Mark, words: ReportWords) -> str:
    """What a cell says: the status, the day held and the participants, links, files."""
    lines = [words.status[mark.status] + (words.late_note if mark.late else "")]
    if mark.held_on is not None:
        lines.append(
            words.held.format(day=fmt_date(mark.held_on), participants=mark.participants or 0)
        )
    lines.extend(mark.links)
    if mark.files:
        lines.append(words.files.format(count=mark.files))
    if mark.comment:
        lines.append(words.comment.format(text=mark.comment))
    return "\n".join(lines)


def _event_header(event: ReportEvent, words: ReportWords, tz: ZoneInfo) -> str:
    return words.event_header.format(
        title=event.title,
        starts=fmt_date(event.starts_on),
        ends=fmt_date(event.ends_on),
        deadline=fmt_date(event.deadline_at.astimezone(tz).date()),
    )


def _percent(value: float | None) -> float | str:
    return "" if value is None else value


def _section_name(number: int | None, title: str, words: ReportWords) -> str:
    if number is None:
        return words.no_section
    return words.section.format(number=number, title=title)


def _sections(
    report: CompletionReport, words: ReportWords
) -> list[tuple[str, Callable[[ReportEvent], bool]]]:
    return [
        (_section_name(number, title, words), _of_section(number))
        for number, title in report.sections()
    ]


def _of_section(number: int | None) -> Callable[[ReportEvent], bool]:
    return lambda event: event.section_number == number


# ---- a district: schools by events -----------------------------------------------------------


def _matrix(
    book: _Book,
    name: str,
    district: DistrictReport,
    events: Sequence[ReportEvent],
    report: CompletionReport,
    words: ReportWords,
    tz: ZoneInfo,
) -> None:
    sheet = book.sheet(name)
    headers = [_event_header(e, words, tz) for e in events]
    texts: dict[tuple[int, int], str] = {}
    by_column: list[list[str]] = [[header] for header in headers]
    for school in district.schools:
        for column, event in enumerate(events):
            mark = district.marks.get((school.id, event.id))
            text = words.not_asked if mark is None else mark_text(mark, words)
            texts[(school.id, event.id)] = text
            by_column[column].append(text)
    status_labels = [words.status[s] for s in STATUS_ORDER]
    total_labels = [*status_labels, words.answered, words.answered_share]
    sheet.setup(
        [
            _MIN_WIDTH,
            _width(
                [s.short_name for s in district.schools] + total_labels,
                20,
                _NAME_WIDTH_MAX,
            ),
            *(_width(column, *_EVENT_WIDTH) for column in by_column),
            *(_width([label], 11, 16) for label in total_labels),
        ],
        frozen="C3",
        title_rows="2:2",
    )
    where = f"{district.name}. {name}"
    sheet.row([sheet.cell(_title(words, report, where, tz), bold=True)])
    sheet.row(
        [
            sheet.cell(words.number, bold=True),
            sheet.cell(words.school, bold=True),
            *(sheet.cell(header, bold=True) for header in headers),
            *(sheet.cell(words.status[s], bold=True, fill=s) for s in STATUS_ORDER),
            sheet.cell(words.answered, bold=True),
            sheet.cell(words.answered_share, bold=True),
        ]
    )
    per_event: list[Counter[MarkStatus]] = [Counter() for _ in events]
    for index, school in enumerate(district.schools, start=1):
        tally: Counter[MarkStatus] = Counter()
        cells = [sheet.cell(index), sheet.cell(school.short_name)]
        for column, event in enumerate(events):
            mark = district.marks.get((school.id, event.id))
            if mark is None:
                cells.append(sheet.cell(words.not_asked))
                continue
            tally[mark.status] += 1
            per_event[column][mark.status] += 1
            # links are text: a hyperlink per cell would cost openpyxl more than the cell
            cells.append(sheet.cell(texts[(school.id, event.id)], fill=mark.status))
        cells.extend(sheet.cell(tally[s]) for s in STATUS_ORDER)
        cells.append(sheet.cell(answered(tally)))
        cells.append(sheet.cell(_percent(share(tally)), percent=True))
        sheet.row(cells)
    for status in STATUS_ORDER:
        sheet.row(
            [
                None,
                sheet.cell(words.status[status], bold=True, fill=status),
                *(tally[status] for tally in per_event),
            ]
        )
    sheet.row(
        [
            None,
            sheet.cell(words.answered, bold=True),
            *(answered(tally) for tally in per_event),
        ]
    )
    sheet.row(
        [
            None,
            sheet.cell(words.answered_share, bold=True),
            *(sheet.cell(_percent(share(tally)), percent=True) for tally in per_event),
        ]
    )


def _overview(
    book: _Book,
    district: DistrictReport,
    report: CompletionReport,
    words: ReportWords,
    tz: ZoneInfo,
) -> None:
    """Each school's answered share in each roadmap section and its counts over the period."""
    sheet = book.sheet(words.overview)
    sections = report.sections()
    groups = [[e for e in district.events if e.section_number == n] for n, _t in sections]
    headers = [
        words.no_section_share if n is None else words.section_share.format(number=n)
        for n, _title in sections
    ]
    names = [s.short_name for s in district.schools] + [words.district_total]
    sheet.setup(
        [
            _MIN_WIDTH,
            _width(names, 20, _NAME_WIDTH_MAX),
            *(_width([h], 10, 14) for h in headers),
            *_count_widths(words),
        ],
        frozen="C3",
        title_rows="2:2",
    )
    where = f"{district.name}. {words.overview}"
    sheet.row([sheet.cell(_title(words, report, where, tz), bold=True)])
    _count_header(sheet, [words.number, words.school, *headers], words)
    overall: Counter[MarkStatus] = Counter()
    by_section: list[Counter[MarkStatus]] = [Counter() for _ in groups]
    for index, school in enumerate(district.schools, start=1):
        shares = []
        for column, events in enumerate(groups):
            tally = district.counts(events, [school])
            by_section[column].update(tally)
            shares.append(sheet.cell(_percent(share(tally)), percent=True))
        tally = district.counts(schools=[school])
        overall.update(tally)
        sheet.row(
            [
                sheet.cell(index),
                sheet.cell(school.short_name),
                *shares,
                *_count_cells(sheet, tally),
            ]
        )
    sheet.row(
        [
            None,
            sheet.cell(words.district_total, bold=True),
            *(sheet.cell(_percent(share(t)), percent=True) for t in by_section),
            *_count_cells(sheet, overall),
        ]
    )


# ---- the republic: districts (and schools) by counts -----------------------------------------


def _count_header(sheet: _Sheet, first: Sequence[str], words: ReportWords) -> None:
    sheet.row(
        [
            *(sheet.cell(text, bold=True) for text in first),
            *(sheet.cell(words.status[s], bold=True, fill=s) for s in STATUS_ORDER),
            sheet.cell(words.answered, bold=True),
            sheet.cell(words.asked, bold=True),
            sheet.cell(words.answered_share, bold=True),
        ]
    )


def _count_cells(sheet: _Sheet, tally: Counter[MarkStatus]) -> list[Cell]:
    return [
        *(sheet.cell(tally[s]) for s in STATUS_ORDER),
        sheet.cell(answered(tally)),
        sheet.cell(total(tally)),
        sheet.cell(_percent(share(tally)), percent=True),
    ]


def _count_widths(words: ReportWords) -> list[float]:
    labels = [
        *(words.status[s] for s in STATUS_ORDER),
        words.answered,
        words.asked,
        words.answered_share,
    ]
    return [_width([label], 11, 16) for label in labels]


def _districts_sheet(
    book: _Book,
    name: str,
    keep: Callable[[ReportEvent], bool],
    report: CompletionReport,
    words: ReportWords,
    tz: ZoneInfo,
) -> None:
    sheet = book.sheet(name)
    first = [words.number, words.district, words.schools_count, words.events_count]
    names = [d.name for d in report.districts] + [words.republic]
    sheet.setup(
        [_MIN_WIDTH, _width(names, 20, _NAME_WIDTH_MAX), 8, 10, *_count_widths(words)],
        frozen="C3",
        title_rows="2:2",
    )
    sheet.row([sheet.cell(_title(words, report, f"{words.republic}. {name}", tz), bold=True)])
    _count_header(sheet, first, words)
    overall: Counter[MarkStatus] = Counter()
    schools = events = 0
    for index, district in enumerate(report.districts, start=1):
        chosen = [e for e in district.events if keep(e)]
        tally = district.counts(chosen)
        overall.update(tally)
        schools += len(district.schools)
        events += len(chosen)
        sheet.row(
            [
                sheet.cell(index),
                sheet.cell(district.name),
                sheet.cell(len(district.schools)),
                sheet.cell(len(chosen)),
                *_count_cells(sheet, tally),
            ]
        )
    sheet.row(
        [
            None,
            sheet.cell(words.republic, bold=True),
            sheet.cell(schools),
            sheet.cell(events),
            *_count_cells(sheet, overall),
        ]
    )


def _schools_sheet(
    book: _Book,
    report: CompletionReport,
    words: ReportWords,
    tz: ZoneInfo,
) -> None:
    sheet = book.sheet(words.schools_sheet)
    first = [words.number, words.district, words.school, words.events_count]
    sheet.setup(
        [
            _MIN_WIDTH,
            _width([d.name for d in report.districts], 16, 30),
            _width([s.short_name for d in report.districts for s in d.schools], 20, 45),
            10,
            *_count_widths(words),
        ],
        frozen="D3",
        title_rows="2:2",
    )
    where = f"{words.republic}. {words.schools_sheet}"
    sheet.row([sheet.cell(_title(words, report, where, tz), bold=True)])
    _count_header(sheet, first, words)
    index = 0
    for district in report.districts:
        for school in district.schools:
            index += 1
            tally = district.counts(schools=[school])
            sheet.row(
                [
                    sheet.cell(index),
                    sheet.cell(district.name),
                    sheet.cell(school.short_name),
                    sheet.cell(total(tally)),
                    *_count_cells(sheet, tally),
                ]
            )


# ---- the legend and the workbook -------------------------------------------------------------


def _legend(book: _Book, words: ReportWords) -> None:
    sheet = book.sheet(words.legend)
    texts = [words.status[s] for s in STATUS_ORDER] + [words.not_asked, words.legend_header[0]]
    helps = [words.status_help[s] for s in STATUS_ORDER] + [words.legend_not_asked]
    sheet.setup([_width(texts, 12, 30), _width(helps, 30, 90)], frozen="A2", title_rows="1:1")
    sheet.row([sheet.cell(text, bold=True) for text in words.legend_header])
    for status in STATUS_ORDER:
        sheet.row([sheet.cell(words.status[status], fill=status), words.status_help[status]])
    sheet.row([words.not_asked, words.legend_not_asked])


def completion_xlsx(
    report: CompletionReport,
    words: ReportWords,
    tz: ZoneInfo,
    *,
    republic: bool = False,
    by_school: bool = False,
) -> bytes:
    """The workbook of a district (or, with ``republic``, of the districts as rows;
    ``by_school`` adds a sheet of every school)."""
    book = _Book()
    if republic:
        _districts_sheet(book, words.districts_sheet, lambda _e: True, report, words, tz)
        for name, keep in _sections(report, words):
            _districts_sheet(book, name, keep, report, words, tz)
        if by_school:
            _schools_sheet(book, report, words, tz)
    else:
        for district in report.districts:
            _overview(book, district, report, words, tz)
            for name, keep in _sections(report, words):
                chosen = [e for e in district.events if keep(e)]
                _matrix(book, name, district, chosen, report, words, tz)
    _legend(book, words)
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    return buffer.getvalue()
