"""/report: the completion report (a workbook read back with openpyxl) and the chart.

One district, three schools, three events of the school year 2026/27 (the clock says
25.11.2026), each school in a different state:

| column: event, deadline          | row 3: СОШ № 1       | row 4: СОШ № 2    | row 5: СОШ № 3 |
|-----------------------------------|----------------------|-------------------|----------------|
| C «Конкурс чтецов», 20.11         | on review, late      | returned          | late           |
| D «Неделя детской книги», 05.12   | accepted             | on review, a link | not yet due    |
| E «Встреча с писателем», № 1 only | not yet due          | —                 | —              |

An event of last year and a draft are not in the report.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import reports as rt
from handlers.reports import report_words
from models import Event, EventKind, EventStatus, EvidenceKind, School, User
from services.confirmations import Draft, EvidenceItem, review, submit
from services.contests.entries import submit_entry
from services.contests.setup import get_contest
from services.districts import create_district
from services.events import EventInput, create_event, set_status, toggle_audience_school
from services.fonts import font_files
from services.reports.charts import MAX_BARS, chart_font, share_chart
from services.reports.completion import EventShare, MarkStatus, completion_report, event_shares
from services.reports.completion_xlsx import FILLS, completion_xlsx
from services.reports.periods import Period, PeriodKind, period_of
from services.schools import add_school
from services.users import get_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    STRANGER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.contest_helpers import entry_input, make_contest
from tests.harness import Client

TZ = ZoneInfo("Asia/Yekaterinburg")
YEAR = Period(date(2026, 9, 1), date(2027, 8, 31))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class World:
    district_id: int
    schools: tuple[int, int, int]
    contest_late: int  # «Конкурс чтецов»
    week: int  # «Неделя детской книги»
    chosen: int  # «Встреча с писателем»


async def _event(
    session: AsyncSession,
    clock: FixedClock,
    district_id: int,
    title: str,
    starts: date,
    ends: date,
    deadline: datetime,
    activity: int | None,
    status: EventStatus = EventStatus.OPEN,
) -> int:
    event = await create_event(
        session,
        district_id,
        EventInput(
            title=title,
            kind=EventKind.ACTIVITY,
            starts_on=starts,
            ends_on=ends,
            deadline_local=deadline,
            activity_number=activity,
        ),
        TZ,
        clock,
    )
    if status is EventStatus.OPEN:
        await set_status(session, event, EventStatus.OPEN, clock)
    return event.id


async def _user(session: AsyncSession, telegram_id: int) -> User:
    user = await get_user(session, telegram_id)
    assert user is not None
    return user


@pytest.fixture
async def world(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> World:
    district_id = district_setup.district_id
    async with session_pool.begin() as s:
        second = await add_school(s, district_id, "Школа № 2 полностью", "СОШ № 2", None, clock)
        third = await add_school(s, district_id, "Школа № 3 полностью", "СОШ № 3", None, clock)
        schools = (district_setup.school_id, second.id, third.id)
        contest_late = await _event(
            s,
            clock,
            district_id,
            "Конкурс чтецов",
            date(2026, 11, 1),
            date(2026, 11, 20),
            datetime(2026, 11, 20, 18, 0),  # noqa: DTZ001 - local wall time
            activity=5,  # section 3
        )
        week = await _event(
            s,
            clock,
            district_id,
            "Неделя детской книги",
            date(2026, 11, 1),
            date(2026, 11, 30),
            datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001
            activity=1,  # section 1
        )
        chosen = await _event(
            s,
            clock,
            district_id,
            "Встреча с писателем",
            date(2026, 11, 10),
            date(2026, 11, 30),
            datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001
            activity=None,
        )
        first_school = await s.get(School, schools[0])
        chosen_event = await s.get(Event, chosen)
        assert chosen_event is not None and first_school is not None
        await toggle_audience_school(s, chosen_event, first_school, clock)
        await _event(  # last school year: not in this year's report
            s,
            clock,
            district_id,
            "Прошлогодняя неделя",
            date(2025, 11, 1),
            date(2025, 11, 30),
            datetime(2025, 12, 5, 18, 0),  # noqa: DTZ001
            activity=1,
        )
        await _event(  # a draft: schools never saw it
            s,
            clock,
            district_id,
            "Черновик",
            date(2026, 11, 1),
            date(2026, 11, 30),
            datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001
            activity=1,
            status=EventStatus.DRAFT,
        )
    await join_school(client, LIBRARIAN, session_pool, schools[0])
    await join_school(client, OTHER, session_pool, schools[1])
    async with session_pool.begin() as s:
        first, other = await _user(s, LIBRARIAN.id), await _user(s, OTHER.id)
        coordinator = await _user(s, COORDINATOR.id)
        late = await submit(
            s, first, contest_late, Draft(date(2026, 11, 15), 12, "Провели"), TZ, clock
        )
        assert late.is_late
        returned = await submit(
            s, other, contest_late, Draft(date(2026, 11, 18), 5, ""), TZ, clock
        )
        await review(
            s,
            coordinator,
            returned.id,
            accept=False,
            comment="Добавьте фото",
            version=returned.version,
            clock=clock,
        )
        accepted = await submit(
            s, first, week, Draft(date(2026, 11, 20), 25, "Провели"), TZ, clock
        )
        await review(
            s,
            coordinator,
            accepted.id,
            accept=True,
            comment="",
            version=accepted.version,
            clock=clock,
        )
        evidence = (
            EvidenceItem(kind=EvidenceKind.LINK, url="https://school2.example.ru/news/1"),
            EvidenceItem(kind=EvidenceKind.PHOTO, file_id="ph-1", file_unique_id="u-ph-1"),
        )
        await submit(
            s, other, week, Draft(date(2026, 11, 21), 40, "Выставка", evidence), TZ, clock
        )
    client.clear()
    return World(district_id, schools, contest_late, week, chosen)


def _fill(sheet: Worksheet, ref: str) -> str:
    return str(sheet[ref].fill.fgColor.rgb)[-6:]


async def _report_xlsx(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock, district_ids: list[int]
) -> tuple[bytes, bytes]:
    async with session_pool() as s:
        report = await completion_report(s, district_ids, YEAR, clock())
    return (
        completion_xlsx(
            report, report_words(), TZ, republic=len(district_ids) > 1, by_school=True
        ),
        share_chart(event_shares(report), "Доля школ"),
    )


# ---- the service ------------------------------------------------------------------------------


async def test_statuses_follow_the_answered_rule(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with session_pool() as s:
        report = await completion_report(s, [world.district_id], YEAR, clock())
    (district,) = report.districts
    assert [e.title for e in district.events] == [
        "Конкурс чтецов",
        "Неделя детской книги",
        "Встреча с писателем",
    ]
    first, second, third = world.schools
    statuses = {key: mark.status for key, mark in district.marks.items()}
    assert statuses == {
        (first, world.contest_late): MarkStatus.CONFIRMED,
        (second, world.contest_late): MarkStatus.RETURNED,
        (third, world.contest_late): MarkStatus.LATE,
        (first, world.week): MarkStatus.ACCEPTED,
        (second, world.week): MarkStatus.CONFIRMED,
        (third, world.week): MarkStatus.PENDING,
        (first, world.chosen): MarkStatus.PENDING,
    }
    linked = district.marks[(second, world.week)]
    assert linked.links == ("https://school2.example.ru/news/1",)
    assert linked.files == 1
    assert linked.held_on == date(2026, 11, 21)
    assert linked.participants == 40
    assert district.marks[(first, world.contest_late)].late
    assert district.marks[(second, world.contest_late)].comment == "Добавьте фото"
    shares = [(item.title, item.answered, item.asked) for item in event_shares(report)]
    assert shares == [
        ("Конкурс чтецов", 1, 3),
        ("Неделя детской книги", 2, 3),
        ("Встреча с писателем", 0, 1),
    ]


async def test_a_contest_deadline_is_answered_by_an_entry(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    contest_id = await make_contest(session_pool, world.district_id, clock)
    async with session_pool.begin() as s:
        contest = await get_contest(s, contest_id)
        school = await s.get(School, world.schools[0])
        assert school is not None
        user = await _user(s, LIBRARIAN.id)
        await submit_entry(s, contest, school, user, entry_input(contest, "Ученик Первый"), clock)
        event_id = contest.event_id
    async with session_pool() as s:
        report = await completion_report(s, [world.district_id], YEAR, clock())
    marks = report.districts[0].marks
    assert marks[(world.schools[0], event_id)].status is MarkStatus.CONFIRMED
    assert marks[(world.schools[1], event_id)].status is MarkStatus.PENDING


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        (PeriodKind.SCHOOL_YEAR, date(2026, 11, 25), (date(2026, 9, 1), date(2027, 8, 31))),
        (PeriodKind.SCHOOL_YEAR, date(2027, 8, 31), (date(2026, 9, 1), date(2027, 8, 31))),
        (PeriodKind.SCHOOL_YEAR, date(2026, 9, 1), (date(2026, 9, 1), date(2027, 8, 31))),
        (PeriodKind.LAST_SCHOOL_YEAR, date(2026, 11, 25), (date(2025, 9, 1), date(2026, 8, 31))),
        (PeriodKind.LAST_SCHOOL_YEAR, date(2026, 8, 31), (date(2024, 9, 1), date(2025, 8, 31))),
        (PeriodKind.QUARTER, date(2026, 11, 25), (date(2026, 10, 1), date(2026, 12, 31))),
        (PeriodKind.QUARTER, date(2027, 1, 1), (date(2027, 1, 1), date(2027, 3, 31))),
        (PeriodKind.QUARTER, date(2027, 6, 30), (date(2027, 4, 1), date(2027, 6, 30))),
        (PeriodKind.LAST_30_DAYS, date(2026, 11, 25), (date(2026, 10, 27), date(2026, 11, 25))),
        (PeriodKind.LAST_30_DAYS, date(2027, 3, 1), (date(2027, 1, 31), date(2027, 3, 1))),
    ],
)
def test_periods(kind: PeriodKind, today: date, expected: tuple[date, date]) -> None:
    period = period_of(kind, today)
    assert (period.starts, period.ends) == expected


# ---- the workbook -----------------------------------------------------------------------------


SECTION_1 = "Раздел 1. Общественные меропри…"
SECTION_3 = "Раздел 3. Инновационная деятел…"
OUTSIDE = "Вне дорожной карты"
STATUS_HEADER = ["принято", "на проверке", "возвращено", "просрочено", "ожидается"]


def _values(sheet: Worksheet, rows: range | tuple[int, ...], columns: range) -> list[list[object]]:
    return [[sheet.cell(row, column).value for column in columns] for row in rows]


async def test_district_workbook_cells_fills_and_totals(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    content, _chart = await _report_xlsx(session_pool, clock, [world.district_id])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Итоги", SECTION_1, SECTION_3, OUTSIDE, "Обозначения"]
    # a sheet per roadmap section: schools by its events, a cell per school and event
    sheet = book[SECTION_3]
    assert sheet["A1"].value == (
        "Иглинский район. Раздел 3. Инновационная деятельность и методическое сопровождение "
        "деятельности школьных информационно-библиотечных центров: выполнение событий за "
        "01.09.2026–31.08.2027 (на 25.11.2026)"
    )
    assert sheet["B2"].value == "Школа"
    assert sheet["C2"].value == "Конкурс чтецов\n01.11.2026–20.11.2026\nсрок 20.11.2026"
    assert _values(sheet, (2,), range(4, 11)) == [[*STATUS_HEADER, "Выполнено", "Выполнено, %"]]
    assert _values(sheet, range(3, 6), range(2, 3)) == [
        ["МБОУ СОШ № 1 с. Иглино"],
        ["СОШ № 2"],
        ["СОШ № 3"],
    ]
    # the cells: status, day held and participants, links, files, the department's comment
    assert sheet["C3"].value == "на проверке (после срока)\n15.11.2026, участников: 12"
    assert sheet["C4"].value == (
        "возвращено (после срока)\n18.11.2026, участников: 5\nзамечание: Добавьте фото"
    )
    assert sheet["C5"].value == "просрочено"
    assert _fill(sheet, "C3") == FILLS[MarkStatus.CONFIRMED]
    assert _fill(sheet, "C4") == FILLS[MarkStatus.RETURNED]
    assert _fill(sheet, "C5") == FILLS[MarkStatus.LATE]
    # totals per school (accepted … pending, answered, share) and per event (rows below)
    assert _values(sheet, range(3, 6), range(4, 11)) == [
        [0, 1, 0, 0, 0, 1, 1],
        [0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 0],
    ]
    assert sheet["J3"].number_format == "0%"
    assert _values(sheet, range(6, 13), range(2, 4)) == [
        ["принято", 0],
        ["на проверке", 1],
        ["возвращено", 1],
        ["просрочено", 1],
        ["ожидается", 0],
        ["Выполнено", 1],
        ["Выполнено, %", pytest.approx(1 / 3)],
    ]
    assert _fill(sheet, "B9") == FILLS[MarkStatus.LATE]
    assert sheet.max_row == 12
    # frozen header, fitting widths, printable
    assert sheet.freeze_panes == "C3"
    assert 20 <= sheet.column_dimensions["B"].width <= 45
    assert 12 <= sheet.column_dimensions["C"].width <= 26
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage
    assert sheet.print_title_rows == "$2:$2"

    week = book[SECTION_1]
    assert week["C2"].value.startswith("Неделя детской книги\n")
    assert week["C3"].value == "принято\n20.11.2026, участников: 25"
    assert week["C4"].value == (
        "на проверке\n21.11.2026, участников: 40\nhttps://school2.example.ru/news/1\nфайлов: 1"
    )
    assert week["C5"].value == "ожидается"
    assert _fill(week, "C3") == FILLS[MarkStatus.ACCEPTED]
    assert _fill(week, "C5") == FILLS[MarkStatus.PENDING]
    assert _values(week, range(3, 6), range(4, 11)) == [
        [1, 0, 0, 0, 0, 1, 1],
        [0, 1, 0, 0, 0, 1, 1],
        [0, 0, 0, 0, 1, 0, 0],
    ]
    outside = book[OUTSIDE]
    assert outside["C2"].value.startswith("Встреча с писателем\n")
    assert [outside.cell(row, 3).value for row in (3, 4, 5)] == ["ожидается", "—", "—"]
    assert outside["C4"].fill.fill_type is None
    assert _values(outside, range(3, 6), range(4, 11)) == [
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, None],  # nothing asked: no share
        [0, 0, 0, 0, 0, 0, None],
    ]

    # the summary: each school's share per section and its counts over the period
    summary = book["Итоги"]
    assert _values(summary, (2,), range(1, 14)) == [
        [
            "№",
            "Школа",
            "Раздел 1, %",
            "Раздел 3, %",
            "Вне дорожной карты, %",
            *STATUS_HEADER,
            "Выполнено",
            "Всего",
            "Выполнено, %",
        ]
    ]
    assert _values(summary, range(3, 7), range(2, 14)) == [
        ["МБОУ СОШ № 1 с. Иглино", 1, 1, 0, 1, 1, 0, 0, 1, 2, 3, pytest.approx(2 / 3)],
        ["СОШ № 2", 1, 0, None, 0, 1, 1, 0, 0, 1, 2, 0.5],
        ["СОШ № 3", 0, 0, None, 0, 0, 0, 1, 1, 0, 2, 0],
        [
            "Итого по району",
            pytest.approx(2 / 3),
            pytest.approx(1 / 3),
            0,
            1,
            2,
            1,
            1,
            2,
            3,
            7,
            pytest.approx(3 / 7),
        ],
    ]
    assert summary["C3"].number_format == "0%"
    assert summary.freeze_panes == "C3"
    # the legend
    legend = book["Обозначения"]
    assert [legend.cell(row, 1).value for row in range(2, 8)] == [*STATUS_HEADER, "—"]
    assert _fill(legend, "A5") == FILLS[MarkStatus.LATE]


async def test_a_name_that_looks_like_a_formula_stays_text(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with session_pool.begin() as s:
        await add_school(s, world.district_id, "=HYPERLINK полностью", "=1+1", None, clock)
    content, _chart = await _report_xlsx(session_pool, clock, [world.district_id])
    sheet = load_workbook(io.BytesIO(content))["Итоги"]
    assert sheet["B3"].value == "=1+1"
    assert sheet["B3"].data_type == "s"


async def test_republic_workbook_one_row_per_district(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with session_pool.begin() as s:
        other = await create_district(s, "Тайнинский район", clock)
        await add_school(s, other.id, "Лицей полностью", "Лицей № 1", None, clock)
        await add_school(s, other.id, "Гимназия полностью", "Гимназия № 2", None, clock)
        await _event(
            s,
            clock,
            other.id,
            "Неделя детской книги в Тайнинском",
            date(2026, 11, 2),
            date(2026, 11, 30),
            datetime(2026, 11, 10, 18, 0),  # noqa: DTZ001 - passed: both schools late
            activity=1,
        )
        other_id = other.id
    content, chart = await _report_xlsx(session_pool, clock, [world.district_id, other_id])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Районы",
        SECTION_1,
        SECTION_3,
        "Вне дорожной карты",
        "Школы",
        "Обозначения",
    ]
    sheet = book["Районы"]
    assert [sheet.cell(2, column).value for column in range(1, 14)] == [
        "№",
        "Район",
        "Школ",
        "Событий",
        "принято",
        "на проверке",
        "возвращено",
        "просрочено",
        "ожидается",
        "Выполнено",
        "Всего",
        "Выполнено, %",
        None,
    ]
    rows = [[sheet.cell(row, column).value for column in range(2, 13)] for row in (3, 4, 5)]
    assert rows == [
        ["Иглинский район", 3, 3, 1, 2, 1, 1, 2, 3, 7, pytest.approx(3 / 7)],
        ["Тайнинский район", 2, 1, 0, 0, 0, 2, 0, 0, 2, 0],
        ["Республика", 5, 4, 1, 2, 1, 3, 2, 3, 9, pytest.approx(3 / 9)],
    ]
    assert _fill(sheet, "H2") == FILLS[MarkStatus.LATE]
    assert sheet.freeze_panes == "C3"
    section = book[SECTION_1]
    assert [section.cell(3, column).value for column in range(2, 13)] == [
        "Иглинский район",
        3,
        1,
        1,
        1,
        0,
        0,
        1,
        2,
        3,
        pytest.approx(2 / 3),
    ]
    schools = book["Школы"]
    assert [schools.cell(row, 3).value for row in range(3, 8)] == [
        "МБОУ СОШ № 1 с. Иглино",
        "СОШ № 2",
        "СОШ № 3",
        "Гимназия № 2",
        "Лицей № 1",
    ]
    assert schools["B3"].value == "Иглинский район"
    assert [schools.cell(3, column).value for column in range(4, 14)] == [
        3,
        1,
        1,
        0,
        0,
        1,
        2,
        3,
        pytest.approx(2 / 3),
        None,
    ]
    # the chart of the republic: one line per roadmap item across districts
    async with session_pool() as s:
        report = await completion_report(s, [world.district_id, other_id], YEAR, clock())
    shares = [(item.title, item.answered, item.asked) for item in event_shares(report)]
    assert shares == [
        ("Конкурс чтецов", 1, 3),
        ("Неделя детской книги", 2, 5),
        ("Встреча с писателем", 0, 1),
    ]
    assert chart.startswith(PNG_SIGNATURE)


# ---- the chart --------------------------------------------------------------------------------


async def test_chart_is_a_png_of_phone_size(
    world: World, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    _content, chart = await _report_xlsx(session_pool, clock, [world.district_id])
    assert chart.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(chart)) as image:
        image.verify()
    with Image.open(io.BytesIO(chart)) as image:
        width, height = image.size
    assert 900 <= width <= 1400  # a phone's width at full resolution
    assert 300 <= height <= 1600  # three bars
    assert width + height <= 10_000 and height / width <= 20  # Telegram's limits for a photo


def test_many_events_stay_within_telegram_limits() -> None:
    items = [
        EventShare(f"Событие дорожной карты с длинным названием № {i}", date(2026, 11, 1), i, 60)
        for i in range(60)
    ]
    chart = share_chart(items, "Доля школ", "ещё {count}")
    with Image.open(io.BytesIO(chart)) as image:
        width, height = image.size
    assert width + height <= 10_000 and height / width <= 20
    assert height > 20 * MAX_BARS  # the first MAX_BARS are drawn, each readable


def test_cyrillic_is_drawn_with_dejavu_sans() -> None:
    """The chart's font is DejaVu Sans from matplotlib's data, and a Cyrillic label is drawn
    with it: a missing glyph would be a warning, and a warning fails the test."""
    font = chart_font()
    assert font.get_file() == str(font_files()["DejaVuSans"])
    assert findfont(font, fallback_to_default=False) == str(font_files()["DejaVuSans"])
    figure = Figure(figsize=(4, 1), dpi=100)
    FigureCanvasAgg(figure)
    figure.text(0.05, 0.5, "Ёлка: «Живая классика» — 100 %", fontproperties=font)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" would raise here
        figure.savefig(buffer, format="png")
    with Image.open(buffer) as image:
        darkest = image.convert("L").getextrema()[0]
    assert isinstance(darkest, int) and darkest < 128  # the text was drawn


# ---- the bot ----------------------------------------------------------------------------------


def _document(client: Client) -> bytes:
    (call,) = client.calls("SendDocument")
    data = call.param("document").data
    assert isinstance(data, bytes)
    return data


async def test_coordinator_gets_the_workbook_and_the_chart(world: World, client: Client) -> None:
    await client.send(COORDINATOR, "/report")
    assert client.last_text(COORDINATOR).startswith("<b>Отчёт о выполнении событий</b>")
    assert client.buttons(COORDINATOR) == [
        "Этот учебный год (2026/27)",
        "Прошлый учебный год (2025/26)",
        "Этот квартал (01.10–31.12)",
        "Последние 30 дней",
    ]
    await client.press(COORDINATOR, "Этот учебный год (2026/27)")
    (document,) = client.calls("SendDocument")
    assert document.param("chat_id") == COORDINATOR.id
    assert document.param("document").filename == "vypolnenie_2026-09-01_2027-08-31.xlsx"
    assert "отмечено 3 из 7 (43 %)" in document.param("caption")
    sheet = load_workbook(io.BytesIO(_document(client)))[SECTION_1]
    assert sheet["C3"].value == "принято\n20.11.2026, участников: 25"
    (photo,) = client.calls("SendPhoto")
    assert photo.param("chat_id") == COORDINATOR.id
    assert photo.param("photo").data.startswith(PNG_SIGNATURE)
    # the screen said it was at work, then that the files are sent, with the periods again
    texts = client.texts(COORDINATOR)
    assert texts[-2] == rt.PREPARING.format(starts="01.09.2026", ends="31.08.2027")
    assert texts[-1] == rt.SENT.format(starts="01.09.2026", ends="31.08.2027")
    assert "Последние 30 дней" in client.buttons(COORDINATOR)


async def test_other_periods(world: World, client: Client) -> None:
    await client.send(COORDINATOR, "/report")
    await client.press(COORDINATOR, "Прошлый учебный год (2025/26)")
    # last year's event is there: the report is made
    assert len(client.calls("SendDocument")) == 1
    client.clear()
    await client.press(COORDINATOR, "Последние 30 дней")  # 27.10–25.11: the events of November
    assert len(client.calls("SendDocument")) == 1


async def test_an_empty_period_sends_no_file(
    client: Client, district_setup: DistrictSetup, catalogue: None
) -> None:
    await client.send(COORDINATOR, "/report")
    await client.press(COORDINATOR, "Этот квартал (01.10–31.12)")
    assert client.last_text(COORDINATOR) == rt.NO_EVENTS.format(
        starts="01.10.2026", ends="31.12.2026", where="Иглинский район"
    )
    assert not client.calls("SendDocument")
    assert not client.calls("SendPhoto")


async def test_librarian_and_stranger_are_refused(world: World, client: Client) -> None:
    await client.send(LIBRARIAN, "/report")
    assert client.last_text(LIBRARIAN) == t.FORBIDDEN_COMMAND
    await client.send(STRANGER, "/report")
    assert client.last_text(STRANGER) == t.GUEST_COMMAND
    await client.press_data(LIBRARIAN, "rep:g:d:y")
    assert client.alerts()[-1] == t.UNHANDLED_BUTTON
    assert not client.calls("SendDocument")


async def test_forged_period_and_scope_are_refused(world: World, client: Client) -> None:
    await client.press_data(COORDINATOR, "rep:g:d:1999")  # no such period
    assert client.alerts()[-1] == t.UNHANDLED_BUTTON
    await client.press_data(COORDINATOR, "rep:g:r:y")  # the republic is the super-admin's
    assert client.alerts()[-1] == t.FORBIDDEN_BUTTON
    await client.press_data(COORDINATOR, "rep:p:rs:y")
    assert client.alerts()[-1] == t.FORBIDDEN_BUTTON
    assert not client.calls("SendDocument")
    assert not client.calls("SendPhoto")


async def test_super_admin_gets_the_republic(world: World, client: Client) -> None:
    await client.send(ADMIN, "/start")
    client.clear()
    await client.send(ADMIN, "/report")
    assert client.buttons(ADMIN) == [
        "🗺 Республика: по районам",
        "🗺 Республика: по районам и школам",
    ]
    await client.press(ADMIN, "🗺 Республика: по районам и школам")
    assert "республика, по районам и школам" in client.last_text(ADMIN)
    assert client.buttons(ADMIN)[-1] == t.BTN_BACK
    await client.press(ADMIN, "Этот учебный год (2026/27)")
    book = load_workbook(io.BytesIO(_document(client)))
    assert book.sheetnames[0] == "Районы"
    assert "Школы" in book.sheetnames
    assert book["Районы"]["B3"].value == "Иглинский район"
    assert len(client.calls("SendPhoto")) == 1
    await client.press(ADMIN, t.BTN_BACK)
    assert client.last_text(ADMIN) == rt.PICK_SCOPE
