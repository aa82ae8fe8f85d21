"""The jury rules of services.contests.jury on a real SQLite file: seats by a one-time link,
what a juror scores (never their own school), scores within the maximum, closing the judging.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    ContestCriterion,
    ContestJuror,
    ContestScore,
    ContestStatus,
    EntryStatus,
    Role,
    School,
    User,
)
from services.contests import entries as en
from services.contests import jury as ju
from services.contests.entries import WorkInput
from services.contests.setup import cancel_contest, close_contest, get_contest
from services.errors import NotFoundError, ValidationError
from services.schools import add_school
from services.users import get_user
from tests.conftest import COORDINATOR, DistrictSetup, FixedClock
from tests.contest_helpers import entry_input, make_contest
from tests.dump import dump_tables

JUROR_TG = 4001


async def make_user(
    session: AsyncSession,
    telegram_id: int,
    *,
    role: Role | None = None,
    school_id: int | None = None,
    district_id: int | None = None,
    full_name: str | None = "Анна Петрова",
) -> User:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    user = User(
        telegram_id=telegram_id,
        full_name=full_name,
        role=role,
        school_id=school_id,
        district_id=district_id,
        is_active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    await session.flush()
    return user


async def add_entry(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    school_id: int,
    name: str,
    *,
    nomination: int = 0,
    accept: bool = True,
    works: tuple[WorkInput, ...] = (),
    **kw: Any,
) -> int:
    """An entry of the school sent by a librarian of it and, unless told, accepted."""
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        school = await session.get(School, school_id)
        assert school is not None
        sender = await session.scalar(
            select(User).where(User.school_id == school_id).order_by(User.id)
        )
        if sender is None:
            sender = await make_user(session, 7000 + school_id, school_id=school_id)
        data = entry_input(contest, name, nomination=nomination, **kw)
        if works:
            data = replace(data, works=works)
        entry = await en.submit_entry(
            session,
            contest,
            school,
            sender,
            data,
            clock,
        )
        if accept:
            reviewer = await get_user(session, COORDINATOR.id)
            assert reviewer is not None
            await en.accept_entry(session, entry, reviewer, entry.version, clock)
        return entry.id


async def invite(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    label: str = "Мария Судейская",
    nominations: list[int] | None = None,
) -> tuple[int, str]:
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        seat = await ju.invite_juror(session, contest, label, nominations, None, clock)
        return seat.id, seat.token


async def second_school(
    pool: async_sessionmaker[AsyncSession], clock: FixedClock, district_id: int
) -> int:
    async with pool.begin() as session:
        school = await add_school(
            session, district_id, "Вторая школа полностью", "СОШ № 2", None, clock
        )
        return school.id


async def _take(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    token: str,
    telegram_id: int,
    **user: object,
) -> ju.TakenSeat:
    async with pool.begin() as session:
        person = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        if person is None:
            person = await make_user(session, telegram_id, **user)  # type: ignore[arg-type]
        return await ju.take_seat(session, token, person, clock)


async def _seat(session: AsyncSession, seat_id: int) -> ContestJuror:
    seat = await session.get(ContestJuror, seat_id)
    assert seat is not None
    return seat


# ---- seats --------------------------------------------------------------------------------------


async def test_an_invitation_is_a_fresh_token_and_its_nominations_are_checked(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    first = await invite(session_pool, clock, contest_id)
    second = await invite(session_pool, clock, contest_id)
    assert first[1] != second[1] and len(first[1]) >= 30
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        ids = [n.id for n in contest.nominations]
        only = await ju.invite_juror(session, contest, "Пётр Судьин", [ids[1]], None, clock)
        assert only.nomination_ids == [ids[1]]
        every = await ju.invite_juror(session, contest, "Пётр Судьин", ids, None, clock)
        assert every.nomination_ids is None  # all of them ticked: the same as «Все номинации»
    before = await dump_tables(session_pool)
    for label, noms, code in [
        ("/start", None, "looks_like_command"),
        ("Я", None, "too_short"),
        ("Мария", [], "jury_no_nominations"),
        ("Мария", [999999], "no_such_nomination"),
    ]:
        async with session_pool() as session:
            contest = await get_contest(session, contest_id)
            with pytest.raises(ValidationError) as caught:
                await ju.invite_juror(session, contest, label, noms, None, clock)
            assert caught.value.code == code
    assert await dump_tables(session_pool) == before


async def test_no_invitation_to_a_cancelled_contest(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    async with session_pool.begin() as session:
        await cancel_contest(session, await get_contest(session, contest_id), clock)
    with pytest.raises(ValidationError, match="jury_closed_for_invites"):
        await invite(session_pool, clock, contest_id)


async def test_a_seat_is_taken_once(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    seat_id, token = await invite(session_pool, clock, contest_id)
    taken = await _take(session_pool, clock, token, JUROR_TG, full_name=None)
    assert not taken.already and taken.became_juror
    async with session_pool() as session:
        juror = await get_user(session, JUROR_TG)
        assert juror is not None and juror.role is Role.JUROR
        assert juror.full_name == "Мария Судейская"  # no name of their own: the seat's label
        seat = await _seat(session, seat_id)
        assert seat.user_id == juror.id and seat.joined_at == clock()
    # the same person again: told they hold it, nothing changes
    before = await dump_tables(session_pool)
    again = await _take(session_pool, clock, token, JUROR_TG)
    assert again.already and not again.became_juror
    # a second person with the same link
    with pytest.raises(ValidationError, match="jury_seat_taken"):
        await _take(session_pool, clock, token, 4002)
    assert await dump_tables(session_pool) == before


async def test_two_people_opening_one_link_at_once_get_one_seat(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    seat_id, token = await invite(session_pool, clock, contest_id)
    async with session_pool.begin() as session:
        await make_user(session, 4101)
        await make_user(session, 4102)
    results = await asyncio.gather(
        _take(session_pool, clock, token, 4101),
        _take(session_pool, clock, token, 4102),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "jury_seat_taken", results
    async with session_pool() as session:
        seat = await _seat(session, seat_id)
        winner = next(r for r in results if isinstance(r, ju.TakenSeat))
        assert seat.user_id == winner.seat.user_id is not None


async def test_a_librarian_keeps_the_role_and_a_seat_needs_a_live_link(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    _, token = await invite(session_pool, clock, contest_id)
    taken = await _take(
        session_pool,
        clock,
        token,
        4201,
        role=Role.LIBRARIAN,
        school_id=district_setup.school_id,
        district_id=district_setup.district_id,
    )
    assert not taken.became_juror
    async with session_pool() as session:
        librarian = await get_user(session, 4201)
        assert librarian is not None and librarian.role is Role.LIBRARIAN
    # a second seat of the same contest for the same person is refused
    _, other = await invite(session_pool, clock, contest_id)
    with pytest.raises(ValidationError, match="jury_seat_twice"):
        await _take(session_pool, clock, other, 4201)
    # a revoked link
    revoked_id, revoked = await invite(session_pool, clock, contest_id)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await ju.revoke_juror(session, contest, await _seat(session, revoked_id), clock)
    with pytest.raises(ValidationError, match="jury_seat_revoked"):
        await _take(session_pool, clock, revoked, 4202)
    # an unknown or malformed token
    for bad in ("x" * 32, "../../etc", ""):
        async with session_pool() as session:
            user = await make_user(session, 4203)
            with pytest.raises(ValidationError, match="jury_seat_unknown"):
                await ju.take_seat(session, bad, user, clock)
    # a cancelled contest's seat
    _, late = await invite(session_pool, clock, contest_id)
    async with session_pool.begin() as session:
        await cancel_contest(session, await get_contest(session, contest_id), clock)
    with pytest.raises(ValidationError, match="jury_contest_cancelled"):
        await _take(session_pool, clock, late, 4204)


async def test_revoking_twice_or_after_judging_is_refused(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    first, _ = await invite(session_pool, clock, contest_id)
    second, _ = await invite(session_pool, clock, contest_id)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await ju.revoke_juror(session, contest, await _seat(session, first), clock)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="jury_seat_revoked"):
            await ju.revoke_juror(session, contest, await _seat(session, first), clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await close_contest(session, contest, clock)
        await ju.close_judging(session, contest, clock)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="jury_judging_closed"):
            await ju.revoke_juror(session, contest, await _seat(session, second), clock)
        assert {v.seat.id for v in await ju.list_jurors(session, contest)} == {second}


# ---- what a seat scores, and the scores ------------------------------------------------------


def test_is_complete_needs_every_criterion() -> None:
    criteria = [
        ContestCriterion(id=1, position=1, title="А", max_score=10),
        ContestCriterion(id=2, position=2, title="Б", max_score=5),
    ]
    assert not ju.is_complete({}, criteria)
    assert not ju.is_complete({"1": 10}, criteria)
    assert ju.is_complete({"1": 0, "2": 0}, criteria)
    assert ju.is_complete({"1": 3, "2": 5, "9": 1}, criteria)
    assert ju.is_complete({}, [])


async def test_a_librarian_juror_never_scores_the_own_school(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    school_a = district_setup.school_id
    school_b = await second_school(session_pool, clock, district_setup.district_id)
    own = await add_entry(session_pool, clock, contest_id, school_a, "Иван Иванов")
    other = await add_entry(session_pool, clock, contest_id, school_b, "Пётр Петров")
    other_nomination = await add_entry(
        session_pool, clock, contest_id, school_b, "Олег Олегов", nomination=1
    )
    await add_entry(session_pool, clock, contest_id, school_b, "Сидор Сидоров", accept=False)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        first_nomination = contest.nominations[0].id
    seat_id, token = await invite(session_pool, clock, contest_id, nominations=[first_nomination])
    await _take(session_pool, clock, token, 4301, role=Role.LIBRARIAN, school_id=school_a)
    all_id, all_token = await invite(session_pool, clock, contest_id, "Пётр Судьин")
    await _take(session_pool, clock, all_token, 4302)
    async with session_pool() as session:
        seat = await _seat(session, seat_id)
        assert [e.id for e in await ju.entries_to_score(session, seat)] == [other]
        for entry_id in (own, other_nomination):
            with pytest.raises(NotFoundError):
                await ju.scorable_entry(session, seat, entry_id)
        everything = await _seat(session, all_id)
        assert [e.id for e in await ju.entries_to_score(session, everything)] == [
            own,
            other,
            other_nomination,
        ]
    # the own school's entry, forged: refused as not found, nothing written
    before = await dump_tables(session_pool)
    async with session_pool() as session:
        seat = await _seat(session, seat_id)
        contest = await get_contest(session, contest_id)
        entry = await en.get_entry(session, own)
        with pytest.raises(NotFoundError):
            await ju.set_score(session, seat, entry, contest.criteria[0].id, 5, clock)
        with pytest.raises(NotFoundError):
            await ju.set_comment(session, seat, entry, "Хорошо", clock)
    assert await dump_tables(session_pool) == before


async def test_scores_within_the_maximum_and_the_progress(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    other_contest = await make_contest(
        session_pool, district_setup.district_id, clock, key="reading-families"
    )
    school = district_setup.school_id
    first = await add_entry(session_pool, clock, contest_id, school, "Иван Иванов")
    second = await add_entry(session_pool, clock, contest_id, school, "Пётр Петров")
    seat_id, token = await invite(session_pool, clock, contest_id)
    await _take(session_pool, clock, token, 4401)
    async with session_pool.begin() as session:
        seat = await _seat(session, seat_id)
        contest = await get_contest(session, contest_id)
        entry = await ju.scorable_entry(session, seat, first)
        for criterion in contest.criteria:
            await ju.set_score(session, seat, entry, criterion.id, criterion.max_score, clock)
        await ju.set_score(session, seat, entry, contest.criteria[0].id, 0, clock)
        await ju.set_comment(session, seat, entry, "  Хорошее чтение\nи выбор  ", clock)
        partial = await ju.scorable_entry(session, seat, second)
        await ju.set_score(session, seat, partial, contest.criteria[0].id, 3, clock)
        assert await ju.progress(session, seat, contest) == ju.Progress(1, 2)
        (view,) = await ju.list_jurors(session, contest)
        assert view.progress == ju.Progress(1, 2) and view.holder is not None
    async with session_pool() as session:
        rows = (await session.scalars(select(ContestScore).order_by(ContestScore.id))).all()
        assert [r.entry_id for r in rows] == [first, second]  # one row per entry and juror
        ids = [str(c.id) for c in contest.criteria]
        assert rows[0].points == dict(zip(ids, [0, 10, 5, 5], strict=True))
        assert rows[0].comment == "Хорошее чтение\nи выбор"

    before = await dump_tables(session_pool)
    async with session_pool() as session:
        seat = await _seat(session, seat_id)
        entry = await ju.scorable_entry(session, seat, first)
        contest = await get_contest(session, contest_id)
        foreign = await get_contest(session, other_contest)
        for criterion_id, points, code in [
            (contest.criteria[0].id, 11, "score_out_of_range"),
            (contest.criteria[2].id, 6, "score_out_of_range"),
            (contest.criteria[0].id, -1, "score_out_of_range"),
            (foreign.criteria[0].id, 1, "jury_no_such_criterion"),
        ]:
            with pytest.raises(ValidationError) as caught:
                await ju.set_score(session, seat, entry, criterion_id, points, clock)
            assert caught.value.code == code
        with pytest.raises(ValidationError, match="too_long"):
            await ju.set_comment(session, seat, entry, "а" * 1001, clock)
        with pytest.raises(ValidationError, match="control_chars"):
            await ju.set_comment(session, seat, entry, "плохо\x00", clock)
    assert await dump_tables(session_pool) == before


async def test_another_contests_entry_is_not_found_for_a_seat(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_a = await make_contest(session_pool, district_setup.district_id, clock)
    contest_b = await make_contest(session_pool, district_setup.district_id, clock)
    entry_b = await add_entry(
        session_pool, clock, contest_b, district_setup.school_id, "Иван Иванов"
    )
    seat_id, token = await invite(session_pool, clock, contest_a)
    await _take(session_pool, clock, token, 4501)
    before = await dump_tables(session_pool)
    async with session_pool() as session:
        seat = await _seat(session, seat_id)
        with pytest.raises(NotFoundError):
            await ju.scorable_entry(session, seat, entry_b)
        entry = await en.get_entry(session, entry_b)
        criterion = (await get_contest(session, contest_b)).criteria[0]
        with pytest.raises(NotFoundError):
            await ju.set_score(session, seat, entry, criterion.id, 1, clock)
    assert await dump_tables(session_pool) == before


async def test_closing_the_judging_freezes_the_scores(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    entry_id = await add_entry(
        session_pool, clock, contest_id, district_setup.school_id, "Иван Иванов"
    )
    seat_id, token = await invite(session_pool, clock, contest_id)
    await _take(session_pool, clock, token, 4601)
    async with session_pool() as session:  # entries still come in: no closing yet
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="jury_close_needs_closed"):
            await ju.close_judging(session, contest, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await close_contest(session, contest, clock)
        seat = await _seat(session, seat_id)
        entry = await ju.scorable_entry(session, seat, entry_id)
        await ju.set_score(session, seat, entry, contest.criteria[0].id, 7, clock)
        clock.now += timedelta(hours=1)
        await ju.close_judging(session, contest, clock)
        assert contest.judging_closed_at == clock()
    before = await dump_tables(session_pool)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        seat = await _seat(session, seat_id)
        entry = await ju.scorable_entry(session, seat, entry_id)
        with pytest.raises(ValidationError, match="jury_judging_closed"):
            await ju.set_score(session, seat, entry, contest.criteria[0].id, 8, clock)
        with pytest.raises(ValidationError, match="jury_judging_closed"):
            await ju.set_comment(session, seat, entry, "Поздно", clock)
        with pytest.raises(ValidationError, match="jury_judging_closed"):
            await ju.close_judging(session, contest, clock)
        with pytest.raises(ValidationError, match="jury_closed_for_invites"):
            await ju.invite_juror(session, contest, "Новый Судья", None, None, clock)
    assert await dump_tables(session_pool) == before
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        assert contest.status is ContestStatus.CLOSED
        entry = await en.get_entry(session, entry_id)
        assert entry.status is EntryStatus.ACCEPTED


async def test_a_revoked_seat_scores_nothing_and_leaves_the_jury(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    entry_id = await add_entry(
        session_pool, clock, contest_id, district_setup.school_id, "Иван Иванов"
    )
    seat_id, token = await invite(session_pool, clock, contest_id)
    await _take(session_pool, clock, token, 4701)
    async with session_pool.begin() as session:
        assert await ju.active_seat_ids(session, contest_id) == {seat_id}
        contest = await get_contest(session, contest_id)
        await ju.revoke_juror(session, contest, await _seat(session, seat_id), clock)
    async with session_pool() as session:
        assert await ju.active_seat_ids(session, contest_id) == set()
        juror = await get_user(session, 4701)
        assert juror is not None
        assert await ju.seat_for(session, juror.id, contest_id) is None
        assert await ju.user_seats(session, juror.id) == []
        seat = await _seat(session, seat_id)
        entry = await en.get_entry(session, entry_id)
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="jury_seat_revoked"):
            await ju.set_score(session, seat, entry, contest.criteria[0].id, 1, clock)
