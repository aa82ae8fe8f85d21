"""Districts: created by super-admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import District, Role, School, User
from services.clock import Clock
from services.errors import DuplicateError, NotFoundError
from services.validation import DISTRICT_NAME_MAX, check_name, name_key


@dataclass(frozen=True)
class DistrictSummary:
    id: int
    name: str
    schools: int
    coordinators: int
    librarians: int


async def create_district(session: AsyncSession, name: str, clock: Clock) -> District:
    cleaned = check_name(name, max_len=DISTRICT_NAME_MAX, min_len=3)
    names = (await session.scalars(select(District.name))).all()
    if name_key(cleaned) in {name_key(n) for n in names}:
        raise DuplicateError(cleaned)
    district = District(name=cleaned, created_at=clock())
    session.add(district)
    await session.flush()
    return district


async def count_districts(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(District.id))) or 0)


async def list_districts(session: AsyncSession, offset: int, limit: int) -> list[District]:
    stmt = select(District).order_by(District.name, District.id).offset(offset).limit(limit)
    return list((await session.scalars(stmt)).all())


async def get_district(session: AsyncSession, district_id: int) -> District:
    district = await session.get(District, district_id)
    if district is None:
        raise NotFoundError("district")
    return district


async def district_summary(session: AsyncSession, district_id: int) -> DistrictSummary:
    district = await get_district(session, district_id)
    schools = await session.scalar(
        select(func.count(School.id)).where(School.district_id == district_id)
    )
    counts = dict(
        (
            await session.execute(
                select(User.role, func.count(User.id))
                .where(User.district_id == district_id, User.is_active.is_(True))
                .group_by(User.role)
            )
        ).all()
    )
    return DistrictSummary(
        id=district.id,
        name=district.name,
        schools=int(schools or 0),
        coordinators=int(counts.get(Role.COORDINATOR, 0)),
        librarians=int(counts.get(Role.LIBRARIAN, 0)),
    )


async def set_acting_district(
    session: AsyncSession, user: User, district_id: int, clock: Clock
) -> District:
    """A super-admin chooses the district whose schools they manage."""
    district = await get_district(session, district_id)
    user.district_id = district.id
    user.updated_at = clock()
    await session.flush()
    return district
