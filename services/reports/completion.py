"""The completion report: how each school answered each event of a period.

One district (a coordinator's) or several (the super-admin's republic). Every school × event
the event is addressed to gets a :class:`Mark`; the status follows the rule of
services/answered.py: an ordinary event is answered by a submitted or accepted confirmation,
a contest's deadline by an active entry. What is not answered is returned (the department sent
it back), late (the deadline has passed) or not yet due.

The whole report is read in a fixed number of queries whatever the number of schools and events
(districts, schools, events, chosen audiences, confirmations, evidence, contest entries): the
events of the period are one condition that every query joins, so no list of ids is sent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ACTIVE_ENTRY,
    Activity,
    Audience,
    Confirmation,
    ConfirmationStatus,
    Contest,
    ContestEntry,
    District,
    EntryStatus,
    Event,
    EventSchool,
    EventStatus,
    Evidence,
    EvidenceKind,
    School,
    Section,
)
from services.answered import DONE
from services.reports.periods import Period
from services.schools import natural_key

# drafts are not shown to schools, cancelled events are asked of nobody
REPORTED_EVENTS = (EventStatus.OPEN, EventStatus.CLOSED)


class MarkStatus(StrEnum):
    ACCEPTED = "accepted"  # the department accepted the confirmation (or admitted the entry)
    CONFIRMED = "confirmed"  # submitted, not yet reviewed
    RETURNED = "returned"  # sent back for a fix (a rejected contest entry)
    LATE = "late"  # the deadline has passed and nothing is there
    PENDING = "pending"  # nothing yet, the deadline is still ahead


STATUS_ORDER = tuple(MarkStatus)
ANSWERED = frozenset({MarkStatus.ACCEPTED, MarkStatus.CONFIRMED})


@dataclass(frozen=True, slots=True)
class ReportEvent:
    id: int
    district_id: int
    title: str
    starts_on: date
    ends_on: date
    deadline_at: datetime
    activity_number: int | None
    section_number: int | None
    section_title: str
    is_contest: bool

    @property
    def group_key(self) -> tuple[int, str]:
        """Events of one roadmap item are one line across districts; others go by title."""
        if self.activity_number is not None:
            return (self.activity_number, "")
        return (0, " ".join(self.title.split()).casefold())


@dataclass(frozen=True, slots=True)
class ReportSchool:
    id: int
    district_id: int
    short_name: str
    full_name: str


@dataclass(frozen=True, slots=True)
class Mark:
    """One school's answer to one event it is asked."""

    status: MarkStatus
    held_on: date | None = None
    participants: int | None = None
    late: bool = False  # submitted after the deadline
    links: tuple[str, ...] = ()
    files: int = 0  # photos and documents kept in Telegram
    comment: str = ""  # the department's, when it returned the confirmation


@dataclass
class DistrictReport:
    district_id: int
    name: str
    schools: list[ReportSchool]
    events: list[ReportEvent]
    # (school id, event id) → the mark; no key: the event is not addressed to the school
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)

    def counts(
        self,
        events: Iterable[ReportEvent] | None = None,
        schools: Iterable[ReportSchool] | None = None,
    ) -> Counter[MarkStatus]:
        """How many marks of each status among the given events and schools (default: all)."""
        chosen_events = self.events if events is None else list(events)
        chosen_schools = self.schools if schools is None else list(schools)
        tally: Counter[MarkStatus] = Counter()
        for school in chosen_schools:
            for event in chosen_events:
                mark = self.marks.get((school.id, event.id))
                if mark is not None:
                    tally[mark.status] += 1
        return tally


@dataclass
class CompletionReport:
    period: Period
    now: datetime
    districts: list[DistrictReport]

    @property
    def events(self) -> list[ReportEvent]:
        return [event for district in self.districts for event in district.events]

    def sections(self) -> list[tuple[int | None, str]]:
        """The roadmap sections the period's events belong to, in their order (None last)."""
        found = {(e.section_number, e.section_title) for e in self.events}
        return sorted(found, key=lambda item: (item[0] is None, item[0] or 0))


def total(tally: Counter[MarkStatus]) -> int:
    return sum(tally.values())


def answered(tally: Counter[MarkStatus]) -> int:
    return sum(tally[status] for status in ANSWERED)


def share(tally: Counter[MarkStatus]) -> float | None:
    """The answered share of the addressed marks; None when nothing was asked."""
    asked = total(tally)
    return answered(tally) / asked if asked else None


@dataclass(frozen=True, slots=True)
class EventShare:
    """A line of the chart: an event (across districts: a roadmap item) and its answers."""

    title: str
    starts_on: date
    answered: int
    asked: int

    @property
    def share(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


def event_shares(report: CompletionReport) -> list[EventShare]:
    """The share of schools that answered each event; in a report of several districts,
    the events of one roadmap item (or, outside the roadmap, of one title) are one line."""
    several = len(report.districts) > 1
    groups: dict[tuple[int, str], list[int]] = {}
    firsts: dict[tuple[int, str], ReportEvent] = {}
    for district in report.districts:
        by_event: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for (_school, event_id), mark in district.marks.items():
            pair = by_event[event_id]
            pair[1] += 1
            if mark.status in ANSWERED:
                pair[0] += 1
        for event in district.events:
            key = event.group_key if several else (event.id, "")
            done, asked = by_event.get(event.id, [0, 0])
            pair = groups.setdefault(key, [0, 0])
            pair[0] += done
            pair[1] += asked
            if key not in firsts or event.starts_on < firsts[key].starts_on:
                firsts[key] = event
    ordered = sorted(groups, key=lambda k: (firsts[k].starts_on, firsts[k].deadline_at, k))
    return [
        EventShare(firsts[k].title, firsts[k].starts_on, groups[k][0], groups[k][1])
        for k in ordered
    ]


# ---- reading ---------------------------------------------------------------------------------


def _in_period(district_ids: Sequence[int], period: Period) -> ColumnElement[bool]:
    return and_(
        Event.district_id.in_(district_ids),
        Event.status.in_(REPORTED_EVENTS),
        Event.starts_on <= period.ends,
        Event.ends_on >= period.starts,
    )


async def completion_report(
    session: AsyncSession, district_ids: Sequence[int], period: Period, now: datetime
) -> CompletionReport:
    """The marks of every school of the districts for every event of the period.

    ``now`` decides what is late. Unknown district ids are left out.
    """
    ids = sorted(set(district_ids))
    in_period = _in_period(ids, period)
    districts = (
        await session.execute(
            select(District.id, District.name).where(District.id.in_(ids)).order_by(District.name)
        )
    ).all()
    schools_by_district: dict[int, list[ReportSchool]] = defaultdict(list)
    for school_id, district_id, short_name, full_name in await session.execute(
        select(School.id, School.district_id, School.short_name, School.full_name).where(
            School.district_id.in_(ids)
        )
    ):
        schools_by_district[district_id].append(
            ReportSchool(school_id, district_id, short_name, full_name)
        )
    events_by_district: dict[int, list[ReportEvent]] = defaultdict(list)
    chosen_audience: set[int] = set()
    for event_row in await session.execute(
        select(
            Event.id,
            Event.district_id,
            Event.title,
            Event.starts_on,
            Event.ends_on,
            Event.deadline_at,
            Event.audience,
            Activity.number,
            Section.number,
            Section.title,
            Contest.id,
        )
        .outerjoin(Activity, Activity.id == Event.activity_id)
        .outerjoin(Section, Section.id == Activity.section_id)
        .outerjoin(Contest, Contest.event_id == Event.id)
        .where(in_period)
    ):
        event = ReportEvent(
            id=event_row[0],
            district_id=event_row[1],
            title=event_row[2],
            starts_on=event_row[3],
            ends_on=event_row[4],
            deadline_at=event_row[5],
            activity_number=event_row[7],
            section_number=event_row[8],
            section_title=event_row[9] or "",
            is_contest=event_row[10] is not None,
        )
        events_by_district[event.district_id].append(event)
        if event_row[6] is Audience.CHOSEN:
            chosen_audience.add(event.id)
    audiences: dict[int, set[int]] = defaultdict(set)
    for event_id, school_id in await session.execute(
        select(EventSchool.event_id, EventSchool.school_id)
        .join(Event, Event.id == EventSchool.event_id)
        .where(in_period, Event.audience == Audience.CHOSEN)
    ):
        audiences[event_id].add(school_id)
    confirmations = await _confirmations(session, in_period)
    entries = await _entries(session, in_period)

    report = CompletionReport(period=period, now=now, districts=[])
    for district_id, name in districts:
        schools = sorted(
            schools_by_district.get(district_id, []),
            key=lambda s: (natural_key(s.short_name), s.id),
        )
        events = sorted(
            events_by_district.get(district_id, []),
            key=lambda e: (e.starts_on, e.deadline_at, e.id),
        )
        district = DistrictReport(district_id, name, schools, events)
        for event in events:
            audience = audiences.get(event.id, set()) if event.id in chosen_audience else None
            for school in schools:
                if audience is not None and school.id not in audience:
                    continue
                key = (school.id, event.id)
                found = (entries if event.is_contest else confirmations).get(key)
                district.marks[key] = found or _nothing(event, now)
        report.districts.append(district)
    return report


def _nothing(event: ReportEvent, now: datetime) -> Mark:
    return Mark(MarkStatus.LATE if now > event.deadline_at else MarkStatus.PENDING)


async def _confirmations(
    session: AsyncSession, in_period: ColumnElement[bool]
) -> dict[tuple[int, int], Mark]:
    """(school id, event id) → the mark of its confirmation (withdrawn ones count as none)."""
    links: dict[int, list[str]] = defaultdict(list)
    files: Counter[int] = Counter()
    for confirmation_id, kind, url in await session.execute(
        select(Evidence.confirmation_id, Evidence.kind, Evidence.url)
        .join(Confirmation, Confirmation.id == Evidence.confirmation_id)
        .join(Event, Event.id == Confirmation.event_id)
        .where(in_period, Confirmation.status != ConfirmationStatus.WITHDRAWN)
        .order_by(Evidence.confirmation_id, Evidence.position)
    ):
        if kind is EvidenceKind.LINK:
            links[confirmation_id].append(url)
        else:
            files[confirmation_id] += 1
    marks: dict[tuple[int, int], Mark] = {}
    for row in await session.execute(
        select(
            Confirmation.id,
            Confirmation.school_id,
            Confirmation.event_id,
            Confirmation.status,
            Confirmation.held_on,
            Confirmation.participants,
            Confirmation.is_late,
            Confirmation.review_comment,
        )
        .join(Event, Event.id == Confirmation.event_id)
        .where(in_period, Confirmation.status != ConfirmationStatus.WITHDRAWN)
    ):
        confirmation_id, school_id, event_id, status, held_on, participants, late, comment = row
        if status in DONE:  # the one rule of services/answered.py
            mark_status = (
                MarkStatus.ACCEPTED
                if status is ConfirmationStatus.ACCEPTED
                else MarkStatus.CONFIRMED
            )
        else:
            mark_status = MarkStatus.RETURNED
        marks[(school_id, event_id)] = Mark(
            status=mark_status,
            held_on=held_on,
            participants=participants,
            late=bool(late),
            links=tuple(links.get(confirmation_id, ())),
            files=files.get(confirmation_id, 0),
            comment=comment if mark_status is MarkStatus.RETURNED else "",
        )
    return marks


_ENTRY_RANK = {EntryStatus.ACCEPTED: 3, EntryStatus.SUBMITTED: 2, EntryStatus.REJECTED: 1}


async def _entries(
    session: AsyncSession, in_period: ColumnElement[bool]
) -> dict[tuple[int, int], Mark]:
    """(school id, event id) → the mark of a contest's deadline: its school's best entry.

    An active entry answers the event (services/answered.py); an admitted one counts as
    accepted. A rejected entry with nothing active is returned.
    """
    best: dict[tuple[int, int], tuple[EntryStatus, str]] = {}
    for event_id, school_id, status, comment in await session.execute(
        select(
            Contest.event_id,
            ContestEntry.school_id,
            ContestEntry.status,
            ContestEntry.review_comment,
        )
        .join(Contest, Contest.id == ContestEntry.contest_id)
        .join(Event, Event.id == Contest.event_id)
        .where(in_period, ContestEntry.status != EntryStatus.WITHDRAWN)
    ):
        key = (school_id, event_id)
        if key not in best or _ENTRY_RANK.get(status, 0) > _ENTRY_RANK.get(best[key][0], 0):
            best[key] = (status, comment)
    marks: dict[tuple[int, int], Mark] = {}
    for key, (status, comment) in best.items():
        if status in ACTIVE_ENTRY:  # the one rule of services/answered.py
            accepted = status is EntryStatus.ACCEPTED
            marks[key] = Mark(MarkStatus.ACCEPTED if accepted else MarkStatus.CONFIRMED)
        else:
            marks[key] = Mark(MarkStatus.RETURNED, comment=comment)
    return marks


async def all_district_ids(session: AsyncSession) -> list[int]:
    return list((await session.scalars(select(District.id).order_by(District.id))).all())
