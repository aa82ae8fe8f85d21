"""Whether a school has answered an event: the one rule reminders, summaries and the outbox share.

An ordinary event is answered by a submitted or accepted confirmation. A contest's deadline
event is answered by an active entry (submitted or admitted): a school that has entered is not
reminded, a school that has entered nothing is. A monitoring round's event is answered by the
school's submitted or accepted response.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ACTIVE_ENTRY,
    Confirmation,
    ConfirmationStatus,
    Contest,
    ContestEntry,
    MonitoringResponse,
    MonitoringRound,
    ResponseStatus,
)

DONE = (ConfirmationStatus.SUBMITTED, ConfirmationStatus.ACCEPTED)
RESPONSE_DONE = (ResponseStatus.SUBMITTED, ResponseStatus.ACCEPTED)


@dataclass(frozen=True)
class Holder:
    """What answers an event other than a confirmation: a contest's entry or a monitoring
    round's questionnaire (the reminders' button leads there)."""

    kind: str  # "contest" | "round"
    id: int


async def holder_of(session: AsyncSession, event_id: int) -> Holder | None:
    contest_id = await contest_id_of(session, event_id)
    if contest_id is not None:
        return Holder("contest", contest_id)
    round_id = await round_id_of(session, event_id)
    return Holder("round", round_id) if round_id is not None else None


async def round_id_of(session: AsyncSession, event_id: int) -> int | None:
    """The monitoring round whose deadline this event is, if any."""
    return await session.scalar(
        select(MonitoringRound.id).where(MonitoringRound.event_id == event_id)
    )


async def contest_id_of(session: AsyncSession, event_id: int) -> int | None:
    """The contest whose deadline this event is, if any."""
    return await session.scalar(select(Contest.id).where(Contest.event_id == event_id))


async def answered_schools(session: AsyncSession, event_id: int) -> set[int]:
    holder = await holder_of(session, event_id)
    if holder is not None and holder.kind == "round":
        rows = await session.scalars(
            select(MonitoringResponse.school_id).where(
                MonitoringResponse.round_id == holder.id,
                MonitoringResponse.status.in_(RESPONSE_DONE),
            )
        )
    elif holder is not None:
        rows = await session.scalars(
            select(ContestEntry.school_id).where(
                ContestEntry.contest_id == holder.id, ContestEntry.status.in_(ACTIVE_ENTRY)
            )
        )
    else:
        rows = await session.scalars(
            select(Confirmation.school_id).where(
                Confirmation.event_id == event_id, Confirmation.status.in_(DONE)
            )
        )
    return set(rows.all())


async def school_answered(session: AsyncSession, event_id: int, school_id: int) -> bool:
    holder = await holder_of(session, event_id)
    if holder is not None and holder.kind == "round":
        found = await session.scalar(
            select(MonitoringResponse.id).where(
                MonitoringResponse.round_id == holder.id,
                MonitoringResponse.school_id == school_id,
                MonitoringResponse.status.in_(RESPONSE_DONE),
            )
        )
    elif holder is not None:
        found = await session.scalar(
            select(ContestEntry.id).where(
                ContestEntry.contest_id == holder.id,
                ContestEntry.school_id == school_id,
                ContestEntry.status.in_(ACTIVE_ENTRY),
            )
        )
    else:
        found = await session.scalar(
            select(Confirmation.id).where(
                Confirmation.event_id == event_id,
                Confirmation.school_id == school_id,
                Confirmation.status.in_(DONE),
            )
        )
    return found is not None
