"""/calendar (upcoming events and an .ics file) and /school (a school's record)."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import CalendarAction, CalendarCb, RecordCb
from bot.toolkit.filters import DistrictSchool, HasRole, InDistrict
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, column, pager_row, shorten
from bot.toolkit.render_import import ICS_LABELS
from bot.toolkit.screens import bounded, clip, h, show
from models import Event, Role, School, User
from services.calendar_ics import IcsEvent, build_ics
from services.clock import Clock
from services.districts import get_district
from services.events import (
    SchoolTaskStatus,
    school_in_audience,
    school_record,
    upcoming_events,
)
from services.schools import count_schools, list_schools
from services.timeutil import fmt_date, fmt_local


async def _visible_events(
    session: AsyncSession, user: User, now: datetime, limit: int = 50
) -> list[Event]:
    """Upcoming events of the district; a librarian sees only those addressed to the school."""
    assert user.district_id is not None
    events = await upcoming_events(session, user.district_id, now, limit=limit)
    if user.role is Role.LIBRARIAN and user.school_id is not None:
        events = [e for e in events if await school_in_audience(session, e, user.school_id)]
    return events


async def calendar_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    if user is None or user.district_id is None:
        await message.answer(s.NO_DISTRICT if user and user.role else ev.NO_SCHOOL)
        return
    district = await get_district(session, user.district_id)
    events = await _visible_events(session, user, clock())
    if not events:
        await message.answer(ev.CALENDAR_EMPTY)
        return
    lines = bounded(
        [
            ev.CALENDAR_LINE.format(
                starts=fmt_date(e.starts_on),
                ends=fmt_date(e.ends_on),
                title=h(clip(e.title)),
                deadline=fmt_local(e.deadline_at, settings.tz),
            )
            for e in events
        ]
    )
    await message.answer(
        ev.CALENDAR_HEADER.format(district=h(district.name), lines=lines),
        reply_markup=column([button(ev.BTN_ICS, CalendarCb(action=CalendarAction.ICS))]),
    )


async def calendar_ics(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    if user is None or user.district_id is None:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    district = await get_district(session, user.district_id)
    events = await _visible_events(session, user, clock(), limit=200)
    payload = build_ics(
        [
            IcsEvent(
                uid=f"event-{e.id}",
                title=e.title,
                description=e.description,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                deadline_utc=e.deadline_at,
                place=e.place,
                link=e.link,
            )
            for e in events
        ],
        tz_name=settings.timezone,
        calendar_name=ev.ICS_CALENDAR_NAME.format(district=district.name),
        now=clock(),
        labels=ICS_LABELS,
    )
    await query.answer()
    if query.message is not None:
        await query.message.answer_document(
            BufferedInputFile(payload, filename=ev.ICS_NAME), caption=ev.ICS_CAPTION
        )


async def _record(
    target: Message | CallbackQuery,
    session: AsyncSession,
    school: School,
    settings: Settings,
    clock: Clock,
    back: InlineKeyboardMarkup | None = None,
) -> None:
    label, tasks = await school_record(session, school, clock(), settings.tz)
    if not tasks:
        await show(
            target, ev.SCHOOL_RECORD_EMPTY.format(school=h(school.short_name), year=label), back
        )
        return
    lines = bounded(
        [
            ev.SCHOOL_RECORD_LINE.format(
                icon=ev.TASK_STATUS_ICONS[task.status],
                title=h(clip(task.event.title)),
                status=ev.TASK_STATUS_NAMES[task.status],
            )
            for task in tasks
        ]
    )
    done = sum(
        1
        for task in tasks
        if task.status in (SchoolTaskStatus.SUBMITTED, SchoolTaskStatus.ACCEPTED)
    )
    text = ev.SCHOOL_RECORD.format(
        school=h(school.short_name), year=label, lines=lines, done=done, total=len(tasks)
    )
    await show(target, text, back)


async def _schools_pick(
    target: Message | CallbackQuery, session: AsyncSession, district_id: int, page: int
) -> None:
    total = await count_schools(session, district_id)
    if not total:
        district = await get_district(session, district_id)
        await show(target, s.SCHOOLS_EMPTY.format(district=h(district.name)))
        return
    page = clamp_page(page, total)
    schools = await list_schools(session, district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [button(shorten(sch.short_name, 60), RecordCb(school_id=sch.id, page=page))]
        for sch in schools
    ]
    pager = pager_row(page, total, lambda p: RecordCb(school_id=0, page=p))
    if pager:
        rows.append(pager)
    await show(target, ev.SCHOOLS_PICK, InlineKeyboardMarkup(inline_keyboard=rows))


async def school_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    role: Role | None,
    settings: Settings,
    clock: Clock,
) -> None:
    if role is Role.LIBRARIAN:
        school = await session.get(School, user.school_id) if user and user.school_id else None
        if school is None:
            await message.answer(ev.NO_SCHOOL)
            return
        await _record(message, session, school, settings, clock)
        return
    if user is None or user.district_id is None:
        await message.answer(s.NO_DISTRICT)
        return
    await _schools_pick(message, session, user.district_id, 0)


async def schools_page(
    query: CallbackQuery, callback_data: RecordCb, session: AsyncSession, district_id: int
) -> None:
    await _schools_pick(query, session, district_id, callback_data.page)


async def school_pick(
    query: CallbackQuery,
    callback_data: RecordCb,
    session: AsyncSession,
    school: School,
    settings: Settings,
    clock: Clock,
) -> None:
    back = column([button(t.BTN_BACK, RecordCb(school_id=0, page=callback_data.page))])
    await _record(query, session, school, settings, clock, back)


def get_router() -> Router:
    router = Router(name="calendar")
    roles = HasRole(Role.LIBRARIAN, Role.COORDINATOR, Role.SUPER_ADMIN)
    router.message.filter(roles)
    router.callback_query.filter(roles)
    router.message.register(calendar_command, Command("calendar"))
    router.callback_query.register(calendar_ics, CalendarCb.filter(F.action == CalendarAction.ICS))
    router.message.register(school_command, Command("school"))
    coordinators = HasRole(Role.COORDINATOR, Role.SUPER_ADMIN)
    router.callback_query.register(
        schools_page, coordinators, RecordCb.filter(F.school_id == 0), InDistrict()
    )
    router.callback_query.register(
        school_pick,
        coordinators,
        RecordCb.filter(),
        InDistrict(),
        DistrictSchool(unknown=t.FORBIDDEN_BUTTON),
    )
    return router
