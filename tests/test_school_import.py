from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import school_import as texts
from bot.texts import schools as s
from bot.toolkit.render_import import (
    ERRORS_MAX_CHARS,
    SCHOOLS_TEMPLATE_CSV,
    school_error,
    school_errors,
)
from models import School
from services.school_import import (
    MAX_DATA_ROWS,
    FileProblem,
    RowError,
    SchoolImportResult,
    SchoolProblem,
    SchoolRow,
    parse_schools_file,
)
from tests.conftest import COORDINATOR, DistrictSetup
from tests.harness import Client

FULL_1 = (
    "Муниципальное бюджетное общеобразовательное учреждение "
    "средняя общеобразовательная школа № 1 с. Иглино"
)
SHORT_1 = "МБОУ СОШ № 1 с. Иглино"
FULL_2 = "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2» с. Иглино"
SHORT_2 = "МБОУ Лицей № 2 с. Иглино"
HEADER = ("Полное наименование", "Краткое наименование")


def csv_bytes(
    rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    """Plain hand-made CSV (no quoting): what a text editor or Excel writes."""
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[str | float | None]], *, start_row: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row_index, row in enumerate(rows, start=start_row):
        for col_index, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_index, column=col_index, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_csv(
    rows: Sequence[Sequence[str]], existing: Sequence[str] = (), **kwargs: str
) -> SchoolImportResult:
    return parse_schools_file(
        "schools.csv", csv_bytes(rows, **kwargs), existing_short_names=existing
    )


Problem = tuple[int, str, dict[str, object]]


def E(line: int, code: str, **params: object) -> Problem:  # noqa: N802
    return (line, code, params)


def errors_of(result: SchoolImportResult) -> list[Problem]:
    return [(error.line, error.code, dict(error.params)) for error in result.errors]


# --- reading: formats, encodings, delimiters ---


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding: str, delimiter: str) -> None:
    content = csv_bytes(
        [HEADER, (FULL_1, SHORT_1), (FULL_2, SHORT_2)], delimiter=delimiter, encoding=encoding
    )

    result = parse_schools_file("schools.csv", content)

    assert result.errors == []
    assert result.ok
    assert result.rows == [
        SchoolRow(full_name=FULL_1, short_name=SHORT_1, line=2),
        SchoolRow(full_name=FULL_2, short_name=SHORT_2, line=3),
    ]


def test_csv_utf16_with_bom_from_excel_unicode_text() -> None:
    content = csv_bytes([HEADER, (FULL_1, SHORT_1)], delimiter="\t", encoding="utf-16")

    result = parse_schools_file("schools.csv", content)

    assert result.ok
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 2)]


def test_csv_quoted_fields_and_commas_inside_names() -> None:
    # csv.Sniffer would pick "," here; the semicolon must win.
    text = (
        '"МБОУ ""СОШ № 1"", с. Иглино";"СОШ № 1"\r\n'
        "МБОУ «СОШ № 2», с. Иглино;СОШ № 2\r\n"
        "МБОУ «СОШ № 3», с. Кальтовка;СОШ № 3\r\n"
    )

    result = parse_schools_file("schools.csv", text.encode("cp1251"))

    assert result.errors == []
    assert [(r.full_name, r.short_name) for r in result.rows] == [
        ('МБОУ "СОШ № 1", с. Иглино', "СОШ № 1"),
        ("МБОУ «СОШ № 2», с. Иглино", "СОШ № 2"),
        ("МБОУ «СОШ № 3», с. Кальтовка", "СОШ № 3"),
    ]


def test_csv_comma_delimited_with_quotes() -> None:
    text = f'"{FULL_1}","{SHORT_1}"\n"{FULL_2}",{SHORT_2}\n'

    result = parse_schools_file("list.CSV", text.encode("utf-8"))

    assert result.ok
    assert [(r.full_name, r.short_name, r.line) for r in result.rows] == [
        (FULL_1, SHORT_1, 1),
        (FULL_2, SHORT_2, 2),
    ]


def test_csv_whitespace_is_collapsed_and_quotes_kept() -> None:
    text = (
        "  МБОУ   «Гимназия\u00a0№ 5»  с.\tИглино ;  “Гимназия № 5”  \r\n"
        '"МБОУ СОШ\r\nс. Урман";СОШ Урман\r\n'
    )

    result = parse_schools_file("schools.csv", text.encode("utf-8"))

    assert result.errors == []
    assert result.rows == [
        SchoolRow("МБОУ «Гимназия № 5» с. Иглино", "“Гимназия № 5”", 1),
        SchoolRow("МБОУ СОШ с. Урман", "СОШ Урман", 2),
    ]


def test_undecodable_csv_is_a_file_error() -> None:
    content = b"\x98 bad;\xc3\x28\n"  # neither UTF-8 nor cp1251 (0x98 is unused there)

    result = parse_schools_file("schools.csv", content)

    assert errors_of(result) == [E(0, FileProblem.BAD_TEXT)]
    assert result.rows == []


def test_binary_csv_is_a_file_error() -> None:
    result = parse_schools_file("schools.csv", b"%PDF-1.4\x00\x01\x02;x\n")

    assert errors_of(result) == [E(0, FileProblem.BAD_TEXT)]


def test_xlsx_basic_with_numbers_none_and_blank_rows() -> None:
    content = xlsx_bytes(
        [
            HEADER,
            (FULL_1, SHORT_1),
            (None, None),
            ("  Школа   № 7  ", 7),
            ("Школа 8.0", 8.0),
            (FULL_2, SHORT_2, None, None),
        ]
    )

    result = parse_schools_file("Школы района.xlsx", content)

    assert result.errors == []
    assert result.rows == [
        SchoolRow(FULL_1, SHORT_1, 2),
        SchoolRow("Школа № 7", "7", 4),
        SchoolRow("Школа 8.0", "8", 5),
        SchoolRow(FULL_2, SHORT_2, 6),
    ]


def test_xlsx_line_numbers_follow_excel_rows_when_table_starts_lower() -> None:
    content = xlsx_bytes([HEADER, (FULL_1, SHORT_1), (FULL_2, None)], start_row=3)

    result = parse_schools_file("schools.XLSX", content)

    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 4)]
    assert errors_of(result) == [E(5, SchoolProblem.SHORT_NAME_MISSING)]


def test_xlsx_table_starting_in_column_b() -> None:
    content = xlsx_bytes([(None, *HEADER), (None, FULL_1, SHORT_1)])

    result = parse_schools_file("schools.xlsx", content)

    assert result.ok
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 2)]


def test_xlsx_errors_are_collected() -> None:
    content = xlsx_bytes(
        [
            (FULL_1, SHORT_1),
            (None, SHORT_2),
            (FULL_2, SHORT_2, "лишнее"),
            ("x" * 256, "y" * 65),
        ]
    )

    result = parse_schools_file("schools.xlsx", content)

    assert [line for line, _, _ in errors_of(result)] == [2, 3, 3, 4, 4]
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 1)]


def test_csv_file_that_is_really_xlsx_is_read_as_excel() -> None:
    content = xlsx_bytes([HEADER, (FULL_1, SHORT_1)])

    result = parse_schools_file("schools.csv", content)

    assert result.ok
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 2)]


# --- header and blank lines ---


@pytest.mark.parametrize(
    "header",
    [
        ("Полное наименование", "Краткое наименование"),
        ("ПОЛНОЕ НАИМЕНОВАНИЕ ОО", "краткое наименование ОО"),
        ("full name", "short name"),
        ("Наименование",),
        ("название", ""),
        ("Полное название школы", "Сокращённое название"),
        ("Школа", "Краткое"),
        ("Полное", "Краткое"),
        ("Наименование школы", "Краткое", "Примечание"),
    ],
)
def test_header_row_is_skipped(header: tuple[str, ...]) -> None:
    result = parse_csv([header, (FULL_1, SHORT_1)])

    assert result.errors == []
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 2)]


def test_header_after_leading_blank_rows_is_skipped() -> None:
    result = parse_csv([("", ""), ("",), HEADER, (FULL_1, SHORT_1)])

    assert result.errors == []
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 4)]


def test_first_row_with_school_word_is_data_not_header() -> None:
    result = parse_csv([("Средняя общеобразовательная школа № 3", "СОШ № 3")])

    assert result.rows == [SchoolRow("Средняя общеобразовательная школа № 3", "СОШ № 3", 1)]


def test_blank_lines_are_skipped_and_numbering_kept() -> None:
    text = (
        f"\r\n{';'.join(HEADER)}\r\n\r\n;\r\n  ;  \r\n"
        f"{FULL_1};{SHORT_1}\r\n\r\n{FULL_2};{SHORT_2}\r\n\r\n"
    )

    result = parse_schools_file("schools.csv", text.encode("utf-8"))

    assert result.errors == []
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 6), SchoolRow(FULL_2, SHORT_2, 8)]


# --- row errors ---


def test_missing_full_name() -> None:
    result = parse_csv([HEADER, (FULL_1, SHORT_1), ("", SHORT_2)])

    assert errors_of(result) == [E(3, SchoolProblem.FULL_NAME_MISSING)]
    assert not result.ok
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 2)]


def test_missing_short_name() -> None:
    result = parse_csv([(FULL_1, SHORT_1), (FULL_2,), ("Школа 3", "  ")])

    assert errors_of(result) == [
        E(2, SchoolProblem.SHORT_NAME_MISSING),
        E(3, SchoolProblem.SHORT_NAME_MISSING),
    ]


def test_length_limits() -> None:
    result = parse_csv(
        [
            ("a" * 255, "b" * 64),
            ("c" * 256, "d" * 10),
            ("e" * 10, "f" * 65),
        ]
    )

    assert errors_of(result) == [
        E(2, SchoolProblem.FULL_NAME_TOO_LONG, length=256, limit=255),
        E(3, SchoolProblem.SHORT_NAME_TOO_LONG, length=65, limit=64),
    ]
    assert result.rows == [SchoolRow("a" * 255, "b" * 64, 1)]
    assert "Строка 2: полное наименование слишком длинное" in school_error(result.errors[0])


def test_more_than_two_columns() -> None:
    result = parse_csv([(FULL_1, SHORT_1, "", ""), (FULL_2, SHORT_2, "ещё что-то")])

    assert errors_of(result) == [E(2, SchoolProblem.EXTRA_COLUMNS)]
    assert "только два" in school_error(result.errors[0])
    assert result.rows == [SchoolRow(FULL_1, SHORT_1, 1)]


def test_nul_character_means_not_a_text_file() -> None:
    result = parse_csv([(FULL_1, SHORT_1), ("Школа 3", "СОШ\x00 3")])

    assert errors_of(result) == [E(0, FileProblem.BAD_TEXT)]


def test_control_character() -> None:
    result = parse_csv([(FULL_1, SHORT_1), ("Школа\x07 2", "СОШ 2"), ("Школа 3", "СОШ\x1b3")])

    assert errors_of(result) == [
        E(2, SchoolProblem.CONTROL_CHARACTER),
        E(3, SchoolProblem.CONTROL_CHARACTER),
    ]


def test_duplicates_in_file_case_insensitive() -> None:
    result = parse_csv(
        [
            HEADER,
            (FULL_1, SHORT_1),
            (FULL_2, SHORT_2),
            (FULL_1.upper(), "Другая"),
            ("Другая полная", SHORT_2.lower()),
            (f"  {FULL_1}  ", "Ещё одна"),
        ]
    )

    assert errors_of(result) == [
        E(4, SchoolProblem.FULL_NAME_DUPLICATE, first_line=2),
        E(5, SchoolProblem.SHORT_NAME_DUPLICATE, first_line=3),
        E(6, SchoolProblem.FULL_NAME_DUPLICATE, first_line=2),
    ]
    assert [row.line for row in result.rows] == [2, 3]


def test_existing_short_names() -> None:
    result = parse_csv(
        [(FULL_1, SHORT_1), (FULL_2, SHORT_2)],
        existing=["мбоу  сош № 1 с. иглино", "Другая"],
    )

    assert errors_of(result) == [
        E(1, SchoolProblem.SHORT_NAME_EXISTS),
    ]
    assert result.rows == [SchoolRow(FULL_2, SHORT_2, 2)]


def test_existing_short_names_accepts_any_collection() -> None:
    result = parse_schools_file(
        "s.csv", csv_bytes([(FULL_1, SHORT_1)]), existing_short_names={"Нет такой"}
    )

    assert result.ok


def test_all_errors_collected_from_several_bad_rows() -> None:
    result = parse_csv(
        [
            HEADER,
            (FULL_1, SHORT_1),  # 2 ok
            ("", ""),  # 3 blank
            ("", SHORT_2),  # 4 missing full
            (FULL_2, ""),  # 5 missing short
            ("x" * 300, "y" * 70, "z"),  # 6 extra + too long ×2
            (FULL_1, SHORT_1),  # 7 duplicates ×2
            ("Школа 8", "Занятая"),  # 8 exists
            ("Школа\x01 9", "СОШ 9"),  # 9 control
            ("Школа 10", "СОШ 10"),  # 10 ok
        ],
        existing=["занятая"],
    )

    assert errors_of(result) == [
        E(4, SchoolProblem.FULL_NAME_MISSING),
        E(5, SchoolProblem.SHORT_NAME_MISSING),
        E(6, SchoolProblem.EXTRA_COLUMNS),
        E(6, SchoolProblem.FULL_NAME_TOO_LONG, length=300, limit=255),
        E(6, SchoolProblem.SHORT_NAME_TOO_LONG, length=70, limit=64),
        E(7, SchoolProblem.FULL_NAME_DUPLICATE, first_line=2),
        E(7, SchoolProblem.SHORT_NAME_DUPLICATE, first_line=2),
        E(8, SchoolProblem.SHORT_NAME_EXISTS),
        E(9, SchoolProblem.CONTROL_CHARACTER),
    ]
    assert not result.ok
    assert [row.line for row in result.rows] == [2, 10]


# --- file-level errors ---


@pytest.mark.parametrize("name", ["schools.txt", "schools.pdf", "schools", "schools.ods", ""])
def test_wrong_extension(name: str) -> None:
    result = parse_schools_file(name, csv_bytes([(FULL_1, SHORT_1)]))

    assert errors_of(result) == [E(0, FileProblem.WRONG_FORMAT)]
    assert ".xlsx" in school_error(result.errors[0])
    assert ".csv" in school_error(result.errors[0])
    assert result.rows == []
    assert not result.ok


def test_old_xls_extension() -> None:
    result = parse_schools_file("schools.xls", b"\xd0\xcf\x11\xe0 old excel")

    assert errors_of(result) == [E(0, FileProblem.OLD_XLS)]
    assert ".xlsx" in school_error(result.errors[0])


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"this is not a zip",
        csv_bytes([(FULL_1, SHORT_1)]),
        xlsx_bytes([(FULL_1, SHORT_1)])[:300],  # truncated
    ],
)
def test_corrupt_xlsx(content: bytes) -> None:
    result = parse_schools_file("schools.xlsx", content)

    assert errors_of(result) == [E(0, FileProblem.BROKEN_XLSX)]
    assert ".xlsx" in school_error(result.errors[0])


def test_zip_that_is_not_xlsx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    result = parse_schools_file("schools.xlsx", buffer.getvalue())

    assert errors_of(result) == [E(0, FileProblem.BROKEN_XLSX)]


@pytest.mark.parametrize(
    "content",
    [b"", b"\xef\xbb\xbf", b"\r\n\r\n;;\r\n", csv_bytes([HEADER])],
)
def test_empty_csv(content: bytes) -> None:
    result = parse_schools_file("schools.csv", content)

    assert errors_of(result) == [E(0, FileProblem.EMPTY)]
    assert not result.ok


def test_empty_xlsx() -> None:
    result = parse_schools_file("schools.xlsx", xlsx_bytes([HEADER]))

    assert errors_of(result) == [E(0, FileProblem.EMPTY)]


def many_rows(count: int) -> list[tuple[str, str]]:
    return [(f"Школа № {i} полное", f"Школа № {i}") for i in range(1, count + 1)]


def test_row_limit_is_inclusive() -> None:
    result = parse_csv([HEADER, *many_rows(MAX_DATA_ROWS)])

    assert result.ok
    assert len(result.rows) == MAX_DATA_ROWS
    assert result.rows[-1].line == MAX_DATA_ROWS + 1


def test_too_many_rows_csv() -> None:
    result = parse_csv([HEADER, *many_rows(MAX_DATA_ROWS + 1)])

    assert errors_of(result) == [E(0, FileProblem.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)]
    assert "2000" in school_error(result.errors[0])
    assert result.rows == []


def test_too_many_rows_xlsx() -> None:
    result = parse_schools_file("s.xlsx", xlsx_bytes(many_rows(MAX_DATA_ROWS + 5)))

    assert errors_of(result) == [E(0, FileProblem.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)]


# --- the Russian texts of the problems (bot.toolkit.render_import) ---


def make_errors(count: int) -> list[RowError]:
    return [RowError(i, SchoolProblem.SHORT_NAME_MISSING) for i in range(1, count + 1)]


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (RowError(0, FileProblem.WRONG_FORMAT), texts.FILE_WRONG_FORMAT),
        (RowError(0, FileProblem.OLD_XLS), texts.FILE_OLD_XLS),
        (RowError(0, FileProblem.BROKEN_XLSX), texts.FILE_BROKEN_XLSX),
        (RowError(0, FileProblem.BAD_TEXT), texts.FILE_BAD_TEXT),
        (RowError(0, FileProblem.EMPTY), texts.FILE_EMPTY),
        (
            RowError(0, FileProblem.TOO_MANY_ROWS, {"limit": 2000}),
            texts.FILE_TOO_MANY_ROWS.format(limit=2000),
        ),
        (RowError(4, SchoolProblem.FULL_NAME_MISSING), texts.ROW_FULL_NAME_MISSING.format(line=4)),
        (
            RowError(4, SchoolProblem.SHORT_NAME_MISSING),
            texts.ROW_SHORT_NAME_MISSING.format(line=4),
        ),
        (
            RowError(4, SchoolProblem.FULL_NAME_TOO_LONG, {"length": 256, "limit": 255}),
            texts.ROW_FULL_NAME_TOO_LONG.format(line=4, length=256, limit=255),
        ),
        (
            RowError(4, SchoolProblem.SHORT_NAME_TOO_LONG, {"length": 65, "limit": 64}),
            texts.ROW_SHORT_NAME_TOO_LONG.format(line=4, length=65, limit=64),
        ),
        (RowError(4, SchoolProblem.EXTRA_COLUMNS), texts.ROW_EXTRA_COLUMNS.format(line=4)),
        (
            RowError(4, SchoolProblem.CONTROL_CHARACTER),
            texts.ROW_CONTROL_CHARACTER.format(line=4),
        ),
        (
            RowError(4, SchoolProblem.FULL_NAME_DUPLICATE, {"first_line": 2}),
            texts.ROW_FULL_NAME_DUPLICATE.format(line=4, first_line=2),
        ),
        (
            RowError(4, SchoolProblem.SHORT_NAME_DUPLICATE, {"first_line": 2}),
            texts.ROW_SHORT_NAME_DUPLICATE.format(line=4, first_line=2),
        ),
        (
            RowError(4, SchoolProblem.SHORT_NAME_EXISTS),
            texts.ROW_SHORT_NAME_EXISTS.format(line=4),
        ),
    ],
)
def test_every_problem_has_its_text(error: RowError, text: str) -> None:
    assert school_error(error) == text


def test_row_texts_spelled_out() -> None:
    result = parse_csv([("x" * 300, "СОШ 1"), ("Школа 2", "СОШ 1", "лишнее")])

    assert [school_error(error) for error in result.errors] == [
        "Строка 1: полное наименование слишком длинное — 300 симв., можно не больше 255.",
        "Строка 2: заполнено больше двух столбцов. Нужны только два: "
        "полное наименование и краткое наименование.",
        "Строка 2: краткое наименование повторяет строку 1.",
    ]


def test_format_errors_lists_all_under_limit() -> None:
    errors = make_errors(3)

    assert school_errors(errors) == (
        "Строка 1: не указано краткое наименование.\n"
        "Строка 2: не указано краткое наименование.\n"
        "Строка 3: не указано краткое наименование."
    )
    assert school_errors([]) == ""


@pytest.mark.parametrize(
    ("count", "tail"),
    [
        (31, "…и ещё 1 ошибка."),
        (32, "…и ещё 2 ошибки."),
        (35, "…и ещё 5 ошибок."),
        (41, "…и ещё 11 ошибок."),
        (51, "…и ещё 21 ошибка."),
        (54, "…и ещё 24 ошибки."),
    ],
)
def test_format_errors_truncates_after_limit(count: int, tail: str) -> None:
    lines = school_errors(make_errors(count)).split("\n")

    assert len(lines) == 31
    assert lines[0] == "Строка 1: не указано краткое наименование."
    assert lines[29] == "Строка 30: не указано краткое наименование."
    assert lines[-1] == tail


def test_format_errors_custom_limit() -> None:
    assert school_errors(make_errors(5), limit=2).split("\n") == [
        "Строка 1: не указано краткое наименование.",
        "Строка 2: не указано краткое наименование.",
        "…и ещё 3 ошибки.",
    ]


def test_format_errors_stays_under_telegram_size() -> None:
    errors = [RowError(i, SchoolProblem.EXTRA_COLUMNS) for i in range(1, 5001)]

    text = school_errors(errors, limit=10_000)

    assert len(text) < ERRORS_MAX_CHARS <= 3500
    assert text.endswith("ошибок.") or text.endswith("ошибки.") or text.endswith("ошибка.")
    assert text.split("\n")[-1].startswith("…и ещё ")


def test_format_errors_of_real_result() -> None:
    result = parse_csv([(FULL_1, ""), ("", SHORT_1)])

    assert school_errors(result.errors) == (
        "Строка 1: не указано краткое наименование.\nСтрока 2: не указано полное наименование."
    )


# --- template and API shape ---


def test_template_csv_parses_back() -> None:
    assert SCHOOLS_TEMPLATE_CSV.startswith(b"\xef\xbb\xbf")
    text = SCHOOLS_TEMPLATE_CSV.decode("utf-8-sig")
    assert text.splitlines()[0] == '"Полное наименование";"Краткое наименование"'
    assert '"МБОУ СОШ № 1 с. Иглино"' in text

    result = parse_schools_file("template.csv", SCHOOLS_TEMPLATE_CSV)

    assert result.ok
    assert len(result.rows) == 2
    assert result.rows[0] == SchoolRow(FULL_1, SHORT_1, 2)
    assert result.rows[1].line == 3


def test_results_are_frozen() -> None:
    result = parse_csv([(FULL_1, SHORT_1)])

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.rows[0].line = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.errors = []  # type: ignore[misc]


def test_ok_requires_rows_and_no_errors() -> None:
    assert not SchoolImportResult(rows=[], errors=[]).ok
    assert SchoolImportResult(rows=[SchoolRow("a", "b", 1)], errors=[]).ok
    assert not SchoolImportResult(
        rows=[SchoolRow("a", "b", 1)], errors=[RowError(2, SchoolProblem.EXTRA_COLUMNS)]
    ).ok


# --- the handler path: the coordinator sees the rendered texts ---


async def test_refused_upload_shows_every_problem_in_russian(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    content = csv_bytes([(FULL_1, ""), ("x" * 300, "СОШ 2"), ("Школа 3", "сош 2")])

    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "schools.csv", content)

    problems = [
        texts.ROW_SHORT_NAME_MISSING.format(line=1),
        texts.ROW_FULL_NAME_TOO_LONG.format(line=2, length=300, limit=255),
        texts.ROW_SHORT_NAME_DUPLICATE.format(line=3, first_line=2),
    ]
    assert client.last_text(COORDINATOR) == s.IMPORT_REFUSED.format(errors="\n".join(problems))
    assert await session.scalar(select(func.count(School.id))) == 1


async def test_unreadable_upload_shows_the_file_problem(
    client: Client, district_setup: DistrictSetup
) -> None:
    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "schools.xlsx", b"not a zip")

    assert client.last_text(COORDINATOR) == s.IMPORT_REFUSED.format(errors=texts.FILE_BROKEN_XLSX)
