"""Schools of a district: added one by one or imported from a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invitation, InvitationKind, Role, School, User
from services.clock import Clock
from services.errors import AccessDeniedError, DuplicateError, NotFoundError
from services.invitations import issue_school_invite, new_token
from services.validation import SCHOOL_FULL_NAME_MAX, SCHOOL_SHORT_NAME_MAX, check_name


@dataclass(frozen=True)
class NewSchool:
    full_name: str
    short_name: str


async def _duplicate(
    session: AsyncSession, district_id: int, full_name: str, short_name: str
) -> bool:
    stmt = select(School.id).where(
        School.district_id == district_id,
        (func.lower(School.full_name) == full_name.lower())
        | (func.lower(School.short_name) == short_name.lower()),
    )
    return (await session.scalar(stmt)) is not None


async def add_school(
    session: AsyncSession,
    district_id: int,
    full_name: str,
    short_name: str,
    created_by: User | None,
    clock: Clock,
) -> School:
    full = check_name(full_name, max_len=SCHOOL_FULL_NAME_MAX, min_len=3)
    short = check_name(short_name, max_len=SCHOOL_SHORT_NAME_MAX, min_len=2)
    if await _duplicate(session, district_id, full, short):
        raise DuplicateError(short)
    school = School(district_id=district_id, full_name=full, short_name=short, created_at=clock())
    session.add(school)
    await session.flush()
    await issue_school_invite(session, school, created_by, clock)
    return school


async def import_schools(
    session: AsyncSession,
    district_id: int,
    rows: Sequence[NewSchool],
    created_by: User | None,
    clock: Clock,
) -> int:
    """All or nothing: one transaction; a duplicate aborts the whole file."""
    now = clock()
    created: list[School] = []
    try:
        for row in rows:
            if await _duplicate(session, district_id, row.full_name, row.short_name):
                raise DuplicateError(row.short_name)
            school = School(
                district_id=district_id,
                full_name=row.full_name,
                short_name=row.short_name,
                created_at=now,
            )
            session.add(school)
            created.append(school)
        await session.flush()
        session.add_all(
            Invitation(
                token=new_token(),
                kind=InvitationKind.LIBRARIAN,
                district_id=district_id,
                school_id=school.id,
                created_by_id=created_by.id if created_by else None,
                max_uses=None,
                used_count=0,
                created_at=now,
            )
            for school in created
        )
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    return len(created)


async def short_names(session: AsyncSession, district_id: int) -> list[str]:
    stmt = select(School.short_name).where(School.district_id == district_id)
    return list((await session.scalars(stmt)).all())


async def count_schools(session: AsyncSession, district_id: int) -> int:
    stmt = select(func.count(School.id)).where(School.district_id == district_id)
    return int(await session.scalar(stmt) or 0)


async def list_schools(
    session: AsyncSession, district_id: int, offset: int, limit: int
) -> list[School]:
    stmt = (
        select(School)
        .where(School.district_id == district_id)
        .order_by(School.short_name, School.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def get_school_for(session: AsyncSession, school_id: int, district_id: int | None) -> School:
    """Fetch a school the acting user may manage: callback data is untrusted."""
    school = await session.get(School, school_id)
    if school is None:
        raise NotFoundError("school")
    if district_id is None or school.district_id != district_id:
        raise AccessDeniedError("school")
    return school


async def school_librarians(session: AsyncSession, school_id: int) -> list[User]:
    stmt = (
        select(User)
        .where(
            User.school_id == school_id,
            User.role == Role.LIBRARIAN,
            User.is_active.is_(True),
        )
        .order_by(User.full_name)
    )
    return list((await session.scalars(stmt)).all())
