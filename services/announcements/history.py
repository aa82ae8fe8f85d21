"""The record of what was announced: the lists, and the per-recipient report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    AudienceKind,
    Notification,
    Role,
    School,
    User,
)
from services.announcements.sending import copy_status
from services.errors import NotFoundError

SHOWN = (AnnouncementStatus.SENDING, AnnouncementStatus.SENT, AnnouncementStatus.STOPPED)
PLANNED = (AnnouncementStatus.SCHEDULED,)


async def for_coordinator(
    session: AsyncSession, user: User, offset: int, limit: int
) -> tuple[int, list[Announcement]]:
    """The district's announcements, newest first (a super-admin's: all), with the total."""
    where: list[ColumnElement[bool]] = [Announcement.status.in_((*SHOWN, *PLANNED))]
    if user.role is not Role.SUPER_ADMIN:
        where.append(Announcement.district_id == user.district_id)
    total = int(await session.scalar(select(func.count(Announcement.id)).where(*where)) or 0)
    rows = await session.scalars(
        select(Announcement)
        .where(*where)
        .order_by(func.coalesce(Announcement.sent_at, Announcement.scheduled_at).desc())
        .order_by(Announcement.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows.all())


def _readable(user: User) -> list[ColumnElement[bool]]:
    """What was addressed to this person, and, for a librarian, the district's
    announcements to every librarian (one who joined later finds them too)."""
    mine = Announcement.id.in_(
        select(AnnouncementRecipient.announcement_id).where(
            AnnouncementRecipient.user_id == user.id
        )
    )
    if user.role is Role.LIBRARIAN and user.district_id is not None:
        everyone = (Announcement.district_id == user.district_id) & (
            Announcement.audience == AudienceKind.ALL
        )
        return [Announcement.status.in_(SHOWN), or_(mine, everyone)]
    return [Announcement.status.in_(SHOWN), mine]


async def for_recipient(
    session: AsyncSession, user: User, offset: int, limit: int
) -> tuple[int, list[Announcement]]:
    """The announcements this person may read again, newest first, with the total."""
    where = _readable(user)
    total = int(await session.scalar(select(func.count(Announcement.id)).where(*where)) or 0)
    rows = await session.scalars(
        select(Announcement)
        .where(*where)
        .order_by(Announcement.sent_at.desc(), Announcement.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows.all())


async def awaiting_ack(session: AsyncSession, user: User, ids: list[int]) -> set[int]:
    """Of these announcements, those that ask this person for «Ознакомлен(а)» not yet given."""
    if not ids:
        return set()
    rows = await session.scalars(
        select(AnnouncementRecipient.announcement_id)
        .join(Announcement, Announcement.id == AnnouncementRecipient.announcement_id)
        .where(
            AnnouncementRecipient.user_id == user.id,
            AnnouncementRecipient.announcement_id.in_(ids),
            AnnouncementRecipient.acknowledged_at.is_(None),
            Announcement.ack.is_(True),
        )
    )
    return set(rows.all())


async def unacknowledged(session: AsyncSession, user: User) -> int:
    """How many of the announcements this person may read still wait for their
    «Ознакомлен(а)»."""
    return int(
        await session.scalar(
            select(func.count(AnnouncementRecipient.id))
            .join(Announcement, Announcement.id == AnnouncementRecipient.announcement_id)
            .where(
                AnnouncementRecipient.user_id == user.id,
                AnnouncementRecipient.acknowledged_at.is_(None),
                Announcement.ack.is_(True),
                Announcement.status.in_(SHOWN),
            )
        )
        or 0
    )


async def readable_by(session: AsyncSession, announcement_id: int, user: User) -> Announcement:
    """An announcement this person may read again (see `for_recipient`)."""
    found = await session.scalar(
        select(Announcement).where(Announcement.id == announcement_id, *_readable(user))
    )
    if found is None:
        raise NotFoundError("announcement")
    return found


@dataclass(frozen=True)
class ReportRow:
    name: str
    school: str
    district_id: int | None
    status: str  # sent, waiting, failed, unreachable, cancelled
    sent_at: datetime | None
    acknowledged_at: datetime | None


async def report_rows(session: AsyncSession, announcement_id: int) -> list[ReportRow]:
    rows = await session.execute(
        select(
            User.full_name,
            School.short_name,
            AnnouncementRecipient.district_id,
            AnnouncementRecipient.reachable,
            Notification.status,
            Notification.sent_at,
            AnnouncementRecipient.acknowledged_at,
        )
        .join(User, User.id == AnnouncementRecipient.user_id)
        .outerjoin(School, School.id == AnnouncementRecipient.school_id)
        .outerjoin(Notification, Notification.id == AnnouncementRecipient.notification_id)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .order_by(School.short_name, User.full_name, User.id)
    )
    return [
        ReportRow(name or "", school or "", district, copy_status(reachable, status), sent, ack)
        for name, school, district, reachable, status, sent, ack in rows
    ]
