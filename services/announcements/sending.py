"""An announcement's life: a draft, a schedule, the copies planned in the outbox, a stop.

Only `flush()`: the unit of work (the update's middleware, the scheduler's job) commits, so the
status and the outbox rows it plans land together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    AudienceKind,
    Notification,
    NotificationStatus,
    Role,
    User,
)
from services.announcements.audience import resolve
from services.announcements.content import Content, check_content, steps
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.outbox import Button, Outgoing, QuietHours, next_allowed, plan

PURPOSE = "announcement"
PURPOSE_EDIT = "announcement_edit"
OPEN = (AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED)
Buttons = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class CopyExtras:
    """What the bot adds to each copy: its buttons, and the line that carries them under an
    album (Telegram puts no buttons on an album)."""

    buttons: Buttons = ()
    buttons_text: str = ""
    acked_buttons: Buttons = ()  # the keyboard once «Ознакомлен(а)» has been pressed


Extras = Callable[[Announcement], CopyExtras]


def content_of(announcement: Announcement) -> Content:
    return Content(
        announcement.text, tuple(announcement.entities or ()), tuple(announcement.media or ())
    )


def may_author(user: User) -> bool:
    return user.role in (Role.COORDINATOR, Role.SUPER_ADMIN)


async def new_draft(
    session: AsyncSession, author: User, content: Content, now: datetime, *, split_ok: bool = False
) -> Announcement:
    """A coordinator's draft for the district; a super-admin's across districts."""
    if not may_author(author):
        raise AccessDeniedError("announce")
    if author.role is Role.COORDINATOR and author.district_id is None:
        raise AccessDeniedError("announce")
    check_content(content, split_ok=split_ok)
    announcement = Announcement(
        district_id=author.district_id if author.role is Role.COORDINATOR else None,
        author_id=author.id,
        status=AnnouncementStatus.DRAFT,
        text=content.text,
        entities=list(content.entities),
        media=list(content.media),
        ack=False,
        audience=AudienceKind.ALL,
        audience_school_ids=[],
        audience_district_ids=[],
        created_at=now,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def own_draft(session: AsyncSession, announcement_id: int, author: User) -> Announcement:
    """The author's own draft or scheduled announcement; anything else is not found."""
    announcement = await session.get(Announcement, announcement_id)
    if (
        announcement is None
        or announcement.author_id != author.id
        or announcement.status not in OPEN
    ):
        raise NotFoundError("announcement")
    return announcement


async def visible_to(session: AsyncSession, announcement_id: int, user: User) -> Announcement:
    """An announcement a coordinator may manage: the district's (a super-admin's: any)."""
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None or announcement.status is AnnouncementStatus.DRAFT:
        raise NotFoundError("announcement")
    if user.role is Role.SUPER_ADMIN:
        return announcement
    if user.role is Role.COORDINATOR and announcement.district_id == user.district_id:
        return announcement
    raise NotFoundError("announcement")


def set_content(announcement: Announcement, content: Content, *, split_ok: bool = False) -> None:
    check_content(content, split_ok=split_ok)
    announcement.text = content.text
    announcement.entities = list(content.entities)
    announcement.media = list(content.media)


async def schedule(
    session: AsyncSession,
    announcement: Announcement,
    when: datetime,
    now: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
) -> tuple[datetime, bool]:
    """Send later; a time in quiet hours moves to the morning. Returns (the time, moved)."""
    if when <= now:
        raise ValidationError("schedule_past")
    allowed = next_allowed(when, tz, quiet)
    announcement.scheduled_at = allowed
    announcement.status = AnnouncementStatus.SCHEDULED
    await session.flush()
    return allowed, allowed != when


async def cancel_draft(session: AsyncSession, announcement: Announcement) -> None:
    announcement.status = AnnouncementStatus.CANCELLED
    await session.flush()


async def _next_number(session: AsyncSession, district_id: int | None) -> int:
    column = Announcement.district_id
    where = column.is_(None) if district_id is None else column == district_id
    last = await session.scalar(select(func.max(Announcement.number)).where(where))
    return int(last or 0) + 1


@dataclass(frozen=True)
class Sent:
    planned: int
    unreachable: int


async def send(session: AsyncSession, announcement_id: int, extras: Extras, now: datetime) -> Sent:
    """Plan one outbox row per reachable recipient, once: the status moves from a draft (or a
    schedule) to sending in one conditional UPDATE, so a second press plans nothing."""
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None:
        raise NotFoundError("announcement")
    people = await resolve(session, announcement)
    reachable = [p for p in people if p.reachable]
    if not reachable:
        raise ValidationError("audience_empty")
    taken = await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.status.in_(OPEN))
        .values(status=AnnouncementStatus.SENDING, sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        raise ValidationError("announcement_already_sent")
    await session.refresh(announcement)
    announcement.number = await _next_number(session, announcement.district_id)
    copy = extras(announcement)
    payload_steps = steps(content_of(announcement))
    extra: dict[str, Any] = {
        "announcement_id": announcement.id,
        "steps": payload_steps,
        "buttons_text": copy.buttons_text,
    }
    key = f"ann:{announcement.id}:"
    await plan(
        session,
        [
            Outgoing(
                dedupe_key=f"{key}{p.user_id}",
                purpose=PURPOSE,
                chat_id=p.chat_id,
                text=announcement.text,
                due_at=now,
                buttons=copy.buttons,
                user_id=p.user_id,
                school_id=p.school_id,
                extra=extra,
            )
            for p in reachable
        ],
        now,
    )
    ids = dict(
        (
            await session.execute(
                select(Notification.user_id, Notification.id).where(
                    Notification.dedupe_key.startswith(key, autoescape=True),
                    Notification.purpose == PURPOSE,
                )
            )
        ).all()
    )
    await session.execute(
        insert(AnnouncementRecipient),
        [
            {
                "announcement_id": announcement.id,
                "user_id": p.user_id,
                "school_id": p.school_id,
                "district_id": p.district_id,
                "chat_id": p.chat_id,
                "reachable": p.reachable,
                "notification_id": ids.get(p.user_id),
            }
            for p in people
        ],
    )
    await session.flush()
    return Sent(planned=len(reachable), unreachable=len(people) - len(reachable))


async def send_due(session: AsyncSession, extras: Extras, now: datetime) -> list[int]:
    """Scheduled announcements whose time has come (the planner's minute); returns their ids."""
    due = (
        await session.scalars(
            select(Announcement.id).where(
                Announcement.status == AnnouncementStatus.SCHEDULED,
                Announcement.scheduled_at <= now,
            )
        )
    ).all()
    sent: list[int] = []
    for announcement_id in due:
        try:
            await send(session, announcement_id, extras, now)
        except ValidationError:
            # nobody to send to any more (all left): the schedule ends without a send
            await session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id)
                .values(status=AnnouncementStatus.CANCELLED, finished_at=now)
            )
            continue
        sent.append(announcement_id)
    return sent


def _notes_of(announcement_id: int) -> Any:
    return select(AnnouncementRecipient.notification_id).where(
        AnnouncementRecipient.announcement_id == announcement_id,
        AnnouncementRecipient.notification_id.is_not(None),
    )


async def stop(session: AsyncSession, announcement: Announcement, now: datetime) -> int:
    """«Остановить»: what has not gone out stays unsent. Returns how many copies were held."""
    if announcement.status is not AnnouncementStatus.SENDING:
        raise ValidationError("announcement_not_sending")
    result = await session.execute(
        update(Notification)
        .where(
            Notification.id.in_(_notes_of(announcement.id)),
            Notification.status == NotificationStatus.PENDING,
        )
        .values(status=NotificationStatus.CANCELLED, last_error="stopped")
        .execution_options(synchronize_session=False)
    )
    announcement.status = AnnouncementStatus.STOPPED
    announcement.finished_at = now
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def copy_status(reachable: bool, status: NotificationStatus | None) -> str:
    """What became of one copy: sent, waiting, failed, unreachable or cancelled (held by
    «Остановить»); the progress counts and the report's rows both say it this way."""
    if not reachable or status is NotificationStatus.BLOCKED:
        return "unreachable"
    if status in (NotificationStatus.PENDING, NotificationStatus.SENDING):
        return "waiting"
    if status is NotificationStatus.SENT:
        return "sent"
    if status is NotificationStatus.CANCELLED:
        return "cancelled"
    return "failed"


@dataclass(frozen=True)
class Progress:
    total: int = 0
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    unreachable: int = 0
    cancelled: int = 0
    acknowledged: int = 0

    @property
    def done(self) -> bool:
        return self.waiting == 0


async def progress(session: AsyncSession, announcement_id: int) -> Progress:
    rows = await session.execute(
        select(
            AnnouncementRecipient.reachable,
            Notification.status,
            AnnouncementRecipient.acknowledged_at.is_not(None),
            func.count(),
        )
        .outerjoin(Notification, Notification.id == AnnouncementRecipient.notification_id)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .group_by(
            AnnouncementRecipient.reachable,
            Notification.status,
            AnnouncementRecipient.acknowledged_at.is_not(None),
        )
    )
    counts: dict[str, int] = dict.fromkeys(
        ("total", "sent", "waiting", "failed", "unreachable", "cancelled", "acknowledged"), 0
    )
    for reachable, status, acknowledged, n in rows:
        counts["total"] += n
        if acknowledged:
            counts["acknowledged"] += n
        counts[copy_status(reachable, status)] += n
    return Progress(**counts)


async def finish_if_done(
    session: AsyncSession, announcement: Announcement, now: datetime
) -> Progress:
    """The counts; an announcement whose copies all have an outcome becomes sent."""
    counts = await progress(session, announcement.id)
    if announcement.status is AnnouncementStatus.SENDING and counts.done:
        announcement.status = AnnouncementStatus.SENT
        announcement.finished_at = now
        await session.flush()
    return counts


async def reporting(session: AsyncSession) -> list[Announcement]:
    """Announcements whose progress message may need an edit: those sending, and those
    finished or stopped whose final report has not been shown yet."""
    final_not_shown = and_(
        Announcement.status.in_((AnnouncementStatus.SENT, AnnouncementStatus.STOPPED)),
        or_(
            Announcement.progress_at.is_(None),
            Announcement.progress_at < Announcement.finished_at,
        ),
    )
    return list(
        (
            await session.scalars(
                select(Announcement)
                .where(
                    or_(Announcement.status == AnnouncementStatus.SENDING, final_not_shown),
                    Announcement.progress_message_id.is_not(None),
                )
                .order_by(Announcement.id)
            )
        ).all()
    )
