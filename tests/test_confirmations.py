"""Events, confirmations with evidence, review: through the real Dispatcher."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import (
    ConfirmAction,
    ConfirmStep,
    EventAction,
    EventCb,
    TaskAction,
    TaskCb,
)
from models import (
    Confirmation,
    ConfirmationStatus,
    District,
    Event,
    EventKind,
    EventStatus,
    Evidence,
    EvidenceKind,
)
from services.events import EventInput, create_event, set_status
from services.schools import add_school
from tests.conftest import (
    COORDINATOR,
    LIBRARIAN,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.harness import Client, Person

TZ = ZoneInfo("Asia/Yekaterinburg")
SECOND = Person(id=3002, first_name="Мария", last_name="Сидорова")


async def make_event(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_id: int,
    *,
    title: str = "Неделя детской книги",
    status: EventStatus = EventStatus.OPEN,
    starts: date = date(2026, 11, 1),
    ends: date = date(2026, 11, 30),
    deadline: datetime = datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001 - local wall time
) -> int:
    async with session_pool.begin() as session:
        event = await create_event(
            session,
            district_id,
            EventInput(
                title=title,
                kind=EventKind.ACTIVITY,
                starts_on=starts,
                ends_on=ends,
                deadline_local=deadline,
                activity_number=None,
            ),
            TZ,
            clock,
        )
        if status is not EventStatus.DRAFT:
            await set_status(session, event, EventStatus.OPEN, clock)
            if status is not EventStatus.OPEN:
                await set_status(session, event, status, clock)
        return event.id


@pytest.fixture
async def librarian(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> DistrictSetup:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    client.clear()
    return district_setup


async def confirmations(session: AsyncSession) -> list[Confirmation]:
    stmt = select(Confirmation).execution_options(populate_existing=True)
    return list((await session.scalars(stmt)).all())


async def test_opening_an_event_prompts_librarians(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    event_id = await make_event(
        session_pool, clock, librarian.district_id, status=EventStatus.DRAFT
    )
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert "черновик" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_OPEN)
    assert "(1)" in client.last_text(COORDINATOR)  # one librarian will be prompted
    await client.press(COORDINATOR, ev.BTN_YES)
    assert not client.texts(LIBRARIAN)  # planned into the outbox, not sent from the handler
    assert await client.drain() == 1
    prompts = client.texts(LIBRARIAN)
    assert prompts and "Неделя детской книги" in prompts[-1]
    client.find_button(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    client.find_button(LIBRARIAN, ev.BTN_DETAILS)
    status = await session.scalar(
        select(Event.status).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert status is EventStatus.OPEN
    # the outcome heads the card, which stays the newest message, with its buttons
    assert client.last_text(COORDINATOR).startswith(ev.OPENED + "\n\n")
    assert ev.BTN_CLOSE in client.buttons(COORDINATOR)


async def fill_form(client: Client, person: Person) -> None:
    await client.press(person, ev.BTN_CONFIRM_TASK)
    await client.press(person, ev.BTN_TODAY.format(day="25.11.2026"))
    await client.send(person, "25")
    await client.send(person, "Читали вслух с 3 «А» классом")


async def submit(client: Client, person: Person, title: str = "Неделя детской книги") -> None:
    """A librarian confirms an open event from /tasks, with no evidence, and sends it."""
    await client.send(person, "/tasks")
    await client.press(person, f"⬜ {title}")
    await fill_form(client, person)
    await client.press(person, ev.BTN_DONE)
    await client.press(person, ev.BTN_SEND)
    assert client.last_text(person) == ev.SUBMITTED


async def test_librarian_confirms_with_evidence(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/tasks")
    assert "нужно отметить" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    await client.send_photo(LIBRARIAN, file_id="photo-A")
    await client.send_document(LIBRARIAN, "отчёт.pdf", b"%PDF-1.4", "application/pdf")
    await client.send(LIBRARIAN, "https://school1.example.ru/news/42")
    assert ev.EVIDENCE_ADDED.format(count=3) == client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_DONE)
    summary = client.last_text(LIBRARIAN)
    assert "25.11.2026" in summary and "25" in summary and "отчёт.pdf" in summary
    assert not await confirmations(session)  # nothing saved before "Отправить"
    await client.press(LIBRARIAN, ev.BTN_SEND)
    assert client.last_text(LIBRARIAN) == ev.SUBMITTED
    rows = await confirmations(session)
    assert len(rows) == 1
    row = rows[0]
    assert row.status is ConfirmationStatus.SUBMITTED
    assert (row.held_on, row.participants, row.is_late) == (date(2026, 11, 25), 25, False)
    evidence = (await session.scalars(select(Evidence).order_by(Evidence.position))).all()
    assert [(e.kind, e.file_id or e.url) for e in evidence] == [
        (EvidenceKind.PHOTO, "photo-A"),
        (EvidenceKind.DOCUMENT, "doc-1"),
        (EvidenceKind.LINK, "https://school1.example.ru/news/42"),
    ]
    assert evidence[1].file_name == "отчёт.pdf" and evidence[1].file_size == 8
    # pressing "Отправить" again on the old message writes nothing twice
    client.clear()
    await client.press_data(LIBRARIAN, ConfirmStep(action=ConfirmAction.SEND).pack())
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    assert len(await confirmations(session)) == 1


async def test_bad_answers_change_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    for text, code in (
        ("31.02", "bad_date"),
        ("вчера вечером", "bad_date"),
        ("26.11.2026", "date_in_future"),
    ):
        await client.send(LIBRARIAN, text)
        assert client.last_text(LIBRARIAN).startswith(ev.ERRORS[code]), text
    await client.send(LIBRARIAN, "15.10.2026")
    assert client.last_text(LIBRARIAN).startswith("Дата должна быть в периоде события")
    await client.send(LIBRARIAN, "вчера")  # 24.11: fine
    for text, code in (("-5", "number_out_of_range"), ("много", "bad_number")):
        await client.send(LIBRARIAN, text)
        assert client.last_text(LIBRARIAN).startswith(ev.ERRORS[code].format(max="100 000")), text
    await client.send(LIBRARIAN, "100001")
    assert client.last_text(LIBRARIAN).startswith("Число должно быть от 0 до 100 000")
    await client.send(LIBRARIAN, "12")
    await client.send(LIBRARIAN, "д" * 1001)
    assert "Слишком длинно: 1001 символ, а можно не больше 1000." in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_SKIP)
    await client.send_document(LIBRARIAN, "setup.exe", b"MZ", "application/octet-stream")
    assert client.last_text(LIBRARIAN) == ev.ERRORS["bad_file_type"].format(name="setup.exe")
    await client.send_document(
        LIBRARIAN, "big.pdf", b"%PDF", "application/pdf", declared_size=30 * 1024 * 1024
    )
    assert client.last_text(LIBRARIAN) == ev.ERRORS["file_too_big"]
    await client.send(LIBRARIAN, "не ссылка")
    assert client.last_text(LIBRARIAN) == ev.ERRORS["bad_url"]
    for n in range(10):
        await client.send_photo(LIBRARIAN, file_id=f"p{n}")
    await client.send_photo(LIBRARIAN, file_id="p-eleventh")
    assert client.last_text(LIBRARIAN) == ev.ERRORS["too_many_files"].format(max=10)
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    row = (await confirmations(session))[0]
    assert (row.held_on, row.participants, row.description) == (date(2026, 11, 24), 12, "")
    count = await session.scalar(select(func.count(Evidence.id)))
    assert count == 10


async def foreign_event(session_pool: async_sessionmaker[AsyncSession], clock: FixedClock) -> int:
    async with session_pool() as session:
        other = District(name="Уфимский район", created_at=clock())
        session.add(other)
        await session.commit()
        await add_school(session, other.id, "Чужая школа полностью", "Чужая", None, clock)
        other_id = other.id
    return await make_event(session_pool, clock, other_id, title="Чужое событие")


async def test_forged_and_closed_events(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    foreign = await foreign_event(session_pool, clock)
    closed = await make_event(
        session_pool, clock, librarian.district_id, title="Закрытое", status=EventStatus.CLOSED
    )
    cancelled = await make_event(
        session_pool,
        clock,
        librarian.district_id,
        title="Отменённое",
        status=EventStatus.CANCELLED,
    )
    cases = [
        (TaskCb(action=TaskAction.CONFIRM, event_id=foreign), ev.UNKNOWN_EVENT),
        (TaskCb(action=TaskAction.OPEN, event_id=foreign), ev.UNKNOWN_EVENT),
        (TaskCb(action=TaskAction.CONFIRM, event_id=closed), ev.ERRORS["event_not_open"]),
        (TaskCb(action=TaskAction.CONFIRM, event_id=cancelled), ev.ERRORS["event_not_open"]),
        (TaskCb(action=TaskAction.CONFIRM, event_id=99999), ev.UNKNOWN_EVENT),
        # a coordinator's button pressed by a librarian
        (EventCb(action=EventAction.STATUS_OK, event_id=closed, arg="open"), t.UNHANDLED_BUTTON),
    ]
    for data, alert in cases:
        client.clear()
        await client.press_data(LIBRARIAN, data.pack())
        assert client.alerts() == [alert], data
    assert not await confirmations(session)
    # a coordinator cannot close another district's event either
    client.clear()
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.STATUS_OK, event_id=foreign, arg="closed").pack()
    )
    assert client.alerts() == [ev.UNKNOWN_EVENT]
    stmt = select(Event.status).order_by(Event.id).execution_options(populate_existing=True)
    statuses = (await session.scalars(stmt)).all()
    assert statuses == [EventStatus.OPEN, EventStatus.CLOSED, EventStatus.CANCELLED]


async def test_review_return_fix_accept(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    await join_school(client, SECOND, session_pool, librarian.school_id)
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    await client.send_photo(LIBRARIAN, file_id="photo-R")
    await client.send_document(LIBRARIAN, "план.docx", b"PK..", "application/msword")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)

    client.clear()
    await client.send(COORDINATOR, "/review")
    assert "всего: 1" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино · Неделя детской книги")
    photos = client.calls("SendPhoto")
    documents = client.calls("SendDocument")
    assert [p.param("photo") for p in photos] == ["photo-R"]
    assert [d.param("document") for d in documents] == ["doc-1"]
    await client.press(COORDINATOR, ev.BTN_RETURN)
    await client.send(COORDINATOR, "Добавьте фото с мероприятия крупнее")
    await client.drain()
    row = (await confirmations(session))[0]
    assert row.status is ConfirmationStatus.RETURNED
    assert row.review_comment == "Добавьте фото с мероприятия крупнее"
    for person in (LIBRARIAN, SECOND):  # both librarians of the school are told
        assert "возвращена на доработку" in client.last_text(person)

    # the second librarian fixes the shared confirmation
    await client.press(SECOND, ev.BTN_OPEN_CONFIRMATION)
    assert "Добавьте фото" in client.last_text(SECOND)
    await client.press(SECOND, ev.BTN_EDIT_TASK)
    await client.press(SECOND, ev.BTN_CHANGE)
    await client.press(SECOND, ev.BTN_CHANGE_PARTICIPANTS)
    await client.send(SECOND, "30")
    assert "Участников: 30" in client.last_text(SECOND)
    await client.press(SECOND, ev.BTN_SEND)
    row = (await confirmations(session))[0]
    assert (row.status, row.participants, row.version) == (ConfirmationStatus.SUBMITTED, 30, 3)
    assert len(await confirmations(session)) == 1

    client.clear()
    await client.send(COORDINATOR, "/review")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино · Неделя детской книги")
    _, accept_data = client.find_button(COORDINATOR, ev.BTN_ACCEPT)
    await client.press(COORDINATOR, ev.BTN_ACCEPT)
    await client.drain()
    row = (await confirmations(session))[0]
    assert row.status is ConfirmationStatus.ACCEPTED
    assert ev.OUTCOME_ACCEPTED.format(title="Неделя детской книги") in client.texts(LIBRARIAN)
    # accepting a stale screen again changes nothing
    client.clear()
    await client.press_data(COORDINATOR, accept_data)
    assert client.alerts() == [ev.ERRORS["already_reviewed"]]
    assert not client.calls("SendMessage")


async def test_late_confirmation_and_withdraw(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    await make_event(
        session_pool,
        clock,
        librarian.district_id,
        deadline=datetime(2026, 11, 20, 18, 0),  # noqa: DTZ001 - passed already
    )
    await client.send(LIBRARIAN, "/tasks")
    assert "просрочено" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, "⚠️ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    assert client.last_text(LIBRARIAN) == ev.SUBMITTED_LATE
    row = (await confirmations(session))[0]
    assert row.is_late is True
    # after the deadline a submitted confirmation can be neither changed nor withdrawn
    client.clear()
    await client.press_data(
        LIBRARIAN, TaskCb(action=TaskAction.WITHDRAW_OK, event_id=row.event_id).pack()
    )
    assert client.alerts() == [ev.ERRORS["not_withdrawable"]]
    row = (await confirmations(session))[0]
    assert row.status is ConfirmationStatus.SUBMITTED


async def test_withdraw_before_deadline(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    await client.press(LIBRARIAN, ev.BTN_TO_TASKS)
    await client.press(LIBRARIAN, "🕓 Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_WITHDRAW)
    await client.press(LIBRARIAN, ev.BTN_YES)
    assert client.last_text(LIBRARIAN) == ev.WITHDRAWN
    row = (await confirmations(session))[0]
    assert row.status is ConfirmationStatus.WITHDRAWN


async def test_calendar_ics_and_school_record(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
) -> None:
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/calendar")
    assert "Неделя детской книги" in client.last_text(LIBRARIAN)
    assert "05.12.2026 18:00" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_ICS)
    document = client.calls("SendDocument")[-1].param("document")
    calendar = Calendar.from_ical(document.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    deadline = [e for e in events if str(e["UID"]).endswith("-deadline@shibc")][0]
    assert deadline.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 5, 13, 0, tzinfo=UTC)

    await client.send(LIBRARIAN, "/school")
    record = client.last_text(LIBRARIAN)
    assert "2026/27" in record and "Неделя детской книги" in record and "0 из 1" in record
    await client.send(COORDINATOR, "/school")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    assert "Неделя детской книги" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, t.BTN_BACK)
    assert client.last_text(COORDINATOR) == ev.SCHOOLS_PICK


async def test_default_calendar_file_and_rollover(
    client: Client, librarian: DistrictSetup, session: AsyncSession, catalogue: None
) -> None:
    await client.send(COORDINATOR, "/events")
    await client.press(COORDINATOR, ev.BTN_DEFAULT_CALENDAR)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert ev.CALENDAR_LOADED.format(added=12, updated=0, removed=0) in client.texts(COORDINATOR)
    count = await session.scalar(select(func.count(Event.id)))
    assert count == 12
    day = await session.scalar(select(Event).where(Event.code == "library-day"))
    assert day is not None and day.starts_on == date(2026, 10, 26)
    assert day.activity_id is not None

    # a calendar file with a deadline before its start is refused whole
    bad = (
        "код;№;название;вид;начало;окончание;срок сдачи\n"
        "a1;14;Месячник;мероприятие;01.10.2026;31.10.2026;06.11.2026 18:00\n"
        "a2;3;Семинар;семинар;10.03.2027;10.03.2027;01.03.2027 18:00\n"
    ).encode()
    await client.send(COORDINATOR, "/events")
    await client.press(COORDINATOR, ev.BTN_CALENDAR_FILE)
    await client.send_document(COORDINATOR, "calendar.csv", bad)
    reply = client.last_text(COORDINATOR)
    assert reply.startswith("Календарь не загружен") and "Строка 3" in reply
    assert await session.scalar(select(func.count(Event.id))) == 12

    await client.send(COORDINATOR, "/events")
    await client.press(COORDINATOR, ev.BTN_ROLLOVER)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert ev.ROLLED_OVER.format(count=12) in client.texts(COORDINATOR)
    day_next = await session.scalar(
        select(Event).where(Event.code == "library-day", Event.starts_on > date(2027, 1, 1))
    )
    assert day_next is not None and day_next.starts_on == date(2027, 10, 25)  # 4th Monday
    await client.press(COORDINATOR, ev.BTN_ROLLOVER)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert client.texts(COORDINATOR)[-2] == ev.ROLLED_OVER.format(count=0)
    assert await session.scalar(select(func.count(Event.id))) == 24  # nothing copied twice


async def choose_activity(client: Client, person: Person, number: int) -> None:
    """Press the roadmap activity `number` in /newevent, turning the pages as needed."""
    for _ in range(10):
        for text in client.buttons(person):
            if text.startswith(f"{number}. "):
                await client.press(person, text)
                return
        await client.press(person, "▶️")
    raise AssertionError(f"no activity {number} in the form")


async def test_new_event_form(
    client: Client, librarian: DistrictSetup, session: AsyncSession, catalogue: None
) -> None:
    await client.send(COORDINATOR, "/newevent")
    await choose_activity(client, COORDINATOR, 14)
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    await client.press(COORDINATOR, "мероприятие")
    await client.send(COORDINATOR, "Районная неделя чтения")
    await client.send(COORDINATOR, "10.12.2026 - 09.12.2026")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["event_end_before_start"])
    await client.send(COORDINATOR, "10.12.2026 - 10.12.2026")
    await client.send(COORDINATOR, "01.12.2026 12:00")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["event_deadline_before_start"])
    await client.send(COORDINATOR, "11.12.2026 18:00")
    await client.press(COORDINATOR, ev.BTN_SAVE)
    event = await session.scalar(select(Event))
    assert event is not None
    assert event.title == "Районная неделя чтения"
    assert event.kind is EventKind.ACTIVITY and event.status is EventStatus.DRAFT
    assert event.activity_id is not None and event.code is None
    assert event.deadline_at == datetime(2026, 12, 11, 13, 0, tzinfo=UTC)
    # edit the deadline from the card
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["deadline"])
    await client.send(COORDINATOR, "12.12.2026 10:00")
    refreshed = await session.scalar(
        select(Event.deadline_at).execution_options(populate_existing=True)
    )
    assert refreshed == datetime(2026, 12, 12, 5, 0, tzinfo=UTC)


async def test_an_album_sent_at_once_lands_whole(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    librarian: DistrictSetup,
    session: AsyncSession,
) -> None:
    """Telegram delivers an album as several updates at once; polling handles them together.

    Each photo reads the form's evidence list and writes it back, so handled concurrently
    they would overwrite each other; one person's updates are handled in turn instead.
    """
    await make_event(session_pool, clock, librarian.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    album = [f"album-{n}" for n in range(5)]
    await asyncio.gather(*(client.send_photo(LIBRARIAN, file_id=f) for f in album))
    assert client.last_text(LIBRARIAN) == ev.EVIDENCE_ADDED.format(count=5)
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    evidence = (await session.scalars(select(Evidence).order_by(Evidence.position))).all()
    assert [e.file_id for e in evidence] == album
