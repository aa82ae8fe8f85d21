"""Coordinators hear of new and resubmitted confirmations: grouped, at most every 10 minutes.

A submission plans (or extends) one outbox row per coordinator of the district, in the same
unit of work as the submission itself. The row's dedupe key names the coordinator and the
moment it is due: the end of the current 10-minute window (moved past quiet hours), so a burst
of submissions within a window, or a whole night of them, makes one message with the count.
Coordinators who chose the morning digest get no notices (services.reminders.plan_digests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification, NotificationStatus, Role, User
from services.outbox import Button, Outgoing, QuietHours, next_allowed, plan

WINDOW = timedelta(minutes=10)
PURPOSE = "review_notice"


def window_end(now: datetime) -> datetime:
    """The end of the 10-minute window `now` falls in (windows start at :00, :10, …)."""
    step = int(WINDOW.total_seconds())
    start = int(now.timestamp()) // step * step
    return datetime.fromtimestamp(start + step, UTC)


async def notify_reviewers(
    session: AsyncSession,
    district_id: int,
    now: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
    text_of: Callable[[int], str],
    buttons: tuple[tuple[Button, ...], ...] = (),
) -> int:
    """Count one more arrival in each coordinator's next notice; returns coordinators told."""
    coordinators = (
        await session.scalars(
            select(User).where(
                User.district_id == district_id,
                User.role == Role.COORDINATOR,
                User.is_active.is_(True),
                User.review_digest.is_(False),
            )
        )
    ).all()
    due = next_allowed(window_end(now), tz, quiet)
    for coordinator in coordinators:
        key = f"{PURPOSE}:{coordinator.id}:{due:%Y%m%d%H%M}"
        if await _count_one_more(session, key, text_of):
            continue
        inserted = await plan(
            session,
            [
                Outgoing(
                    dedupe_key=key,
                    purpose=PURPOSE,
                    chat_id=coordinator.telegram_id,
                    text=text_of(1),
                    buttons=buttons,
                    due_at=due,
                    user_id=coordinator.id,
                    extra={"count": 1},
                )
            ],
            now,
        )
        if not inserted:  # a colleague's submission planned it a moment ago
            await _count_one_more(session, key, text_of)
    await session.flush()
    return len(coordinators)


async def _count_one_more(session: AsyncSession, key: str, text_of: Callable[[int], str]) -> bool:
    """Add one arrival to the pending notice `key`; False if there is none."""
    row = await session.scalar(
        select(Notification)
        .where(Notification.dedupe_key == key)
        .execution_options(populate_existing=True)
    )
    if row is None or row.status is not NotificationStatus.PENDING:
        return False
    count = int(row.payload.get("count", 1)) + 1
    row.payload = {**row.payload, "text": text_of(count), "count": count}
    return True


async def drop_pending_notices(session: AsyncSession, user_id: int) -> None:
    """A coordinator who chose the morning digest gets no notice already on its way (the row
    goes, so that switching back within the window starts a fresh one)."""
    await session.execute(
        delete(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.purpose == PURPOSE,
            Notification.status == NotificationStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
