"""Opening an event as a coordinator and a librarian live it (the hardening issue, items 8, 12,
14, 17, 20, 22, 23): one message per opening, seminars as seminars, quiet hours said plainly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.texts import schools as sch
from bot.toolkit.callbacks import EventAction, EventCb, SchoolAction, SchoolCb
from models import Event, EventKind, EventStatus, Notification, NotificationStatus
from services.events import EventInput
from tests.conftest import COORDINATOR, LIBRARIAN, OTHER, FixedClock
from tests.harness import Client
from tests.test_confirmations import choose_activity
from tests.test_reminders import SEMINAR, draft_event, local, open_by_hand, plan

WEEK = EventInput(
    title="Неделя детской книги",
    kind=EventKind.ACTIVITY,
    starts_on=date(2026, 11, 1),
    ends_on=date(2026, 12, 31),
    deadline_local=datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001 - local
)


async def fresh_event(session: AsyncSession, event_id: int) -> Event:
    stmt = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    event = await session.scalar(stmt)
    assert event is not None
    return event


async def test_opened_on_its_deadline_day_the_prompt_is_the_last_reminder(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # item 12: opened at 10:00 on the deadline day, after the day-of step (09:00)
    clock.now = local(2026, 12, 5, 10, 0)
    event_id = await draft_event(session_pool, clock, WEEK)
    await open_by_hand(client, event_id)
    assert (await fresh_event(session, event_id)).opened_at == clock.now
    clock.now = local(2026, 12, 5, 10, 1)
    assert await plan(session_pool, clock.now) == 0
    await client.drain()
    for person in (LIBRARIAN, OTHER):
        texts = client.texts(person)
        assert len(texts) == 1 and texts[0].startswith("📌")
    # a step less than a day after the opening is covered too; a later one is a real reminder
    clock.now = local(2026, 11, 27, 12, 0)
    other_id = await draft_event(session_pool, clock, replace(WEEK, title="Вторая неделя"))
    await open_by_hand(client, other_id)
    assert await plan(session_pool, local(2026, 11, 28, 10, 1)) == 0  # d7, 22 hours later
    assert await plan(session_pool, local(2026, 12, 2, 10, 1)) == 2  # d3 of the second only
    reminded = await session.scalars(
        select(Notification.event_id).where(Notification.purpose == "remind")
    )
    assert set(reminded.all()) == {other_id}


async def test_a_seminar_is_opened_with_its_invitation_alone(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # item 20: opened the day before, a title that says «семинар» itself
    clock.now = local(2026, 12, 9, 15, 0)
    event_id = await draft_event(
        session_pool, clock, replace(SEMINAR, title="Семинар «Читающая школа»")
    )
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    card = client.last_text(COORDINATOR)
    assert "Дата: 10.12.2026" in card and "Место: ЦДТ, актовый зал" in card
    assert "Срок сдачи" not in card and "Отметили" not in card
    assert "⬜ Не ответили (2): МБОУ СОШ № 1 с. Иглино, СОШ № 2" in card
    await client.press(COORDINATOR, ev.BTN_OPEN)
    assert "придёт приглашение на семинар" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(ev.OPENED_SEMINAR + "\n\n")
    await client.drain()
    clock.now = local(2026, 12, 9, 15, 1)
    assert await plan(session_pool, clock.now) == 0  # no catch-up of s7 or s1: one invitation
    await client.drain()
    texts = client.texts(LIBRARIAN)
    assert len(texts) == 1
    invitation = texts[0]
    assert invitation.startswith("📣 Приглашение\n")  # «семинар» is not doubled
    assert "Приглашение на семинар «" not in invitation
    assert "Дата: завтра, 10.12.2026" in invitation
    assert client.buttons(LIBRARIAN) == [r.BTN_WILL_COME, r.BTN_CANNOT]
    # the answer keeps the details and shows the choice on its button
    await client.press(LIBRARIAN, r.BTN_WILL_COME)
    answered = client.last_text(LIBRARIAN)
    assert "Место: ЦДТ, актовый зал" in answered and "Записали: вы будете" in answered
    assert client.buttons(LIBRARIAN) == [r.BTN_CHOSEN.format(label=r.BTN_WILL_COME), r.BTN_CANNOT]
    await client.press(OTHER, r.BTN_CANNOT)
    assert client.buttons(OTHER) == [r.BTN_WILL_COME, r.BTN_CHOSEN.format(label=r.BTN_CANNOT)]
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    card = client.last_text(COORDINATOR)
    assert "✅ Будут (1): МБОУ СОШ № 1 с. Иглино" in card
    assert "✖️ Не смогут (1): СОШ № 2" in card
    assert "⬜ Не ответили (0): —" in card


@pytest.mark.usefixtures("catalogue")
async def test_a_seminar_form_asks_a_date_and_a_place(
    client: Client, two_schools: tuple[int, int], session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/newevent")
    await choose_activity(client, COORDINATOR, 3)
    await client.press(COORDINATOR, ev.OCCASIONS["seminar"])
    await client.send(COORDINATOR, "Районный семинар библиотекарей")
    assert client.last_text(COORDINATOR) == ev.ASK_SEMINAR_DATE
    await client.send(COORDINATOR, "десятого")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["bad_seminar_date"])
    await client.send(COORDINATOR, "10.12.2026")
    assert client.last_text(COORDINATOR) == ev.ASK_SEMINAR_PLACE
    await client.send(COORDINATOR, "м" * 256)  # item 8: refused with a word, never cut
    assert "256" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "ЦДТ")
    summary = client.last_text(COORDINATOR)
    assert "Дата: 10.12.2026" in summary and "Срок" not in summary
    await client.press(COORDINATOR, ev.BTN_SAVE)
    event = await session.scalar(select(Event))
    assert event is not None and event.kind is EventKind.SEMINAR and event.place == "ЦДТ"
    assert event.starts_on == event.ends_on == date(2026, 12, 10)
    assert event.deadline_at == local(2026, 12, 10, 23, 59)


async def test_an_overlong_place_is_refused_not_cut(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await draft_event(session_pool, clock, replace(WEEK, place="Библиотека"))
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["place"])
    await client.send(COORDINATOR, "м" * 300)
    assert "300" in client.last_text(COORDINATOR)
    assert (await fresh_event(session, event_id)).place == "Библиотека"


@pytest.mark.usefixtures("catalogue")
async def test_library_month_by_hand_saved_and_opened_in_one_go(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # items 17 and 23: titles, not numbers; the occasion sets the code; «Сохранить и открыть»
    clock.now = local(2026, 10, 1, 11, 0)
    await client.send(COORDINATOR, "/newevent")
    labels = client.buttons(COORDINATOR)
    assert labels[0].startswith("1. ") and len(labels[0]) > 10  # a title, not a bare number
    assert "▶️" in labels  # paginated
    await choose_activity(client, COORDINATOR, 14)
    await client.press(COORDINATOR, ev.OCCASIONS["library-month"])
    await client.send(COORDINATOR, "Месячник школьных библиотек")
    await client.send(COORDINATOR, "01.10.2026 - 31.10.2026")
    await client.send(COORDINATOR, "06.11.2026 18:00")
    assert "месячник школьных библиотек" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_SAVE_OPEN)
    event = await session.scalar(select(Event))
    assert event is not None and event.code == "library-month"
    assert event.status is EventStatus.DRAFT  # opening stays deliberate: a question first
    assert "Открыть «Месячник школьных библиотек»?" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_YES)
    event = await fresh_event(session, event.id)
    assert event.status is EventStatus.OPEN
    await client.drain()
    assert await plan(session_pool, local(2026, 10, 1, 11, 1)) == 0  # no kick-off after it
    await client.drain()
    texts = client.texts(LIBRARIAN)
    assert len(texts) == 1 and texts[0].startswith("📚 Начинается")
    assert client.buttons(LIBRARIAN).count(ev.BTN_CONFIRM_TASK) == 1
    assert await plan(session_pool, local(2026, 10, 5, 10, 1)) == 2  # Monday's nudge comes


async def test_opening_in_quiet_hours_says_when_and_warns_first(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    # item 22: 23:30 local, quiet hours 21:00-09:00
    clock.now = local(2026, 11, 25, 23, 30)
    event_id = await draft_event(session_pool, clock, WEEK)
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_OPEN)
    question = client.last_text(COORDINATOR)
    assert "с 21:00 до 09:00" in question and "завтра в 09:00" in question
    await client.press(COORDINATOR, ev.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(
        ev.OPENED_QUIET.format(window="с 21:00 до 09:00", when="завтра в 09:00")
    )
    assert not any("ночью" in text for text in client.texts(COORDINATOR))


async def test_settings_word_the_quiet_window_by_its_hours(
    client: Client, two_schools: tuple[int, int], settings: Settings
) -> None:
    settings.quiet_hours = "22:00-07:00"
    await client.send(LIBRARIAN, "/settings")
    text = client.last_text(LIBRARIAN)
    assert "С 22:00 до 07:00 бот не пишет." in text and "Ночью" not in text
    settings.quiet_hours = "00:00-00:00"
    await client.send(LIBRARIAN, "/settings")
    assert "не пишет" not in client.last_text(LIBRARIAN)


async def test_the_cards_show_who_the_invitation_reached(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # item 14: one librarian has blocked the bot
    first_school, _ = two_schools
    event_id = await draft_event(session_pool, clock, WEEK)
    await open_by_hand(client, event_id)
    said = client.texts(COORDINATOR)
    assert said[-1].startswith(ev.OPENED + "\n\n")
    assert not any("библиотекарям:" in text for text in said)
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert ev.DELIVERY.format(delivered=0, waiting=2, unreachable=0) in client.last_text(
        COORDINATOR
    )
    client.session.blocked.add(LIBRARIAN.id)
    await client.drain()
    statuses = {
        n.chat_id: n.status
        for n in (
            await session.scalars(select(Notification).execution_options(populate_existing=True))
        ).all()
    }
    assert statuses == {
        LIBRARIAN.id: NotificationStatus.BLOCKED,
        OTHER.id: NotificationStatus.SENT,
    }
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert ev.DELIVERY.format(delivered=1, waiting=0, unreachable=1) in client.last_text(
        COORDINATOR
    )
    await client.press_data(
        COORDINATOR, SchoolCb(action=SchoolAction.OPEN, school_id=first_school).pack()
    )
    school_card = client.last_text(COORDINATOR)
    assert "🚫" in school_card
    assert sch.LIBRARIAN_BLOCKED_LINE.split("{name}")[1] in school_card


@pytest.mark.usefixtures("catalogue")
async def test_forged_or_stale_new_event_buttons_change_nothing(
    client: Client, two_schools: tuple[int, int], session: AsyncSession
) -> None:
    await client.send(COORDINATOR, "/newevent")
    for data in ("ne:act:²", "ne:act:999", "ne:actp:①", "ne:occ:party", "ne:saveo"):
        client.clear()
        await client.press_data(COORDINATOR, data)
        assert len(client.alerts()) == 1
    # a save pressed on a form that never got its answers
    await client.press(COORDINATOR, ev.BTN_NO_ACTIVITY)
    await client.press_data(COORDINATOR, "ne:save")
    assert await session.scalar(select(Event)) is None


async def test_the_occasion_of_an_event_made_by_hand_can_be_set_later(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # item 23: a Month created without its occasion gets its kick-off, nudges and greeting once
    # the coordinator says which occasion it is; a forged occasion changes nothing
    event_id = await draft_event(session_pool, clock, WEEK)
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.BTN_OCCASION)
    client.clear()
    forged = EventCb(action=EventAction.OCCASION, event_id=event_id, arg="seminar")
    await client.press_data(COORDINATOR, forged.pack())
    assert len(client.alerts()) == 1
    assert (await fresh_event(session, event_id)).code is None
    await client.press(COORDINATOR, ev.OCCASIONS["library-month"])
    assert (await fresh_event(session, event_id)).code == "library-month"
    assert "месячник школьных библиотек" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.BTN_OCCASION)
    await client.press(COORDINATOR, ev.OCCASIONS["none"])
    assert (await fresh_event(session, event_id)).code is None
