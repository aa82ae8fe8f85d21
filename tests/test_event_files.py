"""An event's files: library documents attached to an event, through the dispatcher.

The coordinator attaches them from the event's card (the library's new-document form, the
event kept in the form), the librarian takes them from the task's card or the opening prompt.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.toolkit.callbacks import DocAction, DocCb, EventAction, EventCb, TaskAction, TaskCb
from models import DocumentCategory, DocumentStatus, EventKind, EventStatus
from services.documents import DocumentFile, publish
from services.events import EventInput, create_event, get_event, set_status
from services.users import get_user
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Client
from tests.test_access_matrix import COORDINATOR_B, LIBRARIAN_B, _district_b
from tests.test_confirmations import TZ, make_event
from tests.test_documents import documents, downloads

EVENT = "Неделя детской книги"
FILE_TITLE = "Сценарий недели"


async def event_with_activity(
    pool: async_sessionmaker[AsyncSession], clock: FixedClock, district_id: int, number: int
) -> int:
    """An open event of the roadmap's item `number` (the catalogue must be loaded)."""
    async with pool.begin() as s:
        event = await create_event(
            s,
            district_id,
            EventInput(
                title=EVENT,
                kind=EventKind.ACTIVITY,
                starts_on=date(2026, 11, 1),
                ends_on=date(2026, 11, 30),
                deadline_local=datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001 - local wall time
                activity_number=number,
            ),
            TZ,
            clock,
        )
        await set_status(s, event, EventStatus.OPEN, clock)
        return event.id


async def attach(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_id: int,
    event_id: int | None,
    title: str,
    file_id: str,
) -> int:
    async with pool.begin() as s:
        event = await get_event(s, event_id) if event_id else None
        doc = await publish(
            s,
            district_id,
            DocumentFile(file_id, f"u-{file_id}", f"{file_id}.pdf"),
            title,
            DocumentCategory.METHODICAL,
            None,
            None,
            clock,
            event=event,
        )
        return doc.id


def card_of(event_id: int) -> str:
    return EventCb(action=EventAction.OPEN, event_id=event_id).pack()


async def test_attach_from_the_event_and_take_it_from_the_task(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await event_with_activity(session_pool, clock, district_setup.district_id, 5)
    # the coordinator: the event's card has «📎 Материалы», no files yet
    await client.press_data(COORDINATOR, card_of(event_id))
    assert dt.BTN_EVENT_FILES in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, dt.BTN_EVENT_FILES)
    assert client.last_text(COORDINATOR) == dt.EVENT_FILES_EMPTY.format(title=EVENT)
    assert client.buttons(COORDINATOR) == [dt.BTN_ATTACH, t.BTN_BACK]
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_FILE_EVENT.format(title=EVENT)
    await client.send_document(COORDINATOR, "scenario.docx", b"PK")
    await client.press(COORDINATOR, dt.BTN_KEEP_NAME.format(name="scenario.docx"))
    # the category: methodical materials suggested first, the others still there
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_CATEGORY_EVENT
    suggested = dt.SUGGESTED.format(name=dt.CATEGORIES["methodical"])
    assert client.buttons(COORDINATOR)[0] == suggested
    assert dt.CATEGORIES["samples"] in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, suggested)
    # the roadmap item is the event's activity's: no step for it, straight to the summary
    summary = client.last_text(COORDINATOR)
    assert "Пункт дорожной карты: 5" in summary
    assert dt.SUMMARY_EVENT.format(title=EVENT) in summary
    assert await documents(session_pool) == []
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    # back on the event's files, the new one among them
    assert client.last_text(COORDINATOR) == (
        f"{dt.PUBLISHED}\n\n{dt.EVENT_FILES.format(title=EVENT, total=1)}"
    )
    assert client.buttons(COORDINATOR) == ["scenario.docx", dt.BTN_ATTACH, t.BTN_BACK]
    [doc] = await documents(session_pool)
    assert (doc.event_id, doc.title, doc.category, doc.activity_number, doc.version) == (
        event_id,
        "scenario.docx",
        DocumentCategory.METHODICAL,
        5,
        1,
    )
    assert doc.district_id == district_setup.district_id
    # its library card names the event; «Назад» returns to the event's files
    await client.press(COORDINATOR, "scenario.docx")
    assert dt.CARD_EVENT.format(title=EVENT, date="05.12.2026") in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, t.BTN_BACK)
    assert client.last_text(COORDINATOR) == dt.EVENT_FILES.format(title=EVENT, total=1)
    await client.press(COORDINATOR, t.BTN_BACK)
    assert dt.files_button(1) in client.buttons(COORDINATOR)  # the event's card again

    # the librarian: the task's card has «📎 Материалы (1)», one tap on the file sends it
    client.clear()
    await client.send(LIBRARIAN, "/tasks")
    await client.press_data(LIBRARIAN, TaskCb(action=TaskAction.OPEN, event_id=event_id).pack())
    assert dt.files_button(1) in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, dt.files_button(1))
    assert client.last_text(LIBRARIAN) == dt.TASK_FILES.format(title=EVENT)
    await client.press(LIBRARIAN, dt.FILE_BUTTON.format(title="scenario.docx"))
    [sent] = client.calls("SendDocument")
    assert (sent.param("document"), int(sent.param("chat_id"))) == (doc.file_id, LIBRARIAN.id)
    async with session_pool() as s:
        librarian = await get_user(s, LIBRARIAN.id)
        assert librarian is not None
        librarian_id = librarian.id
    assert await downloads(session_pool) == [(doc.id, librarian_id, 1)]
    # the file is in the library too, its card naming the event
    await client.press_data(LIBRARIAN, DocCb(action=DocAction.CARD, document_id=doc.id).pack())
    assert dt.CARD_EVENT.format(title=EVENT, date="05.12.2026") in client.last_text(LIBRARIAN)


async def test_a_new_version_and_a_withdrawal(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    doc_id = await attach(
        session_pool, clock, district_setup.district_id, event_id, FILE_TITLE, "f-1"
    )
    # the librarian takes it from the task
    await client.press_data(LIBRARIAN, TaskCb(action=TaskAction.FILES, event_id=event_id).pack())
    await client.press(LIBRARIAN, dt.FILE_BUTTON.format(title=FILE_TITLE))
    # the coordinator replaces it from the event's files: the librarian is told
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILES, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, FILE_TITLE)
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    await client.send_document(COORDINATOR, "v2.pdf", b"%PDF-2", mime="application/pdf")
    await client.press(COORDINATOR, dt.BTN_YES)
    assert dt.REPLACED.format(version=2, told=1) in client.last_text(COORDINATOR)
    client.clear()
    assert await client.drain() >= 1
    assert dt.REPLACED_NOTICE.format(title=FILE_TITLE, version=2) in client.texts(LIBRARIAN)
    # withdrawn from the event's files: the card's «Назад» still leads there
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILES, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, FILE_TITLE)
    await client.press(COORDINATOR, dt.BTN_WITHDRAW)
    await client.press(COORDINATOR, dt.BTN_YES)
    [doc] = await documents(session_pool)
    assert (doc.id, doc.status, doc.version) == (doc_id, DocumentStatus.WITHDRAWN, 2)
    await client.press(COORDINATOR, t.BTN_BACK)
    # the coordinator still sees it, marked; it is not counted
    assert client.last_text(COORDINATOR) == dt.EVENT_FILES.format(title=EVENT, total=0)
    assert f"{dt.WITHDRAWN_ICON}{FILE_TITLE}" in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, t.BTN_BACK)
    assert dt.BTN_EVENT_FILES in client.buttons(COORDINATOR)
    # the librarian no longer sees it
    client.clear()
    await client.press_data(LIBRARIAN, TaskCb(action=TaskAction.OPEN, event_id=event_id).pack())
    assert not any(b.startswith(dt.BTN_EVENT_FILES) for b in client.buttons(LIBRARIAN))
    await client.press_data(LIBRARIAN, TaskCb(action=TaskAction.FILES, event_id=event_id).pack())
    assert client.last_text(LIBRARIAN) == dt.TASK_FILES_EMPTY.format(title=EVENT)
    assert client.buttons(LIBRARIAN) == [t.BTN_BACK]


async def test_an_event_without_activity_asks_the_item(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(
        session_pool, clock, district_setup.district_id, title=EVENT, status=EventStatus.DRAFT
    )
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILE_ADD, event_id=event_id).pack()
    )
    await client.send_document(COORDINATOR, "plan.pdf", b"%PDF")
    await client.send(COORDINATOR, "План недели")
    await client.press(COORDINATOR, dt.CATEGORIES["samples"])  # not the suggested one
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_ITEM
    await client.press(COORDINATOR, "2")
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    assert (doc.event_id, doc.title, doc.category, doc.activity_number) == (
        event_id,
        "План недели",
        DocumentCategory.SAMPLES,
        2,
    )
    # the event is opened: its prompt carries the files' button
    await client.press_data(COORDINATOR, card_of(event_id))
    await client.press(COORDINATOR, ev.BTN_OPEN)
    await client.press(COORDINATOR, ev.BTN_YES)
    client.clear()
    await client.drain()
    prompt = ev.PROMPT_OPENED.split("\n", 1)[0].format(title=EVENT)
    assert any(text.startswith(prompt) for text in client.texts(LIBRARIAN))
    assert dt.files_button(1) in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, dt.files_button(1))
    assert dt.FILE_BUTTON.format(title="План недели") in client.buttons(LIBRARIAN)
    # a draft's title is shown to staff only: the library card names it once it is open
    await client.press_data(LIBRARIAN, DocCb(action=DocAction.CARD, document_id=doc.id).pack())
    assert "К событию" in client.last_text(LIBRARIAN)


async def test_a_drafts_title_is_not_shown_to_librarians(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(
        session_pool, clock, district_setup.district_id, title=EVENT, status=EventStatus.DRAFT
    )
    doc_id = await attach(
        session_pool, clock, district_setup.district_id, event_id, FILE_TITLE, "f-1"
    )
    card = DocCb(action=DocAction.CARD, document_id=doc_id).pack()
    await client.press_data(LIBRARIAN, card)
    assert FILE_TITLE in client.last_text(LIBRARIAN)
    assert EVENT not in client.last_text(LIBRARIAN)
    await client.press_data(COORDINATOR, card)
    assert dt.CARD_EVENT.format(title=EVENT, date="05.12.2026") in client.last_text(COORDINATOR)


async def test_forged_buttons_change_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    district_id = district_setup.district_id
    event_a = await make_event(session_pool, clock, district_id, title=EVENT)
    other_event = await make_event(session_pool, clock, district_id, title="Другое событие")
    doc_a = await attach(session_pool, clock, district_id, event_a, FILE_TITLE, "f-a")
    doc_other = await attach(session_pool, clock, district_id, other_event, "Чужой файл", "f-o")
    loose = await attach(session_pool, clock, district_id, None, "Просто документ", "f-l")
    b = await _district_b(client, session_pool, clock)
    before = [(d.id, d.event_id, d.status, d.version) for d in await documents(session_pool)]

    # an event of another district: refused as unknown, for the coordinator and the librarian
    for action in (EventAction.FILES, EventAction.FILE_ADD, EventAction.FILE_CARD):
        client.clear()
        data = EventCb(action=action, event_id=event_a, arg=str(doc_a)).pack()
        await client.press_data(COORDINATOR_B, data)
        assert client.alerts() == [ev.UNKNOWN_EVENT], action
        assert FILE_TITLE not in " ".join(client.texts(COORDINATOR_B))
    client.clear()
    await client.press_data(LIBRARIAN_B, TaskCb(action=TaskAction.FILES, event_id=event_a).pack())
    assert client.alerts() == [ev.UNKNOWN_EVENT]
    # the refused «Прикрепить файл» opened no form: a file sent now is not taken
    await client.send_document(COORDINATOR_B, "x.pdf", b"%PDF")
    assert dt.ADD_ASK_TITLE.format(max=255) not in client.texts(COORDINATOR_B)

    # a document that is not the event's (another event's, none, another district's): stale
    for document_id in (doc_other, loose, b.document):
        client.clear()
        forged = EventCb(action=EventAction.FILE_CARD, event_id=event_a, arg=str(document_id))
        await client.press_data(COORDINATOR, forged.pack())
        assert client.alerts() == [t.STALE_BUTTON], document_id
        assert not client.texts(COORDINATOR)

    # the librarian presses the coordinator's «Прикрепить файл»: refused by role, no form
    client.clear()
    await client.press_data(
        LIBRARIAN, EventCb(action=EventAction.FILE_ADD, event_id=event_a).pack()
    )
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    await client.send_document(LIBRARIAN, "x.pdf", b"%PDF")
    assert dt.ADD_ASK_TITLE.format(max=255) not in client.texts(LIBRARIAN)
    # nor may a coordinator open a librarian's list
    client.clear()
    await client.press_data(COORDINATOR, TaskCb(action=TaskAction.FILES, event_id=event_a).pack())
    assert client.alerts() == [t.UNHANDLED_BUTTON]

    after = [(d.id, d.event_id, d.status, d.version) for d in await documents(session_pool)]
    assert after == before
    assert await downloads(session_pool) == []


async def test_an_event_gone_before_publishing_publishes_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILE_ADD, event_id=event_id).pack()
    )
    await client.send_document(COORDINATOR, "plan.pdf", b"%PDF")
    await client.press(COORDINATOR, dt.BTN_KEEP_NAME.format(name="plan.pdf"))
    await client.press(COORDINATOR, dt.SUGGESTED.format(name=dt.CATEGORIES["methodical"]))
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    async with session_pool.begin() as s:
        await s.delete(await get_event(s, event_id))
    client.clear()
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    assert client.alerts() == [ev.UNKNOWN_EVENT]
    assert await documents(session_pool) == []
