"""Forged and stale buttons, drafts, group chats and double presses (the hardening issue)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import schools as s
from bot.toolkit.callbacks import (
    EventAction,
    EventCb,
    SchoolAction,
    SchoolCb,
    TaskAction,
    TaskCb,
    parse_id,
)
from models import Confirmation, Event, EventStatus, Invitation
from models.limits import DB_ID_MAX
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.dump import dump_tables
from tests.harness import Client, Person
from tests.test_confirmations import make_event


def no_crash(client: Client, caplog: pytest.LogCaptureFixture, *people: Person) -> None:
    """No update reached the error handler: no generic error sent, no error logged."""
    for person in people:
        assert t.INTERNAL_ERROR not in client.texts(person)
    assert t.INTERNAL_ERROR not in client.alerts()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1),
        (str(DB_ID_MAX), DB_ID_MAX),
        (str(DB_ID_MAX + 1), 0),
        (str(2**63), 0),
        ("0", 0),
        ("-1", 0),
        ("01", 0),
        ("²", 0),
        ("①", 0),
        ("١٢", 0),
        (" 1", 0),
        ("", 0),
        (None, 0),
        (True, 0),
        (5, 5),
        (2**63, 0),
    ],
)
def test_parse_id_takes_only_bounded_ascii_ids(text: object, value: int) -> None:
    assert parse_id(text) == value


FORGED = [
    "s:o:9223372036854775808:0",
    "s:o:²:0",
    "s:o:-1:0",
    "e:o:9223372036854775808:0:",
    "e:o:①:0:",
    "e:o:1:99999999999999:",
    "t:o:²",
    "t:c:18446744073709551616",
    "r:a:①:1:0",
    "r:a:1:9223372036854775808:0",
    "rem:nudge:²",
    "rem:snooze:9223372036854775808",
    "inv:revoke:9223372036854775808",
    "d:o:²:0",
    "sr:9223372036854775808:0",
    "rm:²:0",
    "sl:9223372036854775808:0:0",
    "sl:1:²:0",
    "cf:send::²",
    "ne:act:²",
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_numbers_never_reach_the_database(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    caplog: pytest.LogCaptureFixture,
    data: str,
) -> None:
    """An id of 2**63 or a non-ASCII digit fails to unpack: the fallback says it is stale."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await client.send(COORDINATOR, "/newevent")  # the activity step is open: `ne:act:` counts
    before = await dump_tables(session_pool)
    for person in (COORDINATOR, LIBRARIAN):
        client.clear()
        await client.press_data(person, data)
        assert client.alerts() in ([t.UNHANDLED_BUTTON], [t.FORBIDDEN_BUTTON]), (person, data)
    assert await dump_tables(session_pool) == before
    no_crash(client, caplog, COORDINATOR, LIBRARIAN)


async def test_an_audience_school_out_of_range_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    before = await dump_tables(session_pool)
    for arg in (str(2**63), "²", "①", "0", "-5", str(DB_ID_MAX + 1)):
        client.clear()
        data = EventCb(action=EventAction.AUDIENCE_TOGGLE, event_id=event_id, arg=arg)
        await client.press_data(COORDINATOR, data.pack())
        assert client.alerts() == [t.FORBIDDEN_BUTTON], arg
    assert await dump_tables(session_pool) == before
    no_crash(client, caplog, COORDINATOR)


async def _open_form_at_summary(client: Client, person: Person, title: str) -> None:
    await client.send(person, "/tasks")
    await client.press(person, f"⬜ {title}")
    await client.press(person, ev.BTN_CONFIRM_TASK)
    await client.press(person, ev.BTN_TODAY.format(day="25.11.2026"))
    await client.send(person, "25")
    await client.press(person, ev.BTN_SKIP)
    await client.send(person, "https://school.example.ru/news/1")
    await client.press(person, ev.BTN_DONE)


async def test_an_old_participants_button_while_the_date_is_asked(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Was: the button moved the form on, the next text ended in KeyError 'held_on'."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await _open_form_at_summary(client, LIBRARIAN, "Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CHANGE)
    old = client.find_button(LIBRARIAN, ev.BTN_CHANGE_PARTICIPANTS)
    await client.press(LIBRARIAN, ev.BTN_CHANGE_DATE)  # the date is asked again
    client.clear()
    await client.press_data(LIBRARIAN, old[1], old[0])
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    await client.send(LIBRARIAN, "24.11.2026")  # the date step goes on as asked
    assert "24.11.2026" in client.last_text(LIBRARIAN)  # the summary again
    assert await session.scalar(select(func.count()).select_from(Confirmation)) == 0
    # and in a fresh form, where no date is known yet
    await client.send(LIBRARIAN, "/cancel")
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    client.clear()
    await client.press_data(LIBRARIAN, old[1], old[0])
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    await client.send(LIBRARIAN, "25.11.2026")
    assert client.last_text(LIBRARIAN) == ev.ASK_PARTICIPANTS
    no_crash(client, caplog, LIBRARIAN)


async def test_an_old_activity_button_at_the_deadline_step(
    client: Client,
    district_setup: DistrictSetup,
    catalogue: None,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Was: the button wiped the form's data, the deadline then failed with KeyError 'starts'."""
    await client.send(COORDINATOR, "/newevent")
    label = next(b for b in client.buttons(COORDINATOR) if b.startswith("1. "))
    old = client.find_button(COORDINATOR, label)
    await client.press(COORDINATOR, label)
    old_occasion = client.find_button(COORDINATOR, ev.OCCASIONS["none"])
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    old_kind = client.find_button(COORDINATOR, ev.KIND_NAMES["activity"])
    await client.press(COORDINATOR, ev.KIND_NAMES["activity"])
    await client.send(COORDINATOR, "Районный семинар")
    await client.send(COORDINATOR, "10.12.2026 - 10.12.2026")
    for message_id, data in (old, old_occasion, old_kind):
        client.clear()
        await client.press_data(COORDINATOR, data, message_id)
        assert client.alerts() == [t.UNHANDLED_BUTTON]
    await client.send(COORDINATOR, "11.12.2026 18:00")
    assert "Районный семинар" in client.last_text(COORDINATOR)
    save = client.find_button(COORDINATOR, ev.BTN_SAVE)
    await client.press(COORDINATOR, ev.BTN_SAVE)
    event = await session.scalar(select(Event))
    assert event is not None and event.title == "Районный семинар"
    # the «Сохранить» of a saved form saves nothing twice
    client.clear()
    await client.press_data(COORDINATOR, save[1], save[0])
    assert await session.scalar(select(func.count()).select_from(Event)) == 1
    no_crash(client, caplog, COORDINATOR)


async def test_an_old_send_button_of_another_event_does_not_submit_the_open_form(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id, title="Событие X")
    await make_event(session_pool, clock, district_setup.district_id, title="Событие Y")
    await _open_form_at_summary(client, LIBRARIAN, "Событие X")
    old_send = client.find_button(LIBRARIAN, ev.BTN_SEND)
    old_change = client.find_button(LIBRARIAN, ev.BTN_CHANGE)
    await client.send(LIBRARIAN, "/cancel")
    await _open_form_at_summary(client, LIBRARIAN, "Событие Y")
    for message_id, data in (old_send, old_change):
        client.clear()
        await client.press_data(LIBRARIAN, data, message_id)
        assert client.alerts() == [t.STALE_BUTTON]
    assert await session.scalar(select(func.count()).select_from(Confirmation)) == 0
    await client.press(LIBRARIAN, ev.BTN_SEND)  # the form of Y is still open and goes
    row = await session.scalar(select(Confirmation))
    assert row is not None
    title = await session.scalar(select(Event.title).where(Event.id == row.event_id))
    assert title == "Событие Y"
    no_crash(client, caplog, LIBRARIAN)


async def test_a_librarian_cannot_open_a_draft_by_its_id(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    draft = await make_event(
        session_pool, clock, district_setup.district_id, title="Черновик", status=EventStatus.DRAFT
    )
    before = await dump_tables(session_pool)
    for action in TaskAction:
        for event_id in (draft, 99999):
            client.clear()
            await client.press_data(LIBRARIAN, TaskCb(action=action, event_id=event_id).pack())
            texts = [*client.alerts(), *client.texts(LIBRARIAN)]
            assert "Черновик" not in "".join(texts)
            if action is not TaskAction.LIST:
                assert client.alerts() == [ev.UNKNOWN_EVENT], (action, event_id)
    assert await dump_tables(session_pool) == before
    no_crash(client, caplog, LIBRARIAN)


def _group_message(client: Client, person: Person, text: str) -> dict[str, object]:
    return {
        "update_id": client._next_update_id(),
        "message": {
            "message_id": 77,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": -100500, "type": "supergroup", "title": "Библиотекари района"},
            "from": person.tg(),
            "text": text,
            "entities": [
                {"type": "bot_command", "offset": 0, "length": len(text.partition(" ")[0])}
            ],
        },
    }


async def test_staff_commands_in_a_group_say_to_write_privately(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    """Was: /schools in a group posted the librarians' names and the invitation link."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    token = await session.scalar(select(Invitation.token).where(Invitation.school_id.is_not(None)))
    assert token is not None
    before = await dump_tables(session_pool)
    client.clear()
    for command in ("/schools", "/events", "/review", "/newevent", "/start", "/help"):
        await client.feed(_group_message(client, COORDINATOR, command))
    sent = client.calls("SendMessage")
    assert [str(c.param("text")) for c in sent] == [t.STAFF_PRIVATE_ONLY] * 6
    assert all(int(c.param("chat_id")) == -100500 for c in sent)
    # a button of a card that reached a group is refused the same way
    group_button = SchoolCb(action=SchoolAction.OPEN, school_id=district_setup.school_id)
    client.clear()
    query = {
        "update_id": client._next_update_id(),
        "callback_query": {
            "id": "group-1",
            "from": COORDINATOR.tg(),
            "chat_instance": "g",
            "data": group_button.pack(),
            "message": {
                "message_id": 5,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": -100500, "type": "supergroup", "title": "Библиотекари района"},
                "text": "…",
            },
        },
    }
    await client.feed(query)
    assert client.alerts() == [t.STAFF_PRIVATE_ONLY]
    assert not client.calls("EditMessageText")
    assert await dump_tables(session_pool) == before
    # in the private chat the same command works
    await client.send(COORDINATOR, "/schools")
    assert client.last_text(COORDINATOR).startswith("<b>Школы</b> · ")


async def test_pressing_yes_twice_for_a_new_link_keeps_the_link_shown(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    open_card = SchoolCb(action=SchoolAction.OPEN, school_id=district_setup.school_id)
    await client.press_data(COORDINATOR, open_card.pack())
    old_token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id.is_not(None))
    )
    await client.press(COORDINATOR, s.BTN_REISSUE)
    yes = client.find_button(COORDINATOR, s.BTN_CONFIRM_YES)
    await client.press_data(COORDINATOR, yes[1], yes[0])
    shown = client.last_text(COORDINATOR)
    await client.press_data(COORDINATOR, yes[1], yes[0])  # the double press
    active = (
        await session.scalars(
            select(Invitation.token)
            .where(Invitation.school_id.is_not(None), Invitation.revoked_at.is_(None))
            .execution_options(populate_existing=True)
        )
    ).all()
    assert len(active) == 1
    assert active[0] != old_token
    assert active[0] in shown  # the link shown after the first press still works
    assert active[0] in client.last_text(COORDINATOR)


async def test_reminder_offsets_with_non_ascii_digits_are_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`²` and `①` pass str.isdigit() and failed int(): the generic error page."""
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    before = await dump_tables(session_pool)
    for text in ("²", "①", "7,²", "١"):
        data = EventCb(action=EventAction.EDIT_FIELD, event_id=event_id, arg="offsets")
        await client.press_data(COORDINATOR, data.pack())
        await client.send(COORDINATOR, text)
        assert client.last_text(COORDINATOR).startswith(ev.ERRORS["bad_offsets"]), text
    assert await dump_tables(session_pool) == before
    no_crash(client, caplog, COORDINATOR)
