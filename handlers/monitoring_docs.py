"""The monitoring round's documents: the summary (XLSX and CSV), the charts, the analytical
note (DOCX); and the republic's summary, note and charts for the super-admin.

A coordinator gets their district's round (the buttons are on the round's screen,
handlers/monitoring/); a super-admin any round. A round id of another district (a forged
button) is refused like a record that does not exist, and nothing is sent. The files are drawn
in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter
from aiogram.types import BufferedInputFile, CallbackQuery, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import monitoring_docs as mdt
from bot.texts.monitoring import INDICATOR_NAMES
from bot.toolkit.callbacks import (
    MonDocAction,
    MonDocCb,
    MonRepAction,
    MonRepCb,
    ReportAction,
    ReportCb,
    ReportScope,
)
from bot.toolkit.filters import HasRole, Refused
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import h, show, tell
from models import MonitoringRound, ResponseStatus, Role, User
from services.clock import Clock
from services.errors import NotFoundError
from services.monitoring.charts import ChartSpec, ChartWords, district_chart, republic_chart
from services.monitoring.note_docx import (
    NoteWords,
    RepublicNoteWords,
    Sentences,
    note_docx,
    republic_note_docx,
)
from services.monitoring.summary import (
    MissingState,
    MonitoringSummary,
    republic_summary,
    round_summary,
    round_years,
)
from services.monitoring.summary_xlsx import (
    SummaryWords,
    school_year,
    summary_csv,
    summary_xlsx,
)

logger = logging.getLogger(__name__)

BOOKS = ChartSpec("book_provision", mdt.CHART_BOOKS)
COVERAGE = ChartSpec("reading_coverage", mdt.CHART_COVERAGE, places=0, percent=True)
YEARS_SHOWN = 6


def summary_words() -> SummaryWords:
    return SummaryWords(
        **mdt.SUMMARY,
        indicator_names=INDICATOR_NAMES,
        status={ResponseStatus(k): v for k, v in mdt.STATUS.items()},
        missing_state={MissingState(k): v for k, v in mdt.MISSING_STATE.items()},
        notes=mdt.NOTES,
        not_held=mdt.not_held,
    )


def chart_words() -> ChartWords:
    return ChartWords(**mdt.CHART)


def note_words() -> NoteWords:
    return NoteWords(
        **mdt.NOTE,
        table_header=mdt.NOTE_TABLE_HEADER,
        participation=mdt.participation,
        missing_intro=mdt.missing_intro,
        sentences={code: Sentences(*texts) for code, texts in mdt.SENTENCES.items()},
        unit=mdt.unit,
        indicator_names=mdt.NOTE_INDICATOR_NAMES,
        missing_state=mdt.MISSING_STATE,
    )


def republic_note_words() -> RepublicNoteWords:
    return RepublicNoteWords(
        **mdt.REPUBLIC_NOTE,
        participation=mdt.republic_participation,
        table_header=mdt.REPUBLIC_NOTE_TABLE_HEADER,
        compared_header=mdt.REPUBLIC_NOTE_COMPARED_HEADER,
        submitted=mdt.district_submitted,
        missing_intro=mdt.district_missing,
        not_held=mdt.not_held,
    )


def district_charts(summary: MonitoringSummary) -> list[tuple[str, bytes]]:
    """(caption, PNG) of book provision and reading coverage; a chart without data is left
    out."""
    district = summary.districts[0]
    year = school_year(summary.year)
    out = []
    for spec, caption in ((BOOKS, mdt.CAPTION_BOOKS), (COVERAGE, mdt.CAPTION_COVERAGE)):
        png = district_chart(
            district, spec, spec.title.format(where=district.name, year=year), chart_words()
        )
        if png is not None:
            out.append((caption.format(where=district.name, year=year), png))
    return out


def district_note(summary: MonitoringSummary, settings: Settings) -> bytes:
    return note_docx(summary, note_words(), settings.tz, district_charts(summary))


class StaffRound(Filter):
    """`round_`: the round the button names, if it is the coordinator's district's (a
    super-admin's: any). Another district's or none: refused, as one that does not exist."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        role: Role | None = data.get("role")
        callback_data: MonDocCb = data["callback_data"]
        round_ = (
            await session.get(MonitoringRound, callback_data.round_id)
            if callback_data.round_id
            else None
        )
        if round_ is None:
            raise Refused(t.STALE_BUTTON)
        if role is not Role.SUPER_ADMIN and (
            user is None or user.district_id != round_.district_id
        ):
            logger.warning("user %s: round %s of another district", user and user.id, round_.id)
            raise Refused(t.STALE_BUTTON)
        return {"round_": round_}


async def round_document(
    query: CallbackQuery,
    callback_data: MonDocCb,
    round_: MonitoringRound,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
) -> None:
    summary = await round_summary(session, round_.id, clock())
    district = summary.districts[0]
    where, year = h(district.name), school_year(summary.year)
    count = mdt.submitted_line(len(district.rows), district.schools)
    chat = query.from_user.id
    action = callback_data.action
    if action is MonDocAction.CHARTS:
        charts = await asyncio.to_thread(district_charts, summary)
        if not charts:
            await tell(query, mdt.NOTHING_TO_DRAW)
            return
        await query.answer()
        for caption, png in charts:
            await bot.send_photo(
                chat, BufferedInputFile(png, filename="chart.png"), caption=h(caption)
            )
        return
    await query.answer(mdt.MAKING)
    if action is MonDocAction.SUMMARY_XLSX:
        content = await asyncio.to_thread(summary_xlsx, summary, summary_words(), settings.tz)
        name, caption = mdt.file_name("svod", summary.year, "xlsx"), mdt.CAPTION_XLSX
    elif action is MonDocAction.SUMMARY_CSV:
        content = await asyncio.to_thread(summary_csv, summary, summary_words())
        name, caption = mdt.file_name("svod", summary.year, "csv"), mdt.CAPTION_CSV
    else:
        content = await asyncio.to_thread(district_note, summary, settings)
        name, caption = mdt.file_name("spravka", summary.year, "docx"), mdt.CAPTION_NOTE
    await bot.send_document(
        chat,
        BufferedInputFile(content, filename=name),
        caption=f"{caption.format(where=where, year=year)}\n{count}",
    )


# ---- the republic ----------------------------------------------------------------------------


async def republic_home(
    query: CallbackQuery, callback_data: MonRepCb, session: AsyncSession
) -> None:
    years = (await round_years(session))[:YEARS_SHOWN]
    back_scope = ReportScope.REPUBLIC_SCHOOLS if callback_data.by_school else ReportScope.REPUBLIC
    back = button(t.BTN_BACK, ReportCb(action=ReportAction.PERIODS, scope=back_scope))
    if not years:
        await show(query, mdt.REPUBLIC_NO_ROUNDS, column([back]))
        return
    where = mdt.WHERE_REPUBLIC_SCHOOLS if callback_data.by_school else mdt.WHERE_REPUBLIC
    buttons = [
        button(
            mdt.BTN_REPUBLIC_YEAR.format(year=school_year(year)),
            MonRepCb(action=MonRepAction.MAKE, year=year, by_school=callback_data.by_school),
        )
        for year in years
    ]
    await show(query, mdt.REPUBLIC_PICK.format(where=where), column([*buttons, back]))


def republic_charts(summary: MonitoringSummary) -> list[tuple[str, bytes]]:
    """(caption, PNG) of book provision and reading coverage by district; a chart without
    data is left out."""
    year = school_year(summary.year)
    charts = []
    for spec, caption in (
        (BOOKS, mdt.REPUBLIC_CAPTION_BOOKS),
        (COVERAGE, mdt.REPUBLIC_CAPTION_COVERAGE),
    ):
        where = mdt.WHERE_REPUBLIC
        png = republic_chart(
            summary, spec, spec.title.format(where=where, year=year), chart_words()
        )
        if png is not None:
            charts.append((caption.format(year=year), png))
    return charts


def _republic_files(
    summary: MonitoringSummary, settings: Settings, by_school: bool
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The workbook, the note (the charts in it) and the charts."""
    content = summary_xlsx(
        summary, summary_words(), settings.tz, republic=True, by_school=by_school
    )
    charts = republic_charts(summary)
    note = republic_note_docx(summary, note_words(), republic_note_words(), settings.tz, charts)
    return content, note, charts


async def republic_make(
    query: CallbackQuery,
    callback_data: MonRepCb,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        summary = await republic_summary(session, callback_data.year, clock())
    except NotFoundError:
        await tell(query, mdt.REPUBLIC_NO_ROUNDS)
        return
    await query.answer(mdt.MAKING)
    by_school = bool(callback_data.by_school)
    content, note, charts = await asyncio.to_thread(_republic_files, summary, settings, by_school)
    where = mdt.WHERE_REPUBLIC_SCHOOLS if by_school else mdt.WHERE_REPUBLIC
    year = school_year(summary.year)
    submitted = sum(len(d.rows) for d in summary.districts)
    schools = sum(d.schools for d in summary.districts)
    count = mdt.submitted_line(submitted, schools)
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(content, filename=mdt.file_name("respublika", summary.year, "xlsx")),
        caption=f"{mdt.CAPTION_XLSX.format(where=where, year=year)}\n{count}",
    )
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(
            note, filename=mdt.file_name("spravka-respublika", summary.year, "docx")
        ),
        caption=f"{mdt.CAPTION_NOTE.format(where=mdt.WHERE_REPUBLIC, year=year)}\n{count}",
    )
    for caption, png in charts:
        await bot.send_photo(
            query.from_user.id, BufferedInputFile(png, filename="chart.png"), caption=caption
        )


def get_router() -> Router:
    router = Router(name="monitoring_docs")
    staff = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    router.callback_query.register(round_document, staff, MonDocCb.filter(), StaffRound())
    admin = HasRole(Role.SUPER_ADMIN)
    router.callback_query.register(
        republic_home, admin, MonRepCb.filter(F.action == MonRepAction.HOME)
    )
    router.callback_query.register(
        republic_make, admin, MonRepCb.filter(F.action == MonRepAction.MAKE)
    )
    return router
