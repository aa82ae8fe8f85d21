"""Monitoring answers: each typed answer checked as it is sent (the issue's «Bad input»), the
checks across answers, the change from last year, and a text for every refusal code."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.texts import common as ct
from bot.texts import contests as cst
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts import monitoring as mt
from services.errors import ValidationError
from services.monitoring.answers import (
    ANSWER_ERROR_CODES,
    CROSS_CHECK_CODES,
    YearChange,
    carry_over,
    check_multi,
    check_value,
    cross_check,
    decode_answers,
    encode_answers,
    parse_answer,
    year_changes,
)
from services.monitoring.questionnaire import (
    QUESTIONNAIRE_ERROR_CODES,
    AnswerValue,
    Question,
    QuestionType,
)
from services.monitoring.rounds import EVENT_ERROR_CODES, ROUND_ERROR_CODES
from tests.monitoring_helpers import TODAY, default_questionnaire, words

Q = default_questionnaire()
# a decimal question wide enough for «10 000,5» (the default's only decimal, the Internet
# speed, stops at 10 000 Мбит/с)
AREA = Question(
    code="area",
    section="equipment",
    label="Площадь",
    text="Площадь библиотеки?",
    type=QuestionType.DECIMAL,
    unit="м²",
    minimum=Decimal(0),
    maximum=Decimal(100000),
)


def parse(code: str, raw: str) -> AnswerValue:
    return parse_answer(Q.question(code), raw, today=TODAY)


def refusal(code: str, raw: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(code, raw)
    return caught.value


# --- the bad input ---------------------------------------------------------------------


def test_mnogo_is_not_a_number() -> None:
    error = refusal("fund", "много")
    assert error.code == "not_a_number"
    assert words(error) == "«много» — не число. Напишите число цифрами, например 120."


def test_a_fraction_for_a_whole_number_is_refused() -> None:
    for raw in ("1,5", "1.5", "10 000,5", "1,000"):
        error = refusal("pupils", raw)
        assert error.code == "not_whole", raw
    assert words(refusal("pupils", "1,5")) == (
        "Здесь нужно целое число, а «1,5» — дробное. Напишите без запятой, например 120."
    )


def test_a_negative_count_is_refused() -> None:
    for raw in ("-5", "−5", "–5", "-10 000"):
        error = refusal("loans", raw)
        assert error.code == "negative", raw
        assert words(error) == "Число не может быть отрицательным."


@pytest.mark.parametrize(
    "raw",
    ["10000", "10 000", "10\u00a0000", "10\u202f000", "10\u2009000", " 10 000 ", "10 000 экз."],
)
def test_ten_thousand_written_with_any_space_is_10000(raw: str) -> None:
    value = parse("fund", raw)
    assert value == 10000
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10 000,5", Decimal("10000.5")),
        ("10\u00a0000,5", Decimal("10000.5")),
        ("10000.5", Decimal("10000.5")),
        ("10000,5", Decimal("10000.5")),
        ("0,25", Decimal("0.25")),
        ("12", Decimal(12)),
    ],
)
def test_a_decimal_takes_a_comma_or_a_point(raw: str, expected: Decimal) -> None:
    value = parse_answer(AREA, raw, today=TODAY)
    assert value == expected
    assert isinstance(value, Decimal)


def test_the_internet_speed_takes_its_unit() -> None:
    assert parse("internet_speed", "25,5 Мбит/с") == Decimal("25.5")
    assert parse("internet_speed", "100") == Decimal(100)


def test_a_misgrouped_number_is_not_read_as_another() -> None:
    for raw in ("10 5", "1 00 000", "10.000,5", "1e5", "10,", ",5", "½"):
        assert refusal("fund", raw).code == "not_a_number", raw


def test_out_of_range_is_refused_with_the_range() -> None:
    error = refusal("pupils", "20000")
    assert (error.code, error.params["min"], error.params["max"]) == ("out_of_range", 0, 10000)
    assert words(error) == "Число должно быть от 0 до 10 000 чел. Проверьте ответ."
    assert refusal("working_days", "367").code == "out_of_range"
    assert parse("working_days", "366") == 366
    assert parse("working_days", "0") == 0
    error = refusal("internet_speed", "10 000,5")
    assert words(error) == "Число должно быть от 0 до 10 000 Мбит/с. Проверьте ответ."


def test_only_one_bound_is_named_when_only_one_is_set() -> None:
    low = replace(AREA, maximum=None, minimum=Decimal(10))
    high = replace(AREA, maximum=Decimal("99.5"), minimum=None)
    with pytest.raises(ValidationError) as caught:
        parse_answer(low, "5", today=TODAY)
    assert words(caught.value) == "Число должно быть не меньше 10 м²."
    with pytest.raises(ValidationError) as caught:
        parse_answer(high, "100", today=TODAY)
    assert words(caught.value) == "Число должно быть не больше 99,5 м²."
    with pytest.raises(ValidationError) as caught:
        parse_answer(high, "-1", today=TODAY)
    assert caught.value.code == "negative"
    below_zero = replace(AREA, minimum=Decimal(-50))
    assert parse_answer(below_zero, "-12,5", today=TODAY) == Decimal("-12.5")


def test_a_link_that_is_not_a_url_is_refused() -> None:
    links = Q.question("publications_links")
    for raw, code in [
        ("много", "answer_bad_url"),
        ("school.ru/news/1", "url_no_scheme"),
        ("www.school.ru", "url_no_scheme"),
        ("ftp://school.ru/file", "answer_bad_url"),
        ("https://", "answer_bad_url"),
        ("http://localhost/news", "answer_bad_url"),
        ("https://school.ru:99999/", "answer_bad_url"),
        ("javascript:alert(1)", "answer_bad_url"),
        ("https://school.ru/a много", "answer_bad_url"),
    ]:
        with pytest.raises(ValidationError) as caught:
            parse_answer(links, raw, today=TODAY)
        assert caught.value.code == code, raw
    with pytest.raises(ValidationError) as caught:
        parse_answer(links, "school.ru/news/1", today=TODAY)
    assert words(caught.value) == (
        "Ссылка должна начинаться с https:// — например, https://school.ru/news/1"
    )
    with pytest.raises(ValidationError) as caught:
        parse_answer(links, "много", today=TODAY)
    assert words(caught.value).startswith("«много» — не ссылка.")


def test_links_one_per_line() -> None:
    value = parse(
        "publications_links",
        "https://school.ru/news/1\nhttps://vk.com/wall-1_2,\n\nhttps://школа.рф/о-нас "
        "https://school.ru/news/1",
    )
    assert value == (
        "https://school.ru/news/1",
        "https://vk.com/wall-1_2",
        "https://школа.рф/о-нас",
    )
    eleven = "\n".join(f"https://school.ru/news/{n}" for n in range(11))
    error = refusal("publications_links", eleven)
    assert (error.code, error.params["max"]) == ("too_many_links", 10)
    assert words(error) == "За раз можно прислать не больше 10 ссылок."
    one = replace(Q.question("publications_links"), many=False)
    assert parse_answer(one, "https://school.ru/a", today=TODAY) == "https://school.ru/a"


def test_a_date_in_the_future_is_refused() -> None:
    error = refusal("head_attestation_date", "31.05.2026")
    assert error.code == "answer_date_in_future"
    assert words(error) == (
        "Эта дата ещё не наступила (сегодня 30.05.2026). Укажите прошедшую дату."
    )
    assert parse("head_attestation_date", "30.05.2026") == TODAY
    assert parse("head_attestation_date", "5.3.2024") == date(2024, 3, 5)


def test_a_wrong_date_is_refused() -> None:
    assert refusal("head_attestation_date", "31.02.2024").code == "answer_bad_date"
    for raw in ("15/03/2024", "2024-03-15", "вчера", "15.03.24"):
        assert refusal("head_attestation_date", raw).code == "answer_bad_date_format", raw
    error = refusal("head_attestation_date", "01.01.1990")
    assert error.code == "year_out_of_range"
    assert words(error) == "Год должен быть от 2000 до 2100."


def test_yes_or_no() -> None:
    for raw, value in [
        ("да", True),
        ("Да.", True),
        ("ЕСТЬ", True),
        ("нет", False),
        ("Нет!", False),
        ("yes", True),
        ("false", False),
    ]:
        assert parse("printer", raw) is value, raw
    error = refusal("printer", "наверное")
    assert error.code == "not_yes_no"
    assert words(error) == "Ответьте «да» или «нет» (или нажмите кнопку под вопросом)."


def test_a_choice_must_be_one_of_the_choices() -> None:
    assert parse("library_software", "1c") == "1c"  # a button gives the code
    assert parse("library_software", "ирбис") == "irbis"  # typed text, any case
    assert parse("library_software", "1с:школьная библиотека") == "1c"
    assert parse("library_software", "Марк-SQL") == "marc"
    error = refusal("library_software", "Excel")
    assert error.code == "not_a_choice"
    assert words(error) == (
        "Такого варианта нет. Нажмите кнопку под вопросом или напишите один из вариантов: "
        "1С:Школьная библиотека, МАРК-SQL, ИРБИС, Другая, Нет специальной программы."
    )


def test_several_choices() -> None:
    forums = Q.question("forums")
    assert parse("forums", "Форум «Михайловское», Уфимский салон образования") == (
        "ufa_salon",
        "mikhailovskoe",
    )
    assert check_multi(forums, ["other", "ufa_salon", "other"]) == ("ufa_salon", "other")
    assert check_multi(forums, ["none"]) == ("none",)
    with pytest.raises(ValidationError) as caught:
        check_multi(forums, ["none", "ufa_salon"])
    assert words(caught.value) == "«Не участвовали» нельзя выбрать вместе с другими вариантами."
    with pytest.raises(ValidationError) as caught:
        check_multi(forums, [])
    assert caught.value.code == "nothing_ticked"
    assert refusal("forums", "форум в Москве").code == "not_a_choice"


def test_text_answers() -> None:
    assert parse("library_software_other", "  Библиотека 2.0 ") == "Библиотека 2.0"
    assert refusal("library_software_other", "   ").code == "empty_answer"
    assert refusal("library_software_other", "а\x00б").code == "control_chars"
    error = refusal("forums_other", "я" * 1001)
    assert error.code == "too_long"
    assert words(error) == "Слишком длинно: 1001 символ, а можно не больше 1000."


def test_typed_values_are_checked_too() -> None:
    """Last year's values and the buttons' go through the same checks."""
    assert check_value(Q.question("pupils"), 500, today=TODAY) == 500
    for value in (True, "500", Decimal("5.5")):
        with pytest.raises(ValidationError) as caught:
            check_value(Q.question("pupils"), value, today=TODAY)
        assert caught.value.code == "wrong_type"
    with pytest.raises(ValidationError) as caught:
        check_value(Q.question("library_software"), "excel", today=TODAY)
    assert caught.value.code == "not_a_choice"
    assert check_value(Q.question("internet_speed"), 100, today=TODAY) == Decimal(100)


# --- across answers ------------------------------------------------------------------------------

FILLED: dict[str, AnswerValue] = {
    "pupils": 500,
    "readers": 450,
    "readers_pupils": 420,
    "visits": 9000,
    "loans": 13500,
    "working_days": 180,
    "fund": 15000,
    "fund_textbooks": 9000,
    "fund_teaching_aids": 1000,
    "fund_fiction": 4000,
    "fund_reference": 500,
    "fund_printed": 14800,
    "fund_audiovisual": 150,
    "fund_electronic": 50,
    "internet": True,
    "internet_speed": Decimal(50),
    "seats": 20,
    "seats_computer": 4,
    "seats_internet": 4,
    "staff_count": 1,
    "staff_courses": 1,
}


def test_consistent_answers_pass_every_check() -> None:
    assert cross_check(Q, FILLED) == []


def test_readers_above_pupils_is_refused() -> None:
    failures = cross_check(Q, {**FILLED, "readers_pupils": 600})
    assert [f.questions for f in failures] == [
        ("readers_pupils", "pupils"),
        ("readers_pupils", "readers"),
    ]
    assert words(failures[0].as_error()) == (
        "«Читателей-учащихся» (600) не может быть больше, чем «Учащихся» (500). "
        "Исправьте один из ответов."
    )


def test_the_parts_of_the_fund_and_the_seats() -> None:
    failures = cross_check(Q, {**FILLED, "fund_textbooks": 16000})
    assert [f.questions for f in failures] == [
        ("fund_textbooks", "fund"),
        ("fund_textbooks", "fund_teaching_aids", "fund_fiction", "fund_reference", "fund"),
    ]
    assert failures[1].params["left_value"] == 21500
    assert failures[1].params["left"] == (
        "Учебники + Учебные пособия + Художественная литература + Справочные издания"
    )
    assert words(failures[1].as_error()).startswith(
        "«Учебники + Учебные пособия + Художественная литература + Справочные издания» "
        "(21 500) не может быть больше, чем «Фонд, всего» (15 000)."
    )
    failures = cross_check(Q, {**FILLED, "seats_internet": 25, "seats_computer": 21})
    assert [f.questions for f in failures] == [
        ("seats_computer", "seats"),
        ("seats_internet", "seats"),
    ]
    failures = cross_check(Q, {**FILLED, "fund_electronic": 20000})
    assert [f.questions for f in failures] == [
        ("fund_electronic", "fund"),
        ("fund_printed", "fund_audiovisual", "fund_electronic", "fund"),
    ]


def test_missing_and_skipped_answers_are_not_compared() -> None:
    partial = {"pupils": 500, "fund": 100, "fund_fiction": 90, "fund_reference": 20}
    failures = cross_check(Q, partial)
    # fund_fiction alone fits; the sum of the given parts (110) does not
    assert [f.questions for f in failures] == [("fund_fiction", "fund_reference", "fund")]
    # the Internet seats were answered, then «no Internet»: that answer is not sent
    assert cross_check(Q, {**FILLED, "internet": False, "seats_internet": 99}) == []


def test_a_change_of_more_than_half_asks_if_it_is_right() -> None:
    last_year = {**FILLED, "fund": 15000, "loans": 30000, "visits": 6000, "readers": 0}
    now = {**FILLED, "fund": 7000, "loans": 13500, "visits": 9000, "readers": 450}
    assert year_changes(Q, now, last_year) == [
        YearChange("readers", 0, 450),  # from 0 any figure is a change
        YearChange("loans", 30000, 13500),  # -55 %
        YearChange("fund", 15000, 7000),  # -53 %
    ]  # visits +50 %: not more than half
    assert year_changes(Q, now, last_year, share=0.6) == [YearChange("readers", 0, 450)]
    assert [c.code for c in year_changes(Q, now, last_year, share=Decimal("0.2"))] == [
        "readers",
        "visits",
        "loans",
        "fund",
    ]
    # staff courses and the Internet speed vary by nature: never asked
    assert (
        year_changes(
            Q, {"staff_count": 2, "staff_courses": 2}, {"staff_count": 2, "staff_courses": 0}
        )
        == []
    )
    with pytest.raises(ValueError):
        year_changes(Q, now, last_year, share=0)


def test_last_years_answers_are_kept_only_where_they_still_fit() -> None:
    last_year: dict[str, AnswerValue] = {
        "pupils": 20000,  # above this year's range
        "readers": 450,
        "library_software": "excel",  # a choice gone
        "removed_question": 5,
        "printer": True,
        "head_attestation_date": date(2023, 4, 1),
    }
    assert carry_over(Q, last_year, today=TODAY) == {
        "readers": 450,
        "printer": True,
        "head_attestation_date": date(2023, 4, 1),
    }


def test_answers_go_to_json_and_back() -> None:
    answers: dict[str, AnswerValue] = {
        "pupils": 500,
        "internet_speed": Decimal("25.5"),
        "printer": False,
        "library_software": "irbis",
        "forums": ("ufa_salon", "other"),
        "publications_links": ("https://school.ru/a",),
        "head_attestation_date": date(2024, 3, 15),
        "forums_other": "Семинар",
    }
    encoded = encode_answers(answers)
    assert encoded == {
        "pupils": 500,
        "internet_speed": "25.5",
        "printer": False,
        "library_software": "irbis",
        "forums": ["ufa_salon", "other"],
        "publications_links": ["https://school.ru/a"],
        "head_attestation_date": "2024-03-15",
        "forums_other": "Семинар",
    }
    assert decode_answers(Q, encoded) == answers
    # a question gone, or a value that no longer fits its type: left out
    assert decode_answers(Q, {"gone": 1, "pupils": "много", "internet_speed": "nan"}) == {}


# --- every refusal has its words ---------------------------------------------------------------

SERVICES = Path(__file__).resolve().parents[1] / "services" / "monitoring"


def _raised_codes() -> set[str]:
    """The first string argument of every ValidationError/QuestionnaireError in the sources."""
    codes: set[str] = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"ValidationError", "QuestionnaireError"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_code_the_services_raise_is_declared() -> None:
    declared = (
        ANSWER_ERROR_CODES | QUESTIONNAIRE_ERROR_CODES | ROUND_ERROR_CODES | EVENT_ERROR_CODES
    )
    assert _raised_codes() <= declared
    assert _raised_codes() >= declared - {"control_chars", "year_out_of_range"}  # no stale codes


def test_every_code_has_a_text() -> None:
    codes = (
        ANSWER_ERROR_CODES
        | QUESTIONNAIRE_ERROR_CODES
        | ROUND_ERROR_CODES
        | set(CROSS_CHECK_CODES.values())
    )
    missing = {c for c in codes if c not in mt.ERRORS and c not in ct.VALIDATION}
    assert set(ev.ERRORS) >= EVENT_ERROR_CODES
    assert missing == set()
    # the monitoring texts do not shadow the common ones, nor do others shadow them (the
    # events' texts are looked up first)
    assert not set(mt.ERRORS) & set(ct.VALIDATION)
    assert not set(mt.ERRORS) & (set(ev.ERRORS) | set(cst.ERRORS) | set(dt.ERRORS))
    assert set(mt.ERRORS) <= codes  # and none is left over


def test_every_cross_check_text_reads() -> None:
    params = {"left": "A", "right": "B", "left_value": 10, "right_value": Decimal("2.5")}
    for code in CROSS_CHECK_CODES.values():
        text = words(ValidationError(code, **params))
        assert text.startswith("«A» (10) ") and "«B» (2,5)" in text, code
