"""Coordinator: schools of the district, their invitation links, import from a file."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import partial
from pathlib import PurePath

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from bot.texts import schools as s
from bot.toolkit.callbacks import SchoolAction, SchoolCb, SchoolLinkCb
from bot.toolkit.filters import DistrictSchool, HasRole, InDistrict
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
)
from bot.toolkit.render_import import SCHOOLS_TEMPLATE_CSV, school_errors
from bot.toolkit.screens import clip, error_text, h, hq, show
from models import Invitation, Role, School, User
from services.clock import Clock
from services.districts import get_district
from services.errors import DuplicateError, ValidationError
from services.invitations import (
    active_school_invite,
    deep_link,
    replace_school_invite,
    revoke_school_invite,
)
from services.links_export import PER_PAGE, links_pdf, links_xlsx, school_links
from services.school_import import parse_schools_file
from services.schools import (
    NewSchool,
    add_school,
    count_schools,
    import_schools,
    list_schools,
    school_librarians,
    short_names,
    taken_name,
)
from services.validation import SCHOOL_FULL_NAME_MAX, check_name

logger = logging.getLogger(__name__)

MAX_FILE_MB = 2
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx")


class SchoolForm(StatesGroup):
    full_name = State()
    short_name = State()


class ImportForm(StatesGroup):
    file = State()


async def _schools_screen(
    event: Message | CallbackQuery, session: AsyncSession, district_id: int, page: int
) -> None:
    district = await get_district(session, district_id)
    total = await count_schools(session, district_id)
    page = clamp_page(page, total)
    schools = await list_schools(session, district_id, page * PAGE_SIZE, PAGE_SIZE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                shorten(school.short_name, 60),
                SchoolCb(action=SchoolAction.OPEN, school_id=school.id, page=page),
            )
        ]
        for school in schools
    ]
    pager = pager_row(page, total, lambda p: SchoolCb(action=SchoolAction.LIST, page=p))
    if pager:
        rows.append(pager)
    rows.append(
        [
            button(s.BTN_ADD_SCHOOL, SchoolCb(action=SchoolAction.ADD)),
            button(s.BTN_IMPORT, SchoolCb(action=SchoolAction.IMPORT)),
        ]
    )
    if total:
        rows.append(
            [
                button(s.BTN_LINKS_XLSX, SchoolCb(action=SchoolAction.LINKS_XLSX, page=page)),
                button(s.BTN_LINKS_PDF, SchoolCb(action=SchoolAction.LINKS_PDF, page=page)),
            ]
        )
    if total:
        text = s.SCHOOLS_HEADER.format(district=h(district.name), total=total)
    else:
        text = s.SCHOOLS_EMPTY.format(district=h(district.name))
    await show(event, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def schools_command(message: Message, session: AsyncSession, district_id: int) -> None:
    await _schools_screen(message, session, district_id, 0)


async def schools_page(
    query: CallbackQuery, callback_data: SchoolCb, session: AsyncSession, district_id: int
) -> None:
    await _schools_screen(query, session, district_id, callback_data.page)


async def links_export(
    query: CallbackQuery,
    callback_data: SchoolCb,
    session: AsyncSession,
    bot: Bot,
    district_id: int,
) -> None:
    """Every school's link at once: a spreadsheet, or QR codes to print."""
    district = await get_district(session, district_id)
    me = await bot.me()
    links = await school_links(session, district_id, me.username or "")
    name = h(district.name)
    if callback_data.action is SchoolAction.LINKS_XLSX:
        content = links_xlsx(links, s.LINKS_HEADER, s.LINKS_NONE)
        document = BufferedInputFile(content, filename=s.LINKS_XLSX_NAME)
        caption = s.LINKS_XLSX_CAPTION.format(district=name)
    else:
        if not any(item.link for item in links):
            await query.answer(s.LINKS_PDF_EMPTY, show_alert=True)
            return
        await query.answer()
        await bot.send_chat_action(query.from_user.id, ChatAction.UPLOAD_DOCUMENT)
        # some seconds for a large district: drawn off the event loop
        content = await asyncio.to_thread(
            partial(
                links_pdf,
                links,
                title=s.LINKS_PDF_TITLE.format(district=district.name),
                hint=s.LINKS_PDF_HINT,
            )
        )
        document = BufferedInputFile(content, filename=s.LINKS_PDF_NAME)
        caption = s.LINKS_PDF_CAPTION.format(district=name, per_page=PER_PAGE)
        skipped = [item.short_name for item in links if not item.link]
        if skipped:
            caption += s.LINKS_PDF_SKIPPED.format(schools=h(clip(", ".join(skipped), 600)))
        await bot.send_document(query.from_user.id, document, caption=caption)
        return
    await query.answer()
    await bot.send_document(query.from_user.id, document, caption=caption)


async def _school_card_text(
    session: AsyncSession, bot: Bot, school: School, invitation: Invitation | None
) -> str:
    librarians = await school_librarians(session, school.id, with_blocked=True)
    if invitation is not None:
        me = await bot.me()
        link_block = s.LINK_BLOCK.format(link=deep_link(me.username or "", invitation.token))
    else:
        link_block = s.NO_LINK
    lines = "\n".join(
        (s.LIBRARIAN_LINE if u.is_active else s.LIBRARIAN_BLOCKED_LINE).format(name=h(u.full_name))
        for u in librarians
    )
    return s.SCHOOL_CARD.format(
        short=h(school.short_name),
        full=h(school.full_name),
        count=len(librarians),
        librarians=lines or s.NO_LIBRARIANS,
        link_block=link_block,
    )


async def _school_card(
    event: Message | CallbackQuery, session: AsyncSession, bot: Bot, school: School, page: int
) -> None:
    invitation = await active_school_invite(session, school.id)
    text = await _school_card_text(session, bot, school, invitation)
    has_link = invitation is not None
    buttons = []
    if has_link:
        buttons.append(
            button(
                s.BTN_REISSUE,
                SchoolCb(action=SchoolAction.REISSUE, school_id=school.id, page=page),
            )
        )
        buttons.append(
            button(
                s.BTN_REVOKE, SchoolCb(action=SchoolAction.REVOKE, school_id=school.id, page=page)
            )
        )
    else:
        buttons.append(
            button(s.BTN_ISSUE, SchoolLinkCb(school_id=school.id, replaces=0, page=page))
        )
    buttons.append(button(s.BTN_TO_SCHOOLS, SchoolCb(action=SchoolAction.LIST, page=page)))
    await show(event, text, column(buttons))


async def school_open(
    query: CallbackQuery,
    callback_data: SchoolCb,
    session: AsyncSession,
    bot: Bot,
    school: School,
) -> None:
    await _school_card(query, session, bot, school, callback_data.page)


async def school_confirm(
    query: CallbackQuery, callback_data: SchoolCb, session: AsyncSession, school: School
) -> None:
    yes: SchoolCb | SchoolLinkCb
    if callback_data.action is SchoolAction.REISSUE:
        text = s.CONFIRM_REISSUE
        current = await active_school_invite(session, school.id)
        replaces = current.id if current is not None else 0
        yes = SchoolLinkCb(school_id=school.id, replaces=replaces, page=callback_data.page)
    else:
        text = s.CONFIRM_REVOKE
        yes = SchoolCb(action=SchoolAction.REVOKE_OK, school_id=school.id, page=callback_data.page)
    markup = column(
        [
            button(s.BTN_CONFIRM_YES, yes),
            button(
                t.BTN_BACK,
                SchoolCb(action=SchoolAction.OPEN, school_id=school.id, page=callback_data.page),
            ),
        ]
    )
    await show(query, text.format(short=hq(school.short_name)), markup)


async def school_link_change(
    query: CallbackQuery,
    callback_data: SchoolCb,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    user: User,
    school: School,
) -> None:
    if callback_data.action is SchoolAction.REISSUE_OK:
        # a button from before links were bound to the link they replace: it only issues one
        # when the school has none, so it cannot revoke a link shown a moment ago
        await replace_school_invite(session, school, 0, user, clock)
    else:
        await revoke_school_invite(session, school, clock)
    await _school_card(query, session, bot, school, callback_data.page)


async def school_link_new(
    query: CallbackQuery,
    callback_data: SchoolLinkCb,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    user: User,
    school: School,
) -> None:
    """«Да» for a new link: a second press finds the link already replaced and shows it."""
    await replace_school_invite(session, school, callback_data.replaces, user, clock)
    await _school_card(query, session, bot, school, callback_data.page)


async def add_school_command(message: Message, state: FSMContext) -> None:
    await state.set_state(SchoolForm.full_name)
    await message.answer(s.ASK_FULL_NAME, reply_markup=cancel_keyboard())


async def add_school_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SchoolForm.full_name)
    await show(query, s.ASK_FULL_NAME, cancel_keyboard())


async def school_full_name(
    message: Message, session: AsyncSession, state: FSMContext, district_id: int
) -> None:
    assert message.text is not None
    try:
        full = check_name(message.text, max_len=SCHOOL_FULL_NAME_MAX, min_len=3)
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    if await taken_name(session, district_id, full) is not None:
        await message.answer(
            s.FULL_NAME_EXISTS.format(name=h(full)), reply_markup=cancel_keyboard()
        )
        return
    await state.update_data(full_name=full)
    await state.set_state(SchoolForm.short_name)
    await message.answer(s.ASK_SHORT_NAME, reply_markup=cancel_keyboard())


async def school_short_name(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    state: FSMContext,
    user: User,
    district_id: int,
) -> None:
    assert message.text is not None
    data = await state.get_data()
    try:
        school = await add_school(
            session, district_id, str(data.get("full_name", "")), message.text, user, clock
        )
    except ValidationError as exc:
        await session.rollback()
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    except DuplicateError as exc:
        await session.rollback()
        if str(exc) == "full":  # taken meanwhile: the full name is asked again
            await state.set_state(SchoolForm.full_name)
            name = h(str(data.get("full_name", "")))
            await message.answer(
                s.FULL_NAME_EXISTS.format(name=name), reply_markup=cancel_keyboard()
            )
        else:
            await message.answer(s.SCHOOL_EXISTS, reply_markup=cancel_keyboard())
        return
    await state.clear()
    invitation = await active_school_invite(session, school.id)
    me = await bot.me()
    link = deep_link(me.username or "", invitation.token if invitation else "")
    await message.answer(
        s.SCHOOL_ADDED.format(short=hq(school.short_name), link=link),
        reply_markup=column(
            [
                button(
                    s.BTN_OPEN_SCHOOL,
                    SchoolCb(action=SchoolAction.OPEN, school_id=school.id),
                )
            ]
        ),
    )


async def school_form_not_text(message: Message) -> None:
    await message.answer(t.UNKNOWN_TEXT + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())


def _import_keyboard() -> InlineKeyboardMarkup:
    return column(
        [
            button(s.BTN_TEMPLATE, SchoolCb(action=SchoolAction.IMPORT, page=1)),
            button(t.BTN_CANCEL, SchoolCb(action=SchoolAction.LIST)),
        ]
    )


async def import_command(message: Message, state: FSMContext) -> None:
    await state.set_state(ImportForm.file)
    await message.answer(s.ASK_FILE.format(max_mb=MAX_FILE_MB), reply_markup=_import_keyboard())


async def import_button(query: CallbackQuery, callback_data: SchoolCb, state: FSMContext) -> None:
    if callback_data.page == 1:  # the "template" button
        await query.answer()
        if query.message is not None:
            await query.message.answer_document(
                BufferedInputFile(SCHOOLS_TEMPLATE_CSV, filename=s.TEMPLATE_NAME),
                caption=s.TEMPLATE_CAPTION,
            )
        return
    await state.set_state(ImportForm.file)
    await show(query, s.ASK_FILE.format(max_mb=MAX_FILE_MB), _import_keyboard())


async def import_file(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    clock: Clock,
    state: FSMContext,
    user: User,
    district_id: int,
) -> None:
    document = message.document
    assert document is not None
    name = document.file_name or "file"
    if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES:
        await message.answer(s.FILE_WRONG_TYPE.format(name=h(name)))
        return
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        size_mb = f"{document.file_size / 1024 / 1024:.1f}".replace(".", ",")
        await message.answer(s.FILE_TOO_BIG.format(size_mb=size_mb, max_mb=MAX_FILE_MB))
        return
    buffer = io.BytesIO()
    await bot.download(document.file_id, destination=buffer)
    content = buffer.getvalue()
    if len(content) > MAX_FILE_BYTES:
        size_mb = f"{len(content) / 1024 / 1024:.1f}".replace(".", ",")
        await message.answer(s.FILE_TOO_BIG.format(size_mb=size_mb, max_mb=MAX_FILE_MB))
        return
    existing = await short_names(session, district_id)
    result = parse_schools_file(name, content, existing_short_names=existing)
    if not result.ok:
        await message.answer(s.IMPORT_REFUSED.format(errors=h(school_errors(result.errors))))
        return
    rows = [NewSchool(full_name=r.full_name, short_name=r.short_name) for r in result.rows]
    try:
        count = await import_schools(session, district_id, rows, user, clock)
    except DuplicateError as exc:
        await message.answer(s.IMPORT_DUPLICATE.format(short=hq(exc.args[0])))
        return
    await state.clear()
    await message.answer(
        s.IMPORT_DONE.format(count=count),
        reply_markup=column([button(s.BTN_TO_SCHOOLS, SchoolCb(action=SchoolAction.LIST))]),
    )


async def import_not_file(message: Message) -> None:
    await message.answer(s.FILE_EXPECTED)


async def import_cancel(
    query: CallbackQuery, session: AsyncSession, state: FSMContext, district_id: int
) -> None:
    await state.clear()
    await _schools_screen(query, session, district_id, 0)


def get_router() -> Router:
    router = Router(name="schools")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    not_command = ~F.text.startswith("/")
    cb = SchoolCb.filter
    district = InDistrict()
    router.message.register(schools_command, Command("schools"), district)
    router.message.register(add_school_command, Command("addschool"), district)
    router.message.register(import_command, Command("import"), district)
    router.callback_query.register(
        import_cancel, StateFilter(ImportForm.file), cb(F.action == SchoolAction.LIST), district
    )
    router.callback_query.register(schools_page, cb(F.action == SchoolAction.LIST), district)
    router.callback_query.register(
        links_export,
        cb(F.action.in_({SchoolAction.LINKS_XLSX, SchoolAction.LINKS_PDF})),
        district,
    )
    router.callback_query.register(
        school_open, cb(F.action == SchoolAction.OPEN), DistrictSchool()
    )
    router.callback_query.register(
        school_confirm,
        cb(F.action.in_({SchoolAction.REISSUE, SchoolAction.REVOKE})),
        DistrictSchool(),
    )
    router.callback_query.register(
        school_link_change,
        cb(F.action.in_({SchoolAction.REISSUE_OK, SchoolAction.REVOKE_OK})),
        DistrictSchool(),
    )
    router.callback_query.register(school_link_new, SchoolLinkCb.filter(), DistrictSchool())
    router.callback_query.register(add_school_button, cb(F.action == SchoolAction.ADD), district)
    router.callback_query.register(import_button, cb(F.action == SchoolAction.IMPORT), district)
    router.message.register(
        school_full_name,
        StateFilter(SchoolForm.full_name),
        F.text,
        not_command,
        InDistrict(in_form=True),
    )
    router.message.register(
        school_short_name,
        StateFilter(SchoolForm.short_name),
        F.text,
        not_command,
        InDistrict(in_form=True),
    )
    router.message.register(
        school_form_not_text,
        StateFilter(SchoolForm.full_name, SchoolForm.short_name),
        not_command,
    )
    router.message.register(
        import_file, StateFilter(ImportForm.file), F.document, InDistrict(in_form=True)
    )
    router.message.register(import_not_file, StateFilter(ImportForm.file), not_command)
    return router
