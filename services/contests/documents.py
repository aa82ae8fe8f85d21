"""A contest's documents: the entries and winners tables, the jury's protocol, the diplomas.

- the entries XLSX: one row per participant (the winners export has the same columns, so the
  next stage reads it as entries);
- the protocol: XLSX (a sheet per nomination, a row per juror's score with the points of each
  criterion, the total, whether it counts, the mean and the places; a sheet of the jury) and
  PDF (a table per nomination: each juror's total with its points, the mean, the places);
- diplomas and participation certificates: one A4 PDF per participant and per supervisor of
  an accepted entry, by the place the coordinator confirmed; all of them as ZIP files.

Drawing works on plain data (:class:`EntryDoc`, :class:`ProtocolDoc`, :class:`Diploma`) so it
runs in a worker thread; the loaders at the end read it from the database. The words come
from the caller (services never hold the bot's texts); the fonts from services.fonts.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from html import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Contest, ContestJuror, EntryStatus, User, WorkKind
from services.contests.entries import contest_entries
from services.contests.results import Ranked, Ranking, rank, scores_of
from services.fonts import Fonts, register_fonts
from services.tabular import Sheet, write_workbook, write_xlsx

# Telegram takes documents of up to 50 MB from a bot: a ZIP is cut into parts below that
ZIP_PART_MAX = 45 * 1024 * 1024

# ---- plain data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDoc:
    name: str
    category: str  # "1".."11", "parent", "teacher", "library"
    age: int | None = None


@dataclass(frozen=True)
class WorkDoc:
    name: str  # a file's name, or "" for a link
    link: str = ""


@dataclass(frozen=True)
class EntryDoc:
    id: int
    number: int
    code: str
    school_id: int
    school: str  # short name
    school_full: str
    nomination_id: int
    nomination: str
    status: EntryStatus
    is_late: bool
    work_title: str
    supervisor: str
    participants: tuple[PersonDoc, ...]
    works: tuple[WorkDoc, ...] = ()
    place: int | None = None  # the confirmed degree
    mean: float | None = None  # the mean it was confirmed on


@dataclass(frozen=True)
class CriterionDoc:
    id: int
    title: str
    max_score: int


@dataclass(frozen=True)
class SeatDoc:
    id: int
    name: str
    revoked: bool = False


@dataclass(frozen=True)
class ScoreDoc:
    entry_id: int
    juror_id: int
    points: Mapping[str, object]


@dataclass(frozen=True)
class ProtocolDoc:
    contest: str
    district: str
    day: date
    max_total: int
    criteria: tuple[CriterionDoc, ...]
    nominations: tuple[tuple[int, str], ...]  # (id, title) in the contest's order
    entries: tuple[EntryDoc, ...]  # the accepted ones
    seats: tuple[SeatDoc, ...]  # every taken seat, in the order of their numbers
    scores: tuple[ScoreDoc, ...]
    ranking: Ranking


# ---- words (from the caller) -----------------------------------------------------------------


@dataclass(frozen=True)
class EntryWords:
    header: tuple[str, ...]  # 12 columns, see entry_rows()
    categories: Mapping[str, str]  # "parent" → «родитель»
    grade: str  # "{grade} класс"
    statuses: Mapping[str, str]
    late: str  # the mark of an entry sent after an extension
    degrees: Mapping[int, str]  # 1 → «I степень»
    participation: str


@dataclass(frozen=True)
class ProtocolWords:
    title: str  # "Протокол жюри"
    subtitle: str  # "{contest} · {district} · {date}"
    score_header: tuple[str, ...]  # place, number, school, participants, juror
    total: str  # "Итого"
    counted: str  # "Учтена"
    summary_header: tuple[str, ...]  # mean, proposed, confirmed
    yes: str
    no: str
    not_counted: str  # in a juror's cell of the PDF: the score does not count
    no_scores: str
    criterion: str  # "{title} (до {max})"
    juror_fallback: str  # "Член жюри {n}"
    jury_sheet: str  # the sheet's name
    jury_header: tuple[str, ...]  # number, juror, counted scores, silent in
    juror_short: str  # "Ж{n}"
    pdf_header: tuple[str, ...]  # place, number, school, participants (jurors follow), then 3
    ties: str  # "Поровну: {items}"
    tie_item: str  # "место {place} — {codes}"
    unscored: str  # "Без оценок: {codes}"
    silent: str  # "Не оценивали: {names}"
    legend: str  # "Жюри: {items}"
    signatures: str  # "Подписи членов жюри:"
    degrees: Mapping[int, str]
    participation: str
    empty: str  # a contest without nominations


@dataclass(frozen=True)
class DiplomaWords:
    degrees: Mapping[int, str]  # 1 → «Диплом I степени»
    certificate: str  # «Сертификат участника»
    awarded: str  # under a diploma's title: «награждается»
    given: str  # under a certificate's title: «вручается»
    supervisor: str  # «руководитель»
    of_participant: str  # "участник: {names}"
    of_participants: str  # "участники: {names}"
    stage: Mapping[str, str]  # "municipal" → «Муниципальный этап конкурса»
    nomination: str  # "в номинации «{nomination}»"
    number: str  # "№ {code}"
    file_name: str  # "{code} {title} — {name}.pdf"


# ---- the entries table -----------------------------------------------------------------------


def category_name(category: str, words: EntryWords) -> str:
    return words.categories.get(category) or words.grade.format(grade=category)


def _result(entry: EntryDoc, words: EntryWords, published: bool) -> str:
    if entry.place is not None:
        return words.degrees.get(entry.place, "")
    if published and entry.status is EntryStatus.ACCEPTED:
        return words.participation
    return ""


def entry_rows(
    entries: Iterable[EntryDoc], words: EntryWords, *, published: bool
) -> list[list[str]]:
    """One row per participant: number, school, nomination, participant, category, age,
    supervisor, status, late mark, the work's title, its files and links, the result."""
    rows: list[list[str]] = []
    for entry in entries:
        works = "\n".join(w.link or w.name for w in entry.works if w.link or w.name)
        result = _result(entry, words, published)
        status = words.statuses.get(entry.status.value, entry.status.value)
        late = words.late if entry.is_late else ""
        rows += [
            [
                entry.code,
                entry.school,
                entry.nomination,
                person.name,
                category_name(person.category, words),
                "" if person.age is None else str(person.age),
                entry.supervisor,
                status,
                late,
                entry.work_title,
                works,
                result,
            ]
            for person in entry.participants
        ]
    return rows


_ENTRY_WIDTHS = (16, 30, 30, 30, 12, 8, 30, 14, 16, 40, 60, 14)


def entries_xlsx(entries: Sequence[EntryDoc], words: EntryWords, *, published: bool) -> bytes:
    """Every entry, one row per participant (text cells: a name is never a formula)."""
    return write_xlsx(
        words.header, entry_rows(entries, words, published=published), widths=_ENTRY_WIDTHS
    )


def winners(entries: Iterable[EntryDoc]) -> list[EntryDoc]:
    """The entries with a degree, by nomination and degree: the next stage's entries."""
    chosen = [e for e in entries if e.place is not None and e.status is EntryStatus.ACCEPTED]
    return sorted(chosen, key=lambda e: (e.nomination_id, e.place or 0, e.number))


def winners_xlsx(entries: Sequence[EntryDoc], words: EntryWords) -> bytes:
    """The winners in the columns of the entries table."""
    return entries_xlsx(winners(entries), words, published=True)


# ---- the protocol ----------------------------------------------------------------------------


def _juror_names(protocol: ProtocolDoc, words: ProtocolWords) -> dict[int, str]:
    return {
        seat.id: seat.name or words.juror_fallback.format(n=index)
        for index, seat in enumerate(protocol.seats, start=1)
    }


def _degree(place: int | None, words: ProtocolWords) -> str:
    return words.participation if place is None else words.degrees.get(place, "")


def _mean_cell(mean: float | None) -> str | float:
    return "" if mean is None else round(mean, 2)


def mean_text(mean: float | None) -> str:
    """«28», «28,5», «28,33»: a mean as Russian documents write it (two decimals at most)."""
    if mean is None:
        return ""
    return f"{mean:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _ordered(protocol: ProtocolDoc, nomination_id: int) -> list[tuple[EntryDoc, Ranked]]:
    by_id = {e.id: e for e in protocol.entries}
    ranked = protocol.ranking.nomination(nomination_id)
    if ranked is None:
        return []
    return [(by_id[item.entry_id], item) for item in ranked.entries if item.entry_id in by_id]


def _participants(entry: EntryDoc) -> str:
    return ", ".join(p.name for p in entry.participants)


def protocol_sheets(protocol: ProtocolDoc, words: ProtocolWords) -> list[Sheet]:
    """A sheet per nomination (a row per score of each entry) and the jury's sheet."""
    names = _juror_names(protocol, words)
    seat_order = {seat.id: index for index, seat in enumerate(protocol.seats)}
    criteria = protocol.criteria
    header = [
        *words.score_header,
        *(words.criterion.format(title=c.title, max=c.max_score) for c in criteria),
        words.total,
        words.counted,
        *words.summary_header,
    ]
    scores_by_entry: dict[int, list[ScoreDoc]] = {}
    for score in protocol.scores:
        scores_by_entry.setdefault(score.entry_id, []).append(score)
    sheets: list[Sheet] = []
    for nomination_id, title in protocol.nominations:
        rows: list[list[str | int | float]] = []
        for entry, item in _ordered(protocol, nomination_id):
            counted = {juror_id for juror_id, _ in item.totals}
            summary = [
                _mean_cell(item.mean_value),
                _degree(item.proposed, words) if item.mean is not None else words.no_scores,
                _degree(entry.place, words),
            ]
            lead = [
                "" if item.place is None else item.place,
                entry.code,
                entry.school,
                _participants(entry),
            ]
            scores = sorted(
                scores_by_entry.get(entry.id, []),
                key=lambda s: seat_order.get(s.juror_id, len(seat_order)),
            )
            if not scores:
                blanks: list[str | int | float] = [""] * (len(criteria) + 1)
                rows.append([*lead, "—", *blanks, words.no_scores, *summary])
                continue
            for score in scores:
                cells: list[str | int | float] = [_points(score.points, c.id) for c in criteria]
                numbers = [c for c in cells if isinstance(c, int)]
                rows.append(
                    [
                        *lead,
                        names.get(score.juror_id, words.juror_fallback.format(n="?")),
                        *cells,
                        sum(numbers) if len(numbers) == len(cells) else "",
                        words.yes if score.juror_id in counted else words.no,
                        *summary,
                    ]
                )
        widths = (8, 16, 30, 40, 28, *(14 for _ in criteria), 10, 10, 10, 16, 16)
        sheets.append(Sheet(title, header, rows, widths))
    sheets.append(_jury_sheet(protocol, words, names))
    return sheets


def _points(points: Mapping[str, object], criterion_id: int) -> str | int:
    value = points.get(str(criterion_id))
    return value if isinstance(value, int) and not isinstance(value, bool) else ""


def _jury_sheet(protocol: ProtocolDoc, words: ProtocolWords, names: Mapping[int, str]) -> Sheet:
    titles = dict(protocol.nominations)
    counted: dict[int, int] = {}
    for nomination in protocol.ranking.nominations:
        for item in nomination.entries:
            for juror_id, _ in item.totals:
                counted[juror_id] = counted.get(juror_id, 0) + 1
    rows: list[list[str | int | float]] = []
    for index, seat in enumerate(protocol.seats, start=1):
        silent_in = [
            titles.get(n.nomination_id, "")
            for n in protocol.ranking.nominations
            if seat.id in n.silent
        ]
        rows.append([index, names[seat.id], counted.get(seat.id, 0), "; ".join(silent_in)])
    return Sheet(words.jury_sheet, words.jury_header, rows, (6, 40, 16, 60))


def protocol_xlsx(protocol: ProtocolDoc, words: ProtocolWords) -> bytes:
    return write_workbook(protocol_sheets(protocol, words))


def protocol_pdf(protocol: ProtocolDoc, words: ProtocolWords) -> bytes:
    """The protocol to sign: a table per nomination, landscape A4."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"{words.title}: {protocol.contest}",
    )
    styles = _Styles(fonts)
    names = _juror_names(protocol, words)
    story: list[Flowable] = [
        Paragraph(_x(words.title), styles.title),
        Paragraph(
            _x(
                words.subtitle.format(
                    contest=protocol.contest,
                    district=protocol.district,
                    date=protocol.day.strftime("%d.%m.%Y"),
                )
            ),
            styles.text,
        ),
        Spacer(1, 3 * mm),
    ]
    short = {
        seat.id: words.juror_short.format(n=index)
        for index, seat in enumerate(protocol.seats, start=1)
    }
    legend = ", ".join(f"{short[s.id]} — {names[s.id]}" for s in protocol.seats)
    if legend:
        story.append(Paragraph(_x(words.legend.format(items=legend)), styles.text))
    scores = {(s.entry_id, s.juror_id): s for s in protocol.scores}
    for nomination_id, title in protocol.nominations:
        story += _nomination_table(
            protocol, words, styles, nomination_id, title, short, names, scores
        )
    if not protocol.nominations:
        story.append(Paragraph(_x(words.empty), styles.text))
    story.append(Spacer(1, 8 * mm))
    signatures: list[Flowable] = [Paragraph(_x(words.signatures), styles.heading)]
    signatures += [
        Paragraph(_x(f"{names[s.id]}  ____________________"), styles.signature)
        for s in protocol.seats
        if not s.revoked
    ]
    story.append(KeepTogether(signatures))
    doc.build(story)
    return buffer.getvalue()


class _Styles:
    def __init__(self, fonts: Fonts) -> None:
        self.title = ParagraphStyle("t", fontName=fonts.bold, fontSize=14, leading=18)
        self.heading = ParagraphStyle(
            "h", fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=3
        )
        self.text = ParagraphStyle("p", fontName=fonts.regular, fontSize=9, leading=11)
        self.cell = ParagraphStyle("c", fontName=fonts.regular, fontSize=7.5, leading=9)
        self.head = ParagraphStyle("hc", fontName=fonts.bold, fontSize=7.5, leading=9)
        self.signature = ParagraphStyle(
            "s", fontName=fonts.regular, fontSize=10, leading=22, spaceBefore=4
        )


def _x(text: object) -> str:
    """Text for a reportlab Paragraph (which reads markup): escaped."""
    return escape(str(text), quote=False)


def _nomination_table(
    protocol: ProtocolDoc,
    words: ProtocolWords,
    styles: _Styles,
    nomination_id: int,
    title: str,
    short: Mapping[int, str],
    names: Mapping[int, str],
    scores: Mapping[tuple[int, int], ScoreDoc],
) -> list[Flowable]:
    ranked = protocol.ranking.nomination(nomination_id)
    rows = _ordered(protocol, nomination_id)
    seats = [s for s in protocol.seats if any((e.id, s.id) in scores for e, _ in rows)]
    head = [*words.pdf_header[:4], *(short[s.id] for s in seats), *words.pdf_header[4:]]
    data: list[list[Flowable]] = [[Paragraph(_x(h), styles.head) for h in head]]
    for entry, item in rows:
        cells = [
            "" if item.place is None else str(item.place),
            entry.code,
            entry.school,
            _participants(entry),
        ]
        counted = dict(item.totals)
        for seat in seats:
            score = scores.get((entry.id, seat.id))
            cells.append(_score_cell(score, protocol.criteria, seat.id in counted, words))
        cells += [
            mean_text(item.mean_value),
            _degree(item.proposed, words) if item.mean is not None else words.no_scores,
            _degree(entry.place, words),
        ]
        data.append([Paragraph(_x(c).replace("\n", "<br/>"), styles.cell) for c in cells])
    fixed = [12 * mm, 22 * mm, 40 * mm, 50 * mm]
    tail = [15 * mm, 22 * mm, 22 * mm]
    free = landscape(A4)[0] - 20 * mm - sum(fixed) - sum(tail)
    juror_width = free / len(seats) if seats else 0
    if seats and juror_width < 14 * mm:  # many jurors: the names and schools give way
        juror_width = 14 * mm
        squeeze = (sum(fixed) + sum(tail) + juror_width * len(seats)) - (
            landscape(A4)[0] - 20 * mm
        )
        fixed[2] -= squeeze / 2
        fixed[3] -= squeeze / 2
    widths = [*fixed, *([juror_width] * len(seats)), *tail]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story: list[Flowable] = [Paragraph(_x(title), styles.heading), table]
    if ranked is not None:
        codes = {e.id: e.code for e, _ in rows}
        notes = []
        if ranked.ties:
            items = "; ".join(
                words.tie_item.format(place=p, codes=", ".join(codes[i] for i in ids))
                for p, ids in ranked.ties
            )
            notes.append(words.ties.format(items=items))
        if ranked.unscored:
            notes.append(words.unscored.format(codes=", ".join(codes[i] for i in ranked.unscored)))
        if ranked.silent:
            notes.append(words.silent.format(names=", ".join(names[j] for j in ranked.silent)))
        story += [Paragraph(_x(n), styles.text) for n in notes]
    return story


def _score_cell(
    score: ScoreDoc | None,
    criteria: Sequence[CriterionDoc],
    counted: bool,
    words: ProtocolWords,
) -> str:
    if score is None:
        return "—"
    points = [_points(score.points, c.id) for c in criteria]
    numbers = [p for p in points if isinstance(p, int)]
    detail = " · ".join("—" if p == "" else str(p) for p in points)
    if counted and len(numbers) == len(points):
        return f"{sum(numbers)}\n{detail}"
    return f"{words.not_counted}\n{detail}"


# ---- diplomas --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diploma:
    """One person's diploma (place 1..3) or participation certificate (place None)."""

    code: str
    school: str  # short name (the ZIP's folder)
    school_full: str
    district: str
    contest: str
    stage: str
    nomination: str
    person: str
    place: int | None
    day: date
    participants: tuple[str, ...] = ()  # for a supervisor: whose work they led
    supervisor: bool = False


def diplomas_for(
    entries: Iterable[EntryDoc], *, contest: str, stage: str, district: str, day: date
) -> list[Diploma]:
    """A diploma for each participant and one for the supervisor of every accepted entry."""
    out: list[Diploma] = []
    for entry in entries:
        if entry.status is not EntryStatus.ACCEPTED:
            continue
        base = Diploma(
            code=entry.code,
            school=entry.school,
            school_full=entry.school_full,
            district=district,
            contest=contest,
            stage=stage,
            nomination=entry.nomination,
            person="",
            place=entry.place,
            day=day,
        )
        out += [replace(base, person=p.name) for p in entry.participants]
        if entry.supervisor.strip():
            names = tuple(p.name for p in entry.participants)
            out.append(replace(base, person=entry.supervisor, participants=names, supervisor=True))
    return out


def diploma_title(diploma: Diploma, words: DiplomaWords) -> str:
    if diploma.place is None:
        return words.certificate
    return words.degrees[diploma.place]


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(value: str, limit: int = 120) -> str:
    """A file or folder name that every system takes."""
    cleaned = " ".join(_UNSAFE_NAME.sub(" ", value).split()).strip(". ")
    return cleaned[:limit].rstrip(". ") or "_"


def diploma_file_name(diploma: Diploma, words: DiplomaWords) -> str:
    stem = words.file_name.format(
        code=diploma.code, title=diploma_title(diploma, words), name=diploma.person
    )
    return safe_name(stem, 150) + ".pdf"


_INK = colors.HexColor("#1f3a5f")
_ACCENT = {1: "#b8860b", 2: "#7d8590", 3: "#a0522d", None: "#1f3a5f"}


def diploma_pdf(diploma: Diploma, words: DiplomaWords, fonts: Fonts | None = None) -> bytes:
    """One A4 page: the frame, the title, the person, what for, the school, the date.

    The fonts are services.fonts' unless others are given (the benchmark compares them).
    """
    fonts = fonts or register_fonts()
    buffer = io.BytesIO()
    title = diploma_title(diploma, words)
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{title} — {diploma.person}")
    canvas.setAuthor(diploma.district)
    width, height = A4
    accent = colors.HexColor(_ACCENT.get(diploma.place, "#1f3a5f"))
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    inner = width - 50 * mm
    center = width / 2
    y = height - 36 * mm
    y = _lines(canvas, diploma.district, fonts.regular, 12, inner, center, y, _INK, 2)
    y -= 6 * mm
    stage = words.stage.get(diploma.stage, "")
    if stage:
        y = _lines(canvas, stage, fonts.regular, 12, inner, center, y, _INK, 1) - 2 * mm
    y = _lines(canvas, f"«{diploma.contest}»", fonts.bold, 16, inner, center, y, _INK, 3, 11)
    y -= 28 * mm
    y = _lines(canvas, title, fonts.bold, 34, inner, center, y, accent, 2, min_size=20)
    y -= 14 * mm
    lead = words.given if diploma.place is None else words.awarded
    y = _lines(canvas, lead, fonts.regular, 14, inner, center, y, _INK, 1)
    y -= 10 * mm
    y = _lines(canvas, diploma.person, fonts.bold, 26, inner, center, y, _INK, 2, min_size=14)
    if diploma.supervisor:
        y -= 2 * mm
        y = _lines(canvas, words.supervisor, fonts.regular, 14, inner, center, y, _INK, 1)
        template = (
            words.of_participant if len(diploma.participants) == 1 else words.of_participants
        )
        text = template.format(names=", ".join(diploma.participants))
        y = _lines(canvas, text, fonts.regular, 12, inner, center, y, _INK, 3, min_size=9)
    y -= 14 * mm
    y = _lines(canvas, diploma.school_full, fonts.regular, 13, inner, center, y, _INK, 3, 9)
    y -= 8 * mm
    nomination = words.nomination.format(nomination=diploma.nomination)
    _lines(canvas, nomination, fonts.regular, 13, inner, center, y, _INK, 3, min_size=9)
    canvas.setFillColor(_INK)
    canvas.setFont(fonts.regular, 11)
    canvas.drawCentredString(center, 32 * mm, diploma.day.strftime("%d.%m.%Y"))
    canvas.setFont(fonts.regular, 8)
    canvas.drawRightString(width - 22 * mm, 20 * mm, words.number.format(code=diploma.code))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _lines(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    width: float,
    center: float,
    y: float,
    color: colors.Color,
    max_lines: int,
    min_size: float = 9,
) -> float:
    """Draw `text` centred in at most `max_lines` lines, smaller if it must; the next y."""
    lines = simpleSplit(text, font, size, width)
    while len(lines) > max_lines and size > min_size:
        size = max(min_size, size - 1)
        lines = simpleSplit(text, font, size, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
        last = lines[-1]
        while len(last) > 1 and canvas.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    leading = size * 1.25
    for line in lines:
        canvas.drawCentredString(center, y, line)
        y -= leading
    return y


def diplomas_zip(
    diplomas: Sequence[Diploma],
    words: DiplomaWords,
    *,
    part_max: int = ZIP_PART_MAX,
    draw: Callable[[Diploma, DiplomaWords], bytes] = diploma_pdf,
) -> list[bytes]:
    """Every diploma in a folder of its school, as one ZIP, or as several parts when one would
    be over `part_max` bytes (Telegram's limit for a bot's document)."""
    parts: list[bytes] = []
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    used: set[str] = set()
    count = 0
    for diploma in diplomas:
        content = draw(diploma, words)
        if count and buffer.tell() + len(content) + 1024 > part_max:
            archive.close()
            parts.append(buffer.getvalue())
            buffer = io.BytesIO()
            archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
            count = 0
        name = _unique(f"{safe_name(diploma.school)}/{diploma_file_name(diploma, words)}", used)
        archive.writestr(name, content)
        count += 1
    archive.close()
    parts.append(buffer.getvalue())
    return parts


def _unique(name: str, used: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    candidate, number = name, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{stem} ({number}){dot}{suffix}"
    used.add(candidate.casefold())
    return candidate


# ---- loading ---------------------------------------------------------------------------------


async def entry_docs(
    session: AsyncSession,
    contest: Contest,
    *,
    school_id: int | None = None,
    statuses: Sequence[EntryStatus] | None = None,
    entry_id: int | None = None,
) -> list[EntryDoc]:
    """The contest's entries as plain data, by number."""
    titles = {n.id: n.title for n in contest.nominations}
    entries = await contest_entries(session, contest.id, school_id=school_id, statuses=statuses)
    return [
        EntryDoc(
            id=e.id,
            number=e.number,
            code=e.code,
            school_id=e.school_id,
            school=e.school.short_name,
            school_full=e.school.full_name,
            nomination_id=e.nomination_id,
            nomination=titles.get(e.nomination_id, ""),
            status=e.status,
            is_late=e.is_late,
            work_title=e.work_title,
            supervisor=e.supervisor_name,
            participants=tuple(PersonDoc(p.full_name, p.category, p.age) for p in e.participants),
            works=tuple(
                WorkDoc(w.file_name, w.url if w.kind is WorkKind.LINK else "") for w in e.works
            ),
            place=e.place,
            mean=e.mean_score,
        )
        for e in entries
        if entry_id is None or e.id == entry_id
    ]


async def seats_of(session: AsyncSession, contest_id: int) -> list[SeatDoc]:
    """Every taken seat (revoked ones too: their scores are in the protocol, not counted)."""
    rows = await session.execute(
        select(ContestJuror, User.full_name)
        .join(User, User.id == ContestJuror.user_id)
        .where(ContestJuror.contest_id == contest_id)
        .order_by(ContestJuror.id)
    )
    return [
        SeatDoc(
            seat.id,
            (seat.label or "").strip() or (full_name or "").strip(),
            seat.revoked_at is not None,
        )
        for seat, full_name in rows
    ]


async def protocol_doc(
    session: AsyncSession, contest: Contest, district: str, day: date
) -> ProtocolDoc:
    ranking = await rank(session, contest)
    entries = await entry_docs(session, contest, statuses=(EntryStatus.ACCEPTED,))
    scores = [
        ScoreDoc(s.entry_id, s.juror_id, s.points) for s in await scores_of(session, contest.id)
    ]
    return ProtocolDoc(
        contest=contest.title,
        district=district,
        day=day,
        max_total=contest.max_total,
        criteria=tuple(CriterionDoc(c.id, c.title, c.max_score) for c in contest.criteria),
        nominations=tuple((n.id, n.title) for n in contest.nominations),
        entries=tuple(entries),
        seats=tuple(await seats_of(session, contest.id)),
        scores=tuple(scores),
        ranking=ranking,
    )
