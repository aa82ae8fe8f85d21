"""Every school's invitation link at once: a spreadsheet and a printable PDF of QR codes.

The texts (headers, captions) come from the caller: services never import the bot's texts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invitation, InvitationKind, School
from services.fonts import register_fonts
from services.invitations import deep_link
from services.schools import natural_key
from services.tabular import write_xlsx

# A4 in two columns and three rows: cards to cut out and hand to each school.
COLUMNS = 2
ROWS = 3
PER_PAGE = COLUMNS * ROWS
_MARGIN = 12 * mm
_QR_SIZE = 58 * mm
_LINK_FONT = "Helvetica"  # a link is ASCII; a standard font keeps it searchable in the PDF


@dataclass(frozen=True)
class SchoolLink:
    school_id: int
    short_name: str
    full_name: str
    link: str  # "" when the school has no active link


async def school_links(
    session: AsyncSession, district_id: int, bot_username: str
) -> list[SchoolLink]:
    """The district's schools in natural order («№ 2» before «№ 16») with their active links."""
    schools = (
        await session.scalars(select(School).where(School.district_id == district_id))
    ).all()
    tokens = dict(
        (
            await session.execute(
                select(Invitation.school_id, Invitation.token).where(
                    Invitation.district_id == district_id,
                    Invitation.kind == InvitationKind.LIBRARIAN,
                    Invitation.revoked_at.is_(None),
                )
            )
        ).all()
    )
    ordered = sorted(schools, key=lambda s: (natural_key(s.short_name), s.id))
    return [
        SchoolLink(
            school_id=school.id,
            short_name=school.short_name,
            full_name=school.full_name,
            link=deep_link(bot_username, tokens[school.id]) if school.id in tokens else "",
        )
        for school in ordered
    ]


def links_xlsx(links: Sequence[SchoolLink], header: Sequence[str], no_link: str) -> bytes:
    """Columns: full name, short name, link (names are written as text, never as formulas)."""
    rows = [(item.full_name, item.short_name, item.link or no_link) for item in links]
    return write_xlsx(header, rows, widths=(60, 30, 60))


def links_pdf(links: Sequence[SchoolLink], *, title: str, hint: str) -> bytes:
    """One card per school with a link: its short name, a QR code and the link itself.

    ``title`` is the PDF's document title; ``hint`` is printed under each code. The names are
    set in DejaVu Sans (services.fonts).
    """
    font = register_fonts().regular
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    width, height = A4
    cell_w = (width - 2 * _MARGIN) / COLUMNS
    cell_h = (height - 2 * _MARGIN) / ROWS
    cards = [item for item in links if item.link]
    for index, item in enumerate(cards):
        if index and index % PER_PAGE == 0:
            canvas.showPage()
        slot = index % PER_PAGE
        left = _MARGIN + (slot % COLUMNS) * cell_w
        top = height - _MARGIN - (slot // COLUMNS) * cell_h
        _card(canvas, item, left, top, cell_w, cell_h, hint, font)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _card(
    canvas: Canvas,
    item: SchoolLink,
    left: float,
    top: float,
    cell_w: float,
    cell_h: float,
    hint: str,
    font: str,
) -> None:
    canvas.setDash(2, 3)
    canvas.setLineWidth(0.3)
    canvas.rect(left, top - cell_h, cell_w, cell_h)  # a line to cut along
    canvas.setDash()
    inner = cell_w - 8 * mm
    y = top - 9 * mm
    canvas.setFont(font, 12)
    for line in simpleSplit(item.short_name, font, 12, inner)[:3]:
        canvas.drawCentredString(left + cell_w / 2, y, line)
        y -= 14
    qr_left = left + (cell_w - _QR_SIZE) / 2
    qr_bottom = y - _QR_SIZE
    _qr(canvas, item.link, qr_left, qr_bottom)
    canvas.linkURL(item.link, (qr_left, qr_bottom, qr_left + _QR_SIZE, qr_bottom + _QR_SIZE))
    y = qr_bottom - 5 * mm
    canvas.setFont(font, 9)
    for line in simpleSplit(hint, font, 9, inner)[:2]:
        canvas.drawCentredString(left + cell_w / 2, y, line)
        y -= 11
    canvas.setFont(_LINK_FONT, 7)
    for line in simpleSplit(item.link, _LINK_FONT, 7, inner)[:2]:
        canvas.drawCentredString(left + cell_w / 2, y, line)
        y -= 9


def _qr(canvas: Canvas, link: str, left: float, bottom: float) -> None:
    """The link's QR code as vector squares (a run of dark modules is one rectangle), with
    the quiet zone of four modules that scanners need."""
    matrix = segno.make(link, error="m", micro=False).matrix
    quiet = 4
    module = _QR_SIZE / (len(matrix) + 2 * quiet)
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        top = bottom + _QR_SIZE - (row + quiet + 1) * module
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            path.rect(left + (start + quiet) * module, top, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
