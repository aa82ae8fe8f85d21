"""Bad input in the librarian's contest screens and entry form: a clear Russian answer, no row
changed (a dump of every table before and after) and what the Bot API was asked checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import EntryAction, EntryFormCb, EntryStep
from bot.toolkit.screens import error_text
from models import EntryStatus, School, User
from services.contests import entries as en
from services.contests.setup import get_contest
from services.districts import create_district
from services.errors import ValidationError
from tests.conftest import LIBRARIAN, OTHER, DistrictSetup, FixedClock, join_school
from tests.contest_entry_steps import (
    entries_of,
    entry_cb,
    form_data,
    form_state,
    open_card,
    send_content,
    send_file,
    to_summary,
    to_works,
)
from tests.contest_helpers import entry_input, make_contest
from tests.dump import dump_tables
from tests.harness import Client, Person

COLLEAGUE = Person(id=3003, first_name="Вера", last_name="Коллегова")
DEADLINE = "25.12.2026 18:00"  # make_contest: 30 days ahead at 18:00 local
CLOSED = rules.ERRORS["contest_not_taking"].format(deadline=DEADLINE)


def _retry(code: str, **params: Any) -> str:
    return error_text(ValidationError(code, **params)) + "\n" + t.TRY_AGAIN


async def _submit(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    school_id: int,
    clock: FixedClock,
    name: str,
    telegram_id: int,
    **kw: Any,
) -> int:
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        school = await session.get(School, school_id)
        assert user is not None and school is not None
        entry = await en.submit_entry(
            session, contest, school, user, entry_input(contest, name, **kw), clock
        )
        return entry.id


async def _to_category(client: Client, contest_id: int, nomination: str) -> None:
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, nomination)
    await client.send(LIBRARIAN, "Иванов Иван")


async def test_grade_12_a_word_and_a_grade_outside_the_nomination(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await _to_category(client, contest_id, "Буктрейлер")  # grades 5..11
    before = await dump_tables(session_pool)
    for text, answer in (
        ("12", _retry("bad_category")),
        ("пятый", _retry("bad_category")),
        ("3", _retry("category_not_in_nomination", nomination="Буктрейлер")),
        ("педагог", _retry("category_not_in_nomination", nomination="Буктрейлер")),
    ):
        client.clear()
        await client.send(LIBRARIAN, text)
        assert client.texts(LIBRARIAN) == [answer], text
        assert await form_state(client, LIBRARIAN) == "ContestEntryForm:category"
    # forged buttons: a grade the nomination does not take, a category that is none
    data = await form_data(client, LIBRARIAN)
    for arg, answer in (
        (1, error_text(ValidationError("category_not_in_nomination", nomination="Буктрейлер"))),
        (500, error_text(ValidationError("bad_category"))),
    ):
        client.clear()
        forged = EntryFormCb(
            step=EntryStep.CATEGORY, contest_id=contest_id, form=data["form"], arg=arg
        )
        await client.press_data(LIBRARIAN, forged.pack())
        assert client.alerts() == [answer]
    assert await dump_tables(session_pool) == before
    assert "participants" in data and data["participants"] == []
    assert await form_data(client, LIBRARIAN) == data
    await client.send(LIBRARIAN, "5")  # a right answer still goes on
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:age"


async def test_ages_out_of_range(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await _to_category(client, contest_id, "Выразительное чтение")
    await client.press(LIBRARIAN, "5")
    for text in ("4", "101", "десять", "１２"):
        client.clear()
        await client.send(LIBRARIAN, text)
        assert client.texts(LIBRARIAN) == [_retry("bad_age", min=5, max=100)], text
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:age"
    assert (await form_data(client, LIBRARIAN))["participants"] == []


async def test_an_empty_participant_list_does_not_go_on(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await _to_category(client, contest_id, "Выразительное чтение")
    await client.press(LIBRARIAN, "5")
    await client.press(LIBRARIAN, "11 лет")
    # one participant at most in this nomination: no «Ещё участник»
    assert tx.BTN_MORE not in client.buttons(LIBRARIAN)
    data = await form_data(client, LIBRARIAN)
    more = EntryFormCb(step=EntryStep.MORE, contest_id=contest_id, form=data["form"])
    client.clear()
    await client.press_data(LIBRARIAN, more.pack())
    assert client.alerts() == [error_text(ValidationError("too_many_participants", max=1))]
    await client.press(LIBRARIAN, tx.BTN_REMOVE.format(name="Иванов Иван"))
    assert tx.PARTICIPANTS_NONE in client.last_text(LIBRARIAN)
    before = await dump_tables(session_pool)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert client.alerts() == [rules.ERRORS["no_participants"]]
    assert not client.calls("EditMessageText") and not client.calls("SendMessage")
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:participants"
    assert await dump_tables(session_pool) == before


async def test_a_300_character_name_and_one_named_twice(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, "Буктрейлер")
    before = await dump_tables(session_pool)
    client.clear()
    await client.send(LIBRARIAN, "Ж" * 300)
    assert client.texts(LIBRARIAN) == [t.too_long(300, 200) + "\n" + t.TRY_AGAIN]
    client.clear()
    await client.send(LIBRARIAN, "12345")
    assert client.texts(LIBRARIAN) == [_retry("no_letters")]
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:name"
    assert "current" not in await form_data(client, LIBRARIAN)
    await client.send(LIBRARIAN, "Иванов Иван")
    await client.press(LIBRARIAN, "5")
    await client.press(LIBRARIAN, "10 лет")
    await client.press(LIBRARIAN, tx.BTN_MORE)
    client.clear()
    await client.send(LIBRARIAN, "иванов  иван")  # the same person, spelled otherwise
    assert client.texts(LIBRARIAN) == [_retry("participant_twice")]
    assert await dump_tables(session_pool) == before


async def test_zero_width_characters_dropped_control_characters_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, "Выразительное чтение")
    data = await form_data(client, LIBRARIAN)
    client.clear()
    await client.send(LIBRARIAN, "Иванов\x07 Иван")
    await client.send(LIBRARIAN, "Иванов\u202e Иван")
    assert client.texts(LIBRARIAN) == [t.CONTROL_CHARS, t.CONTROL_CHARS]
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:name"
    assert await form_data(client, LIBRARIAN) == data
    await client.send(LIBRARIAN, "Ива\u200bнов\u200d Иван\ufeff")
    assert client.last_text(LIBRARIAN).startswith("Участник: <b>Иванов Иван</b>.")
    await client.press(LIBRARIAN, "5")
    await client.press(LIBRARIAN, "11 лет")
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    await client.press(LIBRARIAN, "Я — Анна Петрова")
    await client.send(LIBRARIAN, "Стихи")
    # a file whose name carries a control character: refused before the form sees it
    client.clear()
    await send_file(client, LIBRARIAN, "work\x00.pdf", "application/pdf")
    assert client.texts(LIBRARIAN) == [t.CONTROL_CHARS]
    assert (await form_data(client, LIBRARIAN))["works"] == []
    await client.send(LIBRARIAN, "https://disk.example.ru/w")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    await client.press(LIBRARIAN, tx.BTN_SEND)
    [entry] = await entries_of(session_pool)
    async with session_pool() as session:
        loaded = await en.get_entry(session, entry.id)
        assert [p.full_name for p in loaded.participants] == ["Иванов Иван"]


async def test_unsupported_works_are_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    before = await dump_tables(session_pool)
    unsupported: list[dict[str, Any]] = [
        {
            "sticker": {
                "file_id": "st",
                "file_unique_id": "ust",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"voice": {"file_id": "vo", "file_unique_id": "uvo", "duration": 3}},
        {"location": {"latitude": 54.8, "longitude": 56.4}},
        {"contact": {"phone_number": "+79990000000", "first_name": "Иван"}},
        {"video_note": {"file_id": "vn", "file_unique_id": "uvn", "length": 240, "duration": 5}},
    ]
    for content in unsupported:
        client.clear()
        await send_content(client, LIBRARIAN, **content)
        assert client.texts(LIBRARIAN) == [tx.WORK_REFUSED], content
    client.clear()
    await send_file(client, LIBRARIAN, "setup.exe", "application/x-msdownload")
    await send_file(client, LIBRARIAN, "noname", "application/octet-stream")
    await client.send(LIBRARIAN, "это не ссылка")
    await client.send(LIBRARIAN, "https://localhost/x")
    assert client.texts(LIBRARIAN) == [
        tx.ERRORS["work_bad_file_type"].format(name="setup.exe"),
        tx.ERRORS["work_bad_file_type"].format(name="noname"),
        error_text(ValidationError("bad_url")),
        error_text(ValidationError("bad_url")),
    ]
    assert not client.calls("GetFile")
    assert (await form_data(client, LIBRARIAN))["works"] == []
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:works"
    # «Готово» with nothing attached (a forged press: the button is not shown)
    data = await form_data(client, LIBRARIAN)
    client.clear()
    done = EntryFormCb(step=EntryStep.DONE, contest_id=contest_id, form=data["form"])
    await client.press_data(LIBRARIAN, done.pack())
    assert client.alerts() == [rules.ERRORS["no_works"]]
    assert await dump_tables(session_pool) == before


async def test_eleven_works_are_too_many(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    for n in range(10):
        await client.send(LIBRARIAN, f"https://disk.example.ru/{n}")
    client.clear()
    await client.send(LIBRARIAN, "https://disk.example.ru/11")
    assert client.texts(LIBRARIAN) == [error_text(ValidationError("too_many_files", max=10))]
    assert len((await form_data(client, LIBRARIAN))["works"]) == 10


async def test_no_consent_no_entry(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    await client.send(LIBRARIAN, "https://disk.example.ru/w")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    before = await dump_tables(session_pool)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert client.alerts() == [rules.ERRORS["consent_required"]]
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:consent"
    # given, then taken back from the summary
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Согласие")
    await client.press(LIBRARIAN, tx.BTN_CONSENT_ON)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert client.alerts() == [rules.ERRORS["consent_required"]]
    # a forged «Отправить» of the same form without the consent: the service refuses
    data = await form_data(client, LIBRARIAN)
    assert data["consent"] is False
    send = EntryFormCb(step=EntryStep.SEND, contest_id=contest_id, form=data["form"])
    await client.press(LIBRARIAN, t.BTN_BACK)  # to the summary
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:summary"
    assert tx.CONSENT_NO in client.last_text(LIBRARIAN)
    client.clear()
    await client.press_data(LIBRARIAN, send.pack())
    assert client.alerts() == [rules.ERRORS["consent_required"]]
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:summary"  # the form stays
    assert await dump_tables(session_pool) == before


async def test_send_pressed_twice_makes_one_entry(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_summary(client, LIBRARIAN, contest_id)
    message_id, data = client.find_button(LIBRARIAN, tx.BTN_SEND)
    await client.press_data(LIBRARIAN, data, message_id)
    before = await dump_tables(session_pool)
    client.clear()
    await client.press_data(LIBRARIAN, data, message_id)
    assert client.alerts() == [tx.FORM_GONE]
    assert not client.calls("EditMessageText")
    assert await dump_tables(session_pool) == before
    [entry] = await entries_of(session_pool)
    assert entry.code == "ТЧ-2026-001"


async def test_a_button_of_an_older_form_is_stale(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    _, old = client.find_button(LIBRARIAN, "Буктрейлер")
    await client.press(LIBRARIAN, t.BTN_BACK)
    await client.press(LIBRARIAN, tx.BTN_ENTER)  # a new form
    data = await form_data(client, LIBRARIAN)
    client.clear()
    await client.press_data(LIBRARIAN, old)
    assert client.alerts() == [t.STALE_BUTTON]
    assert await form_data(client, LIBRARIAN) == data
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:nomination"
    # a button of another step of the same form: stale too, the form goes on
    client.clear()
    done = EntryFormCb(step=EntryStep.DONE, contest_id=contest_id, form=data["form"])
    await client.press_data(LIBRARIAN, done.pack())
    assert client.alerts() == [t.STALE_BUTTON]
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:nomination"


async def test_forged_ids_of_another_school_or_district(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, other = two_schools
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    theirs = await _submit(session_pool, contest_id, other, clock, "Чужой Ученик", OTHER.id)
    async with session_pool.begin() as session:
        far = await create_district(session, "Тайнинский район", clock)
        far_id = far.id
    far_contest = await make_contest(session_pool, far_id, clock, "best-library")
    before = await dump_tables(session_pool)
    for action in (
        EntryAction.ENTRY,
        EntryAction.WORKS,
        EntryAction.EDIT,
        EntryAction.WITHDRAW,
        EntryAction.WITHDRAW_OK,
    ):
        for entry_id in (theirs, 999_999):
            client.clear()
            data = entry_cb(action, contest_id=contest_id, entry_id=entry_id, version=1)
            await client.press_data(LIBRARIAN, data)
            assert client.alerts() == [rules.UNKNOWN_ENTRY], (action, entry_id)
            assert client.texts(LIBRARIAN) == []
            assert not client.calls("SendPhoto") and not client.calls("SendDocument")
    for action in (
        EntryAction.CARD,
        EntryAction.REGULATION,
        EntryAction.NEW,
        EntryAction.ENTRIES,
    ):
        client.clear()
        await client.press_data(LIBRARIAN, entry_cb(action, contest_id=far_contest))
        assert client.alerts() == [rules.UNKNOWN_CONTEST], action
        assert client.texts(LIBRARIAN) == []
    assert await form_state(client, LIBRARIAN) is None
    assert await dump_tables(session_pool) == before
    [entry] = await entries_of(session_pool)
    assert entry.status is EntryStatus.SUBMITTED and entry.school_id == other


async def test_a_withdrawn_entry_cannot_be_changed(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, _ = two_schools
    await join_school(client, COLLEAGUE, session_pool, own)
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    entry_id = await _submit(session_pool, contest_id, own, clock, "Иванов Иван", LIBRARIAN.id)
    card = entry_cb(EntryAction.ENTRY, contest_id=contest_id, entry_id=entry_id)
    # the librarian opens the entry to change it; meanwhile the colleague withdraws it
    await client.press_data(LIBRARIAN, card)
    await client.press(LIBRARIAN, tx.BTN_EDIT)
    await client.press_data(COLLEAGUE, card)
    await client.press(COLLEAGUE, tx.BTN_WITHDRAW)
    await client.press(COLLEAGUE, tx.BTN_YES)
    before = await dump_tables(session_pool)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.texts(LIBRARIAN) == [rules.ERRORS["entry_withdrawn"]]
    assert await form_state(client, LIBRARIAN) is None
    assert await dump_tables(session_pool) == before
    # an old «Изменить» of the withdrawn entry
    client.clear()
    edit = entry_cb(EntryAction.EDIT, contest_id=contest_id, entry_id=entry_id, version=1)
    await client.press_data(LIBRARIAN, edit)
    assert client.alerts() == [rules.ERRORS["entry_withdrawn"]]
    assert await form_state(client, LIBRARIAN) is None
    assert await dump_tables(session_pool) == before
    [entry] = await entries_of(session_pool)
    assert entry.status is EntryStatus.WITHDRAWN


async def test_after_the_deadline_the_message_names_it(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, _ = two_schools
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    sent = await _submit(session_pool, contest_id, own, clock, "Петров Пётр", LIBRARIAN.id)
    await to_summary(client, LIBRARIAN, contest_id)
    enter = entry_cb(EntryAction.NEW, contest_id=contest_id)  # the card's, pressed late
    start = clock.now
    clock.now = start + timedelta(days=31)  # past 25.12.2026 18:00 local
    before = await dump_tables(session_pool)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.alerts() == [CLOSED]
    assert await form_state(client, LIBRARIAN) is None  # the window closed: the form ends
    client.clear()
    await client.press_data(LIBRARIAN, enter)
    assert client.alerts() == [CLOSED]
    # a text answer in a form once the window closed
    clock.now = start
    await to_works(client, LIBRARIAN, contest_id, name="Сидоров Сидор")
    clock.now = start + timedelta(days=31)
    client.clear()
    await client.send(LIBRARIAN, "https://disk.example.ru/late")
    assert client.texts(LIBRARIAN) == [CLOSED]
    # the sent entry can no longer be changed or withdrawn
    for action in (EntryAction.EDIT, EntryAction.WITHDRAW):
        client.clear()
        data = entry_cb(action, contest_id=contest_id, entry_id=sent, version=1)
        await client.press_data(LIBRARIAN, data)
        assert client.alerts() == [CLOSED], action
    assert await dump_tables(session_pool) == before
    assert len(await entries_of(session_pool)) == 1


async def test_a_refusal_after_the_service_keeps_the_form_and_names_the_local_deadline(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    """The deadline passes between the form's check and the service's: the service's refusal
    names the deadline in local time too, and ends the form."""
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_summary(client, LIBRARIAN, contest_id)
    start = clock.now
    ticks = iter([start] * 1 + [start + timedelta(days=31)] * 10)

    class Moving:
        def __call__(self) -> Any:
            return next(ticks)

    client.dp["clock"] = Moving()
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.texts(LIBRARIAN) == [CLOSED]
    assert await form_state(client, LIBRARIAN) is None
    assert await entries_of(session_pool) == []


async def test_over_the_schools_limit(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, _ = two_schools
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_school=1, max_per_nomination=0
    )
    await to_summary(client, LIBRARIAN, contest_id, nomination="Читательский отзыв")
    # a colleague's entry takes the school's one place while this form is open
    await _submit(session_pool, contest_id, own, clock, "Первый Ученик", LIBRARIAN.id)
    before = await dump_tables(session_pool)
    data = await form_data(client, LIBRARIAN)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.alerts() == [error_text(ValidationError("school_limit", max=1))]
    assert not client.calls("EditMessageText")
    # nothing kept, not even the number; the form stays to be changed or cancelled
    assert await dump_tables(session_pool) == before
    assert await form_state(client, LIBRARIAN) == "ContestEntryForm:summary"
    assert await form_data(client, LIBRARIAN) == data
    # the same participant in the same nomination twice: the door check names them
    contest_two = await make_contest(session_pool, district_setup.district_id, clock)
    await _submit(session_pool, contest_two, own, clock, "Иванов Иван", LIBRARIAN.id)
    await to_summary(client, LIBRARIAN, contest_two)
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.alerts() == [
        error_text(ValidationError("participant_taken", name="Иванов Иван"))
    ]
