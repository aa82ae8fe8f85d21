"""The monitoring summary: a round's answers and indicators, school by school, with the
district's totals and medians and last year's figures; the same across districts for the
republic.

Only responses sent by a school count as data: submitted (not yet reviewed) and accepted
(:data:`COUNTED`). A draft or a returned response is not data: its school is listed among
those that did not submit, with the state its response is in.

Read in a fixed number of queries (districts, schools, this year's rounds, their responses, the
previous rounds, their responses; for the republic the districts without a round) whatever the
number of schools.

The republic's comparison with last year is like for like: over every district when each had a
previous round, over those that had one when only some did (:class:`Comparison`), none when
none did. The documents
(summary_xlsx, charts, note_docx) take the :class:`MonitoringSummary` and the caller's words.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import District, MonitoringResponse, MonitoringRound, ResponseStatus, School
from services.errors import NotFoundError
from services.monitoring.answers import decode_answers
from services.monitoring.indicators import (
    INDICATORS,
    GroupIndicators,
    group_indicators,
    school_indicators,
)
from services.monitoring.questionnaire import (
    Answers,
    AnswerValue,
    Question,
    Questionnaire,
    drop_skipped,
    parse_questionnaire,
)
from services.schools import natural_key

COUNTED = (ResponseStatus.SUBMITTED, ResponseStatus.ACCEPTED)
INDICATOR_CODES = tuple(ind.code for ind in INDICATORS)
# the two indicators the charts and the note's lists of schools are about
MAIN_INDICATORS = ("book_provision", "reading_coverage")


class Standing(StrEnum):
    """A school's indicator against the median of its district (the republic's, by school)."""

    ABOVE = "above"
    EQUAL = "equal"
    BELOW = "below"


class MissingState(StrEnum):
    """Why a school is not in the data."""

    NOT_STARTED = "none"  # no response at all
    DRAFT = "draft"  # begun, not sent
    RETURNED = "returned"  # sent back for a fix, not sent again


@dataclass(frozen=True, slots=True)
class SchoolRow:
    school_id: int
    name: str
    status: ResponseStatus  # submitted or accepted
    answers: dict[str, AnswerValue]  # the applicable questions' answers
    indicators: dict[str, float | None]
    last_year: dict[str, float | None]  # last year's indicators (None: no data)


@dataclass(frozen=True, slots=True)
class MissingSchool:
    school_id: int
    name: str
    state: MissingState


@dataclass
class DistrictSummary:
    district_id: int
    name: str
    round_id: int | None  # None: the district has no round this year
    rows: list[SchoolRow]
    missing: list[MissingSchool]
    group: GroupIndicators
    last_group: GroupIndicators | None  # the previous round's, if there was one
    totals: dict[str, int | Decimal] = field(default_factory=dict)  # sums of the numbers
    medians: dict[str, float] = field(default_factory=dict)  # medians of the numbers

    @property
    def schools(self) -> int:
        return len(self.rows) + len(self.missing)

    def standing(self, row: SchoolRow, code: str) -> Standing | None:
        return standing(row.indicators.get(code), self.group.medians.get(code))

    def to_median(self, row: SchoolRow, code: str) -> float | None:
        return to_median(row.indicators.get(code), self.group.medians.get(code))


@dataclass(frozen=True, slots=True)
class Comparison:
    """This year against last year over the districts that had a round both years (when some
    district of this year had none last year: the whole republic would compare two samples)."""

    now: GroupIndicators  # this year, over those districts' schools
    before: GroupIndicators  # their previous rounds
    districts: tuple[str, ...]  # their names, in the summary's order


@dataclass(frozen=True, slots=True)
class NotHeld:
    """A district without a round that year."""

    district_id: int
    name: str
    schools: int


@dataclass
class MonitoringSummary:
    year: int  # the school year's first year: 2026 = 2026/27
    questionnaire: Questionnaire
    districts: list[DistrictSummary]  # the districts having a round that year
    now: datetime
    republic: GroupIndicators | None = None  # over every school of the districts
    # last year's over the districts compared (all of them, or ``compared.districts``); None
    # when none had a previous round
    last_republic: GroupIndicators | None = None
    # set when only some districts had a previous round: the like-for-like comparison
    compared: Comparison | None = None
    not_held: list[NotHeld] = field(default_factory=list)  # the republic's districts without

    @property
    def rows(self) -> list[SchoolRow]:
        return [row for district in self.districts for row in district.rows]

    @property
    def missing(self) -> list[MissingSchool]:
        return [school for district in self.districts for school in district.missing]


def standing(value: float | None, median: float | None) -> Standing | None:
    if value is None or median is None:
        return None
    if abs(value - median) <= 1e-9 * max(1.0, abs(median)):
        return Standing.EQUAL
    return Standing.ABOVE if value > median else Standing.BELOW


def to_median(value: float | None, median: float | None) -> float | None:
    """The school's value as a share of the median (1.25: a quarter above it); None when
    either is missing or the median is zero."""
    if value is None or not median:
        return None
    return value / median


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def number_questions(questionnaire: Questionnaire) -> tuple[Question, ...]:
    return tuple(q for q in questionnaire.questions if q.is_number)


def _number(value: AnswerValue | None) -> int | Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return value


def number_totals(
    questionnaire: Questionnaire, answers: Iterable[Answers]
) -> tuple[dict[str, int | Decimal], dict[str, float]]:
    """The sum and the median of each number question over the answers that have it."""
    given: dict[str, list[int | Decimal]] = defaultdict(list)
    for one in answers:
        for question in number_questions(questionnaire):
            value = _number(one.get(question.code))
            if value is not None:
                given[question.code].append(value)
    totals: dict[str, int | Decimal] = {}
    medians: dict[str, float] = {}
    for code, values in given.items():
        totals[code] = sum(values, start=0)
        medians[code] = statistics.median(float(v) for v in values)
    return totals, medians


# ---- reading ---------------------------------------------------------------------------------


async def round_summary(session: AsyncSession, round_id: int, now: datetime) -> MonitoringSummary:
    """One district's round. NotFoundError for an unknown round."""
    round_ = await session.get(MonitoringRound, round_id)
    if round_ is None:
        raise NotFoundError("round")
    return await _summary(session, [round_], round_.year, now)


async def republic_summary(session: AsyncSession, year: int, now: datetime) -> MonitoringSummary:
    """Every district's round of the school year; the districts without one are listed in
    ``not_held`` (with their number of schools). NotFoundError when no district has a round
    that year."""
    rounds = list(
        (await session.scalars(select(MonitoringRound).where(MonitoringRound.year == year))).all()
    )
    if not rounds:
        raise NotFoundError("round")
    return await _summary(session, rounds, year, now, republic=True)


async def round_years(session: AsyncSession) -> list[int]:
    """The school years that have a round in any district, newest first."""
    rows = await session.scalars(
        select(MonitoringRound.year).distinct().order_by(MonitoringRound.year.desc())
    )
    return list(rows.all())


async def _responses(
    session: AsyncSession, round_ids: Sequence[int]
) -> dict[int, dict[int, tuple[ResponseStatus, dict[str, object]]]]:
    """round id → school id → (status, the stored answers)."""
    found: dict[int, dict[int, tuple[ResponseStatus, dict[str, object]]]] = defaultdict(dict)
    if not round_ids:
        return found
    for round_id, school_id, status, answers in await session.execute(
        select(
            MonitoringResponse.round_id,
            MonitoringResponse.school_id,
            MonitoringResponse.status,
            MonitoringResponse.answers,
        ).where(MonitoringResponse.round_id.in_(round_ids))
    ):
        found[round_id][school_id] = (status, answers)
    return found


async def _previous_rounds(
    session: AsyncSession, rounds: Sequence[MonitoringRound]
) -> dict[int, MonitoringRound]:
    """district id → its round of the school year before this one. «Last year» is that year
    only: a district that skipped it has no comparison, rather than one with an older year."""
    district_ids = [r.district_id for r in rounds]
    year = rounds[0].year
    previous: dict[int, MonitoringRound] = {}
    for old in await session.scalars(
        select(MonitoringRound)
        .where(MonitoringRound.district_id.in_(district_ids), MonitoringRound.year == year - 1)
        .order_by(MonitoringRound.created_at.desc(), MonitoringRound.id.desc())
    ):
        previous.setdefault(old.district_id, old)
    return previous


def _applicable(questionnaire: Questionnaire, data: dict[str, object]) -> dict[str, AnswerValue]:
    return drop_skipped(questionnaire, decode_answers(questionnaire, data))


async def _summary(
    session: AsyncSession,
    rounds: Sequence[MonitoringRound],
    year: int,
    now: datetime,
    *,
    republic: bool = False,
) -> MonitoringSummary:
    by_district = {r.district_id: r for r in rounds}
    # the columns follow the newest snapshot among the rounds (in a district: its own)
    newest = max(rounds, key=lambda r: (r.created_at, r.id))
    questionnaire = parse_questionnaire(newest.questionnaire)
    parsed = {r.id: parse_questionnaire(r.questionnaire) for r in rounds}
    previous = await _previous_rounds(session, rounds)
    parsed_previous = {r.id: parse_questionnaire(r.questionnaire) for r in previous.values()}
    responses = await _responses(session, [r.id for r in rounds])
    old_responses = await _responses(session, [r.id for r in previous.values()])
    names = dict(
        (
            await session.execute(
                select(District.id, District.name).where(District.id.in_(by_district))
            )
        ).all()
    )
    schools: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for school_id, district_id, short_name in await session.execute(
        select(School.id, School.district_id, School.short_name).where(
            School.district_id.in_(by_district)
        )
    ):
        schools[district_id].append((school_id, short_name))

    districts: list[DistrictSummary] = []
    all_now: list[dict[str, AnswerValue]] = []
    all_before: list[dict[str, AnswerValue]] = []
    both_now: list[dict[str, AnswerValue]] = []  # the districts having a previous round
    both_names: list[str] = []
    for district_id in sorted(by_district, key=lambda d: natural_key(names.get(d, ""))):
        round_ = by_district[district_id]
        own = parsed[round_.id]
        old_round = previous.get(district_id)
        before: dict[int, dict[str, AnswerValue]] = {}
        if old_round is not None:
            # last year's answers read with last year's questions
            old_questions = parsed_previous[old_round.id]
            for school_id, (old_status, old_data) in old_responses.get(old_round.id, {}).items():
                if old_status in COUNTED:
                    before[school_id] = _applicable(old_questions, old_data)
        rows: list[SchoolRow] = []
        missing: list[MissingSchool] = []
        given = responses.get(round_.id, {})
        ordered = sorted(schools.get(district_id, []), key=lambda s: (natural_key(s[1]), s[0]))
        for school_id, name in ordered:
            found = given.get(school_id)
            status = found[0] if found is not None else None
            if found is not None and found[0] in COUNTED:
                answers = _applicable(own, found[1])
                rows.append(
                    SchoolRow(
                        school_id,
                        name,
                        found[0],
                        answers,
                        school_indicators(answers),
                        school_indicators(before.get(school_id, {})),
                    )
                )
            else:
                state = MissingState.NOT_STARTED
                if status is ResponseStatus.DRAFT:
                    state = MissingState.DRAFT
                elif status is ResponseStatus.RETURNED:
                    state = MissingState.RETURNED
                missing.append(MissingSchool(school_id, name, state))
        answers_now = [row.answers for row in rows]
        totals, medians = number_totals(questionnaire, answers_now)
        districts.append(
            DistrictSummary(
                district_id=district_id,
                name=names.get(district_id, ""),
                round_id=round_.id,
                rows=rows,
                missing=missing,
                group=group_indicators(answers_now),
                last_group=group_indicators(before.values()) if old_round is not None else None,
                totals=totals,
                medians=medians,
            )
        )
        all_now.extend(answers_now)
        all_before.extend(before.values())
        if old_round is not None:
            both_now.extend(answers_now)
            both_names.append(names.get(district_id, ""))
    summary = MonitoringSummary(year, questionnaire, districts, now)
    if republic:
        summary.republic = group_indicators(all_now)
        if both_names:
            # over the districts present both years, not over two different samples
            summary.last_republic = group_indicators(all_before)
            if len(both_names) < len(districts):
                summary.compared = Comparison(
                    group_indicators(both_now), summary.last_republic, tuple(both_names)
                )
        summary.not_held = await _not_held(session, by_district)
    return summary


async def _not_held(session: AsyncSession, held: Iterable[int]) -> list[NotHeld]:
    """The districts other than ``held`` with their number of schools, by name."""
    rows = await session.execute(
        select(District.id, District.name, func.count(School.id))
        .outerjoin(School, School.district_id == District.id)
        .where(District.id.not_in(list(held)))
        .group_by(District.id, District.name)
    )
    found = [NotHeld(district_id, name, count) for district_id, name, count in rows]
    return sorted(found, key=lambda d: natural_key(d.name))
