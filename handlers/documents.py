"""/documents: the district's documents library.

Librarians and coordinators browse the categories, a category's pages and a document's card,
and take the file (sent by its Telegram file id; the download is recorded). Coordinators (and a
super-admin with a chosen district) also add a document, replace its file (those who took an
older version are told through the outbox) and withdraw it.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import documents as dt
from bot.toolkit.callbacks import (
    DOC_FORM_ACTIONS,
    AnnComposeAction,
    AnnComposeCb,
    DocAction,
    DocCb,
    FormAction,
    FormCb,
    parse_id,
)
from bot.toolkit.filters import STAFF, HasRole, InDistrict, Refused
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, pager_row, shorten, yes_no
from bot.toolkit.library_notices import tell_new_version
from bot.toolkit.screens import error_text, h, show
from models import DocumentCategory, DocumentStatus, LibraryDocument, Role, User
from models.limits import DOCUMENT_TITLE_MAX
from services.announcements.content import Content
from services.announcements.sending import new_draft
from services.clock import Clock
from services.documents import (
    ROADMAP_ITEMS,
    DocumentFile,
    category_counts,
    check_title,
    get_document_for,
    list_documents,
    publish,
    record_download,
    replace,
    search_documents,
    withdraw,
)
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.timeutil import fmt_local
from services.validation import fit_file_name

READERS = (Role.LIBRARIAN, Role.COORDINATOR, Role.SUPER_ADMIN)
EDITORS = (Role.COORDINATOR, Role.SUPER_ADMIN)
ITEMS_PER_ROW = 5


class SearchForm(StatesGroup):
    text = State()


class AddForm(StatesGroup):
    file = State()
    title = State()
    category = State()
    item = State()
    confirm = State()


class ReplaceForm(StatesGroup):
    file = State()
    confirm = State()


class DistrictDocument(Filter):
    """`document`: the document the button (or the form) names, if the user may see it.

    Coordinators see withdrawn documents too; for anyone else one is as unknown as a missing or
    another district's document.
    """

    def __init__(self, *, in_form: bool = False) -> None:
        self.in_form = in_form

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        if self.in_form:
            state: FSMContext = data["state"]
            document_id = parse_id((await state.get_data()).get("document_id", 0))
        else:
            callback_data = data.get("callback_data")
            document_id = callback_data.document_id if isinstance(callback_data, DocCb) else 0
        try:
            document = await get_document_for(
                session,
                document_id,
                user.district_id if user else None,
                with_withdrawn=data.get("role") in STAFF,
            )
        except NotFoundError:
            if self.in_form:
                await data["state"].clear()
            raise Refused(dt.UNKNOWN_DOCUMENT) from None
        return {"document": document}


def _category(value: str) -> DocumentCategory | None:
    try:
        return DocumentCategory(value)
    except ValueError:
        return None


def _back(data: DocCb) -> list[InlineKeyboardButton]:
    return [button(t.BTN_BACK, data)]


def _cancel_row() -> list[InlineKeyboardButton]:
    return [button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL))]


# ---- reading --------------------------------------------------------------------------------


async def home_screen(
    target: Message | CallbackQuery, session: AsyncSession, district_id: int, role: Role | None
) -> None:
    staff = role in STAFF
    counts = await category_counts(session, district_id, with_withdrawn=staff)
    rows = [
        [
            button(
                dt.CATEGORY_BUTTON.format(name=dt.CATEGORIES[c.value], count=n),
                DocCb(action=DocAction.LIST, category=c.value),
            )
        ]
        for c, n in counts.items()
    ]
    rows.append([button(dt.BTN_SEARCH, DocCb(action=DocAction.SEARCH))])
    if staff:
        rows.append([button(dt.BTN_ADD, DocCb(action=DocAction.ADD))])
    text = dt.HOME if any(counts.values()) else dt.HOME_EMPTY
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def documents_command(
    message: Message,
    session: AsyncSession,
    district_id: int,
    role: Role | None,
    state: FSMContext,
) -> None:
    await state.clear()
    await home_screen(message, session, district_id, role)


async def home(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    role: Role | None,
    state: FSMContext,
) -> None:
    await state.clear()
    await home_screen(query, session, district_id, role)


def _doc_button(document: LibraryDocument, page: int) -> list[InlineKeyboardButton]:
    icon = dt.WITHDRAWN_ICON if document.status is DocumentStatus.WITHDRAWN else ""
    return [
        button(
            dt.DOC_BUTTON.format(icon=icon, title=shorten(document.title, 50)),
            DocCb(
                action=DocAction.CARD,
                document_id=document.id,
                category=document.category.value,
                page=page,
            ),
        )
    ]


async def category_page(
    query: CallbackQuery,
    callback_data: DocCb,
    session: AsyncSession,
    district_id: int,
    role: Role | None,
    state: FSMContext,
) -> None:
    await state.clear()
    category = _category(callback_data.category)
    if category is None:
        await home_screen(query, session, district_id, role)
        return
    staff = role in STAFF
    _, total = await list_documents(session, district_id, category, 0, 1, with_withdrawn=staff)
    page = clamp_page(callback_data.page, total)
    documents, total = await list_documents(
        session, district_id, category, page, PAGE_SIZE, with_withdrawn=staff
    )
    name = dt.CATEGORIES[category.value]
    rows = [_doc_button(d, page) for d in documents]
    pager = pager_row(
        page, total, lambda p: DocCb(action=DocAction.LIST, category=category.value, page=p)
    )
    if pager:
        rows.append(pager)
    rows.append(_back(DocCb(action=DocAction.HOME)))
    text = (
        dt.LIST_HEADER.format(name=name, total=total) if total else dt.LIST_EMPTY.format(name=name)
    )
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


def card_text(document: LibraryDocument, settings: Settings, notice: str = "") -> str:
    text = dt.CARD.format(
        title=h(document.title),
        category=dt.CATEGORIES[document.category.value],
        item=document.activity_number or dt.NO_ITEM,
        version=document.version,
        date=fmt_local(document.published_at, settings.tz),
        file=h(document.file_name),
    )
    if document.version > 1:
        text += dt.CARD_UPDATED.format(date=fmt_local(document.updated_at, settings.tz))
    if document.status is DocumentStatus.WITHDRAWN:
        text += dt.CARD_WITHDRAWN
    return f"{notice}\n\n{text}" if notice else text


def card_markup(document: LibraryDocument, role: Role | None, page: int) -> InlineKeyboardMarkup:
    def data(action: DocAction) -> DocCb:
        return DocCb(
            action=action, document_id=document.id, category=document.category.value, page=page
        )

    rows = [[button(dt.BTN_GET, data(DocAction.GET))]]
    if role is Role.COORDINATOR and document.status is DocumentStatus.PUBLISHED:
        rows.append([button(dt.BTN_ANNOUNCE, data(DocAction.ANNOUNCE))])
    if role in STAFF and document.status is DocumentStatus.PUBLISHED:
        rows.append([button(dt.BTN_REPLACE, data(DocAction.REPLACE))])
        rows.append([button(dt.BTN_WITHDRAW, data(DocAction.WITHDRAW))])
    rows.append(_back(DocCb(action=DocAction.LIST, category=document.category.value, page=page)))
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def card(
    query: CallbackQuery,
    callback_data: DocCb,
    document: LibraryDocument,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await show(
        query, card_text(document, settings), card_markup(document, role, callback_data.page)
    )


async def announce(
    query: CallbackQuery,
    callback_data: DocCb,
    session: AsyncSession,
    document: LibraryDocument,
    user: User,
    clock: Clock,
) -> None:
    """A draft announcement with the document attached; /announce's screen takes it on."""
    if document.status is not DocumentStatus.PUBLISHED:
        await query.answer(dt.UNKNOWN_DOCUMENT, show_alert=True)
        return
    media = {"type": "document", "file_id": document.file_id, "file_name": document.file_name}
    content = Content(dt.ANNOUNCE_TEXT.format(title=document.title), media=(media,))
    try:
        draft = await new_draft(session, user, content, clock())
    except (ValidationError, AccessDeniedError) as e:
        await session.rollback()
        await query.answer(
            error_text(e) if isinstance(e, ValidationError) else t.FORBIDDEN_BUTTON,
            show_alert=True,
        )
        return
    open_draft = AnnComposeCb(action=AnnComposeAction.SCREEN, announcement_id=draft.id)
    back = DocCb(
        action=DocAction.CARD,
        document_id=document.id,
        category=document.category.value,
        page=callback_data.page,
    )
    await show(
        query,
        dt.ANNOUNCE_READY.format(title=h(document.title)),
        InlineKeyboardMarkup(
            inline_keyboard=[[button(dt.BTN_OPEN_DRAFT, open_draft)], _back(back)]
        ),
    )


async def get_file(
    query: CallbackQuery,
    session: AsyncSession,
    document: LibraryDocument,
    user: User,
    clock: Clock,
) -> None:
    assert query.bot is not None
    await query.bot.send_document(query.from_user.id, document.file_id, caption=h(document.title))
    await record_download(session, document, user.id, clock)
    await query.answer()


async def search_ask(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SearchForm.text)
    markup = InlineKeyboardMarkup(inline_keyboard=[_back(DocCb(action=DocAction.HOME))])
    await show(query, dt.SEARCH_ASK, markup)


async def search_text(
    message: Message,
    session: AsyncSession,
    district_id: int,
    role: Role | None,
) -> None:
    query = (message.text or "").strip()[:100]
    found = await search_documents(session, district_id, query, with_withdrawn=role in STAFF)
    rows = [_doc_button(d, 0) for d in found]
    rows.append(_back(DocCb(action=DocAction.HOME)))
    text = (
        dt.SEARCH_FOUND.format(query=h(query), total=len(found))
        if found
        else dt.SEARCH_NONE.format(query=h(query))
    )
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def search_not_text(message: Message) -> None:
    await message.answer(dt.SEARCH_TEXT_ONLY)


# ---- adding ---------------------------------------------------------------------------------


def _file_of(document: Document) -> DocumentFile:
    return DocumentFile(
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        file_name=fit_file_name(document.file_name or ""),
        mime_type=document.mime_type or "",
        file_size=document.file_size,
    )


def _file_data(file: DocumentFile) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_name": file.file_name,
        "mime_type": file.mime_type,
        "file_size": file.file_size,
    }


def _stored_file(data: dict[str, Any]) -> DocumentFile:
    return DocumentFile(
        file_id=str(data["file_id"]),
        file_unique_id=str(data["file_unique_id"]),
        file_name=str(data["file_name"]),
        mime_type=str(data.get("mime_type") or ""),
        file_size=data.get("file_size"),
    )


async def add_ask(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(AddForm.file)
    await show(query, dt.ADD_ASK_FILE, InlineKeyboardMarkup(inline_keyboard=[_cancel_row()]))


async def add_file(message: Message, state: FSMContext) -> None:
    assert message.document is not None
    if not message.document.file_name:
        await message.answer(dt.NO_FILE_NAME, reply_markup=_cancel_markup())
        return
    file = _file_of(message.document)
    await state.update_data(file=_file_data(file))
    await state.set_state(AddForm.title)
    rows = [
        [
            button(
                dt.BTN_KEEP_NAME.format(name=shorten(file.file_name, 40)),
                DocCb(action=DocAction.FORM_KEEP_NAME),
            )
        ],
        _cancel_row(),
    ]
    await message.answer(
        dt.ADD_ASK_TITLE.format(max=DOCUMENT_TITLE_MAX),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


def _cancel_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])


async def not_document(message: Message) -> None:
    await message.answer(dt.NOT_DOCUMENT, reply_markup=_cancel_markup())


def _category_markup() -> InlineKeyboardMarkup:
    rows = [
        [button(name, DocCb(action=DocAction.FORM_CATEGORY, category=key))]
        for key, name in dt.CATEGORIES.items()
    ]
    rows.append(_cancel_row())
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _title_chosen(target: Message | CallbackQuery, state: FSMContext, title: str) -> None:
    await state.update_data(title=title)
    await state.set_state(AddForm.category)
    await show(target, dt.ADD_ASK_CATEGORY, _category_markup())


async def add_title(message: Message, state: FSMContext) -> None:
    try:
        title = check_title(message.text or "")
    except ValidationError as e:
        await message.answer(f"{error_text(e)}\n{t.TRY_AGAIN}", reply_markup=_cancel_markup())
        return
    await _title_chosen(message, state, title)


async def add_title_not_text(message: Message) -> None:
    await message.answer(dt.ADD_ASK_TITLE.format(max=DOCUMENT_TITLE_MAX))


async def add_keep_name(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        title = check_title(str(data["file"]["file_name"]))
    except ValidationError as e:
        await query.answer(error_text(e), show_alert=True)
        return
    await _title_chosen(query, state, title)


async def add_category(query: CallbackQuery, callback_data: DocCb, state: FSMContext) -> None:
    category = _category(callback_data.category)
    if category is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.update_data(category=category.value)
    await state.set_state(AddForm.item)
    numbers = [button(str(n), DocCb(action=DocAction.FORM_ITEM, value=n)) for n in ROADMAP_ITEMS]
    rows = [numbers[i : i + ITEMS_PER_ROW] for i in range(0, len(numbers), ITEMS_PER_ROW)]
    rows.append([button(dt.BTN_NO_ITEM, DocCb(action=DocAction.FORM_ITEM, value=0))])
    rows.append(_cancel_row())
    await show(query, dt.ADD_ASK_ITEM, InlineKeyboardMarkup(inline_keyboard=rows))


async def add_item(query: CallbackQuery, callback_data: DocCb, state: FSMContext) -> None:
    number = callback_data.value
    if number and number not in ROADMAP_ITEMS:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.update_data(item=number)
    await state.set_state(AddForm.confirm)
    data = await state.get_data()
    text = dt.SUMMARY.format(
        title=h(data["title"]),
        category=dt.CATEGORIES[data["category"]],
        item=number or dt.NO_ITEM,
        file=h(data["file"]["file_name"]),
    )
    rows = [[button(dt.BTN_PUBLISH, DocCb(action=DocAction.FORM_PUBLISH))], _cancel_row()]
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def add_publish(
    query: CallbackQuery,
    session: AsyncSession,
    district_id: int,
    user: User,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    await state.clear()  # a second press finds no form
    try:
        document = await publish(
            session,
            district_id,
            _stored_file(data["file"]),
            str(data["title"]),
            DocumentCategory(data["category"]),
            int(data["item"]) or None,
            user.id,
            clock,
        )
    except ValidationError as e:
        await session.rollback()
        await query.answer(error_text(e), show_alert=True)
        return
    await show(query, card_text(document, settings, dt.PUBLISHED), card_markup(document, role, 0))


async def form_gone(query: CallbackQuery) -> None:
    await query.answer(dt.FORM_GONE, show_alert=True)


# ---- replacing and withdrawing ----------------------------------------------------------------


async def replace_ask(
    query: CallbackQuery, callback_data: DocCb, document: LibraryDocument, state: FSMContext
) -> None:
    if document.status is not DocumentStatus.PUBLISHED:
        await query.answer(dt.UNKNOWN_DOCUMENT, show_alert=True)
        return
    await state.clear()
    await state.set_state(ReplaceForm.file)
    await state.update_data(document_id=document.id, page=callback_data.page)
    await show(query, dt.REPLACE_ASK.format(title=h(document.title)), _cancel_markup())


async def replace_file(message: Message, document: LibraryDocument, state: FSMContext) -> None:
    assert message.document is not None
    if not message.document.file_name:
        await message.answer(dt.NO_FILE_NAME, reply_markup=_cancel_markup())
        return
    file = _file_of(message.document)
    await state.update_data(file=_file_data(file), version=document.version)
    await state.set_state(ReplaceForm.confirm)
    page = int((await state.get_data()).get("page", 0))
    yes = DocCb(action=DocAction.REPLACE_OK, document_id=document.id, page=page)
    no = DocCb(
        action=DocAction.CARD, document_id=document.id, category=document.category.value, page=page
    )
    await message.answer(
        dt.REPLACE_CONFIRM.format(
            title=h(document.title), file=h(file.file_name), version=document.version + 1
        ),
        reply_markup=yes_no(yes, no),
    )


async def replace_ok(
    query: CallbackQuery,
    callback_data: DocCb,
    session: AsyncSession,
    document: LibraryDocument,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if parse_id(data.get("document_id")) != document.id or data.get("version") != document.version:
        await state.clear()
        await query.answer(dt.FORM_GONE, show_alert=True)
        return
    await state.clear()
    try:
        user_ids = await replace(session, document, _stored_file(data["file"]), clock)
    except ValidationError as e:
        await session.rollback()
        await query.answer(error_text(e), show_alert=True)
        return
    told = await tell_new_version(session, clock, document, user_ids)
    notice = dt.REPLACED.format(version=document.version, told=told)
    await show(
        query,
        card_text(document, settings, notice),
        card_markup(document, role, callback_data.page),
    )


async def withdraw_ask(
    query: CallbackQuery, callback_data: DocCb, document: LibraryDocument
) -> None:
    def data(action: DocAction) -> DocCb:
        return DocCb(
            action=action,
            document_id=document.id,
            category=document.category.value,
            page=callback_data.page,
        )

    await show(
        query,
        dt.WITHDRAW_CONFIRM.format(title=h(document.title)),
        yes_no(data(DocAction.WITHDRAW_OK), data(DocAction.CARD)),
    )


async def withdraw_ok(
    query: CallbackQuery,
    callback_data: DocCb,
    session: AsyncSession,
    document: LibraryDocument,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    await withdraw(session, document, clock)
    await show(
        query,
        card_text(document, settings, dt.WITHDRAWN),
        card_markup(document, role, callback_data.page),
    )


def get_router() -> Router:
    router = Router(name="documents")
    router.message.filter(HasRole(*READERS))
    router.callback_query.filter(HasRole(*READERS))
    editor = HasRole(*EDITORS)
    cb = DocCb.filter
    not_command = ~F.text.startswith("/")
    router.message.register(documents_command, Command("documents"), InDistrict())
    router.callback_query.register(home, cb(F.action == DocAction.HOME), InDistrict())
    router.callback_query.register(category_page, cb(F.action == DocAction.LIST), InDistrict())
    router.callback_query.register(card, cb(F.action == DocAction.CARD), DistrictDocument())
    router.callback_query.register(get_file, cb(F.action == DocAction.GET), DistrictDocument())
    router.callback_query.register(search_ask, cb(F.action == DocAction.SEARCH), InDistrict())
    router.message.register(
        search_text, StateFilter(SearchForm.text), F.text, not_command, InDistrict()
    )
    router.message.register(search_not_text, StateFilter(SearchForm.text), not_command)
    # the coordinator's
    router.callback_query.register(add_ask, cb(F.action == DocAction.ADD), editor, InDistrict())
    router.message.register(add_file, StateFilter(AddForm.file), F.document, editor)
    router.message.register(not_document, StateFilter(AddForm.file), not_command, editor)
    router.message.register(add_title, StateFilter(AddForm.title), F.text, not_command, editor)
    router.message.register(add_title_not_text, StateFilter(AddForm.title), not_command, editor)
    for action, state, handler in (
        (DocAction.FORM_KEEP_NAME, AddForm.title, add_keep_name),
        (DocAction.FORM_CATEGORY, AddForm.category, add_category),
        (DocAction.FORM_ITEM, AddForm.item, add_item),
    ):
        router.callback_query.register(handler, cb(F.action == action), StateFilter(state), editor)
    router.callback_query.register(
        add_publish,
        cb(F.action == DocAction.FORM_PUBLISH),
        StateFilter(AddForm.confirm),
        editor,
        InDistrict(),
    )
    router.callback_query.register(form_gone, cb(F.action.in_(DOC_FORM_ACTIONS)), editor)
    router.callback_query.register(
        replace_ask, cb(F.action == DocAction.REPLACE), editor, DistrictDocument()
    )
    router.message.register(
        replace_file,
        StateFilter(ReplaceForm.file),
        F.document,
        editor,
        DistrictDocument(in_form=True),
    )
    router.message.register(not_document, StateFilter(ReplaceForm.file), not_command, editor)
    router.callback_query.register(
        replace_ok,
        cb(F.action == DocAction.REPLACE_OK),
        StateFilter(ReplaceForm.confirm),
        editor,
        DistrictDocument(),
    )
    router.callback_query.register(
        form_gone, cb(F.action == DocAction.REPLACE_OK), editor, DistrictDocument()
    )
    router.callback_query.register(
        withdraw_ask, cb(F.action == DocAction.WITHDRAW), editor, DistrictDocument()
    )
    router.callback_query.register(
        withdraw_ok, cb(F.action == DocAction.WITHDRAW_OK), editor, DistrictDocument()
    )
    router.callback_query.register(
        announce,
        cb(F.action == DocAction.ANNOUNCE),
        HasRole(Role.COORDINATOR),
        DistrictDocument(),
    )
    return router
