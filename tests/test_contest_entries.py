"""The entry rules of services.contests: door checks, numbers, withdrawal, moderation.

Real SQLite file, real migrations; two sessions at once for the race at a limit.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import ContestEntry, ContestEntryKey, EntryStatus, School, User
from services.contests import entries as en
from services.contests.setup import close_contest, get_contest, set_deadline
from services.districts import create_district
from services.errors import ValidationError
from services.schools import add_school
from tests.conftest import DistrictSetup, FixedClock
from tests.contest_helpers import TZ, entry_input, make_contest


async def _librarian(session: AsyncSession, school_id: int, telegram_id: int) -> User:
    user = User(
        telegram_id=telegram_id,
        full_name="Анна Петрова",
        school_id=school_id,
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
        updated_at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    session.add(user)
    await session.flush()
    return user


async def _send(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    school_id: int,
    clock: FixedClock,
    *names: str,
    telegram_id: int = 5001,
    **kw: Any,
) -> ContestEntry:
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        school = await session.get(School, school_id)
        assert school is not None
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            user = await _librarian(session, school_id, telegram_id)
        return await en.submit_entry(
            session,
            contest,
            school,
            user,
            entry_input(contest, *names, **kw),
            clock,
        )


async def _count(pool: async_sessionmaker[AsyncSession], contest_id: int) -> int:
    async with pool() as session:
        return int(
            await session.scalar(
                select(func.count(ContestEntry.id)).where(ContestEntry.contest_id == contest_id)
            )
            or 0
        )


async def test_entries_get_readable_numbers_in_order(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    first = await _send(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов")
    second = await _send(
        session_pool, contest_id, district_setup.school_id, clock, "Пётр Петров", nomination=1
    )
    year = (clock() + timedelta(days=30)).astimezone(TZ).year
    assert (first.code, second.code) == (f"ТЧ-{year}-001", f"ТЧ-{year}-002")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"consent": False}, "consent_required"),
        ({"category": "12"}, "bad_category"),
        ({"category": "parent"}, "category_not_in_nomination"),
        ({"age": None}, "age_required"),
    ],
)
async def test_a_refused_entry_keeps_nothing(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
    kw: dict[str, Any],
    code: str,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    with pytest.raises(ValidationError) as caught:
        await _send(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов", **kw)
    assert caught.value.code == code
    assert await _count(session_pool, contest_id) == 0


async def test_no_participants_and_a_second_entry_of_one_participant(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    with pytest.raises(ValidationError, match="no_participants"):
        await _send(session_pool, contest_id, district_setup.school_id, clock)
    await _send(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов")
    with pytest.raises(ValidationError) as caught:
        await _send(session_pool, contest_id, district_setup.school_id, clock, "иван  иванов")
    assert caught.value.code == "participant_taken"
    # another nomination is another entry
    await _send(
        session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов", nomination=1
    )
    assert await _count(session_pool, contest_id) == 2


async def test_limits_per_nomination_and_per_school(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_school=3, max_per_nomination=2
    )
    school = district_setup.school_id
    await _send(session_pool, contest_id, school, clock, "Иван Иванов")
    await _send(session_pool, contest_id, school, clock, "Пётр Петров")
    with pytest.raises(ValidationError) as caught:
        await _send(session_pool, contest_id, school, clock, "Сидор Сидоров")
    assert caught.value.code == "nomination_limit"
    await _send(session_pool, contest_id, school, clock, "Сидор Сидоров", nomination=1)
    with pytest.raises(ValidationError) as caught:
        await _send(session_pool, contest_id, school, clock, "Фёдор Фёдоров", nomination=2)
    assert caught.value.code == "school_limit"
    assert await _count(session_pool, contest_id) == 3


async def test_one_per_family(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, key="reading-families"
    )
    school = district_setup.school_id
    await _send(session_pool, contest_id, school, clock, "Мария Белова", "Катя Белова")
    with pytest.raises(ValidationError) as caught:  # the same child in another nomination
        await _send(
            session_pool, contest_id, school, clock, "Катя Белова", "Олег Белов", nomination=1
        )
    assert caught.value.code == "family_taken"


async def test_two_librarians_at_once_past_the_limit_store_only_what_it_allows(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_school=1, max_per_nomination=1
    )
    school = district_setup.school_id
    async with session_pool.begin() as session:
        await _librarian(session, school, 6001)
        await _librarian(session, school, 6002)
    results = await asyncio.gather(
        _send(session_pool, contest_id, school, clock, "Иван Иванов", telegram_id=6001),
        _send(session_pool, contest_id, school, clock, "Пётр Петров", telegram_id=6002),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert refused[0].code in ("nomination_limit", "school_limit")
    assert await _count(session_pool, contest_id) == 1


async def test_nothing_after_the_deadline_and_an_extension_marks_late(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, days=2)
    clock.now += timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        await _send(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов")
    assert caught.value.code == "contest_not_taking"
    assert caught.value.params["deadline"] is not None
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        later = (clock() + timedelta(days=5)).astimezone(TZ).replace(tzinfo=None)
        assert await set_deadline(session, contest, later, TZ, clock) is True
    entry = await _send(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов")
    assert entry.is_late


async def test_withdrawal_and_rejection_give_the_places_back(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_school=1, max_per_nomination=1
    )
    school = district_setup.school_id
    entry = await _send(session_pool, contest_id, school, clock, "Иван Иванов")
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        loaded = await en.get_entry(session, entry.id)
        await en.withdraw_entry(session, contest, loaded, loaded.version, clock)
    async with session_pool() as session:
        keys = await session.scalar(select(func.count()).select_from(ContestEntryKey))
        assert keys == 0
        contest = await get_contest(session, contest_id)
        loaded = await en.get_entry(session, entry.id)
        with pytest.raises(ValidationError, match="entry_withdrawn"):
            await en.update_entry(
                session,
                contest,
                loaded,
                User(id=0),
                entry_input(contest, "Пётр Петров"),
                2,
                clock,
            )
    second = await _send(session_pool, contest_id, school, clock, "Иван Иванов")
    async with session_pool.begin() as session:
        reviewer = await _librarian(session, school, 7001)
        loaded = await en.get_entry(session, second.id)
        await en.reject_entry(session, loaded, reviewer, "Нет согласия родителей", 1, clock)
    async with session_pool() as session:
        loaded = await en.get_entry(session, second.id)
        assert loaded.status is EntryStatus.REJECTED
        assert loaded.review_comment == "Нет согласия родителей"
    # the corrected entry is the same one, sent again with its number
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        loaded = await en.get_entry(session, second.id)
        user = await session.scalar(select(User).where(User.telegram_id == 5001))
        assert user is not None
        await en.update_entry(
            session,
            contest,
            loaded,
            user,
            entry_input(contest, "Иван Иванов"),
            loaded.version,
            clock,
        )
    async with session_pool() as session:
        loaded = await en.get_entry(session, second.id)
        assert (loaded.status, loaded.number) == (EntryStatus.SUBMITTED, 2)


async def test_an_entry_of_another_district_is_refused(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    async with session_pool.begin() as session:
        other = await create_district(session, "Другой район", clock)
        school = await add_school(session, other.id, "Чужая школа полностью", "Чужая", None, clock)
        school_id = school.id
    with pytest.raises(Exception, match="another district"):
        await _send(session_pool, contest_id, school_id, clock, "Иван Иванов")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5", "5"), ("5 класс", "5"), ("11-й класс", "11"), ("Родитель", "parent")],
)
def test_category_words(text: str, expected: str) -> None:
    assert en.parse_category(text) == expected


@pytest.mark.parametrize("text", ["12", "пятый", "0", "", "5а"])
def test_category_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="bad_category"):
        en.parse_category(text)


async def test_no_extension_once_the_judging_is_closed(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, days=2)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await close_contest(session, contest, clock)
        contest.judging_closed_at = clock()
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        later = (clock() + timedelta(days=5)).astimezone(TZ).replace(tzinfo=None)
        with pytest.raises(ValidationError, match="judging_closed_no_entries"):
            await set_deadline(session, contest, later, TZ, clock)
