"""What the coordinator chooses an audience from: the district's open events, its schools."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import District, Event, EventStatus, School
from services.schools import natural_key


async def open_events(
    session: AsyncSession, district_id: int, offset: int, limit: int
) -> tuple[list[Event], int]:
    """A page of the district's open events (nearest deadline first) and their number."""
    where = (Event.district_id == district_id, Event.status == EventStatus.OPEN)
    total = int(await session.scalar(select(func.count(Event.id)).where(*where)) or 0)
    page = await session.scalars(
        select(Event)
        .where(*where)
        .order_by(Event.deadline_at, Event.id)
        .offset(offset)
        .limit(limit)
    )
    return list(page.all()), total


async def open_event(session: AsyncSession, district_id: int, event_id: int) -> Event | None:
    event = await session.get(Event, event_id)
    if event is None or event.district_id != district_id or event.status is not EventStatus.OPEN:
        return None
    return event


async def schools(session: AsyncSession, district_id: int, query: str = "") -> list[School]:
    """The district's schools in natural order; those whose name holds `query` if given."""
    found = (await session.scalars(select(School).where(School.district_id == district_id))).all()
    needle = query.strip().casefold()
    if needle:
        found = [
            s
            for s in found
            if needle in s.short_name.casefold() or needle in s.full_name.casefold()
        ]
    return sorted(found, key=lambda s: (natural_key(s.short_name), s.id))


async def districts(session: AsyncSession) -> list[District]:
    return list((await session.scalars(select(District).order_by(District.name))).all())
