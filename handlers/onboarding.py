"""Joining by an invitation deep link: `/start <token>`, confirm, give a full name."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from bot.texts import onboarding as o
from bot.texts.contests import jury as tj
from bot.toolkit.callbacks import FormAction, FormCb, JoinAction, JoinCb
from bot.toolkit.commands import apply_chat_commands
from bot.toolkit.contest_callbacks import JuryAction, JuryCb
from bot.toolkit.keyboards import button, cancel_keyboard, column
from bot.toolkit.screens import error_text, h, hq, show, where
from models import InvitationKind, Role, User
from services.clock import Clock
from services.contests.jury import seat_by_token, take_seat
from services.errors import InvitationError, ValidationError
from services.invitations import InvitationView, accept_invitation, resolve_token
from services.users import TelegramProfile, get_or_create_user, with_places


class JoinForm(StatesGroup):
    confirm = State()
    full_name = State()


def _confirm_text(view: InvitationView) -> tuple[str, str, str]:
    if view.kind is InvitationKind.COORDINATOR:
        return (
            o.CONFIRM_COORDINATOR.format(district=h(view.district_name)),
            o.BTN_ACCEPT,
            o.BTN_DECLINE,
        )
    return (
        o.CONFIRM_SCHOOL.format(
            school=h(view.school_name),
            full=h(view.school_full_name or ""),
            district=h(view.district_name),
        ),
        o.BTN_YES_SCHOOL,
        o.BTN_NO_SCHOOL,
    )


async def _take_jury_seat(
    message: Message, token: str, session: AsyncSession, bot: Bot, clock: Clock
) -> None:
    """A jury seat's link: the seat is taken at once (no name asked: the coordinator named it)."""
    assert message.from_user is not None
    tg = message.from_user
    user = await get_or_create_user(session, TelegramProfile(tg.id, tg.username), clock)
    try:
        taken = await take_seat(session, token, user, clock, name=tg.full_name)
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc))
        return
    title = hq(taken.contest.title)
    markup = column([button(tj.BTN_OPEN_JURY, JuryCb(action=JuryAction.LIST))])
    if taken.already:
        await message.answer(tj.ALREADY_JOINED.format(title=title), reply_markup=markup)
        return
    if taken.became_juror:
        await apply_chat_commands(bot, message.chat.id, Role.JUROR)
    chosen = taken.seat.nomination_ids
    nominations = (
        tj.ALL_NOMINATIONS
        if chosen is None
        else ", ".join(f"«{hq(n.title)}»" for n in taken.contest.nominations if n.id in chosen)
    )
    await message.answer(
        tj.JOINED.format(title=title, nominations=nominations), reply_markup=markup
    )


async def start_with_token(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    state: FSMContext,
    user: User | None,
    role: Role | None,
) -> None:
    await state.clear()
    token = (command.args or "").strip()
    if await seat_by_token(session, token) is not None:
        await _take_jury_seat(message, token, session, bot, clock)
        return
    if role is Role.SUPER_ADMIN:
        await message.answer(o.INVITE_ERRORS["already_admin"])
        return
    try:
        view = await resolve_token(session, token)
    except InvitationError as exc:
        await message.answer(o.INVITE_ERRORS[exc.code])
        return
    # a juror's only part is a jury seat: they may still join a school or a district
    if role not in (None, Role.JUROR) and user is not None:
        await with_places(session, user)
        await message.answer(
            o.ALREADY_REGISTERED.format(role=t.ROLE_NAMES[role], where=where(user))
        )
        return
    text, yes, no = _confirm_text(view)
    await state.set_state(JoinForm.confirm)
    await state.update_data(token=token)
    await message.answer(
        text,
        reply_markup=column(
            [button(yes, JoinCb(action=JoinAction.YES)), button(no, JoinCb(action=JoinAction.NO))]
        ),
    )


async def join_yes(query: CallbackQuery, session: AsyncSession, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        view = await resolve_token(session, str(data.get("token", "")))
    except InvitationError as exc:
        await state.clear()
        await show(query, o.INVITE_ERRORS[exc.code])
        return
    coordinator = view.kind is InvitationKind.COORDINATOR
    await state.set_state(JoinForm.full_name)
    await state.update_data(coordinator=coordinator)
    tg_name = query.from_user.full_name.strip()
    buttons = []
    if len(tg_name) >= 3:
        buttons.append(
            button(o.BTN_USE_TG_NAME.format(name=tg_name[:40]), FormCb(action=FormAction.TG_NAME))
        )
    buttons.append(button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL)))
    if coordinator:
        ask = o.ASK_FULL_NAME_COORDINATOR, o.ASK_FULL_NAME_COORDINATOR_PLAIN
    else:
        ask = o.ASK_FULL_NAME, o.ASK_FULL_NAME_PLAIN
    await show(query, ask[0] if len(buttons) > 1 else ask[1], column(buttons))


async def join_no(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await show(query, o.DECLINED)


async def _finish(
    message: Message,
    tg_id: int,
    username: str | None,
    chat_id: int,
    full_name: str,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    token = str(data.get("token", ""))
    user = await get_or_create_user(session, TelegramProfile(tg_id, username), clock)
    try:
        view = await accept_invitation(session, user, token, full_name, clock)
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    except InvitationError as exc:
        await session.rollback()
        await state.clear()
        await message.answer(o.INVITE_ERRORS[exc.code])
        return
    await state.clear()
    if view.kind is InvitationKind.COORDINATOR:
        await apply_chat_commands(bot, chat_id, Role.COORDINATOR)
        text = o.JOINED_COORDINATOR.format(name=h(user.full_name), district=h(view.district_name))
    else:
        await apply_chat_commands(bot, chat_id, Role.LIBRARIAN)
        text = o.JOINED_SCHOOL.format(
            name=h(user.full_name), school=hq(view.school_name), district=h(view.district_name)
        )
    await message.answer(text)


async def join_name_text(
    message: Message, session: AsyncSession, bot: Bot, clock: Clock, state: FSMContext
) -> None:
    assert message.from_user is not None and message.text is not None
    await _finish(
        message,
        message.from_user.id,
        message.from_user.username,
        message.chat.id,
        message.text,
        session,
        bot,
        clock,
        state,
    )


async def join_name_button(
    query: CallbackQuery, session: AsyncSession, bot: Bot, clock: Clock, state: FSMContext
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await _finish(
        message,
        query.from_user.id,
        query.from_user.username,
        message.chat.id,
        query.from_user.full_name,
        session,
        bot,
        clock,
        state,
    )


async def expect_button(message: Message) -> None:
    await message.answer(t.USE_BUTTONS)


async def expect_name(message: Message, state: FSMContext) -> None:
    coordinator = bool((await state.get_data()).get("coordinator"))
    text = o.ASK_FULL_NAME_COORDINATOR_PLAIN if coordinator else o.ASK_FULL_NAME_PLAIN
    await message.answer(text, reply_markup=cancel_keyboard())


def get_router() -> Router:
    router = Router(name="onboarding")
    router.message.register(start_with_token, CommandStart(deep_link=True))
    router.callback_query.register(
        join_yes, StateFilter(JoinForm.confirm), JoinCb.filter(F.action == JoinAction.YES)
    )
    router.callback_query.register(
        join_no, StateFilter(JoinForm.confirm), JoinCb.filter(F.action == JoinAction.NO)
    )
    router.callback_query.register(
        join_name_button,
        StateFilter(JoinForm.full_name),
        FormCb.filter(F.action == FormAction.TG_NAME),
    )
    router.message.register(
        join_name_text, StateFilter(JoinForm.full_name), F.text, ~F.text.startswith("/")
    )
    router.message.register(expect_button, StateFilter(JoinForm.confirm), ~F.text.startswith("/"))
    router.message.register(expect_name, StateFilter(JoinForm.full_name), ~F.text.startswith("/"))
    return router
