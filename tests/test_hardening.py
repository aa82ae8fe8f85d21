"""Bounded input and isolated failures (the hardening issue), through the real Dispatcher."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts.reminders import DIGEST
from bot.toolkit.callbacks import EventAction, EventCb, ReviewAction, ReviewCb
from bot.toolkit.reminder_texts import RussianRenderer
from models import (
    Confirmation,
    ConfirmationStatus,
    Event,
    EventStatus,
    Evidence,
    Notification,
    School,
)
from scheduler.jobs import planner_tick
from services.invitations import accept_invitation, create_coordinator_invite
from services.reminders import ReminderConfig
from services.school_import import SchoolProblem, parse_schools_file
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.harness import Client, Person
from tests.test_confirmations import choose_activity, fill_form, make_event, submit

TZ = ZoneInfo("Asia/Yekaterinburg")
YEAR_ERROR = "Год должен быть от 2000 до 2100."


@pytest.mark.usefixtures("district_setup", "catalogue")
async def test_dates_outside_the_calendar_are_refused_in_the_new_event_and_edit_forms(
    client: Client, session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/newevent")
    await choose_activity(client, COORDINATOR, 14)
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    await client.press(COORDINATOR, "мероприятие")
    await client.send(COORDINATOR, "Районная неделя чтения")
    for period in ("01.01.0001 - 31.12.2026", "01.09.9999 - 31.12.9999"):
        await client.send(COORDINATOR, period)
        assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    await client.send(COORDINATOR, "10.12.2026 - 10.12.2026")
    await client.send(COORDINATOR, "31.12.9999 23:59")
    assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    await client.send(COORDINATOR, "11.12.2026 18:00")
    await client.press(COORDINATOR, ev.BTN_SAVE)
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["dates"])
    await client.send(COORDINATOR, "01.09.9999 - 31.12.9999")
    assert client.last_text(COORDINATOR).startswith(YEAR_ERROR)
    event = await session.scalar(select(Event).execution_options(populate_existing=True))
    assert event is not None
    assert (event.starts_on, event.ends_on) == (date(2026, 12, 10), date(2026, 12, 10))


async def test_one_event_that_cannot_be_planned_does_not_stop_the_others(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    broken = await make_event(session_pool, clock, district_setup.district_id, title="Сломанное")
    good = await make_event(session_pool, clock, district_setup.district_id, title="Целое")
    async with session_pool.begin() as s:  # a row from before the bounds: year 1
        row = await s.get(Event, broken)
        assert row is not None
        row.starts_on = date(1, 1, 1)
    cfg = ReminderConfig(tz=TZ)
    clock.now = datetime(2026, 12, 2, 10, 1, tzinfo=TZ)  # the 3-day reminder is due
    caplog.set_level(logging.ERROR)
    planned = await planner_tick(session_pool, clock, cfg, RussianRenderer(TZ), DIGEST)
    assert planned == 1
    rows = (await session.scalars(select(Notification.event_id))).all()
    assert set(rows) == {good}
    assert any(
        f"reminders of event {broken} could not be planned" in r.getMessage()
        for r in caplog.records
    )
    open_events = await session.scalar(
        select(func.count()).select_from(Event).where(Event.status == EventStatus.OPEN)
    )
    assert open_events == 2


async def _second_coordinator(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock, district_id: int
) -> Person:

    person = Person(id=2002, first_name="Нина", last_name="Рецензентова")
    async with session_pool.begin() as s:
        admin = await get_user(s, ADMIN.id)
        assert admin is not None
        invite = await create_coordinator_invite(s, district_id, admin, clock)
        user = await get_or_create_user(s, TelegramProfile(person.id, None), clock)
        await accept_invitation(s, user, invite.token, "Нина Рецензентова", clock)
    return person


async def test_two_reviewers_at_once_one_wins_and_the_school_hears_once(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    second = await _second_coordinator(session_pool, clock, district_setup.district_id)
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    await submit(client, LIBRARIAN)
    confirmation = await session.scalar(select(Confirmation))
    assert confirmation is not None and confirmation.version == 1
    client.clear()
    accept = ReviewCb(
        action=ReviewAction.ACCEPT, confirmation_id=confirmation.id, version=1
    ).pack()
    await asyncio.gather(client.press_data(COORDINATOR, accept), client.press_data(second, accept))
    row = await session.scalar(select(Confirmation).execution_options(populate_existing=True))
    assert row is not None
    assert (row.status, row.version) == (ConfirmationStatus.ACCEPTED, 2)
    assert client.alerts() == [ev.ERRORS["already_reviewed"]]  # the other one is told …
    now = ev.REVIEW_CHANGED.format(status=ev.CONFIRMATION_NOW["accepted"])
    shown = [client.last_text(COORDINATOR), client.last_text(second)]
    assert sum(text.startswith(now) for text in shown) == 1  # … and shown the current state
    await client.drain()
    outcomes = [text for text in client.texts(LIBRARIAN) if "принял отметку" in text]
    assert len(outcomes) == 1
    assert event_id == row.event_id


async def test_two_reviewers_accept_and_return_at_once_never_mix(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    second = await _second_coordinator(session_pool, clock, district_setup.district_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await submit(client, LIBRARIAN)
    confirmation = await session.scalar(select(Confirmation))
    assert confirmation is not None
    to_return = ReviewCb(action=ReviewAction.RETURN, confirmation_id=confirmation.id, version=1)
    await client.press_data(second, to_return.pack())  # the comment form opens
    accept = ReviewCb(action=ReviewAction.ACCEPT, confirmation_id=confirmation.id, version=1)
    client.clear()
    await asyncio.gather(
        client.press_data(COORDINATOR, accept.pack()),
        client.send(second, "Добавьте фото"),
    )
    row = await session.scalar(select(Confirmation).execution_options(populate_existing=True))
    assert row is not None
    assert (row.status, row.review_comment) in {
        (ConfirmationStatus.ACCEPTED, ""),
        (ConfirmationStatus.RETURNED, "Добавьте фото"),
    }
    now = ev.REVIEW_CHANGED.format(status=ev.CONFIRMATION_NOW[row.status])
    loser = second if row.status is ConfirmationStatus.ACCEPTED else COORDINATOR
    assert client.last_text(loser).startswith(now)
    await client.drain()
    outcomes = [
        text
        for text in client.texts(LIBRARIAN)
        if "принял отметку" in text or "возвращена" in text
    ]
    assert len(outcomes) == 1


async def test_two_librarians_sending_a_first_confirmation_at_once(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    colleague = Person(id=3002, first_name="Мария", last_name="Сидорова")
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await join_school(client, colleague, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    for person in (LIBRARIAN, colleague):
        await client.send(person, "/tasks")
        await client.press(person, "⬜ Неделя детской книги")
        await fill_form(client, person)
        await client.press(person, ev.BTN_DONE)
    client.clear()
    await asyncio.gather(
        client.press(LIBRARIAN, ev.BTN_SEND), client.press(colleague, ev.BTN_SEND)
    )
    assert await session.scalar(select(func.count()).select_from(Confirmation)) == 1
    replies = client.texts(LIBRARIAN) + client.texts(colleague) + client.alerts()
    assert t.INTERNAL_ERROR not in replies
    assert any(ev.ERRORS["changed_by_colleague"] in reply for reply in replies)


@pytest.mark.usefixtures("district_setup")
@pytest.mark.parametrize(
    "name",
    [
        "Школа\x00 № 5 полностью",  # NUL: SQLite takes it, PostgreSQL refuses it
        "Школа \u202eакин\u202c № 5",  # a bidi override shows the name reversed
    ],
)
async def test_control_and_bidi_characters_are_refused_before_any_handler(
    client: Client, session: AsyncSession, name: str
) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, name)
    assert client.last_text(COORDINATOR) == t.CONTROL_CHARS
    await client.send(COORDINATOR, "Школа № 5 полностью")  # the form is still where it was
    await client.send(COORDINATOR, "СОШ № 5")
    names = (await session.scalars(select(School.short_name))).all()
    assert "СОШ № 5" in names
    assert not any("\x00" in n or "\u202e" in n for n in names)


@pytest.mark.usefixtures("district_setup")
async def test_a_name_of_invisible_characters_only_is_empty(
    client: Client, session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "\u200b\u200b\u200d\u2060")
    assert client.last_text(COORDINATOR).startswith("Слишком коротко: нужно не меньше 3 символов.")
    assert await session.scalar(select(func.count()).select_from(School)) == 1


async def test_event_texts_over_their_columns_are_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    event_id = await make_event(
        session_pool, clock, district_setup.district_id, status=EventStatus.DRAFT
    )
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["link"])
    await client.send(COORDINATOR, "https://school.example.ru/" + "a" * 1500)
    assert client.last_text(COORDINATOR).startswith(
        "Слишком длинно: 1526 символов, а можно не больше 500."
    )
    link = await session.scalar(select(Event.link).execution_options(populate_existing=True))
    assert link == ""


async def test_a_long_file_name_is_kept_within_its_column_with_its_extension(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    name = "отчёт-" + "о" * 300 + ".pdf"
    await client.send_document(LIBRARIAN, name, b"%PDF-1.4", "application/pdf")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    stored = await session.scalar(select(Evidence.file_name))
    assert stored is not None
    assert len(stored) == 255 and stored.endswith("….pdf") and stored.startswith("отчёт-ооо")


def test_a_school_list_with_invisible_or_reordering_names_is_refused() -> None:

    content = (
        "Полное название;Краткое\n"
        "Школа № 1 полностью;\u200b\u200d\n"
        "Школа \u202eакин\u202c полностью;СОШ № 2\n"
        "Школа № 3 полностью;СОШ № 3\n"
    ).encode()
    result = parse_schools_file("schools.csv", content)
    assert not result.ok  # the whole file is refused
    assert [row.line for row in result.rows] == [4]
    assert [(e.line, e.code) for e in result.errors] == [
        (2, SchoolProblem.SHORT_NAME_MISSING),
        (3, SchoolProblem.CONTROL_CHARACTER),
    ]


async def test_reopening_tells_the_schools_still_owing_and_cancelling_tells_everyone(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    first, _ = two_schools
    event_id = await make_event(
        session_pool, clock, 1, status=EventStatus.DRAFT, title="Неделя детской книги"
    )
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_OPEN)
    await client.press(COORDINATOR, ev.BTN_YES)
    await client.drain()
    async with session_pool.begin() as s:  # the first school has confirmed
        s.add(
            Confirmation(
                event_id=event_id,
                school_id=first,
                status=ConfirmationStatus.SUBMITTED,
                held_on=date(2026, 11, 20),
                participants=10,
                submitted_at=clock(),
            )
        )
    await client.press(COORDINATOR, ev.BTN_CLOSE)
    await client.press(COORDINATOR, ev.BTN_YES)
    client.clear()
    await client.press(COORDINATOR, ev.BTN_REOPEN)
    assert "(1)" in client.last_text(COORDINATOR)  # one librarian still owes
    await client.press(COORDINATOR, ev.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(ev.REOPENED)
    assert await client.drain() == 1
    assert not client.texts(LIBRARIAN)  # her school has confirmed
    assert "Снова можно отметить" in client.last_text(OTHER)
    client.clear()
    await client.press(COORDINATOR, ev.BTN_CANCEL_EVENT)
    assert "сообщение об отмене" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert await client.drain() == 2  # everyone invited hears it
    for person in (LIBRARIAN, OTHER):
        assert "отменено" in client.last_text(person)
    status = await session.scalar(select(Event.status).execution_options(populate_existing=True))
    assert status is EventStatus.CANCELLED


@pytest.mark.usefixtures("district_setup")
async def test_a_taken_full_name_is_said_at_once_and_asked_again(
    client: Client, session: AsyncSession
) -> None:
    taken = "Муниципальное бюджетное общеобразовательное учреждение СОШ № 1 с. Иглино"
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, taken)
    assert client.last_text(COORDINATOR).startswith("Школа с полным наименованием")
    await client.send(COORDINATOR, "Средняя школа села Кальтовка")  # still the full name step
    await client.send(COORDINATOR, "СОШ с. Кальтовка")
    names = (await session.scalars(select(School.short_name))).all()
    assert "СОШ с. Кальтовка" in names
    assert await session.scalar(select(func.count()).select_from(School)) == 2


@pytest.mark.usefixtures("district_setup", "catalogue")
async def test_a_deadline_already_past_is_refused_and_opening_a_late_event_warns(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    session: AsyncSession,
) -> None:
    past = ev.ERRORS["deadline_past"]
    await client.send(COORDINATOR, "/newevent")
    await choose_activity(client, COORDINATOR, 14)
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    await client.press(COORDINATOR, ev.KIND_NAMES["activity"])
    await client.send(COORDINATOR, "Неделя детской книги")
    await client.send(COORDINATOR, "01.11.2026 - 20.11.2026")
    await client.send(COORDINATOR, "24.11.2026 18:00")  # the clock says 25.11.2026
    assert client.last_text(COORDINATOR).startswith(past)
    await client.send(COORDINATOR, "05.12.2026 18:00")
    await client.press(COORDINATOR, ev.BTN_SAVE)
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["deadline"])
    await client.send(COORDINATOR, "02.11.2026 10:00")
    assert client.last_text(COORDINATOR).startswith(past)
    deadline = await session.scalar(
        select(Event.deadline_at).execution_options(populate_existing=True)
    )
    assert deadline == datetime(2026, 12, 5, 13, 0, tzinfo=UTC)
    # a calendar event whose deadline has passed: opening it says so before «Да»
    late = await make_event(
        session_pool,
        clock,
        1,
        status=EventStatus.DRAFT,
        title="Отчёт о месячнике",
        deadline=datetime(2026, 11, 6, 18, 0),  # noqa: DTZ001 - local wall time
    )
    await client.press_data(COORDINATOR, EventCb(action=EventAction.OPEN, event_id=late).pack())
    await client.press(COORDINATOR, ev.BTN_OPEN)
    assert "Срок сдачи (06.11.2026 18:00) уже прошёл" in client.last_text(COORDINATOR)


async def test_a_photo_at_a_text_step_is_told_where_photos_go(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    await client.press(LIBRARIAN, ev.BTN_TODAY.format(day="25.11.2026"))
    await client.send_photo(LIBRARIAN, file_id="too-early")  # the number of participants is asked
    assert client.last_text(LIBRARIAN) == t.USE_TEXT
    await client.send(LIBRARIAN, "25")  # the form goes on where it was
    assert client.last_text(LIBRARIAN).startswith(ev.ASK_DESCRIPTION)


@pytest.mark.usefixtures("district_setup", "catalogue")
async def test_an_ordinary_event_is_not_offered_the_seminar_again_and_keeps_its_title(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/newevent")
    await choose_activity(client, COORDINATOR, 14)
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    assert ev.KIND_NAMES["seminar"] not in client.buttons(COORDINATOR)
    assert ev.KIND_NAMES["activity"] in client.buttons(COORDINATOR)
    event_id = await make_event(session_pool, clock, 1, status=EventStatus.DRAFT)
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["title"])
    await client.send(COORDINATOR, "-")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["event_title_empty"])
    title = await session.scalar(
        select(Event.title).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert title == "Неделя детской книги"
