"""Shared steps of the results tests: entries sent, accepted, a jury seated and scoring.

The jury part's services are written by another part; these steps write the seats and scores
the way they are stored (models.contests.ContestJuror, ContestScore) so the results can be
tested on their own.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Contest,
    ContestEntry,
    ContestJuror,
    ContestScore,
    EntryStatus,
    Role,
    School,
    User,
)
from services.clock import Clock
from services.contests.entries import accept_entry, submit_entry
from services.contests.setup import close_contest, get_contest
from tests.contest_helpers import entry_input

_telegram_ids = itertools.count(700_000)


async def _user(
    session: AsyncSession, clock: Clock, role: Role, name: str, school_id: int | None = None
) -> User:
    user = User(
        telegram_id=next(_telegram_ids),
        full_name=name,
        role=role,
        school_id=school_id,
        created_at=clock(),
        updated_at=clock(),
    )
    session.add(user)
    await session.flush()
    return user


async def enter(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    school_id: int,
    clock: Clock,
    *names: str,
    nomination: int = 0,
    accept: bool = True,
    category: str = "5",
) -> int:
    """An entry of the school with participants `names` (accepted unless told); its id."""
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        school = await session.get(School, school_id)
        assert school is not None
        sender = await session.scalar(
            select(User).where(User.school_id == school_id, User.role == Role.LIBRARIAN)
        )
        if sender is None:
            sender = await _user(session, clock, Role.LIBRARIAN, "Анна Петрова", school_id)
        entry = await submit_entry(
            session,
            contest,
            school,
            sender,
            entry_input(contest, *names, nomination=nomination, category=category),
            clock,
        )
        if accept:
            reviewer = await _user(session, clock, Role.COORDINATOR, "Ольга Проверяющая")
            await accept_entry(session, entry, reviewer, entry.version, clock)
        return entry.id


async def close(
    pool: async_sessionmaker[AsyncSession], contest_id: int, clock: Clock, *, judging: bool = True
) -> None:
    """Entries closed; the judging too unless told."""
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await close_contest(session, contest, clock)
        if judging:
            contest.judging_closed_at = clock()


async def close_judging(
    pool: async_sessionmaker[AsyncSession], contest_id: int, when: datetime | None = None
) -> None:
    async with pool.begin() as session:
        contest = await session.get(Contest, contest_id)
        assert contest is not None
        contest.judging_closed_at = when


async def seat(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    clock: Clock,
    name: str,
    *,
    label: str = "",
    nominations: Sequence[int] | None = None,
    school_id: int | None = None,
    revoked: bool = False,
) -> int:
    """A taken jury seat (its person a librarian of `school_id` if given); the seat's id."""
    async with pool.begin() as session:
        role = Role.LIBRARIAN if school_id is not None else Role.JUROR
        user = await _user(session, clock, role, name, school_id)
        juror = ContestJuror(
            contest_id=contest_id,
            token=f"t{user.telegram_id}",
            label=label,
            nomination_ids=None if nominations is None else list(nominations),
            user_id=user.id,
            invited_at=clock(),
            joined_at=clock(),
            revoked_at=clock() if revoked else None,
        )
        session.add(juror)
        await session.flush()
        return juror.id


async def score(
    pool: async_sessionmaker[AsyncSession],
    clock: Clock,
    entry_id: int,
    juror_id: int,
    *points: int,
) -> None:
    """The juror's points for the contest's criteria in their order (fewer: incomplete)."""
    async with pool.begin() as session:
        entry = await session.get(ContestEntry, entry_id)
        assert entry is not None
        contest = await get_contest(session, entry.contest_id)
        values = {str(c.id): p for c, p in zip(contest.criteria, points, strict=False)}
        existing = await session.scalar(
            select(ContestScore).where(
                ContestScore.entry_id == entry_id, ContestScore.juror_id == juror_id
            )
        )
        if existing is None:
            session.add(
                ContestScore(
                    entry_id=entry_id, juror_id=juror_id, points=values, updated_at=clock()
                )
            )
        else:
            existing.points = values
            existing.updated_at = clock()


async def entry_row(pool: async_sessionmaker[AsyncSession], entry_id: int) -> ContestEntry:
    async with pool() as session:
        entry = await session.get(ContestEntry, entry_id)
        assert entry is not None
        return entry


async def places(pool: async_sessionmaker[AsyncSession], contest_id: int) -> dict[int, int | None]:
    async with pool() as session:
        rows = await session.execute(
            select(ContestEntry.id, ContestEntry.place).where(
                ContestEntry.contest_id == contest_id,
                ContestEntry.status == EntryStatus.ACCEPTED,
            )
        )
        return dict(rows.all())


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF, as pypdf extracts it."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


__all__ = [
    "close",
    "close_judging",
    "enter",
    "entry_row",
    "pdf_text",
    "places",
    "score",
    "seat",
]
