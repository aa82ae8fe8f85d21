"""/start without an invitation, /help, /cancel, /profile."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from bot.texts import onboarding as o
from bot.toolkit.callbacks import FormAction, FormCb, ProfileAction, ProfileCb
from bot.toolkit.commands import apply_chat_commands, commands_for
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import h, hq, show, where
from models import Role, User
from services.clock import Clock
from services.users import leave_school, with_places


async def start_plain(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    state: FSMContext,
    user: User | None,
    role: Role | None,
) -> None:
    await state.clear()
    assert message.from_user is not None
    tg = message.from_user
    await with_places(session, user)
    if role is Role.SUPER_ADMIN:  # the user middleware has made the row already
        await apply_chat_commands(bot, message.chat.id, Role.SUPER_ADMIN)
        name = (user.full_name if user is not None else None) or tg.full_name
        await message.answer(t.START_ADMIN.format(name=h(name)))
        return
    if role is None or user is None:
        await message.answer(t.START_GUEST)
        return
    await apply_chat_commands(bot, message.chat.id, role)
    await message.answer(
        t.START_REGISTERED.format(
            name=h(user.full_name or tg.full_name),
            role=t.ROLE_NAMES[role],
            where=where(user),
        )
    )


async def help_command(message: Message, role: Role | None) -> None:
    lines = [t.HELP_HEADER]
    lines += [t.HELP_LINE.format(command=c, description=t.COMMANDS[c]) for c in commands_for(role)]
    await message.answer("\n".join(lines))


async def cancel_command(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(t.NOTHING_TO_CANCEL)
        return
    await state.clear()
    await message.answer(t.CANCELLED)


async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await show(query, t.CANCELLED)


def _profile_screen(
    user: User | None, role: Role | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    if user is None or role is None:
        return o.PROFILE_GUEST, None
    details = ""
    if user.district is not None:
        details += o.PROFILE_DISTRICT.format(district=h(user.district.name))
    if user.school is not None:
        details += o.PROFILE_SCHOOL.format(school=h(user.school.short_name))
    text = o.PROFILE.format(
        name=h(user.full_name or "—"), role=t.ROLE_NAMES[role], details=details
    )
    markup = None
    if role is Role.LIBRARIAN:
        markup = column([button(o.BTN_LEAVE_SCHOOL, ProfileCb(action=ProfileAction.LEAVE))])
    elif role is Role.COORDINATOR:
        markup = column([button(o.BTN_LEAVE_DISTRICT, ProfileCb(action=ProfileAction.LEAVE))])
    return text, markup


async def profile_command(
    message: Message, session: AsyncSession, user: User | None, role: Role | None
) -> None:
    text, markup = _profile_screen(await with_places(session, user), role)
    await message.answer(text, reply_markup=markup)


async def profile_back(
    query: CallbackQuery, session: AsyncSession, user: User | None, role: Role | None
) -> None:
    text, markup = _profile_screen(await with_places(session, user), role)
    await show(query, text, markup)


async def profile_leave(
    query: CallbackQuery, session: AsyncSession, user: User | None, role: Role | None
) -> None:
    if user is None or role not in (Role.LIBRARIAN, Role.COORDINATOR):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await with_places(session, user)
    if role is Role.LIBRARIAN and user.school is not None:
        text = o.LEAVE_CONFIRM_SCHOOL.format(school=hq(user.school.short_name))
    else:
        text = o.LEAVE_CONFIRM_DISTRICT.format(
            district=h(user.district.name if user.district else "—")
        )
    markup = column(
        [
            button(o.BTN_LEAVE_OK, ProfileCb(action=ProfileAction.LEAVE_OK)),
            button(t.BTN_BACK, ProfileCb(action=ProfileAction.BACK)),
        ]
    )
    await show(query, text, markup)


async def profile_leave_ok(
    query: CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    user: User | None,
    role: Role | None,
) -> None:
    if user is None or role not in (Role.LIBRARIAN, Role.COORDINATOR):
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return
    await with_places(session, user)
    if user.school is not None:
        text = o.LEFT_SCHOOL.format(place=f"«{hq(user.school.short_name)}»")
    else:
        text = o.LEFT_DISTRICT.format(place=hq(user.district.name if user.district else "—"))
    await leave_school(session, user, clock)
    await apply_chat_commands(bot, query.from_user.id, None)
    await show(query, text)


def get_router() -> Router:
    router = Router(name="common")
    router.message.register(cancel_command, Command("cancel"))
    router.callback_query.register(cancel_button, FormCb.filter(F.action == FormAction.CANCEL))
    router.message.register(start_plain, CommandStart(deep_link=False))
    router.message.register(help_command, Command("help"))
    router.message.register(profile_command, Command("profile"))
    router.callback_query.register(
        profile_leave, ProfileCb.filter(F.action == ProfileAction.LEAVE)
    )
    router.callback_query.register(
        profile_leave_ok, ProfileCb.filter(F.action == ProfileAction.LEAVE_OK)
    )
    router.callback_query.register(profile_back, ProfileCb.filter(F.action == ProfileAction.BACK))
    return router
