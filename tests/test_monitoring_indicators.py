"""The monitoring indicators on hand-computed examples: one school, zero and missing
denominators, and a district of three schools (ratio of sums, median)."""

from __future__ import annotations

import pytest

from bot.texts import monitoring as mt
from services.monitoring.indicators import (
    INDICATOR_INPUTS,
    INDICATORS,
    group_indicators,
    school_indicators,
)
from services.monitoring.questionnaire import AnswerValue

SCHOOL: dict[str, AnswerValue] = {
    "pupils": 500,
    "readers": 450,
    "readers_pupils": 420,
    "visits": 9000,
    "loans": 13500,
    "working_days": 180,
    "fund": 15000,
    "fund_textbooks": 9000,
}


def test_one_school() -> None:
    assert school_indicators(SCHOOL) == {
        "book_provision": pytest.approx(33.3333333),  # 15000 / 450
        "textbooks_per_pupil": 18.0,  # 9000 / 500
        "reading_rate": 30.0,  # 13500 / 450
        "attendance": 20.0,  # 9000 / 450
        "fund_turnover": 0.9,  # 13500 / 15000
        "reading_coverage": 84.0,  # 420 / 500 × 100
        "visits_per_day": 50.0,  # 9000 / 180
    }


def test_zero_readers_gives_no_data_not_an_error() -> None:
    values = school_indicators({**SCHOOL, "readers": 0})
    assert values["book_provision"] is None
    assert values["reading_rate"] is None
    assert values["attendance"] is None
    assert values["fund_turnover"] == 0.9  # the rest are still there
    assert mt.indicator_text(values["book_provision"]) == "нет данных"
    assert mt.indicator_text(values["fund_turnover"]) == "0,9"


def test_missing_answers_give_no_data() -> None:
    assert set(school_indicators({}).values()) == {None}
    values = school_indicators({**SCHOOL, "pupils": 0, "working_days": 0})
    assert values["textbooks_per_pupil"] is None
    assert values["reading_coverage"] is None
    assert values["visits_per_day"] is None
    without_fund = {k: v for k, v in SCHOOL.items() if k != "fund"}
    values = school_indicators(without_fund)
    assert values["book_provision"] is None
    assert values["fund_turnover"] is None
    assert values["reading_rate"] == 30.0
    # a yes/no never counts as a number
    assert school_indicators({**SCHOOL, "readers": True})["reading_rate"] is None


# A: 12000 fund, 400 readers...; C's library was closed (0 working days)
SCHOOL_A: dict[str, AnswerValue] = {
    "pupils": 500,
    "readers": 400,
    "readers_pupils": 380,
    "fund": 12000,
    "fund_textbooks": 8000,
    "loans": 10000,
    "visits": 8000,
    "working_days": 200,
}
SCHOOL_B: dict[str, AnswerValue] = {
    "pupils": 200,
    "readers": 100,
    "readers_pupils": 90,
    "fund": 6000,
    "fund_textbooks": 3000,
    "loans": 1500,
    "visits": 1000,
    "working_days": 100,
}
SCHOOL_C: dict[str, AnswerValue] = {
    "pupils": 300,
    "readers": 250,
    "readers_pupils": 240,
    "fund": 4000,
    "fund_textbooks": 2000,
    "loans": 5000,
    "visits": 5000,
    "working_days": 0,
}


def test_a_district_of_three_schools() -> None:
    district = group_indicators([SCHOOL_A, SCHOOL_B, SCHOOL_C])
    # book provision: A 30, B 60, C 16; the district (12000 + 6000 + 4000) / (400 + 100 + 250)
    # = 22000 / 750 = 29.33 (the average of the ratios would be 35.33)
    assert district.totals["book_provision"] == pytest.approx(29.3333333)
    assert district.medians["book_provision"] == 30.0
    # textbooks per pupil: A 16, B 15, C 6.67; 13000 / 1000
    assert district.totals["textbooks_per_pupil"] == 13.0
    assert district.medians["textbooks_per_pupil"] == 15.0
    # reading rate: A 25, B 15, C 20; 16500 / 750
    assert district.totals["reading_rate"] == 22.0
    assert district.medians["reading_rate"] == 20.0
    # attendance: A 20, B 10, C 20; 14000 / 750
    assert district.totals["attendance"] == pytest.approx(18.6666667)
    assert district.medians["attendance"] == 20.0
    # fund turnover: A 0.833, B 0.25, C 1.25; 16500 / 22000
    assert district.totals["fund_turnover"] == 0.75
    assert district.medians["fund_turnover"] == pytest.approx(0.8333333)
    # reading coverage: A 76 %, B 45 %, C 80 %; 710 / 1000 × 100
    assert district.totals["reading_coverage"] == 71.0
    assert district.medians["reading_coverage"] == 76.0
    # visits per day: A 40, B 10, C none (closed): (8000 + 1000) / (200 + 100); median of 40, 10
    assert district.totals["visits_per_day"] == 30.0
    assert district.medians["visits_per_day"] == 25.0
    assert district.schools == {
        "book_provision": 3,
        "textbooks_per_pupil": 3,
        "reading_rate": 3,
        "attendance": 3,
        "fund_turnover": 3,
        "reading_coverage": 3,
        "visits_per_day": 2,
    }


def test_a_school_without_a_denominator_does_not_weigh_on_the_district() -> None:
    no_readers = {k: v for k, v in SCHOOL_C.items() if k != "readers"}
    district = group_indicators([SCHOOL_A, SCHOOL_B, no_readers])
    # C's fund of 4000 is left out with its readers: (12000 + 6000) / (400 + 100)
    assert district.totals["book_provision"] == 36.0
    assert district.medians["book_provision"] == 45.0  # the median of 30 and 60
    assert district.schools["book_provision"] == 2
    assert district.totals["fund_turnover"] == 0.75  # C still counts where it can


def test_the_republic_pools_schools_not_districts() -> None:
    big = {**SCHOOL_A, "fund": 100000, "readers": 1000}  # 100 per reader
    republic = group_indicators([SCHOOL_A, SCHOOL_B, SCHOOL_C, big])
    # (22000 + 100000) / (750 + 1000) = 69.71; not the mean of the districts' 29.33 and 100
    assert republic.totals["book_provision"] == pytest.approx(69.7142857)
    assert republic.medians["book_provision"] == 45.0  # 16, 30, 60, 100


def test_an_empty_group_has_no_data() -> None:
    group = group_indicators([])
    assert set(group.totals.values()) == {None}
    assert set(group.medians.values()) == {None}
    assert set(group.schools.values()) == {0}


def test_every_indicator_has_a_name_and_reads_known_inputs() -> None:
    assert set(mt.INDICATOR_NAMES) == {ind.code for ind in INDICATORS}
    assert {
        "pupils",
        "readers",
        "readers_pupils",
        "visits",
        "loans",
        "working_days",
        "fund",
        "fund_textbooks",
    } == INDICATOR_INPUTS
