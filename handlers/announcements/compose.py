"""/announce: a coordinator composes an announcement, chooses who gets it, previews it exactly
as the recipients will see it, and sends it now or later; then watches it go out.

The draft lives in the database from the first message on (services.announcements), so its
buttons work after a restart; the form only remembers what is being typed.

An album arrives as several messages with one `media_group_id`, one update each, handled in
turn for one person (the dispatcher's event isolation). The first part makes (or replaces) the
draft and is answered with «Готово»; each later part of the same album is added to that draft
silently; «Готово» shows the preview. So nothing waits on a timer, and a part that is refused
(a video, a mix of photos and documents) is said once and the rest of that album is ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.announcement_progress import render
from bot.config import Settings
from bot.texts import common as t
from bot.texts.announcements import compose as tx
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.callbacks import AnnComposeCb
from bot.toolkit.filters import HasRole, InDistrict, Refused
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, pager_row, shorten, yes_no
from bot.toolkit.screens import h, show
from handlers.announcements import compose_audience as aud
from handlers.announcements.compose_screen import A, OwnDraft, cb, present, refusal, screen
from models import Announcement, AnnouncementStatus, Role, User
from services.announcements import choices
from services.announcements.content import DOCUMENT, PHOTO, Content, check_content
from services.announcements.sending import (
    cancel_draft,
    new_draft,
    own_draft,
    progress,
    schedule,
    send,
    set_content,
    stop,
)
from services.clock import Clock
from services.errors import NotFoundError, ValidationError
from services.timeutil import local_today, to_utc

AUTHORS = (Role.COORDINATOR, Role.SUPER_ADMIN)


class ComposeForm(StatesGroup):
    districts = State()  # a super-admin chooses the districts first
    content = State()  # the text (or files) of a new draft, or of a draft being changed
    schedule = State()  # the local date and time to send at


def _entities(items: list[MessageEntity] | None) -> tuple[dict[str, Any], ...]:
    return tuple(e.model_dump(exclude_none=True) for e in items or [])


def read_content(message: Message) -> Content | None:
    """The message's text with its entities, or its file with the caption (a forwarded
    message is read the same way); None for what cannot be sent (a sticker, a voice note…)."""
    if message.text is not None:
        return Content(message.text, _entities(message.entities))
    if message.photo:
        item: dict[str, Any] = {"type": PHOTO, "file_id": message.photo[-1].file_id}
    elif message.document:
        item = {
            "type": DOCUMENT,
            "file_id": message.document.file_id,
            "file_name": message.document.file_name or "",
        }
    else:
        return None
    return Content(message.caption or "", _entities(message.caption_entities), (item,))


def _content_data(content: Content) -> dict[str, Any]:
    return {
        "text": content.text,
        "entities": list(content.entities),
        "media": list(content.media),
    }


def _content_from(data: dict[str, Any]) -> Content:
    return Content(str(data["text"]), tuple(data["entities"]), tuple(data["media"]))


def _bot(event: Message | CallbackQuery) -> Bot:
    assert event.bot is not None
    return event.bot


# ---- the start --------------------------------------------------------------------------------


async def announce_coordinator(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(ComposeForm.content)
    await message.answer(tx.ASK_CONTENT)


async def _districts_screen(
    session: AsyncSession, chosen: list[int], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await choices.districts(session)
    page = clamp_page(page, len(found))
    rows = [
        [
            button(
                (tx.DISTRICT_ON if d.id in chosen else tx.DISTRICT_OFF).format(
                    name=h(shorten(d.name, 45))
                ),
                cb(A.DISTRICT, 0, value=d.id, page=page),
            )
        ]
        for d in found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(page, len(found), lambda p: cb(A.DISTRICT, 0, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(tx.BTN_REPUBLIC, cb(A.REPUBLIC, 0))])
    rows.append([button(tx.BTN_DISTRICTS_DONE.format(count=len(chosen)), cb(A.DISTRICTS_DONE, 0))])
    return tx.ASK_DISTRICTS, InlineKeyboardMarkup(inline_keyboard=rows)


async def announce_admin(message: Message, session: AsyncSession, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(ComposeForm.districts)
    await state.update_data(districts=[])
    text, markup = await _districts_screen(session, [], 0)
    await message.answer(text, reply_markup=markup)


async def toggle_district(
    query: CallbackQuery, callback_data: AnnComposeCb, session: AsyncSession, state: FSMContext
) -> None:
    chosen = [int(d) for d in (await state.get_data()).get("districts", [])]
    value = callback_data.value
    if value:
        known = {d.id for d in await choices.districts(session)}
        if value not in known:
            await query.answer(tx.UNKNOWN_CHOICE, show_alert=True)
            return
        chosen = [d for d in chosen if d != value] if value in chosen else [*chosen, value]
        await state.update_data(districts=chosen)
    text, markup = await _districts_screen(session, chosen, callback_data.page)
    await show(query, text, markup)


async def districts_chosen(
    query: CallbackQuery, callback_data: AnnComposeCb, state: FSMContext
) -> None:
    if callback_data.action is A.REPUBLIC:
        await state.update_data(districts=[])
    elif not (await state.get_data()).get("districts"):
        await query.answer(tx.NO_DISTRICTS_CHOSEN, show_alert=True)
        return
    await state.set_state(ComposeForm.content)
    await show(query, tx.ASK_CONTENT)


async def form_gone(query: CallbackQuery) -> None:
    await query.answer(tx.UNKNOWN_DRAFT, show_alert=True)


# ---- the content ------------------------------------------------------------------------------


async def _apply(
    session: AsyncSession,
    user: User,
    data: dict[str, Any],
    content: Content,
    now: datetime,
    *,
    split_ok: bool = False,
) -> Announcement:
    """A new draft, or the draft being changed («Изменить») with this content."""
    editing = int(data.get("editing") or 0)
    if editing:
        try:
            announcement = await own_draft(session, editing, user)
        except NotFoundError:
            raise Refused(tx.UNKNOWN_DRAFT) from None
        set_content(announcement, content, split_ok=split_ok)
        return announcement
    announcement = await new_draft(session, user, content, now, split_ok=split_ok)
    if user.role is Role.SUPER_ADMIN:
        announcement.audience_district_ids = [int(d) for d in data.get("districts") or []]
    return announcement


def _too_long_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(tx.BTN_SPLIT, cb(A.SPLIT, 0))],
            [button(tx.BTN_REWRITE, cb(A.REWRITE, 0))],
        ]
    )


async def content_received(
    message: Message,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    data = await state.get_data()
    group = message.media_group_id
    if group is not None and group == data.get("album_refused"):
        return  # the rest of an album already refused: said once
    content = read_content(message)
    if content is None:
        if group is not None:
            await state.update_data(album_refused=group)
        await message.answer(tx.UNSUPPORTED)
        return
    if group is not None and group == data.get("album"):
        await _album_part(message, session, user, state, data, content)
        return
    try:
        check_content(content)
    except ValidationError as e:
        if group is not None:
            await state.update_data(album_refused=group)
        if e.code == "announcement_too_long" and group is None:
            await state.update_data(pending=_content_data(content))
            await message.answer(refusal(e), reply_markup=_too_long_markup())
            return
        await message.answer(refusal(e))
        return
    announcement = await _apply(session, user, data, content, clock())
    if group is not None:
        await state.update_data(
            album=group, announcement_id=announcement.id, editing=announcement.id
        )
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[button(tx.BTN_ALBUM_DONE, cb(A.ALBUM_DONE, announcement))]]
        )
        await message.answer(tx.ALBUM_WAIT, reply_markup=markup)
        return
    await state.clear()
    await present(_bot(message), message.chat.id, session, announcement, settings)


async def _album_part(
    message: Message,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    data: dict[str, Any],
    content: Content,
) -> None:
    """One more file of the album whose first part made the draft."""
    try:
        announcement = await own_draft(session, int(data.get("announcement_id") or 0), user)
    except NotFoundError:
        await state.clear()
        await message.answer(tx.UNKNOWN_DRAFT)
        return
    text, entities = announcement.text, tuple(announcement.entities or ())
    if not text.strip() and content.text.strip():
        text, entities = content.text, content.entities
    merged = Content(text, entities, (*announcement.media, *content.media))
    try:
        set_content(announcement, merged)
    except ValidationError as e:
        await state.update_data(album_refused=message.media_group_id, album=None)
        await message.answer(refusal(e))


async def content_unsupported(message: Message, state: FSMContext) -> None:
    group = message.media_group_id
    if group is not None:
        if group == (await state.get_data()).get("album_refused"):
            return
        await state.update_data(album_refused=group)
    await message.answer(tx.UNSUPPORTED)


async def split(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    data = await state.get_data()
    pending = data.get("pending")
    if not pending:
        await query.answer(tx.NOTHING_TO_SPLIT, show_alert=True)
        return
    try:
        announcement = await _apply(
            session, user, data, _content_from(pending), clock(), split_ok=True
        )
    except ValidationError as e:
        await query.answer(refusal(e), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await present(_bot(query), query.from_user.id, session, announcement, settings)


async def rewrite(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(pending=None)
    await show(query, tx.REWRITE)


async def album_done(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
) -> None:
    await state.clear()
    await query.answer()
    await present(_bot(query), query.from_user.id, session, announcement, settings)


# ---- the draft's screen -------------------------------------------------------------------------


async def to_screen(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
) -> None:
    await state.clear()
    text, markup = await screen(session, announcement, settings)
    await show(query, text, markup)


async def toggle_ack(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, settings: Settings
) -> None:
    announcement.ack = not announcement.ack
    text, markup = await screen(session, announcement, settings)
    await show(query, text, markup)


async def preview(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, settings: Settings
) -> None:
    await query.answer()
    await present(_bot(query), query.from_user.id, session, announcement, settings)


def _back_markup(announcement: Announcement) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(t.BTN_BACK, cb(A.SCREEN, announcement))]])


async def edit(query: CallbackQuery, announcement: Announcement, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(ComposeForm.content)
    await state.update_data(editing=announcement.id)
    await show(query, tx.ASK_NEW_CONTENT, _back_markup(announcement))


async def cancel_ask(query: CallbackQuery, announcement: Announcement) -> None:
    await show(
        query, tx.CANCEL_ASK, yes_no(cb(A.CANCEL_OK, announcement), cb(A.SCREEN, announcement))
    )


async def cancel_ok(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, state: FSMContext
) -> None:
    await state.clear()
    await cancel_draft(session, announcement)
    await show(query, tx.CANCELLED)


# ---- later ------------------------------------------------------------------------------------


_WHEN = re.compile(r"\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+(\d{1,2})[:.](\d{2})\s*")


def parse_when(text: str, now: datetime, settings: Settings) -> datetime | None:
    """«ДД.ММ ЧЧ:ММ» or «ДД.ММ.ГГГГ ЧЧ:ММ», local; without a year the next such day
    (today's included). None if it is no date and time."""
    match = _WHEN.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    today = local_today(now, settings.tz)
    try:
        local = datetime(  # noqa: DTZ001 - a local wall time, converted with the district zone
            int(year) if year else today.year, int(month), int(day), int(hour), int(minute)
        )
        if year is None and local.date() < today:
            local = local.replace(year=today.year + 1)
    except ValueError:
        return None
    return to_utc(local, settings.tz)


def _example(now: datetime, settings: Settings) -> str:
    return (now.astimezone(settings.tz) + timedelta(days=1)).strftime("%d.%m 10:00")


async def schedule_ask(
    query: CallbackQuery,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    await state.clear()
    await state.set_state(ComposeForm.schedule)
    await state.update_data(announcement_id=announcement.id)
    offset = clock().astimezone(settings.tz).utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    text = tx.SCHEDULE_ASK.format(tz=f"UTC{hours:+d}", example=_example(clock(), settings))
    rows = [
        [button(label, cb(A.SCHEDULE_AT, announcement, value=int(moment.timestamp()) // 60))]
        for label, moment in _ready_times(clock(), settings)
    ]
    rows.append([button(t.BTN_BACK, cb(A.SCREEN, announcement))])
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


def _ready_times(now: datetime, settings: Settings) -> list[tuple[str, datetime]]:
    """One-tap times: tomorrow at 9 and at 14, and next Monday at 9 (local)."""
    today = now.astimezone(settings.tz).date()
    tomorrow = today + timedelta(days=1)
    monday = today + timedelta(days=7 - today.weekday())

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, 0), settings.tz).astimezone(UTC)

    times = [
        (tx.BTN_TOMORROW_AT.format(time="9:00"), at(tomorrow, 9)),
        (tx.BTN_TOMORROW_AT.format(time="14:00"), at(tomorrow, 14)),
    ]
    if monday != tomorrow:
        times.append((tx.BTN_MONDAY_AT.format(date=f"{monday:%d.%m}", time="9:00"), at(monday, 9)))
    return times


async def schedule_at(
    query: CallbackQuery,
    callback_data: AnnComposeCb,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    when = datetime.fromtimestamp(callback_data.value * 60, UTC)
    try:
        _, moved = await schedule(
            session, announcement, when, clock(), settings.tz, settings.quiet
        )
    except ValidationError as e:
        await query.answer(refusal(e), show_alert=True)
        return
    await state.clear()
    notice = tx.MOVED.format(quiet=settings.quiet_hours) if moved else ""
    text, markup = await screen(session, announcement, settings, notice)
    await show(query, text, markup)
    if isinstance(query.message, Message):
        # this message becomes the progress message when the time comes
        announcement.progress_chat_id = query.message.chat.id
        announcement.progress_message_id = query.message.message_id
        announcement.progress_text = ""
        announcement.progress_at = None


async def schedule_text(
    message: Message,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    now = clock()
    when = parse_when(message.text or "", now, settings)
    if when is None:
        await message.answer(tx.SCHEDULE_BAD.format(example=_example(now, settings)))
        return
    try:
        _, moved = await schedule(session, announcement, when, now, settings.tz, settings.quiet)
    except ValidationError as e:
        await message.answer(refusal(e))
        return
    await state.clear()
    notice = tx.MOVED.format(quiet=settings.quiet_hours) if moved else ""
    text, markup = await screen(session, announcement, settings, notice)
    sent = await message.answer(text, reply_markup=markup)
    # this message becomes the progress message when the time comes (bot/announcement_progress)
    announcement.progress_chat_id = sent.chat.id
    announcement.progress_message_id = sent.message_id
    announcement.progress_text = ""
    announcement.progress_at = None


async def schedule_not_text(message: Message, settings: Settings, clock: Clock) -> None:
    await message.answer(tx.SCHEDULE_BAD.format(example=_example(clock(), settings)))


async def unschedule_ask(query: CallbackQuery, announcement: Announcement) -> None:
    if announcement.status is not AnnouncementStatus.SCHEDULED:
        await query.answer(tx.UNKNOWN_DRAFT, show_alert=True)
        return
    await show(
        query,
        tx.UNSCHEDULE_ASK,
        yes_no(cb(A.UNSCHEDULE_OK, announcement), cb(A.SCREEN, announcement)),
    )


async def unschedule_ok(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement
) -> None:
    if announcement.status is not AnnouncementStatus.SCHEDULED:
        await query.answer(tx.UNKNOWN_DRAFT, show_alert=True)
        return
    await cancel_draft(session, announcement)
    await show(query, tx.UNSCHEDULED)


# ---- now --------------------------------------------------------------------------------------


async def send_now(
    query: CallbackQuery,
    session: AsyncSession,
    announcement: Announcement,
    state: FSMContext,
    clock: Clock,
) -> None:
    now = clock()
    try:
        await send(session, announcement.id, copy_extras, now)
    except ValidationError as e:
        await query.answer(refusal(e), show_alert=True)
        return
    await state.clear()
    counts = await progress(session, announcement.id)
    text, markup = render(announcement, counts)
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        sent = await _bot(query).send_message(query.from_user.id, text, reply_markup=markup)
        chat_id, message_id = sent.chat.id, sent.message_id
        await query.answer()
    else:
        await show(query, text, markup)
        chat_id, message_id = message.chat.id, message.message_id
    announcement.progress_chat_id = chat_id
    announcement.progress_message_id = message_id
    announcement.progress_text = text
    announcement.progress_at = now


class OwnSending(Filter):
    """`announcement`: the actor's own announcement that is being sent now."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        callback_data = data.get("callback_data")
        announcement_id = (
            callback_data.announcement_id if isinstance(callback_data, AnnComposeCb) else 0
        )
        announcement = (
            await session.get(Announcement, announcement_id) if announcement_id else None
        )
        if announcement is None or user is None or announcement.author_id != user.id:
            raise Refused(tx.UNKNOWN_DRAFT)
        if announcement.status is not AnnouncementStatus.SENDING:
            raise Refused(refusal(ValidationError("announcement_not_sending")))
        return {"announcement": announcement}


async def stop_ask(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement
) -> None:
    counts = await progress(session, announcement.id)
    await query.answer()
    await _bot(query).send_message(
        query.from_user.id,
        tx.STOP_ASK.format(count=counts.waiting),
        reply_markup=yes_no(cb(A.STOP_OK, announcement), cb(A.STOP_NO, announcement)),
    )


async def stop_ok(
    query: CallbackQuery, session: AsyncSession, announcement: Announcement, clock: Clock
) -> None:
    held = await stop(session, announcement, clock())
    # the final report is due at the reporter's next look, whenever it last edited
    announcement.progress_at = None
    await show(query, tx.STOPPED.format(count=held))


async def stop_no(query: CallbackQuery) -> None:
    await show(query, tx.STOP_KEPT)


def get_router() -> Router:
    router = Router(name="announcements-compose")
    router.message.filter(HasRole(*AUTHORS))
    router.callback_query.filter(HasRole(*AUTHORS))
    admin = HasRole(Role.SUPER_ADMIN)
    coordinator = HasRole(Role.COORDINATOR)
    f = AnnComposeCb.filter
    not_command = ~F.text.startswith("/")
    router.message.register(announce_admin, Command("announce"), admin)
    router.message.register(announce_coordinator, Command("announce"), coordinator, InDistrict())
    # a super-admin's districts
    router.callback_query.register(
        toggle_district, f(F.action == A.DISTRICT), StateFilter(ComposeForm.districts), admin
    )
    router.callback_query.register(
        districts_chosen,
        f(F.action.in_({A.REPUBLIC, A.DISTRICTS_DONE})),
        StateFilter(ComposeForm.districts),
        admin,
    )
    router.callback_query.register(
        form_gone, f(F.action.in_({A.DISTRICT, A.REPUBLIC, A.DISTRICTS_DONE})), admin
    )
    # the content
    router.message.register(
        content_received,
        StateFilter(ComposeForm.content),
        F.text | F.photo | F.document,
        not_command,
    )
    router.message.register(content_unsupported, StateFilter(ComposeForm.content), not_command)
    router.callback_query.register(split, f(F.action == A.SPLIT), StateFilter(ComposeForm.content))
    router.callback_query.register(
        rewrite, f(F.action == A.REWRITE), StateFilter(ComposeForm.content)
    )
    router.callback_query.register(form_gone, f(F.action.in_({A.SPLIT, A.REWRITE})))
    # later
    router.message.register(
        schedule_text,
        StateFilter(ComposeForm.schedule),
        F.text,
        not_command,
        OwnDraft(in_form=True),
    )
    router.message.register(schedule_not_text, StateFilter(ComposeForm.schedule), not_command)
    # the search among the schools
    router.message.register(
        aud.search_text,
        StateFilter(aud.SchoolSearch.text),
        F.text,
        not_command,
        OwnDraft(in_form=True),
    )
    router.message.register(aud.search_not_text, StateFilter(aud.SchoolSearch.text), not_command)
    # sending: the actor's own announcement going out
    router.callback_query.register(stop_ask, f(F.action == A.STOP), OwnSending())
    router.callback_query.register(stop_ok, f(F.action == A.STOP_OK), OwnSending())
    router.callback_query.register(stop_no, f(F.action == A.STOP_NO), OwnSending())
    # the buttons of a draft: each names it, and it must be the actor's own
    for action, handler in (
        (A.ALBUM_DONE, album_done),
        (A.SCREEN, to_screen),
        (A.ACK, toggle_ack),
        (A.PREVIEW, preview),
        (A.SEND, send_now),
        (A.EDIT, edit),
        (A.SCHEDULE, schedule_ask),
        (A.SCHEDULE_AT, schedule_at),
        (A.CANCEL, cancel_ask),
        (A.CANCEL_OK, cancel_ok),
        (A.UNSCHEDULE, unschedule_ask),
        (A.UNSCHEDULE_OK, unschedule_ok),
        (A.AUDIENCE, aud.menu),
        (A.AUD_ALL, aud.choose_all),
        (A.AUD_COORDINATORS, aud.choose_coordinators),
        (A.AUD_LATE, aud.late_events),
        (A.AUD_EVENT, aud.choose_event),
        (A.AUD_SCHOOLS, aud.schools_page),
        (A.AUD_SCHOOL, aud.toggle_school),
        (A.AUD_SEARCH, aud.search_ask),
        (A.AUD_DONE, aud.schools_done),
    ):
        router.callback_query.register(handler, f(F.action == action), OwnDraft())
    return router
