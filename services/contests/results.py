"""Results: the ranking per nomination, the proposed degrees, the places, publication.

The ranking is computed from the scores every time it is asked for (pure functions on plain
data, :func:`rank_entries`; :func:`rank` loads the data): an entry's score is the mean of the
totals of the jurors whose score of it counts. The rules:

- A score COUNTS only when it has points for every criterion of the contest (the rule shared
  with services/contests/jury.py, whose ``is_complete`` is not importable yet: :func:`counts`
  is the same two-line check).
- Only seats that someone took and that were not revoked count, and a seat's score only of the
  entries it may score: of its nominations, never of the juror's own school.
- Entries with equal means share a place (the place is the rank of the distinct mean: 30, 30,
  28 are places 1, 1, 2) and are reported as ties. An entry nobody scored has no place.
- A juror who could score entries of a nomination and scored none of them is named for that
  nomination (and in the contest's list when they scored nothing at all); they are simply not
  in any mean.
- The proposed degree follows the contest's rule. RANK: places 1, 2 and 3 get degrees 1, 2
  and 3 (ties share). SCORE: a mean of at least thresholds[k] percent of the maximum total
  gets degree k + 1. A mean of 0 gets no degree under either rule.

The coordinator stores the places (:func:`apply_proposal`, then :func:`set_place` for each
change): ``ContestEntry.mean_score`` keeps the mean the place was given on, so a later change
of the scores is seen (:func:`unconfirmed`) and publication waits for a new confirmation.
All of it happens after the judging is closed; :func:`publish` moves the contest to PUBLISHED.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Contest,
    ContestEntry,
    ContestJuror,
    ContestScore,
    ContestStatus,
    EntryStatus,
    PlacesRule,
    User,
)
from services.clock import Clock
from services.contests.setup import publish_contest
from services.errors import ValidationError

DEGREES = (1, 2, 3)
MEAN_TOLERANCE = 1e-6  # a stored mean (a float) is the current one when this close


# ---- the shared rule -------------------------------------------------------------------------


def counts(points: Mapping[str, object], criterion_ids: Iterable[int]) -> bool:
    """A juror's score of an entry counts when it has points for every criterion: the one rule
    of the results and of the jury's progress (services.contests.jury.is_complete)."""
    return all(isinstance(points.get(str(c)), int) for c in criterion_ids)


def total(points: Mapping[str, object], criterion_ids: Iterable[int]) -> int:
    """The points of a counted score added up (criteria no longer in the contest left out)."""
    values = [points.get(str(c)) for c in criterion_ids]
    return sum(v for v in values if isinstance(v, int))


# ---- plain data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Juror:
    """A taken seat of the jury."""

    id: int
    name: str  # the coordinator's label, else the person's name ("" if neither)
    nomination_ids: frozenset[int] | None = None  # None: every nomination
    school_id: int | None = None  # a librarian's school: the seat never scores its entries

    def may_score(self, entry: EntryRef) -> bool:
        in_scope = self.nomination_ids is None or entry.nomination_id in self.nomination_ids
        return in_scope and (self.school_id is None or entry.school_id != self.school_id)


@dataclass(frozen=True)
class EntryRef:
    """An accepted entry as the ranking needs it."""

    id: int
    nomination_id: int
    school_id: int
    number: int


@dataclass(frozen=True)
class Score:
    entry_id: int
    juror_id: int
    points: Mapping[str, object]


@dataclass(frozen=True)
class Rules:
    places_rule: PlacesRule
    thresholds: tuple[int, ...]
    max_total: int

    @classmethod
    def of(cls, contest: Contest) -> Rules:
        return cls(contest.places_rule, tuple(contest.thresholds or ()), contest.max_total)


@dataclass(frozen=True)
class Ranked:
    """One entry in its nomination's ranking."""

    entry_id: int
    totals: tuple[tuple[int, int], ...]  # (juror id, total) of the scores that count
    mean: Fraction | None  # None: nobody scored it
    place: int | None  # the rank of its distinct mean in the nomination (1 = best)
    tied: bool  # another entry has the same mean
    proposed: int | None  # the degree the rule proposes: 1..3, None = participation

    @property
    def mean_value(self) -> float | None:
        return None if self.mean is None else float(self.mean)


@dataclass(frozen=True)
class NominationRanking:
    nomination_id: int
    entries: tuple[Ranked, ...]  # best first; equal means by entry number; unscored last
    silent: tuple[int, ...]  # jurors who could score entries here and scored none

    @property
    def ties(self) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """(place, entry ids) of every place shared by two or more entries."""
        by_place: dict[int, list[int]] = defaultdict(list)
        for item in self.entries:
            if item.place is not None:
                by_place[item.place].append(item.entry_id)
        return tuple((p, tuple(ids)) for p, ids in sorted(by_place.items()) if len(ids) > 1)

    @property
    def unscored(self) -> tuple[int, ...]:
        return tuple(item.entry_id for item in self.entries if item.mean is None)


@dataclass(frozen=True)
class Ranking:
    nominations: tuple[NominationRanking, ...]
    silent: tuple[int, ...]  # jurors with no counted score at all
    jurors: Mapping[int, Juror] = field(default_factory=dict)

    def entry(self, entry_id: int) -> Ranked | None:
        for nomination in self.nominations:
            for item in nomination.entries:
                if item.entry_id == entry_id:
                    return item
        return None

    def by_entry(self) -> dict[int, Ranked]:
        return {item.entry_id: item for n in self.nominations for item in n.entries}

    def nomination(self, nomination_id: int) -> NominationRanking | None:
        return next((n for n in self.nominations if n.nomination_id == nomination_id), None)


# ---- the pure part ---------------------------------------------------------------------------


def propose(mean: Fraction, place: int, rules: Rules) -> int | None:
    """The degree the contest's rule gives a mean at a place (1 = best distinct mean)."""
    if mean <= 0:
        return None
    if rules.places_rule is PlacesRule.SCORE:
        if rules.max_total <= 0:
            return None
        for degree, percent in zip(DEGREES, rules.thresholds, strict=False):
            if mean * 100 >= percent * rules.max_total:
                return degree
        return None
    return place if place in DEGREES else None


def rank_nomination(
    nomination_id: int,
    entries: Sequence[EntryRef],
    scores: Sequence[Score],
    criterion_ids: Sequence[int],
    jurors: Mapping[int, Juror],
    rules: Rules,
) -> NominationRanking:
    """The ranking of one nomination's accepted entries (`scores` may hold any others)."""
    mine = {e.id: e for e in entries if e.nomination_id == nomination_id}
    totals: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for score in scores:
        entry = mine.get(score.entry_id)
        juror = jurors.get(score.juror_id)
        if entry is None or juror is None or not juror.may_score(entry):
            continue
        if counts(score.points, criterion_ids):
            totals[entry.id].append((juror.id, total(score.points, criterion_ids)))
    means = {
        entry_id: Fraction(sum(t for _, t in pairs), len(pairs))
        for entry_id, pairs in totals.items()
    }
    distinct = sorted(set(means.values()), reverse=True)
    place_of = {mean: index for index, mean in enumerate(distinct, start=1)}
    how_many: dict[Fraction, int] = defaultdict(int)
    for mean in means.values():
        how_many[mean] += 1
    scored = sorted(means, key=lambda entry_id: (-means[entry_id], mine[entry_id].number))
    unscored = sorted(set(mine) - set(means), key=lambda entry_id: mine[entry_id].number)
    ranked = [
        Ranked(
            entry_id=entry_id,
            totals=tuple(sorted(totals[entry_id])),
            mean=means[entry_id],
            place=place_of[means[entry_id]],
            tied=how_many[means[entry_id]] > 1,
            proposed=propose(means[entry_id], place_of[means[entry_id]], rules),
        )
        for entry_id in scored
    ]
    ranked += [Ranked(entry_id, (), None, None, False, None) for entry_id in unscored]
    scored_by = {juror_id for pairs in totals.values() for juror_id, _ in pairs}
    silent = tuple(
        juror.id
        for juror in sorted(jurors.values(), key=lambda j: j.id)
        if juror.id not in scored_by and any(juror.may_score(e) for e in mine.values())
    )
    return NominationRanking(nomination_id, tuple(ranked), silent)


def rank_entries(
    nomination_ids: Sequence[int],
    entries: Sequence[EntryRef],
    scores: Sequence[Score],
    criterion_ids: Sequence[int],
    jurors: Sequence[Juror],
    rules: Rules,
) -> Ranking:
    """The ranking of every nomination (in the order given) and the jurors who scored nothing."""
    seats = {juror.id: juror for juror in jurors}
    nominations = tuple(
        rank_nomination(n, entries, scores, criterion_ids, seats, rules)
        for n in dict.fromkeys(nomination_ids)
    )
    scored_by = {
        juror_id for n in nominations for item in n.entries for juror_id, _ in item.totals
    }
    silent = tuple(j.id for j in sorted(jurors, key=lambda j: j.id) if j.id not in scored_by)
    return Ranking(nominations, silent, seats)


def unconfirmed(
    ranking: Ranking, stored: Mapping[int, tuple[float | None, int | None]]
) -> list[int]:
    """Accepted entries whose stored place was not given on their current mean: never
    confirmed, or the scores changed since (`stored`: entry id → (mean_score, place))."""
    stale: list[int] = []
    for entry_id, item in ranking.by_entry().items():
        mean, place = stored.get(entry_id, (None, None))
        current = item.mean_value
        if current is None:
            if mean is not None or place is not None:
                stale.append(entry_id)
        elif mean is None or abs(mean - current) > MEAN_TOLERANCE:
            stale.append(entry_id)
    return stale


def check_place(place: int | None) -> int | None:
    """A degree (1..3) or None (participation); anything else is refused."""
    if place is not None and place not in DEGREES:
        raise ValidationError("bad_place")
    return place


# ---- loading ---------------------------------------------------------------------------------


async def jurors_of(session: AsyncSession, contest_id: int) -> list[Juror]:
    """The contest's taken, not revoked seats."""
    rows = await session.execute(
        select(ContestJuror, User.full_name, User.school_id)
        .join(User, User.id == ContestJuror.user_id)
        .where(ContestJuror.contest_id == contest_id, ContestJuror.revoked_at.is_(None))
        .order_by(ContestJuror.id)
    )
    return [
        Juror(
            id=seat.id,
            name=(seat.label or "").strip() or (full_name or "").strip(),
            nomination_ids=None if seat.nomination_ids is None else frozenset(seat.nomination_ids),
            school_id=school_id,
        )
        for seat, full_name, school_id in rows
    ]


async def accepted_refs(session: AsyncSession, contest_id: int) -> list[EntryRef]:
    rows = await session.execute(
        select(
            ContestEntry.id,
            ContestEntry.nomination_id,
            ContestEntry.school_id,
            ContestEntry.number,
        ).where(ContestEntry.contest_id == contest_id, ContestEntry.status == EntryStatus.ACCEPTED)
    )
    return [EntryRef(*row) for row in rows]


async def scores_of(session: AsyncSession, contest_id: int) -> list[Score]:
    rows = await session.execute(
        select(ContestScore.entry_id, ContestScore.juror_id, ContestScore.points)
        .join(ContestEntry, ContestEntry.id == ContestScore.entry_id)
        .where(ContestEntry.contest_id == contest_id)
    )
    return [Score(entry_id, juror_id, points or {}) for entry_id, juror_id, points in rows]


async def rank(session: AsyncSession, contest: Contest) -> Ranking:
    """The ranking of the contest's accepted entries, per nomination in the contest's order."""
    return rank_entries(
        [n.id for n in contest.nominations],
        await accepted_refs(session, contest.id),
        await scores_of(session, contest.id),
        [c.id for c in contest.criteria],
        await jurors_of(session, contest.id),
        Rules.of(contest),
    )


async def stored_places(
    session: AsyncSession, contest_id: int
) -> dict[int, tuple[float | None, int | None]]:
    """entry id → (mean_score, place) as stored, for the accepted entries."""
    rows = await session.execute(
        select(ContestEntry.id, ContestEntry.mean_score, ContestEntry.place).where(
            ContestEntry.contest_id == contest_id, ContestEntry.status == EntryStatus.ACCEPTED
        )
    )
    return {entry_id: (mean, place) for entry_id, mean, place in rows}


# ---- the coordinator's decisions -------------------------------------------------------------


def check_adjustable(contest: Contest) -> None:
    """Places are given after the judging is closed and until the results are published."""
    if contest.status is ContestStatus.PUBLISHED:
        raise ValidationError("results_published")
    if contest.status is not ContestStatus.CLOSED:
        raise ValidationError("results_not_now")
    if contest.judging_closed_at is None:
        raise ValidationError("judging_open")


async def apply_proposal(session: AsyncSession, contest: Contest, ranking: Ranking) -> int:
    """Store the proposed degrees (and the means they rest on) for every entry; entries that
    are no longer accepted lose a place they had. Returns the number of degrees given."""
    check_adjustable(contest)
    ranked = ranking.by_entry()
    entries = (
        await session.scalars(select(ContestEntry).where(ContestEntry.contest_id == contest.id))
    ).all()
    given = 0
    for entry in entries:
        item = ranked.get(entry.id) if entry.status is EntryStatus.ACCEPTED else None
        mean = item.mean_value if item is not None else None
        place = item.proposed if item is not None else None
        if entry.mean_score != mean or entry.place != place:
            entry.mean_score = mean
            entry.place = place
        given += place is not None
    await session.flush()
    return given


async def set_place(
    session: AsyncSession,
    contest: Contest,
    ranking: Ranking,
    entry: ContestEntry,
    place: int | None,
) -> None:
    """The coordinator's place for one entry: a degree (1..3) or None (participation).

    An entry nobody scored can only take part. The entry's mean is stored with it.
    """
    check_adjustable(contest)
    place = check_place(place)
    item = ranking.entry(entry.id)
    if entry.contest_id != contest.id or entry.status is not EntryStatus.ACCEPTED or item is None:
        raise ValidationError("entry_not_ranked")
    if item.mean is None and place is not None:
        raise ValidationError("entry_not_scored")
    entry.mean_score = item.mean_value
    entry.place = place
    await session.flush()


async def publish(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    """CLOSED → PUBLISHED, once the judging is closed and every place was confirmed on the
    current scores. The caller tells the schools (in the same unit of work)."""
    check_adjustable(contest)
    ranking = await rank(session, contest)
    if unconfirmed(ranking, await stored_places(session, contest.id)):
        raise ValidationError("places_not_confirmed")
    await publish_contest(session, contest, clock)
    contest.published_at = clock()
    await session.flush()
