"""The call: a contest made from a template, its entry window and its life cycle.

The deadline is the contest's calendar event (kind ``contest_deadline``): opening, closing and
cancelling the contest move the event too, so the calendar, the ``.ics`` file and the reminders
follow it. A reminder of a contest event goes only to schools that have sent no entry
(services.contests.entries.schools_with_entries).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from models import (
    Activity,
    Audience,
    Contest,
    ContestCriterion,
    ContestNomination,
    ContestStatus,
    Event,
    EventKind,
    EventStatus,
    User,
)
from services.clock import Clock
from services.contests.templates import ContestTemplate
from services.documents import sync_contest
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import set_status
from services.timeutil import to_utc
from services.validation import check_year

# which contest statuses each status may move to
TRANSITIONS: dict[ContestStatus, frozenset[ContestStatus]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN, ContestStatus.CANCELLED}),
    ContestStatus.OPEN: frozenset({ContestStatus.CLOSED, ContestStatus.CANCELLED}),
    ContestStatus.CLOSED: frozenset(
        {ContestStatus.OPEN, ContestStatus.PUBLISHED, ContestStatus.CANCELLED}
    ),
    ContestStatus.PUBLISHED: frozenset(),
    ContestStatus.CANCELLED: frozenset(),
}
_EVENT_STATUS = {
    ContestStatus.OPEN: EventStatus.OPEN,
    ContestStatus.CLOSED: EventStatus.CLOSED,
    ContestStatus.PUBLISHED: EventStatus.CLOSED,
    ContestStatus.CANCELLED: EventStatus.CANCELLED,
}


def _loaded() -> tuple[ExecutableOption, ...]:
    return (
        selectinload(Contest.nominations),
        selectinload(Contest.criteria),
        selectinload(Contest.event),
    )


async def get_contest(session: AsyncSession, contest_id: int) -> Contest:
    contest = (
        await session.scalars(select(Contest).where(Contest.id == contest_id).options(*_loaded()))
    ).first()
    if contest is None:
        raise NotFoundError("contest")
    return contest


async def contest_for_district(
    session: AsyncSession, contest_id: int, district_id: int | None
) -> Contest:
    """A contest the acting coordinator may manage: callback data is untrusted."""
    contest = await get_contest(session, contest_id)
    if district_id is None or contest.district_id != district_id:
        raise AccessDeniedError("contest of another district")
    return contest


async def contest_of_event(session: AsyncSession, event_id: int) -> Contest | None:
    return (await session.scalars(select(Contest).where(Contest.event_id == event_id))).first()


async def list_contests(
    session: AsyncSession,
    district_id: int,
    statuses: tuple[ContestStatus, ...] | None = None,
) -> list[Contest]:
    stmt = (
        select(Contest)
        .where(Contest.district_id == district_id)
        .options(*_loaded())
        .order_by(Contest.year.desc(), Contest.id.desc())
    )
    if statuses is not None:
        stmt = stmt.where(Contest.status.in_(statuses))
    return list((await session.scalars(stmt)).all())


def _event_title(title: str) -> str:
    return f"Конкурс «{title}»: приём заявок"


async def _calendar_event(
    session: AsyncSession, district_id: int, code: str, deadline_at: datetime
) -> Event | None:
    """The district's calendar placeholder for this contest, if the calendar has one that no
    contest holds yet; the one nearest the deadline."""
    if not code:
        return None
    taken = select(Contest.event_id)
    candidates = (
        await session.scalars(
            select(Event).where(
                Event.district_id == district_id,
                Event.code == code,
                Event.status == EventStatus.DRAFT,
                Event.id.not_in(taken),
            )
        )
    ).all()
    if not candidates:
        return None
    return min(candidates, key=lambda e: abs((e.deadline_at - deadline_at).total_seconds()))


async def create_contest(
    session: AsyncSession,
    district_id: int,
    template: ContestTemplate,
    *,
    starts_on: date,
    deadline_local: datetime,
    tz: ZoneInfo,
    user: User | None,
    clock: Clock,
) -> Contest:
    """A contest for the year of its deadline, in DRAFT, with its calendar event.

    A calendar placeholder with the template's event code is taken over (its dates become the
    contest's); otherwise a new event is added to the calendar.
    """
    check_year(starts_on)
    check_year(deadline_local.date())
    if deadline_local.date() < starts_on:
        raise ValidationError("event_deadline_before_start")
    now = clock()
    deadline_at = to_utc(deadline_local, tz)
    if deadline_at <= now:
        raise ValidationError("deadline_past")
    activity_id = None
    if template.activity is not None:
        activity_id = await session.scalar(
            select(Activity.id).where(Activity.number == template.activity)
        )
    event = await _calendar_event(session, district_id, template.event_code, deadline_at)
    if event is None:
        event = Event(
            district_id=district_id,
            code=template.event_code or None,
            audience=Audience.ALL,
            status=EventStatus.DRAFT,
            created_at=now,
            recurrence="none",
            description="",
        )
        session.add(event)
    event.title = _event_title(template.title)
    event.kind = EventKind.CONTEST_DEADLINE
    event.activity_id = activity_id
    event.starts_on = starts_on
    event.ends_on = deadline_local.date()
    event.deadline_at = deadline_at
    event.is_placeholder = False
    event.status = EventStatus.DRAFT
    event.updated_at = now
    await session.flush()
    contest = Contest(
        district_id=district_id,
        event_id=event.id,
        template_key=template.key,
        prefix=template.prefix,
        year=deadline_local.year,
        title=template.title,
        activity_number=template.activity,
        stage=template.stage,
        rules=template.rules,
        max_per_school=template.max_per_school or None,
        max_per_nomination=template.max_per_nomination or None,
        one_per_family=template.one_per_family,
        ask_age=template.ask_age,
        self_assessment=template.self_assessment,
        places_rule=template.places_rule,
        thresholds=list(template.thresholds),
        status=ContestStatus.DRAFT,
        created_by_id=user.id if user is not None else None,
        created_at=now,
        updated_at=now,
        nominations=[
            ContestNomination(
                position=i,
                title=n.title,
                categories=list(n.categories),
                max_participants=n.max_participants,
            )
            for i, n in enumerate(template.nominations, 1)
        ],
        criteria=[
            ContestCriterion(position=i, title=c.title, max_score=c.max_score)
            for i, c in enumerate(template.criteria, 1)
        ],
    )
    session.add(contest)
    await session.flush()
    return await get_contest(session, contest.id)


async def _move(
    session: AsyncSession, contest: Contest, status: ContestStatus, clock: Clock
) -> None:
    if status not in TRANSITIONS[contest.status]:
        raise ValidationError("contest_status_conflict", status=contest.status.value)
    event = await session.get(Event, contest.event_id)
    if event is None:
        raise NotFoundError("event")
    target = _EVENT_STATUS.get(status)
    if target is not None and event.status is not target:
        await set_status(session, event, target, clock)
    contest.status = status
    contest.updated_at = clock()
    await session.flush()


async def open_contest(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    """Start taking entries: the deadline must be ahead."""
    if contest.event.deadline_at <= clock():
        raise ValidationError("deadline_past")
    await _move(session, contest, ContestStatus.OPEN, clock)
    if contest.first_deadline_at is None:
        contest.first_deadline_at = contest.event.deadline_at
        await session.flush()
    await sync_contest(session, contest, clock)  # its regulation goes into the library


async def close_contest(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    """Stop taking entries; the jury goes on scoring."""
    await _move(session, contest, ContestStatus.CLOSED, clock)


async def publish_contest(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    """CLOSED → PUBLISHED; services.contests.results.publish checks the results first."""
    await _move(session, contest, ContestStatus.PUBLISHED, clock)


async def cancel_contest(session: AsyncSession, contest: Contest, clock: Clock) -> None:
    await _move(session, contest, ContestStatus.CANCELLED, clock)
    await sync_contest(session, contest, clock)  # its regulation leaves the library


async def set_deadline(
    session: AsyncSession, contest: Contest, deadline_local: datetime, tz: ZoneInfo, clock: Clock
) -> bool:
    """Set or extend the entry deadline. Returns True when it was an extension of an open or
    closed contest (the schools without an entry are then told); a closed contest reopens.

    The reminder steps start anew for the new deadline (services.reminders keys them by it).
    """
    check_year(deadline_local.date())
    now = clock()
    deadline_at = to_utc(deadline_local, tz)
    if deadline_at <= now:
        raise ValidationError("deadline_past")
    if contest.status in (ContestStatus.PUBLISHED, ContestStatus.CANCELLED):
        raise ValidationError("contest_status_conflict", status=contest.status.value)
    if contest.judging_closed_at is not None:
        raise ValidationError("judging_closed_no_entries")  # new entries could not be scored
    event = contest.event
    if deadline_local.date() < event.starts_on:
        raise ValidationError("event_deadline_before_start")
    extension = contest.status is not ContestStatus.DRAFT and deadline_at > event.deadline_at
    if contest.status is not ContestStatus.DRAFT and deadline_at < event.deadline_at:
        raise ValidationError("deadline_earlier")  # entries sent in trust of the old date
    event.deadline_at = deadline_at
    event.ends_on = deadline_local.date()
    event.updated_at = now
    contest.updated_at = now
    await session.flush()
    if contest.status is ContestStatus.CLOSED and extension:
        await _move(session, contest, ContestStatus.OPEN, clock)
    return extension


async def attach_regulation(
    session: AsyncSession, contest: Contest, file_id: str, file_name: str, clock: Clock
) -> list[int]:
    """Set the regulation file; an open contest's copy in the library gets the new version.

    Returns the users who took the older version from the library (to be told)."""
    contest.regulation_file_id = file_id
    contest.regulation_file_name = file_name
    contest.updated_at = clock()
    await session.flush()
    return await sync_contest(session, contest, clock)


def taking_entries(contest: Contest, now: datetime) -> bool:
    return contest.status is ContestStatus.OPEN and now <= contest.event.deadline_at


async def count_contests(session: AsyncSession, district_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(Contest.id)).where(Contest.district_id == district_id)
        )
        or 0
    )
