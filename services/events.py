"""Events: dated occurrences of roadmap activities in a district, and their life cycle."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    Activity,
    Audience,
    Confirmation,
    ConfirmationStatus,
    Contest,
    Event,
    EventKind,
    EventSchool,
    EventStatus,
    MonitoringRound,
    Notification,
    NotificationStatus,
    Role,
    School,
    SeminarReply,
    User,
    limits,
)
from services.calendar_rules import EventRow
from services.clock import Clock
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.timeutil import to_utc
from services.validation import check_year, clean_multiline, clean_text

TITLE_MAX = limits.EVENT_TITLE_MAX
DESCRIPTION_MAX = limits.EVENT_DESCRIPTION_MAX

ALLOWED_TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.DRAFT: frozenset({EventStatus.OPEN, EventStatus.CANCELLED}),
    EventStatus.OPEN: frozenset({EventStatus.CLOSED, EventStatus.CANCELLED}),
    EventStatus.CLOSED: frozenset({EventStatus.OPEN, EventStatus.CANCELLED}),
    EventStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True)
class EventInput:
    """What a form or a calendar file gives for one event (local wall times)."""

    title: str
    kind: EventKind
    starts_on: date
    ends_on: date
    deadline_local: datetime
    activity_number: int | None = None
    code: str | None = None
    place: str = ""
    link: str = ""
    description: str = ""
    is_placeholder: bool = False
    recurrence: str = "none"


def check_event_input(data: EventInput) -> EventInput:
    """The input with its texts cleaned, or ValidationError."""
    data = replace(
        data,
        title=clean_text(data.title),
        place=clean_text(data.place),
        link=data.link.strip(),
        description=clean_multiline(data.description),
    )
    for day in (data.starts_on, data.ends_on, data.deadline_local.date()):
        check_year(day)
    if not data.title:
        raise ValidationError("event_title_empty")
    if len(data.title) > TITLE_MAX:
        raise ValidationError("too_long", max=TITLE_MAX, length=len(data.title))
    for text, limit in (
        (data.description, DESCRIPTION_MAX),
        (data.place, limits.EVENT_PLACE_MAX),
        (data.link, limits.EVENT_LINK_MAX),
    ):
        if len(text) > limit:
            raise ValidationError("too_long", max=limit, length=len(text))
    if data.ends_on < data.starts_on:
        raise ValidationError("event_end_before_start")
    if data.deadline_local.date() < data.starts_on:
        raise ValidationError("event_deadline_before_start")
    return data


async def _activity_ids(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(select(Activity.number, Activity.id))
    return {int(number): int(activity_id) for number, activity_id in rows}


def _apply(event: Event, data: EventInput, activity_id: int | None, tz: ZoneInfo) -> None:
    event.title = data.title.strip()
    event.kind = data.kind
    event.starts_on = data.starts_on
    event.ends_on = data.ends_on
    event.deadline_at = to_utc(data.deadline_local, tz)
    event.activity_id = activity_id
    event.code = data.code
    event.place = data.place
    event.link = data.link
    event.description = data.description
    event.is_placeholder = data.is_placeholder
    event.recurrence = data.recurrence


async def create_event(
    session: AsyncSession, district_id: int, data: EventInput, tz: ZoneInfo, clock: Clock
) -> Event:
    data = check_event_input(data)
    activities = await _activity_ids(session)
    now = clock()
    event = Event(
        district_id=district_id,
        audience=Audience.ALL,
        status=EventStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    _apply(event, data, activities.get(data.activity_number or 0), tz)
    session.add(event)
    await session.flush()
    return event


async def replace_calendar(
    session: AsyncSession,
    district_id: int,
    rows: Sequence[EventInput],
    tz: ZoneInfo,
    clock: Clock,
) -> tuple[int, int, int]:
    """Make the district's calendar for the file's school years match the rows, at once.

    A row updates the event with the same code in the same school year; other years are
    never touched. An event that schools have already confirmed, or that has been opened, is
    never moved or removed by a file; untouched drafts absent from the file are deleted.
    Returns (added, updated, removed).
    """
    rows = [check_event_input(row) for row in rows]
    activities = await _activity_ids(session)
    now = clock()
    years = {school_year_bounds(row.starts_on)[2] for row in rows}
    current = [
        e
        for e in (
            await session.scalars(
                select(Event).where(
                    Event.district_id == district_id, Event.status != EventStatus.CANCELLED
                )
            )
        ).all()
        if school_year_bounds(e.starts_on)[2] in years
    ]
    confirmed = set(
        (
            await session.scalars(
                select(Confirmation.event_id).where(
                    Confirmation.event_id.in_([e.id for e in current])
                )
            )
        ).all()
    )
    # a contest's deadline is moved by its contest, never by a file
    confirmed |= set(
        (
            await session.scalars(
                select(Contest.event_id).where(Contest.event_id.in_([e.id for e in current]))
            )
        ).all()
    )
    by_code: dict[tuple[str | None, str], Event] = {
        (e.code, school_year_bounds(e.starts_on)[2]): e for e in current if e.code
    }
    kept: set[int] = set()
    added = updated = removed = 0
    for row in rows:
        key = (row.code, school_year_bounds(row.starts_on)[2])
        event = by_code.get(key) if row.code else None
        if event is not None:
            kept.add(event.id)
            if event.id in confirmed or event.status is not EventStatus.DRAFT:
                continue  # schools already work on it: a file does not move it
            updated += 1
            event.updated_at = now
        else:
            event = Event(
                district_id=district_id,
                audience=Audience.ALL,
                status=EventStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
            session.add(event)
            added += 1
        _apply(event, row, activities.get(row.activity_number or 0), tz)
    for event in current:
        if event.id in kept or event.id in confirmed or event.status is not EventStatus.DRAFT:
            continue
        await session.delete(event)
        removed += 1
    await session.flush()
    return added, updated, removed


async def get_event(session: AsyncSession, event_id: int) -> Event:
    stmt = (
        select(Event)
        .where(Event.id == event_id)
        .options(selectinload(Event.activity), selectinload(Event.audience_schools))
    )
    event = (await session.scalars(stmt)).first()
    if event is None:
        raise NotFoundError("event")
    return event


async def get_event_for(session: AsyncSession, event_id: int, district_id: int | None) -> Event:
    """An event the acting user may see: callback data is untrusted."""
    event = await get_event(session, event_id)
    if district_id is None or event.district_id != district_id:
        raise AccessDeniedError("event")
    return event


async def set_status(
    session: AsyncSession, event: Event, status: EventStatus, clock: Clock
) -> bool:
    """Move an event along its life cycle; False when the transition is not allowed."""
    if status not in ALLOWED_TRANSITIONS[event.status]:
        return False
    if status is EventStatus.OPEN and event.opened_at is None:
        event.opened_at = clock()  # the first opening: its prompt covers the nearby reminders
    event.status = status
    event.updated_at = clock()
    await session.flush()
    return True


async def update_event_fields(
    session: AsyncSession, event: Event, data: EventInput, tz: ZoneInfo, clock: Clock
) -> None:
    data = check_event_input(data)
    activities = await _activity_ids(session)
    _apply(event, data, activities.get(data.activity_number or 0), tz)
    event.updated_at = clock()
    await session.flush()


def event_input_of(event: Event, tz: ZoneInfo) -> EventInput:
    return EventInput(
        title=event.title,
        kind=event.kind,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        deadline_local=event.deadline_at.astimezone(tz).replace(tzinfo=None),
        activity_number=event.activity.number if event.activity else None,
        code=event.code,
        place=event.place,
        link=event.link,
        description=event.description,
        is_placeholder=event.is_placeholder,
        recurrence=event.recurrence,
    )


def fourth_monday_of_october(year: int) -> date:
    first = date(year, 10, 1)
    offset = (calendar.MONDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 21)


def _shift_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


async def rollover(session: AsyncSession, district_id: int, tz: ZoneInfo, clock: Clock) -> int:
    """Copy this school year's yearly events to the next one as drafts (idempotent)."""
    events = (
        await session.scalars(
            select(Event)
            .where(
                Event.district_id == district_id,
                Event.recurrence == "yearly",
                Event.status != EventStatus.CANCELLED,
            )
            .options(selectinload(Event.activity))
        )
    ).all()
    existing = {
        (e.code or e.title, e.starts_on)
        for e in (
            await session.scalars(select(Event).where(Event.district_id == district_id))
        ).all()
    }
    # the events of the current school year move to the next one; running it twice adds nothing
    year_start, year_end, _ = school_year_bounds(clock().astimezone(tz).date())
    latest: dict[str, Event] = {}
    for event in events:
        if not year_start <= event.starts_on <= year_end:
            continue
        key = event.code or event.title
        if key not in latest or event.starts_on > latest[key].starts_on:
            latest[key] = event
    now = clock()
    created = 0
    for key, event in latest.items():
        if event.code == "library-day":
            starts = fourth_monday_of_october(event.starts_on.year + 1)
            ends = starts + (event.ends_on - event.starts_on)
        else:
            starts, ends = _shift_year(event.starts_on), _shift_year(event.ends_on)
        if (key, starts) in existing:
            continue
        chosen = await audience_school_ids(session, event.id)
        local_deadline = event.deadline_at.astimezone(tz).replace(tzinfo=None)
        delta = local_deadline - datetime.combine(event.starts_on, local_deadline.time())
        deadline = datetime.combine(starts, local_deadline.time()) + delta
        copy = Event(
            district_id=district_id,
            activity_id=event.activity_id,
            code=event.code,
            title=event.title,
            kind=event.kind,
            starts_on=starts,
            ends_on=ends,
            deadline_at=to_utc(deadline, tz),
            audience=event.audience,
            status=EventStatus.DRAFT,
            place=event.place,
            link=event.link,
            description=event.description,
            is_placeholder=True,
            recurrence=event.recurrence,
            reminder_offsets=event.reminder_offsets,
            created_at=now,
            updated_at=now,
        )
        session.add(copy)
        await session.flush()
        session.add_all(EventSchool(event_id=copy.id, school_id=sid) for sid in chosen)
        created += 1
    await session.flush()
    return created


async def count_events(session: AsyncSession, district_id: int) -> int:
    stmt = select(func.count(Event.id)).where(Event.district_id == district_id)
    return int(await session.scalar(stmt) or 0)


async def list_events(
    session: AsyncSession, district_id: int, offset: int, limit: int
) -> list[Event]:
    stmt = (
        select(Event)
        .where(Event.district_id == district_id)
        .order_by(Event.deadline_at, Event.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


def _audience_clause(school_id: int) -> object:
    return or_(
        Event.audience == Audience.ALL,
        exists().where(EventSchool.event_id == Event.id, EventSchool.school_id == school_id),
    )


async def school_in_audience(session: AsyncSession, event: Event, school_id: int) -> bool:
    if event.audience is Audience.ALL:
        return True
    found = await session.scalar(
        select(
            exists().where(EventSchool.event_id == event.id, EventSchool.school_id == school_id)
        )
    )
    return bool(found)


async def upcoming_events(
    session: AsyncSession, district_id: int, today_utc: datetime, limit: int = 50
) -> list[Event]:
    """Open or draft-free events whose deadline has not passed, nearest first."""
    stmt = (
        select(Event)
        .where(
            Event.district_id == district_id,
            Event.status.in_((EventStatus.OPEN, EventStatus.CLOSED)),
            Event.deadline_at >= today_utc - timedelta(days=1),
        )
        .order_by(Event.deadline_at)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


class SchoolTaskStatus(StrEnum):
    TODO = "todo"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class SchoolTask:
    event: Event
    status: SchoolTaskStatus
    confirmation: Confirmation | None


def task_status(
    event: Event, confirmation: Confirmation | None, now: datetime
) -> SchoolTaskStatus:
    if confirmation is not None and confirmation.status is not ConfirmationStatus.WITHDRAWN:
        return SchoolTaskStatus(confirmation.status.value)
    if now > event.deadline_at:
        return SchoolTaskStatus.OVERDUE
    return SchoolTaskStatus.TODO


async def school_tasks(
    session: AsyncSession,
    school: School,
    now: datetime,
    statuses: Sequence[EventStatus] = (EventStatus.OPEN,),
) -> list[SchoolTask]:
    """Events of the school's district addressed to it, nearest deadline first.

    A contest's deadline event is not a task: a contest is entered in /contests, not confirmed;
    nor is a monitoring round's: it is answered by the questionnaire (/monitoring).
    """
    events = (
        await session.scalars(
            select(Event)
            .where(
                Event.district_id == school.district_id,
                Event.status.in_(statuses),
                _audience_clause(school.id),  # type: ignore[arg-type]
                ~exists().where(Contest.event_id == Event.id),
                ~exists().where(MonitoringRound.event_id == Event.id),
            )
            .order_by(Event.deadline_at, Event.id)
        )
    ).all()
    confirmations = {
        c.event_id: c
        for c in (
            await session.scalars(
                select(Confirmation).where(
                    Confirmation.school_id == school.id,
                    Confirmation.event_id.in_([e.id for e in events]),
                )
            )
        ).all()
    }
    return [
        SchoolTask(e, task_status(e, confirmations.get(e.id), now), confirmations.get(e.id))
        for e in events
    ]


async def audience_librarians(session: AsyncSession, event: Event) -> list[User]:
    """Active librarians of the schools the event is addressed to."""
    stmt = (
        select(User)
        .join(School, School.id == User.school_id)
        .where(
            School.district_id == event.district_id,
            User.role == Role.LIBRARIAN,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    if event.audience is Audience.CHOSEN:
        stmt = stmt.where(
            exists().where(EventSchool.event_id == event.id, EventSchool.school_id == School.id)
        )
    return list((await session.scalars(stmt)).all())


_PERIOD_RE = re.compile(
    r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*[-–—]\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$"
)
_DEADLINE_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2})[:.](\d{2}))?\s*$")


def check_not_past(deadline_local: datetime, now_local: datetime) -> None:
    """A deadline (local wall time) given in a form must still be ahead."""
    if deadline_local <= now_local:
        raise ValidationError("deadline_past")


def parse_period(text: str) -> tuple[date, date]:
    match = _PERIOD_RE.match(text)
    if not match:
        raise ValidationError("bad_period")
    d1, m1, y1, d2, m2, y2 = (int(x) for x in match.groups())
    try:
        starts, ends = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError as exc:
        raise ValidationError("bad_date") from exc
    check_year(starts)
    check_year(ends)
    if ends < starts:
        raise ValidationError("event_end_before_start")
    return starts, ends


_DAY_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def parse_seminar_days(text: str) -> tuple[date, date]:
    """A seminar's date ("10.12.2026") or, for a longer one, a period like `parse_period`."""
    match = _DAY_RE.match(text)
    if match is None:
        if _PERIOD_RE.match(text):
            return parse_period(text)
        raise ValidationError("bad_seminar_date")
    day, month, year = (int(x) for x in match.groups())
    try:
        value = date(year, month, day)
    except ValueError as exc:
        raise ValidationError("bad_seminar_date") from exc
    check_year(value)
    return value, value


def seminar_deadline(ends_on: date) -> datetime:
    """A seminar has no deadline: its invitations are useful until the end of its last day."""
    return datetime.combine(ends_on, datetime.min.time()).replace(hour=23, minute=59)


def parse_deadline(text: str) -> datetime:
    """Local wall time "дд.мм.гггг чч:мм"; a date alone means 23:59."""
    match = _DEADLINE_RE.match(text)
    if not match:
        raise ValidationError("bad_deadline")
    day, month, year, hour, minute = match.groups()
    try:
        value = datetime(  # noqa: DTZ001 - a local wall time, converted with the district zone
            int(year),
            int(month),
            int(day),
            int(hour) if hour is not None else 23,
            int(minute) if minute is not None else 59,
        )
    except ValueError as exc:
        raise ValidationError("bad_deadline") from exc
    check_year(value.date())
    return value


def input_from_row(row: EventRow) -> EventInput:
    return EventInput(
        title=row.title,
        kind=row.kind,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        deadline_local=row.deadline_local,
        activity_number=row.activity_number,
        code=row.code,
        place=row.place,
        link=row.link,
        description=row.description,
        is_placeholder=row.is_placeholder,
        recurrence=row.recurrence,
    )


def parse_offsets(text: str) -> list[int] | None:
    """ "7,3,1" -> [7, 3, 1]; "-" -> None (the defaults)."""
    value = text.strip()
    if value in ("-", "—"):
        return None
    parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if not parts or not all(p.isascii() and p.isdigit() and 1 <= int(p) <= 60 for p in parts):
        raise ValidationError("bad_offsets")
    return sorted({int(p) for p in parts}, reverse=True)


OCCASION_CODES = frozenset({"library-month", "library-day"})


async def set_occasion(
    session: AsyncSession, event: Event, code: str | None, clock: Clock
) -> None:
    """Which roadmap occasion an event is (its reminders depend on it): a code, or none."""
    if code is not None and code not in OCCASION_CODES:
        raise ValidationError("bad_occasion")
    event.code = code
    event.updated_at = clock()
    await session.flush()


async def set_offsets(
    session: AsyncSession, event: Event, offsets: list[int] | None, clock: Clock
) -> None:
    event.reminder_offsets = offsets
    event.updated_at = clock()
    await session.flush()


async def set_audience_all(session: AsyncSession, event: Event, clock: Clock) -> None:
    await session.execute(delete(EventSchool).where(EventSchool.event_id == event.id))
    event.audience = Audience.ALL
    event.updated_at = clock()
    await session.flush()


async def toggle_audience_school(
    session: AsyncSession, event: Event, school: School, clock: Clock
) -> None:
    """Add or remove a school of the event's district from a chosen audience."""
    if school.district_id != event.district_id:
        raise AccessDeniedError("school of another district")
    link = await session.get(EventSchool, (event.id, school.id))
    if link is None:
        session.add(EventSchool(event_id=event.id, school_id=school.id))
    else:
        await session.delete(link)
    await session.flush()
    remaining = await session.scalar(
        select(func.count()).select_from(EventSchool).where(EventSchool.event_id == event.id)
    )
    event.audience = Audience.CHOSEN if remaining else Audience.ALL
    event.updated_at = clock()
    await session.flush()


async def audience_school_ids(session: AsyncSession, event_id: int) -> set[int]:
    rows = await session.scalars(
        select(EventSchool.school_id).where(EventSchool.event_id == event_id)
    )
    return set(rows.all())


def school_year_bounds(today: date) -> tuple[date, date, str]:
    """The school year containing `today`: 1 September to 31 August, and its label."""
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31), f"{first}/{str(first + 1)[-2:]}"


async def school_record(
    session: AsyncSession, school: School, now: datetime, tz: ZoneInfo
) -> tuple[str, list[SchoolTask]]:
    """Every open or closed event of the school year addressed to the school, with status."""
    starts, ends, label = school_year_bounds(now.astimezone(tz).date())
    tasks = await school_tasks(
        session, school, now, statuses=(EventStatus.OPEN, EventStatus.CLOSED)
    )
    return label, [t for t in tasks if starts <= t.event.starts_on <= ends]


@dataclass(frozen=True)
class Delivery:
    """What became of the invitations sent when an event was opened."""

    delivered: int = 0
    waiting: int = 0
    unreachable: int = 0


async def opening_delivery(session: AsyncSession, event_id: int) -> Delivery:
    """Delivered / waiting / not reachable, from the outbox rows of the opening prompt.

    Not reachable: the bot was blocked (now or before the message left), or Telegram refused.
    """
    rows = await session.execute(
        select(Notification.status, User.is_active, func.count(Notification.id))
        .outerjoin(User, User.id == Notification.user_id)
        .where(Notification.event_id == event_id, Notification.purpose == "prompt")
        .group_by(Notification.status, User.is_active)
    )
    delivered = waiting = unreachable = 0
    for status, active, count in rows:
        if status is NotificationStatus.SENT:
            delivered += count
        elif status in (NotificationStatus.PENDING, NotificationStatus.SENDING):
            waiting += count
        elif status in (NotificationStatus.BLOCKED, NotificationStatus.FAILED) or not active:
            unreachable += count
    return Delivery(delivered, waiting, unreachable)


@dataclass(frozen=True)
class SeminarAnswers:
    """The audience's schools by their librarians' answers to a seminar's invitation."""

    coming: list[School]
    not_coming: list[School]
    silent: list[School]


async def seminar_answers(session: AsyncSession, event: Event) -> SeminarAnswers:
    """A school is coming when one of its librarians will come, not coming when all who
    answered cannot, and silent when nobody has answered yet."""
    stmt = select(School).where(School.district_id == event.district_id)
    if event.audience is Audience.CHOSEN:
        stmt = stmt.where(
            exists().where(EventSchool.event_id == event.id, EventSchool.school_id == School.id)
        )
    schools = list((await session.scalars(stmt.order_by(School.short_name, School.id))).all())
    rows = await session.execute(
        select(User.school_id, SeminarReply.attending)
        .join(User, User.id == SeminarReply.user_id)
        .where(SeminarReply.event_id == event.id)
    )
    answers: dict[int, set[bool]] = {}
    for school_id, attending in rows:
        if school_id is not None:
            answers.setdefault(int(school_id), set()).add(bool(attending))
    coming = [s for s in schools if True in answers.get(s.id, set())]
    not_coming = [s for s in schools if answers.get(s.id) == {False}]
    silent = [s for s in schools if s.id not in answers]
    return SeminarAnswers(coming, not_coming, silent)
