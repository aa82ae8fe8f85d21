"""The coordinator's contests through the real Dispatcher: the list, a new contest from a
template or from scratch, the card, the regulation, the deadline, open, close and cancel, and
the contest's calendar event in /events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts.contests import manage as tm
from bot.texts.contests import rules
from bot.texts.schools import NO_DISTRICT
from bot.toolkit.callbacks import EventAction, EventCb
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    EntryAction,
    EntryCb,
    JuryAdminAction,
    JuryAdminCb,
    ModerationAction,
    ModerationCb,
    ResultsAction,
    ResultsCb,
)
from models import (
    Contest,
    ContestStatus,
    Event,
    EventKind,
    EventStatus,
    Notification,
    School,
    User,
)
from services.contests.entries import submit_entry
from services.contests.setup import get_contest
from services.events import EventInput, create_event
from tests.conftest import ADMIN, COORDINATOR, LIBRARIAN, OTHER, DistrictSetup, FixedClock
from tests.contest_helpers import TZ, entry_input, make_contest
from tests.harness import Client, Person

READER = "Самый талантливый читатель"


# ---- helpers shared by the contest management tests -----------------------------------------


async def contest_row(session: AsyncSession, contest_id: int) -> Contest:
    stmt = (
        select(Contest).where(Contest.id == contest_id).execution_options(populate_existing=True)
    )
    contest = (await session.scalars(stmt)).one()
    await session.refresh(contest, ["event"])
    await session.refresh(contest.event)
    return contest


async def count_rows(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def outbox(session: AsyncSession, purpose: str | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if purpose is not None:
        stmt = stmt.where(Notification.purpose == purpose)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def open_card(client: Client, person: Person, contest_id: int) -> None:
    await client.send(person, "/contests")
    await client.press_data(
        person, ContestCb(action=ContestAction.CARD, contest_id=contest_id).pack()
    )


async def user_of(session: AsyncSession, person: Person) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == person.id))
    assert user is not None
    return user


async def add_entry(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    person: Person,
    *names: str,
    nomination: int = 0,
) -> int:
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await user_of(session, person)
        school = await session.get(School, user.school_id)
        assert school is not None
        entry = await submit_entry(
            session,
            contest,
            school,
            user,
            entry_input(contest, *names, nomination=nomination),
            clock,
        )
        return entry.id


# ---- the list -------------------------------------------------------------------------------


async def test_the_list_pages_with_status_and_local_deadline(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/contests")
    assert "Конкурсов пока нет" in client.last_text(COORDINATOR)
    assert client.buttons(COORDINATOR) == [tm.BTN_NEW_CONTEST]

    for n in range(9):
        await make_contest(
            session_pool, district_setup.district_id, clock, opened=n == 0, title=f"Конкурс {n}"
        )
    await client.send(COORDINATOR, "/contests")
    text = client.last_text(COORDINATOR)
    assert "(всего: 9)" in text
    # newest first; the deadline is 30 days ahead at 18:00 local (13:00 UTC)
    assert "<b>Конкурс 8</b> (2026)\n      черновик · срок: 25.12.2026 18:00" in text
    assert "Конкурс 0" not in text  # on the second page
    assert client.buttons(COORDINATOR)[-3:] == ["1 / 2", t.BTN_NEXT, tm.BTN_NEW_CONTEST]
    await client.press(COORDINATOR, t.BTN_NEXT)
    text = client.last_text(COORDINATOR)
    assert "🟢 <b>Конкурс 0</b> (2026)\n      идёт приём заявок · срок: 25.12.2026 18:00" in text


async def test_a_librarian_gets_no_coordinator_screen_and_no_button_works(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    for data in (
        ContestCb(action=ContestAction.LIST),
        ContestCb(action=ContestAction.CARD, contest_id=contest_id),
        ContestCb(action=ContestAction.OPEN_OK, contest_id=contest_id),
        ContestCb(action=ContestAction.CANCEL_OK, contest_id=contest_id),
        ContestCb(action=ContestAction.NEW),
        ModerationCb(action=ModerationAction.LIST, contest_id=contest_id),
    ):
        await client.press_data(LIBRARIAN, data.pack())
    assert client.alerts() == [t.UNHANDLED_BUTTON] * 6
    assert not [x for x in client.texts(LIBRARIAN) if READER in x]
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.DRAFT
    assert contest.event.status is EventStatus.DRAFT
    assert await outbox(session) == []


# ---- a new contest --------------------------------------------------------------------------


async def test_a_contest_from_a_template_takes_over_the_calendar_placeholder(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    async with session_pool.begin() as writer:
        placeholder = await create_event(
            writer,
            district_setup.district_id,
            EventInput(
                title="Срок конкурса «Самый талантливый читатель»",
                kind=EventKind.CONTEST_DEADLINE,
                starts_on=date(2026, 12, 1),
                ends_on=date(2027, 1, 20),
                deadline_local=datetime(2027, 1, 20, 18, 0),  # noqa: DTZ001 - local wall time
                code="contest-talented-reader",
                is_placeholder=True,
            ),
            TZ,
            clock,
        )
        placeholder_id = placeholder.id
    await client.send(COORDINATOR, "/contests")
    await client.press(COORDINATOR, tm.BTN_NEW_CONTEST)
    assert client.buttons(COORDINATOR) == [
        "Читающие родители — читающие дети",
        READER,
        "Лучшая школьная библиотека Республики Башкортостан",
        tm.BTN_SCRATCH,
        t.BTN_CANCEL,
    ]
    await client.press(COORDINATOR, READER)
    assert READER in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "01.12.2026")
    await client.send(COORDINATOR, "20.12.2026 18:00")
    summary = client.last_text(COORDINATOR)
    assert "Номера заявок: ТЧ-2026-001" in summary
    assert "Приём заявок: 01.12.2026 — 20.12.2026 18:00" in summary
    assert "Выразительность — 10" in summary
    assert await count_rows(session, Contest) == 0  # nothing before «Создать»
    await client.press(COORDINATOR, tm.BTN_CREATE)

    (contest,) = (await session.scalars(select(Contest))).all()
    assert contest.status is ContestStatus.DRAFT
    assert contest.template_key == "talented-reader"
    assert contest.event_id == placeholder_id
    event = await session.get(Event, placeholder_id)
    assert event is not None
    await session.refresh(event)
    assert event.deadline_at == datetime(2026, 12, 20, 13, 0, tzinfo=UTC)
    assert event.starts_on == date(2026, 12, 1)
    assert not event.is_placeholder
    card = client.last_text(COORDINATOR)
    assert card.startswith(tm.CREATED)
    assert f"<b>🏆 {READER}</b>" in card
    assert "Статус: черновик" in card
    assert "Этап: муниципальный" in card
    assert "Приём заявок: 01.12.2026 — 20.12.2026 18:00" in card
    assert "Положение: не приложено" in card
    assert "1. Выразительное чтение" in card
    assert "• Оригинальность — 5" in card
    assert "Всего: 30" in card
    assert "от школы — не больше 6 заявок на конкурс" in card
    assert "от школы в одной номинации — не больше 2 заявок" in card
    assert "указывается возраст каждого участника" in card
    assert "<b>Заявки</b>: пока нет" in card
    assert client.buttons(COORDINATOR) == [
        tm.BTN_REGULATION,
        tm.BTN_DEADLINE,
        tm.BTN_OPEN,
        tm.BTN_CANCEL_CONTEST,
        tm.BTN_JURY,
        tm.BTN_RESULTS,
        tm.BTN_TO_LIST,
    ]
    _, jury = client.find_button(COORDINATOR, tm.BTN_JURY)
    assert jury == JuryAdminCb(action=JuryAdminAction.LIST, contest_id=contest.id).pack()
    _, results = client.find_button(COORDINATOR, tm.BTN_RESULTS)
    assert results == ResultsCb(action=ResultsAction.OPEN, contest_id=contest.id).pack()
    # «Создать» again (an old button): the form is over, nothing is made twice
    await client.press_data(COORDINATOR, ContestCb(action=ContestAction.SAVE).pack())
    assert await count_rows(session, Contest) == 1


async def test_a_contest_from_scratch(
    client: Client,
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/contests")
    await client.press(COORDINATOR, tm.BTN_NEW_CONTEST)
    await client.press(COORDINATOR, tm.BTN_SCRATCH)
    assert client.last_text(COORDINATOR) == tm.ASK_TITLE
    await client.send(COORDINATOR, "  Живая   классика  ")
    await client.send(COORDINATOR, "жк")
    await client.send(COORDINATOR, "Проза\n\nПоэзия\n")
    await client.send(COORDINATOR, "Выразительность — 10\nАртистизм - 5\nРегламент: 3 балла")
    await client.send(COORDINATOR, "01.12.2026")
    await client.send(COORDINATOR, "20.12.2026 18:00")
    summary = client.last_text(COORDINATOR)
    assert "Номера заявок: ЖК-2026-001" in summary
    assert "Номинации: Проза, Поэзия" in summary
    assert "Критерии: Выразительность — 10, Артистизм — 5, Регламент — 3" in summary
    await client.press(COORDINATOR, tm.BTN_CREATE)

    (contest,) = (await session.scalars(select(Contest))).all()
    contest = await get_contest(session, contest.id)
    assert contest.title == "Живая классика"
    assert contest.prefix == "ЖК"
    assert contest.template_key == "custom"
    assert [n.title for n in contest.nominations] == ["Проза", "Поэзия"]
    assert contest.nominations[0].categories[0] == "1"
    assert "library" in contest.nominations[0].categories
    assert [(c.title, c.max_score) for c in contest.criteria] == [
        ("Выразительность", 10),
        ("Артистизм", 5),
        ("Регламент", 3),
    ]
    assert contest.max_per_school is None and contest.max_per_nomination is None
    assert contest.event.kind is EventKind.CONTEST_DEADLINE
    assert contest.event.title == "Конкурс «Живая классика»: приём заявок"
    assert "• без ограничений" in client.last_text(COORDINATOR)


async def test_bad_scratch_lines_are_named_and_nothing_is_made(
    client: Client,
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/contests")
    await client.press(COORDINATOR, tm.BTN_NEW_CONTEST)
    await client.press(COORDINATOR, tm.BTN_SCRATCH)
    await client.send(COORDINATOR, "Ж")
    assert "Слишком коротко" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "Живая классика")
    for bad in ("Ж-К", "ДЛИННЫЙПРЕФИКС", "ж к"):
        await client.send(COORDINATOR, bad)
        assert client.last_text(COORDINATOR).startswith("Буквы номера — от 1 до 8 букв")
    await client.send(COORDINATOR, "ЖК")

    # nominations: empty, a one-letter line, the same twice
    await client.send(COORDINATOR, " \n ")
    assert client.last_text(COORDINATOR).startswith(
        "Напишите хотя бы одну номинацию — каждую с новой строки."
    )
    await client.send(COORDINATOR, "Проза\nП")
    assert client.last_text(COORDINATOR).startswith("Строка 2 «П»: название слишком короткое.")
    await client.send(COORDINATOR, "Проза\nпроза")
    assert client.last_text(COORDINATOR).startswith(
        "Строка 2 «проза»: такое название уже есть выше."
    )
    await client.send(COORDINATOR, "Проза\nПоэзия")

    # criteria: no number, 0, 500, a word instead of a number
    cases = {
        "Выразительность — 10\nАртистизм": (
            "Строка 2 «Артистизм»: не вижу максимального балла. Напишите «Название — 10»."
        ),
        "Выразительность — 0": "Строка 1 «Выразительность — 0»: максимальный балл — от 1 до 100.",
        "Выразительность — 10\n\nАртистизм — 500": (
            "Строка 3 «Артистизм — 500»: максимальный балл — от 1 до 100."
        ),
        "Выразительность — десять": (
            "Строка 1 «Выразительность — десять»: не вижу максимального балла."
        ),
        "— 10": "Строка 1 «— 10»: не вижу максимального балла.",
        "Выразительность — -5": (
            "Строка 1 «Выразительность — -5»: максимальный балл — от 1 до 100."
        ),
    }
    for text, answer in cases.items():
        await client.send(COORDINATOR, text)
        reply = client.last_text(COORDINATOR)
        assert reply.startswith(answer), reply
        assert reply.endswith(t.TRY_AGAIN)
    await client.send(COORDINATOR, "Выразительность — 10")
    assert "С какого дня" in client.last_text(COORDINATOR)

    # the window: a bad start, a deadline before the start, a deadline already past
    await client.send(COORDINATOR, "первое декабря")
    assert client.last_text(COORDINATOR).startswith("Напишите дату начала приёма заявок")
    await client.send(COORDINATOR, "01.11.2026")
    await client.send(COORDINATOR, "31.10.2026 18:00")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["event_deadline_before_start"])
    await client.send(COORDINATOR, "25.11.2026 11:59")  # 12:00 local now
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["deadline_past"])
    await client.send(COORDINATOR, "32.12.2026 18:00")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["bad_deadline"])
    assert await count_rows(session, Contest) == 0
    assert await count_rows(session, Event) == 0
    # /cancel ends the form
    await client.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.CANCELLED
    await client.send(COORDINATOR, "20.12.2026 18:00")
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT
    assert await count_rows(session, Contest) == 0


async def test_a_deadline_past_by_the_time_of_saving_is_refused(
    client: Client,
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/contests")
    await client.press(COORDINATOR, tm.BTN_NEW_CONTEST)
    await client.press(COORDINATOR, READER)
    await client.send(COORDINATOR, "25.11.2026")
    await client.send(COORDINATOR, "25.11.2026 13:00")
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 14:00 local: the deadline passed
    await client.press(COORDINATOR, tm.BTN_CREATE)
    assert client.alerts()[-1] == ev.ERRORS["deadline_past"]
    assert await count_rows(session, Contest) == 0
    assert await count_rows(session, Event) == 0


# ---- the regulation -------------------------------------------------------------------------


async def test_the_regulation_is_a_document_kept_by_file_id(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    await open_card(client, COORDINATOR, contest_id)
    await client.press(COORDINATOR, tm.BTN_REGULATION)
    assert "Пришлите положение конкурса" in client.last_text(COORDINATOR)

    refusal = tm.REGULATION_NOT_DOCUMENT.format(formats=tm.REGULATION_FORMATS)
    await client.send_photo(COORDINATOR)
    assert client.last_text(COORDINATOR) == refusal
    await client.send(COORDINATOR, "положение.pdf")
    assert client.last_text(COORDINATOR) == refusal
    await client.send_document(COORDINATOR, "setup.exe", b"MZ", mime="application/x-msdownload")
    assert client.last_text(COORDINATOR).startswith(
        "Файл «setup.exe» не подходит: положение принимается в формате PDF"
    )
    contest = await contest_row(session, contest_id)
    assert contest.regulation_file_id == "" and contest.regulation_file_name == ""

    file_id = await client.send_document(
        COORDINATOR, "Положение 2026.pdf", b"%PDF-1.4", mime="application/pdf"
    )
    card = client.last_text(COORDINATOR)
    assert card.startswith("📎 Положение «Положение 2026.pdf» приложено.")
    assert "Положение: Положение 2026.pdf" in card
    contest = await contest_row(session, contest_id)
    assert contest.regulation_file_id == file_id
    assert contest.regulation_file_name == "Положение 2026.pdf"
    assert not client.calls("GetFile")  # kept by its file id, never downloaded
    # the form is over: another document is not taken as the regulation
    await client.send_document(COORDINATOR, "второй.pdf", b"%PDF", mime="application/pdf")
    contest = await contest_row(session, contest_id)
    assert contest.regulation_file_name == "Положение 2026.pdf"


# ---- open, close, cancel --------------------------------------------------------------------


async def test_opening_announces_to_every_librarian_and_twice_changes_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    await open_card(client, COORDINATOR, contest_id)
    await client.press(COORDINATOR, tm.BTN_OPEN)
    question = client.last_text(COORDINATOR)
    assert question.startswith(
        f"Открыть приём заявок на конкурс «{READER}» до 25.12.2026 18:00?\n"
        "Сообщение получат библиотекари района: 2."
    )
    assert "Положение не приложено" in question
    assert client.buttons(COORDINATOR) == [tm.BTN_YES, tm.BTN_NO]
    await client.press(COORDINATOR, tm.BTN_NO)
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.DRAFT
    assert await outbox(session) == []

    await client.press(COORDINATOR, tm.BTN_OPEN)
    yes_message, yes_data = client.find_button(COORDINATOR, tm.BTN_YES)
    await client.press(COORDINATOR, tm.BTN_YES)
    card = client.last_text(COORDINATOR)
    assert card.startswith(tm.OPENED.format(count=2))
    assert "Статус: идёт приём заявок" in card
    assert tm.BTN_CLOSE in client.buttons(COORDINATOR)
    assert tm.BTN_OPEN not in client.buttons(COORDINATOR)
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.OPEN
    assert contest.event.status is EventStatus.OPEN
    assert contest.first_deadline_at == datetime(2026, 12, 25, 13, 0, tzinfo=UTC)
    assert not client.texts(LIBRARIAN)  # through the outbox, not from the handler
    assert await client.drain() == 2
    for person in (LIBRARIAN, OTHER):
        (notice,) = client.texts(person)
        assert notice.startswith(f"🏆 Открыт приём заявок на конкурс «{READER}».")
        assert "Срок: 25.12.2026 18:00." in notice
        assert "Выразительное чтение, Читательский отзыв, Буктрейлер" in notice
        _, data = client.find_button(person, tm.BTN_OPEN_CONTEST)
        assert data == EntryCb(action=EntryAction.CARD, contest_id=contest_id).pack()

    # the old «Да» pressed again: refused, the card redrawn, nobody told twice
    client.clear()
    await client.press_data(COORDINATOR, yes_data, yes_message)
    assert client.alerts() == [
        rules.ERRORS["contest_status_conflict"].format(status="идёт приём заявок")
    ]
    assert "Статус: идёт приём заявок" in client.last_text(COORDINATOR)
    assert len(await outbox(session, "prompt")) == 2
    assert await client.drain() == 0
    # and a forged «Открыть» on an open contest says the same
    await client.press_data(
        COORDINATOR, ContestCb(action=ContestAction.OPEN, contest_id=contest_id).pack()
    )
    assert len(client.alerts()) == 2
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.OPEN


async def test_closing_and_cancelling_tell_only_schools_with_entries(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_card(client, COORDINATOR, contest_id)
    assert "<b>Заявки</b>: на проверке — 1" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tm.BTN_CLOSE)
    assert "Закрыть приём заявок" in client.last_text(COORDINATOR)
    assert "он ещё не наступил" in client.last_text(COORDINATOR)  # closing before the date
    await client.press(COORDINATOR, tm.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(tm.CLOSED_EARLY.format(count=2))
    await client.drain()  # every librarian of the district hears the date no longer holds
    for person in (LIBRARIAN, OTHER):
        assert client.texts(person) == [
            tm.CLOSE_NOTICE.format(title=READER, deadline="25.12.2026 18:00")
        ]
    client.clear()
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.CLOSED
    assert contest.event.status is EventStatus.CLOSED
    assert tm.BTN_CLOSE not in client.buttons(COORDINATOR)

    await client.press(COORDINATOR, tm.BTN_CANCEL_CONTEST)
    assert "подавших заявки: 1" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tm.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(tm.CANCELLED.format(count=1))
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.CANCELLED
    assert contest.event.status is EventStatus.CANCELLED
    assert client.buttons(COORDINATOR) == [
        tm.BTN_ENTRIES,
        tm.BTN_JURY,
        tm.BTN_RESULTS,
        tm.BTN_TO_LIST,
    ]
    await client.drain()
    (notice,) = client.texts(LIBRARIAN)
    assert notice == tm.CANCEL_NOTICE.format(title=READER)
    assert not client.texts(OTHER)
    # a cancelled contest changes no more: a forged «Сроки» or «Положение» is refused
    client.clear()
    for action in (ContestAction.DEADLINE, ContestAction.REGULATION, ContestAction.CANCEL_OK):
        await client.press_data(
            COORDINATOR, ContestCb(action=action, contest_id=contest_id).pack()
        )
    assert (
        client.alerts() == [rules.ERRORS["contest_status_conflict"].format(status="отменён")] * 3
    )
    assert len(await outbox(session, "cancel")) == 1


# ---- the deadline ---------------------------------------------------------------------------


async def test_a_draft_deadline_moves_freely_and_tells_nobody(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    await open_card(client, COORDINATOR, contest_id)
    await client.press(COORDINATOR, tm.BTN_DEADLINE)
    assert "сейчас: 25.12.2026 18:00" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "10.12.2026 12:00")
    assert client.last_text(COORDINATOR).startswith("🗓 Срок приёма заявок: 10.12.2026 12:00.")
    contest = await contest_row(session, contest_id)
    assert contest.event.deadline_at == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert await outbox(session) == []


async def test_an_extension_tells_the_schools_without_an_entry(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_card(client, COORDINATOR, contest_id)
    await client.press(COORDINATOR, tm.BTN_DEADLINE)
    assert "можно только продлить" in client.last_text(COORDINATOR)

    # refused: in the past, earlier than now set, not a date; nothing changes
    for text, answer in (
        ("20.11.2026 18:00", ev.ERRORS["deadline_past"]),
        ("20.12.2026 18:00", rules.ERRORS["deadline_earlier"]),
        ("завтра", ev.ERRORS["bad_deadline"]),
    ):
        await client.send(COORDINATOR, text)
        assert client.last_text(COORDINATOR) == answer + "\n" + t.TRY_AGAIN
    contest = await contest_row(session, contest_id)
    assert contest.event.deadline_at == datetime(2026, 12, 25, 13, 0, tzinfo=UTC)
    assert await outbox(session) == []

    await client.send(COORDINATOR, "15.01.2027 18:00")
    card = client.last_text(COORDINATOR)
    assert card.startswith(tm.DEADLINE_EXTENDED.format(deadline="15.01.2027 18:00", count=1))
    assert "(продлён; первый срок — 25.12.2026 18:00)" in card
    contest = await contest_row(session, contest_id)
    assert contest.event.deadline_at == datetime(2027, 1, 15, 13, 0, tzinfo=UTC)
    assert contest.event.ends_on == date(2027, 1, 15)
    await client.drain()
    assert not client.texts(LIBRARIAN)  # the school has an entry
    (notice,) = client.texts(OTHER)
    assert notice == tm.EXTENDED_NOTICE.format(title=READER, deadline="15.01.2027 18:00")
    _, data = client.find_button(OTHER, tm.BTN_OPEN_CONTEST)
    assert data == EntryCb(action=EntryAction.CARD, contest_id=contest_id).pack()

    # the same extension again is no second message
    await client.press(COORDINATOR, tm.BTN_DEADLINE)
    await client.send(COORDINATOR, "15.01.2027 18:00")
    assert len(await outbox(session, "prompt")) == 1


async def test_extending_a_closed_contest_reopens_it(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, COORDINATOR, contest_id)
    await client.press(COORDINATOR, tm.BTN_CLOSE)
    await client.press(COORDINATOR, tm.BTN_YES)
    await client.press(COORDINATOR, tm.BTN_DEADLINE)
    await client.send(COORDINATOR, "30.12.2026 18:00")
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.OPEN
    assert contest.event.status is EventStatus.OPEN
    assert "Статус: идёт приём заявок" in client.last_text(COORDINATOR)
    assert await client.drain() == 4  # closed early (2 librarians), then extended (2)


# ---- the contest's calendar event in /events ------------------------------------------------


async def test_the_contest_event_has_no_status_buttons_in_events(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    contest = await contest_row(session, contest_id)
    event_id = contest.event_id
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert client.last_text(COORDINATOR).endswith("Этим сроком управляет конкурс: /contests")
    buttons = client.buttons(COORDINATOR)
    for status_button in (ev.BTN_OPEN, ev.BTN_CLOSE, ev.BTN_REOPEN, ev.BTN_CANCEL_EVENT):
        assert status_button not in buttons
    # forged status buttons change nothing
    for arg in ("open", "cancelled"):
        for action in (EventAction.STATUS, EventAction.STATUS_OK):
            await client.press_data(
                COORDINATOR, EventCb(action=action, event_id=event_id, arg=arg).pack()
            )
    assert client.alerts() == ["Этим сроком управляет конкурс: /contests"] * 4
    contest = await contest_row(session, contest_id)
    assert contest.event.status is EventStatus.DRAFT
    assert contest.status is ContestStatus.DRAFT
    assert await outbox(session) == []


async def test_a_super_admin_manages_the_district_they_chose(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    await client.send(ADMIN, "/contests")
    assert client.last_text(ADMIN) == NO_DISTRICT
    await client.press_data(
        ADMIN, ContestCb(action=ContestAction.OPEN_OK, contest_id=contest_id).pack()
    )
    assert client.alerts() == [rules.UNKNOWN_CONTEST]
    assert (await contest_row(session, contest_id)).status is ContestStatus.DRAFT

    async with session_pool.begin() as writer:
        admin = await user_of(writer, ADMIN)
        admin.district_id = district_setup.district_id  # «Работать с районом» in /districts
    await open_card(client, ADMIN, contest_id)
    await client.press(ADMIN, tm.BTN_OPEN)
    await client.press(ADMIN, tm.BTN_YES)
    assert (await contest_row(session, contest_id)).status is ContestStatus.OPEN
