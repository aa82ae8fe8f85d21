"""The analytical note of a round as a DOCX draft the methodist edits (python-docx): a
district's (:func:`note_docx`) and the republic's (:func:`republic_note_docx`).

A district's note: a title; who took part; the year's figures in sentences computed from the
data («Охват чтением вырос с 62 % до 69 %» when both years exist, otherwise this year's figure
alone); a table of the indicators (the district's value, the median of its schools, last
year's value); the charts; the schools above and below the median of the main indicators; the
schools that did not submit.

The republic's note: the same over every school of the districts (the figures, the table), a
table of the districts (one row each, with the republic's row last), the charts by district,
the districts above and below the median of the districts' values (with three districts or
more), the districts where no round was held, and the schools that did not submit, district by
district. Last year is compared like for like: when only some districts had a previous round,
the comparison (the sentences, the table's last two columns) is over those districts and says
so; the republic's own figures are then stated alone.

Both are an A4 document in Times New Roman (black headings), its properties (title, date,
language) filled and the library's defaults (author, comments) cleared.

The words come from the caller; figures are written the Russian way.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table

from services.monitoring.indicators import GroupIndicators
from services.monitoring.numfmt import rounded, ru_number, ru_percent
from services.monitoring.summary import (
    INDICATOR_CODES,
    MAIN_INDICATORS,
    MissingSchool,
    MonitoringSummary,
    Standing,
    standing,
)
from services.monitoring.summary_xlsx import school_year
from services.timeutil import fmt_date

# how an indicator is written: (decimal places, a percent)
FORMATS: Mapping[str, tuple[int, bool]] = {"reading_coverage": (0, True)}
# the indicators of the republic's table of districts, after the district and its count
DISTRICT_COLUMNS = (*MAIN_INDICATORS, "reading_rate")
# the widths of that table's columns on A4 portrait (17 cm between the margins); the third
# holds «Книгообеспеченность» on one line at 10 pt
DISTRICT_WIDTHS = (Cm(3.8), Cm(2.8), Cm(4.0), Cm(3.2), Cm(3.2))
TABLE_FONT = Pt(10)
A4 = (Cm(21), Cm(29.7))
FONT = "Times New Roman"
LANGUAGE = "ru-RU"
HEADINGS = ("Title", "Heading 1", "Heading 2", "Heading 3")
# a comparison with the median of the districts needs at least this many districts' values
STANDING_MIN = 3


def indicator_figure(code: str, value: float) -> str:
    places, percent = FORMATS.get(code, (1, False))
    return ru_percent(value, places) if percent else ru_number(value, places)


@dataclass(frozen=True)
class Sentences:
    """One indicator's sentences: {new} and {old} are the figures as written, {unit} the
    unit's form that goes with {new}."""

    only: str  # this year alone
    up: str
    down: str
    same: str


@dataclass(frozen=True)
class NoteWords:
    title: str  # {year}
    subtitle: str  # {where}, {today}
    draft: str  # a line saying it is a draft to edit
    participation: Callable[[int, int], str]  # (submitted, schools) → a sentence
    counted: str
    figures_heading: str
    sentences: Mapping[str, Sentences]  # by indicator code; an indicator without is left out
    unit: Callable[[str, str], str]  # (indicator code, the figure as written) → «учебника»
    no_figures: str
    table_heading: str
    table_header: tuple[str, str, str, str]
    indicator_names: Mapping[str, str]
    no_data: str
    charts_heading: str
    standing_heading: str
    above: str  # {name}, {median}, {schools}
    below: str
    on_median: str
    no_schools: str
    school_figure: str  # {school}, {value}
    missing_heading: str
    missing_intro: Callable[[int], str]  # the count → «Не сдали анкету 2 школы:»
    all_submitted: str
    missing_state: Mapping[str, str]  # MissingState's value → «черновик»


@dataclass(frozen=True)
class RepublicNoteWords:
    """The republic's words where they differ from a district's (the rest: :class:`NoteWords`)."""

    where: str  # the subtitle's {where}: «По районам республики»
    # (submitted, schools of the districts with a round, all districts, those with a round)
    participation: Callable[[int, int, int, int], str]
    table_heading: str
    table_header: tuple[str, str, str, str]  # «Показатель | По республике | …»
    # when only some districts had a previous round: «… | Этот год* | Прошлый год*»
    compared_header: tuple[str, str, str, str, str]
    compared: str  # {names}: the comparison is over these districts (before its sentences)
    compared_note: str  # {names}: under the table
    districts_heading: str
    district_column: str
    submitted_column: str
    submitted: Callable[[int, int], str]  # (submitted, schools) → «сдали 4 из 6»
    republic_row: str
    standing_heading: str
    standing_intro: str  # what the median is taken over
    standing_few: str  # fewer than three districts have a value of any main indicator
    standing_few_one: str  # {name}: of one indicator
    missing_intro: Callable[[str, int], str]  # (district, count) → «Иглинский район: …»
    not_held: Callable[[Sequence[tuple[str, int]]], str]  # (district, schools) → a sentence
    all_submitted: str
    all_submitted_held: str  # when some districts held no round


def figure_sentences(
    group: GroupIndicators,
    last_group: GroupIndicators | None,
    words: NoteWords,
    *,
    compared_only: bool = False,
) -> list[str]:
    """The year's figures (``group``) against last year's as sentences, in the order of the
    indicators; ``compared_only``: only the indicators having both years."""
    out: list[str] = []
    for code in INDICATOR_CODES:
        templates = words.sentences.get(code)
        new = group.totals.get(code)
        if templates is None or new is None:
            continue
        old = last_group.totals.get(code) if last_group is not None else None
        written = indicator_figure(code, new)
        values = {"new": written, "unit": words.unit(code, written)}
        if old is None:
            if not compared_only:
                out.append(templates.only.format(**values))
            continue
        values["old"] = indicator_figure(code, old)
        places = FORMATS.get(code, (1, False))[0]
        shown_new, shown_old = rounded(new, places), rounded(old, places)
        if shown_new > shown_old:
            template = templates.up
        elif shown_new < shown_old:
            template = templates.down
        else:
            template = templates.same
        out.append(template.format(**values))
    return out


def _shown(code: str, value: float | None, words: NoteWords) -> str:
    return words.no_data if value is None else indicator_figure(code, value)


def _header(table: Table, texts: Sequence[str]) -> None:
    for cell, text in zip(table.rows[0].cells, texts, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _table(
    document: DocumentObject,
    group: GroupIndicators,
    compared: Sequence[GroupIndicators | None],
    header: Sequence[str],
    words: NoteWords,
) -> None:
    """The indicators: the group's value, the median of its schools, then the value of each
    ``compared`` group (last year's; or the compared districts' this year and last year)."""
    table = document.add_table(rows=1, cols=3 + len(compared))
    table.style = "Table Grid"
    _header(table, header)
    for code in INDICATOR_CODES:
        cells = table.add_row().cells
        cells[0].text = words.indicator_names[code]
        cells[1].text = _shown(code, group.totals.get(code), words)
        cells[2].text = _shown(code, group.medians.get(code), words)
        for cell, other in zip(cells[3:], compared, strict=True):
            cell.text = _shown(code, other.totals.get(code) if other else None, words)


def _standing(
    document: DocumentObject,
    code: str,
    values: Sequence[tuple[str, float | None]],
    median: float | None,
    words: NoteWords,
) -> None:
    """The named values of one indicator above, on and below the median, highest first (in
    their given order when equal); the «on» line only when some value is on it."""
    if median is None:
        return
    groups: dict[Standing, list[str]] = {s: [] for s in Standing}
    given = [(name, value) for name, value in values if value is not None]
    for name, value in sorted(given, key=lambda item: -item[1]):
        place = standing(value, median)
        if place is not None:
            groups[place].append(
                words.school_figure.format(school=name, value=indicator_figure(code, value))
            )
    label, figure = words.indicator_names[code], indicator_figure(code, median)
    for place, template in (
        (Standing.ABOVE, words.above),
        (Standing.EQUAL, words.on_median),
        (Standing.BELOW, words.below),
    ):
        if place is Standing.EQUAL and not groups[place]:
            continue
        schools = "; ".join(groups[place]) or words.no_schools
        document.add_paragraph(
            template.format(name=label, median=figure, schools=schools), style="List Bullet"
        )


def _font(style: BaseStyle) -> None:
    """Times New Roman for every script, in place of the template's theme fonts (a theme
    attribute wins over a font's name, so they are dropped)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _begin(
    summary: MonitoringSummary, words: NoteWords, where: str, tz: ZoneInfo
) -> DocumentObject:
    """An A4 document with the note's fonts (black Times New Roman headings), margins,
    language and properties; its title, subtitle and draft line."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    _font(normal)
    # the spelling language of the text (every style here is based on Normal)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    normal.element.get_or_add_rPr().append(language)
    for name in HEADINGS:
        heading = document.styles[name]
        _font(heading)
        heading.font.color.rgb = RGBColor(0, 0, 0)
    for section in document.sections:
        section.page_width, section.page_height = A4
        section.left_margin = section.right_margin = Cm(2)
    title = words.title.format(year=school_year(summary.year))
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = ""
    properties.comments = ""
    properties.language = LANGUAGE
    created = summary.now.astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = created
    properties.revision = 1
    document.add_heading(title, level=1)
    document.add_paragraph(
        words.subtitle.format(where=where, today=fmt_date(summary.now.astimezone(tz).date()))
    )
    draft = document.add_paragraph()
    draft.add_run(words.draft).italic = True
    return document


def _figures(
    document: DocumentObject,
    participation: str,
    group: GroupIndicators,
    last_group: GroupIndicators | None,
    words: NoteWords,
) -> None:
    document.add_heading(words.figures_heading, level=2)
    document.add_paragraph(f"{participation} {words.counted}")
    sentences = figure_sentences(group, last_group, words)
    document.add_paragraph(" ".join(sentences) if sentences else words.no_figures)


def _charts(
    document: DocumentObject, charts: Sequence[tuple[str, bytes]], words: NoteWords
) -> None:
    if not charts:
        return
    document.add_heading(words.charts_heading, level=2)
    for caption, png in charts:
        document.add_picture(io.BytesIO(png), width=Cm(16))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _missing_school(school: MissingSchool, words: NoteWords) -> str:
    return f"{school.name} ({words.missing_state[school.state.value]})"


def _saved(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def note_docx(
    summary: MonitoringSummary,
    words: NoteWords,
    tz: ZoneInfo,
    charts: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """The note of the summary's first district; ``charts`` are (caption, PNG) to embed."""
    district = summary.districts[0]
    document = _begin(summary, words, district.name, tz)
    _figures(
        document,
        words.participation(len(district.rows), district.schools),
        district.group,
        district.last_group,
        words,
    )

    document.add_heading(words.table_heading, level=2)
    _table(document, district.group, [district.last_group], words.table_header, words)

    _charts(document, charts, words)

    document.add_heading(words.standing_heading, level=2)
    for code in MAIN_INDICATORS:
        values = [(row.name, row.indicators.get(code)) for row in district.rows]
        _standing(document, code, values, district.group.medians.get(code), words)

    document.add_heading(words.missing_heading, level=2)
    if district.missing:
        document.add_paragraph(words.missing_intro(len(district.missing)))
        for school in district.missing:
            document.add_paragraph(_missing_school(school, words), style="List Number")
    else:
        document.add_paragraph(words.all_submitted)
    return _saved(document)


# ---- the republic ----------------------------------------------------------------------------


def districts_median(summary: MonitoringSummary, code: str) -> float | None:
    """The median of the districts' own values of an indicator (as the republic's charts
    draw it); None when no district has one."""
    values = [v for d in summary.districts if (v := d.group.totals.get(code)) is not None]
    return float(statistics.median(values)) if values else None


def _districts_table(
    document: DocumentObject,
    summary: MonitoringSummary,
    republic: GroupIndicators,
    words: NoteWords,
    rwords: RepublicNoteWords,
) -> None:
    """One row a district (its schools that submitted, its main indicators), the republic's
    row last in bold."""
    table = document.add_table(rows=1, cols=2 + len(DISTRICT_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    _header(
        table,
        [
            rwords.district_column,
            rwords.submitted_column,
            *(words.indicator_names[code] for code in DISTRICT_COLUMNS),
        ],
    )
    rows: list[tuple[str, int, int, GroupIndicators, bool]] = [
        (d.name, len(d.rows), d.schools, d.group, False) for d in summary.districts
    ]
    submitted = len(summary.rows)
    rows.append((rwords.republic_row, submitted, submitted + len(summary.missing), republic, True))
    for name, given, schools, group, bold in rows:
        cells = table.add_row().cells
        texts = [
            name,
            rwords.submitted(given, schools),
            *(_shown(code, group.totals.get(code), words) for code in DISTRICT_COLUMNS),
        ]
        for cell, text in zip(cells, texts, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = bold
    for column, width in zip(table.columns, DISTRICT_WIDTHS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = TABLE_FONT


def _republic_figures(
    document: DocumentObject,
    summary: MonitoringSummary,
    republic: GroupIndicators,
    words: NoteWords,
    rwords: RepublicNoteWords,
) -> None:
    """Who took part and the figures; when only some districts had a previous round, the
    republic's figures alone, then the comparison over those districts, saying so."""
    submitted = len(summary.rows)
    schools = submitted + len(summary.missing)
    held = len(summary.districts)
    participation = rwords.participation(submitted, schools, held + len(summary.not_held), held)
    compared = summary.compared
    if compared is None:
        _figures(document, participation, republic, summary.last_republic, words)
        return
    _figures(document, participation, republic, None, words)
    sentences = figure_sentences(compared.now, compared.before, words, compared_only=True)
    if sentences:  # no indicator with both years' figures: nothing to compare
        intro = rwords.compared.format(names=", ".join(compared.districts))
        document.add_paragraph(" ".join([intro, *sentences]))


def _republic_standing(
    document: DocumentObject,
    summary: MonitoringSummary,
    words: NoteWords,
    rwords: RepublicNoteWords,
) -> None:
    """The districts above and below the median of the districts' values, for each main
    indicator at least three districts have a value of."""
    document.add_heading(rwords.standing_heading, level=2)
    values = {
        code: [(d.name, d.group.totals.get(code)) for d in summary.districts]
        for code in MAIN_INDICATORS
    }
    enough = {
        code: sum(value is not None for _name, value in given) >= STANDING_MIN
        for code, given in values.items()
    }
    if not any(enough.values()):
        document.add_paragraph(rwords.standing_few)
        return
    document.add_paragraph(rwords.standing_intro)
    for code, given in values.items():
        if enough[code]:
            _standing(document, code, given, districts_median(summary, code), words)
        else:
            document.add_paragraph(
                rwords.standing_few_one.format(name=words.indicator_names[code]),
                style="List Bullet",
            )


def republic_note_docx(
    summary: MonitoringSummary,
    words: NoteWords,
    rwords: RepublicNoteWords,
    tz: ZoneInfo,
    charts: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """The note of the republic's summary (``republic_summary``); ``charts`` are (caption,
    PNG) to embed. ValueError for a district's summary (it has no republic's figures)."""
    republic = summary.republic
    if republic is None:
        raise ValueError("not a republic's summary")
    document = _begin(summary, words, rwords.where, tz)
    _republic_figures(document, summary, republic, words, rwords)

    document.add_heading(rwords.table_heading, level=2)
    compared = summary.compared
    if compared is None:
        _table(document, republic, [summary.last_republic], rwords.table_header, words)
    else:
        _table(document, republic, [compared.now, compared.before], rwords.compared_header, words)
        document.add_paragraph(rwords.compared_note.format(names=", ".join(compared.districts)))

    document.add_heading(rwords.districts_heading, level=2)
    _districts_table(document, summary, republic, words, rwords)

    _charts(document, charts, words)

    _republic_standing(document, summary, words, rwords)

    document.add_heading(words.missing_heading, level=2)
    if summary.not_held:
        document.add_paragraph(rwords.not_held([(d.name, d.schools) for d in summary.not_held]))
    if not summary.missing:
        document.add_paragraph(
            rwords.all_submitted_held if summary.not_held else rwords.all_submitted
        )
    for district in summary.districts:
        if not district.missing:
            continue
        document.add_paragraph(rwords.missing_intro(district.name, len(district.missing)))
        # bullets: a numbered list would go on counting from one district to the next
        for school in district.missing:
            document.add_paragraph(_missing_school(school, words), style="List Bullet")
    return _saved(document)
