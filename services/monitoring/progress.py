"""What the monitoring's dialogue reads besides the rounds: the questionnaire file as it is
now (to open a round with), a school's response without making one, a round's schools by the
state of their response, and the district's rounds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import MonitoringResponse, MonitoringRound, ResponseStatus, School
from services.errors import NotFoundError
from services.monitoring.questionnaire import parse_questionnaire, read_raw
from services.schools import natural_key


def read_questionnaire_file(path: Path) -> dict[str, Any]:
    """The questionnaire file as parsed TOML, checked whole (QuestionnaireError otherwise):
    what open_round keeps as the round's snapshot."""
    raw = read_raw(path)
    parse_questionnaire(raw)
    return raw


async def find_response(
    session: AsyncSession, round_id: int, school_id: int
) -> MonitoringResponse | None:
    """The school's response in the round, if it has one (nothing is made)."""
    return await session.scalar(
        select(MonitoringResponse).where(
            MonitoringResponse.round_id == round_id, MonitoringResponse.school_id == school_id
        )
    )


async def round_for(
    session: AsyncSession, round_id: int, district_id: int | None
) -> MonitoringRound:
    """A round of the district (an id of another district's is not found)."""
    round_ = await session.get(MonitoringRound, round_id) if round_id else None
    if round_ is None or district_id is None or round_.district_id != district_id:
        raise NotFoundError("round")
    return round_


async def response_for(
    session: AsyncSession, response_id: int, district_id: int | None
) -> tuple[MonitoringRound, MonitoringResponse]:
    """A response of a school of the district, with its round."""
    response = await session.get(MonitoringResponse, response_id) if response_id else None
    if response is None:
        raise NotFoundError("response")
    round_ = await round_for(session, response.round_id, district_id)
    return round_, response


async def district_rounds(
    session: AsyncSession, district_id: int, limit: int = 5
) -> list[MonitoringRound]:
    """The district's newest rounds, open or closed."""
    rows = await session.scalars(
        select(MonitoringRound)
        .where(MonitoringRound.district_id == district_id)
        .order_by(MonitoringRound.year.desc())
        .limit(limit)
    )
    return list(rows.all())


class Progress(StrEnum):
    """Where a school is in a round."""

    NOT_STARTED = "none"  # no response, or a draft without an answer
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


PROGRESS_ORDER = tuple(Progress)


@dataclass(frozen=True)
class SchoolProgress:
    school_id: int
    name: str
    progress: Progress
    response_id: int | None


def progress_of(response: MonitoringResponse | None) -> Progress:
    if response is None or (response.status is ResponseStatus.DRAFT and not response.answers):
        return Progress.NOT_STARTED
    return Progress(response.status.value)


async def round_progress(session: AsyncSession, round_: MonitoringRound) -> list[SchoolProgress]:
    """Every school of the round's district with the state of its response, in natural order."""
    schools = (
        await session.scalars(select(School).where(School.district_id == round_.district_id))
    ).all()
    responses = {
        r.school_id: r
        for r in (
            await session.scalars(
                select(MonitoringResponse).where(MonitoringResponse.round_id == round_.id)
            )
        ).all()
    }
    out = []
    for school in sorted(schools, key=lambda s: (natural_key(s.short_name), s.id)):
        response = responses.get(school.id)
        out.append(
            SchoolProgress(
                school.id,
                school.short_name,
                progress_of(response),
                response.id if response is not None else None,
            )
        )
    return out
