"""A monitoring round and its responses: opened with a deadline (a calendar event, so it is
reminded like any event), one shared draft per school, submitted once, accepted or returned.

Answers are checked by services.monitoring.answers; here they are stored. Only `flush()`: the
unit of work commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Activity,
    Audience,
    Event,
    EventKind,
    EventStatus,
    MonitoringResponse,
    MonitoringRound,
    ResponseStatus,
    RoundStatus,
    School,
    User,
)
from models.dialects import insert_for
from services.clock import Clock
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import set_status
from services.monitoring.answers import (
    cross_check,
    decode_answers,
    encode_answers,
    year_changes,
)
from services.monitoring.questionnaire import (
    AnswerValue,
    Questionnaire,
    applicable,
    parse_questionnaire,
)
from services.timeutil import to_utc

# the refusals of this module (bot/texts/monitoring.py has a text for each; the deadline's two
# are the events' texts)
ROUND_ERROR_CODES = frozenset(
    {
        "round_exists",
        "round_closed",
        "response_already_sent",
        "response_not_ready",
        "response_not_submitted",
        "return_needs_questions",
    }
)
EVENT_ERROR_CODES = frozenset({"deadline_past", "event_deadline_before_start"})
MONITORING_ITEM = 19  # the roadmap's item: the annual monitoring
DONE = (ResponseStatus.SUBMITTED, ResponseStatus.ACCEPTED)
EDITABLE = (ResponseStatus.DRAFT, ResponseStatus.RETURNED)


def questionnaire_of(round_: MonitoringRound) -> Questionnaire:
    return parse_questionnaire(round_.questionnaire)


async def open_round(
    session: AsyncSession,
    district_id: int,
    year: int,
    raw_questionnaire: Mapping[str, Any],
    title: str,
    starts_on: date,
    deadline_local: datetime,
    tz: ZoneInfo,
    user: User | None,
    clock: Clock,
) -> MonitoringRound:
    """Open the district's round for a school year with its deadline.

    The questionnaire is checked whole and kept as it is now. The district's calendar
    placeholder for the monitoring (kind monitoring, still a draft) is taken over; otherwise a
    new event is added. One round per district and year.
    """
    parse_questionnaire(raw_questionnaire)
    now = clock()
    deadline_at = to_utc(deadline_local, tz)
    if deadline_at <= now:
        raise ValidationError("deadline_past")
    if deadline_local.date() < starts_on:
        raise ValidationError("event_deadline_before_start")
    exists = await session.scalar(
        select(MonitoringRound.id).where(
            MonitoringRound.district_id == district_id, MonitoringRound.year == year
        )
    )
    if exists is not None:
        raise ValidationError("round_exists", year=year)
    taken = select(MonitoringRound.event_id)
    event = await session.scalar(
        select(Event)
        .where(
            Event.district_id == district_id,
            Event.kind == EventKind.MONITORING,
            Event.status == EventStatus.DRAFT,
            Event.id.not_in(taken),
        )
        .order_by(Event.deadline_at)
    )
    activity_id = await session.scalar(
        select(Activity.id).where(Activity.number == MONITORING_ITEM)
    )
    if event is None:
        event = Event(
            district_id=district_id,
            audience=Audience.ALL,
            status=EventStatus.DRAFT,
            created_at=now,
        )
        session.add(event)
    event.title = title
    event.kind = EventKind.MONITORING
    event.activity_id = activity_id
    event.starts_on = starts_on
    event.ends_on = deadline_local.date()
    event.deadline_at = deadline_at
    event.is_placeholder = False
    event.updated_at = now
    await session.flush()
    await set_status(session, event, EventStatus.OPEN, clock)
    round_ = MonitoringRound(
        district_id=district_id,
        year=year,
        event_id=event.id,
        questionnaire=dict(raw_questionnaire),
        status=RoundStatus.OPEN,
        created_by_id=user.id if user else None,
        created_at=now,
    )
    session.add(round_)
    await session.flush()
    return round_


async def close_round(session: AsyncSession, round_: MonitoringRound, clock: Clock) -> None:
    event = await session.get(Event, round_.event_id)
    if event is not None:
        await set_status(session, event, EventStatus.CLOSED, clock)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = clock()
    await session.flush()


async def open_round_for(session: AsyncSession, district_id: int) -> MonitoringRound | None:
    """The district's open round (the newest)."""
    return await session.scalar(
        select(MonitoringRound)
        .where(
            MonitoringRound.district_id == district_id,
            MonitoringRound.status == RoundStatus.OPEN,
        )
        .order_by(MonitoringRound.year.desc())
    )


async def round_of_event(session: AsyncSession, event_id: int) -> int | None:
    return await session.scalar(
        select(MonitoringRound.id).where(MonitoringRound.event_id == event_id)
    )


async def school_response(
    session: AsyncSession, round_: MonitoringRound, user: User, now: datetime
) -> MonitoringResponse:
    """The school's shared draft, made on first use (two librarians at once: one row)."""
    if user.school_id is None:
        raise AccessDeniedError("monitoring")
    school = await session.get(School, user.school_id)
    if school is None or school.district_id != round_.district_id:
        raise NotFoundError("round")
    stmt = (
        insert_for(session)(MonitoringResponse)
        .values(
            round_id=round_.id,
            school_id=school.id,
            status=ResponseStatus.DRAFT,
            answers={},
            confirmed=[],
            position=0,
            version=0,
            started_at=now,
            updated_at=now,
            updated_by_id=user.id,
            review_comment="",
            return_codes=[],
        )
        .on_conflict_do_nothing(index_elements=["round_id", "school_id"])
    )
    await session.execute(stmt)
    response = await session.scalar(
        select(MonitoringResponse)
        .where(
            MonitoringResponse.round_id == round_.id,
            MonitoringResponse.school_id == school.id,
        )
        .execution_options(populate_existing=True)
    )
    assert response is not None
    return response


async def own_response(
    session: AsyncSession, response_id: int, user: User
) -> tuple[MonitoringRound, MonitoringResponse]:
    """A response of the user's own school (a forged id of another school's is not found)."""
    response = await session.get(MonitoringResponse, response_id)
    if response is None or user.school_id is None or response.school_id != user.school_id:
        raise NotFoundError("response")
    round_ = await session.get(MonitoringRound, response.round_id)
    assert round_ is not None
    return round_, response


def answers_of(round_: MonitoringRound, response: MonitoringResponse) -> dict[str, AnswerValue]:
    return decode_answers(questionnaire_of(round_), response.answers)


def _editable(round_: MonitoringRound, response: MonitoringResponse) -> None:
    if round_.status is not RoundStatus.OPEN:
        raise ValidationError("round_closed")
    if response.status not in EDITABLE:
        raise ValidationError("response_already_sent")


async def save_answer(
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    code: str,
    value: AnswerValue | None,
    position: int,
    user: User,
    now: datetime,
) -> None:
    """Store one checked answer (None: skipped) and where to go on; the draft is saved after
    every answer, so another librarian of the school continues from here."""
    _editable(round_, response)
    questionnaire = questionnaire_of(round_)
    if code not in questionnaire:
        raise NotFoundError("question")
    answers = decode_answers(questionnaire, response.answers)
    if value is None:
        answers.pop(code, None)
    else:
        answers[code] = value
    response.answers = encode_answers(answers)
    response.confirmed = [c for c in response.confirmed if c != code]
    response.position = max(0, position)
    response.version += 1
    response.updated_at = now
    response.updated_by_id = user.id
    await session.flush()


async def last_year(
    session: AsyncSession, round_: MonitoringRound, school_id: int
) -> dict[str, AnswerValue]:
    """The school's answers in the district's previous round (submitted or accepted)."""
    previous = await session.scalar(
        select(MonitoringRound)
        .where(
            MonitoringRound.district_id == round_.district_id,
            MonitoringRound.year < round_.year,
        )
        .order_by(MonitoringRound.year.desc())
    )
    if previous is None:
        return {}
    response = await session.scalar(
        select(MonitoringResponse).where(
            MonitoringResponse.round_id == previous.id,
            MonitoringResponse.school_id == school_id,
            MonitoringResponse.status.in_(DONE),
        )
    )
    if response is None:
        return {}
    return decode_answers(questionnaire_of(round_), response.answers)


@dataclass(frozen=True)
class NotReady:
    """Why a response cannot be sent yet: missing required answers, failed cross checks,
    big changes from last year not confirmed."""

    missing: tuple[str, ...] = ()
    failures: tuple[Any, ...] = ()
    changes: tuple[Any, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing or self.failures or self.changes)


async def readiness(
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    share: float = 0.5,
) -> NotReady:
    questionnaire = questionnaire_of(round_)
    answers = decode_answers(questionnaire, response.answers)
    missing = tuple(
        q.code for q in applicable(questionnaire, answers) if q.required and q.code not in answers
    )
    failures = tuple(cross_check(questionnaire, answers))
    previous = await last_year(session, round_, response.school_id)
    changes = tuple(
        c
        for c in year_changes(questionnaire, answers, previous, share)
        if c.code not in response.confirmed
    )
    return NotReady(missing, failures, changes)


async def confirm_change(
    session: AsyncSession, response: MonitoringResponse, code: str, now: datetime
) -> None:
    """«Верно?» → «Да»: this figure's big change from last year is meant."""
    if code not in response.confirmed:
        response.confirmed = [*response.confirmed, code]
        response.updated_at = now
        await session.flush()


async def submit(
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    user: User,
    now: datetime,
) -> None:
    """Send the response; two librarians sending at once: one conditional UPDATE wins."""
    _editable(round_, response)
    if await readiness(session, round_, response):
        raise ValidationError("response_not_ready")
    result = await session.execute(
        update(MonitoringResponse)
        .where(
            MonitoringResponse.id == response.id,
            MonitoringResponse.status.in_(EDITABLE),
        )
        .values(
            status=ResponseStatus.SUBMITTED,
            submitted_at=now,
            submitted_by_id=user.id,
            version=MonitoringResponse.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        raise ValidationError("response_already_sent")
    await session.refresh(response)


async def review(
    session: AsyncSession,
    response: MonitoringResponse,
    reviewer: User,
    now: datetime,
    *,
    accept: bool,
    comment: str = "",
    codes: tuple[str, ...] = (),
) -> None:
    """Accept, or return with a comment naming the questions to fix."""
    if response.status is not ResponseStatus.SUBMITTED:
        raise ValidationError("response_not_submitted")
    round_ = await session.get(MonitoringRound, response.round_id)
    assert round_ is not None
    if not accept:
        questionnaire = questionnaire_of(round_)
        unknown = [c for c in codes if c not in questionnaire]
        if unknown or not (codes or comment.strip()):
            raise ValidationError("return_needs_questions")
    response.status = ResponseStatus.ACCEPTED if accept else ResponseStatus.RETURNED
    response.reviewed_at = now
    response.reviewed_by_id = reviewer.id
    response.review_comment = comment.strip()
    response.return_codes = [] if accept else list(codes)
    await session.flush()
