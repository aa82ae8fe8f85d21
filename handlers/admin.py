"""Super-admin: districts, coordinator invitations, choosing the district to work with."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import admin as a
from bot.texts import common as t
from bot.toolkit.callbacks import DistrictAction, DistrictCb, InviteAction, InviteCb
from bot.toolkit.filters import HasRole
from bot.toolkit.keyboards import PAGE_SIZE, button, cancel_keyboard, clamp_page, column, pager_row
from bot.toolkit.screens import error_text, h, show
from models import Role, User
from services.clock import Clock
from services.districts import (
    count_districts,
    create_district,
    district_summary,
    list_districts,
    set_acting_district,
)
from services.errors import DuplicateError, NotFoundError, ValidationError
from services.invitations import (
    create_coordinator_invite,
    deep_link,
    invitation_used,
    revoke_invitation,
)


class DistrictForm(StatesGroup):
    name = State()


async def _districts_screen(
    event: Message | CallbackQuery, session: AsyncSession, page: int
) -> None:
    total = await count_districts(session)
    page = clamp_page(page, total)
    districts = await list_districts(session, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [button(d.name, DistrictCb(action=DistrictAction.OPEN, district_id=d.id, page=page))]
        for d in districts
    ]
    pager = pager_row(page, total, lambda p: DistrictCb(action=DistrictAction.LIST, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(a.BTN_NEW_DISTRICT, DistrictCb(action=DistrictAction.NEW))])
    text = a.DISTRICTS_HEADER.format(total=total) if total else a.DISTRICTS_EMPTY
    await show(event, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def districts_command(message: Message, session: AsyncSession) -> None:
    await _districts_screen(message, session, 0)


async def districts_page(
    query: CallbackQuery, callback_data: DistrictCb, session: AsyncSession
) -> None:
    await _districts_screen(query, session, callback_data.page)


async def _district_card(
    event: Message | CallbackQuery, session: AsyncSession, district_id: int, page: int = 0
) -> None:
    summary = await district_summary(session, district_id)
    text = a.DISTRICT_CARD.format(
        name=h(summary.name),
        schools=summary.schools,
        coordinators=summary.coordinators,
        librarians=summary.librarians,
    )
    markup = column(
        [
            button(
                a.BTN_INVITE_COORDINATOR,
                DistrictCb(action=DistrictAction.INVITE, district_id=district_id),
            ),
            button(
                a.BTN_USE_DISTRICT, DistrictCb(action=DistrictAction.USE, district_id=district_id)
            ),
            button(a.BTN_TO_DISTRICTS, DistrictCb(action=DistrictAction.LIST, page=page)),
        ]
    )
    await show(event, text, markup)


async def district_open(
    query: CallbackQuery, callback_data: DistrictCb, session: AsyncSession
) -> None:
    try:
        await _district_card(query, session, callback_data.district_id, callback_data.page)
    except NotFoundError:
        await query.answer(t.STALE_BUTTON, show_alert=True)


async def district_invite(
    query: CallbackQuery,
    callback_data: DistrictCb,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    user: User | None,
) -> None:
    try:
        summary = await district_summary(session, callback_data.district_id)
    except NotFoundError:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    assert user is not None
    invitation = await create_coordinator_invite(session, summary.id, user, clock)
    me = await bot.me()
    link = deep_link(me.username or "", invitation.token)
    markup = column(
        [
            button(
                a.BTN_REVOKE_INVITE,
                InviteCb(action=InviteAction.REVOKE, invitation_id=invitation.id),
            ),
            button(t.BTN_BACK, DistrictCb(action=DistrictAction.OPEN, district_id=summary.id)),
        ]
    )
    await show(query, a.COORDINATOR_INVITE.format(district=h(summary.name), link=link), markup)


async def invite_revoke(
    query: CallbackQuery, callback_data: InviteCb, session: AsyncSession, clock: Clock
) -> None:
    revoked = await revoke_invitation(session, callback_data.invitation_id, clock)
    if revoked is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    back = column(
        [button(t.BTN_BACK, DistrictCb(action=DistrictAction.OPEN, district_id=revoked))]
    )
    used = await invitation_used(session, callback_data.invitation_id)
    await show(query, a.INVITE_ALREADY_USED if used else a.INVITE_REVOKED, back)


async def district_use(
    query: CallbackQuery,
    callback_data: DistrictCb,
    session: AsyncSession,
    clock: Clock,
    user: User | None,
) -> None:
    assert user is not None
    try:
        district = await set_acting_district(session, user, callback_data.district_id, clock)
    except NotFoundError:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    back = column([button(a.BTN_TO_DISTRICTS, DistrictCb(action=DistrictAction.LIST))])
    await show(query, a.ACTING_DISTRICT.format(district=h(district.name)), back)


async def new_district_command(message: Message, state: FSMContext) -> None:
    await state.set_state(DistrictForm.name)
    await message.answer(a.ASK_DISTRICT_NAME, reply_markup=cancel_keyboard())


async def new_district_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(DistrictForm.name)
    await show(query, a.ASK_DISTRICT_NAME, cancel_keyboard())


async def district_name_entered(
    message: Message, session: AsyncSession, state: FSMContext, clock: Clock
) -> None:
    assert message.text is not None
    try:
        district = await create_district(session, message.text, clock)
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    except DuplicateError as exc:
        await message.answer(
            a.DISTRICT_EXISTS.format(name=h(exc.args[0])), reply_markup=cancel_keyboard()
        )
        return
    await state.clear()
    await message.answer(a.DISTRICT_CREATED.format(name=h(district.name)))
    await _district_card(message, session, district.id)


async def district_name_not_text(message: Message) -> None:
    await message.answer(a.ASK_DISTRICT_NAME, reply_markup=cancel_keyboard())


def get_router() -> Router:
    router = Router(name="admin")
    router.message.filter(HasRole(Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.SUPER_ADMIN))
    router.message.register(districts_command, Command("districts"))
    router.message.register(new_district_command, Command("newdistrict"))
    router.callback_query.register(
        districts_page, DistrictCb.filter(F.action == DistrictAction.LIST)
    )
    router.callback_query.register(
        district_open, DistrictCb.filter(F.action == DistrictAction.OPEN)
    )
    router.callback_query.register(
        district_invite, DistrictCb.filter(F.action == DistrictAction.INVITE)
    )
    router.callback_query.register(district_use, DistrictCb.filter(F.action == DistrictAction.USE))
    router.callback_query.register(
        new_district_button, DistrictCb.filter(F.action == DistrictAction.NEW)
    )
    router.callback_query.register(invite_revoke, InviteCb.filter(F.action == InviteAction.REVOKE))
    router.message.register(
        district_name_entered, StateFilter(DistrictForm.name), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        district_name_not_text, StateFilter(DistrictForm.name), ~F.text.startswith("/")
    )
    return router
