"""The results rules: the ranking on plain data (tables and properties), and the places,
their confirmation and publication on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Contest, ContestEntry, ContestStatus, Event, EventStatus, PlacesRule
from services.contests import results as res
from services.contests.results import EntryRef, Juror, Rules, Score
from services.contests.setup import get_contest
from services.errors import ValidationError
from tests.conftest import DistrictSetup, FixedClock
from tests.contest_helpers import make_contest
from tests.contest_results_helpers import close, enter, entry_row, places, score, seat

CRITERIA = (11, 12, 13)  # criterion ids; each up to 10 points below
RANK = Rules(PlacesRule.RANK, (), 30)
SCORE = Rules(PlacesRule.SCORE, (90, 75, 60), 30)


def pts(*values: int) -> dict[str, object]:
    return {str(c): v for c, v in zip(CRITERIA, values, strict=False)}


def ranking_of(
    totals: dict[int, list[tuple[int, ...]]],
    rules: Rules = RANK,
    jurors: int = 3,
) -> res.NominationRanking:
    """One nomination: entry id → the points each juror (1, 2, …) gave it."""
    entries = [EntryRef(entry_id, 1, 100 + entry_id, entry_id) for entry_id in totals]
    scores = [
        Score(entry_id, juror_id, pts(*points))
        for entry_id, given_points in totals.items()
        for juror_id, points in enumerate(given_points, start=1)
    ]
    seats = {j: Juror(j, f"Член {j}") for j in range(1, jurors + 1)}
    return res.rank_nomination(1, entries, scores, CRITERIA, seats, rules)


# ---- the ranking on plain data -----------------------------------------------------------------


def test_the_mean_of_the_counted_totals_ranks_the_entries_and_ties_share_a_place() -> None:
    ranked = ranking_of(
        {
            1: [(10, 10, 8), (10, 10, 10)],  # 28, 30 → 29
            2: [(9, 9, 9)],  # 27
            3: [(10, 9, 10), (10, 10, 9)],  # 29, 29 → 29: a tie with entry 1
            4: [(5, 5, 5)],  # 15
            5: [(6, 5, 4)],  # 15: a tie at the next place
        }
    )
    assert [(i.entry_id, i.place, i.tied, i.proposed) for i in ranked.entries] == [
        (1, 1, True, 1),
        (3, 1, True, 1),
        (2, 2, False, 2),
        (4, 3, True, 3),
        (5, 3, True, 3),
    ]
    assert ranked.entries[0].mean == Fraction(29)
    assert ranked.ties == ((1, (1, 3)), (3, (4, 5)))


def test_an_incomplete_score_does_not_count_and_an_unscored_entry_has_no_place() -> None:
    ranked = ranking_of({1: [(10, 10), (7, 7, 7)], 2: [(9, 9)], 3: [(1, 1, 1)]})
    by_id = {i.entry_id: i for i in ranked.entries}
    assert by_id[1].totals == ((2, 21),)  # juror 1 left a criterion empty: not counted
    assert by_id[1].mean == 21
    assert (by_id[2].mean, by_id[2].place, by_id[2].proposed) == (None, None, None)
    assert ranked.unscored == (2,)
    assert ranked.entries[-1].entry_id == 2  # the unscored entry comes last


def test_a_juror_who_scored_nothing_is_named_and_left_out_of_the_means() -> None:
    entries = [EntryRef(1, 1, 100, 1), EntryRef(2, 1, 101, 2), EntryRef(3, 2, 100, 3)]
    jurors = [
        Juror(1, "Первая"),
        Juror(2, "Молчащая"),  # scored nothing anywhere
        Juror(3, "Только вторая номинация", frozenset({2})),
        Juror(4, "Из школы 100", None, school_id=100),
    ]
    scores = [
        Score(1, 1, pts(9, 9, 9)),
        Score(2, 1, pts(6, 6, 6)),
        Score(2, 2, pts(1, 2)),  # incomplete: juror 2 still scored nothing
        Score(3, 3, pts(5, 5, 5)),
        Score(1, 3, pts(1, 1, 1)),  # outside juror 3's nominations: ignored
        Score(1, 4, pts(0, 0, 0)),  # the juror's own school: ignored
        Score(2, 4, pts(10, 10, 10)),
        Score(2, 99, pts(0, 0, 0)),  # no such seat (revoked or unknown): ignored
    ]
    ranking = res.rank_entries([1, 2], entries, scores, CRITERIA, jurors, RANK)
    first, second = ranking.nominations
    assert {i.entry_id: i.mean for i in first.entries} == {1: 27, 2: 24}  # (18 + 30) / 2
    assert first.silent == (2,)  # juror 3 does not judge it, juror 4 scored entry 2
    assert second.silent == (1, 2)  # both could score entry 3 (juror 4: its own school)
    assert ranking.silent == (2,)


@pytest.mark.parametrize(
    ("mean", "degree"),
    [
        (Fraction(27), 1),  # exactly 90 % of 30
        (Fraction(2699, 100), 2),
        (Fraction(45, 2), 2),  # 75 %
        (Fraction(18), 3),  # 60 %
        (Fraction(1799, 100), None),
        (Fraction(0), None),
    ],
)
def test_the_score_rule_gives_degrees_by_percent_of_the_maximum(
    mean: Fraction, degree: int | None
) -> None:
    assert res.propose(mean, 5, SCORE) == degree


def test_the_rank_rule_gives_the_three_best_distinct_means_and_zero_gets_nothing() -> None:
    assert [res.propose(Fraction(10), p, RANK) for p in (1, 2, 3, 4)] == [1, 2, 3, None]
    assert res.propose(Fraction(0), 1, RANK) is None


@st.composite
def nominations(draw: st.DrawFn) -> dict[int, list[tuple[int, ...]]]:
    count = draw(st.integers(min_value=0, max_value=12))
    points = st.tuples(*(st.integers(0, 10) for _ in CRITERIA))
    partial = st.tuples(st.integers(0, 10))
    return {
        entry_id: draw(st.lists(st.one_of(points, points, partial), max_size=4))
        for entry_id in range(1, count + 1)
    }


@given(nominations(), st.sampled_from([RANK, SCORE]))
def test_ranking_properties(totals: dict[int, list[tuple[int, ...]]], rules: Rules) -> None:
    ranked = ranking_of(totals, rules, jurors=4)
    items = ranked.entries
    assert sorted(i.entry_id for i in items) == sorted(totals)  # every entry, once
    scored = [i for i in items if i.mean is not None]
    assert items[: len(scored)] == tuple(scored)  # the unscored ones last
    for item in items:
        complete = [p for p in totals[item.entry_id] if len(p) == len(CRITERIA)]
        assert len(item.totals) == len(complete)
        if complete:
            assert item.mean == Fraction(sum(map(sum, complete)), len(complete))
        else:
            assert (item.mean, item.place, item.proposed) == (None, None, None)
    for before, after in zip(scored, scored[1:], strict=False):
        assert before.mean is not None and after.mean is not None
        assert before.mean >= after.mean
        assert before.place is not None and after.place is not None
        # places go 1, 1, 2, …: equal means share one, the next distinct mean is the next
        assert after.place == before.place + (before.mean != after.mean)
        if before.proposed is not None and after.proposed is not None:
            assert before.proposed <= after.proposed  # a better mean never gets a lower degree
        if before.proposed is None:
            assert after.proposed is None
    for item in scored:
        assert item.tied == (sum(1 for o in scored if o.mean == item.mean) > 1)
        if rules is RANK and item.mean and item.place is not None:
            assert item.proposed == (item.place if item.place <= 3 else None)


def test_unconfirmed_sees_places_never_given_and_means_that_changed() -> None:
    ranked = ranking_of({1: [(10, 10, 10)], 2: [(9, 9, 9)], 3: []})
    ranking = res.Ranking((ranked,), ())
    assert res.unconfirmed(ranking, {}) == [1, 2]
    stored: dict[int, tuple[float | None, int | None]] = {
        1: (30.0, 1),
        2: (27.0, None),
        3: (None, None),
    }
    assert res.unconfirmed(ranking, stored) == []
    assert res.unconfirmed(ranking, {**stored, 2: (26.0, 2)}) == [2]
    assert res.unconfirmed(ranking, {**stored, 3: (None, 3)}) == [3]


# ---- places and publication on the database ----------------------------------------------------


async def _scored_contest(
    pool: async_sessionmaker[AsyncSession], setup: DistrictSetup, clock: FixedClock
) -> tuple[int, list[int], int]:
    """A closed «Самый талантливый читатель» (rule: score) with three entries of one
    nomination scored by two jurors; (contest id, entry ids, the silent juror's seat)."""
    contest_id = await make_contest(
        pool, setup.district_id, clock, max_per_nomination=0, max_per_school=0
    )
    school = setup.school_id
    ids = [
        await enter(pool, contest_id, school, clock, "Иван Иванов"),
        await enter(pool, contest_id, school, clock, "Мария Смирнова"),
        await enter(pool, contest_id, school, clock, "Пётр Сидоров"),
    ]
    first = await seat(pool, contest_id, clock, "Елена Жюри")
    second = await seat(pool, contest_id, clock, "Нина Жюри")
    silent = await seat(pool, contest_id, clock, "Павел Молчунов")
    for juror, points in ((first, (10, 10, 5, 5)), (second, (9, 9, 5, 4))):  # 30, 27 → 28.5
        await score(pool, clock, ids[0], juror, *points)
    await score(pool, clock, ids[1], first, 8, 8, 3, 3)  # 22 → 73 %: III
    await close(pool, contest_id, clock)
    return contest_id, ids, silent


async def test_proposed_places_are_stored_adjusted_and_published(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id, ids, silent = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        ranking = await res.rank(session, contest)
        assert ranking.silent == (silent,)
        assert await res.apply_proposal(session, contest, ranking) == 2
    assert await places(session_pool, contest_id) == {ids[0]: 1, ids[1]: 3, ids[2]: None}
    assert (await entry_row(session_pool, ids[0])).mean_score == 28.5
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        entry = await session.get(ContestEntry, ids[1])
        assert entry is not None
        await res.set_place(session, contest, await res.rank(session, contest), entry, 2)
    assert (await places(session_pool, contest_id))[ids[1]] == 2
    clock.now += timedelta(hours=1)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await res.publish(session, contest, clock)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        assert contest.status is ContestStatus.PUBLISHED
        assert contest.published_at == clock()
        event = await session.get(Event, contest.event_id)
        assert event is not None and event.status is EventStatus.CLOSED


@pytest.mark.parametrize(
    ("place", "code"), [(4, "bad_place"), (0, "bad_place"), (-1, "bad_place")]
)
async def test_a_place_outside_the_degrees_is_refused(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
    place: int,
    code: str,
) -> None:
    contest_id, ids, _ = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        entry = await session.get(ContestEntry, ids[0])
        assert entry is not None
        with pytest.raises(ValidationError) as caught:
            await res.set_place(session, contest, await res.rank(session, contest), entry, place)
    assert caught.value.code == code
    assert await places(session_pool, contest_id) == dict.fromkeys(ids)


async def test_an_unscored_entry_can_only_take_part(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id, ids, _ = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        entry = await session.get(ContestEntry, ids[2])
        assert entry is not None
        with pytest.raises(ValidationError, match="entry_not_scored"):
            await res.set_place(session, contest, await res.rank(session, contest), entry, 1)
    assert (await entry_row(session_pool, ids[2])).place is None


async def test_nothing_is_decided_or_published_while_the_judging_is_open(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id, ids, _ = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await session.get(Contest, contest_id)
        assert contest is not None
        contest.judging_closed_at = None
    for attempt in ("apply", "publish"):
        async with session_pool.begin() as session:
            contest = await get_contest(session, contest_id)
            with pytest.raises(ValidationError, match="judging_open"):
                if attempt == "apply":
                    await res.apply_proposal(session, contest, await res.rank(session, contest))
                else:
                    await res.publish(session, contest, clock)
    assert await places(session_pool, contest_id) == dict.fromkeys(ids)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        assert (contest.status, contest.published_at) == (ContestStatus.CLOSED, None)


async def test_publication_waits_for_places_confirmed_on_the_current_scores(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id, ids, silent = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="places_not_confirmed"):
            await res.publish(session, contest, clock)  # never confirmed
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await res.apply_proposal(session, contest, await res.rank(session, contest))
    await score(session_pool, clock, ids[2], silent, 1, 1, 1, 1)  # a late score changes it
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        with pytest.raises(ValidationError, match="places_not_confirmed"):
            await res.publish(session, contest, clock)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        assert contest.status is ContestStatus.CLOSED


async def test_published_results_do_not_change(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id, ids, _ = await _scored_contest(session_pool, district_setup, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await res.apply_proposal(session, contest, await res.rank(session, contest))
        await res.publish(session, contest, clock)
    before = await places(session_pool, contest_id)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        entry = await session.get(ContestEntry, ids[2])
        assert entry is not None
        with pytest.raises(ValidationError, match="results_published"):
            await res.set_place(session, contest, await res.rank(session, contest), entry, None)
        with pytest.raises(ValidationError, match="results_published"):
            await res.publish(session, contest, clock)
    assert await places(session_pool, contest_id) == before


async def test_a_revoked_seat_does_not_count(
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    clock: FixedClock,
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    entry = await enter(session_pool, contest_id, district_setup.school_id, clock, "Иван Иванов")
    kept = await seat(session_pool, contest_id, clock, "Елена Жюри")
    gone = await seat(session_pool, contest_id, clock, "Ушедший Жюри", revoked=True)
    await score(session_pool, clock, entry, kept, 5, 5, 5, 5)
    await score(session_pool, clock, entry, gone, 0, 0, 0, 0)
    async with session_pool() as session:
        ranking = await res.rank(session, await get_contest(session, contest_id))
    item = ranking.entry(entry)
    assert item is not None and item.totals == ((kept, 20),)
    assert set(ranking.jurors) == {kept}
