"""A school that has used up a limit is told so before the form, not after it: the card has no
«Подать заявку» once the school's limit is reached, and a full nomination is marked and refused
at its button (the key claims at «Отправить» still decide)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts.contests import entry as tx
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import ContestAction, ContestCb, EntryAction
from models import ContestEntry, School, User
from services.contests import entries as en
from services.contests.setup import close_contest, get_contest
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock
from tests.contest_entry_steps import entry_cb, open_card
from tests.contest_helpers import entry_input, make_contest
from tests.harness import Client


async def _send(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    school_id: int,
    clock: FixedClock,
    name: str,
    nomination: int = 0,
) -> None:
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await session.scalar(select(User).where(User.telegram_id == LIBRARIAN.id))
        school = await session.get(School, school_id)
        assert user is not None and school is not None
        await en.submit_entry(
            session,
            contest,
            school,
            user,
            entry_input(contest, name, nomination=nomination),
            clock,
        )


async def _entries(pool: async_sessionmaker[AsyncSession]) -> int:
    async with pool() as session:
        return int(await session.scalar(select(func.count(ContestEntry.id))) or 0)


async def test_a_full_school_gets_no_form(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_school=1
    )
    await open_card(client, LIBRARIAN, contest_id)
    assert tx.BTN_ENTER in client.buttons(LIBRARIAN)
    await _send(session_pool, contest_id, two_schools[0], clock, "Иван Иванов")
    await open_card(client, LIBRARIAN, contest_id)
    assert tx.BTN_ENTER not in client.buttons(LIBRARIAN)
    assert client.last_text(LIBRARIAN).endswith(tx.CARD_LIMIT_REACHED)
    # an old «Подать заявку» button opens no form
    client.clear()
    await client.press_data(LIBRARIAN, entry_cb(EntryAction.NEW, contest_id=contest_id))
    assert client.alerts() == ["От школы не больше 1 заявки на конкурс — лимит исчерпан."]
    assert await _entries(session_pool) == 1


async def test_a_full_nomination_is_marked_and_refused_at_its_button(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_nomination=1
    )
    await _send(session_pool, contest_id, two_schools[0], clock, "Иван Иванов")
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    full = tx.NOMINATION_FULL.format(title="Выразительное чтение")
    assert full in client.buttons(LIBRARIAN)
    client.clear()
    await client.press(LIBRARIAN, full)
    assert client.alerts() == ["От школы в этой номинации не больше 1 заявки — лимит исчерпан."]
    # another nomination goes on to the participant
    await client.press(LIBRARIAN, "Читательский отзыв")
    assert "Читательский отзыв" in client.last_text(LIBRARIAN)


async def test_the_card_tells_a_passed_deadline_and_a_finished_judging(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, days=1)
    await open_card(client, LIBRARIAN, contest_id)
    assert rules.STATUS_NAMES["open"] in client.last_text(LIBRARIAN)
    clock.now += timedelta(days=2)  # the deadline has passed; nobody closed the contest yet
    await open_card(client, LIBRARIAN, contest_id)
    text = client.last_text(LIBRARIAN)
    assert rules.STATUS_NAMES["open"] not in text
    assert "приём закрыт: срок истёк 26.11.2026 18:00" in text
    assert tx.BTN_ENTER not in client.buttons(LIBRARIAN)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await close_contest(session, contest, clock)
        contest.judging_closed_at = clock()
    await open_card(client, LIBRARIAN, contest_id)
    assert rules.STATUS_JUDGED in client.last_text(LIBRARIAN)


async def test_the_category_question_names_the_nominations_categories(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, "Буктрейлер")  # grades 5-11 only
    await client.send(LIBRARIAN, "Иванова Елена")
    assert "участвуют: 5–11 классы." in client.last_text(LIBRARIAN)
    assert "родитель" not in client.last_text(LIBRARIAN)
    # a one-word name is asked again in full: it goes onto the diploma
    await client.press(LIBRARIAN, "5")
    await client.press(LIBRARIAN, "11 лет")
    await client.press(LIBRARIAN, tx.BTN_MORE)
    await client.send(LIBRARIAN, "Петров")
    assert client.last_text(LIBRARIAN).startswith("Напишите фамилию и имя полностью")


async def test_the_coordinators_card_tells_a_passed_deadline(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, days=1)
    card = ContestCb(action=ContestAction.CARD, contest_id=contest_id).pack()
    await client.press_data(COORDINATOR, card)
    assert f"Статус: {rules.STATUS_NAMES['open']}" in client.last_text(COORDINATOR)
    clock.now += timedelta(days=2)
    await client.press_data(COORDINATOR, card)
    assert "Статус: приём закрыт: срок истёк 26.11.2026 18:00" in client.last_text(COORDINATOR)
