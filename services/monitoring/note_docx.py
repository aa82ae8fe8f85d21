"""The analytical note of a district's round as a DOCX draft the methodist edits (python-docx).

A title; who took part; the year's figures in sentences computed from the data («Охват чтением
вырос с 62 % до 69 %» when both years exist, otherwise this year's figure alone); a table of
the indicators (the district's value, the median of its schools, last year's value); the
charts; the schools above and below the median of the main indicators; the schools that did
not submit. The words come from the caller; figures are written the Russian way.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from services.monitoring.numfmt import rounded, ru_number, ru_percent
from services.monitoring.summary import (
    INDICATOR_CODES,
    MAIN_INDICATORS,
    DistrictSummary,
    MonitoringSummary,
    Standing,
)
from services.monitoring.summary_xlsx import school_year
from services.timeutil import fmt_date

# how an indicator is written: (decimal places, a percent)
FORMATS: Mapping[str, tuple[int, bool]] = {"reading_coverage": (0, True)}


def indicator_figure(code: str, value: float) -> str:
    places, percent = FORMATS.get(code, (1, False))
    return ru_percent(value, places) if percent else ru_number(value, places)


@dataclass(frozen=True)
class Sentences:
    """One indicator's sentences: {new} and {old} are the figures as written."""

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


def figure_sentences(district: DistrictSummary, words: NoteWords) -> list[str]:
    """The year's figures as sentences, in the order of the indicators."""
    out: list[str] = []
    last = district.last_group
    for code in INDICATOR_CODES:
        templates = words.sentences.get(code)
        new = district.group.totals.get(code)
        if templates is None or new is None:
            continue
        old = last.totals.get(code) if last is not None else None
        values = {"new": indicator_figure(code, new)}
        if old is None:
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


def _table(document: DocumentObject, district: DistrictSummary, words: NoteWords) -> None:
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, words.table_header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    last = district.last_group

    def shown(code: str, value: float | None) -> str:
        return words.no_data if value is None else indicator_figure(code, value)

    for code in INDICATOR_CODES:
        cells = table.add_row().cells
        cells[0].text = words.indicator_names[code]
        cells[1].text = shown(code, district.group.totals.get(code))
        cells[2].text = shown(code, district.group.medians.get(code))
        cells[3].text = shown(code, last.totals.get(code) if last else None)


def _standing(document: DocumentObject, district: DistrictSummary, words: NoteWords) -> None:
    for code in MAIN_INDICATORS:
        median = district.group.medians.get(code)
        if median is None:
            continue
        name = words.indicator_names[code]
        groups: dict[Standing, list[str]] = {s: [] for s in Standing}
        ordered = sorted(
            (row for row in district.rows if row.indicators.get(code) is not None),
            key=lambda r: -(r.indicators[code] or 0.0),
        )
        for row in ordered:
            value = row.indicators[code]
            place = district.standing(row, code)
            if value is None or place is None:
                continue
            groups[place].append(
                words.school_figure.format(school=row.name, value=indicator_figure(code, value))
            )
        figure = indicator_figure(code, median)
        for place, template in (
            (Standing.ABOVE, words.above),
            (Standing.EQUAL, words.on_median),
            (Standing.BELOW, words.below),
        ):
            if place is Standing.EQUAL and not groups[place]:
                continue
            schools = "; ".join(groups[place]) or words.no_schools
            document.add_paragraph(
                template.format(name=name, median=figure, schools=schools), style="List Bullet"
            )


def note_docx(
    summary: MonitoringSummary,
    words: NoteWords,
    tz: ZoneInfo,
    charts: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """The note of the summary's first district; ``charts`` are (caption, PNG) to embed."""
    district = summary.districts[0]
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.add_heading(words.title.format(year=school_year(summary.year)), level=1)
    document.add_paragraph(
        words.subtitle.format(
            where=district.name, today=fmt_date(summary.now.astimezone(tz).date())
        )
    )
    draft = document.add_paragraph()
    draft.add_run(words.draft).italic = True

    document.add_heading(words.figures_heading, level=2)
    document.add_paragraph(
        f"{words.participation(len(district.rows), district.schools)} {words.counted}"
    )
    sentences = figure_sentences(district, words)
    document.add_paragraph(" ".join(sentences) if sentences else words.no_figures)

    document.add_heading(words.table_heading, level=2)
    _table(document, district, words)

    if charts:
        document.add_heading(words.charts_heading, level=2)
        for caption, png in charts:
            document.add_picture(io.BytesIO(png), width=Cm(16))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            document.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(words.standing_heading, level=2)
    _standing(document, district, words)

    document.add_heading(words.missing_heading, level=2)
    if district.missing:
        document.add_paragraph(words.missing_intro(len(district.missing)))
        for school in district.missing:
            document.add_paragraph(
                f"{school.name} ({words.missing_state[school.state.value]})",
                style="List Number",
            )
    else:
        document.add_paragraph(words.all_submitted)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
