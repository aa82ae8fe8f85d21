"""Coordinator: /review — new and changed confirmations, evidence re-sent, accept or return."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import ReviewAction, ReviewCb, TaskAction, TaskCb
from bot.toolkit.filters import DistrictConfirmation, HasRole
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.toolkit.notify import deliver
from bot.toolkit.screens import clip, error_text, h, hq, show
from models import Confirmation, ConfirmationStatus, EvidenceKind, Role, User
from services.clock import Clock
from services.confirmations import (
    confirmation_for_district,
    count_pending,
    pending_reviews,
    review,
    school_librarian_ids,
)
from services.errors import ValidationError
from services.timeutil import fmt_date, fmt_local

logger = logging.getLogger(__name__)


class ReturnForm(StatesGroup):
    comment = State()


async def _list(
    target: Message | CallbackQuery, session: AsyncSession, user: User | None, page: int
) -> None:
    if user is None or user.district_id is None:
        await show(target, s.NO_DISTRICT)
        return
    total = await count_pending(session, user.district_id)
    if not total:
        await show(target, ev.REVIEW_EMPTY)
        return
    page = clamp_page(page, total)
    items = await pending_reviews(session, user.district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                ev.REVIEW_BUTTON.format(
                    school=shorten(c.school.short_name, 24), title=shorten(c.event.title, 30)
                ),
                ReviewCb(
                    action=ReviewAction.OPEN, confirmation_id=c.id, version=c.version, page=page
                ),
            )
        ]
        for c in items
    ]
    pager = pager_row(page, total, lambda p: ReviewCb(action=ReviewAction.LIST, page=p))
    if pager:
        rows.append(pager)
    await show(
        target, ev.REVIEW_HEADER.format(total=total), InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def review_command(
    message: Message, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    await state.clear()
    await _list(message, session, user, 0)


async def review_page(
    query: CallbackQuery,
    callback_data: ReviewCb,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
) -> None:
    await state.clear()
    await _list(query, session, user, callback_data.page)


def card_text(confirmation: Confirmation, settings: Settings) -> str:
    links = [e for e in confirmation.evidence if e.kind is EvidenceKind.LINK]
    files = [e for e in confirmation.evidence if e.kind is not EvidenceKind.LINK]
    parts = []
    if files:
        parts.append(ev.evidence_files(len(files)))
    parts += [ev.EVIDENCE_LINK_LINE.format(url=h(clip(e.url, 200))) for e in links]
    return ev.REVIEW_CARD.format(
        title=h(confirmation.event.title),
        school=h(confirmation.school.short_name),
        held_on=fmt_date(confirmation.held_on),
        participants=confirmation.participants,
        description=h(clip(confirmation.description, 1000)) or ev.NO_DESCRIPTION,
        submitted=fmt_local(confirmation.submitted_at, settings.tz),
        late=ev.REVIEW_LATE if confirmation.is_late else "",
        version=confirmation.version,
        evidence="\n".join(parts) if parts else ev.NO_EVIDENCE,
    )


async def review_open(
    query: CallbackQuery,
    callback_data: ReviewCb,
    session: AsyncSession,
    bot: Bot,
    confirmation: Confirmation,
    settings: Settings,
) -> None:
    await query.answer()
    chat_id = query.from_user.id
    caption = h(f"{confirmation.school.short_name} · {clip(confirmation.event.title, 200)}")
    for item in confirmation.evidence:
        try:
            if item.kind is EvidenceKind.PHOTO:
                await bot.send_photo(chat_id, item.file_id, caption=caption)
            elif item.kind is EvidenceKind.DOCUMENT:
                await bot.send_document(chat_id, item.file_id, caption=caption)
        except TelegramBadRequest:
            logger.warning("evidence %s could not be re-sent", item.id, exc_info=True)
    markup = _review_buttons(confirmation, callback_data.page)
    await bot.send_message(chat_id, card_text(confirmation, settings), reply_markup=markup)


def _review_buttons(confirmation: Confirmation, page: int = 0) -> InlineKeyboardMarkup:
    """«Принять» and «Вернуть» for the version on screen (while it waits), and the way back."""
    rows = []
    if confirmation.status is ConfirmationStatus.SUBMITTED:
        rows += [
            button(
                text,
                ReviewCb(
                    action=action,
                    confirmation_id=confirmation.id,
                    version=confirmation.version,
                    page=page,
                ),
            )
            for text, action in (
                (ev.BTN_ACCEPT, ReviewAction.ACCEPT),
                (ev.BTN_RETURN, ReviewAction.RETURN),
            )
        ]
    rows.append(button(ev.BTN_TO_REVIEW, ReviewCb(action=ReviewAction.LIST, page=page)))
    return column(rows)


async def _changed_meanwhile(
    session: AsyncSession, district_id: int | None, confirmation_id: int, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    """Someone else changed the confirmation since this screen was drawn: what it is now."""
    current = await confirmation_for_district(session, confirmation_id, district_id)
    text = ev.REVIEW_CHANGED.format(status=ev.CONFIRMATION_NOW[current.status])
    text += "\n\n" + card_text(current, settings)
    if current.status is ConfirmationStatus.RETURNED and current.review_comment:
        text += "\n" + ev.REVIEW_COMMENT_LINE.format(comment=h(current.review_comment))
    return text, _review_buttons(current)


async def _notify(
    bot: Bot, session: AsyncSession, clock: Clock, confirmation: Confirmation
) -> None:
    recipients = await school_librarian_ids(session, confirmation.school_id)
    key = f"review:{confirmation.id}:{confirmation.version}:{confirmation.status.value}"
    title = hq(confirmation.event.title)
    if confirmation.status is ConfirmationStatus.ACCEPTED:
        text = ev.OUTCOME_ACCEPTED.format(title=title)
    else:
        text = ev.OUTCOME_RETURNED.format(title=title, comment=h(confirmation.review_comment))
    markup = column(
        [
            button(
                ev.BTN_OPEN_CONFIRMATION,
                TaskCb(action=TaskAction.OPEN, event_id=confirmation.event_id),
            )
        ]
    )
    await deliver(
        session,
        clock,
        key,
        recipients,
        text,
        markup,
        purpose="review",
        event_id=confirmation.event_id,
    )


async def review_accept(
    query: CallbackQuery,
    callback_data: ReviewCb,
    session: AsyncSession,
    bot: Bot,
    user: User,
    confirmation: Confirmation,
    clock: Clock,
    settings: Settings,
) -> None:
    # a rollback expires every loaded row: keep the ids the refusal needs
    confirmation_id, district_id = confirmation.id, user.district_id
    try:
        await review(
            session,
            user,
            confirmation_id,
            accept=True,
            comment="",
            version=callback_data.version,
            clock=clock,
        )
    except ValidationError as exc:
        await session.rollback()
        if exc.code != "already_reviewed":
            await query.answer(error_text(exc), show_alert=True)
            return
        text, markup = await _changed_meanwhile(session, district_id, confirmation_id, settings)
        await query.answer(error_text(exc), show_alert=True)
        if isinstance(query.message, Message):
            await query.message.edit_text(text, reply_markup=markup)
        return
    await _notify(bot, session, clock, confirmation)
    await show(
        query,
        ev.REVIEW_ACCEPTED.format(
            school=h(confirmation.school.short_name), title=hq(confirmation.event.title)
        ),
        column([button(ev.BTN_TO_REVIEW, ReviewCb(action=ReviewAction.LIST))]),
    )


async def review_return_ask(
    query: CallbackQuery,
    callback_data: ReviewCb,
    confirmation: Confirmation,
    state: FSMContext,
) -> None:
    if (
        confirmation.status is not ConfirmationStatus.SUBMITTED
        or confirmation.version != callback_data.version
    ):
        await query.answer(ev.ERRORS["already_reviewed"], show_alert=True)
        return
    await state.set_state(ReturnForm.comment)
    await state.set_data({"confirmation_id": confirmation.id, "version": confirmation.version})
    await show(query, ev.ASK_RETURN_COMMENT, cancel_keyboard())


async def review_return_comment(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    user: User,
    confirmation: Confirmation,
    clock: Clock,
    state: FSMContext,
    settings: Settings,
) -> None:
    data = await state.get_data()
    # a rollback expires every loaded row: keep the ids the refusal needs
    confirmation_id, district_id = confirmation.id, user.district_id
    try:
        await review(
            session,
            user,
            confirmation_id,
            accept=False,
            comment=message.text or "",
            version=int(data.get("version", 0)),
            clock=clock,
        )
    except ValidationError as exc:
        await session.rollback()
        if exc.code == "already_reviewed":
            await state.clear()
            text, markup = await _changed_meanwhile(
                session, district_id, confirmation_id, settings
            )
            await message.answer(text, reply_markup=markup)
        else:
            await message.answer(
                error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard()
            )
        return
    await _notify(bot, session, clock, confirmation)
    await state.clear()
    await message.answer(
        ev.REVIEW_RETURNED.format(
            school=h(confirmation.school.short_name), title=hq(confirmation.event.title)
        ),
        reply_markup=column([button(ev.BTN_TO_REVIEW, ReviewCb(action=ReviewAction.LIST))]),
    )


def get_router() -> Router:
    router = Router(name="review")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.message.register(review_command, Command("review"))
    router.callback_query.register(review_page, ReviewCb.filter(F.action == ReviewAction.LIST))
    router.callback_query.register(
        review_open, ReviewCb.filter(F.action == ReviewAction.OPEN), DistrictConfirmation()
    )
    router.callback_query.register(
        review_accept, ReviewCb.filter(F.action == ReviewAction.ACCEPT), DistrictConfirmation()
    )
    router.callback_query.register(
        review_return_ask, ReviewCb.filter(F.action == ReviewAction.RETURN), DistrictConfirmation()
    )
    router.message.register(
        review_return_comment,
        StateFilter(ReturnForm.comment),
        F.text,
        ~F.text.startswith("/"),
        DistrictConfirmation(in_form=True),
    )
    return router
