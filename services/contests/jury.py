"""The jury: seats taken by a one-time link, the entries each juror scores, and their scores.

A seat (models.ContestJuror) is made by the coordinator with a fresh token and taken by the
first person who opens its link: a conditional UPDATE … WHERE user_id IS NULL AND revoked_at
IS NULL, so of two people opening the same link at once only one gets the seat. A person with
no role becomes a juror (Role.JUROR); a librarian or a coordinator keeps their role and gets
the seat as well.

What a seat scores (`entries_to_score`): the contest's ACCEPTED entries of the seat's
nominations, except the entries of the juror's own school. An entry counts as scored when the
juror has points for every criterion of the contest (`is_complete`; the results use the same
rule). Scores change until the coordinator closes the judging (Contest.judging_closed_at).

A revoked seat keeps its rows for the record; its scores are not the jury's any more
(`active_seat_ids`). Everything here only flushes: the update's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    Contest,
    ContestCriterion,
    ContestEntry,
    ContestJuror,
    ContestScore,
    ContestStatus,
    EntryStatus,
    Role,
    User,
    limits,
)
from models.dialects import insert_for
from services.clock import Clock
from services.contests.results import counts
from services.contests.setup import get_contest
from services.errors import NotFoundError, ValidationError
from services.invitations import TOKEN_RE, new_token
from services.validation import check_person_name, clean_multiline

JURORS_MAX = 50  # seats of one contest (revoked ones not counted)

# a contest whose jury no longer changes: no new seats, no seat taken
_OVER = (ContestStatus.CANCELLED, ContestStatus.PUBLISHED)


@dataclass(frozen=True)
class Progress:
    scored: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.scored >= self.total


@dataclass(frozen=True)
class SeatView:
    """A seat as the coordinator's jury screen shows it."""

    seat: ContestJuror
    holder: User | None
    progress: Progress


@dataclass(frozen=True)
class TakenSeat:
    seat: ContestJuror
    contest: Contest
    already: bool  # the holder opened their own link again: nothing changed
    became_juror: bool  # the person had no role and is a juror now


def is_complete(points: Mapping[str, Any], criteria: Sequence[ContestCriterion]) -> bool:
    """A juror's scores of an entry are complete when every criterion has points (the rule
    the results count by: services.contests.results.counts)."""
    return counts(points, (c.id for c in criteria))


# ---- seats ------------------------------------------------------------------------------------


def check_label(text: str) -> str:
    """The juror's name as the coordinator writes it (it names the seat)."""
    return check_person_name(text)


def _check_nominations(contest: Contest, nomination_ids: Sequence[int] | None) -> list[int] | None:
    if nomination_ids is None:
        return None
    known = {n.id for n in contest.nominations}
    chosen = set(nomination_ids)
    if not chosen:
        raise ValidationError("jury_no_nominations")
    if not chosen <= known:
        raise ValidationError("no_such_nomination")
    if chosen == known:
        return None  # every nomination: the same as «Все номинации»
    return sorted(chosen)


async def invite_juror(
    session: AsyncSession,
    contest: Contest,
    label: str,
    nomination_ids: Sequence[int] | None,
    inviter: User | None,
    clock: Clock,
) -> ContestJuror:
    """A new seat with a fresh one-time token; `nomination_ids` None = all nominations."""
    if contest.status in _OVER or contest.judging_closed_at is not None:
        raise ValidationError("jury_closed_for_invites")
    label = check_label(label)
    chosen = _check_nominations(contest, nomination_ids)
    seats = await session.scalar(
        select(func.count(ContestJuror.id)).where(
            ContestJuror.contest_id == contest.id, ContestJuror.revoked_at.is_(None)
        )
    )
    if int(seats or 0) >= JURORS_MAX:
        raise ValidationError("jury_too_many", max=JURORS_MAX)
    seat = ContestJuror(
        contest_id=contest.id,
        token=new_token(),
        label=label,
        nomination_ids=chosen,
        invited_by_id=inviter.id if inviter is not None else None,
        invited_at=clock(),
    )
    session.add(seat)
    await session.flush()
    return seat


async def get_seat(session: AsyncSession, seat_id: int) -> ContestJuror:
    seat = await session.get(ContestJuror, seat_id)
    if seat is None:
        raise NotFoundError("juror")
    return seat


async def seat_by_token(session: AsyncSession, token: str) -> ContestJuror | None:
    """The seat a deep-link payload names, or None (it may be an ordinary invitation)."""
    if not TOKEN_RE.fullmatch(token):
        return None
    return (await session.scalars(select(ContestJuror).where(ContestJuror.token == token))).first()


async def seat_for(session: AsyncSession, user_id: int, contest_id: int) -> ContestJuror | None:
    """The user's seat on the contest's jury, if they hold one."""
    stmt = (
        select(ContestJuror)
        .where(
            ContestJuror.contest_id == contest_id,
            ContestJuror.user_id == user_id,
            ContestJuror.revoked_at.is_(None),
        )
        .order_by(ContestJuror.id)
    )
    return (await session.scalars(stmt)).first()


async def user_seats(session: AsyncSession, user_id: int) -> list[tuple[ContestJuror, Contest]]:
    """The seats the user holds, newest contest first (a cancelled contest's are left out)."""
    stmt = (
        select(ContestJuror, Contest)
        .join(Contest, Contest.id == ContestJuror.contest_id)
        .where(
            ContestJuror.user_id == user_id,
            ContestJuror.revoked_at.is_(None),
            Contest.status != ContestStatus.CANCELLED,
        )
        .options(selectinload(Contest.criteria), selectinload(Contest.nominations))
        .order_by(Contest.year.desc(), Contest.id.desc())
    )
    return [(seat, contest) for seat, contest in (await session.execute(stmt)).all()]


async def take_seat(
    session: AsyncSession, token: str, user: User, clock: Clock, *, name: str = ""
) -> TakenSeat:
    """Take the seat of a link: once, by the first person who opens it.

    `name` (the person's Telegram name) becomes their full name if they have none yet; if it
    is no usable name, the seat's label does.
    """
    seat = await seat_by_token(session, token)
    if seat is None:
        raise ValidationError("jury_seat_unknown")
    contest = await get_contest(session, seat.contest_id)
    if seat.revoked_at is not None:
        raise ValidationError("jury_seat_revoked")
    if seat.user_id == user.id:
        return TakenSeat(seat, contest, already=True, became_juror=False)
    if seat.user_id is not None:
        raise ValidationError("jury_seat_taken")
    if contest.status is ContestStatus.CANCELLED:
        raise ValidationError("jury_contest_cancelled")
    if await seat_for(session, user.id, contest.id) is not None:
        raise ValidationError("jury_seat_twice")
    now = clock()
    result = await session.execute(
        update(ContestJuror)
        .where(
            ContestJuror.id == seat.id,
            ContestJuror.user_id.is_(None),
            ContestJuror.revoked_at.is_(None),
        )
        .values(user_id=user.id, joined_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(seat)
    if getattr(result, "rowcount", 0) != 1:
        # someone else was quicker, or the coordinator revoked the link meanwhile
        if seat.revoked_at is not None:
            raise ValidationError("jury_seat_revoked")
        raise ValidationError("jury_seat_taken")
    became_juror = user.role is None
    if became_juror:
        user.role = Role.JUROR
        user.is_active = True
    if not user.full_name:
        try:
            user.full_name = check_person_name(name)
        except ValidationError:
            user.full_name = seat.label
    user.updated_at = now
    await session.flush()
    return TakenSeat(seat, contest, already=False, became_juror=became_juror)


async def revoke_juror(
    session: AsyncSession, contest: Contest, seat: ContestJuror, clock: Clock
) -> None:
    """The link stops working and the holder leaves the jury; refused once judging is closed
    (the protocol is final)."""
    if contest.judging_closed_at is not None:
        raise ValidationError("jury_judging_closed")
    result = await session.execute(
        update(ContestJuror)
        .where(ContestJuror.id == seat.id, ContestJuror.revoked_at.is_(None))
        .values(revoked_at=clock())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(seat)
    if getattr(result, "rowcount", 0) != 1:
        raise ValidationError("jury_seat_revoked")


async def active_seat_ids(session: AsyncSession, contest_id: int) -> set[int]:
    """The seats whose scores are the jury's: taken and not revoked."""
    rows = await session.scalars(
        select(ContestJuror.id).where(
            ContestJuror.contest_id == contest_id,
            ContestJuror.user_id.is_not(None),
            ContestJuror.revoked_at.is_(None),
        )
    )
    return set(rows.all())


# ---- what a seat scores -----------------------------------------------------------------------


def _scope(seat: ContestJuror, school_id: int | None) -> list[ColumnElement[bool]]:
    """The rule of `entries_to_score` as SQL conditions."""
    conditions: list[ColumnElement[bool]] = [
        ContestEntry.contest_id == seat.contest_id,
        ContestEntry.status == EntryStatus.ACCEPTED,
    ]
    if seat.nomination_ids is not None:
        conditions.append(ContestEntry.nomination_id.in_(seat.nomination_ids))
    if school_id is not None:
        conditions.append(ContestEntry.school_id != school_id)
    return conditions


def _in_scope(entry: ContestEntry, seat: ContestJuror, school_id: int | None) -> bool:
    """The same rule for one entry already loaded."""
    return (
        entry.contest_id == seat.contest_id
        and entry.status is EntryStatus.ACCEPTED
        and (seat.nomination_ids is None or entry.nomination_id in seat.nomination_ids)
        and (school_id is None or entry.school_id != school_id)
    )


async def _holder_school(session: AsyncSession, seat: ContestJuror) -> int | None:
    if seat.user_id is None:
        return None
    return await session.scalar(select(User.school_id).where(User.id == seat.user_id))


async def entries_to_score(session: AsyncSession, seat: ContestJuror) -> list[ContestEntry]:
    """The accepted entries of the seat's nominations, the juror's own school left out."""
    school_id = await _holder_school(session, seat)
    stmt = (
        select(ContestEntry)
        .where(*_scope(seat, school_id))
        .options(selectinload(ContestEntry.nomination))
        .order_by(ContestEntry.number)
    )
    return list((await session.scalars(stmt)).all())


async def scorable_entry(session: AsyncSession, seat: ContestJuror, entry_id: int) -> ContestEntry:
    """One entry of `entries_to_score` with its participants and works; NotFoundError for
    any other id (another contest's, the juror's own school's, not accepted, missing)."""
    school_id = await _holder_school(session, seat)
    stmt = (
        select(ContestEntry)
        .where(ContestEntry.id == entry_id, *_scope(seat, school_id))
        .options(
            selectinload(ContestEntry.participants),
            selectinload(ContestEntry.works),
            selectinload(ContestEntry.nomination),
        )
        .execution_options(populate_existing=True)
    )
    entry = (await session.scalars(stmt)).first()
    if entry is None:
        raise NotFoundError("entry")
    return entry


async def seat_scores(session: AsyncSession, seat: ContestJuror) -> dict[int, ContestScore]:
    """The seat's score rows by entry id."""
    rows = await session.scalars(
        select(ContestScore)
        .where(ContestScore.juror_id == seat.id)
        .execution_options(populate_existing=True)
    )
    return {row.entry_id: row for row in rows}


async def score_of(
    session: AsyncSession, seat: ContestJuror, entry_id: int
) -> ContestScore | None:
    stmt = (
        select(ContestScore)
        .where(ContestScore.juror_id == seat.id, ContestScore.entry_id == entry_id)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).first()


async def progress(session: AsyncSession, seat: ContestJuror, contest: Contest) -> Progress:
    entries = await entries_to_score(session, seat)
    scores = await seat_scores(session, seat)
    scored = sum(
        1 for e in entries if e.id in scores and is_complete(scores[e.id].points, contest.criteria)
    )
    return Progress(scored, len(entries))


async def list_jurors(session: AsyncSession, contest: Contest) -> list[SeatView]:
    """The contest's seats (revoked ones left out) with who holds each and their progress."""
    seats = list(
        (
            await session.scalars(
                select(ContestJuror)
                .where(ContestJuror.contest_id == contest.id, ContestJuror.revoked_at.is_(None))
                .order_by(ContestJuror.id)
            )
        ).all()
    )
    if not seats:
        return []
    entries = (
        await session.execute(
            select(ContestEntry.id, ContestEntry.school_id, ContestEntry.nomination_id).where(
                ContestEntry.contest_id == contest.id,
                ContestEntry.status == EntryStatus.ACCEPTED,
            )
        )
    ).all()
    holders = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_([s.user_id for s in seats if s.user_id is not None]))
        )
    }
    complete = {
        (row.juror_id, row.entry_id)
        for row in await session.scalars(
            select(ContestScore).where(ContestScore.juror_id.in_([s.id for s in seats]))
        )
        if is_complete(row.points, contest.criteria)
    }
    views = []
    for seat in seats:
        holder = holders.get(seat.user_id) if seat.user_id is not None else None
        school_id = holder.school_id if holder is not None else None
        mine = [
            entry_id
            for entry_id, entry_school, nomination_id in entries
            if (seat.nomination_ids is None or nomination_id in seat.nomination_ids)
            and (school_id is None or entry_school != school_id)
        ]
        scored = sum(1 for entry_id in mine if (seat.id, entry_id) in complete)
        views.append(SeatView(seat, holder, Progress(scored, len(mine))))
    return views


# ---- scoring ----------------------------------------------------------------------------------


async def _check_scoring(
    session: AsyncSession, seat: ContestJuror, entry: ContestEntry
) -> Contest:
    """The seat may score the entry now; the contest's row is read under a share lock, so a
    score and the closing of the judging never cross on PostgreSQL (SQLite has one writer)."""
    if seat.revoked_at is not None or seat.user_id is None:
        raise ValidationError("jury_seat_revoked")
    state = (
        await session.execute(
            select(Contest.status, Contest.judging_closed_at)
            .where(Contest.id == seat.contest_id)
            .with_for_update(read=True)
        )
    ).first()
    if state is None:
        raise NotFoundError("contest")
    status, closed_at = state
    if closed_at is not None or status in _OVER:
        raise ValidationError("jury_judging_closed")
    if not _in_scope(entry, seat, await _holder_school(session, seat)):
        raise NotFoundError("entry")
    return await get_contest(session, seat.contest_id)


async def _score_row(
    session: AsyncSession, seat: ContestJuror, entry: ContestEntry, clock: Clock
) -> ContestScore:
    """The seat's row for the entry, made if it is not there yet (one per entry and juror)."""
    insert = insert_for(session)
    await session.execute(
        insert(ContestScore)
        .values(entry_id=entry.id, juror_id=seat.id, points={}, comment="", updated_at=clock())
        .on_conflict_do_nothing(index_elements=["entry_id", "juror_id"])
    )
    row = await score_of(session, seat, entry.id)
    if row is None:  # pragma: no cover - the row was just made
        raise NotFoundError("score")
    return row


async def set_score(
    session: AsyncSession,
    seat: ContestJuror,
    entry: ContestEntry,
    criterion_id: int,
    points: int,
    clock: Clock,
) -> ContestScore:
    """The juror's points for one criterion of the entry (0 to the criterion's maximum)."""
    contest = await _check_scoring(session, seat, entry)
    criterion = next((c for c in contest.criteria if c.id == criterion_id), None)
    if criterion is None:
        raise ValidationError("jury_no_such_criterion")
    if not 0 <= points <= criterion.max_score:
        raise ValidationError("score_out_of_range", max=criterion.max_score)
    row = await _score_row(session, seat, entry, clock)
    row.points = {**row.points, str(criterion.id): points}
    row.updated_at = clock()
    await session.flush()
    return row


async def set_comment(
    session: AsyncSession, seat: ContestJuror, entry: ContestEntry, text: str, clock: Clock
) -> ContestScore:
    """The juror's comment on the entry (optional; an empty text removes it)."""
    await _check_scoring(session, seat, entry)
    comment = clean_multiline(text)
    if len(comment) > limits.CONTEST_COMMENT_MAX:
        raise ValidationError("too_long", max=limits.CONTEST_COMMENT_MAX, length=len(comment))
    row = await _score_row(session, seat, entry, clock)
    row.comment = comment
    row.updated_at = clock()
    await session.flush()
    return row


async def close_judging(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    """Freeze the scores: only once entries are no longer taken (status CLOSED)."""
    if contest.status is not ContestStatus.CLOSED:
        raise ValidationError("jury_close_needs_closed")
    result = await session.execute(
        update(Contest)
        .where(
            and_(
                Contest.id == contest.id,
                Contest.status == ContestStatus.CLOSED,
                Contest.judging_closed_at.is_(None),
            )
        )
        .values(judging_closed_at=clock())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(contest, ["judging_closed_at", "status"])
    if getattr(result, "rowcount", 0) != 1:
        if contest.status is not ContestStatus.CLOSED:
            raise ValidationError("jury_close_needs_closed")
        raise ValidationError("jury_judging_closed")
