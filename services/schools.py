"""Schools of a district: added one by one or imported from a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invitation, InvitationKind, Role, School, User
from services.clock import Clock
from services.errors import AccessDeniedError, DuplicateError, NotFoundError
from services.invitations import issue_school_invite, new_token
from services.validation import (
    SCHOOL_FULL_NAME_MAX,
    SCHOOL_SHORT_NAME_MAX,
    check_name,
    name_key,
)


@dataclass(frozen=True)
class NewSchool:
    full_name: str
    short_name: str


async def taken_name(
    session: AsyncSession, district_id: int, full_name: str, short_name: str = ""
) -> str | None:
    """Which name a school of the district already has: "full", "short" or None.

    One indexed query on the stored comparison keys."""
    full_key, short_key = name_key(full_name), name_key(short_name) if short_name else None
    stmt = select(School.full_key, School.short_key).where(
        School.district_id == district_id,
        (School.full_key == full_key) | (School.short_key == short_key),
    )
    row = (await session.execute(stmt.limit(1))).first()
    if row is None:
        return None
    return "full" if row.full_key == full_key else "short"


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
    taken = await taken_name(session, district_id, full, short)
    if taken is not None:
        raise DuplicateError(taken)
    school = School(district_id=district_id, full_name=full, short_name=short, created_at=clock())
    session.add(school)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same name
        await session.rollback()
        raise DuplicateError(short) from exc
    await issue_school_invite(session, school, created_by, clock, new=True)
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
        existing = (
            await session.execute(
                select(School.full_key, School.short_key).where(School.district_id == district_id)
            )
        ).all()
        taken = {"f:" + str(full) for full, _ in existing} | {"s:" + str(s) for _, s in existing}
        for row in rows:
            keys = ("f:" + name_key(row.full_name), "s:" + name_key(row.short_name))
            if keys[0] in taken or keys[1] in taken:
                raise DuplicateError(row.short_name)
            taken.update(keys)
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
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateError("") from exc
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


_NUMBER = re.compile(r"([0-9]+)")


def natural_key(name: str) -> tuple[str | int, ...]:
    """Sort key that reads numbers as numbers: «СОШ № 2» before «СОШ № 16».

    The parts alternate text and number, so two keys always compare part by part.
    """
    parts = _NUMBER.split(name_key(name))
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


async def list_schools(
    session: AsyncSession, district_id: int, offset: int, limit: int
) -> list[School]:
    """A page of the district's schools in natural order (a district has some dozens)."""
    stmt = select(School).where(School.district_id == district_id)
    schools = sorted(
        (await session.scalars(stmt)).all(), key=lambda s: (natural_key(s.short_name), s.id)
    )
    return schools[offset : offset + limit]


async def get_school_for(session: AsyncSession, school_id: int, district_id: int | None) -> School:
    """Fetch a school the acting user may manage: callback data is untrusted."""
    school = await session.get(School, school_id)
    if school is None:
        raise NotFoundError("school")
    if district_id is None or school.district_id != district_id:
        raise AccessDeniedError("school")
    return school


async def school_librarians(
    session: AsyncSession, school_id: int, *, with_blocked: bool = False
) -> list[User]:
    """The school's librarians; `with_blocked` adds those who blocked the bot (inactive)."""
    conditions = [User.school_id == school_id, User.role == Role.LIBRARIAN]
    if not with_blocked:
        conditions.append(User.is_active.is_(True))
    stmt = select(User).where(*conditions).order_by(User.full_name)
    return list((await session.scalars(stmt)).all())
