"""Users: lookup, effective role, leaving a school."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Role, User
from services.clock import Clock


@dataclass(frozen=True)
class TelegramProfile:
    telegram_id: int
    username: str | None


# built once: every update looks its user up
_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    """The user's row alone: one cheap query per update. Use `with_places` for names."""
    result = await session.execute(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
    return result.scalar_one_or_none()


async def with_places(session: AsyncSession, user: User | None) -> User | None:
    """Load the user's school and district (for screens that show their names)."""
    if user is not None:
        await session.refresh(user, ["school", "district"])
    return user


def effective_role(user: User | None, telegram_id: int, admin_ids: Collection[int]) -> Role | None:
    """Super-admins come from settings; everybody else from their row."""
    if telegram_id in admin_ids:
        return Role.SUPER_ADMIN
    if user is None or not user.is_active:
        return None
    return user.role


async def get_or_create_user(
    session: AsyncSession, profile: TelegramProfile, clock: Clock
) -> User:
    user = await get_user(session, profile.telegram_id)
    now = clock()
    if user is None:
        user = User(
            telegram_id=profile.telegram_id,
            username=profile.username,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        await session.flush()
    return user


async def ensure_super_admin(
    session: AsyncSession, profile: TelegramProfile, full_name: str, clock: Clock
) -> User:
    user = await get_or_create_user(session, profile, clock)
    if user.role is not Role.SUPER_ADMIN:
        user.role = Role.SUPER_ADMIN
        user.school_id = None
    if not user.full_name:
        user.full_name = full_name[:200]
    user.is_active = True
    user.updated_at = clock()
    await session.flush()
    return user


async def leave_school(session: AsyncSession, user: User, clock: Clock) -> None:
    """A librarian unlinks from the school; the row stays for history."""
    user.role = None
    user.school_id = None
    user.district_id = None
    user.updated_at = clock()
    await session.flush()
