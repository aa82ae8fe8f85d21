"""/documents: the district's documents library, through the dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import documents as dt
from bot.toolkit.callbacks import DocAction, DocCb
from bot.toolkit.screens import error_text
from models import (
    Announcement,
    AnnouncementStatus,
    DocumentCategory,
    DocumentStatus,
    LibraryDocument,
    LibraryDownload,
    Notification,
)
from services.documents import DocumentFile, check_file, publish, replace
from services.errors import ValidationError
from services.users import get_user
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Call, Client, Person
from tests.test_access_matrix import COORDINATOR_B, _district_b

TITLE = "Положение о школьной библиотеке"


async def documents(pool: async_sessionmaker[AsyncSession]) -> list[LibraryDocument]:
    async with pool() as s:
        return list(await s.scalars(select(LibraryDocument).order_by(LibraryDocument.id)))


async def downloads(pool: async_sessionmaker[AsyncSession]) -> list[tuple[int, int, int]]:
    async with pool() as s:
        rows = await s.execute(
            select(LibraryDownload.document_id, LibraryDownload.user_id, LibraryDownload.version)
        )
        return [(r[0], r[1], r[2]) for r in rows]


async def send_sticker(client: Client, person: Person) -> None:
    await client.feed(
        {
            "update_id": 900000 + len(client.session.calls),
            "message": {
                "message_id": 880000 + len(client.session.calls),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
                "from": person.tg(),
                "sticker": {
                    "file_id": "stk",
                    "file_unique_id": "u-stk",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                },
            },
        }
    )


async def add_document(
    client: Client, title: str | None = TITLE, file_name: str = "polozhenie.pdf"
) -> None:
    """The coordinator's form from /documents to the summary (not yet published)."""
    await client.send(COORDINATOR, "/documents")
    await client.press(COORDINATOR, dt.BTN_ADD)
    await client.send_document(COORDINATOR, file_name, b"%PDF-1.4", mime="application/pdf")
    if title is None:
        await client.press(COORDINATOR, dt.BTN_KEEP_NAME.format(name=file_name))
    else:
        await client.send(COORDINATOR, title)
    await client.press(COORDINATOR, dt.CATEGORIES["normative"])
    await client.press(COORDINATOR, "3")
    assert "Пункт дорожной карты: 3" in client.last_text(COORDINATOR)


async def test_publish_browse_and_get(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await add_document(client)
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    assert dt.PUBLISHED in client.last_text(COORDINATOR)
    [doc] = await documents(session_pool)
    assert (doc.title, doc.category, doc.activity_number, doc.version, doc.file_name) == (
        TITLE,
        DocumentCategory.NORMATIVE,
        3,
        1,
        "polozhenie.pdf",
    )
    assert doc.district_id == district_setup.district_id
    # «Опубликовать» pressed again on the same message: the form is gone, still one document
    client.clear()
    await client.press_data(COORDINATOR, DocCb(action=DocAction.FORM_PUBLISH).pack())
    assert client.alerts() == [dt.FORM_GONE]
    assert len(await documents(session_pool)) == 1

    # the librarian: categories with counts, the list, the card, the file
    client.clear()
    await client.send(LIBRARIAN, "/documents")
    normative = dt.CATEGORY_BUTTON.format(name=dt.CATEGORIES["normative"], count=1)
    assert normative in client.buttons(LIBRARIAN)
    assert dt.BTN_ADD not in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, normative)
    await client.press(LIBRARIAN, TITLE)
    card = client.last_text(LIBRARIAN)
    assert TITLE in card and "Версия: 1" in card and "Пункт дорожной карты: 3" in card
    assert dt.BTN_REPLACE not in client.buttons(LIBRARIAN)
    assert t.BTN_BACK in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, dt.BTN_GET)
    [sent] = client.calls("SendDocument")
    assert sent.param("document") == doc.file_id
    assert int(sent.param("chat_id")) == LIBRARIAN.id
    async with session_pool() as s:
        librarian = await get_user(s, LIBRARIAN.id)
        assert librarian is not None
        librarian_id = librarian.id
    assert await downloads(session_pool) == [(doc.id, librarian_id, 1)]
    # taking it again keeps one row
    await client.press(LIBRARIAN, dt.BTN_GET)
    assert len(await downloads(session_pool)) == 1


async def _publish(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_id: int,
    title: str,
    file_id: str = "file-1",
) -> int:
    async with pool.begin() as s:
        doc = await publish(
            s,
            district_id,
            DocumentFile(file_id, f"u-{file_id}", f"{file_id}.pdf"),
            title,
            DocumentCategory.METHODICAL,
            None,
            None,
            clock,
        )
        return doc.id


async def test_search_folds_case_and_yo(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await _publish(session_pool, clock, district_setup.district_id, "Ёлочные ИГРУШКИ: сценарий")
    await _publish(session_pool, clock, district_setup.district_id, "Отчёт за год", "file-2")
    await client.send(LIBRARIAN, "/documents")
    await client.press(LIBRARIAN, dt.BTN_SEARCH)
    await client.send(LIBRARIAN, "елочные игрушки")
    assert dt.SEARCH_FOUND.format(query="елочные игрушки", total=1) == client.last_text(LIBRARIAN)
    assert "Ёлочные ИГРУШКИ: сценарий" in client.buttons(LIBRARIAN)
    await client.send(LIBRARIAN, "ОТЧЕТ")
    assert "Отчёт за год" in client.buttons(LIBRARIAN)
    assert "Ёлочные ИГРУШКИ: сценарий" not in client.buttons(LIBRARIAN)
    await client.send(LIBRARIAN, "100%")
    assert client.last_text(LIBRARIAN) == dt.SEARCH_NONE.format(query="100%")


async def test_replace_tells_who_took_the_old_version(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    doc_id = await _publish(session_pool, clock, district_setup.district_id, TITLE)
    card = DocCb(action=DocAction.CARD, document_id=doc_id).pack()
    await client.send(LIBRARIAN, "/documents")
    await client.press_data(LIBRARIAN, card)
    await client.press(LIBRARIAN, dt.BTN_GET)
    await client.send(COORDINATOR, "/documents")
    await client.press_data(COORDINATOR, card)
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    await send_sticker(client, COORDINATOR)
    assert client.last_text(COORDINATOR) == dt.NOT_DOCUMENT
    await client.send_document(COORDINATOR, "new.pdf", b"%PDF-2", mime="application/pdf")
    await client.press(COORDINATOR, dt.BTN_YES)
    assert dt.REPLACED.format(version=2, told=1) in client.last_text(COORDINATOR)
    [doc] = await documents(session_pool)
    assert (doc.version, doc.file_name) == (2, "new.pdf")
    client.clear()
    assert await client.drain() >= 1
    notice = dt.REPLACED_NOTICE.format(title=TITLE, version=2)
    assert notice in client.texts(LIBRARIAN)
    assert notice not in client.texts(COORDINATOR)
    # the notice's button opens the card; «Получить» sends the new file
    await client.press(LIBRARIAN, dt.BTN_OPEN)
    assert "Версия: 2" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, dt.BTN_GET)
    assert client.calls("SendDocument")[-1].param("document") == doc.file_id


async def test_withdraw_hides_it_from_librarians(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    doc_id = await _publish(session_pool, clock, district_setup.district_id, TITLE)
    card = DocCb(action=DocAction.CARD, document_id=doc_id).pack()
    await client.send(COORDINATOR, "/documents")
    await client.press_data(COORDINATOR, card)
    await client.press(COORDINATOR, dt.BTN_WITHDRAW)
    await client.press(COORDINATOR, dt.BTN_NO)
    assert (await documents(session_pool))[0].status is DocumentStatus.PUBLISHED
    await client.press(COORDINATOR, dt.BTN_WITHDRAW)
    _, yes = client.find_button(COORDINATOR, dt.BTN_YES)
    await client.press(COORDINATOR, dt.BTN_YES)
    [doc] = await documents(session_pool)
    assert doc.status is DocumentStatus.WITHDRAWN
    # a second «Да»: already withdrawn, said in an alert; nothing changes, nobody is told
    client.clear()
    await client.press_data(COORDINATOR, yes)
    assert client.alerts() == [dt.ALREADY_WITHDRAWN]
    assert not client.texts(COORDINATOR)
    [again] = await documents(session_pool)
    assert (again.status, again.updated_at) == (DocumentStatus.WITHDRAWN, doc.updated_at)
    async with session_pool() as s:
        assert (await s.scalars(select(Notification))).all() == []
    client.clear()
    await client.send(LIBRARIAN, "/documents")
    assert client.last_text(LIBRARIAN) == dt.HOME_EMPTY
    await client.press_data(LIBRARIAN, card)
    assert client.alerts() == [dt.UNKNOWN_DOCUMENT]
    await client.press_data(LIBRARIAN, DocCb(action=DocAction.GET, document_id=doc_id).pack())
    assert not client.calls("SendDocument")
    assert await downloads(session_pool) == []


async def test_bad_inputs_change_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/documents")
    await client.press(COORDINATOR, dt.BTN_ADD)
    await client.send_photo(COORDINATOR)
    assert client.last_text(COORDINATOR) == dt.NOT_DOCUMENT
    await send_sticker(client, COORDINATOR)
    assert client.last_text(COORDINATOR) == dt.NOT_DOCUMENT
    await client.send_document(COORDINATOR, "", b"x")
    assert client.last_text(COORDINATOR) == dt.NO_FILE_NAME
    await client.send_document(COORDINATOR, "plan.docx", b"x")
    await client.send(COORDINATOR, "Я")
    assert client.last_text(COORDINATOR).startswith(
        error_text(ValidationError("too_short", min=2))
    )
    await client.send(COORDINATOR, "Д" * 256)
    assert "255" in client.last_text(COORDINATOR)
    assert await documents(session_pool) == []
    # the file name is the default title
    await client.press(COORDINATOR, dt.BTN_KEEP_NAME.format(name="plan.docx"))
    await client.press(COORDINATOR, dt.CATEGORIES["samples"])
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    assert (doc.title, doc.category, doc.activity_number) == (
        "plan.docx",
        DocumentCategory.SAMPLES,
        None,
    )


async def test_forged_buttons_are_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    doc_id = await _publish(session_pool, clock, district_setup.district_id, TITLE)
    await _district_b(client, session_pool, clock)
    for action in (DocAction.WITHDRAW_OK, DocAction.REPLACE, DocAction.WITHDRAW):
        data = DocCb(action=action, document_id=doc_id).pack()
        client.clear()
        await client.press_data(LIBRARIAN, data)
        assert client.alerts() == [t.UNHANDLED_BUTTON], action
        client.clear()
        await client.press_data(COORDINATOR_B, data)
        assert client.alerts() == [dt.UNKNOWN_DOCUMENT], action
        assert TITLE not in " ".join(client.texts(COORDINATOR_B))
    client.clear()
    await client.press_data(COORDINATOR_B, DocCb(action=DocAction.GET, document_id=doc_id).pack())
    assert client.alerts() == [dt.UNKNOWN_DOCUMENT]
    assert not client.calls("SendDocument")
    [doc] = [d for d in await documents(session_pool) if d.id == doc_id]
    assert (doc.status, doc.version) == (DocumentStatus.PUBLISHED, 1)
    assert await downloads(session_pool) == []


async def test_a_document_announced_in_one_more_step(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    doc_id = await _publish(session_pool, clock, district_setup.district_id, "План на год")
    card = DocCb(action=DocAction.CARD, document_id=doc_id, category="methodical").pack()
    # a librarian's card has no such button, and a forged press changes nothing
    await client.press_data(LIBRARIAN, card)
    assert dt.BTN_ANNOUNCE not in client.buttons(LIBRARIAN)
    forged = DocCb(action=DocAction.ANNOUNCE, document_id=doc_id, category="methodical").pack()
    await client.press_data(LIBRARIAN, forged)
    async with session_pool() as session:
        assert (await session.scalars(select(Announcement))).all() == []

    client.clear()
    await client.press_data(COORDINATOR, card)
    await client.press(COORDINATOR, dt.BTN_ANNOUNCE)
    assert client.last_text(COORDINATOR) == dt.ANNOUNCE_READY.format(title="План на год")
    async with session_pool() as session:
        [draft] = (await session.scalars(select(Announcement))).all()
    assert draft.status is AnnouncementStatus.DRAFT
    assert draft.media == [{"type": "document", "file_id": "file-1", "file_name": "file-1.pdf"}]
    assert "«План на год»" in draft.text
    await client.press(COORDINATOR, dt.BTN_OPEN_DRAFT)
    assert client.last_text(COORDINATOR).startswith("📝 <b>Черновик объявления</b>")


def _labels(call: Call) -> list[str]:
    markup = call.param("reply_markup")
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_a_new_file_at_the_title_step_replaces_the_first(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/documents")
    await client.press(COORDINATOR, dt.BTN_ADD)
    await client.send_document(COORDINATOR, "old.pdf", b"%PDF", mime="application/pdf")
    second = await client.send_document(COORDINATOR, "new.docx", b"PK")
    keep = dt.BTN_KEEP_NAME.format(name="new.docx")
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_TITLE.format(max=255)
    assert client.buttons(COORDINATOR) == [keep, t.BTN_CANCEL]
    # not a text there (a sticker, a photo): the question again, with the same keyboard
    for photo in (False, True):
        client.clear()
        if photo:
            await client.send_photo(COORDINATOR)
        else:
            await send_sticker(client, COORDINATOR)
        [answer] = client.calls("SendMessage")
        assert answer.param("text") == dt.ADD_ASK_TITLE.format(max=255)
        assert _labels(answer) == [keep, t.BTN_CANCEL]
    # a title too short: said, the keyboard kept too
    client.clear()
    await client.send(COORDINATOR, "Я")
    [answer] = client.calls("SendMessage")
    assert _labels(answer) == [keep, t.BTN_CANCEL]
    await client.press(COORDINATOR, keep)
    await client.press(COORDINATOR, dt.CATEGORIES["samples"])
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    assert "Файл: new.docx" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    assert (doc.title, doc.file_name, doc.file_id) == ("new.docx", "new.docx", second)


FORBIDDEN = (
    "scenario.exe",
    "SETUP.EXE",
    "macro.Js",
    "run.ps1",
    "tool.exe.",
    "app.APK",
    "page.hta",
    "link.LNK",
    # a name too long for the table: checked as it came, not once cut to «…» without «.exe»
    "А" * 300 + ".exe.",
    "Б" * 300 + ".exe" + " " * 20,
)


async def test_programs_and_scripts_are_not_published(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/documents")
    await client.press(COORDINATOR, dt.BTN_ADD)
    for name in FORBIDDEN:
        client.clear()
        await client.send_document(COORDINATOR, name, b"MZ")
        assert client.texts(COORDINATOR) == [
            "Такой файл нельзя опубликовать: пришлите PDF, Word, Excel, PowerPoint, "
            "картинку или архив."
        ], name
        assert client.buttons(COORDINATOR) == [t.BTN_CANCEL]
    # the form is still at the file: a proper one goes on to the title
    await client.send_document(COORDINATOR, "scenario.pdf", b"%PDF", mime="application/pdf")
    keep = dt.BTN_KEEP_NAME.format(name="scenario.pdf")
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_TITLE.format(max=255)
    # one at the title step is refused too, the file sent before kept
    await client.send_document(COORDINATOR, "scenario.bat", b"@echo")
    assert client.last_text(COORDINATOR) == dt.FORBIDDEN_TYPE
    assert client.buttons(COORDINATOR) == [keep, t.BTN_CANCEL]
    await client.press(COORDINATOR, keep)
    await client.press(COORDINATOR, dt.CATEGORIES["samples"])
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    assert doc.file_name == "scenario.pdf"

    # the replacement: refused, the version and the file unchanged; then a proper one
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    client.clear()
    await client.send_document(COORDINATOR, "patch.EXE", b"MZ")
    assert client.texts(COORDINATOR) == [dt.FORBIDDEN_TYPE]
    assert client.buttons(COORDINATOR) == [t.BTN_CANCEL]
    [same] = await documents(session_pool)
    assert (same.version, same.file_id, same.file_name) == (1, doc.file_id, "scenario.pdf")
    await client.send_document(COORDINATOR, "scenario-2.pdf", b"%PDF", mime="application/pdf")
    await client.press(COORDINATOR, dt.BTN_YES)
    [new] = await documents(session_pool)
    assert (new.version, new.file_name) == (2, "scenario-2.pdf")

    # the rule is the service's: whoever calls it
    async with session_pool.begin() as s:
        for name in FORBIDDEN:
            file = DocumentFile("f-x", "u-f-x", name)
            try:
                await publish(
                    s,
                    district_setup.district_id,
                    file,
                    "Программа",
                    DocumentCategory.SAMPLES,
                    None,
                    None,
                    clock,
                )
            except ValidationError as e:
                assert e.code == "document_forbidden_type", name
            else:
                raise AssertionError(name)
            try:
                await replace(s, new, file, clock)
            except ValidationError as e:
                assert e.code == "document_forbidden_type", name
            else:
                raise AssertionError(name)
    for name in ("plan.pdf", "photo.JPG", "archive.zip", "table.xlsx", "slides.pptx", "README"):
        assert check_file(DocumentFile("f", "u", name)).file_name == name
    assert len(await documents(session_pool)) == 1
