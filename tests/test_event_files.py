"""An event's files: library documents attached to an event, through the dispatcher.

The coordinator attaches them from the event's card (the library's new-document form, the
event kept in the form), the librarian takes them from the task's card or the opening prompt.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.toolkit.callbacks import DocAction, DocCb, EventAction, EventCb, TaskAction, TaskCb
from models import (
    DocumentCategory,
    DocumentStatus,
    EventKind,
    EventStatus,
    Notification,
    NotificationStatus,
    SeminarReply,
)
from services.documents import DocumentFile, publish
from services.events import EventInput, create_event, get_event, set_status
from services.reminders import plan_reminders
from services.users import get_user
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Client
from tests.test_access_matrix import COORDINATOR_B, LIBRARIAN_B, _district_b
from tests.test_confirmations import TZ, make_event
from tests.test_documents import documents, downloads, send_sticker
from tests.test_reminders import CFG, RENDER, SEMINAR, local

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


async def file_notices(
    pool: async_sessionmaker[AsyncSession],
) -> list[tuple[str, str, int | None, int | None]]:
    """The outbox rows of «a file was added» notices: (key, purpose, event, user)."""
    async with pool() as s:
        rows = await s.execute(
            select(
                Notification.dedupe_key,
                Notification.purpose,
                Notification.event_id,
                Notification.user_id,
            )
            .where(Notification.dedupe_key.startswith("event-file:"))
            .order_by(Notification.id)
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


async def user_id_of(pool: async_sessionmaker[AsyncSession], telegram_id: int) -> int:
    async with pool() as s:
        user = await get_user(s, telegram_id)
        assert user is not None
        return user.id


def files_text(title: str, total: int, *, withdrawn: bool = False) -> str:
    """The materials screen's text when the event has files."""
    mark = dt.EVENT_FILES_WITHDRAWN if withdrawn else ""
    return dt.EVENT_FILES.format(title=title, total=total, withdrawn=mark)


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
    # back on the event's files, the new one among them; the event is open: nobody is told
    # unless the coordinator asks
    assert client.last_text(COORDINATOR) == (
        f"{dt.PUBLISHED}\n{dt.PUBLISHED_OPEN}\n\n{files_text(EVENT, 1)}"
    )
    assert client.buttons(COORDINATOR) == [
        dt.BTN_TELL.format(count=1),
        "scenario.docx",
        dt.BTN_ATTACH,
        t.BTN_BACK,
    ]
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
    assert client.last_text(COORDINATOR) == files_text(EVENT, 1)
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
    # the coordinator still sees it, marked (and the mark explained); it is not counted
    assert client.last_text(COORDINATOR) == files_text(EVENT, 0, withdrawn=True)
    assert "Опубликовано файлов: 0 (🚫 — сняты с публикации)." in client.last_text(COORDINATOR)
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
    # a draft: its files go with the opening prompt, nothing to tell now
    assert client.last_text(COORDINATOR) == f"{dt.PUBLISHED}\n\n{files_text(EVENT, 1)}"
    assert not any(b.startswith("📣") for b in client.buttons(COORDINATOR))
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
    for action in (
        EventAction.FILES,
        EventAction.FILE_ADD,
        EventAction.FILE_CARD,
        EventAction.FILE_FORM,
        EventAction.FILE_TELL,
        EventAction.FILE_TELL_OK,
    ):
        client.clear()
        arg = "fp" if action is EventAction.FILE_FORM else str(doc_a)
        data = EventCb(action=action, event_id=event_a, arg=arg).pack()
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

    # «Сообщить библиотекарям» naming a file that is not the event's: stale, nobody told
    for document_id in (doc_other, loose, b.document):
        client.clear()
        for action in (EventAction.FILE_TELL, EventAction.FILE_TELL_OK):
            forged = EventCb(action=action, event_id=event_a, arg=str(document_id))
            await client.press_data(COORDINATOR, forged.pack())
        assert client.alerts() == [t.STALE_BUTTON, t.STALE_BUTTON], document_id

    # the librarian presses the coordinator's «Прикрепить файл»: refused by role, no form
    client.clear()
    await client.press_data(
        LIBRARIAN, EventCb(action=EventAction.FILE_ADD, event_id=event_a).pack()
    )
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    for action in (EventAction.FILE_TELL, EventAction.FILE_TELL_OK):
        client.clear()
        forged = EventCb(action=action, event_id=event_a, arg=str(doc_a))
        await client.press_data(LIBRARIAN, forged.pack())
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
    assert await file_notices(session_pool) == []


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


async def test_a_file_added_to_an_open_event_is_told_on_request(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILE_ADD, event_id=event_id).pack()
    )
    await client.send_document(COORDINATOR, "scenario.docx", b"PK")
    await client.send(COORDINATOR, FILE_TITLE)
    await client.press(COORDINATOR, dt.SUGGESTED.format(name=dt.CATEGORIES["methodical"]))
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    # the event is open: a notice and «Сообщить библиотекарям (1)», nothing sent by itself
    assert client.last_text(COORDINATOR) == (
        f"{dt.PUBLISHED}\n{dt.PUBLISHED_OPEN}\n\n{files_text(EVENT, 1)}"
    )
    tell = dt.BTN_TELL.format(count=1)
    assert client.buttons(COORDINATOR)[0] == tell
    assert await file_notices(session_pool) == []
    # «Нет» goes back to the materials, nobody told
    await client.press(COORDINATOR, tell)
    assert client.last_text(COORDINATOR) == (
        f"Отправить 1 библиотекарю сообщение о файле «{FILE_TITLE}»?"
    )
    assert client.buttons(COORDINATOR) == [dt.BTN_YES, dt.BTN_NO]
    await client.press(COORDINATOR, dt.BTN_NO)
    assert client.last_text(COORDINATOR) == files_text(EVENT, 1)
    assert await file_notices(session_pool) == []
    # «Да»: one outbox row per librarian of the audience, the materials say so
    await client.press_data(
        COORDINATOR,
        EventCb(action=EventAction.FILE_TELL, event_id=event_id, arg=str(doc.id)).pack(),
    )
    _, yes = client.find_button(COORDINATOR, dt.BTN_YES)
    await client.press(COORDINATOR, dt.BTN_YES)
    assert client.last_text(COORDINATOR) == (
        f"{dt.TOLD.format(title=FILE_TITLE, count=1)}\n\n{files_text(EVENT, 1)}"
    )
    assert tell not in client.buttons(COORDINATOR)
    librarian_id = await user_id_of(session_pool, LIBRARIAN.id)
    row = (f"event-file:{doc.id}:{LIBRARIAN.id}", "event_file", event_id, librarian_id)
    assert await file_notices(session_pool) == [row]
    # a second «Да», or «Сообщить» again: «Уже сообщено», nothing new planned
    client.clear()
    await client.press_data(COORDINATOR, yes)
    await client.press_data(
        COORDINATOR,
        EventCb(action=EventAction.FILE_TELL, event_id=event_id, arg=str(doc.id)).pack(),
    )
    assert client.alerts() == [dt.ALREADY_TOLD, dt.ALREADY_TOLD]
    assert not client.texts(COORDINATOR)
    assert await file_notices(session_pool) == [row]
    # the librarian: the notice, its button opens the event's files
    client.clear()
    assert await client.drain() >= 1
    notice = f"📎 К событию «{EVENT}» добавлен файл «{FILE_TITLE}»."
    assert client.texts(LIBRARIAN) == [notice]
    assert client.buttons(LIBRARIAN) == [dt.files_button(1)]
    await client.press(LIBRARIAN, dt.files_button(1))
    assert client.last_text(LIBRARIAN) == dt.TASK_FILES.format(title=EVENT)
    await client.press(LIBRARIAN, dt.FILE_BUTTON.format(title=FILE_TITLE))
    assert client.calls("SendDocument")[-1].param("document") == doc.file_id
    # a closed event is not told
    other = await attach(
        session_pool, clock, district_setup.district_id, event_id, "Второй файл", "f-2"
    )
    async with session_pool.begin() as s:
        event = await get_event(s, event_id)
        assert event is not None
        await set_status(s, event, EventStatus.CLOSED, clock)
    client.clear()
    await client.press_data(
        COORDINATOR,
        EventCb(action=EventAction.FILE_TELL_OK, event_id=event_id, arg=str(other)).pack(),
    )
    assert client.alerts() == [dt.TELL_NOT_OPEN]
    assert await file_notices(session_pool) == [row]


async def test_a_file_notice_is_dropped_when_the_event_is_cancelled_before_it_goes(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    doc = await attach(
        session_pool, clock, district_setup.district_id, event_id, FILE_TITLE, "f-1"
    )
    await client.press_data(
        COORDINATOR,
        EventCb(action=EventAction.FILE_TELL_OK, event_id=event_id, arg=str(doc)).pack(),
    )
    assert len(await file_notices(session_pool)) == 1  # planned, not yet sent
    async with session_pool.begin() as s:
        event = await get_event(s, event_id)
        assert event is not None
        await set_status(s, event, EventStatus.CANCELLED, clock)
    client.clear()
    await client.drain()
    assert client.texts(LIBRARIAN) == []
    async with session_pool() as s:
        statuses = (
            await s.scalars(
                select(Notification.status).where(
                    Notification.dedupe_key.startswith("event-file:")
                )
            )
        ).all()
    assert statuses == [NotificationStatus.CANCELLED]


def test_to_librarians_agrees_with_the_count() -> None:
    assert [dt.to_librarians(n) for n in (1, 2, 5, 11, 12, 21)] == [
        "1 библиотекарю",
        "2 библиотекарям",
        "5 библиотекарям",
        "11 библиотекарям",
        "12 библиотекарям",
        "21 библиотекарю",
    ]


async def test_cancel_and_late_buttons_lead_back_to_the_events_materials(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    doc_id = await attach(
        session_pool, clock, district_setup.district_id, event_id, FILE_TITLE, "f-1"
    )
    materials = files_text(EVENT, 1)
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILES, event_id=event_id).pack()
    )
    # «Отмена» at the file step: back to the materials, the form closed
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == materials
    assert client.buttons(COORDINATOR) == [FILE_TITLE, dt.BTN_ATTACH, t.BTN_BACK]
    client.clear()
    await client.send_document(COORDINATOR, "late.pdf", b"%PDF")
    assert dt.ADD_ASK_TITLE.format(max=255) not in client.texts(COORDINATOR)
    # a program is refused there (nothing kept, the form stays at the file), then «Отмена»
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    await client.send_document(COORDINATOR, "scenario.exe", b"MZ")
    assert client.last_text(COORDINATOR) == dt.FORBIDDEN_TYPE
    assert client.buttons(COORDINATOR) == [t.BTN_CANCEL]
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == materials
    # «Отмена» of the title question (a message of its own)
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    await client.send_document(COORDINATOR, "plan.pdf", b"%PDF")
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == materials
    assert t.CANCELLED not in client.texts(COORDINATOR)
    # at the summary, then its «Опубликовать» pressed late: the way back, no /documents
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    await client.send_document(COORDINATOR, "plan.pdf", b"%PDF")
    await client.press(COORDINATOR, dt.BTN_KEEP_NAME.format(name="plan.pdf"))
    await client.press(COORDINATOR, dt.SUGGESTED.format(name=dt.CATEGORIES["methodical"]))
    _, no_item = client.find_button(COORDINATOR, dt.BTN_NO_ITEM)
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    # an older message's button while the form goes on: stale, the form untouched
    client.clear()
    await client.press_data(COORDINATOR, no_item)
    assert client.alerts() == [t.STALE_BUTTON]
    assert not client.texts(COORDINATOR)
    _, publish = client.find_button(COORDINATOR, dt.BTN_PUBLISH)
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == materials
    client.clear()
    await client.press_data(COORDINATOR, publish)
    assert client.texts(COORDINATOR) == [dt.FORM_GONE_EVENT]
    assert "/documents" not in dt.FORM_GONE_EVENT
    assert client.buttons(COORDINATOR) == [dt.BTN_EVENT_FILES]
    await client.press(COORDINATOR, dt.BTN_EVENT_FILES)
    assert client.last_text(COORDINATOR) == materials
    assert [d.id for d in await documents(session_pool)] == [doc_id]

    # a replacement begun from the event's file card: «Отмена» goes back to that card
    await client.press(COORDINATOR, FILE_TITLE)
    card = client.last_text(COORDINATOR)
    assert dt.CARD_EVENT.format(title=EVENT, date="05.12.2026") in card
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == card
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    await send_sticker(client, COORDINATOR)
    assert client.last_text(COORDINATOR) == dt.NOT_DOCUMENT
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == card
    await client.press(COORDINATOR, t.BTN_BACK)  # the card's «Назад»: the materials
    assert client.last_text(COORDINATOR) == materials
    # its «Да» pressed after «Нет»: the way back to the materials, the file unchanged
    await client.press(COORDINATOR, FILE_TITLE)
    await client.press(COORDINATOR, dt.BTN_REPLACE)
    await client.send_document(COORDINATOR, "v2.pdf", b"%PDF-2", mime="application/pdf")
    _, yes = client.find_button(COORDINATOR, dt.BTN_YES)
    await client.press(COORDINATOR, dt.BTN_NO)
    assert client.last_text(COORDINATOR) == card
    client.clear()
    await client.press_data(COORDINATOR, yes)
    assert client.texts(COORDINATOR) == [dt.FORM_GONE_EVENT]
    assert client.buttons(COORDINATOR) == [dt.BTN_EVENT_FILES]
    [doc] = await documents(session_pool)
    assert (doc.version, doc.file_id) == (1, "f-1")


async def test_a_seminars_materials_quotes_its_title_and_ride_on_its_invitation(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    async with session_pool.begin() as s:
        seminar = replace(SEMINAR, title="Семинар «Читаем вместе»")
        event_id = (await create_event(s, district_setup.district_id, seminar, TZ, clock)).id
    shown = "Семинар „Читаем вместе“"  # the inner quotes, inside the screens' «…»
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILES, event_id=event_id).pack()
    )
    assert client.last_text(COORDINATOR) == dt.EVENT_FILES_EMPTY.format(title=shown)
    assert f"📎 <b>Материалы к событию «{shown}»</b>" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, dt.BTN_ATTACH)
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_FILE_EVENT.format(title=shown)
    # a second file at the title step replaces the first; a sticker keeps the keyboard
    await client.send_document(COORDINATOR, "draft.pdf", b"%PDF")
    await client.send_document(COORDINATOR, "programme.pdf", b"%PDF", mime="application/pdf")
    keep = dt.BTN_KEEP_NAME.format(name="programme.pdf")
    assert client.last_text(COORDINATOR) == dt.ADD_ASK_TITLE.format(max=255)
    assert client.buttons(COORDINATOR) == [keep, t.BTN_CANCEL]
    client.clear()
    await send_sticker(client, COORDINATOR)
    [answer] = client.calls("SendMessage")
    assert answer.param("text") == dt.ADD_ASK_TITLE.format(max=255)
    markup = answer.param("reply_markup")
    assert [b.text for row in markup.inline_keyboard for b in row] == [keep, t.BTN_CANCEL]
    await client.press(COORDINATOR, keep)
    await client.press(COORDINATOR, dt.SUGGESTED.format(name=dt.CATEGORIES["methodical"]))
    await client.press(COORDINATOR, dt.BTN_NO_ITEM)
    summary = client.last_text(COORDINATOR)
    assert dt.SUMMARY_EVENT.format(title=shown) in summary and "««" not in summary
    await client.press(COORDINATOR, dt.BTN_PUBLISH)
    [doc] = await documents(session_pool)
    assert (doc.event_id, doc.title, doc.file_name) == (event_id, "programme.pdf", "programme.pdf")
    # the library card: the seminar's day, not a deadline
    await client.press(COORDINATOR, "programme.pdf")
    card = client.last_text(COORDINATOR)
    assert dt.CARD_SEMINAR.format(title=shown, date="10.12.2026") in card
    assert "(до " not in card
    # opened: the invitation carries «📎 Материалы (1)» under its answers, which still work
    await client.press_data(COORDINATOR, card_of(event_id))
    await client.press(COORDINATOR, ev.BTN_OPEN)
    await client.press(COORDINATOR, ev.BTN_YES)
    client.clear()
    await client.drain()
    assert client.buttons(LIBRARIAN) == [r.BTN_WILL_COME, r.BTN_CANNOT, dt.files_button(1)]
    [invitation] = client.texts(LIBRARIAN)
    # the list comes in a new message: the invitation stays, its answers still work
    client.clear()
    await client.press(LIBRARIAN, dt.files_button(1))
    assert not client.calls("EditMessageText")
    assert client.texts(LIBRARIAN) == [dt.TASK_FILES.format(title=shown)]
    assert client.buttons(LIBRARIAN) == [dt.FILE_BUTTON.format(title="programme.pdf")]
    await client.press(LIBRARIAN, dt.FILE_BUTTON.format(title="programme.pdf"))
    assert client.calls("SendDocument")[-1].param("document") == doc.file_id
    await client.press(LIBRARIAN, r.BTN_WILL_COME)
    assert client.last_text(LIBRARIAN).startswith(invitation.rsplit("\n", 1)[0])
    async with session_pool() as s:
        [reply] = (await s.scalars(select(SeminarReply))).all()
    assert (reply.event_id, reply.attending) == (event_id, True)
    # the answered invitation keeps the materials under the answers
    markup = client.calls("EditMessageText")[-1].param("reply_markup")
    assert [b.text for row in markup.inline_keyboard for b in row] == [
        r.BTN_CHOSEN.format(label=r.BTN_WILL_COME),
        r.BTN_CANNOT,
        dt.files_button(1),
    ]
    # the day before, «завтра семинар» to one who will come carries them too
    client.clear()
    async with session_pool.begin() as s:
        assert await plan_reminders(s, local(2026, 12, 9, 10, 1), CFG, RENDER) == 1
    clock.now = local(2026, 12, 9, 10, 2)
    await client.drain()
    [tomorrow] = client.texts(LIBRARIAN)
    assert "завтра" in tomorrow, tomorrow
    assert client.buttons(LIBRARIAN) == [dt.files_button(1)]


async def test_librarians_can_be_told_later_from_the_files_card(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    """A coordinator who left the screen after publishing finds «Сообщить» on the file's card
    (from the event's materials) while the event is open and nobody was told."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=EVENT)
    await attach(session_pool, clock, district_setup.district_id, event_id, FILE_TITLE, "f-1")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.FILES, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, FILE_TITLE)
    tell = dt.BTN_TELL.format(count=1)
    assert tell in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, tell)
    await client.press(COORDINATOR, dt.BTN_YES)
    assert len(await file_notices(session_pool)) == 1
    # told: the card no longer offers it
    await client.press(COORDINATOR, FILE_TITLE)
    assert tell not in client.buttons(COORDINATOR)
    assert dt.BTN_REPLACE in client.buttons(COORDINATOR)
    # a card opened from the library (not the event) does not offer it either
    other = await attach(
        session_pool, clock, district_setup.district_id, event_id, "Второй файл", "f-2"
    )
    await client.press_data(
        COORDINATOR,
        DocCb(action=DocAction.CARD, document_id=other, category="methodical").pack(),
    )
    assert dt.BTN_TELL.format(count=1) not in client.buttons(COORDINATOR)
