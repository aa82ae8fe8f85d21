"""The outbox: planning (insert-or-ignore on a dedupe key), claiming and recording outcomes.

No aiogram here: the sender in bot/outbox_sender.py delivers what these functions hand out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementStatus,
    Event,
    EventStatus,
    Notification,
    NotificationStatus,
    User,
)
from models.dialects import insert_for
from services.answered import school_answered

MAX_ATTEMPTS = 5
LEASE_EXPIRED = "lease expired"  # last_error of a row claimed again after a crash
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_MAX = timedelta(minutes=10)


@dataclass(frozen=True)
class QuietHours:
    start: time = time(21, 0)
    end: time = time(9, 0)
    weekends: bool = False

    def contains(self, local: datetime) -> bool:
        if self.weekends and local.weekday() >= 5:
            return True
        now = local.time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


def next_allowed(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """The first moment at or after `moment` that is outside quiet hours (aware UTC in, out)."""
    local = moment.astimezone(tz)
    for _ in range(10):
        if not quiet.contains(local):
            return local.astimezone(moment.tzinfo)
        candidate = local.replace(
            hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0
        )
        if candidate <= local:
            candidate += timedelta(days=1)
        if quiet.weekends:
            while candidate.weekday() >= 5:
                candidate += timedelta(days=1)
        local = candidate
    return local.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class Outgoing:
    """One planned message."""

    dedupe_key: str
    purpose: str
    chat_id: int
    text: str
    due_at: datetime
    buttons: tuple[tuple[Button, ...], ...] = ()
    user_id: int | None = None
    event_id: int | None = None
    school_id: int | None = None
    expires_at: datetime | None = None
    only_if_unconfirmed: bool = False
    optional: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [[{"text": b.text, "data": b.data} for b in row] for row in self.buttons],
            **self.extra,
        }


async def plan(session: AsyncSession, messages: Sequence[Outgoing], now: datetime) -> int:
    """Insert-or-ignore on the dedupe key: planning the same message twice is harmless.

    Returns the number of rows actually inserted.
    """
    if not messages:
        return 0
    insert = insert_for(session)
    rows = [
        {
            "dedupe_key": m.dedupe_key,
            "purpose": m.purpose,
            "chat_id": m.chat_id,
            "user_id": m.user_id,
            "event_id": m.event_id,
            "school_id": m.school_id,
            "payload": m.payload(),
            "only_if_unconfirmed": m.only_if_unconfirmed,
            "optional": m.optional,
            "due_at": m.due_at,
            "expires_at": m.expires_at,
            "status": NotificationStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": m.due_at,
            "last_error": "",
            "created_at": now,
        }
        for m in messages
    ]
    # One statement with a list of parameters: compiled once (cached) and run as an
    # executemany; a multi-row VALUES would be compiled anew for every chunk.
    table = Notification.__table__
    stmt = insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    if session.get_bind().dialect.name == "postgresql":
        # asyncpg reports no rowcount for executemany: count the rows actually inserted
        result = await session.execute(stmt.returning(table.c.id), rows)
        inserted = len(result.all())
    else:
        result = await session.execute(stmt, rows)
        inserted = int(getattr(result, "rowcount", 0) or 0)
    return inserted


async def claim(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta
) -> list[Notification]:
    """Take due rows (and rows whose lease ran out after a crash) in one atomic statement.

    SQLite: a single UPDATE ... RETURNING takes the write lock for its whole run, so two
    senders never claim the same row; PostgreSQL: the inner SELECT uses FOR UPDATE SKIP LOCKED.
    """
    due = or_(
        and_(
            Notification.status == NotificationStatus.PENDING,
            Notification.next_attempt_at <= now,
        ),
        and_(
            Notification.status == NotificationStatus.SENDING,
            Notification.lease_until < now,
        ),
    )
    inner = (
        select(Notification.id)
        .where(due)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        inner = inner.with_for_update(skip_locked=True)
    stmt = (
        update(Notification)
        .where(Notification.id.in_(inner.scalar_subquery()))
        .values(
            status=NotificationStatus.SENDING,
            lease_until=now + lease,
            attempts=Notification.attempts + 1,
            # a row still "sending" was claimed before a crash: say so, for the log and the row
            last_error=case(
                (Notification.status == NotificationStatus.SENDING, LEASE_EXPIRED),
                else_=Notification.last_error,
            ),
        )
        .returning(Notification)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.scalars(stmt)).all())
    rows.sort(key=lambda n: (n.next_attempt_at, n.id))
    return rows


class Verdict:
    SEND = "send"
    CANCEL = "cancel"
    EXPIRE = "expire"
    LATER = "later"


EVENT_BOUND = frozenset(
    {
        "prompt",
        "remind",
        "snooze",
        "nudge",
        "seminar",
        "kickoff",
        "weekly",
        "greeting",
        "event_file",  # «a file was added to the event» (handlers/documents.py)
    }
)


async def precheck(
    session: AsyncSession,
    note: Notification,
    now: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
) -> tuple[str, datetime | None]:
    """Decide at send time: send, cancel (confirmed meanwhile, muted, inactive), expire, later."""
    if note.expires_at is not None and now >= note.expires_at:
        return Verdict.EXPIRE, None
    allowed = next_allowed(now, tz, quiet)
    if allowed > now and not note.payload.get("urgent"):
        return Verdict.LATER, allowed
    if note.event_id is not None and note.purpose in EVENT_BOUND:
        event = await session.get(Event, note.event_id)
        if event is None or event.status is not EventStatus.OPEN:
            return Verdict.CANCEL, None
        if note.only_if_unconfirmed and note.expires_at not in (None, event.deadline_at):
            return Verdict.CANCEL, None  # planned for a deadline that has since moved
    announcement_id = note.payload.get("announcement_id")
    if announcement_id is not None and note.purpose == "announcement":
        announcement = await session.get(Announcement, announcement_id)
        if announcement is None or announcement.status is not AnnouncementStatus.SENDING:
            return Verdict.CANCEL, None  # stopped while this copy waited
    if note.user_id is not None:
        user = await session.get(User, note.user_id)
        if user is None or not user.is_active:
            return Verdict.CANCEL, None
        if note.optional and user.reminders_muted:
            return Verdict.CANCEL, None
        if note.only_if_unconfirmed and note.event_id is not None:
            if user.school_id is None:
                return Verdict.CANCEL, None
            confirmed = await school_answered(session, note.event_id, user.school_id)
            if confirmed:
                return Verdict.CANCEL, None
    return Verdict.SEND, None


async def _set(session: AsyncSession, note_id: int, **values: Any) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.id == note_id)
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )


async def mark_sent(session: AsyncSession, note_id: int, message_id: int, now: datetime) -> None:
    await _set(
        session,
        note_id,
        status=NotificationStatus.SENT,
        message_id=message_id,
        sent_at=now,
        last_error="",
    )


async def mark_final(
    session: AsyncSession, note_id: int, status: NotificationStatus, error: str = ""
) -> None:
    await _set(session, note_id, status=status, last_error=error[:1000])


async def mark_later(
    session: AsyncSession,
    note_id: int,
    when: datetime,
    *,
    error: str = "",
    count_attempt: bool = False,
) -> None:
    """Back to pending; a wait (429, quiet hours) does not use up an attempt."""
    values: dict[str, Any] = {
        "status": NotificationStatus.PENDING,
        "next_attempt_at": when,
        "last_error": error[:1000],
    }
    if not count_attempt:
        values["attempts"] = Notification.attempts - 1
    await _set(session, note_id, **values)


def backoff(attempts: int) -> timedelta:
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_MAX)


async def block_user(session: AsyncSession, chat_id: int) -> None:
    await session.execute(
        update(User)
        .where(User.telegram_id == chat_id)
        .values(is_active=False)
        .execution_options(synchronize_session=False)
    )


async def counts(session: AsyncSession) -> dict[NotificationStatus, int]:

    rows = await session.execute(
        select(Notification.status, func.count(Notification.id)).group_by(Notification.status)
    )
    return {NotificationStatus(status): int(n) for status, n in rows}
