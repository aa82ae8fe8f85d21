"""The draft's screen and its preview: what the coordinator sees before sending."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts.announcements import compose as tx
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.announcement_send import send_steps
from bot.toolkit.callbacks import AnnComposeAction, AnnComposeCb, parse_id
from bot.toolkit.filters import Refused
from bot.toolkit.keyboards import button, markup_of, shorten
from bot.toolkit.screens import error_text, hq
from models import Announcement, AnnouncementStatus, AudienceKind, Event, User
from services.announcements.audience import count
from services.announcements.content import steps
from services.announcements.sending import content_of, own_draft
from services.errors import NotFoundError, ValidationError
from services.timeutil import fmt_local

A = AnnComposeAction
SENT_STATUSES = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT, AnnouncementStatus.STOPPED)


def cb(action: AnnComposeAction, announcement: Announcement | int, **kw: Any) -> AnnComposeCb:
    announcement_id = announcement if isinstance(announcement, int) else announcement.id
    return AnnComposeCb(action=action, announcement_id=announcement_id, **kw)


def refusal(error: ValidationError) -> str:
    """A refused announcement's words (these texts), or the common ones."""
    text = tx.ERRORS.get(error.code)
    return text.format(**error.params) if text is not None else error_text(error)


class OwnDraft(Filter):
    """`announcement`: the actor's own draft (or scheduled one) the button or the form names.

    Another coordinator's, another district's or a missing one is unknown; the actor's own
    announcement that has gone out already is said to be sent (a second «Отправить»).
    """

    def __init__(self, *, in_form: bool = False) -> None:
        self.in_form = in_form

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        if self.in_form:
            state: FSMContext = data["state"]
            announcement_id = parse_id((await state.get_data()).get("announcement_id", 0))
        else:
            callback_data = data.get("callback_data")
            announcement_id = (
                callback_data.announcement_id if isinstance(callback_data, AnnComposeCb) else 0
            )
        if user is None:
            raise Refused(tx.UNKNOWN_DRAFT)
        try:
            announcement = await own_draft(session, announcement_id, user)
        except NotFoundError:
            if self.in_form:
                await data["state"].clear()
            known = await session.get(Announcement, announcement_id) if announcement_id else None
            if known is not None and known.author_id == user.id and known.status in SENT_STATUSES:
                raise Refused(refusal(ValidationError("announcement_already_sent"))) from None
            raise Refused(tx.UNKNOWN_DRAFT) from None
        return {"announcement": announcement}


async def audience_label(session: AsyncSession, announcement: Announcement) -> str:
    kind = announcement.audience
    if kind is AudienceKind.COORDINATORS:
        return tx.AUD_COORDINATORS
    if kind is AudienceKind.LATE:
        event = (
            await session.get(Event, announcement.audience_event_id)
            if announcement.audience_event_id
            else None
        )
        return tx.AUD_LATE.format(event=hq(shorten(event.title, 40) if event else "—"))
    if kind is AudienceKind.SCHOOLS:
        return tx.AUD_SCHOOLS.format(count=len(announcement.audience_school_ids))
    if announcement.district_id is not None:
        return tx.AUD_ALL
    if announcement.audience_district_ids:
        return tx.AUD_ALL_DISTRICTS.format(count=len(announcement.audience_district_ids))
    return tx.AUD_ALL_REPUBLIC


async def screen(
    session: AsyncSession, announcement: Announcement, settings: Settings, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """The draft's options, its numbers and the ways on (for a scheduled one: its time)."""
    try:
        counts = await count(session, announcement)
    except NotFoundError:  # the chosen event is gone: back to the whole district
        announcement.audience = AudienceKind.ALL
        counts = await count(session, announcement)
    label = await audience_label(session, announcement)
    text = tx.SCREEN.format(
        audience=label,
        total=counts.total,
        unreachable=counts.unreachable,
        without=(
            tx.WITHOUT.format(count=counts.schools_without_librarian)
            if counts.schools_without_librarian
            else ""
        ),
        ack=tx.ON if announcement.ack else tx.OFF,
    )
    parts = sum(1 for step in steps(content_of(announcement)) if step["kind"] == "text")
    if parts > 1:
        text += tx.PARTS.format(count=parts)
    scheduled = announcement.status is AnnouncementStatus.SCHEDULED
    if scheduled and announcement.scheduled_at is not None:
        text = (
            tx.SCHEDULED.format(
                when=fmt_local(announcement.scheduled_at, settings.tz), audience=label
            )
            + "\n\n"
            + text
        )
    if notice:
        text = f"{notice}\n\n{text}"
    rows = [
        [
            button(
                tx.BTN_ACK.format(state=tx.ON if announcement.ack else tx.OFF),
                cb(A.ACK, announcement),
            )
        ],
        [
            button(
                tx.BTN_AUDIENCE.format(audience=shorten(label, 40)), cb(A.AUDIENCE, announcement)
            )
        ],
        [button(tx.BTN_PREVIEW, cb(A.PREVIEW, announcement))],
        [button(tx.btn_send(counts.reachable), cb(A.SEND, announcement))],
        [
            button(tx.BTN_EDIT, cb(A.EDIT, announcement)),
            button(tx.BTN_SCHEDULE, cb(A.SCHEDULE, announcement)),
        ],
        [
            button(tx.BTN_UNSCHEDULE, cb(A.UNSCHEDULE, announcement))
            if scheduled
            else button(tx.BTN_CANCEL, cb(A.CANCEL, announcement))
        ],
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def present(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    announcement: Announcement,
    settings: Settings,
) -> Message:
    """The preview, sent as a copy is (the same code the outbox sender uses), then the screen."""
    await bot.send_message(chat_id, tx.PREVIEW_HEADER)
    extras = copy_extras(announcement)
    payload = {
        "steps": steps(content_of(announcement)),
        "buttons_text": extras.buttons_text if announcement.number else tx.PREVIEW_BUTTONS_LINE,
    }
    await send_steps(bot, chat_id, payload, markup_of(extras.buttons))
    text, markup = await screen(session, announcement, settings)
    return await bot.send_message(chat_id, text, reply_markup=markup)


def chat_of(event: Message | CallbackQuery) -> int:
    return event.from_user.id if event.from_user else 0
