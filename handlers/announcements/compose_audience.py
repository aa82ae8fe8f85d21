"""«Кому»: the audience of a draft: the whole district, the schools late with an event, chosen
schools (pages and a search by name), or a super-admin's coordinators."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.announcements import compose as tx
from bot.toolkit.callbacks import AnnComposeCb
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, pager_row, shorten
from bot.toolkit.screens import h, show
from handlers.announcements.compose_screen import A, cb, screen
from models import Announcement, AudienceKind, Role
from services.announcements import choices


class SchoolSearch(StatesGroup):
    text = State()


def _back(announcement: Announcement) -> list[InlineKeyboardButton]:
    return [button(t.BTN_BACK, cb(A.SCREEN, announcement))]


async def _to_screen(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, settings: Settings
) -> None:
    text, markup = await screen(session, announcement, settings)
    await show(query, text, markup)


async def menu(
    query: CallbackQuery, announcement: Announcement, state: FSMContext, role: Role | None
) -> None:
    await state.clear()
    if announcement.district_id is None:  # a super-admin's, across districts
        rows = [
            [button(tx.BTN_AUD_ALL_ADMIN, cb(A.AUD_ALL, announcement))],
            [button(tx.BTN_AUD_COORDINATORS, cb(A.AUD_COORDINATORS, announcement))],
        ]
    else:
        rows = [
            [button(tx.BTN_AUD_ALL, cb(A.AUD_ALL, announcement))],
            [button(tx.BTN_AUD_LATE, cb(A.AUD_LATE, announcement))],
            [button(tx.BTN_AUD_SCHOOLS, cb(A.AUD_SCHOOLS, announcement))],
        ]
    rows.append(_back(announcement))
    await show(query, tx.AUDIENCE_ASK, InlineKeyboardMarkup(inline_keyboard=rows))


async def choose_all(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, settings: Settings
) -> None:
    announcement.audience = AudienceKind.ALL
    await _to_screen(query, session, announcement, settings)


async def choose_coordinators(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, settings: Settings
) -> None:
    if announcement.district_id is not None:
        await query.answer(tx.SUPER_ADMIN_ONLY, show_alert=True)
        return
    announcement.audience = AudienceKind.COORDINATORS
    await _to_screen(query, session, announcement, settings)


async def late_events(
    query: CallbackQuery,
    callback_data: AnnComposeCb,
    session: AsyncSession,
    announcement: Announcement,
) -> None:
    if announcement.district_id is None:
        await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
        return
    _, total = await choices.open_events(session, announcement.district_id, 0, 1)
    page = clamp_page(callback_data.page, total)
    events, total = await choices.open_events(
        session, announcement.district_id, page * PAGE_SIZE, PAGE_SIZE
    )
    rows = [
        [button(shorten(e.title, 50), cb(A.AUD_EVENT, announcement, value=e.id))] for e in events
    ]
    pager = pager_row(page, total, lambda p: cb(A.AUD_LATE, announcement, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(t.BTN_BACK, cb(A.AUDIENCE, announcement))])
    await show(
        query, tx.LATE_ASK if total else tx.LATE_NONE, InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def choose_event(
    query: CallbackQuery,
    callback_data: AnnComposeCb,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
) -> None:
    event = (
        await choices.open_event(session, announcement.district_id, callback_data.value)
        if announcement.district_id is not None
        else None
    )
    if event is None:
        await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
        return
    announcement.audience = AudienceKind.LATE
    announcement.audience_event_id = event.id
    await _to_screen(query, session, announcement, settings)


async def _schools_page(
    session: AsyncSession, announcement: Announcement, page: int, query: str
) -> tuple[str, InlineKeyboardMarkup]:
    assert announcement.district_id is not None
    found = await choices.schools(session, announcement.district_id, query)
    page = clamp_page(page, len(found))
    chosen = set(announcement.audience_school_ids)
    rows = [
        [
            button(
                (tx.SCHOOL_ON if s.id in chosen else tx.SCHOOL_OFF).format(
                    name=shorten(s.short_name, 45)
                ),
                cb(A.AUD_SCHOOL, announcement, value=s.id, page=page),
            )
        ]
        for s in found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(page, len(found), lambda p: cb(A.AUD_SCHOOLS, announcement, page=p, value=1))
    if pager:
        rows.append(pager)
    rows.append([button(tx.BTN_SEARCH, cb(A.AUD_SEARCH, announcement))])
    rows.append(
        [button(tx.BTN_SCHOOLS_DONE.format(count=len(chosen)), cb(A.AUD_DONE, announcement))]
    )
    rows.append([button(t.BTN_BACK, cb(A.AUDIENCE, announcement))])
    if not query:
        text = tx.SCHOOLS_ASK.format(count=len(chosen))
    elif found:
        text = tx.SCHOOLS_FOUND.format(query=h(query), count=len(found), chosen=len(chosen))
    else:
        text = tx.SCHOOLS_NONE.format(query=h(query))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def schools_page(
    query: CallbackQuery,
    callback_data: AnnComposeCb,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
) -> None:
    """A page of the schools; `value` 1 keeps the search typed before (a page of its results)."""
    if announcement.district_id is None:
        await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
        return
    typed = ""
    if callback_data.value:
        typed = str((await state.get_data()).get("school_query", ""))
    else:
        await state.clear()
    text, markup = await _schools_page(session, announcement, callback_data.page, typed)
    await show(query, text, markup)


async def toggle_school(
    query: CallbackQuery,
    callback_data: AnnComposeCb,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
) -> None:
    if announcement.district_id is None:
        await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
        return
    ids = {s.id for s in await choices.schools(session, announcement.district_id)}
    school_id = callback_data.value
    if school_id not in ids:
        await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
        return
    chosen = [i for i in announcement.audience_school_ids if i in ids]
    if school_id in chosen:
        chosen.remove(school_id)
    else:
        chosen.append(school_id)
    announcement.audience_school_ids = chosen  # a new list: the JSON column sees the change
    typed = str((await state.get_data()).get("school_query", ""))
    text, markup = await _schools_page(session, announcement, callback_data.page, typed)
    await show(query, text, markup)


async def search_ask(query: CallbackQuery, announcement: Announcement, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(SchoolSearch.text)
    await state.update_data(announcement_id=announcement.id)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button(t.BTN_BACK, cb(A.AUD_SCHOOLS, announcement))]]
    )
    await show(query, tx.SEARCH_ASK, markup)


async def search_text(
    message: Message, session: AsyncSession, announcement: Announcement, state: FSMContext
) -> None:
    typed = (message.text or "").strip()[:100]
    await state.update_data(school_query=typed)  # the form stays: another text searches again
    text, markup = await _schools_page(session, announcement, 0, typed)
    await message.answer(text, reply_markup=markup)


async def search_not_text(message: Message) -> None:
    await message.answer(tx.SEARCH_TEXT_ONLY)


async def schools_done(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
) -> None:
    if not announcement.audience_school_ids:
        await query.answer(tx.NO_SCHOOLS_CHOSEN, show_alert=True)
        return
    await state.clear()
    announcement.audience = AudienceKind.SCHOOLS
    await _to_screen(query, session, announcement, settings)
