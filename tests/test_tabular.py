"""The shared reader of uploaded tables (services.tabular.read_table)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook

from services.tabular import Cell, FileProblem, TableRow, UnreadableTable, read_table

TABLE = [
    ("Полное наименование", "Краткое наименование"),
    ("Школа № 1 с. Иглино, полностью", "СОШ № 1"),
    ("Лицей «Ёлочка»", "Лицей"),
]
EXPECTED = [TableRow(1, TABLE[0]), TableRow(2, TABLE[1]), TableRow(4, TABLE[2])]


def two_columns(cells: Sequence[str]) -> bool:
    return len(cells) == 2


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str) -> bytes:
    lines = [";".join(f'"{cell}"' for cell in row) for row in rows]
    return "\r\n".join(lines).encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Cell | None]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_csv_in_any_encoding_and_xlsx_give_the_same_rows(encoding: str) -> None:
    with_blank = [TABLE[0], TABLE[1], ("", ""), TABLE[2]]

    from_csv = read_table("t.csv", csv_bytes(with_blank, encoding), max_rows=10, fits=two_columns)
    from_xlsx = read_table("t.xlsx", xlsx_bytes(with_blank), max_rows=10, fits=two_columns)

    assert from_csv == EXPECTED
    assert from_xlsx == EXPECTED


def test_xlsx_cells_keep_their_types() -> None:
    moment = datetime(2026, 10, 26, 18, 0, tzinfo=UTC).replace(tzinfo=None)  # naive, as Excel
    content = xlsx_bytes([("День", moment, 14, None, 2.5, True)])

    (row,) = read_table("t.xlsx", content, max_rows=10, fits=two_columns)

    assert row.cells == ("День", moment, 14, "", 2.5, True)
    assert isinstance(row.cells[1], date)


def test_reading_stops_after_max_rows() -> None:
    rows = [(f"Школа {n}", f"СОШ {n}") for n in range(10)]

    assert len(read_table("t.csv", csv_bytes(rows, "utf-8"), max_rows=3, fits=two_columns)) == 3
    assert len(read_table("t.xlsx", xlsx_bytes(rows), max_rows=3, fits=two_columns)) == 3


@pytest.mark.parametrize(
    ("file_name", "content", "code"),
    [
        ("t.txt", b"a;b", FileProblem.WRONG_FORMAT),
        ("t.xls", b"\xd0\xcf\x11\xe0", FileProblem.OLD_XLS),
        ("t.xlsx", b"not a zip", FileProblem.BROKEN_XLSX),
        ("t.csv", b"\x98 bad;\xc3\x28\n", FileProblem.BAD_TEXT),
    ],
)
def test_unreadable_files(file_name: str, content: bytes, code: FileProblem) -> None:
    with pytest.raises(UnreadableTable) as caught:
        read_table(file_name, content, max_rows=10, fits=two_columns)

    assert caught.value.code is code
