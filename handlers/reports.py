"""/report: the completion report of a period as a workbook and the chart of shares.

A coordinator gets their district; a super-admin chooses their acting district, the republic
by district, or the republic by district and school. The period is one of a few fixed ones,
counted from the district's local today.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import reports as rt
from bot.texts.schools import NO_DISTRICT
from bot.toolkit.callbacks import MonRepAction, MonRepCb, ReportAction, ReportCb, ReportScope
from bot.toolkit.filters import HasRole
from bot.toolkit.keyboards import button, column, shorten
from bot.toolkit.screens import h, show, tell
from models import Role, User
from services.clock import Clock
from services.districts import get_district
from services.events import school_year_bounds
from services.reports.charts import share_chart
from services.reports.completion import (
    CompletionReport,
    MarkStatus,
    all_district_ids,
    answered,
    completion_report,
    event_shares,
    total,
)
from services.reports.completion_xlsx import ReportWords, completion_xlsx
from services.reports.periods import Period, PeriodKind, period_of
from services.timeutil import fmt_date, local_today

REPUBLIC_SCOPES = (ReportScope.REPUBLIC, ReportScope.REPUBLIC_SCHOOLS)


def report_words() -> ReportWords:
    return ReportWords(
        status={MarkStatus(key): value for key, value in rt.STATUS.items()},
        status_help={MarkStatus(key): value for key, value in rt.STATUS_HELP.items()},
        not_asked=rt.NOT_ASKED,
        late_note=rt.LATE_NOTE,
        held=rt.HELD,
        files=rt.FILES,
        comment=rt.COMMENT,
        title=rt.TITLE,
        event_header=rt.EVENT_HEADER,
        section=rt.SHEET_SECTION,
        no_section=rt.SHEET_NO_SECTION,
        legend=rt.SHEET_LEGEND,
        legend_header=rt.LEGEND_HEADER,
        legend_not_asked=rt.LEGEND_NOT_ASKED,
        number=rt.COL_NUMBER,
        school=rt.COL_SCHOOL,
        district=rt.COL_DISTRICT,
        schools_count=rt.COL_SCHOOLS,
        events_count=rt.COL_EVENTS,
        asked=rt.COL_ASKED,
        answered=rt.COL_ANSWERED,
        answered_share=rt.COL_SHARE,
        districts_sheet=rt.SHEET_DISTRICTS,
        schools_sheet=rt.SHEET_SCHOOLS,
        republic=rt.REPUBLIC,
        overview=rt.SHEET_OVERVIEW,
        section_share=rt.COL_SECTION_SHARE,
        no_section_share=rt.COL_NO_SECTION_SHARE,
        district_total=rt.ROW_DISTRICT_TOTAL,
    )


@dataclass(frozen=True)
class Scope:
    district_ids: list[int]
    where: str  # the district's name, or the republic's label
    republic: bool
    by_school: bool


async def _scope(
    session: AsyncSession, user: User | None, role: Role | None, scope: ReportScope
) -> Scope | str:
    """What the user may report on for ``scope``; a refusal's text if nothing."""
    if scope in REPUBLIC_SCOPES:
        if role is not Role.SUPER_ADMIN:
            return t.FORBIDDEN_BUTTON
        ids = await all_district_ids(session)
        if not ids:
            return rt.NO_DISTRICTS
        by_school = scope is ReportScope.REPUBLIC_SCHOOLS
        where = rt.WHERE_REPUBLIC_SCHOOLS if by_school else rt.WHERE_REPUBLIC
        return Scope(ids, where, republic=True, by_school=by_school)
    if user is None or user.district_id is None:
        return NO_DISTRICT
    district = await get_district(session, user.district_id)
    return Scope([district.id], district.name, republic=False, by_school=False)


def fmt_short(day: date) -> str:
    return f"{day:%d.%m}"


def _periods_keyboard(scope: ReportScope, today: date, role: Role | None) -> InlineKeyboardMarkup:
    this_year = school_year_bounds(today)[2]
    last_year = school_year_bounds(period_of(PeriodKind.LAST_SCHOOL_YEAR, today).starts)[2]
    labels = {
        PeriodKind.SCHOOL_YEAR: rt.BTN_SCHOOL_YEAR.format(label=this_year),
        PeriodKind.LAST_SCHOOL_YEAR: rt.BTN_LAST_SCHOOL_YEAR.format(label=last_year),
        PeriodKind.QUARTER: rt.BTN_QUARTER.format(
            starts=fmt_short(period_of(PeriodKind.QUARTER, today).starts),
            ends=fmt_short(period_of(PeriodKind.QUARTER, today).ends),
        ),
        PeriodKind.LAST_30_DAYS: rt.BTN_LAST_30_DAYS,
    }
    buttons = [
        button(label, ReportCb(action=ReportAction.MAKE, scope=scope, period=kind))
        for kind, label in labels.items()
    ]
    if role is Role.SUPER_ADMIN and scope in REPUBLIC_SCOPES:
        # the monitoring's summary across districts (handlers/monitoring_docs.py)
        by_school = int(scope is ReportScope.REPUBLIC_SCHOOLS)
        buttons.append(
            button(rt.BTN_MONITORING, MonRepCb(action=MonRepAction.HOME, by_school=by_school))
        )
    if role is Role.SUPER_ADMIN:
        buttons.append(button(t.BTN_BACK, ReportCb(action=ReportAction.HOME)))
    return column(buttons)


async def _home(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    if role is not Role.SUPER_ADMIN:
        await _periods(target, session, user, role, ReportScope.DISTRICT, settings, clock)
        return
    buttons = []
    if user is not None and user.district_id is not None:
        district = await get_district(session, user.district_id)
        buttons.append(
            button(
                rt.BTN_SCOPE_DISTRICT.format(district=shorten(district.name, 40)),
                ReportCb(action=ReportAction.PERIODS, scope=ReportScope.DISTRICT),
            )
        )
    buttons.append(
        button(
            rt.BTN_SCOPE_REPUBLIC,
            ReportCb(action=ReportAction.PERIODS, scope=ReportScope.REPUBLIC),
        )
    )
    buttons.append(
        button(
            rt.BTN_SCOPE_REPUBLIC_SCHOOLS,
            ReportCb(action=ReportAction.PERIODS, scope=ReportScope.REPUBLIC_SCHOOLS),
        )
    )
    await show(target, rt.PICK_SCOPE, column(buttons))


async def _periods(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    scope: ReportScope,
    settings: Settings,
    clock: Clock,
) -> None:
    found = await _scope(session, user, role, scope)
    if isinstance(found, str):
        await tell(target, found)
        return
    today = local_today(clock(), settings.tz)
    await show(
        target,
        rt.PICK_PERIOD.format(where=h(found.where)),
        _periods_keyboard(scope, today, role),
    )


async def report_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    await _home(message, session, user, role, settings, clock)


async def report_home(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    await _home(query, session, user, role, settings, clock)


async def report_periods(
    query: CallbackQuery,
    callback_data: ReportCb,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    await _periods(query, session, user, role, callback_data.scope, settings, clock)


def _files(
    report: CompletionReport, scope: Scope, settings: Settings, period: Period
) -> tuple[bytes, bytes]:
    """The workbook and the chart (drawn in a worker thread: they take a while)."""
    workbook = completion_xlsx(
        report, report_words(), settings.tz, republic=scope.republic, by_school=scope.by_school
    )
    chart = share_chart(
        event_shares(report),
        rt.CHART_TITLE.format(
            where=scope.where, starts=fmt_date(period.starts), ends=fmt_date(period.ends)
        ),
        rt.CHART_MORE,
    )
    return workbook, chart


async def report_make(
    query: CallbackQuery,
    callback_data: ReportCb,
    bot: Bot,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    found = await _scope(session, user, role, callback_data.scope)
    if isinstance(found, str):
        await tell(query, found)
        return
    now = clock()
    period = period_of(callback_data.period, local_today(now, settings.tz))
    report = await completion_report(session, found.district_ids, period, now)
    starts, ends = fmt_date(period.starts), fmt_date(period.ends)
    if not report.events:
        await show(
            query,
            rt.NO_EVENTS.format(starts=starts, ends=ends, where=h(found.where)),
            _periods_keyboard(callback_data.scope, local_today(now, settings.tz), role),
        )
        return
    # the screen says it is at work (and loses its buttons, so a second tap makes no second
    # report) while the files are drawn
    await show(query, rt.PREPARING.format(starts=starts, ends=ends))
    workbook, chart = await asyncio.to_thread(_files, report, found, settings, period)
    tally: Counter[MarkStatus] = Counter()
    for district in report.districts:
        tally.update(district.counts())
    summary = rt.summary(
        answered(tally),
        total(tally),
        len(report.events),
        sum(len(d.schools) for d in report.districts),
    )
    caption = rt.CAPTION.format(where=h(found.where), starts=starts, ends=ends)
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(
            workbook, filename=rt.file_name(period.starts.isoformat(), period.ends.isoformat())
        ),
        caption=f"{caption}\n{summary}",
    )
    await bot.send_photo(
        query.from_user.id,
        BufferedInputFile(chart, filename="chart.png"),
        caption=rt.CHART_CAPTION.format(where=h(found.where), starts=starts, ends=ends),
    )
    # the «⏳» screen becomes «sent», with the periods again for another report (the press
    # was answered when the screen said it was at work)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            rt.SENT.format(starts=starts, ends=ends),
            reply_markup=_periods_keyboard(
                callback_data.scope, local_today(now, settings.tz), role
            ),
        )


def get_router() -> Router:
    router = Router(name="reports")
    staff = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    router.message.filter(staff)
    router.callback_query.filter(staff)
    router.message.register(report_command, Command("report"))
    router.callback_query.register(report_home, ReportCb.filter(F.action == ReportAction.HOME))
    router.callback_query.register(
        report_periods, ReportCb.filter(F.action == ReportAction.PERIODS)
    )
    router.callback_query.register(report_make, ReportCb.filter(F.action == ReportAction.MAKE))
    return router
