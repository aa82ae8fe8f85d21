"""The documents on plain data: the fonts, the diplomas, the ZIP parts, formula-safe tables."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from handlers.contests.results.words import diploma_words, entry_words
from models import EntryStatus
from services import fonts
from services.contests.documents import (
    Diploma,
    EntryDoc,
    PersonDoc,
    WorkDoc,
    diploma_file_name,
    diploma_pdf,
    diplomas_for,
    diplomas_zip,
    entries_xlsx,
    safe_name,
)
from tests.contest_results_helpers import pdf_text

BASE = EntryDoc(
    id=1,
    number=7,
    code="ЧР-2026-007",
    school_id=1,
    school="МБОУ СОШ № 1",
    school_full="Муниципальное бюджетное общеобразовательное учреждение СОШ № 1",
    nomination_id=1,
    nomination="Читаем вместе",
    status=EntryStatus.ACCEPTED,
    is_late=True,
    work_title="Наша книга",
    supervisor="Анна Петрова",
    participants=(PersonDoc("Гөлнур Ғәлиева", "3"), PersonDoc("Ринат Ғәлиев", "parent")),
    works=(WorkDoc("видео.mp4"), WorkDoc("", "https://example.ru/a")),
    place=2,
)


def entry(**changes: Any) -> EntryDoc:
    return replace(BASE, **changes)


def test_the_fonts_come_from_matplotlib_and_are_checked() -> None:
    files = fonts.font_files()
    data = Path(matplotlib.get_data_path())
    assert {p.name for p in files.values()} == {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
    assert all(p.is_relative_to(data) and p.is_file() for p in files.values())
    assert fonts.register_fonts() == fonts.Fonts("DejaVuSans", "DejaVuSans-Bold")


def test_a_missing_font_is_said_plainly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "font_dir", lambda: tmp_path)
    with pytest.raises(fonts.FontMissing, match="DejaVuSans.ttf"):
        fonts.font_files()


def test_a_diploma_per_participant_and_supervisor_with_bashkir_letters() -> None:
    diplomas = diplomas_for(
        [entry(), entry(id=2, status=EntryStatus.REJECTED)],
        contest="Читающие родители — читающие дети",
        stage="municipal",
        district="Иглинский район",
        day=date(2026, 12, 10),
    )
    assert [(d.person, d.supervisor) for d in diplomas] == [
        ("Гөлнур Ғәлиева", False),
        ("Ринат Ғәлиев", False),
        ("Анна Петрова", True),
    ]
    words = diploma_words()
    content = diploma_pdf(diplomas[2], words)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4
    text = pdf_text(content)
    for part in (
        "Диплом II степени",
        "Анна Петрова",
        "руководитель",
        "участники: Гөлнур Ғәлиева, Ринат Ғәлиев",
        "Муниципальный этап конкурса",
        "10.12.2026",
        "№ ЧР-2026-007",
    ):
        assert part in text
    assert reader.metadata is not None and reader.metadata.title == (
        "Диплом II степени — Анна Петрова"
    )
    certificate = pdf_text(diploma_pdf(diplomas_for_place(None)[0], words))
    assert "Сертификат участника" in certificate and "вручается" in certificate


def diplomas_for_place(place: int | None) -> list[Diploma]:
    return diplomas_for(
        [entry(place=place)], contest="К", stage="school", district="Р", day=date(2026, 1, 1)
    )


def test_a_very_long_name_and_school_still_fit_the_page() -> None:
    long = "Очень-очень длинная фамилия " * 8
    (diploma, *_) = diplomas_for(
        [entry(participants=(PersonDoc(long.strip(), "5"),), school_full="Школа " * 60)],
        contest="Конкурс " * 30,
        stage="republican",
        district="Район",
        day=date(2026, 1, 1),
    )
    content = diploma_pdf(diploma, diploma_words())
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert "…" in pdf_text(content)  # cut, not spilled over the frame


def test_file_names_are_safe_everywhere() -> None:
    assert safe_name('a/b\\c:d*e?f"g<h>i|j\x00k') == "a b c d e f g h i j k"
    assert safe_name("...") == "_"
    (diploma, *_) = diplomas_for_place(1)
    assert diploma_file_name(diploma, diploma_words()) == (
        "ЧР-2026-007 Диплом I степени — Гөлнур Ғәлиева.pdf"
    )


def test_the_zip_is_cut_into_parts_under_the_limit() -> None:
    diplomas = diplomas_for_place(3) * 5  # 15 documents, the same names: kept apart

    def draw(diploma: Diploma, words: object) -> bytes:
        return os.urandom(10_000)  # as little compressible as a PDF's streams

    parts = diplomas_zip(diplomas, diploma_words(), part_max=35_000, draw=draw)
    assert len(parts) == 5  # three documents to a part
    names = [n for part in parts for n in zipfile.ZipFile(io.BytesIO(part)).namelist()]
    assert len(names) == len(set(names)) == 15
    assert "МБОУ СОШ № 1/ЧР-2026-007 Диплом III степени — Гөлнур Ғәлиева (2).pdf" in names
    assert all(len(part) <= 35_000 for part in parts)


def test_the_entries_table_has_a_row_per_participant_and_no_formulas() -> None:
    risky = entry(
        participants=(PersonDoc('=HYPERLINK("http://x")', "5", 10),),
        supervisor="+cmd|' /C calc'!A0",
        work_title="@SUM(1)",
    )
    content = entries_xlsx([entry(), risky], entry_words(), published=True)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 1 + 3
    assert rows[1][3:6] == ["Гөлнур Ғәлиева", "3 класс", None]
    assert rows[2][4] == "родитель"
    assert rows[1][8] == "после продления"
    assert rows[1][10] == "видео.mp4\nhttps://example.ru/a"
    assert rows[1][11] == "II степень"
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not formula_cells
    assert rows[3][3] == '=HYPERLINK("http://x")'
    assert rows[3][6] == "+cmd|' /C calc'!A0"
