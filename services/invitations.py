"""Invitation deep links: `/start <token>`, opaque, revocable."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Invitation, InvitationKind, Role, School, User
from services.clock import Clock
from services.errors import InvitationError
from services.validation import check_person_name

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TOKEN_BYTES = 24  # 32 characters of base64url, well under Telegram's 64


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


@dataclass(frozen=True)
class InvitationView:
    id: int
    kind: InvitationKind
    district_id: int
    district_name: str
    school_id: int | None
    school_name: str | None  # the short name, as lists and messages show it
    school_full_name: str | None = None


async def create_coordinator_invite(
    session: AsyncSession, district_id: int, created_by: User, clock: Clock
) -> Invitation:
    invitation = Invitation(
        token=new_token(),
        kind=InvitationKind.COORDINATOR,
        district_id=district_id,
        created_by_id=created_by.id,
        max_uses=1,
        used_count=0,
        created_at=clock(),
    )
    session.add(invitation)
    await session.flush()
    return invitation


async def active_school_invite(session: AsyncSession, school_id: int) -> Invitation | None:
    stmt = select(Invitation).where(
        Invitation.school_id == school_id,
        Invitation.kind == InvitationKind.LIBRARIAN,
        Invitation.revoked_at.is_(None),
    )
    return (await session.scalars(stmt)).first()


async def issue_school_invite(
    session: AsyncSession,
    school: School,
    created_by: User | None,
    clock: Clock,
    *,
    new: bool = False,
) -> Invitation:
    """Revoke the school's current link (if any; a new school has none) and issue a new one."""
    now = clock()
    if not new:
        await session.execute(
            update(Invitation)
            .where(
                Invitation.school_id == school.id,
                Invitation.kind == InvitationKind.LIBRARIAN,
                Invitation.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
    invitation = Invitation(
        token=new_token(),
        kind=InvitationKind.LIBRARIAN,
        district_id=school.district_id,
        school_id=school.id,
        created_by_id=created_by.id if created_by else None,
        max_uses=None,
        used_count=0,
        created_at=now,
    )
    session.add(invitation)
    await session.flush()
    return invitation


async def replace_school_invite(
    session: AsyncSession, school: School, replaces: int, created_by: User | None, clock: Clock
) -> Invitation | None:
    """A new link for the school if its current one is still `replaces` (0: it has none).

    Otherwise someone (or an earlier press of the same button) already changed it: nothing is
    written and None is returned, so the link shown a moment ago stays valid.
    """
    current = await active_school_invite(session, school.id)
    if (current.id if current is not None else 0) != replaces:
        return None
    if current is not None:
        result = await session.execute(
            update(Invitation)
            .where(Invitation.id == current.id, Invitation.revoked_at.is_(None))
            .values(revoked_at=clock())
            .execution_options(synchronize_session=False)
        )
        if not getattr(result, "rowcount", 0):
            return None
    return await issue_school_invite(session, school, created_by, clock, new=True)


async def revoke_school_invite(session: AsyncSession, school: School, clock: Clock) -> int:
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.school_id == school.id,
            Invitation.kind == InvitationKind.LIBRARIAN,
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=clock())
    )
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


async def revoke_invitation(session: AsyncSession, invitation_id: int, clock: Clock) -> int | None:
    """Revoke a link; returns its district id, or None when there is no such invitation."""
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None:
        return None
    if invitation.revoked_at is None:
        invitation.revoked_at = clock()
        await session.flush()
    return invitation.district_id


async def invitation_used(session: AsyncSession, invitation_id: int) -> bool:
    invitation = await session.get(Invitation, invitation_id)
    return bool(
        invitation is not None
        and invitation.max_uses is not None
        and invitation.used_count >= invitation.max_uses
    )


async def resolve_token(session: AsyncSession, token: str) -> InvitationView:
    """Check a deep-link payload; raise InvitationError('malformed'|'unknown'|'revoked'|'used')."""
    if not TOKEN_RE.fullmatch(token):
        raise InvitationError("malformed")
    stmt = (
        select(Invitation)
        .where(Invitation.token == token)
        .options(selectinload(Invitation.district), selectinload(Invitation.school))
    )
    invitation = (await session.scalars(stmt)).first()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.revoked_at is not None:
        raise InvitationError("revoked")
    if invitation.max_uses is not None and invitation.used_count >= invitation.max_uses:
        raise InvitationError("used")
    return InvitationView(
        id=invitation.id,
        kind=invitation.kind,
        district_id=invitation.district_id,
        district_name=invitation.district.name,
        school_id=invitation.school_id,
        school_name=invitation.school.short_name if invitation.school else None,
        school_full_name=invitation.school.full_name if invitation.school else None,
    )


async def accept_invitation(
    session: AsyncSession, user: User, token: str, full_name: str, clock: Clock
) -> InvitationView:
    """Register the user by the invitation; re-checks the token (it may have been revoked)."""
    view = await resolve_token(session, token)
    name = check_person_name(full_name)
    invitation = await session.get(Invitation, view.id)
    assert invitation is not None
    if user.role is Role.SUPER_ADMIN:
        raise InvitationError("already_admin")
    if view.kind is InvitationKind.COORDINATOR:
        user.role = Role.COORDINATOR
        user.school_id = None
    else:
        user.role = Role.LIBRARIAN
        user.school_id = view.school_id
    user.district_id = view.district_id
    user.full_name = name
    user.is_active = True
    user.updated_at = clock()
    invitation.used_count += 1
    await session.flush()
    return view
