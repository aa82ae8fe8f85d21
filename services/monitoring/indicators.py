"""The library indicators of the monitoring (issue point 3; formulas in README-monitoring.md).

Every indicator is a ratio of two answers, times a scale (100 for a percent). A missing answer
or a zero denominator gives None, never an error: the documents show «нет данных».
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from services.monitoring.questionnaire import Answers, AnswerValue, Questionnaire


@dataclass(frozen=True)
class Indicator:
    code: str
    numerator: str  # a question's code
    denominator: str
    scale: int = 1


INDICATORS: tuple[Indicator, ...] = (
    # книгообеспеченность: экземпляров фонда на одного читателя
    Indicator("book_provision", numerator="fund", denominator="readers"),
    # учебников на одного учащегося
    Indicator("textbooks_per_pupil", numerator="fund_textbooks", denominator="pupils"),
    # читаемость: выдач на одного читателя
    Indicator("reading_rate", numerator="loans", denominator="readers"),
    # посещаемость: посещений на одного читателя
    Indicator("attendance", numerator="visits", denominator="readers"),
    # обращаемость фонда: сколько раз за год выдан экземпляр фонда
    Indicator("fund_turnover", numerator="loans", denominator="fund"),
    # охват чтением, %: доля учащихся, записанных в библиотеку
    Indicator("reading_coverage", numerator="readers_pupils", denominator="pupils", scale=100),
    # средняя посещаемость в день работы библиотеки
    Indicator("visits_per_day", numerator="visits", denominator="working_days"),
)
INDICATOR_INPUTS = frozenset(
    code for ind in INDICATORS for code in (ind.numerator, ind.denominator)
)


def missing_inputs(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The codes the indicators read that a questionnaire lacks (to warn when a new file is
    loaded: those indicators would be «нет данных» everywhere)."""
    return tuple(sorted(code for code in INDICATOR_INPUTS if code not in questionnaire))


def _figure(answers: Answers, code: str) -> Fraction | None:
    value: AnswerValue | None = answers.get(code)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Fraction(value)


def _parts(indicator: Indicator, answers: Answers) -> tuple[Fraction, Fraction] | None:
    """(numerator, denominator) of one school, or None when the ratio cannot be made."""
    numerator = _figure(answers, indicator.numerator)
    denominator = _figure(answers, indicator.denominator)
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator, denominator


def indicator_value(indicator: Indicator, answers: Answers) -> float | None:
    parts = _parts(indicator, answers)
    if parts is None:
        return None
    numerator, denominator = parts
    return float(numerator * indicator.scale / denominator)


def school_indicators(answers: Answers) -> dict[str, float | None]:
    """Every indicator of one school's answers (pass the answers of applicable questions)."""
    return {ind.code: indicator_value(ind, answers) for ind in INDICATORS}


@dataclass(frozen=True)
class GroupIndicators:
    """The indicators of a group of schools (a district, the republic).

    totals: the group's own value, Σ numerators / Σ denominators over the schools;
    medians: the median of the schools' own values;
    schools: how many schools each indicator was computed from.
    """

    totals: Mapping[str, float | None]
    medians: Mapping[str, float | None]
    schools: Mapping[str, int]


def group_indicators(schools: Iterable[Answers]) -> GroupIndicators:
    """The indicators of a group of schools.

    The group's value is the ratio of sums, not the average of the schools' ratios: a
    district's книгообеспеченность is all its schools' fund over all their readers, so a
    school of 1,000 readers weighs ten times one of 100. The republic is the same function
    over all its schools (not over the districts' ratios). A school counts in an indicator
    only when its own value exists (both answers given, the denominator not zero), so a school
    that gave the fund but not its readers does not inflate the ratio. The median is taken over
    the same schools' values; with no such school both are None.
    """
    answers = list(schools)
    totals: dict[str, float | None] = {}
    medians: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for ind in INDICATORS:
        parts = [p for p in (_parts(ind, a) for a in answers) if p is not None]
        counts[ind.code] = len(parts)
        if not parts:
            totals[ind.code] = medians[ind.code] = None
            continue
        numerator = sum((n for n, _ in parts), start=Fraction(0))
        denominator = sum((d for _, d in parts), start=Fraction(0))
        totals[ind.code] = float(numerator * ind.scale / denominator)
        medians[ind.code] = float(statistics.median(n * ind.scale / d for n, d in parts))
    return GroupIndicators(totals=totals, medians=medians, schools=counts)
