"""Who an announcement reaches: resolved from the audience kind when it is sent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Announcement, AudienceKind, Event, Role, School, User
from services.errors import NotFoundError, ValidationError
from services.reminders import unconfirmed_schools


@dataclass(frozen=True)
class Recipient:
    user_id: int
    chat_id: int
    school_id: int | None
    district_id: int | None
    reachable: bool


@dataclass(frozen=True)
class AudienceCount:
    total: int
    unreachable: int
    schools_without_librarian: int = 0

    @property
    def reachable(self) -> int:
        return self.total - self.unreachable


def _districts(announcement: Announcement) -> list[int]:
    if announcement.district_id is not None:
        return [announcement.district_id]
    return list(announcement.audience_district_ids)


PEOPLE = (User.id, User.telegram_id, User.school_id, User.district_id, User.is_active)


async def _school_ids(session: AsyncSession, announcement: Announcement) -> list[int] | None:
    """The schools addressed, or None for every school of the districts."""
    if announcement.audience is AudienceKind.SCHOOLS:
        return list(announcement.audience_school_ids)
    if announcement.audience is AudienceKind.LATE:
        event = (
            await session.get(Event, announcement.audience_event_id)
            if announcement.audience_event_id is not None
            else None
        )
        if event is None or event.district_id != announcement.district_id:
            raise NotFoundError("event")
        _, late = await unconfirmed_schools(session, event)
        return [s.id for s in late]
    return None


async def resolve(session: AsyncSession, announcement: Announcement) -> list[Recipient]:
    """Every person addressed, reachable or not, in a stable order."""
    schools = (
        None
        if announcement.audience is AudienceKind.COORDINATORS
        else await _school_ids(session, announcement)
    )
    return await _people(session, announcement, schools)


async def _people(
    session: AsyncSession, announcement: Announcement, schools: list[int] | None
) -> list[Recipient]:
    """The people addressed, given the schools addressed (None: every school)."""
    districts = _districts(announcement)
    if announcement.audience is AudienceKind.COORDINATORS:
        stmt = select(*PEOPLE).where(User.role == Role.COORDINATOR)
        if districts:
            stmt = stmt.where(User.district_id.in_(districts))
    else:
        stmt = (
            select(*PEOPLE)
            .where(User.role == Role.LIBRARIAN)
            .join(School, School.id == User.school_id)
        )
        if districts:
            stmt = stmt.where(School.district_id.in_(districts))
        if schools is not None:
            if not schools:
                return []
            stmt = stmt.where(User.school_id.in_(schools))
    rows = await session.execute(stmt.order_by(User.id))
    return [
        Recipient(int(uid), int(chat), school, district, bool(active))
        for uid, chat, school, district, active in rows
    ]


async def count(session: AsyncSession, announcement: Announcement) -> AudienceCount:
    coordinators = announcement.audience is AudienceKind.COORDINATORS
    # the schools addressed are worked out once (for a late event, that is a query per event)
    addressed = None if coordinators else await _school_ids(session, announcement)
    people = await _people(session, announcement, addressed)
    without = 0
    if not coordinators:
        stmt = select(School.id)
        districts = _districts(announcement)
        if districts:
            stmt = stmt.where(School.district_id.in_(districts))
        if addressed is not None:
            stmt = stmt.where(School.id.in_(addressed))
        schools = set((await session.scalars(stmt)).all())
        staffed = {p.school_id for p in people if p.reachable}
        without = len(schools - staffed)
    return AudienceCount(
        total=len(people),
        unreachable=sum(1 for p in people if not p.reachable),
        schools_without_librarian=without,
    )


async def check_schools(session: AsyncSession, district_id: int, school_ids: list[int]) -> None:
    """Chosen schools must all be of the district (callback data is not trusted)."""
    if not school_ids:
        raise ValidationError("audience_empty")
    found = set(
        (
            await session.scalars(
                select(School.id).where(
                    School.id.in_(school_ids), School.district_id == district_id
                )
            )
        ).all()
    )
    if found != set(school_ids):
        raise NotFoundError("school")
