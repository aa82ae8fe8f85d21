"""Coordinator: the district's calendar from the default file or an uploaded one; rollover."""

from __future__ import annotations

import io
import logging
from pathlib import PurePath

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app_paths import data_file
from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import EventAction, EventCb
from bot.toolkit.filters import InDistrict
from bot.toolkit.keyboards import button, column
from bot.toolkit.render_import import (
    CALENDAR_TEMPLATE_CSV,
    calendar_errors,
    default_calendar_error,
)
from bot.toolkit.screens import error_text, h, show
from handlers.events._screens import events_screen
from models import Activity
from services.calendar_default import CalendarFileError, read_default_calendar
from services.calendar_import import parse_calendar_file
from services.clock import Clock
from services.errors import ValidationError
from services.events import input_from_row, replace_calendar, rollover

logger = logging.getLogger(__name__)

DEFAULT_CALENDAR = "data/calendar_2026_27.toml"
MAX_FILE_BYTES = 2 * 1024 * 1024


class CalendarForm(StatesGroup):
    file = State()


def _confirm_markup(ok: EventCb) -> InlineKeyboardMarkup:
    return column([button(ev.BTN_YES, ok), button(t.BTN_BACK, EventCb(action=EventAction.LIST))])


async def default_ask(query: CallbackQuery) -> None:
    await show(query, ev.CONFIRM_DEFAULT, _confirm_markup(EventCb(action=EventAction.DEFAULT_OK)))


async def default_load(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        rows = read_default_calendar(data_file(DEFAULT_CALENDAR))
    except CalendarFileError as exc:
        logger.exception("default calendar is broken:\n%s", default_calendar_error(exc))
        await query.answer(t.INTERNAL_ERROR, show_alert=True)
        return
    added, updated, removed = await replace_calendar(
        session, district_id, [input_from_row(r) for r in rows], settings.tz, clock
    )
    if query.message is not None:
        await query.message.answer(
            ev.CALENDAR_LOADED.format(added=added, updated=updated, removed=removed)
        )
    await events_screen(query, session, district_id, 0, settings)


async def file_ask(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(CalendarForm.file)
    markup = column(
        [
            button(ev.BTN_CALENDAR_TEMPLATE, EventCb(action=EventAction.TEMPLATE)),
            button(t.BTN_CANCEL, EventCb(action=EventAction.LIST)),
        ]
    )
    await show(query, ev.ASK_CALENDAR_FILE, markup)


async def template_send(query: CallbackQuery) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer_document(
            BufferedInputFile(CALENDAR_TEMPLATE_CSV, filename=ev.CALENDAR_TEMPLATE_NAME)
        )


async def calendar_file(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    district_id: int,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    document = message.document
    assert document is not None
    name = document.file_name or "file"
    if PurePath(name).suffix.lower() not in (".csv", ".xlsx"):
        await message.answer(s.FILE_WRONG_TYPE.format(name=h(name)))
        return
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        size_mb = f"{document.file_size / 1024 / 1024:.1f}".replace(".", ",")
        await message.answer(s.FILE_TOO_BIG.format(size_mb=size_mb, max_mb=2))
        return
    buffer = io.BytesIO()
    await bot.download(document.file_id, destination=buffer)
    known = set((await session.scalars(select(Activity.number))).all())
    result = parse_calendar_file(name, buffer.getvalue(), known_activities=known)
    if not result.ok:
        await message.answer(ev.CALENDAR_REFUSED.format(errors=h(calendar_errors(result.errors))))
        return
    try:
        added, updated, removed = await replace_calendar(
            session, district_id, [input_from_row(r) for r in result.rows], settings.tz, clock
        )
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc))
        return
    await state.clear()
    await message.answer(ev.CALENDAR_LOADED.format(added=added, updated=updated, removed=removed))
    await events_screen(message, session, district_id, 0, settings)


async def calendar_not_file(message: Message) -> None:
    await message.answer(s.FILE_EXPECTED)


async def rollover_ask(query: CallbackQuery) -> None:
    await show(
        query, ev.CONFIRM_ROLLOVER, _confirm_markup(EventCb(action=EventAction.ROLLOVER_OK))
    )


async def rollover_do(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    settings: Settings,
    clock: Clock,
) -> None:
    count = await rollover(session, district_id, settings.tz, clock)
    if query.message is not None:
        await query.message.answer(ev.ROLLED_OVER.format(count=count))
    await events_screen(query, session, district_id, 0, settings)


def get_router() -> Router:
    router = Router(name="events.files")
    cb = EventCb.filter
    district = InDistrict()
    router.callback_query.register(default_ask, cb(F.action == EventAction.DEFAULT), district)
    router.callback_query.register(default_load, cb(F.action == EventAction.DEFAULT_OK), district)
    router.callback_query.register(file_ask, cb(F.action == EventAction.FILE), district)
    router.callback_query.register(template_send, cb(F.action == EventAction.TEMPLATE))
    router.callback_query.register(rollover_ask, cb(F.action == EventAction.ROLLOVER), district)
    router.callback_query.register(rollover_do, cb(F.action == EventAction.ROLLOVER_OK), district)
    router.message.register(
        calendar_file, StateFilter(CalendarForm.file), F.document, InDistrict(in_form=True)
    )
    router.message.register(
        calendar_not_file, StateFilter(CalendarForm.file), ~F.text.startswith("/")
    )
    return router
