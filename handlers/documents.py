"""/documents: the district's documents library.

Librarians and coordinators browse the categories, a category's pages and a document's card,
and take the file (sent by its Telegram file id; the download is recorded). Coordinators (and a
super-admin with a chosen district) also add a document, replace its file (those who took an
older version are told through the outbox) and withdraw it.

An event's files are library documents too (`event_id`): the coordinator's «📎 Материалы» of an
event's card lists them and attaches one through the same new-document form (the event kept in
the form's data); a librarian's task card lists the published ones, each one tap from its file.
A file added to an event already open reaches its librarians only when the coordinator asks
(«Сообщить библиотекарям», once per file). Their screens are here, on the events' and tasks'
buttons (EventCb / TaskCb), as handlers never import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from bot.texts import events as ev
from bot.toolkit.callbacks import (
    DOC_FORM_ACTIONS,
    AnnComposeAction,
    AnnComposeCb,
    DocAction,
    DocCb,
    EventAction,
    EventCb,
    FormAction,
    FormCb,
    TaskAction,
    TaskCb,
    parse_id,
)
from bot.toolkit.filters import STAFF, DistrictEvent, HasRole, InDistrict, Refused, SchoolEvent
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    clamp_page,
    column,
    pager_row,
    shorten,
    yes_no,
)
from bot.toolkit.library_notices import tell_new_version
from bot.toolkit.notify import deliver
from bot.toolkit.screens import clip, error_text, h, hq, show
from models import (
    DocumentCategory,
    DocumentStatus,
    Event,
    EventKind,
    EventStatus,
    LibraryDocument,
    Role,
    User,
)
from models.limits import DOCUMENT_TITLE_MAX
from services.announcements.content import Content
from services.announcements.sending import new_draft
from services.clock import Clock
from services.documents import (
    ROADMAP_ITEMS,
    DocumentFile,
    category_counts,
    check_file,
    check_file_name,
    check_title,
    count_event_documents,
    event_documents,
    event_file_key,
    event_file_told,
    event_of,
    get_document_for,
    list_documents,
    publish,
    record_download,
    replace,
    search_documents,
    withdraw,
)
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import audience_librarians, get_event_for
from services.timeutil import fmt_date, fmt_local
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


def _page(data: Mapping[str, Any], key: str) -> int:
    """A page kept in a form's data (0 if it is not one)."""
    value = data.get(key)
    return value if isinstance(value, int) and 0 <= value <= 100_000 else 0


def _cancel_row(data: Mapping[str, Any] | None = None) -> list[InlineKeyboardButton]:
    """«Отмена»: back where the form began — an event's materials (a file attached there), the
    file's card opened from them (its replacement) — or the library's plain cancel."""
    data = data or {}
    event_id = parse_id(data.get("event_id", 0))
    if event_id:
        back: DocCb | EventCb | FormCb = EventCb(
            action=EventAction.FILES, event_id=event_id, page=_page(data, "event_page")
        )
    elif data.get("from_event") and parse_id(data.get("document_id", 0)):
        back = DocCb(
            action=DocAction.CARD,
            document_id=parse_id(data["document_id"]),
            category=str(data.get("category", ""))[:16],
            page=_page(data, "page"),
            value=1,
        )
    else:
        back = FormCb(action=FormAction.CANCEL)
    return [button(t.BTN_CANCEL, back)]


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


def card_text(
    document: LibraryDocument, settings: Settings, notice: str = "", event: Event | None = None
) -> str:
    text = dt.CARD.format(
        title=h(document.title),
        category=dt.CATEGORIES[document.category.value],
        item=document.activity_number or dt.NO_ITEM,
        version=document.version,
        date=fmt_local(document.published_at, settings.tz),
        file=h(document.file_name),
    )
    if event is not None:
        title = hq(clip(event.title, 200))
        if event.kind is EventKind.SEMINAR:  # a seminar's day, not a deadline
            text += dt.CARD_SEMINAR.format(title=title, date=fmt_date(event.starts_on))
        else:
            deadline = event.deadline_at.astimezone(settings.tz).date()
            text += dt.CARD_EVENT.format(title=title, date=fmt_date(deadline))
    if document.version > 1:
        text += dt.CARD_UPDATED.format(date=fmt_local(document.updated_at, settings.tz))
    if document.status is DocumentStatus.WITHDRAWN:
        text += dt.CARD_WITHDRAWN
    return f"{notice}\n\n{text}" if notice else text


async def card_event(
    session: AsyncSession, document: LibraryDocument, role: Role | None
) -> Event | None:
    """The event the card names; a draft's only to staff (librarians do not see drafts)."""
    event = await event_of(session, document)
    if event is None or (role not in STAFF and event.status is EventStatus.DRAFT):
        return None
    return event


async def full_card_text(
    session: AsyncSession,
    document: LibraryDocument,
    role: Role | None,
    settings: Settings,
    notice: str = "",
) -> str:
    return card_text(document, settings, notice, await card_event(session, document, role))


def card_markup(
    document: LibraryDocument,
    role: Role | None,
    page: int,
    *,
    from_event: bool = False,
    tell: int = 0,
) -> InlineKeyboardMarkup:
    """The card's buttons; `from_event`: opened from its event's files, where «Назад» leads
    (`page` is then the events list's); `tell`: the librarians its open event may still be told
    of it («📣 Сообщить библиотекарям (N)»)."""
    from_event = from_event and role in STAFF and document.event_id is not None

    def data(action: DocAction) -> DocCb:
        return DocCb(
            action=action,
            document_id=document.id,
            category=document.category.value,
            page=page,
            value=int(from_event),
        )

    rows = [[button(dt.BTN_GET, data(DocAction.GET))]]
    if role is Role.COORDINATOR and document.status is DocumentStatus.PUBLISHED:
        rows.append([button(dt.BTN_ANNOUNCE, data(DocAction.ANNOUNCE))])
    if from_event and tell and document.event_id is not None:
        told = EventCb(
            action=EventAction.FILE_TELL,
            event_id=document.event_id,
            page=page,
            arg=str(document.id),
        )
        rows.append([button(dt.BTN_TELL.format(count=tell), told)])
    if role in STAFF and document.status is DocumentStatus.PUBLISHED:
        rows.append([button(dt.BTN_REPLACE, data(DocAction.REPLACE))])
        rows.append([button(dt.BTN_WITHDRAW, data(DocAction.WITHDRAW))])
    if from_event and document.event_id is not None:
        back = EventCb(action=EventAction.FILES, event_id=document.event_id, page=page)
        rows.append([button(t.BTN_BACK, back)])
    else:
        rows.append(
            _back(DocCb(action=DocAction.LIST, category=document.category.value, page=page))
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _from_event(callback_data: DocCb) -> bool:
    return callback_data.value == 1


async def card(
    query: CallbackQuery,
    callback_data: DocCb,
    session: AsyncSession,
    document: LibraryDocument,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    from_event = _from_event(callback_data)
    await show(
        query,
        await full_card_text(session, document, role, settings),
        card_markup(
            document,
            role,
            callback_data.page,
            from_event=from_event,
            tell=await _still_tellable(session, document, role) if from_event else 0,
        ),
    )


async def _still_tellable(
    session: AsyncSession, document: LibraryDocument, role: Role | None
) -> int:
    """How many librarians a file of an open event may still be told of (0: none, or told)."""
    if role not in STAFF or document.status is not DocumentStatus.PUBLISHED:
        return 0
    event = await session.get(Event, document.event_id) if document.event_id else None
    if event is None or event.status is not EventStatus.OPEN:
        return 0
    if await event_file_told(session, document.id):
        return 0
    return len(await audience_librarians(session, event))


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
        value=callback_data.value,
    )
    await show(
        query,
        dt.ANNOUNCE_READY.format(title=hq(document.title)),
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
    """The file as the library keeps it; its name is checked as it came (ValidationError),
    before it is shortened."""
    return DocumentFile(
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        file_name=fit_file_name(check_file_name(document.file_name or "")),
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


def _step(data: Mapping[str, Any], action: DocAction, choice: str = "") -> DocCb | EventCb:
    """A button of the new-document form. In an event's form it names the event (EventCb
    FILE_FORM, `arg` the step and its choice), so that a stale one still leads back there."""
    event_id = parse_id(data.get("event_id", 0))
    if event_id:
        return EventCb(
            action=EventAction.FILE_FORM,
            event_id=event_id,
            page=_page(data, "event_page"),
            arg=f"{action.value}-{choice}" if choice else action.value,
        )
    if action is DocAction.FORM_CATEGORY:
        return DocCb(action=action, category=choice)
    if action is DocAction.FORM_ITEM:
        return DocCb(action=action, value=int(choice or 0))
    return DocCb(action=action)


async def add_ask(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(AddForm.file)
    await show(query, dt.ADD_ASK_FILE, _cancel_markup())


def _title_markup(data: Mapping[str, Any]) -> InlineKeyboardMarkup:
    """The title step's: «Оставить: <the file's name>» and «Отмена»."""
    name = str(data["file"]["file_name"])
    keep = button(
        dt.BTN_KEEP_NAME.format(name=shorten(name, 40)), _step(data, DocAction.FORM_KEEP_NAME)
    )
    return InlineKeyboardMarkup(inline_keyboard=[[keep], _cancel_row(data)])


async def add_file(message: Message, state: FSMContext) -> None:
    """The file, then its title. At the title step a new file replaces the one sent (and the
    title is asked again); a file the library may not hand out changes nothing."""
    assert message.document is not None
    data = await state.get_data()
    try:
        file = check_file(_file_of(message.document))
    except ValidationError as e:
        at_title = await state.get_state() == AddForm.title.state
        await message.answer(
            error_text(e), reply_markup=_title_markup(data) if at_title else _cancel_markup(data)
        )
        return
    await state.update_data(file=_file_data(file))
    await state.set_state(AddForm.title)
    await message.answer(
        dt.ADD_ASK_TITLE.format(max=DOCUMENT_TITLE_MAX),
        reply_markup=_title_markup(await state.get_data()),
    )


def _cancel_markup(data: Mapping[str, Any] | None = None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_cancel_row(data)])


async def not_document(message: Message, state: FSMContext) -> None:
    await message.answer(dt.NOT_DOCUMENT, reply_markup=_cancel_markup(await state.get_data()))


def _category_markup(
    data: Mapping[str, Any], suggested: DocumentCategory | None = None
) -> InlineKeyboardMarkup:
    """The categories; a `suggested` one comes first, starred (still only a suggestion)."""
    keys = list(dt.CATEGORIES)
    if suggested is not None:
        keys.sort(key=lambda key: key != suggested.value)
    rows = [
        [
            button(
                dt.SUGGESTED.format(name=dt.CATEGORIES[key])
                if suggested is not None and key == suggested.value
                else dt.CATEGORIES[key],
                _step(data, DocAction.FORM_CATEGORY, key),
            )
        ]
        for key in keys
    ]
    rows.append(_cancel_row(data))
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _title_chosen(target: Message | CallbackQuery, state: FSMContext, title: str) -> None:
    await state.update_data(title=title)
    await state.set_state(AddForm.category)
    data = await state.get_data()
    if data.get("event_id"):
        # an event's file: its materials are mostly methodical ones
        await show(
            target,
            dt.ADD_ASK_CATEGORY_EVENT,
            _category_markup(data, DocumentCategory.METHODICAL),
        )
        return
    await show(target, dt.ADD_ASK_CATEGORY, _category_markup(data))


async def add_title(message: Message, state: FSMContext) -> None:
    try:
        title = check_title(message.text or "")
    except ValidationError as e:
        await message.answer(
            f"{error_text(e)}\n{t.TRY_AGAIN}", reply_markup=_title_markup(await state.get_data())
        )
        return
    await _title_chosen(message, state, title)


async def add_title_not_text(message: Message, state: FSMContext) -> None:
    await message.answer(
        dt.ADD_ASK_TITLE.format(max=DOCUMENT_TITLE_MAX),
        reply_markup=_title_markup(await state.get_data()),
    )


async def add_keep_name(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        title = check_title(str(data["file"]["file_name"]))
    except ValidationError as e:
        await query.answer(error_text(e), show_alert=True)
        return
    await _title_chosen(query, state, title)


async def add_category(query: CallbackQuery, callback_data: DocCb, state: FSMContext) -> None:
    await _choose_category(query, state, callback_data.category)


async def _choose_category(query: CallbackQuery, state: FSMContext, value: str) -> None:
    category = _category(value)
    if category is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.update_data(category=category.value)
    data = await state.get_data()
    preset = data.get("preset_item")
    if isinstance(preset, int) and preset in ROADMAP_ITEMS:  # an event's: its activity's item
        await _summary(query, state, preset)
        return
    await state.set_state(AddForm.item)
    numbers = [button(str(n), _step(data, DocAction.FORM_ITEM, str(n))) for n in ROADMAP_ITEMS]
    rows = [numbers[i : i + ITEMS_PER_ROW] for i in range(0, len(numbers), ITEMS_PER_ROW)]
    rows.append([button(dt.BTN_NO_ITEM, _step(data, DocAction.FORM_ITEM, "0"))])
    rows.append(_cancel_row(data))
    await show(query, dt.ADD_ASK_ITEM, InlineKeyboardMarkup(inline_keyboard=rows))


async def add_item(query: CallbackQuery, callback_data: DocCb, state: FSMContext) -> None:
    await _choose_item(query, state, callback_data.value)


async def _choose_item(query: CallbackQuery, state: FSMContext, number: int) -> None:
    """The roadmap item (0: none); anything else is a forged button."""
    if number != 0 and number not in ROADMAP_ITEMS:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await _summary(query, state, number)


async def _summary(query: CallbackQuery, state: FSMContext, number: int) -> None:
    """The roadmap item (0: none) chosen: what will be published, and «Опубликовать»."""
    await state.update_data(item=number)
    await state.set_state(AddForm.confirm)
    data = await state.get_data()
    text = dt.SUMMARY.format(
        title=h(data["title"]),
        category=dt.CATEGORIES[data["category"]],
        item=number or dt.NO_ITEM,
        file=h(data["file"]["file_name"]),
    )
    if data.get("event_id"):
        text += dt.SUMMARY_EVENT.format(title=hq(clip(str(data.get("event_title", "")), 200)))
    rows = [[button(dt.BTN_PUBLISH, _step(data, DocAction.FORM_PUBLISH))], _cancel_row(data)]
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
    event: Event | None = None
    if "event_id" in data:  # an event's file: the event must still be the district's
        try:
            event = await get_event_for(session, parse_id(data["event_id"]), district_id)
        except (NotFoundError, AccessDeniedError):
            await query.answer(ev.UNKNOWN_EVENT, show_alert=True)
            return
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
            event=event,
        )
    except ValidationError as e:
        await session.rollback()
        await query.answer(error_text(e), show_alert=True)
        return
    if event is not None:  # back to the event's files, the new one among them
        page = _page(data, "event_page")
        await event_files_screen(query, session, event, page, dt.PUBLISHED, published=document)
        return
    await show(query, card_text(document, settings, dt.PUBLISHED), card_markup(document, role, 0))


async def form_gone(query: CallbackQuery) -> None:
    await query.answer(dt.FORM_GONE, show_alert=True)


async def _form_gone_event(query: CallbackQuery, event_id: int, page: int) -> None:
    """A stale button of a form begun from an event's materials: no /documents hint, the way
    back to the materials instead. A new message: the pressed one may be the screen the form
    ended on (a second press of «Опубликовать»), which must stay."""
    assert query.bot is not None
    back = EventCb(action=EventAction.FILES, event_id=event_id, page=page)
    await query.answer()
    await query.bot.send_message(
        query.from_user.id,
        dt.FORM_GONE_EVENT,
        reply_markup=column([button(dt.BTN_EVENT_FILES, back)]),
    )


EVENT_FORM_STEPS = {
    DocAction.FORM_KEEP_NAME: AddForm.title,
    DocAction.FORM_CATEGORY: AddForm.category,
    DocAction.FORM_ITEM: AddForm.item,
    DocAction.FORM_PUBLISH: AddForm.confirm,
}
ADD_STATES = frozenset(
    s.state for s in (AddForm.file, AddForm.title, AddForm.category, AddForm.item, AddForm.confirm)
)


async def event_form_step(
    query: CallbackQuery,
    callback_data: EventCb,
    event: Event,
    session: AsyncSession,
    district_id: int,
    user: User,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    """A step of an event's attach form: the library form's step, if this event's form is at
    it. Otherwise an older message's button while the form goes on is stale; with no form of
    this event open, the form is gone: back to the event's materials."""
    name, _, choice = callback_data.arg.partition("-")
    step = next((action for action in EVENT_FORM_STEPS if action.value == name), None)
    data = await state.get_data()
    current = await state.get_state()
    ours = parse_id(data.get("event_id", 0)) == event.id and current in ADD_STATES
    if step is None or not ours or current != EVENT_FORM_STEPS[step].state:
        if ours:
            await query.answer(t.STALE_BUTTON, show_alert=True)
        else:
            await _form_gone_event(query, event.id, callback_data.page)
        return
    if step is DocAction.FORM_KEEP_NAME:
        await add_keep_name(query, state)
    elif step is DocAction.FORM_CATEGORY:
        await _choose_category(query, state, choice)
    elif step is DocAction.FORM_ITEM:
        number = int(choice) if choice.isascii() and choice.isdigit() and len(choice) < 4 else -1
        await _choose_item(query, state, number)
    else:
        await add_publish(query, session, district_id, user, role, settings, state, clock)


# ---- replacing and withdrawing ----------------------------------------------------------------


async def replace_ask(
    query: CallbackQuery, callback_data: DocCb, document: LibraryDocument, state: FSMContext
) -> None:
    if document.status is not DocumentStatus.PUBLISHED:
        await query.answer(dt.UNKNOWN_DOCUMENT, show_alert=True)
        return
    await state.clear()
    await state.set_state(ReplaceForm.file)
    await state.update_data(
        document_id=document.id,
        category=document.category.value,
        page=callback_data.page,
        from_event=_from_event(callback_data),
    )
    markup = _cancel_markup(await state.get_data())
    await show(query, dt.REPLACE_ASK.format(title=hq(document.title)), markup)


async def replace_file(message: Message, document: LibraryDocument, state: FSMContext) -> None:
    assert message.document is not None
    try:
        file = check_file(_file_of(message.document))
    except ValidationError as e:  # the form stays at the file: another one may come
        await message.answer(error_text(e), reply_markup=_cancel_markup(await state.get_data()))
        return
    await state.update_data(file=_file_data(file), version=document.version)
    await state.set_state(ReplaceForm.confirm)
    data = await state.get_data()
    page = int(data.get("page", 0))
    value = int(bool(data.get("from_event")))
    yes = DocCb(action=DocAction.REPLACE_OK, document_id=document.id, page=page, value=value)
    no = DocCb(
        action=DocAction.CARD,
        document_id=document.id,
        category=document.category.value,
        page=page,
        value=value,
    )
    await message.answer(
        dt.REPLACE_CONFIRM.format(
            title=hq(document.title), file=h(file.file_name), version=document.version + 1
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
        await replace_gone(query, callback_data, document)
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
        await full_card_text(session, document, role, settings, notice),
        card_markup(document, role, callback_data.page, from_event=_from_event(callback_data)),
    )


async def replace_gone(
    query: CallbackQuery, callback_data: DocCb, document: LibraryDocument
) -> None:
    """A late «Да» of a replacement: begun from the event's materials, the way back there."""
    if _from_event(callback_data) and document.event_id is not None:
        await _form_gone_event(query, document.event_id, callback_data.page)
        return
    await query.answer(dt.FORM_GONE, show_alert=True)


async def withdraw_ask(
    query: CallbackQuery, callback_data: DocCb, document: LibraryDocument
) -> None:
    def data(action: DocAction) -> DocCb:
        return DocCb(
            action=action,
            document_id=document.id,
            category=document.category.value,
            page=callback_data.page,
            value=int(_from_event(callback_data)),
        )

    await show(
        query,
        dt.WITHDRAW_CONFIRM.format(title=hq(document.title)),
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
    if not await withdraw(session, document, clock):  # a second «Да»: nothing more to do
        await query.answer(dt.ALREADY_WITHDRAWN, show_alert=True)
        return
    await show(
        query,
        await full_card_text(session, document, role, settings, dt.WITHDRAWN),
        card_markup(document, role, callback_data.page, from_event=_from_event(callback_data)),
    )


# ---- an event's files ---------------------------------------------------------------------------


async def event_files_screen(
    target: CallbackQuery,
    session: AsyncSession,
    event: Event,
    page: int,
    notice: str = "",
    *,
    published: LibraryDocument | None = None,
) -> None:
    """The coordinator's: the event's files (withdrawn ones marked), «Прикрепить файл», and
    back to its card (`page`: the events list's). A file just `published` to an open event
    reaches nobody by itself: «Сообщить библиотекарям» heads the screen then."""
    documents = await event_documents(session, event.id, with_withdrawn=True)
    total = await count_event_documents(session, event.id)
    rows = [
        [
            button(
                dt.DOC_BUTTON.format(
                    icon=dt.WITHDRAWN_ICON if d.status is DocumentStatus.WITHDRAWN else "",
                    title=shorten(d.title, 50),
                ),
                EventCb(action=EventAction.FILE_CARD, event_id=event.id, page=page, arg=str(d.id)),
            )
        ]
        for d in documents
    ]
    if published is not None and event.status is EventStatus.OPEN:
        count = len(await audience_librarians(session, event))
        if count:
            tell = EventCb(
                action=EventAction.FILE_TELL, event_id=event.id, page=page, arg=str(published.id)
            )
            rows.insert(0, [button(dt.BTN_TELL.format(count=count), tell)])
            notice = f"{notice}\n{dt.PUBLISHED_OPEN}" if notice else dt.PUBLISHED_OPEN
    rows.append(
        [button(dt.BTN_ATTACH, EventCb(action=EventAction.FILE_ADD, event_id=event.id, page=page))]
    )
    rows.append(
        [button(t.BTN_BACK, EventCb(action=EventAction.OPEN, event_id=event.id, page=page))]
    )
    title = hq(clip(event.title, 200))
    withdrawn = any(d.status is DocumentStatus.WITHDRAWN for d in documents)
    text = (
        dt.EVENT_FILES.format(
            title=title, total=total, withdrawn=dt.EVENT_FILES_WITHDRAWN if withdrawn else ""
        )
        if documents
        else dt.EVENT_FILES_EMPTY.format(title=title)
    )
    await show(
        target,
        f"{notice}\n\n{text}" if notice else text,
        InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def event_files(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    state: FSMContext,
) -> None:
    await state.clear()
    await event_files_screen(query, session, event, callback_data.page)


async def event_file_card(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    role: Role | None,
    settings: Settings,
    state: FSMContext,
) -> None:
    """A file of the event's list: its library card, «Назад» to the event's files. A document
    that is not this event's is refused like any stale button."""
    try:
        document = await get_document_for(
            session, parse_id(callback_data.arg), event.district_id, with_withdrawn=True
        )
    except NotFoundError:
        document = None
    if document is None or document.event_id != event.id:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.clear()
    await show(
        query,
        card_text(document, settings, event=event),
        card_markup(
            document,
            role,
            callback_data.page,
            from_event=True,
            tell=await _still_tellable(session, document, role),
        ),
    )


async def event_add_ask(
    query: CallbackQuery, callback_data: EventCb, event: Event, state: FSMContext
) -> None:
    """«Прикрепить файл»: the new-document form, the event kept in its data (its activity's
    roadmap item chosen for the coordinator)."""
    await state.clear()
    await state.set_state(AddForm.file)
    number = event.activity.number if event.activity is not None else None
    await state.update_data(
        event_id=event.id,
        event_title=event.title,
        event_page=callback_data.page,
        preset_item=number if number in ROADMAP_ITEMS else None,
    )
    await show(
        query,
        dt.ADD_ASK_FILE_EVENT.format(title=hq(clip(event.title, 200))),
        _cancel_markup(await state.get_data()),
    )


async def task_files(
    query: CallbackQuery, callback_data: TaskCb, session: AsyncSession, event: Event
) -> None:
    """The librarian's: the event's published files, each one tap from the file (the library's
    «Получить»: the download is recorded, a later version is told). FILES_APART (a seminar's
    invitation): in a new message, without «Назад», the invitation left as it is."""
    documents = await event_documents(session, event.id)
    rows = [
        [
            button(
                dt.FILE_BUTTON.format(title=shorten(d.title, 50)),
                DocCb(action=DocAction.GET, document_id=d.id),
            )
        ]
        for d in documents
    ]
    title = hq(clip(event.title, 200))
    text = (
        dt.TASK_FILES.format(title=title) if documents else dt.TASK_FILES_EMPTY.format(title=title)
    )
    if callback_data.action is TaskAction.FILES_APART:
        assert query.bot is not None
        await query.answer()
        await query.bot.send_message(
            query.from_user.id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
        )
        return
    rows.append([button(t.BTN_BACK, TaskCb(action=TaskAction.OPEN, event_id=event.id))])
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def _tellable(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, event: Event
) -> LibraryDocument | None:
    """The file «Сообщить библиотекарям» names, if they may still be told of it: a published
    file of this event, the event open, nobody told yet (else the answer is said here)."""
    try:
        document = await get_document_for(
            session, parse_id(callback_data.arg), event.district_id, with_withdrawn=False
        )
    except NotFoundError:
        document = None
    if document is None or document.event_id != event.id:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return None
    if await event_file_told(session, document.id):
        await query.answer(dt.ALREADY_TOLD, show_alert=True)
        return None
    if event.status is not EventStatus.OPEN:
        await query.answer(dt.TELL_NOT_OPEN, show_alert=True)
        return None
    return document


async def event_tell_ask(
    query: CallbackQuery, callback_data: EventCb, session: AsyncSession, event: Event
) -> None:
    """«📣 Сообщить библиотекарям»: to how many, about which file — «Да» / «Нет»."""
    document = await _tellable(query, callback_data, session, event)
    if document is None:
        return
    count = len(await audience_librarians(session, event))
    if not count:
        await query.answer(dt.TELL_NOBODY, show_alert=True)
        return
    page = callback_data.page
    yes = EventCb(
        action=EventAction.FILE_TELL_OK, event_id=event.id, page=page, arg=str(document.id)
    )
    no = EventCb(action=EventAction.FILES, event_id=event.id, page=page)
    text = dt.TELL_CONFIRM.format(whom=dt.to_librarians(count), title=hq(document.title))
    await show(query, text, yes_no(yes, no))


async def event_tell(
    query: CallbackQuery,
    callback_data: EventCb,
    session: AsyncSession,
    event: Event,
    clock: Clock,
) -> None:
    """«Да»: the audience's librarians are told through the outbox, once per file (a second
    press plans nothing and says so), with the event's «📎 Материалы»."""
    document = await _tellable(query, callback_data, session, event)
    if document is None:
        return
    librarians = await audience_librarians(session, event)
    files = await count_event_documents(session, event.id)
    open_files = TaskCb(action=TaskAction.FILES, event_id=event.id)
    planned = await deliver(
        session,
        clock,
        event_file_key(document.id),
        [(u.telegram_id, u.id) for u in librarians],
        dt.EVENT_FILE_NOTICE.format(event=hq(event.title), title=hq(document.title)),
        column([button(dt.files_button(files), open_files)]),
        purpose="event_file",
        event_id=event.id,
    )
    if not planned:
        await query.answer(dt.ALREADY_TOLD if librarians else dt.TELL_NOBODY, show_alert=True)
        return
    notice = dt.TOLD.format(title=hq(document.title), count=planned)
    await event_files_screen(query, session, event, callback_data.page, notice)


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
    # at the title step a new file replaces the one sent
    router.message.register(add_file, StateFilter(AddForm.file, AddForm.title), F.document, editor)
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
        replace_gone, cb(F.action == DocAction.REPLACE_OK), editor, DistrictDocument()
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
    # an event's files: the coordinator's on the event's card, the librarian's on the task's
    event_cb = EventCb.filter
    router.callback_query.register(
        event_files, event_cb(F.action == EventAction.FILES), editor, DistrictEvent()
    )
    router.callback_query.register(
        event_file_card, event_cb(F.action == EventAction.FILE_CARD), editor, DistrictEvent()
    )
    router.callback_query.register(
        event_add_ask, event_cb(F.action == EventAction.FILE_ADD), editor, DistrictEvent()
    )
    router.callback_query.register(
        event_form_step,
        event_cb(F.action == EventAction.FILE_FORM),
        editor,
        DistrictEvent(),
        InDistrict(),
    )
    router.callback_query.register(
        event_tell_ask, event_cb(F.action == EventAction.FILE_TELL), editor, DistrictEvent()
    )
    router.callback_query.register(
        event_tell, event_cb(F.action == EventAction.FILE_TELL_OK), editor, DistrictEvent()
    )
    router.callback_query.register(
        task_files,
        TaskCb.filter(F.action.in_({TaskAction.FILES, TaskAction.FILES_APART})),
        HasRole(Role.LIBRARIAN),
        SchoolEvent(),
    )
    return router
