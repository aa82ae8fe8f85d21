from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Component
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import calendar_io as texts
from bot.texts import events as ev
from bot.toolkit.render_import import (
    CALENDAR_TEMPLATE_CSV,
    ICS_LABELS,
    calendar_error,
    calendar_errors,
    default_calendar_error,
    default_calendar_problem,
)
from models import Event, EventKind
from services.calendar_default import (
    CalendarFileError,
    CalendarFileProblem,
    EventProblem,
    read_default_calendar,
)
from services.calendar_ics import IcsEvent, IcsLabels, build_ics
from services.calendar_import import CalendarImportResult, parse_calendar_file
from services.calendar_rules import (
    RECURRENCE_NONE,
    RECURRENCE_YEARLY,
    CalendarProblem,
    EventRow,
    Expected,
    local_to_utc,
)
from services.catalogue import read_catalogue
from services.tabular import FileProblem, RowError
from tests.conftest import COORDINATOR, DistrictSetup
from tests.harness import Client

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CALENDAR = ROOT / "data" / "calendar_2026_27.toml"
ROADMAP = ROOT / "data" / "roadmap.toml"
TZ = "Asia/Yekaterinburg"
KNOWN = frozenset(range(1, 20))


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A naive district-local wall time (the calendar keeps local times naive)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).replace(tzinfo=None)


HEADER = (
    "Код",
    "№ мероприятия дорожной карты",
    "Название",
    "Вид",
    "Начало",
    "Окончание",
    "Срок сдачи",
    "Место",
    "Ссылка",
    "Описание",
    "Ежегодно",
)
ROW_DAY = (
    "library-day",
    "14",
    "Международный день школьных библиотек",
    "мероприятие",
    "26.10.2026",
    "26.10.2026",
    "30.10.2026 18:00",
    "Библиотека школы",
    "https://example.org/day",
    "Проведите мероприятие, пришлите фото.",
    "да",
)
ROW_SEMINAR = (
    "",
    "3",
    "Семинар-совещание по развитию ШИБЦ",
    "Семинар",
    "2026-11-19",
    "2026-11-19",
    "19.11.2026",
    "г. Уфа",
    "",
    "",
    "нет",
)
EXPECTED_DAY = EventRow(
    line=2,
    code="library-day",
    activity_number=14,
    title="Международный день школьных библиотек",
    kind=EventKind.ACTIVITY,
    starts_on=date(2026, 10, 26),
    ends_on=date(2026, 10, 26),
    deadline_local=local(2026, 10, 30, 18, 0),
    place="Библиотека школы",
    link="https://example.org/day",
    description="Проведите мероприятие, пришлите фото.",
    is_placeholder=False,
    recurrence=RECURRENCE_YEARLY,
)
EXPECTED_SEMINAR = EventRow(
    line=3,
    code=None,
    activity_number=3,
    title="Семинар-совещание по развитию ШИБЦ",
    kind=EventKind.SEMINAR,
    starts_on=date(2026, 11, 19),
    ends_on=date(2026, 11, 19),
    deadline_local=local(2026, 11, 19, 23, 59),
    place="г. Уфа",
    link="",
    description="",
    is_placeholder=False,
    recurrence=RECURRENCE_NONE,
)


def csv_bytes(
    rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    """Plain hand-made CSV (no quoting): what a text editor or Excel writes."""
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[str | float | date | None]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row_index, row in enumerate(rows, start=1):
        for col_index, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_index, column=col_index, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_csv(rows: Sequence[Sequence[str]], **kwargs: str) -> CalendarImportResult:
    return parse_calendar_file("calendar.csv", csv_bytes(rows, **kwargs), known_activities=KNOWN)


Problem = tuple[int, str, dict[str, object]]


def E(line: int, code: str, **params: object) -> Problem:  # noqa: N802
    return (line, code, params)


def errors_of(result: CalendarImportResult) -> list[Problem]:
    return [(error.line, error.code, dict(error.params)) for error in result.errors]


def with_cell(row: Sequence[str], column: int, value: str) -> list[str]:
    changed = list(row)
    changed[column] = value
    return changed


# --- the default calendar file ---


def default_rows() -> list[EventRow]:
    known = {activity.number for activity in read_catalogue(ROADMAP).activities}
    return read_default_calendar(DEFAULT_CALENDAR, known_activities=known)


def test_default_calendar_loads_with_unique_codes_and_roadmap_numbers() -> None:
    rows = default_rows()

    codes = [row.code for row in rows]
    assert len(codes) == 12
    assert None not in codes
    assert len(set(codes)) == len(codes)
    assert {
        "library-month",
        "library-day",
        "library-month-report",
        "seminar-autumn",
        "seminar-spring",
        "monitoring",
        "awards",
        "qualification-report",
        "media-coverage",
        "contest-reading-families",
        "contest-talented-reader",
        "contest-best-library",
    } <= set(codes)
    for row in rows:
        assert row.activity_number is None or 1 <= row.activity_number <= 19
        assert row.line == 0
        assert row.starts_on <= row.ends_on
        assert row.deadline_local.date() >= row.starts_on
        assert row.deadline_local.tzinfo is None
        assert row.recurrence == RECURRENCE_YEARLY
        assert date(2026, 9, 1) <= row.starts_on <= date(2027, 8, 31)
        assert row.title
        assert row.description


def test_default_calendar_known_dates_and_kinds() -> None:
    by_code = {row.code: row for row in default_rows()}

    month = by_code["library-month"]
    assert (month.activity_number, month.kind, month.is_placeholder) == (
        14,
        EventKind.ACTIVITY,
        False,
    )
    assert (month.starts_on, month.ends_on) == (date(2026, 10, 1), date(2026, 10, 31))

    report = by_code["library-month-report"]
    assert report.activity_number == 14
    assert report.kind is EventKind.ACTIVITY
    assert report.deadline_local == local(2026, 11, 6, 18, 0)

    day = by_code["library-day"]
    assert day.activity_number == 14
    assert not day.is_placeholder
    assert day.starts_on == day.ends_on == date(2026, 10, 26)
    assert day.starts_on.weekday() == 0  # a Monday …
    mondays = [date(2026, 10, d) for d in range(1, 32) if date(2026, 10, d).weekday() == 0]
    assert day.starts_on == mondays[3]  # … the fourth one of October

    for code in ("seminar-autumn", "seminar-spring"):
        assert by_code[code].kind is EventKind.SEMINAR
        assert by_code[code].activity_number == 3
    assert by_code["seminar-autumn"].starts_on < by_code["seminar-spring"].starts_on
    assert by_code["monitoring"].kind is EventKind.MONITORING
    assert by_code["monitoring"].activity_number == 19
    assert by_code["awards"].activity_number == 8
    assert by_code["qualification-report"].activity_number == 6
    assert by_code["media-coverage"].activity_number == 13
    contests = {
        code: row.activity_number
        for code, row in by_code.items()
        if row.kind is EventKind.CONTEST_DEADLINE
    }
    assert contests == {
        "contest-reading-families": 16,
        "contest-talented-reader": 16,
        "contest-best-library": 17,
    }
    placeholders = {code for code, row in by_code.items() if row.is_placeholder}
    assert "library-month" not in placeholders
    assert "library-day" not in placeholders
    assert {
        "seminar-autumn",
        "seminar-spring",
        "monitoring",
        "awards",
        "qualification-report",
        "media-coverage",
        *contests,
    } <= placeholders


TOML_EVENT = """
[[events]]
code = "{code}"
activity = {activity}
title = "Событие"
kind = "{kind}"
starts_on = {starts_on}
ends_on = {ends_on}
deadline = {deadline}
placeholder = false
recurrence = "{recurrence}"
"""


def toml_event(**overrides: str) -> str:
    values = {
        "code": "one",
        "activity": "14",
        "kind": "activity",
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-31",
        "deadline": "2026-11-06T18:00:00",
        "recurrence": "yearly",
    }
    values.update(overrides)
    return TOML_EVENT.format(**values)


def test_default_calendar_reader_accepts_a_date_alone_as_end_of_day(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(toml_event(deadline="2026-11-06"), encoding="utf-8")

    (row,) = read_default_calendar(path)

    assert row.deadline_local == local(2026, 11, 6, 23, 59)
    assert row.code == "one"
    assert row.place == row.link == row.description == ""


def test_default_calendar_reader_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(
        toml_event()
        + toml_event(code="two", ends_on="2026-09-30")
        + toml_event(code="one", deadline="2026-09-30T18:00:00")
        + toml_event(code="four", kind="party", activity="42")
        + toml_event(code="five", deadline="2026-11-06T18:00:00+05:00", recurrence="monthly")
        + toml_event(code="Six!", starts_on='"01.10.2026"')
        + '\n[[events]]\ntitle = "Без кода"\nwhen = 2026-10-01\n',
        encoding="utf-8",
    )

    with pytest.raises(CalendarFileError) as caught:
        read_default_calendar(path, known_activities=KNOWN)

    error = caught.value
    assert error.code is CalendarFileProblem.PROBLEMS
    problems = [(p.index, p.event_code, p.code, dict(p.params)) for p in error.problems]
    C = CalendarProblem  # noqa: N806
    for expected in [
        (2, "two", C.END_BEFORE_START, {}),
        (3, "one", C.DEADLINE_BEFORE_START, {}),
        (3, "one", C.CODE_DUPLICATE, {"first": 1}),
        (4, "four", C.KIND_UNKNOWN, {}),
        (4, "four", C.ACTIVITY_UNKNOWN, {"number": 42}),
        (5, "five", C.DEADLINE_WITH_OFFSET, {}),
        (5, "five", C.RECURRENCE_INVALID, {}),
        (6, "Six!", C.CODE_INVALID, {}),
        (6, "Six!", C.FIELD_WRONG_TYPE, {"field": "starts_on", "expected": Expected.DATE}),
        (7, None, C.FIELD_UNKNOWN, {"field": "when"}),
        (7, None, C.CODE_MISSING, {}),
        (7, None, C.DATE_MISSING, {"field": "deadline"}),
    ]:
        assert expected in problems
    assert 1 not in {p.index for p in error.problems}

    message = default_calendar_error(error)
    assert message.startswith("Ошибки в файле календаря calendar.toml:")
    assert "Событие 2 «two»: окончание раньше начала." in message
    assert "Событие 3 «one»: срок сдачи раньше начала." in message
    assert "Событие 3 «one»: код события повторяет событие 1." in message
    assert "Событие 4 «four»: непонятный вид события." in message
    assert "Событие 4 «four»: в дорожной карте нет мероприятия № 42." in message
    assert "Событие 5 «five»: срок сдачи указывается по местному времени" in message
    assert "Событие 5 «five»: поле «recurrence» может быть только" in message
    assert "Событие 6 «Six!»: код события может состоять только" in message
    assert "Событие 6 «Six!»: поле «starts_on» должно быть датой без времени" in message
    assert "Событие 7: неизвестное поле «when»." in message
    assert "Событие 7: не указан код события." in message
    assert "Событие 7: не указана дата в столбце «deadline»." in message
    assert "Событие 1" not in message


@pytest.mark.parametrize(
    ("content", "code", "expected"),
    [
        ("events = [", CalendarFileProblem.BAD_TOML, "не читается как TOML"),
        (
            'title = "no events"\n',
            CalendarFileProblem.NO_EVENTS,
            "В файле календаря calendar.toml нет ни одной таблицы [[events]].",
        ),
        (
            "events = [1]\n",
            CalendarFileProblem.PROBLEMS,
            "Событие 1: событие должно быть таблицей [[events]].",
        ),
    ],
)
def test_default_calendar_reader_file_problems(
    tmp_path: Path, content: str, code: CalendarFileProblem, expected: str
) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CalendarFileError) as caught:
        read_default_calendar(path)

    assert caught.value.code is code
    assert expected in default_calendar_error(caught.value)


def test_default_calendar_reader_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(CalendarFileError) as caught:
        read_default_calendar(path)

    assert caught.value.code is CalendarFileProblem.NOT_FOUND
    assert default_calendar_error(caught.value) == f"Не найден файл календаря {path}."


# --- uploads: formats and encodings ---


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_encodings(encoding: str, delimiter: str) -> None:
    content = csv_bytes([HEADER, ROW_DAY, ROW_SEMINAR], delimiter=delimiter, encoding=encoding)

    result = parse_calendar_file("Календарь.CSV", content, known_activities=KNOWN)

    assert result.errors == []
    assert result.ok
    assert result.rows == [EXPECTED_DAY, EXPECTED_SEMINAR]


def test_csv_comma_delimited_with_quoted_commas_and_no_header() -> None:
    text = (
        'library-day,14,"День школьных библиотек, 2026",мероприятие,26.10.2026,,,,,'
        '"Фото, отчёт",да\r\n'
        ",,Мониторинг,monitoring,11.05.2027,28.05.2027,28.05.2027 18:00,,,,\r\n"
    )

    result = parse_calendar_file("c.csv", text.encode("utf-8"), known_activities=KNOWN)

    assert result.errors == []
    first, second = result.rows
    assert (first.line, first.title, first.description) == (
        1,
        "День школьных библиотек, 2026",
        "Фото, отчёт",
    )
    # An empty end is a one-day event; an empty deadline is the end date at 23:59.
    assert first.ends_on == date(2026, 10, 26)
    assert first.deadline_local == local(2026, 10, 26, 23, 59)
    assert (second.line, second.kind, second.code, second.activity_number) == (
        2,
        EventKind.MONITORING,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("мероприятие", EventKind.ACTIVITY),
        ("Мероприятие", EventKind.ACTIVITY),
        ("СЕМИНАР", EventKind.SEMINAR),
        ("конкурс", EventKind.CONTEST_DEADLINE),
        ("Срок конкурса", EventKind.CONTEST_DEADLINE),
        ("мониторинг", EventKind.MONITORING),
        ("activity", EventKind.ACTIVITY),
        ("Seminar", EventKind.SEMINAR),
        ("contest_deadline", EventKind.CONTEST_DEADLINE),
        ("MONITORING", EventKind.MONITORING),
    ],
)
def test_kind_words(word: str, kind: EventKind) -> None:
    result = parse_csv([with_cell(ROW_DAY, 3, word)])

    assert result.errors == []
    assert result.rows[0].kind is kind


def test_date_and_deadline_formats() -> None:
    rows = [
        with_cell(with_cell(with_cell(ROW_DAY, 0, f"c{n}"), 4, start), 6, deadline)
        for n, (start, deadline) in enumerate(
            [
                ("1.10.2026", "6.11.2026 9:05"),
                ("2026-10-01", "2026-11-06T18:00"),
                ("01.10.2026", "2026-11-06 18:00:30"),
                ("01.10.2026", "06.11.2026"),
            ]
        )
    ]
    result = parse_csv([with_cell(row, 5, "31.12.2026") for row in rows])

    assert result.errors == []
    assert [row.starts_on for row in result.rows] == [date(2026, 10, 1)] * 4
    assert [row.deadline_local for row in result.rows] == [
        local(2026, 11, 6, 9, 5),
        local(2026, 11, 6, 18, 0),
        local(2026, 11, 6, 18, 0, 30),
        local(2026, 11, 6, 23, 59),
    ]


def test_xlsx_with_real_dates_numbers_and_blank_rows() -> None:
    content = xlsx_bytes(
        [
            HEADER,
            (
                "Library-Day",
                14,
                "  Международный   день школьных библиотек ",
                "мероприятие",
                local(2026, 10, 26),
                date(2026, 10, 26),
                local(2026, 10, 30, 18, 0),
                "Библиотека школы",
                "https://example.org/day",
                "Проведите мероприятие, пришлите фото.",
                "Да",
            ),
            (None, None, None),
            (
                None,
                3.0,
                "Семинар-совещание по развитию ШИБЦ",
                "семинар",
                "19.11.2026",
                local(2026, 11, 19),
                local(2026, 11, 19),  # a date alone: by the end of the day
                "г. Уфа",
                None,
                None,
                False,
            ),
        ]
    )

    result = parse_calendar_file("calendar.xlsx", content, known_activities=KNOWN)

    assert result.errors == []
    assert result.rows == [EXPECTED_DAY, dataclasses.replace(EXPECTED_SEMINAR, line=4)]


def test_xlsx_row_errors_have_excel_line_numbers() -> None:
    content = xlsx_bytes(
        [
            HEADER,
            ROW_DAY,
            with_cell(with_cell(ROW_SEMINAR, 4, "31.02.2027"), 6, "01.03.2027 18:00"),
        ]
    )

    result = parse_calendar_file("calendar.xlsx", content, known_activities=KNOWN)

    assert [row.line for row in result.rows] == [2]
    assert errors_of(result) == [E(3, CalendarProblem.DATE_INVALID, field="starts_on")]
    assert calendar_error(result.errors[0]) == texts.ROW_DATE_INVALID.format(
        where="Строка 3", column="начало"
    )


def test_first_row_with_a_missing_date_is_checked_not_taken_for_a_header() -> None:
    row = with_cell(with_cell(ROW_DAY, 2, "Срок сдачи отчёта"), 4, "")

    result = parse_csv([row, ROW_SEMINAR])

    assert errors_of(result) == [E(1, CalendarProblem.DATE_MISSING, field="starts_on")]
    assert calendar_errors(result.errors) == "Строка 1: не указана дата в столбце «начало»."
    assert [r.line for r in result.rows] == [2]


def test_renamed_xlsx_is_read_as_excel() -> None:
    content = xlsx_bytes([HEADER, ROW_DAY])

    result = parse_calendar_file("calendar.csv", content, known_activities=KNOWN)

    assert result.ok
    assert result.rows == [EXPECTED_DAY]


# --- uploads: row errors ---

C = CalendarProblem
ROW_ERROR_CASES: list[tuple[str, int, str, CalendarProblem, dict[str, object]]] = [
    ("invalid date", 4, "31.02.2027", C.DATE_INVALID, {"field": "starts_on"}),
    ("not a date", 5, "завтра", C.DATE_INVALID, {"field": "ends_on"}),
    ("start missing", 4, "", C.DATE_MISSING, {"field": "starts_on"}),
    ("end before start", 5, "25.10.2026", C.END_BEFORE_START, {}),
    ("deadline before start", 6, "25.10.2026 18:00", C.DEADLINE_BEFORE_START, {}),
    ("bad deadline", 6, "30.10.2026 25:00", C.DEADLINE_INVALID, {}),
    ("unknown kind", 3, "праздник", C.KIND_UNKNOWN, {}),
    ("missing kind", 3, "", C.KIND_MISSING, {}),
    ("unknown activity", 1, "20", C.ACTIVITY_UNKNOWN, {"number": 20}),
    ("activity zero", 1, "0", C.ACTIVITY_UNKNOWN, {"number": 0}),
    ("activity not a number", 1, "четырнадцать", C.ACTIVITY_NOT_NUMBER, {}),
    ("duplicate code", 0, "LIBRARY-DAY", C.CODE_DUPLICATE, {"first": 2}),
    ("bad code", 0, "день библиотек", C.CODE_INVALID, {}),
    ("long code", 0, "c" * 65, C.CODE_TOO_LONG, {"length": 65, "limit": 64}),
    ("missing title", 2, "", C.TITLE_MISSING, {}),
    ("long title", 2, "Т" * 256, C.TITLE_TOO_LONG, {"length": 256, "limit": 255}),
    ("long place", 7, "М" * 256, C.PLACE_TOO_LONG, {"length": 256, "limit": 255}),
    ("bad url", 8, "example.org/day", C.LINK_INVALID, {}),
    ("ftp url", 8, "ftp://example.org/day", C.LINK_INVALID, {}),
    ("url with space", 8, "https://exa mple.org", C.LINK_INVALID, {}),
    ("long url", 8, "https://e.org/" + "a" * 490, C.LINK_TOO_LONG, {"length": 504, "limit": 500}),
    ("long description", 9, "О" * 1001, C.DESCRIPTION_TOO_LONG, {"length": 1001, "limit": 1000}),
    ("bad yearly", 10, "иногда", C.YEARLY_INVALID, {}),
    ("control character", 9, "текст\x07", C.CONTROL_CHARACTER, {}),
]


@pytest.mark.parametrize(
    ("column", "value", "code", "params"),
    [case[1:] for case in ROW_ERROR_CASES],
    ids=[case[0] for case in ROW_ERROR_CASES],
)
def test_row_error(
    column: int, value: str, code: CalendarProblem, params: dict[str, object]
) -> None:
    base = ROW_DAY if column == 0 else with_cell(ROW_DAY, 0, "other")
    result = parse_csv([HEADER, ROW_DAY, with_cell(base, column, value)])

    assert [row.line for row in result.rows] == [2]
    assert errors_of(result) == [(3, code, params)]
    assert not result.ok


def test_deadline_before_start_is_reported_with_its_text() -> None:
    row = with_cell(ROW_DAY, 6, "20.10.2026 18:00")

    result = parse_csv([row])

    assert errors_of(result) == [E(1, CalendarProblem.DEADLINE_BEFORE_START)]
    assert calendar_errors(result.errors) == "Строка 1: срок сдачи раньше начала."
    assert result.rows == []


def test_extra_columns_are_an_error() -> None:
    result = parse_csv([[*ROW_DAY, "лишнее"]])

    assert errors_of(result) == [E(1, CalendarProblem.EXTRA_COLUMNS, columns=11)]
    assert calendar_error(result.errors[0]) == texts.ROW_EXTRA_COLUMNS.format(
        where="Строка 1", columns=11
    )


def test_all_errors_are_collected_in_file_order() -> None:
    rows = [
        HEADER,
        ROW_DAY,
        with_cell(with_cell(ROW_SEMINAR, 2, ""), 3, "вечеринка"),
        ROW_SEMINAR,
        with_cell(with_cell(ROW_DAY, 5, "01.10.2026"), 6, "01.09.2026"),
        with_cell(with_cell(ROW_SEMINAR, 1, "99"), 8, "not a url"),
    ]

    result = parse_csv(rows)

    assert [row.line for row in result.rows] == [2, 4]
    assert errors_of(result) == [
        E(3, CalendarProblem.KIND_UNKNOWN),
        E(3, CalendarProblem.TITLE_MISSING),
        E(5, CalendarProblem.CODE_DUPLICATE, first=2),
        E(5, CalendarProblem.END_BEFORE_START),
        E(5, CalendarProblem.DEADLINE_BEFORE_START),
        E(6, CalendarProblem.ACTIVITY_UNKNOWN, number=99),
        E(6, CalendarProblem.LINK_INVALID),
    ]
    assert not result.ok
    assert calendar_errors(result.errors).splitlines() == [
        texts.ROW_KIND_UNKNOWN.format(where="Строка 3"),
        "Строка 3: не указано название события.",
        "Строка 5: код события повторяет строку 2.",
        "Строка 5: окончание раньше начала.",
        "Строка 5: срок сдачи раньше начала.",
        "Строка 6: в дорожной карте нет мероприятия № 99.",
        texts.ROW_LINK_INVALID.format(where="Строка 6"),
    ]


def test_format_errors_cuts_a_long_list() -> None:
    rows = [with_cell(ROW_DAY, 0, f"c{n}") for n in range(40)]
    result = parse_csv([with_cell(row, 3, "пикник") for row in rows])

    shown = calendar_errors(result.errors, limit=5)

    assert shown.splitlines()[-1] == "…и ещё 35 ошибок."


# --- uploads: file errors ---


@pytest.mark.parametrize(
    ("file_name", "code", "message"),
    [
        ("calendar.txt", FileProblem.WRONG_FORMAT, texts.FILE_WRONG_FORMAT),
        ("calendar", FileProblem.WRONG_FORMAT, texts.FILE_WRONG_FORMAT),
        ("calendar.ods", FileProblem.WRONG_FORMAT, texts.FILE_WRONG_FORMAT),
        ("calendar.xls", FileProblem.OLD_XLS, texts.FILE_OLD_XLS),
    ],
)
def test_wrong_extension(file_name: str, code: FileProblem, message: str) -> None:
    result = parse_calendar_file(file_name, csv_bytes([ROW_DAY]), known_activities=KNOWN)

    assert result.errors == [RowError(line=0, code=code)]
    assert calendar_errors(result.errors) == message
    assert result.rows == []
    assert not result.ok


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04 truncated zip", b""],
    ids=["text", "truncated", "empty"],
)
def test_damaged_xlsx(content: bytes) -> None:
    result = parse_calendar_file("calendar.xlsx", content, known_activities=KNOWN)

    assert errors_of(result) == [E(0, FileProblem.BROKEN_XLSX)]


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n;;;\r\n", csv_bytes([HEADER])],
    ids=["empty", "blank rows", "header only"],
)
def test_empty_file(content: bytes) -> None:
    result = parse_calendar_file("calendar.csv", content, known_activities=KNOWN)

    assert errors_of(result) == [E(0, FileProblem.EMPTY)]


def test_undecodable_csv() -> None:
    result = parse_calendar_file("c.csv", b"\x98 bad;\xc3\x28\n", known_activities=KNOWN)

    assert errors_of(result) == [E(0, FileProblem.BAD_TEXT)]


def test_too_many_rows() -> None:
    rows = [with_cell(ROW_DAY, 0, f"c{n}") for n in range(501)]

    result = parse_csv([HEADER, *rows])

    assert errors_of(result) == [E(0, FileProblem.TOO_MANY_ROWS, limit=500)]
    assert parse_csv([HEADER, *rows[:500]]).ok  # 500 events is the limit, inclusive


# --- the sample file ---


def test_template_parses_back() -> None:
    assert CALENDAR_TEMPLATE_CSV.startswith(b"\xef\xbb\xbf")
    header = CALENDAR_TEMPLATE_CSV.decode("utf-8-sig").splitlines()[0]
    assert header.split(";")[:3] == ['"Код"', '"№ мероприятия дорожной карты"', '"Название"']

    result = parse_calendar_file(
        "calendar_template.csv", CALENDAR_TEMPLATE_CSV, known_activities=KNOWN
    )

    assert result.errors == []
    assert result.ok
    assert len(result.rows) == 2
    assert [row.line for row in result.rows] == [2, 3]
    assert result.rows[0].starts_on == date(2026, 10, 26)


# --- export to iCalendar ---

NOW = datetime(2026, 9, 1, 4, 30, tzinfo=UTC)
REPORT = IcsEvent(
    uid="event-7",
    title="Отчёт о месячнике школьных библиотек",
    description="Пришлите итоги месячника.",
    starts_on=date(2026, 11, 2),
    ends_on=date(2026, 11, 6),
    deadline_utc=local_to_utc(local(2026, 11, 6, 18, 0), TZ),
    place="Отдел образования",
    link="https://example.org/report",
)
DAY = IcsEvent(
    uid="event-8",
    title="Международный день школьных библиотек",
    description="",
    starts_on=date(2026, 10, 26),
    ends_on=date(2026, 10, 26),
    deadline_utc=datetime(2026, 10, 30, 13, 0, tzinfo=UTC),
)


def vevents(data: bytes) -> dict[str, Component]:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_local_to_utc() -> None:
    assert local_to_utc(local(2026, 11, 6, 18, 0), TZ) == datetime(2026, 11, 6, 13, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(datetime(2026, 11, 6, 18, 0, tzinfo=UTC), TZ)


def test_build_ics_parses_back() -> None:
    data = build_ics(
        [REPORT, DAY],
        tz_name=TZ,
        calendar_name="ШИБЦ Иглинского района",
        now=NOW,
        labels=ICS_LABELS,
    )

    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "ШИБЦ Иглинского района"
    assert str(calendar["X-WR-TIMEZONE"]) == TZ
    assert str(calendar["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [TZ]

    events = vevents(data)
    assert len(calendar.walk("VEVENT")) == 4
    assert set(events) == {
        "event-7@shibc",
        "event-7-deadline@shibc",
        "event-8@shibc",
        "event-8-deadline@shibc",
    }

    period = events["event-7@shibc"]
    assert str(period["SUMMARY"]) == REPORT.title
    assert period.decoded("DTSTART") == date(2026, 11, 2)
    assert period.decoded("DTEND") == date(2026, 11, 7)  # exclusive: the day after the end
    assert not isinstance(period.decoded("DTEND"), datetime)
    assert str(period["LOCATION"]) == "Отдел образования"
    assert str(period["URL"]) == "https://example.org/report"
    assert "Пришлите итоги месячника." in str(period["DESCRIPTION"])
    assert period.decoded("DTSTAMP") == NOW
    assert not period.walk("VALARM")
    assert b"DTSTART;VALUE=DATE:20261102" in data
    assert b"DTEND;VALUE=DATE:20261107" in data

    one_day = events["event-8@shibc"]
    assert one_day.decoded("DTSTART") == date(2026, 10, 26)
    assert one_day.decoded("DTEND") == date(2026, 10, 27)
    assert "DESCRIPTION" not in one_day

    deadline = events["event-7-deadline@shibc"]
    assert str(deadline["SUMMARY"]) == f"Срок: {REPORT.title}"
    start = deadline.decoded("DTSTART")
    end = deadline.decoded("DTEND")
    assert isinstance(start, datetime)
    assert start.astimezone(UTC) == datetime(2026, 11, 6, 13, 0, tzinfo=UTC)
    assert start.replace(tzinfo=None) == local(2026, 11, 6, 18, 0)  # district local time
    assert end - start == timedelta(minutes=30)
    assert deadline.decoded("DTSTAMP") == NOW
    (alarm,) = deadline.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert REPORT.title in str(alarm["DESCRIPTION"])

    other = events["event-8-deadline@shibc"].decoded("DTSTART")
    assert other.astimezone(UTC) == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)


def test_build_ics_is_deterministic_and_handles_no_events() -> None:
    first = build_ics([REPORT], tz_name=TZ, calendar_name="К", now=NOW, labels=ICS_LABELS)
    second = build_ics([REPORT], tz_name=TZ, calendar_name="К", now=NOW, labels=ICS_LABELS)
    assert first == second

    empty = Calendar.from_ical(
        build_ics([], tz_name=TZ, calendar_name="К", now=NOW, labels=ICS_LABELS)
    )
    assert empty.walk("VEVENT") == []


def test_build_ics_from_the_default_calendar() -> None:
    rows = default_rows()
    events = [
        IcsEvent(
            uid=row.code or "",
            title=row.title,
            description=row.description,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            deadline_utc=local_to_utc(row.deadline_local, TZ),
            place=row.place,
            link=row.link,
        )
        for row in rows
    ]

    data = build_ics(events, tz_name=TZ, calendar_name="ШИБЦ 2026/27", now=NOW, labels=ICS_LABELS)

    parsed = vevents(data)
    assert len(parsed) == 24  # 12 events, each with its deadline
    report = parsed["library-month-report-deadline@shibc"].decoded("DTSTART")
    assert report.astimezone(UTC) == datetime(2026, 11, 6, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("events", "now"),
    [
        ([REPORT], NOW.replace(tzinfo=None)),
        ([], NOW.replace(tzinfo=None)),
        ([dataclasses.replace(REPORT, deadline_utc=local(2026, 11, 6, 13, 0))], NOW),
        ([REPORT, REPORT], NOW),
    ],
    ids=["naive now", "naive now, no events", "naive deadline", "duplicate uid"],
)
def test_build_ics_refuses_bad_input(events: list[IcsEvent], now: datetime) -> None:
    with pytest.raises(ValueError, match="aware|duplicate"):
        build_ics(events, tz_name=TZ, calendar_name="К", now=now, labels=ICS_LABELS)


def test_build_ics_takes_its_words_from_the_labels() -> None:
    labels = IcsLabels(
        deadline_summary="Due: {title}",
        alarm_description="Tomorrow: {title}",
        link_line="<{link}>",
    )

    events = vevents(build_ics([REPORT], tz_name=TZ, calendar_name="K", now=NOW, labels=labels))

    deadline = events["event-7-deadline@shibc"]
    assert str(deadline["SUMMARY"]) == f"Due: {REPORT.title}"
    (alarm,) = deadline.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == f"Tomorrow: {REPORT.title}"
    assert str(deadline["DESCRIPTION"]).endswith("<https://example.org/report>")


# --- the Russian texts of the problems (bot.toolkit.render_import) ---

PARAMS: dict[CalendarProblem, dict[str, object]] = {
    CalendarProblem.EXTRA_COLUMNS: {"columns": 11},
    CalendarProblem.CODE_TOO_LONG: {"length": 65, "limit": 64},
    CalendarProblem.CODE_DUPLICATE: {"first": 2},
    CalendarProblem.ACTIVITY_UNKNOWN: {"number": 42},
    CalendarProblem.TITLE_TOO_LONG: {"length": 256, "limit": 255},
    CalendarProblem.DATE_MISSING: {"field": "ends_on"},
    CalendarProblem.DATE_INVALID: {"field": "starts_on"},
    CalendarProblem.PLACE_TOO_LONG: {"length": 256, "limit": 255},
    CalendarProblem.LINK_TOO_LONG: {"length": 501, "limit": 500},
    CalendarProblem.DESCRIPTION_TOO_LONG: {"length": 1001, "limit": 1000},
    CalendarProblem.FIELD_UNKNOWN: {"field": "when"},
    CalendarProblem.FIELD_WRONG_TYPE: {"field": "placeholder", "expected": Expected.BOOL},
}


@pytest.mark.parametrize("code", list(CalendarProblem))
def test_every_problem_has_a_text_for_a_row_and_for_an_event(code: CalendarProblem) -> None:
    params = PARAMS.get(code, {})

    row_text = calendar_error(RowError(5, code, params))
    event_text = default_calendar_problem(EventProblem(2, "day", code, params))

    assert row_text.startswith("Строка 5: ")
    assert event_text.startswith("Событие 2 «day»: ")
    assert "{" not in row_text + event_text


def test_field_of_the_default_calendar_spelled_out() -> None:
    problem = EventProblem(
        3, None, CalendarProblem.FIELD_WRONG_TYPE, {"field": "placeholder", "expected": "bool"}
    )

    assert default_calendar_problem(problem) == (
        "Событие 3: поле «placeholder» должно быть true или false."
    )


@pytest.mark.parametrize(
    ("code", "params", "row_text", "event_text"),
    [
        (
            CalendarProblem.DATE_MISSING,
            {"field": "ends_on"},
            "Строка 5: не указана дата в столбце «окончание».",
            "Событие 2 «day»: не указана дата в столбце «ends_on».",
        ),
        (
            CalendarProblem.CODE_DUPLICATE,
            {"first": 2},
            "Строка 5: код события повторяет строку 2.",
            "Событие 2 «day»: код события повторяет событие 2.",
        ),
    ],
)
def test_problem_texts_spelled_out(
    code: CalendarProblem, params: dict[str, object], row_text: str, event_text: str
) -> None:
    assert calendar_error(RowError(5, code, params)) == row_text
    assert default_calendar_problem(EventProblem(2, "day", code, params)) == event_text


# --- the handler path: the coordinator sees the rendered texts ---


async def test_refused_calendar_upload_shows_every_problem_in_russian(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    rows = [
        with_cell(with_cell(ROW_DAY, 1, ""), 3, "праздник"),
        with_cell(with_cell(ROW_SEMINAR, 1, ""), 4, ""),
    ]

    await client.send(COORDINATOR, "/events")
    await client.press(COORDINATOR, ev.BTN_CALENDAR_FILE)
    await client.send_document(COORDINATOR, "calendar.csv", csv_bytes(rows))

    problems = [
        texts.ROW_KIND_UNKNOWN.format(where="Строка 1"),
        texts.ROW_DATE_MISSING.format(where="Строка 2", column=texts.COLUMN_STARTS_ON),
    ]
    assert client.last_text(COORDINATOR) == ev.CALENDAR_REFUSED.format(errors="\n".join(problems))
    assert await session.scalar(select(func.count(Event.id))) == 0
