"""The jury through the real Dispatcher: the coordinator's jury screen and invitations, the
juror's link, /jury from the contests to the point buttons, the works re-sent, comments,
revoking and closing, and every refused press changing no row."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import onboarding as o
from bot.texts.contests import jury as tj
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    JuryAction,
    JuryAdminAction,
    JuryAdminCb,
    JuryCb,
)
from models import (
    Contest,
    ContestEntry,
    ContestJuror,
    ContestScore,
    Invitation,
    Role,
    School,
    User,
    WorkKind,
)
from services.contests.entries import WorkInput, accept_entry, submit_entry
from services.contests.setup import close_contest, get_contest
from services.contests.templates import CriterionTemplate, NominationTemplate
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    STRANGER,
    DistrictSetup,
    FixedClock,
)
from tests.contest_helpers import entry_input, make_contest
from tests.dump import dump_tables
from tests.harness import BOT_USERNAME, Client, Person
from tests.test_contests_jury import add_entry, invite

JUROR = Person(id=4001, first_name="Мария", last_name="Судейская")
SECOND = Person(id=4002, first_name="Пётр", last_name="Чужой")
COORDINATOR_B = Person(id=2050, first_name="Борислава", last_name="Чужанина")
TITLE = "Самый талантливый читатель"


@dataclass
class World:
    contest_id: int
    school_a: int
    school_b: int
    a0: int  # school A, the first nomination
    b0: int  # school B, the first nomination
    b1: int  # school B, the second nomination


@pytest.fixture
async def world(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> World:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    a, b = two_schools
    a0 = await add_entry(session_pool, clock, contest_id, a, "Иван Иванов")
    b0 = await add_entry(session_pool, clock, contest_id, b, "Пётр Петров")
    b1 = await add_entry(session_pool, clock, contest_id, b, "Олег Олегов", nomination=1)
    client.clear()
    return World(contest_id, a, b, a0, b0, b1)


async def contest_of(pool: async_sessionmaker[AsyncSession], contest_id: int) -> Contest:
    async with pool() as session:
        return await get_contest(session, contest_id)


async def seats(pool: async_sessionmaker[AsyncSession]) -> list[ContestJuror]:
    async with pool() as session:
        stmt = select(ContestJuror).order_by(ContestJuror.id)
        return list((await session.scalars(stmt)).all())


async def scores(pool: async_sessionmaker[AsyncSession]) -> list[ContestScore]:
    async with pool() as session:
        stmt = select(ContestScore).order_by(ContestScore.id)
        return list((await session.scalars(stmt)).all())


async def code_of(pool: async_sessionmaker[AsyncSession], entry_id: int) -> str:
    async with pool() as session:
        entry = await session.get(ContestEntry, entry_id)
        assert entry is not None
        return entry.code


async def seated(
    client: Client,
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    person: Person = JUROR,
    nominations: list[int] | None = None,
) -> int:
    """A seat made by the service and taken by `person` through /start; its id."""
    seat_id, token = await invite(pool, clock, contest_id, nominations=nominations)
    await client.send(person, f"/start {token}")
    client.clear()
    return seat_id


def admin(action: JuryAdminAction, contest_id: int, **kw: Any) -> str:
    return JuryAdminCb(action=action, contest_id=contest_id, **kw).pack()


def jury(action: JuryAction, contest_id: int = 0, entry_id: int = 0, **kw: Any) -> str:
    return JuryCb(action=action, contest_id=contest_id, entry_id=entry_id, **kw).pack()


# ---- the coordinator ---------------------------------------------------------------------------


async def test_the_coordinator_invites_a_juror_by_a_one_time_link(
    client: Client, session_pool: async_sessionmaker[AsyncSession], world: World
) -> None:
    contest = await contest_of(session_pool, world.contest_id)
    first, second = contest.nominations[0], contest.nominations[1]
    await client.press_data(COORDINATOR, admin(JuryAdminAction.LIST, world.contest_id))
    text = client.last_text(COORDINATOR)
    assert f"Жюри конкурса «{TITLE}»" in text and "Допущено работ: 3." in text
    assert tj.NO_JURORS in text
    _, back = client.find_button(COORDINATOR, t.BTN_BACK)
    assert back == ContestCb(action=ContestAction.CARD, contest_id=world.contest_id).pack()
    # entries still come in: no closing of the judging yet
    assert tj.BTN_CLOSE_JUDGING not in client.buttons(COORDINATOR)

    await client.press(COORDINATOR, tj.BTN_INVITE)
    assert client.last_text(COORDINATOR) == tj.ASK_LABEL
    await client.send(COORDINATOR, "Я")
    assert client.last_text(COORDINATOR).startswith("Слишком коротко")
    await client.send(COORDINATOR, "Мария Судейская, библиотекарь ЦБС")
    assert client.last_text(COORDINATOR) == tj.ASK_NOMINATIONS.format(
        label="Мария Судейская, библиотекарь ЦБС"
    )
    client.clear()
    await client.press(COORDINATOR, tj.BTN_DONE)  # nothing ticked
    assert client.alerts() == [tj.ERRORS["jury_no_nominations"]]
    assert await seats(session_pool) == []
    await client.press(COORDINATOR, f"⬜ {first.title}")
    await client.press(COORDINATOR, f"⬜ {second.title}")
    await client.press(COORDINATOR, f"☑️ {second.title}")  # ticked off again
    buttons = client.buttons(COORDINATOR)
    assert f"☑️ {first.title}" in buttons and f"⬜ {second.title}" in buttons
    await client.press(COORDINATOR, tj.BTN_DONE)
    (seat,) = await seats(session_pool)
    assert seat.label == "Мария Судейская, библиотекарь ЦБС"
    assert seat.nomination_ids == [first.id] and seat.user_id is None
    link = f"https://t.me/{BOT_USERNAME}?start={seat.token}"
    assert link in client.last_text(COORDINATOR)
    assert f"«{first.title}»" in client.last_text(COORDINATOR)

    # the juror opens it: a juror now, with the juror's menu
    client.clear()
    await client.send(JUROR, f"/start {seat.token}")
    assert client.last_text(JUROR) == tj.JOINED.format(title=TITLE, nominations=f"«{first.title}»")
    (menu,) = client.calls("SetMyCommands")
    assert menu.param("scope").chat_id == JUROR.id
    assert [c.command for c in menu.param("commands")] == ["jury", "help", "cancel"]
    async with session_pool() as session:
        juror = await get_user(session, JUROR.id)
        assert juror is not None and juror.role is Role.JUROR
        assert juror.full_name == "Мария Судейская"

    # the coordinator sees who took it and the progress; the seat's card
    await client.press_data(COORDINATOR, admin(JuryAdminAction.LIST, world.contest_id))
    assert (
        "1. Мария Судейская, библиотекарь ЦБС — в жюри (Мария Судейская) · оценено 0 из 2"
        in client.last_text(COORDINATOR)
    )
    await client.press(COORDINATOR, "👤 Мария Судейская, библиотекарь ЦБС")
    card = client.last_text(COORDINATOR)
    assert "Место занято: Мария Судейская" in card and seat.token not in card


async def test_one_nomination_needs_no_nomination_step(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, key="best-library"
    )
    await client.press_data(COORDINATOR, admin(JuryAdminAction.INVITE, contest_id))
    await client.send(COORDINATOR, "Пётр Судьин")
    (seat,) = await seats(session_pool)
    assert seat.nomination_ids is None
    assert seat.token in client.last_text(COORDINATOR)
    assert client.buttons(COORDINATOR) == [tj.BTN_TO_JURY]


async def test_a_link_used_by_a_second_person_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    seat_id, token = await invite(session_pool, clock, world.contest_id)
    await client.send(JUROR, f"/start {token}")
    before = await dump_tables(session_pool)
    client.clear()
    await client.send(SECOND, f"/start {token}")
    assert client.texts(SECOND) == [tj.ERRORS["jury_seat_taken"]]
    assert not client.calls("SetMyCommands")
    assert await dump_tables(session_pool) == before  # not even a user row for the second
    # the holder again: told, nothing changes
    await client.send(JUROR, f"/start {token}")
    assert client.last_text(JUROR) == tj.ALREADY_JOINED.format(title=TITLE)
    assert await dump_tables(session_pool) == before


async def test_a_revoked_link_is_refused_and_the_holder_is_told(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    taken = await seated(client, session_pool, clock, world.contest_id)
    waiting, token = await invite(session_pool, clock, world.contest_id, "Пётр Судьин")
    # the waiting seat's card shows its link again; revoke it
    await client.press_data(
        COORDINATOR, admin(JuryAdminAction.SEAT, world.contest_id, juror_id=waiting)
    )
    assert f"?start={token}" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tj.BTN_REVOKE)
    assert client.last_text(COORDINATOR) == tj.ASK_REVOKE.format(label="Пётр Судьин")
    await client.press(COORDINATOR, tj.BTN_NO)
    assert client.buttons(COORDINATOR)[0] == tj.BTN_REVOKE  # back on the card, nothing done
    assert all(s.revoked_at is None for s in await seats(session_pool))
    await client.press(COORDINATOR, tj.BTN_REVOKE)
    await client.press(COORDINATOR, tj.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(tj.REVOKED.format(label="Пётр Судьин"))
    before = await dump_tables(session_pool)
    client.clear()
    await client.send(SECOND, f"/start {token}")
    assert client.texts(SECOND) == [tj.ERRORS["jury_seat_revoked"]]
    assert await dump_tables(session_pool) == before
    # «Да» pressed again (a stale screen): refused, nothing changes
    await client.press_data(
        COORDINATOR, admin(JuryAdminAction.REVOKE_OK, world.contest_id, juror_id=waiting)
    )
    assert client.alerts()[-1] == tj.ERRORS["jury_seat_revoked"]
    assert await dump_tables(session_pool) == before

    # the taken seat: its holder is told through the outbox and leaves the jury
    await client.press_data(
        COORDINATOR, admin(JuryAdminAction.REVOKE_OK, world.contest_id, juror_id=taken)
    )
    client.clear()
    await client.drain()
    assert client.texts(JUROR) == [tj.REVOKED_NOTICE.format(title=TITLE)]
    await client.send(JUROR, "/jury")
    assert client.last_text(JUROR) == tj.NO_SEATS
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, world.b0))
    assert client.alerts()[-1] == tj.UNKNOWN_SEAT


async def test_a_coordinator_of_another_district_forging_the_jury_buttons_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    seat_id, token = await invite(session_pool, clock, world.contest_id)
    async with session_pool() as session:
        contest = await get_contest(session, world.contest_id)
        await close_contest(session, contest, clock)
        await session.commit()
    async with session_pool.begin() as session:
        admin_user = await get_user(session, ADMIN.id)
        assert admin_user is not None
        district = await create_district(session, "Тайнинский район", clock)
        link = await create_coordinator_invite(session, district.id, admin_user, clock)
        user = await get_or_create_user(session, TelegramProfile(COORDINATOR_B.id, None), clock)
        await accept_invitation(session, user, link.token, "Борислава Чужанина", clock)
    before = await dump_tables(session_pool)
    for action in JuryAdminAction:
        client.clear()
        await client.press_data(
            COORDINATOR_B, admin(action, world.contest_id, juror_id=seat_id, arg=1)
        )
        said = [*client.alerts(), *client.texts(COORDINATOR_B)]
        assert said, action
        assert all(TITLE not in text and token not in text for text in said), (action, said)
        if action in (
            JuryAdminAction.NOMINATION,
            JuryAdminAction.ALL_NOMINATIONS,
            JuryAdminAction.DONE,
        ):
            assert client.alerts() == [t.UNHANDLED_BUTTON], action  # no form is open
        else:
            assert client.alerts() == [t.STALE_BUTTON], action
    assert await dump_tables(session_pool) == before
    # a seat of another contest named with this contest's id: refused the same way
    other = await make_contest(session_pool, 1, clock)
    other_seat, _ = await invite(session_pool, clock, other)
    before = await dump_tables(session_pool)
    client.clear()
    await client.press_data(
        COORDINATOR, admin(JuryAdminAction.REVOKE_OK, world.contest_id, juror_id=other_seat)
    )
    assert client.alerts() == [t.STALE_BUTTON]
    assert await dump_tables(session_pool) == before


async def test_closing_the_judging_asks_first_and_freezes_the_scores(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id)
    contest = await contest_of(session_pool, world.contest_id)
    criterion = contest.criteria[0]
    await client.press_data(
        JUROR,
        jury(JuryAction.SCORE, world.contest_id, world.b0, arg=criterion.id, points=4),
    )
    # entries are still taken: refused, even by a forged button
    before = await dump_tables(session_pool)
    await client.press_data(COORDINATOR, admin(JuryAdminAction.CLOSE_OK, world.contest_id))
    assert client.alerts()[-1] == tj.ERRORS["jury_close_needs_closed"]
    assert await dump_tables(session_pool) == before
    async with session_pool.begin() as session:
        await close_contest(session, await get_contest(session, world.contest_id), clock)

    await client.press_data(COORDINATOR, admin(JuryAdminAction.LIST, world.contest_id))
    await client.press(COORDINATOR, tj.BTN_CLOSE_JUDGING)
    text = client.last_text(COORDINATOR)
    assert text.startswith(tj.ASK_CLOSE.format(title=TITLE))
    assert "• Мария Судейская: оценено 0 из 3" in text
    await client.press(COORDINATOR, tj.BTN_NO)
    assert (await contest_of(session_pool, world.contest_id)).judging_closed_at is None
    await client.press(COORDINATOR, tj.BTN_CLOSE_JUDGING)
    await client.press(COORDINATOR, tj.BTN_YES)
    assert client.last_text(COORDINATOR).startswith(tj.CLOSED_DONE)
    assert tj.BTN_INVITE not in client.buttons(COORDINATOR)
    assert tj.BTN_CLOSE_JUDGING not in client.buttons(COORDINATOR)
    closed = await contest_of(session_pool, world.contest_id)
    assert closed.judging_closed_at == clock()
    client.clear()
    await client.drain()
    assert client.texts(JUROR) == [tj.CLOSED_NOTICE.format(title=TITLE)]

    # the juror: read-only screens, every change refused
    before = await dump_tables(session_pool)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, world.b0))
    card = client.last_text(JUROR)
    assert tj.ENTRY_CLOSED in card and "<b>4</b> из 10" in card
    assert client.buttons(JUROR) == [tj.BTN_WORKS, tj.BTN_NEXT_ENTRY, tj.BTN_TO_ENTRIES]
    for data in (
        jury(JuryAction.SCORE, world.contest_id, world.b0, arg=criterion.id, points=9),
        jury(JuryAction.COMMENT, world.contest_id, world.b0),
        jury(JuryAction.CRITERION, world.contest_id, world.b0, arg=criterion.id),
    ):
        client.clear()
        await client.press_data(JUROR, data)
        assert client.alerts() == [tj.ERRORS["jury_judging_closed"]], data
    assert await dump_tables(session_pool) == before
    await client.press_data(COORDINATOR, admin(JuryAdminAction.CLOSE_OK, world.contest_id))
    assert client.alerts()[-1] == tj.ERRORS["jury_judging_closed"]
    assert await dump_tables(session_pool) == before


# ---- the juror ----------------------------------------------------------------------------------


async def test_the_juror_scores_entry_after_entry(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id)
    contest = await contest_of(session_pool, world.contest_id)
    codes = [await code_of(session_pool, e) for e in (world.a0, world.b0, world.b1)]
    await client.send(JUROR, "/jury")
    assert f"«{TITLE}»: оценено 0 из 3" in client.last_text(JUROR)
    await client.press(JUROR, TITLE)
    assert client.last_text(JUROR).startswith(f"<b>«{TITLE}»</b>\nОценено 0 из 3.")
    assert client.buttons(JUROR) == [
        f"{codes[0]} · Выразительное чтение",
        f"{codes[1]} · Выразительное чтение",
        f"{codes[2]} · Читательский отзыв",
        tj.BTN_TO_CONTESTS,
    ]
    await client.press(JUROR, f"{codes[0]} · Выразительное чтение")
    card = client.last_text(JUROR)
    assert f"<b>Работа {codes[0]}</b> (1 из 3)" in card
    assert "Номинация: «Выразительное чтение»" in card
    assert "Участники: Иван Иванов (5 класс, 11 лет)" in card
    assert "Иглино" not in card and "СОШ" not in card  # no school named
    assert "1. Выразительность: не оценено (0–10)" in card
    buttons = client.buttons(JUROR)
    assert buttons[:3] == [tj.BTN_WORKS, "1. Выразительность", "0"]
    assert buttons[-3:] == [tj.BTN_COMMENT, tj.BTN_NEXT_ENTRY, tj.BTN_TO_ENTRIES]

    await client.press(JUROR, "7")  # the first row of numbers: the first criterion
    card = client.last_text(JUROR)
    assert "1. Выразительность: <b>7</b> из 10" in card and "Итого: 7 из 30" in card
    assert "•7•" in client.buttons(JUROR)
    await client.press(JUROR, "•7•")  # pressing it again changes nothing
    await client.press(JUROR, "9")  # the first 9: the first criterion, changed
    (row,) = await scores(session_pool)
    assert row.points == {str(contest.criteria[0].id): 9}
    for criterion, points in zip(contest.criteria[1:], (10, 3, 5), strict=True):
        await client.press_data(
            JUROR,
            jury(JuryAction.SCORE, world.contest_id, world.a0, arg=criterion.id, points=points),
        )
    assert "Итого: 27 из 30" in client.last_text(JUROR)

    await client.press(JUROR, tj.BTN_NEXT_ENTRY)
    assert f"<b>Работа {codes[1]}</b> (2 из 3)" in client.last_text(JUROR)
    await client.press(JUROR, tj.BTN_TO_ENTRIES)
    assert client.last_text(JUROR).startswith(f"<b>«{TITLE}»</b>\nОценено 1 из 3.")
    assert f"✅ {codes[0]} · Выразительное чтение" in client.buttons(JUROR)
    await client.press(JUROR, tj.BTN_TO_CONTESTS)
    assert f"«{TITLE}»: оценено 1 из 3" in client.last_text(JUROR)
    # the last entry has no «next»
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, world.b1))
    assert tj.BTN_NEXT_ENTRY not in client.buttons(JUROR)
    # the coordinator sees the progress
    await client.press_data(COORDINATOR, admin(JuryAdminAction.LIST, world.contest_id))
    assert "1. Мария Судейская — в жюри · оценено 1 из 3" in client.last_text(COORDINATOR)


async def test_a_big_maximum_gets_a_keypad_and_the_self_assessment_is_shown(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, key="best-library"
    )
    entry_id = await add_entry(
        session_pool, clock, contest_id, two_schools[1], "Библиотека школы", category="library"
    )
    await seated(client, session_pool, clock, contest_id)
    contest = await contest_of(session_pool, contest_id)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, contest_id, entry_id))
    card = client.last_text(JUROR)
    assert "1. Фонд и его использование: не оценено (0–20) · самооценка школы: 10 из 20" in card
    await client.press(JUROR, "1. Фонд и его использование: — из 20 ✏️")
    assert "Критерий «Фонд и его использование»: от 0 до 20 баллов." in client.last_text(JUROR)
    assert client.buttons(JUROR) == [*map(str, range(21)), tj.BTN_TO_ENTRY]
    await client.press(JUROR, "15")
    assert "1. Фонд и его использование: <b>15</b> из 20" in client.last_text(JUROR)
    assert "1. Фонд и его использование: 15 из 20 ✏️" in client.buttons(JUROR)
    (row,) = await scores(session_pool)
    assert row.points == {str(contest.criteria[0].id): 15}


async def test_a_maximum_of_a_hundred_is_chosen_in_tens(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    contest_id = await make_contest(
        session_pool,
        1,
        clock,
        criteria=(CriterionTemplate(title="Общее впечатление", max_score=100),),
    )
    entry_id = await add_entry(session_pool, clock, contest_id, world.school_b, "Анна Белова")
    await seated(client, session_pool, clock, contest_id)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, contest_id, entry_id))
    await client.press(JUROR, "1. Общее впечатление: — из 100 ✏️")
    buttons = client.buttons(JUROR)
    assert buttons[:2] == ["0–9", "10–19"] and buttons[-2:] == ["100", tj.BTN_TO_ENTRY]
    await client.press(JUROR, "40–49")
    assert client.buttons(JUROR) == [*map(str, range(40, 50)), t.BTN_BACK, tj.BTN_TO_ENTRY]
    await client.press(JUROR, "45")
    assert "<b>45</b> из 100" in client.last_text(JUROR)
    await client.press(JUROR, "1. Общее впечатление: 45 из 100 ✏️")
    await client.press(JUROR, "100")
    assert client.buttons(JUROR)[0] == "100"
    await client.press(JUROR, "100")
    assert "<b>100</b> из 100" in client.last_text(JUROR)


async def test_the_works_are_re_sent_by_file_id(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    works = (
        WorkInput(kind=WorkKind.PHOTO, file_id="photo-file-1", file_unique_id="p1"),
        WorkInput(kind=WorkKind.VIDEO, file_id="video-file-2", file_unique_id="v2"),
        WorkInput(
            kind=WorkKind.DOCUMENT, file_id="doc-file-3", file_unique_id="d3", file_name="a.pdf"
        ),
        WorkInput(kind=WorkKind.LINK, url="https://disk.example.ru/a?b=1&c=2"),
    )
    entry_id = await add_entry(
        session_pool, clock, world.contest_id, world.school_b, "Анна Белова", works=works
    )
    code = await code_of(session_pool, entry_id)
    await seated(client, session_pool, clock, world.contest_id)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, entry_id))
    assert "Работа: 3 файла, 1 ссылка" in client.last_text(JUROR)
    client.clear()
    await client.press(JUROR, tj.BTN_WORKS)
    assert [c.param("photo") for c in client.calls("SendPhoto")] == ["photo-file-1"]
    assert [c.param("video") for c in client.calls("SendVideo")] == ["video-file-2"]
    assert [c.param("document") for c in client.calls("SendDocument")] == ["doc-file-3"]
    assert {c.param("caption") for c in client.session.calls if c.param("caption")} == {
        f"Работа {code}"
    }
    texts = client.texts(JUROR)
    assert texts[0] == f"🔗 Ссылки заявки {code}:\nhttps://disk.example.ru/a?b=1&amp;c=2"
    assert texts[-1].startswith(f"<b>Работа {code}</b>")  # the card again, below the works
    assert client.buttons(JUROR)[0] == tj.BTN_WORKS


async def test_a_comment_is_a_text_step(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, world.b0))
    code = await code_of(session_pool, world.b0)
    await client.press(JUROR, tj.BTN_COMMENT)
    assert client.last_text(JUROR) == tj.ASK_COMMENT.format(code=code, max=1000)
    assert tj.BTN_CLEAR_COMMENT not in client.buttons(JUROR)
    await client.send(JUROR, "а" * 1001)
    assert client.last_text(JUROR).startswith("Слишком длинно: 1001 символ")
    assert await scores(session_pool) == []
    await client.send(JUROR, "Читает <выразительно> & уверенно")
    texts = client.texts(JUROR)
    assert texts[-2] == tj.COMMENT_SAVED
    assert "Комментарий: Читает &lt;выразительно&gt; &amp; уверенно" in texts[-1]
    (row,) = await scores(session_pool)
    assert row.comment == "Читает <выразительно> & уверенно" and row.points == {}

    # /cancel ends the step: later text lands nowhere
    await client.press(JUROR, tj.BTN_COMMENT)
    assert "Сейчас: Читает" in client.last_text(JUROR)
    await client.send(JUROR, "/cancel")
    assert client.last_text(JUROR) == t.CANCELLED
    await client.send(JUROR, "Другой текст")
    assert client.last_text(JUROR) == t.UNKNOWN_TEXT
    (row,) = await scores(session_pool)
    assert row.comment == "Читает <выразительно> & уверенно"
    # removed with a button
    await client.press_data(JUROR, jury(JuryAction.ENTRY, world.contest_id, world.b0))
    await client.press(JUROR, tj.BTN_COMMENT)
    await client.press(JUROR, tj.BTN_CLEAR_COMMENT)
    (row,) = await scores(session_pool)
    assert row.comment == ""
    assert "Комментарий:" not in client.last_text(JUROR)


async def test_a_score_above_the_maximum_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id)
    contest = await contest_of(session_pool, world.contest_id)
    small = contest.criteria[2]  # «Оригинальность», 0 to 5
    before = await dump_tables(session_pool)
    for points in (6, 1000):
        client.clear()
        await client.press_data(
            JUROR,
            jury(JuryAction.SCORE, world.contest_id, world.b0, arg=small.id, points=points),
        )
        assert client.alerts() == ["Баллы — от 0 до 5."]
        assert not client.calls("EditMessageText")
    # a criterion of no criterion, and points out of the callback's range
    client.clear()
    await client.press_data(
        JUROR, jury(JuryAction.SCORE, world.contest_id, world.b0, arg=999999, points=1)
    )
    assert client.alerts() == [tj.ERRORS["jury_no_such_criterion"]]
    forged = jury(JuryAction.SCORE, world.contest_id, world.b0, arg=small.id).replace(
        ":0:0", ":100001:0"
    )
    client.clear()
    await client.press_data(JUROR, forged)
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    assert await dump_tables(session_pool) == before


async def test_a_librarian_juror_never_sees_or_scores_the_own_school(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id, person=LIBRARIAN)
    async with session_pool() as session:
        librarian = await get_user(session, LIBRARIAN.id)
        assert librarian is not None and librarian.role is Role.LIBRARIAN  # kept
    contest = await contest_of(session_pool, world.contest_id)
    own = await code_of(session_pool, world.a0)
    await client.send(LIBRARIAN, "/jury")
    await client.press(LIBRARIAN, TITLE)
    assert "Оценено 0 из 2." in client.last_text(LIBRARIAN)
    assert not any(own in b for b in client.buttons(LIBRARIAN))
    before = await dump_tables(session_pool)
    for data in (
        jury(JuryAction.SCORE, world.contest_id, world.a0, arg=contest.criteria[0].id, points=5),
        jury(JuryAction.ENTRY, world.contest_id, world.a0),
        jury(JuryAction.WORKS, world.contest_id, world.a0),
        jury(JuryAction.COMMENT, world.contest_id, world.a0),
    ):
        client.clear()
        await client.press_data(LIBRARIAN, data)
        assert client.alerts() == [tj.UNKNOWN_ENTRY], data
        assert not client.calls("EditMessageText") and not client.calls("SendMessage")
    assert await dump_tables(session_pool) == before


async def test_a_seat_of_contest_a_cannot_score_another_contests_entry(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    await seated(client, session_pool, clock, world.contest_id)
    contest_b = await make_contest(session_pool, 1, clock, key="reading-families")
    entry_b = await add_entry(
        session_pool, clock, contest_b, world.school_b, "Анна Белова", category="parent"
    )
    criterion_b = (await contest_of(session_pool, contest_b)).criteria[0]
    before = await dump_tables(session_pool)
    cases = [
        (
            jury(JuryAction.SCORE, world.contest_id, entry_b, arg=criterion_b.id, points=1),
            tj.UNKNOWN_ENTRY,
        ),
        (jury(JuryAction.ENTRY, world.contest_id, entry_b), tj.UNKNOWN_ENTRY),
        (
            jury(JuryAction.SCORE, contest_b, entry_b, arg=criterion_b.id, points=1),
            tj.UNKNOWN_SEAT,
        ),
        (jury(JuryAction.CONTEST, contest_b), tj.UNKNOWN_SEAT),
        (jury(JuryAction.CONTEST, 999999), tj.UNKNOWN_SEAT),
    ]
    for data, answer in cases:
        client.clear()
        await client.press_data(JUROR, data)
        assert client.alerts() == [answer], data
        assert not client.calls("EditMessageText")
    assert await dump_tables(session_pool) == before


async def test_jury_is_for_seat_holders_only(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    before = await dump_tables(session_pool)
    for person, answer in (
        (LIBRARIAN, t.FORBIDDEN_COMMAND),
        (COORDINATOR, t.FORBIDDEN_COMMAND),
        (STRANGER, t.GUEST_COMMAND),
    ):
        client.clear()
        await client.send(person, "/jury")
        assert client.texts(person) == [answer], person
        client.clear()
        await client.press_data(person, jury(JuryAction.LIST))
        assert client.alerts() == [tj.NO_SEATS], person
        client.clear()
        await client.press_data(person, jury(JuryAction.ENTRY, world.contest_id, world.b0))
        assert client.alerts() == [tj.UNKNOWN_SEAT], person
    assert await dump_tables(session_pool) == before
    # a juror in a group chat is sent to the private one
    await seated(client, session_pool, clock, world.contest_id)
    await client.feed(
        {
            "update_id": 90001,
            "message": {
                "message_id": 90001,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": -1001, "type": "group", "title": "Методобъединение"},
                "from": JUROR.tg(),
                "text": "/jury",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
    )
    (sent,) = client.calls("SendMessage")
    assert sent.param("chat_id") == -1001 and sent.param("text") == tj.JURY_PRIVATE_ONLY


async def test_a_juror_may_still_join_a_school(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    seat_id = await seated(client, session_pool, clock, world.contest_id)
    async with session_pool() as session:
        token = await session.scalar(
            select(Invitation.token).where(Invitation.school_id == world.school_b)
        )
    await client.send(JUROR, f"/start {token}")
    await client.press(JUROR, o.BTN_YES_SCHOOL)
    await client.send(JUROR, "Мария Судейская")
    async with session_pool() as session:
        user = await session.scalar(select(User).where(User.telegram_id == JUROR.id))
        assert user is not None and user.role is Role.LIBRARIAN
        assert user.school_id == world.school_b
        seat = await session.get(ContestJuror, seat_id)
        assert seat is not None and seat.user_id == user.id
    # now of school B: school B's entries are no longer theirs to score
    await client.send(JUROR, "/jury")
    assert f"«{TITLE}»: оценено 0 из 1" in client.last_text(JUROR)


async def test_a_card_of_hostile_names_stays_one_valid_message(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    world: World,
) -> None:
    contest_id = await make_contest(
        session_pool,
        1,
        clock,
        nominations=(
            NominationTemplate(title="<b>&" * 60, categories=("5",), max_participants=10),
        ),
        criteria=tuple(CriterionTemplate(title=f"{n}<&>" * 60, max_score=10) for n in range(10)),
    )
    names = [f"Имя{chr(0x410 + n)} " + "&<>" * 60 for n in range(10)]
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        school = await session.get(School, world.school_b)
        sender = await get_user(session, OTHER.id)
        assert school is not None and sender is not None
        data = replace(
            entry_input(contest, *names),
            work_title="&<" * 100,
        )
        entry = await submit_entry(session, contest, school, sender, data, clock)
        reviewer = await get_user(session, COORDINATOR.id)
        assert reviewer is not None
        await accept_entry(session, entry, reviewer, entry.version, clock)
        entry_id = entry.id
    await seated(client, session_pool, clock, contest_id)
    await client.press_data(JUROR, jury(JuryAction.ENTRY, contest_id, entry_id))
    await client.press(JUROR, tj.BTN_COMMENT)
    await client.send(JUROR, "&" * 1000)
    card = client.last_text(JUROR)
    assert card.startswith("<b>Работа") and len(card) <= 4096
    assert "Участники: 10 человек\n" in card  # the names did not fit: their count
    # the point buttons stay within Telegram's keyboard: a keypad for what does not fit
    markup = client.session.chats[JUROR.id][max(client.session.chats[JUROR.id])].markup
    assert markup is not None
    assert sum(len(row) for row in markup.inline_keyboard) <= 100
    assert client.buttons(JUROR)[-3].startswith("10. ")  # the last criterion: a keypad
