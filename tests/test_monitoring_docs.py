"""The monitoring's documents: the summary (XLSX read back, CSV parsed back), the charts, the
analytical note (DOCX read back), the buttons on a round, the republic, and /pending.

A hand-built round of the school year 2026/27 in Иглинский район (the clock says 25.11.2026),
six schools; figures written out and the indicators computed by hand:

| school                 | status    | pup. | read | p.r. | vis. | loan | days | fund | text |
|------------------------|-----------|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|
| A МБОУ СОШ № 1 Иглино  | submitted |  500 |  400 |  350 | 8000 | 9000 |  200 | 8000 | 5000 |
| B СОШ № 2              | submitted |  200 |  100 |   90 | 1500 | 2000 |  150 | 1000 |  600 |
| C СОШ № 3              | submitted |  300 |    0 |    0 |    0 |    0 |    0 | 3000 | 2000 |
| D СОШ № 4              | accepted  |  100 |   80 |   60 | 1000 | 1600 |  100 | 2000 |  500 |
| E СОШ № 5              | returned: not data |
| F СОШ № 6              | no response |

Книгообеспеченность (fund / readers): A 20, B 10, C нет данных (zero readers), D 25; the
district 11000 / 580 = 18.9655…, the median of 20, 10, 25 = 20. Охват чтением: A 70, B 45,
C 0, D 60; the district 500 / 1100 = 45.4545… %, the median (45 + 60) / 2 = 52.5.
Last year (2025/26): A submitted (fund 7000, pupil readers 310: 17.5 and 62 %), B accepted
(10 and 45 %), C a draft (not data); the district 8000 / 500 = 16 and 400 / 700 = 57.14… %.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import monitoring_docs as mdt
from bot.texts import reports as rt
from bot.texts.plural import after_figure, agreed
from handlers.monitoring_docs import (
    district_charts,
    note_words,
    republic_note_words,
    summary_words,
)
from models import MonitoringResponse, MonitoringRound, Notification, ResponseStatus
from services.districts import create_district
from services.monitoring.answers import encode_answers
from services.monitoring.charts import Bar, ChartWords, indicator_chart
from services.monitoring.indicators import GroupIndicators
from services.monitoring.note_docx import figure_sentences, note_docx, republic_note_docx
from services.monitoring.numfmt import THIN, ru_number, ru_percent
from services.monitoring.rounds import close_round, open_round
from services.monitoring.summary import republic_summary, round_summary
from services.monitoring.summary_xlsx import FILLS, summary_csv, summary_xlsx
from services.reports.charts import MAX_BARS
from services.schools import add_school
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.harness import Client

TZ = ZoneInfo("Asia/Yekaterinburg")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NB = "\u00a0"
GREEN, RED = "C6EFCE", "FFC7CE"


def _int(code: str, label: str, unit: str, section: str = "r") -> dict[str, Any]:
    return {
        "code": code,
        "section": section,
        "label": label,
        "text": f"{label}?",
        "type": "int",
        "unit": unit,
        "min": 0,
        "max": 1_000_000,
    }


QUESTIONS: dict[str, Any] = {
    "title": "Мониторинг",
    "sections": [
        {"code": "r", "title": "Читатели"},
        {"code": "f", "title": "Фонд"},
    ],
    "questions": [
        _int("pupils", "Учащихся", "чел."),
        _int("readers", "Читателей всего", "чел."),
        _int("readers_pupils", "Читателей-учащихся", "чел."),
        _int("visits", "Посещений", "раз"),
        _int("loans", "Книговыдача", "экз."),
        _int("working_days", "Дней работы", "дн."),
        _int("fund", "Фонд, всего", "экз.", "f"),
        _int("fund_textbooks", "Учебники", "экз.", "f"),
        {
            "code": "e_catalogue",
            "section": "f",
            "label": "Электронный каталог",
            "text": "Есть ли электронный каталог?",
            "type": "bool",
            "required": False,
        },
    ],
}
KEYS = ("pupils", "readers", "readers_pupils", "visits", "loans", "working_days", "fund")
THIS_YEAR = {
    "A": (500, 400, 350, 8000, 9000, 200, 8000, 5000, True),
    "B": (200, 100, 90, 1500, 2000, 150, 1000, 600, False),
    "C": (300, 0, 0, 0, 0, 0, 3000, 2000, False),
    "D": (100, 80, 60, 1000, 1600, 100, 2000, 500, True),
    "E": (999, 999, 999, 999, 999, 99, 999, 999, True),  # returned: not data
}
LAST_YEAR = {
    "A": (500, 400, 310, 7000, 8000, 200, 7000, 5000, True),
    "B": (200, 100, 90, 1500, 2000, 150, 1000, 600, False),
    "C": (300, 100, 100, 100, 100, 100, 100, 100, False),  # a draft: not data
}
STATUS = {
    "A": ResponseStatus.SUBMITTED,
    "B": ResponseStatus.SUBMITTED,
    "C": ResponseStatus.SUBMITTED,
    "D": ResponseStatus.ACCEPTED,
    "E": ResponseStatus.RETURNED,
}
LAST_STATUS = {"A": ResponseStatus.SUBMITTED, "B": ResponseStatus.ACCEPTED, "C": "draft"}


def _answers(values: tuple[Any, ...]) -> dict[str, Any]:
    codes = (*KEYS, "fund_textbooks", "e_catalogue")
    return encode_answers(dict(zip(codes, values, strict=True)))


async def make_round(
    session: AsyncSession,
    district_id: int,
    year: int,
    clock: FixedClock,
    answers: dict[int, tuple[ResponseStatus | str, tuple[Any, ...]]],
) -> int:
    """A round of the district with these responses (school id → status, figures)."""
    round_ = await open_round(
        session,
        district_id,
        year,
        QUESTIONS,
        f"Мониторинг ШИБЦ {year}/{year + 1 - 2000}",
        clock().date(),
        datetime(2026, 12, 20, 18, 0),  # noqa: DTZ001 - a local wall time
        TZ,
        None,
        clock,
    )
    now = clock()
    for school_id, (status, values) in answers.items():
        session.add(
            MonitoringResponse(
                round_id=round_.id,
                school_id=school_id,
                status=ResponseStatus(status),
                answers=_answers(values),
                confirmed=[],
                position=0,
                version=1,
                started_at=now,
                updated_at=now,
                review_comment="",
                return_codes=[],
            )
        )
    await session.flush()
    return round_.id


@dataclass
class World:
    district_id: int
    schools: dict[str, int]
    round_id: int
    last_round_id: int


@pytest.fixture
async def world(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> World:
    district_id = district_setup.district_id
    schools = {"A": district_setup.school_id}
    async with session_pool.begin() as s:
        for letter, number in zip("BCDEF", range(2, 7), strict=True):
            school = await add_school(
                s, district_id, f"Школа № {number} полностью", f"СОШ № {number}", None, clock
            )
            schools[letter] = school.id
        last = await make_round(
            s,
            district_id,
            2025,
            clock,
            {schools[k]: (LAST_STATUS[k], v) for k, v in LAST_YEAR.items()},
        )
        last_round = await s.get(MonitoringRound, last)
        assert last_round is not None
        await close_round(s, last_round, clock)
        this = await make_round(
            s,
            district_id,
            2026,
            clock,
            {schools[k]: (STATUS[k], v) for k, v in THIS_YEAR.items()},
        )
    return World(district_id, schools, this, last)


async def _summary(
    pool: async_sessionmaker[AsyncSession], round_id: int, clock: FixedClock
) -> Any:
    async with pool() as s:
        return await round_summary(s, round_id, clock())


def _fill(sheet: Worksheet, ref: str) -> str | None:
    cell = sheet[ref]
    if cell.fill.fill_type is None:
        return None
    return str(cell.fill.fgColor.rgb)[-6:]


def _row(sheet: Worksheet, row: int, first: int, last: int) -> list[object]:
    return [sheet.cell(row, column).value for column in range(first, last + 1)]


# ---- figures -----------------------------------------------------------------------------------


def test_russian_figures() -> None:
    assert ru_number(18.4) == "18,4"
    assert ru_number(20.0) == "20"
    assert ru_number(12500) == "12\u202f500"
    assert ru_number(1250) == "1250"
    assert ru_number(62.5, 0) == "63"  # half up
    assert ru_number(-0.04) == "0"
    assert ru_percent(69.0) == f"69{NB}%"


# ---- the summary workbook ----------------------------------------------------------------------


async def test_summary_workbook_cells_totals_medians_and_fills(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    summary = await _summary(session_pool, world.round_id, clock)
    book = load_workbook(io.BytesIO(summary_xlsx(summary, summary_words(), TZ)))
    assert book.sheetnames == ["Показатели", "Читатели", "Фонд", "Не сдали", "Пояснения"]
    sheet = book["Показатели"]
    assert sheet["A1"].value == (
        "Иглинский район: мониторинг ШИБЦ 2026/27 (на 25.11.2026)\n" + mdt.COUNTED
    )
    assert _row(sheet, 2, 1, 7) == [
        "№",
        "Школа",
        "Анкета",
        "Книгообеспеченность",
        "Книгообеспеченность: к медиане",
        "Книгообеспеченность: прошлый год",
        "Книгообеспеченность: изменение",
    ]
    assert sheet["X2"].value == "Охват чтением, %"
    # the schools that submitted, in order; E (returned) and F (nothing) are not data
    assert _row(sheet, 3, 1, 3) == [1, "МБОУ СОШ № 1 с. Иглино", "отправлена"]
    assert [sheet.cell(r, 2).value for r in range(3, 7)] == [
        "МБОУ СОШ № 1 с. Иглино",
        "СОШ № 2",
        "СОШ № 3",
        "СОШ № 4",
    ]
    assert sheet["C6"].value == "принята"
    # книгообеспеченность: value, to the median (20), last year, change
    assert _row(sheet, 3, 4, 7) == [20, 1, 17.5, 2.5]
    assert _row(sheet, 4, 4, 7) == [10, 0.5, 10, 0]
    assert _row(sheet, 5, 4, 7) == ["нет данных", None, "нет данных", None]  # zero readers
    assert _row(sheet, 6, 4, 7) == [25, 1.25, "нет данных", None]  # no response last year
    assert sheet["D3"].number_format == "0.0"
    assert sheet["E3"].number_format == "0.00"
    # охват чтением (median 52.5)
    assert _row(sheet, 3, 24, 27) == [70, pytest.approx(70 / 52.5), 62, 8]
    assert _row(sheet, 5, 24, 27) == [0, 0, "нет данных", None]
    # green above the median, red below, none on it or without data
    assert _fill(sheet, "D3") is None  # 20 = the median
    assert _fill(sheet, "D4") == RED
    assert _fill(sheet, "D5") is None
    assert _fill(sheet, "D6") == GREEN
    assert _fill(sheet, "X3") == GREEN
    assert _fill(sheet, "X4") == RED
    assert _fill(sheet, "X5") == RED
    assert FILLS  # the colours the notes sheet explains
    # the district (ratio of the sums), the medians, the schools with data
    assert _row(sheet, 7, 2, 7) == [
        "По району (сумма по школам)",
        None,
        pytest.approx(11000 / 580),
        None,
        16,
        pytest.approx(11000 / 580 - 16),
    ]
    assert _row(sheet, 8, 2, 7) == ["Медиана по школам", None, 20, None, 13.75, 6.25]
    assert _row(sheet, 9, 2, 4) == ["Школ с данными", None, 3]
    assert sheet["X7"].value == pytest.approx(500 / 1100 * 100)
    assert sheet["Z7"].value == pytest.approx(400 / 700 * 100)
    assert sheet["X8"].value == 52.5
    assert sheet["Z8"].value == 53.5  # the median of 62 and 45
    assert sheet["X9"].value == 4
    assert sheet["H8"].value == pytest.approx((5 + 2000 / 300) / 2)  # textbooks per pupil
    assert sheet["AB7"].value == pytest.approx(10500 / 450)  # visits per day
    assert sheet.max_row == 9
    # frozen headers, fitting widths, printable
    assert sheet.freeze_panes == "C3"
    assert 20 <= sheet.column_dimensions["B"].width <= 45
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$2:$2"

    readers = book["Читатели"]
    assert _row(readers, 2, 1, 5) == [
        "№",
        "Школа",
        "Анкета",
        "Учащихся, чел.",
        "Читателей всего, чел.",
    ]
    assert _row(readers, 3, 4, 9) == [500, 400, 350, 8000, 9000, 200]
    assert _row(readers, 5, 4, 9) == [300, 0, 0, 0, 0, 0]
    assert _row(readers, 7, 2, 9) == ["Итого (сумма)", None, 1100, 580, 500, 10500, 12600, 450]
    assert _row(readers, 8, 2, 6) == ["Медиана по школам", None, 250, 90, 75]
    assert readers.freeze_panes == "C3"
    fund = book["Фонд"]
    assert _row(fund, 3, 4, 6) == [8000, 5000, "да"]
    assert _row(fund, 4, 4, 6) == [1000, 600, "нет"]
    assert _row(fund, 7, 4, 5) == [14000, 8100]

    missing = book["Не сдали"]
    assert _row(missing, 2, 1, 3) == ["№", "Школа", "Состояние анкеты"]
    assert _row(missing, 3, 1, 3) == [1, "СОШ № 5", "возвращена на исправление"]
    assert _row(missing, 4, 1, 3) == [2, "СОШ № 6", "не начата"]
    notes = book["Пояснения"]
    texts = [notes.cell(r, 1).value for r in range(1, notes.max_row + 1)]
    assert mdt.COUNTED in texts
    assert "Книгообеспеченность = Фонд, всего / Читателей всего" in texts
    assert "Охват чтением, % = Читателей-учащихся / Учащихся × 100 %" in texts


async def test_summary_csv_parsed_back(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    summary = await _summary(session_pool, world.round_id, clock)
    content = summary_csv(summary, summary_words())
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM for Excel
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["№", "Школа", "Анкета", "Учащихся, чел.", "Читателей всего, чел."]
    assert len(rows) == 5  # four schools that submitted
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"МБОУ СОШ № 1 с. Иглино", "СОШ № 2", "СОШ № 3", "СОШ № 4"}
    first = by_name["МБОУ СОШ № 1 с. Иглино"]
    assert first["Фонд, всего, экз."] == "8000"
    assert first["Электронный каталог"] == "да"
    assert first["Книгообеспеченность"] == "20"
    assert first["Книгообеспеченность: прошлый год"] == "17,5"
    assert first["Книгообеспеченность: изменение"] == "2,5"
    assert first["Охват чтением, %: к медиане"] == "1,33"
    assert by_name["СОШ № 3"]["Книгообеспеченность"] == "нет данных"
    assert by_name["СОШ № 3"]["Книгообеспеченность: к медиане"] == ""
    assert by_name["СОШ № 4"]["Анкета"] == "принята"


async def test_a_round_nobody_submitted(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> None:
    async with session_pool.begin() as s:
        round_id = await make_round(s, district_setup.district_id, 2026, clock, {})
    summary = await _summary(session_pool, round_id, clock)
    book = load_workbook(io.BytesIO(summary_xlsx(summary, summary_words(), TZ)))
    sheet = book["Показатели"]
    assert sheet["B3"].value == "По району (сумма по школам)"
    assert sheet["D3"].value == "нет данных"
    assert district_charts(summary) == []
    document = Document(io.BytesIO(note_docx(summary, note_words(), TZ)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Данных для расчёта показателей пока нет." in text
    assert "МБОУ СОШ № 1 с. Иглино (не начата)" in text


# ---- the charts --------------------------------------------------------------------------------


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        return image.size


async def test_charts_of_book_provision_and_coverage(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Drawn with DejaVu Sans: a missing glyph would be a warning, and warnings fail here."""
    summary = await _summary(session_pool, world.round_id, clock)
    charts = district_charts(summary)
    assert [caption for caption, _png in charts] == [
        "Книгообеспеченность по школам — Иглинский район, 2026/27",
        "Охват чтением по школам — Иглинский район, 2026/27",
    ]
    for _caption, png in charts:
        width, height = _png_size(png)
        assert 900 <= width <= 1400
        assert 300 <= height <= 1600
        assert width + height <= 10_000


def test_many_schools_are_summarized_within_telegram_limits() -> None:
    words = ChartWords(**mdt.CHART)
    bars = [Bar(f"МБОУ СОШ № {i} с. Длинное Название Села", float(i)) for i in range(120)]
    png = indicator_chart(bars, 59.5, "Книгообеспеченность", words, no_data=3)
    width, height = _png_size(png)
    assert width + height <= 10_000 and height / width <= 20
    assert height > 20 * MAX_BARS  # the first and last bars drawn, each readable
    with pytest.raises(ValueError, match="nothing"):
        indicator_chart([], None, "пусто", words)


# ---- the note ----------------------------------------------------------------------------------


def _docx_text(content: bytes) -> tuple[str, Any]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    return text, document


def _assert_official(document: Any, title: str) -> None:
    """A4 on every section; black Times New Roman headings (no theme font left); the
    properties filled, the library's own cleared; Russian the text's language."""
    for section in document.sections:
        assert abs(section.page_width.cm - 21) < 0.01
        assert abs(section.page_height.cm - 29.7) < 0.01
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        assert style.font.name == "Times New Roman"
        assert style.font.color.rgb == RGBColor(0, 0, 0)
        assert style.font.color.theme_color is None
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:hAnsiTheme")) is None
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:val")) == "ru-RU"
    properties = document.core_properties
    assert properties.author == ""
    assert properties.comments == ""
    assert properties.title == title
    assert properties.language == "ru-RU"
    # the clock's moment, 25.11.2026 (stored in UTC)
    assert properties.created.replace(tzinfo=None) == datetime(2026, 11, 25, 7, 0)  # noqa: DTZ001


async def test_note_has_the_figures_tables_charts_and_missing(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    summary = await _summary(session_pool, world.round_id, clock)
    content = note_docx(summary, note_words(), TZ, district_charts(summary))
    text, document = _docx_text(content)
    assert "Аналитическая справка по итогам мониторинга ШИБЦ за 2026/27 учебный год" in text
    assert "В мониторинге участвовали 4 из 6 школ района." in text
    assert f"Охват чтением снизился с 57{NB}% до 45{NB}%." in text
    assert "Книгообеспеченность составила 19 экз. на читателя (в прошлом году 16)." in text
    # above and below the median
    assert (
        "Книгообеспеченность: выше медианы (20) — СОШ № 4 (25)." in text
        and "Книгообеспеченность: на уровне медианы (20) — МБОУ СОШ № 1 с. Иглино (20)." in text
        and "Книгообеспеченность: ниже медианы (20) — СОШ № 2 (10)." in text
    )
    assert (
        f"Охват чтением: выше медианы (53{NB}%) — МБОУ СОШ № 1 с. Иглино (70{NB}%); "
        f"СОШ № 4 (60{NB}%)." in text
    )
    assert f"Охват чтением: ниже медианы (53{NB}%) — СОШ № 2 (45{NB}%); СОШ № 3 (0{NB}%)." in text
    # not submitted
    assert "Не сдали анкету 2 школы:" in text
    assert "СОШ № 5 (возвращена на исправление)" in text
    assert "СОШ № 6 (не начата)" in text
    # the table of indicators and the two charts
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Показатель", "По району", "Медиана по школам", "Прошлый год"]
    assert ["Книгообеспеченность", "19", "20", "16"] in rows
    assert ["Охват чтением", f"45{NB}%", f"53{NB}%", f"57{NB}%"] in rows
    assert ["Посещений в день", "23,3", "10", "24,3"] in rows  # 8500 / 350 last year
    assert len(document.inline_shapes) == 2
    # the units agree with the figures: 8100 / 1100 textbooks, 12600 / 580 loans
    assert "На одного учащегося приходится 7,4 учебника (в прошлом году 8)." in text
    assert "Читаемость выросла с 20 до 21,7 выдачи на читателя." in text
    assert "Средняя посещаемость снизилась с 24,3 до 23,3 посещения в день." in text
    _assert_official(
        document, "Аналитическая справка по итогам мониторинга ШИБЦ за 2026/27 учебный год"
    )


async def test_note_of_two_years_says_what_grew(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> None:
    school = district_setup.school_id
    async with session_pool.begin() as s:
        last = await make_round(
            s,
            district_setup.district_id,
            2025,
            clock,
            {school: (ResponseStatus.ACCEPTED, (100, 10, 62, 50, 60, 100, 171, 80, True))},
        )
        last_round = await s.get(MonitoringRound, last)
        assert last_round is not None
        await close_round(s, last_round, clock)
        this = await make_round(
            s,
            district_setup.district_id,
            2026,
            clock,
            {school: (ResponseStatus.SUBMITTED, (100, 10, 69, 50, 60, 100, 184, 80, True))},
        )
    summary = await _summary(session_pool, this, clock)
    text, _document = _docx_text(note_docx(summary, note_words(), TZ))
    assert f"Охват чтением вырос с 62{NB}% до 69{NB}%." in text
    assert "Книгообеспеченность составила 18,4 экз. на читателя (в прошлом году 17,1)." in text
    assert "Читаемость не изменилась: 6 выдач на читателя." in text
    assert "На одного учащегося приходится 0,8 учебника, как и в прошлом году." in text
    assert "Средняя посещаемость не изменилась: 0,5 посещения в день." in text
    assert "Анкету сдали все школы района." in text


# ---- the buttons on a round ------------------------------------------------------------------


def _documents(client: Client) -> list[tuple[str, bytes, str]]:
    """(file name, content, caption) of each document sent, in order."""
    out = []
    for call in client.calls("SendDocument"):
        document = call.param("document")
        out.append((document.filename, document.data, str(call.param("caption"))))
    return out


def _document(client: Client) -> tuple[str, bytes, str]:
    (one,) = _documents(client)
    return one


async def test_coordinator_gets_each_document(world: World, client: Client) -> None:
    await client.press_data(COORDINATOR, f"md:x:{world.round_id}")
    name, data, caption = _document(client)
    assert name == "monitoring_svod_2026-2027.xlsx"
    assert "Сдали анкету: 4 из 6 школ." in caption
    assert load_workbook(io.BytesIO(data))["Показатели"]["D3"].value == 20
    client.clear()
    await client.press_data(COORDINATOR, f"md:c:{world.round_id}")
    name, data, caption = _document(client)
    assert name == "monitoring_svod_2026-2027.csv"
    assert "разделитель «;»" in caption
    assert data.startswith(b"\xef\xbb\xbf")
    client.clear()
    await client.press_data(COORDINATOR, f"md:n:{world.round_id}")
    name, data, _caption = _document(client)
    assert name == "monitoring_spravka_2026-2027.docx"
    assert "Охват чтением снизился" in _docx_text(data)[0]
    client.clear()
    await client.press_data(COORDINATOR, f"md:g:{world.round_id}")
    photos = client.calls("SendPhoto")
    assert len(photos) == 2
    assert all(p.param("chat_id") == COORDINATOR.id for p in photos)
    assert photos[0].param("photo").data.startswith(PNG_SIGNATURE)


async def test_a_forged_round_is_refused(
    world: World,
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    async with session_pool.begin() as s:
        other = await create_district(s, "Тайнинский район", clock)
        other_school = await add_school(s, other.id, "Лицей полностью", "Лицей Тайна", None, clock)
        other_round = await make_round(
            s, other.id, 2026, clock, {other_school.id: (ResponseStatus.SUBMITTED, THIS_YEAR["A"])}
        )
    for action in "xcgn":
        client.clear()
        await client.press_data(COORDINATOR, f"md:{action}:{other_round}")
        assert client.alerts() == [t.STALE_BUTTON]
        assert not client.calls("SendDocument") and not client.calls("SendPhoto")
    await client.press_data(COORDINATOR, "md:x:0")
    assert client.alerts()[-1] == t.STALE_BUTTON
    await client.press_data(COORDINATOR, "md:x:999999")
    assert client.alerts()[-1] == t.STALE_BUTTON
    await client.press_data(LIBRARIAN, f"md:x:{world.round_id}")
    assert client.alerts()[-1] == t.UNHANDLED_BUTTON
    assert not client.calls("SendDocument")
    # a super-admin gets any district's round
    await client.send(ADMIN, "/start")
    client.clear()
    await client.press_data(ADMIN, f"md:x:{other_round}")
    name, _data, caption = _document(client)
    assert "Тайнинский район" in caption


async def test_super_admin_gets_the_republic(
    world: World,
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    async with session_pool.begin() as s:
        other = await create_district(s, "Тайнинский район", clock)
        lyceum = await add_school(s, other.id, "Лицей полностью", "Лицей № 1", None, clock)
        await add_school(s, other.id, "Гимназия полностью", "Гимназия № 2", None, clock)
        await make_round(
            s,
            other.id,
            2026,
            clock,
            {lyceum.id: (ResponseStatus.ACCEPTED, (400, 200, 100, 10, 10, 10, 6000, 10, True))},
        )
    await client.send(ADMIN, "/start")
    await client.send(ADMIN, "/report")
    await client.press(ADMIN, rt.BTN_SCOPE_REPUBLIC_SCHOOLS)
    assert client.buttons(ADMIN)[-2:] == [rt.BTN_MONITORING, t.BTN_BACK]
    await client.press(ADMIN, rt.BTN_MONITORING)
    assert client.buttons(ADMIN) == ["2026/27", "2025/26", t.BTN_BACK]
    assert "аналитическая справка" in client.last_text(ADMIN)
    client.clear()
    await client.press(ADMIN, "2026/27")
    # the workbook, then the note
    (name, data, caption), (note_name, _note, note_caption) = _documents(client)
    assert name == "monitoring_respublika_2026-2027.xlsx"
    assert note_name == "monitoring_spravka-respublika_2026-2027.docx"
    assert "Сдали анкету: 5 из 8 школ." in caption
    assert "Аналитическая справка (черновик) — республика, по районам, 2026/27" in note_caption
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["Районы", "Показатели"]
    districts = book["Районы"]
    assert _row(districts, 2, 1, 6) == [
        "№",
        "Район",
        "Школ",
        "Сдали",
        "Книгообеспеченность",
        "Книгообеспеченность: медиана школ",
    ]
    assert _row(districts, 3, 2, 6) == [
        "Иглинский район",
        6,
        4,
        pytest.approx(11000 / 580),
        20,
    ]
    assert _row(districts, 4, 2, 6) == ["Тайнинский район", 2, 1, 30, 30]
    # the republic: Σ fund / Σ readers over every school; the median of the schools' values
    assert _row(districts, 5, 2, 6) == ["Республика", 8, 5, pytest.approx(17000 / 780), 22.5]
    schools = book["Показатели"]
    assert [schools.cell(r, 3).value for r in range(3, 8)] == [
        "МБОУ СОШ № 1 с. Иглино",
        "СОШ № 2",
        "СОШ № 3",
        "СОШ № 4",
        "Лицей № 1",
    ]
    assert schools["B7"].value == "Тайнинский район"
    assert _fill(schools, "E7") == GREEN  # 30 above the republic's median 22.5
    assert len(client.calls("SendPhoto")) == 2


# ---- the republic's note -----------------------------------------------------------------------


def test_republic_participation_counts_schools_and_districts() -> None:
    assert mdt.republic_participation(1, 1, 1, 1) == (
        "В мониторинге участвовала 1 из 1 школы в 1 районе."
    )
    assert mdt.republic_participation(3, 4, 2, 2) == (
        "В мониторинге участвовали 3 из 4 школ в 2 районах."
    )
    assert mdt.republic_participation(40, 54, 5, 5).endswith("из 54 школ в 5 районах.")
    assert mdt.republic_participation(9, 11, 11, 11).endswith("из 11 школ в 11 районах.")
    assert mdt.republic_participation(200, 221, 21, 21).endswith("из 221 школы в 21 районе.")
    assert mdt.republic_participation(50, 60, 22, 22).endswith("в 22 районах.")
    assert mdt.republic_participation(21, 30, 2, 2).startswith("В мониторинге участвовала 21 ")
    assert mdt.republic_participation(11, 30, 2, 2).startswith("В мониторинге участвовали 11 ")
    # some districts held no round: the schools counted are those of the districts that did
    assert mdt.republic_participation(5, 8, 3, 2) == (
        "Мониторинг проводился в 2 районах из 3; в нём участвовали 5 из 8 школ этих районов."
    )
    assert mdt.republic_participation(1, 1, 3, 1) == (
        "Мониторинг проводился в 1 районе из 3; в нём участвовала 1 из 1 школы этого района."
    )
    assert mdt.district_missing("Учалинский район", 1) == (
        "Учалинский район: не сдала анкету 1 школа:"
    )
    assert mdt.district_missing("Учалинский район", 11) == (
        "Учалинский район: не сдали анкету 11 школ:"
    )
    assert mdt.district_missing("Учалинский район", 21) == (
        "Учалинский район: не сдала анкету 21 школа:"
    )
    assert mdt.district_submitted(4, 6) == "сдали 4 из 6"
    assert mdt.not_held([("Белебеевский район", 1), ("Бирский район", 5)]) == (
        "Мониторинг не проводился: Белебеевский район (1 школа), Бирский район (5 школ)."
    )


@pytest.mark.parametrize(
    ("figure", "textbooks", "loans", "visits"),
    [
        ("1", "учебник", "выдача", "посещение"),
        ("2", "учебника", "выдачи", "посещения"),
        ("5", "учебников", "выдач", "посещений"),
        ("11", "учебников", "выдач", "посещений"),
        ("21", "учебник", "выдача", "посещение"),
        ("8,5", "учебника", "выдачи", "посещения"),
        ("0,1", "учебника", "выдачи", "посещения"),
        (f"12{THIN}502", "учебника", "выдачи", "посещения"),
    ],
)
def test_units_agree_with_the_figure_as_written(
    figure: str, textbooks: str, loans: str, visits: str
) -> None:
    assert after_figure(figure, "учебник", "учебника", "учебников") == textbooks
    assert mdt.unit("textbooks_per_pupil", figure) == textbooks
    assert mdt.unit("reading_rate", figure) == loans
    assert mdt.unit("attendance", figure) == visits
    assert mdt.unit("visits_per_day", figure) == visits
    assert mdt.unit("fund_turnover", figure) == ""  # no unit in its sentences


def test_verbs_agree_with_the_count() -> None:
    assert [agreed(n, "сдала", "сдали") for n in (1, 2, 5, 11, 21, 111, 101)] == [
        "сдала",
        "сдали",
        "сдали",
        "сдали",
        "сдала",
        "сдали",
        "сдала",
    ]
    assert mdt.participation(1, 1) == "В мониторинге участвовала 1 из 1 школы района."
    assert mdt.participation(2, 5) == "В мониторинге участвовали 2 из 5 школ района."
    assert mdt.participation(11, 21) == "В мониторинге участвовали 11 из 21 школы района."
    assert mdt.participation(21, 25) == "В мониторинге участвовала 21 из 25 школ района."
    assert mdt.missing_intro(1) == "Не сдала анкету 1 школа:"
    assert mdt.missing_intro(2) == "Не сдали анкету 2 школы:"
    assert mdt.missing_intro(5) == "Не сдали анкету 5 школ:"
    assert mdt.missing_intro(11) == "Не сдали анкету 11 школ:"
    assert mdt.missing_intro(21) == "Не сдала анкету 21 школа:"


def test_sentences_put_the_unit_after_the_new_figure() -> None:
    words = note_words()
    this_year = GroupIndicators(
        totals={"textbooks_per_pupil": 8.5, "reading_rate": 19.0, "visits_per_day": 20.0},
        medians={},
        schools={},
    )
    last_year = GroupIndicators(
        totals={"textbooks_per_pupil": 1.0, "reading_rate": 20.0, "visits_per_day": 24.3},
        medians={},
        schools={},
    )
    assert figure_sentences(this_year, None, words) == [
        "На одного учащегося приходится 8,5 учебника.",
        "Читаемость — 19 выдач на читателя.",
        "Средняя посещаемость — 20 посещений в день.",
    ]
    assert figure_sentences(this_year, last_year, words) == [
        "На одного учащегося приходится 8,5 учебника (в прошлом году 1).",
        "Читаемость снизилась с 20 до 19 выдач на читателя.",
        "Средняя посещаемость снизилась с 24,3 до 20 посещений в день.",
    ]
    single = GroupIndicators(
        totals={"textbooks_per_pupil": 1.0, "reading_rate": 21.0, "attendance": 2.0},
        medians={},
        schools={},
    )
    assert figure_sentences(single, None, words) == [
        "На одного учащегося приходится 1 учебник.",
        "Читаемость — 21 выдача на читателя.",
        "Посещаемость — 2 посещения на читателя.",
    ]


def _paragraphs_after(document: Any, heading: str) -> list[str]:
    """The paragraphs between a heading and the next one."""
    texts = [(p.text, p.style.name) for p in document.paragraphs]
    start = texts.index((heading, "Heading 2")) + 1
    out = []
    for text, style in texts[start:]:
        if style.startswith("Heading"):
            break
        out.append(text)
    return out


async def test_super_admin_gets_the_republic_note(
    world: World,
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    """Four districts this year (the school year 2026/27), no round of theirs last year but
    Иглинский's:

    | district   | school           | status    | pup. | read | p.r. | loan | fund |
    |------------|------------------|-----------|-----:|-----:|-----:|-----:|-----:|
    | Иглинский  | A–F as above: 4 of 6 submitted; 11000 / 580 = 19, 45 %, 12600 / 580 = 21,7 |
    | Тайнинский | Лицей № 1        | accepted  |  400 |  200 |  100 | 3000 | 6000 |
    |            | Гимназия № 2     | nothing   |
    | Учалинский | СОШ № 1 Учалы    | nothing   |
    | Янаульский | Школа № 1 Янаул  | submitted |  200 |   50 |   40 | 1000 | 1000 |
    |            | Школа № 2 Янаул  | accepted  |  300 |  150 |  120 | 2000 | 2000 |

    The republic: книгообеспеченность 20000 / 980 = 20,4, the median of the schools' 20, 10,
    25, 30, 20, 13,3 = 20; охват чтением 760 / 2000 = 38 %, the schools' median 40 %;
    читаемость 18600 / 980 = 19. Last year only Иглинский had a round, so the comparison is
    Иглинский's alone: книгообеспеченность 19 (last year A and B: 8000 / 500 = 16), охват 45 %
    (400 / 700 = 57 %), читаемость 12600 / 580 = 21,7 (10000 / 500 = 20) — not the
    republic's 38 % against Иглинский's 57 %. The districts: книгообеспеченность 19, 30, нет
    данных, 15 (their median 19); охват 45 %, 25 %, нет данных, 32 % (median 32 %).
    """
    async with session_pool.begin() as s:
        tayna = await create_district(s, "Тайнинский район", clock)
        lyceum = await add_school(s, tayna.id, "Лицей полностью", "Лицей № 1", None, clock)
        await add_school(s, tayna.id, "Гимназия полностью", "Гимназия № 2", None, clock)
        await make_round(
            s,
            tayna.id,
            2026,
            clock,
            {
                lyceum.id: (
                    ResponseStatus.ACCEPTED,
                    (400, 200, 100, 1500, 3000, 150, 6000, 3000, True),
                )
            },
        )
        uchaly = await create_district(s, "Учалинский район", clock)
        await add_school(s, uchaly.id, "Школа Учалы полностью", "СОШ № 1 Учалы", None, clock)
        await make_round(s, uchaly.id, 2026, clock, {})
        yanaul = await create_district(s, "Янаульский район", clock)
        first = await add_school(s, yanaul.id, "Школа 1 полностью", "Школа № 1 Янаул", None, clock)
        second = await add_school(
            s, yanaul.id, "Школа 2 полностью", "Школа № 2 Янаул", None, clock
        )
        await make_round(
            s,
            yanaul.id,
            2026,
            clock,
            {
                first.id: (
                    ResponseStatus.SUBMITTED,
                    (200, 50, 40, 500, 1000, 100, 1000, 400, False),
                ),
                second.id: (
                    ResponseStatus.ACCEPTED,
                    (300, 150, 120, 900, 2000, 150, 2000, 900, True),
                ),
            },
        )
    await client.send(ADMIN, "/start")
    await client.send(ADMIN, "/report")
    await client.press(ADMIN, rt.BTN_SCOPE_REPUBLIC)
    await client.press(ADMIN, rt.BTN_MONITORING)
    client.clear()
    await client.press(ADMIN, "2026/27")
    (xlsx_name, _xlsx, _caption), (name, data, caption) = _documents(client)
    assert xlsx_name == "monitoring_respublika_2026-2027.xlsx"
    assert name == "monitoring_spravka-respublika_2026-2027.docx"
    assert caption == (
        "Аналитическая справка (черновик) — республика, по районам, 2026/27. Проверьте и "
        "дополните текст в Word.\nСдали анкету: 7 из 11 школ."
    )
    assert len(client.calls("SendPhoto")) == 2  # the charts still come as pictures too

    text, document = _docx_text(data)
    assert "Аналитическая справка по итогам мониторинга ШИБЦ за 2026/27 учебный год" in text
    assert "По районам республики. Составлена по данным мониторинга на 25.11.2026." in text
    figures = _paragraphs_after(document, "Основные показатели")
    assert figures[0] == (
        "В мониторинге участвовали 7 из 11 школ в 4 районах. "
        "Учтены отправленные и принятые анкеты."
    )
    # the republic's own figures alone, then last year's over the districts of both years
    assert figures[1].startswith(
        "Книгообеспеченность составила 20,4 экз. на читателя. На одного учащегося приходится "
        "6,2 учебника. Читаемость — 19 выдач на читателя."
    )
    assert f"Охват чтением составил 38{NB}%." in figures[1]
    assert "(в прошлом году" not in figures[1]
    assert figures[2].startswith(
        "Сравнение с прошлым годом — по районам, проводившим мониторинг оба года: "
        "Иглинский район. Книгообеспеченность составила 19 экз. на читателя (в прошлом году "
        "16). "
    )
    assert "Читаемость выросла с 20 до 21,7 выдачи на читателя." in figures[2]
    assert f"Охват чтением снизился с 57{NB}% до 45{NB}%." in figures[2]
    assert "Средняя посещаемость снизилась с 24,3 до 23,3 посещения в день." in figures[2]
    assert f"до 38{NB}%" not in text

    indicators, districts = document.tables
    rows = [[cell.text for cell in row.cells] for row in indicators.rows]
    assert rows[0] == [
        "Показатель",
        "По республике",
        "Медиана по школам",
        "Этот год*",
        "Прошлый год*",
    ]
    assert ["Книгообеспеченность", "20,4", "20", "19", "16"] in rows
    assert ["Охват чтением", f"38{NB}%", f"40{NB}%", f"45{NB}%", f"57{NB}%"] in rows
    assert _paragraphs_after(document, "Показатели республики")[-1] == (
        "* По районам, проводившим мониторинг оба года: Иглинский район."
    )
    assert [[cell.text for cell in row.cells] for row in districts.rows] == [
        ["Район", "Анкеты", "Книгообеспеченность", "Охват чтением", "Читаемость"],
        ["Иглинский район", "сдали 4 из 6", "19", f"45{NB}%", "21,7"],
        ["Тайнинский район", "сдали 1 из 2", "30", f"25{NB}%", "15"],
        ["Учалинский район", "сдали 0 из 1", "нет данных", "нет данных", "нет данных"],
        ["Янаульский район", "сдали 2 из 2", "15", f"32{NB}%", "15"],
        ["Республика", "сдали 7 из 11", "20,4", f"38{NB}%", "19"],
    ]
    assert all(run.bold for run in districts.rows[-1].cells[0].paragraphs[0].runs)
    # the table fits between the margins of A4 portrait
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    assert section.page_width < section.page_height
    assert sum(column.width for column in districts.columns) <= usable

    assert len(document.inline_shapes) == 2
    assert "Книгообеспеченность по районам — 2026/27" in text
    assert "Охват чтением по районам — 2026/27" in text

    assert _paragraphs_after(document, "Районы выше и ниже медианы")[1:] == [
        "Книгообеспеченность: выше медианы (19) — Тайнинский район (30).",
        "Книгообеспеченность: на уровне медианы (19) — Иглинский район (19).",
        "Книгообеспеченность: ниже медианы (19) — Янаульский район (15).",
        f"Охват чтением: выше медианы (32{NB}%) — Иглинский район (45{NB}%).",
        f"Охват чтением: на уровне медианы (32{NB}%) — Янаульский район (32{NB}%).",
        f"Охват чтением: ниже медианы (32{NB}%) — Тайнинский район (25{NB}%).",
    ]
    assert _paragraphs_after(document, "Не сдали анкету") == [
        "Иглинский район: не сдали анкету 2 школы:",
        "СОШ № 5 (возвращена на исправление)",
        "СОШ № 6 (не начата)",
        "Тайнинский район: не сдала анкету 1 школа:",
        "Гимназия № 2 (не начата)",
        "Учалинский район: не сдала анкету 1 школа:",
        "СОШ № 1 Учалы (не начата)",
    ]


async def test_republic_note_when_every_school_submitted(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> None:
    school = district_setup.school_id
    async with session_pool.begin() as s:
        round_id = await make_round(
            s,
            district_setup.district_id,
            2026,
            clock,
            {school: (ResponseStatus.SUBMITTED, THIS_YEAR["A"])},
        )
    async with session_pool() as s:
        summary = await republic_summary(s, 2026, clock())
    text, document = _docx_text(
        republic_note_docx(summary, note_words(), republic_note_words(), TZ)
    )
    assert "В мониторинге участвовала 1 из 1 школы в 1 районе." in text
    assert "Книгообеспеченность составила 20 экз. на читателя." in text  # no last year
    assert "Сравнение с прошлым годом" not in text
    assert _paragraphs_after(document, "Районы выше и ниже медианы") == [
        "Районов с данными меньше трёх: сравнение с медианой не приводится."
    ]
    _assert_official(
        document, "Аналитическая справка по итогам мониторинга ШИБЦ за 2026/27 учебный год"
    )
    assert _paragraphs_after(document, "Не сдали анкету") == [
        "Анкету сдали все школы всех районов."
    ]
    assert not document.inline_shapes
    # a district's summary has no republic's figures
    district = await _summary(session_pool, round_id, clock)
    with pytest.raises(ValueError, match="republic"):
        republic_note_docx(district, note_words(), republic_note_words(), TZ)


LYCEUM = (400, 200, 100, 1500, 3000, 150, 6000, 3000, True)
TITLE = "Аналитическая справка по итогам мониторинга ШИБЦ за 2026/27 учебный год"


async def _tayna(session: AsyncSession, clock: FixedClock, *, last_year: bool) -> tuple[int, int]:
    """Тайнинский район: Лицей № 1 accepted this year (fund 6000, 200 readers, 100 of 400
    pupils reading), Гимназия № 2 nothing; last year, if asked, Лицей № 1 accepted with a
    fund of 4000 (the same readers)."""
    tayna = await create_district(session, "Тайнинский район", clock)
    lyceum = await add_school(session, tayna.id, "Лицей полностью", "Лицей № 1", None, clock)
    await add_school(session, tayna.id, "Гимназия полностью", "Гимназия № 2", None, clock)
    if last_year:
        old = await make_round(
            session,
            tayna.id,
            2025,
            clock,
            {lyceum.id: (ResponseStatus.ACCEPTED, (*LYCEUM[:6], 4000, *LYCEUM[7:]))},
        )
        old_round = await session.get(MonitoringRound, old)
        assert old_round is not None
        await close_round(session, old_round, clock)
    await make_round(
        session, tayna.id, 2026, clock, {lyceum.id: (ResponseStatus.ACCEPTED, LYCEUM)}
    )
    return tayna.id, lyceum.id


async def test_republic_compares_the_whole_republic_when_every_district_had_a_round(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Иглинский and Тайнинский both had a round last year: the republic against the
    republic. Книгообеспеченность 17000 / 780 = 21,8 (last year (8000 + 4000) / 700 = 17,1);
    охват чтением 600 / 1500 = 40 % (last year 500 / 1100 = 45 %)."""
    async with session_pool.begin() as s:
        await _tayna(s, clock, last_year=True)
    async with session_pool() as s:
        summary = await republic_summary(s, 2026, clock())
    assert summary.compared is None and summary.not_held == []
    assert summary.last_republic is not None
    assert summary.last_republic.totals["book_provision"] == pytest.approx(12000 / 700)
    text, document = _docx_text(
        republic_note_docx(summary, note_words(), republic_note_words(), TZ)
    )
    assert "В мониторинге участвовали 5 из 8 школ в 2 районах." in text
    assert "Книгообеспеченность составила 21,8 экз. на читателя (в прошлом году 17,1)." in text
    assert f"Охват чтением снизился с 45{NB}% до 40{NB}%." in text
    assert "Сравнение с прошлым годом" not in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Показатель", "По республике", "Медиана по школам", "Прошлый год"]
    assert ["Книгообеспеченность", "21,8", "22,5", "17,1"] in rows
    # the workbook by school: last year and the change on the republic's row
    book = load_workbook(
        io.BytesIO(summary_xlsx(summary, summary_words(), TZ, republic=True, by_school=True))
    )
    sheet = book["Показатели"]
    assert _row(sheet, 8, 3, 8) == [
        "Республика",
        None,
        pytest.approx(17000 / 780),
        None,
        pytest.approx(12000 / 700),
        pytest.approx(17000 / 780 - 12000 / 700),
    ]
    assert sheet.max_row == 9  # the republic and the median: no row of some districts


async def test_republic_note_with_a_district_without_a_round(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Иглинский (a round both years), Тайнинский (this year only), Белебеевский (one school,
    no round): the participation counts the schools of the two districts holding it and says
    so, Белебеевский is named, last year is Иглинский's alone (19 against 16), and two
    districts are too few for the median of the districts."""
    async with session_pool.begin() as s:
        await _tayna(s, clock, last_year=False)
        belebey = await create_district(s, "Белебеевский район", clock)
        await add_school(s, belebey.id, "Школа Белебей полностью", "СОШ № 1 Белебей", None, clock)
    async with session_pool() as s:
        summary = await republic_summary(s, 2026, clock())
    assert [(d.name, d.schools) for d in summary.not_held] == [("Белебеевский район", 1)]
    assert summary.compared is not None
    assert summary.compared.districts == ("Иглинский район",)
    assert summary.compared.now.totals["book_provision"] == pytest.approx(11000 / 580)
    assert summary.last_republic is summary.compared.before

    text, document = _docx_text(
        republic_note_docx(summary, note_words(), republic_note_words(), TZ)
    )
    figures = _paragraphs_after(document, "Основные показатели")
    assert figures[0].startswith(
        "Мониторинг проводился в 2 районах из 3; в нём участвовали 5 из 8 школ этих районов."
    )
    assert figures[1].startswith("Книгообеспеченность составила 21,8 экз. на читателя. ")
    assert figures[2].startswith(
        "Сравнение с прошлым годом — по районам, проводившим мониторинг оба года: "
        "Иглинский район. Книгообеспеченность составила 19 экз. на читателя (в прошлом году 16)."
    )
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert ["Книгообеспеченность", "21,8", "22,5", "19", "16"] in rows
    assert _paragraphs_after(document, "Районы выше и ниже медианы") == [
        "Районов с данными меньше трёх: сравнение с медианой не приводится."
    ]
    assert _paragraphs_after(document, "Не сдали анкету") == [
        "Мониторинг не проводился: Белебеевский район (1 школа).",
        "Иглинский район: не сдали анкету 2 школы:",
        "СОШ № 5 (возвращена на исправление)",
        "СОШ № 6 (не начата)",
        "Тайнинский район: не сдала анкету 1 школа:",
        "Гимназия № 2 (не начата)",
    ]
    _assert_official(document, TITLE)

    book = load_workbook(
        io.BytesIO(summary_xlsx(summary, summary_words(), TZ, republic=True, by_school=True))
    )
    districts = book["Районы"]
    assert [districts.cell(r, 2).value for r in range(3, 6)] == [
        "Иглинский район",
        "Тайнинский район",
        "Республика",
    ]
    assert districts["B7"].value == "Мониторинг не проводился: Белебеевский район (1 школа)."
    # the republic's row has no last year; the row of the districts of both years has it
    sheet = book["Показатели"]
    assert _row(sheet, 8, 3, 8) == [
        "Республика",
        None,
        pytest.approx(17000 / 780),
        None,
        None,
        None,
    ]
    assert _row(sheet, 10, 2, 8) == [
        "Иглинский район",
        "Районы, проводившие мониторинг оба года",
        None,
        pytest.approx(11000 / 580),
        None,
        16,
        pytest.approx(11000 / 580 - 16),
    ]


async def test_republic_standing_only_for_an_indicator_of_three_districts(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Янаульский's school has no pupils given (zero): three districts have книгообеспеченность
    (19, 30, 10: median 19), two охват чтением."""
    async with session_pool.begin() as s:
        await _tayna(s, clock, last_year=False)
        yanaul = await create_district(s, "Янаульский район", clock)
        school = await add_school(s, yanaul.id, "Школа полностью", "Школа № 1 Янаул", None, clock)
        await make_round(
            s,
            yanaul.id,
            2026,
            clock,
            {school.id: (ResponseStatus.SUBMITTED, (0, 100, 0, 500, 1000, 100, 1000, 0, False))},
        )
    async with session_pool() as s:
        summary = await republic_summary(s, 2026, clock())
    _text, document = _docx_text(
        republic_note_docx(summary, note_words(), republic_note_words(), TZ)
    )
    assert _paragraphs_after(document, "Районы выше и ниже медианы") == [
        "Медиана взята по значениям районов; значение района — сумма по его школам "
        "(как в таблице выше).",
        "Книгообеспеченность: выше медианы (19) — Тайнинский район (30).",
        "Книгообеспеченность: на уровне медианы (19) — Иглинский район (19).",
        "Книгообеспеченность: ниже медианы (19) — Янаульский район (10).",
        "Охват чтением: районов с данными меньше трёх, сравнение с медианой не приводится.",
    ]


async def test_republic_note_every_school_of_the_districts_holding_it_submitted(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> None:
    async with session_pool.begin() as s:
        await make_round(
            s,
            district_setup.district_id,
            2026,
            clock,
            {district_setup.school_id: (ResponseStatus.SUBMITTED, THIS_YEAR["A"])},
        )
        await create_district(s, "Бирский район", clock)  # no schools yet, no round
    async with session_pool() as s:
        summary = await republic_summary(s, 2026, clock())
    text, document = _docx_text(
        republic_note_docx(summary, note_words(), republic_note_words(), TZ)
    )
    assert (
        "Мониторинг проводился в 1 районе из 2; в нём участвовала 1 из 1 школы этого района."
        in text
    )
    assert _paragraphs_after(document, "Не сдали анкету") == [
        "Мониторинг не проводился: Бирский район (0 школ).",
        "Анкету сдали все школы районов, где проводился мониторинг.",
    ]


async def test_coordinator_cannot_ask_for_the_republic(world: World, client: Client) -> None:
    await client.press_data(COORDINATOR, "mr:x:2026:1")
    assert client.alerts()[-1] == t.UNHANDLED_BUTTON
    assert not client.calls("SendDocument")


# ---- /pending ----------------------------------------------------------------------------------


async def _nudges(pool: async_sessionmaker[AsyncSession]) -> list[tuple[str, int]]:
    async with pool() as s:
        rows = await s.execute(
            select(Notification.dedupe_key, Notification.chat_id)
            .where(Notification.purpose == "nudge")
            .order_by(Notification.id)
        )
        return [(key, chat) for key, chat in rows.all()]


async def test_pending_lists_who_has_not_answered_and_reminds_once_a_day(
    world: World,
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, world.schools["E"])  # returned
    await join_school(client, OTHER, session_pool, world.schools["A"])  # submitted
    client.clear()
    await client.send(COORDINATOR, "/pending")
    assert client.last_text(COORDINATOR) == mdt.PENDING_PICK
    assert client.buttons(COORDINATOR) == ["📋 Мониторинг ШИБЦ 2026/27"]
    await client.press(COORDINATOR, "📋 Мониторинг ШИБЦ 2026/27")
    text = client.last_text(COORDINATOR)
    assert "Не ответили 2 из 6 школ:" in text
    assert "1. СОШ № 5\n2. СОШ № 6" in text
    assert "СОШ № 2" not in text
    assert client.buttons(COORDINATOR) == [mdt.BTN_REMIND, t.BTN_BACK]
    await client.press(COORDINATOR, mdt.BTN_REMIND)
    assert client.alerts()[-1] == mdt.reminded(1)
    nudges = await _nudges(session_pool)
    assert [chat for _key, chat in nudges] == [LIBRARIAN.id]  # only the school not answered
    assert "2026-11-25" in nudges[0][0]
    # a second press the same day: nothing planned, says when it is possible again
    await client.press(COORDINATOR, mdt.BTN_REMIND)
    assert client.alerts()[-1] == mdt.REMINDED_AGAIN.format(day="26.11.2026")
    assert len(await _nudges(session_pool)) == 1
    # the next day it may remind again
    clock.now += timedelta(days=1)
    await client.press(COORDINATOR, mdt.BTN_REMIND)
    assert client.alerts()[-1] == mdt.reminded(1)
    assert len(await _nudges(session_pool)) == 2
    await client.press(COORDINATOR, t.BTN_BACK)
    assert client.last_text(COORDINATOR) == mdt.PENDING_PICK


async def test_pending_refuses_another_districts_event(
    world: World,
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    async with session_pool.begin() as s:
        other = await create_district(s, "Тайнинский район", clock)
        round_id = await make_round(s, other.id, 2026, clock, {})
        other_round = await s.get(MonitoringRound, round_id)
        assert other_round is not None
        event_id = other_round.event_id
    for action in "or":
        client.clear()
        await client.press_data(COORDINATOR, f"pn:{action}:{event_id}:0")
        assert client.alerts() == [t.FORBIDDEN_BUTTON]
    assert await _nudges(session_pool) == []
    await client.send(LIBRARIAN, "/pending")
    assert client.last_text(LIBRARIAN) in (t.FORBIDDEN_COMMAND, t.GUEST_COMMAND)


async def test_pending_without_open_events(
    client: Client, district_setup: DistrictSetup, catalogue: None
) -> None:
    await client.send(COORDINATOR, "/pending")
    assert client.last_text(COORDINATOR) == mdt.PENDING_NONE


async def test_last_year_is_the_year_before_not_an_older_one(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """A district that skipped last year's monitoring has no comparison: its round of two
    years ago is not «last year»."""
    assert (await _summary(session_pool, world.round_id, clock)).districts[0].last_group
    async with session_pool.begin() as s:
        older = await s.get(MonitoringRound, world.last_round_id)
        assert older is not None
        older.year = 2024
    district = (await _summary(session_pool, world.round_id, clock)).districts[0]
    assert district.last_group is None
    assert all(value is None for row in district.rows for value in row.last_year.values())
