"""The monitoring questionnaire: the default file, the files refused at load, the skip rules
and «Вопрос N из M»."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest

from services.monitoring.indicators import missing_inputs
from services.monitoring.questionnaire import (
    AnswerValue,
    Question,
    QuestionnaireError,
    QuestionType,
    applicable,
    drop_skipped,
    missing_required,
    next_question,
    parse_questionnaire_bytes,
    position,
    previous_question,
    read_questionnaire,
)
from tests.monitoring_helpers import DEFAULT, default_questionnaire, words


def test_default_file_loads_with_the_form_oo2_and_the_roadmap() -> None:
    q = default_questionnaire()
    assert 30 <= len(q.questions) <= 40
    assert [s.code for s in q.sections] == [
        "readers",
        "fund",
        "equipment",
        "automation",
        "staff",
        "publicity",
    ]
    codes = [question.code for question in q.questions]
    for code in (
        # ОО-2, 2.6
        "fund",
        "fund_textbooks",
        "fund_teaching_aids",
        "fund_fiction",
        "fund_reference",
        "fund_printed",
        "fund_audiovisual",
        "fund_electronic",
        # ОО-2, 2.7
        "seats",
        "seats_computer",
        "seats_internet",
        "readers",
        "visits",
        "e_catalogue",
        "computers",
        "printer",
        "scanner",
        "mfd",
        "interactive_board",
        # the roadmap
        "pupils",
        "readers_pupils",
        "loans",
        "working_days",
        "library_software",
        "internet_speed",
        "cloud_platform",
        "staff_count",
        "head_education",
        "head_category",
        "staff_courses",
        "head_attestation_date",
        "publications_links",
        "forums",
    ):
        assert code in codes, code
    software = q.question("library_software")
    assert [c.text for c in software.choices] == [
        "1С:Школьная библиотека",
        "МАРК-SQL",
        "ИРБИС",
        "Другая",
        "Нет специальной программы",
    ]
    assert q.question("internet_speed").type is QuestionType.DECIMAL
    assert q.question("internet_speed").unit == "Мбит/с"
    assert q.question("head_attestation_date").type is QuestionType.DATE
    assert q.question("publications_links").type is QuestionType.URL
    assert q.question("publications_links").many
    assert q.question("forums").type is QuestionType.MULTI
    assert q.question("pupils").minimum == 0
    assert q.question("pupils").maximum == 10000
    assert missing_inputs(q) == ()
    # short enough for a phone
    assert all(len(question.text) <= 100 for question in q.questions)
    assert all(len(question.label) <= 30 for question in q.questions)
    assert all(len(c.text) <= 40 for question in q.questions for c in question.choices)


# --- files refused at load --------------------------------------------------------------------

GOOD = """
title = "Проба"

[[sections]]
code = "main"
title = "Основное"

[[questions]]
code = "pupils"
section = "main"
label = "Учащихся"
text = "Сколько учащихся?"
type = "int"
min = 0
max = 5000

[[questions]]
code = "e_catalogue"
section = "main"
label = "Каталог"
text = "Есть электронный каталог?"
type = "bool"
skip = [{ if = false, questions = ["software"] }]

[[questions]]
code = "software"
section = "main"
label = "Программа"
text = "Какая программа?"
type = "choice"
choices = [{ code = "irbis", text = "ИРБИС" }, { code = "other", text = "Другая" }]

[[questions]]
code = "readers_pupils"
section = "main"
label = "Читателей-учащихся"
text = "Сколько читателей среди учащихся?"
type = "int"

[[checks]]
left = "readers_pupils"
op = "<="
right = "pupils"
"""


def _load(text: str) -> None:
    parse_questionnaire_bytes(textwrap.dedent(text).encode(), "анкета.toml")


def test_the_small_file_of_these_tests_loads() -> None:
    q = parse_questionnaire_bytes(GOOD.encode())
    assert [question.code for question in q.questions] == [
        "pupils",
        "e_catalogue",
        "software",
        "readers_pupils",
    ]
    assert q.checks[0].questions == ("readers_pupils", "pupils")


BAD_FILES = [
    pytest.param(
        GOOD.replace('code = "readers_pupils"', 'code = "pupils"'),
        "duplicate_question",
        "pupils",
        id="duplicate question code",
    ),
    pytest.param(
        GOOD.replace('questions = ["software"]', 'questions = ["sofware"]'),
        "skip_unknown_question",
        "e_catalogue",
        id="skip rule pointing nowhere",
    ),
    pytest.param(
        GOOD.replace('questions = ["software"]', 'questions = ["pupils"]'),
        "skip_backwards",
        "e_catalogue",
        id="skip rule pointing to an earlier question",
    ),
    pytest.param(
        GOOD.replace('questions = ["software"]', 'questions = ["e_catalogue"]'),
        "skip_backwards",
        "e_catalogue",
        id="skip rule pointing to itself",
    ),
    pytest.param(
        GOOD.replace('type = "bool"', 'type = "boolean"'),
        "unknown_type",
        "e_catalogue",
        id="unknown type",
    ),
    pytest.param(
        GOOD.replace(
            'choices = [{ code = "irbis", text = "ИРБИС" }, { code = "other", text = "Другая" }]',
            "",
        ),
        "no_choices",
        "software",
        id="a choice without choices",
    ),
    pytest.param(
        GOOD.replace("min = 0\nmax = 5000", "min = 5000\nmax = 10"),
        "min_above_max",
        "pupils",
        id="min above max",
    ),
    pytest.param(
        GOOD.replace('right = "pupils"', 'right = "pupil"'),
        "check_unknown_question",
        "pupil",
        id="a check naming an unknown question",
    ),
    pytest.param(
        GOOD.replace('left = "readers_pupils"', 'left = ["readers_pupils", "readers"]'),
        "check_unknown_question",
        "readers",
        id="a sum naming an unknown question",
    ),
    pytest.param(
        GOOD.replace('right = "pupils"', 'right = "software"'),
        "check_not_numeric",
        "software",
        id="a check of a choice",
    ),
    pytest.param(
        GOOD.replace('op = "<="', 'op = "=<"'),
        "bad_operator",
        "",
        id="unknown operator",
    ),
    pytest.param(
        GOOD.replace('section = "main"\nlabel = "Программа"', 'section = "mian"\nlabel = "П"'),
        "unknown_section",
        "software",
        id="unknown section",
    ),
    pytest.param(
        GOOD.replace("max = 5000", "max = 5000\nrequried = false"),
        "unknown_field",
        "pupils",
        id="a misspelt field",
    ),
    pytest.param(
        GOOD.replace("if = false", 'if = "нет"'),
        "bad_skip_value",
        "e_catalogue",
        id="a skip value of another type",
    ),
    pytest.param(
        GOOD.replace('type = "bool"', 'type = "bool"\nmin = 0'),
        "range_not_numeric",
        "e_catalogue",
        id="a range for yes/no",
    ),
    pytest.param(
        GOOD.replace('{ code = "other"', '{ code = "irbis"'),
        "duplicate_choice",
        "software",
        id="a choice twice",
    ),
    pytest.param(
        GOOD.replace('code = "pupils"', 'code = "Учащиеся"'),
        "bad_code",
        "Учащиеся",
        id="a code in Cyrillic",
    ),
    pytest.param(
        GOOD.replace('text = "Сколько учащихся?"\n', ""),
        "missing_field",
        "pupils",
        id="a question without text",
    ),
]


@pytest.mark.parametrize(("text", "code", "question"), BAD_FILES)
def test_a_bad_file_is_refused_naming_the_question(text: str, code: str, question: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        _load(text)
    error = caught.value
    assert error.code == code
    assert error.question == question
    assert error.params["question"] == question
    if question:
        assert repr(question) in str(error)  # the log line names it
        assert f"«{question}»" in words(error)  # so do the coordinator's words


def test_the_file_errors_say_what_to_fix() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        _load(GOOD.replace('code = "readers_pupils"', 'code = "pupils"'))
    assert words(caught.value) == "Код вопроса «pupils» встречается дважды."
    with pytest.raises(QuestionnaireError) as caught:
        _load(GOOD.replace('questions = ["software"]', 'questions = ["sofware"]'))
    assert words(caught.value) == (
        "Вопрос «e_catalogue»: правило пропуска указывает на несуществующий вопрос «sofware»."
    )
    with pytest.raises(QuestionnaireError) as caught:
        _load(GOOD.replace("min = 0\nmax = 5000", "min = 5000\nmax = 10"))
    assert words(caught.value) == "Вопрос «pupils»: min (5000) больше max (10)."


def test_not_toml_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        _load('title = "без кавычки\n')
    assert caught.value.code == "file_not_toml"
    assert words(caught.value).startswith("Файл «анкета.toml» — не TOML")
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire_bytes(b"\xff\xfe")
    assert caught.value.code == "file_not_toml"
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(tmp_path / "нет.toml")
    assert caught.value.code == "file_unreadable"
    with pytest.raises(QuestionnaireError) as caught:
        _load('title = "пусто"\n[[sections]]\ncode = "a"\ntitle = "А"\n')
    assert caught.value.code == "no_questions"


def test_a_refused_file_leaves_the_loaded_one_as_it_was(tmp_path: Path) -> None:
    current = default_questionnaire()
    new_file = tmp_path / "monitoring.toml"
    new_file.write_text(
        DEFAULT.read_text(encoding="utf-8").replace('code = "scanner"', 'code = "printer"'),
        encoding="utf-8",
    )
    try:
        current = read_questionnaire(new_file)
    except QuestionnaireError as error:
        assert (error.code, error.question) == ("duplicate_question", "printer")
    assert current == default_questionnaire()
    assert "scanner" in current


# --- skip rules and numbering -----------------------------------------------------------------


def _codes(questions: Iterable[Question]) -> list[str]:
    return [q.code for q in questions]


def test_no_electronic_catalogue_skips_its_software() -> None:
    q = default_questionnaire()
    asked = _codes(applicable(q, {"e_catalogue": False}))
    assert "library_software" not in asked
    assert "library_software_other" not in asked
    assert "cloud_platform" in asked

    asked = _codes(applicable(q, {"e_catalogue": True, "library_software": "irbis"}))
    assert "library_software" in asked
    assert "library_software_other" not in asked  # asked only for «Другая»

    asked = _codes(applicable(q, {"e_catalogue": True, "library_software": "other"}))
    assert "library_software_other" in asked


def test_other_skip_rules_of_the_default_file() -> None:
    q = default_questionnaire()
    asked = _codes(applicable(q, {"internet": False}))
    assert "internet_speed" not in asked
    assert "seats_internet" not in asked
    asked = _codes(applicable(q, {"staff_count": 0}))
    for code in ("staff_courses", "head_education", "head_category", "head_attestation_date"):
        assert code not in asked
    asked = _codes(applicable(q, {"staff_count": 1, "head_category": "none"}))
    assert "head_attestation_date" not in asked
    assert "head_education" in asked
    asked = _codes(applicable(q, {"publications_count": 0}))
    assert "publications_links" not in asked
    asked = _codes(applicable(q, {"forums": ("ufa_salon", "other")}))
    assert "forums_other" in asked
    asked = _codes(applicable(q, {"forums": ("none",)}))
    assert "forums_other" not in asked


def test_question_n_of_m_counts_the_applicable_questions() -> None:
    q = default_questionnaire()
    # before any answer the «other» questions (software, forums) are not counted: 37 - 2
    assert position(q, {}, "pupils") == (1, 35)
    assert position(q, {}, "e_catalogue") == (25, 35)
    assert position(q, {}, "library_software") == (26, 35)
    assert position(q, {}, "forums") == (35, 35)
    answers: dict[str, AnswerValue] = {"internet": False, "e_catalogue": False, "staff_count": 0}
    # 35 - 2 (internet) - 1 (software) - 4 (staff)
    assert position(q, answers, "pupils") == (1, 28)
    assert position(q, answers, "cloud_platform") == (24, 28)
    answers = {"e_catalogue": True, "library_software": "other"}
    assert position(q, answers, "library_software_other") == (27, 36)
    with pytest.raises(ValueError):
        position(q, {"e_catalogue": False}, "library_software")


def test_next_and_back_follow_the_skip_rules() -> None:
    q = default_questionnaire()
    first = next_question(q, {})
    assert first is not None
    assert first.code == "pupils"
    answers = {"e_catalogue": False}
    after = next_question(q, answers, after="e_catalogue")
    assert after is not None
    assert after.code == "cloud_platform"
    before = previous_question(q, answers, "cloud_platform")
    assert before is not None
    assert before.code == "e_catalogue"
    assert previous_question(q, answers, "pupils") is None
    # the librarian went back and said «no» after naming the software: move on from there
    moved = next_question(q, {"e_catalogue": False}, after="library_software")
    assert moved is not None
    assert moved.code == "cloud_platform"
    assert next_question(q, {}, after="forums") is None  # «other» not ticked: the end


def test_skipped_answers_are_dropped_and_required_ones_listed() -> None:
    q = default_questionnaire()
    answers: dict[str, AnswerValue] = {
        "e_catalogue": False,
        "library_software": "irbis",
        "pupils": 500,
    }
    assert drop_skipped(q, answers) == {"e_catalogue": False, "pupils": 500}
    missing = missing_required(q, answers)
    assert "library_software" not in missing
    assert "readers" in missing
    assert "internet_speed" not in missing  # may be skipped with «Пропустить»
    assert "pupils" not in missing
