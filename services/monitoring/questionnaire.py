"""The monitoring questionnaire as data (data/monitoring.toml): read, checked whole, and walked.

A file with any mistake is refused as a whole by a `QuestionnaireError` that names the mistake
(its code) and the offending question; the caller keeps the questionnaire it had. The format is
described at the top of data/monitoring.toml.

Answers are a mapping from a question's code to its typed value (`AnswerValue`); a question
without a key is not answered (skipped by a rule or by «Пропустить», or not reached yet).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeAlias, TypeGuard

from services.errors import ValidationError

DEFAULT_FILE = "data/monitoring.toml"

# a question's code travels in callback data and names a column of the summary: short and plain
CODE_MAX = 32
CHOICE_CODE_MAX = 16
CHOICE_TEXT_MAX = 64  # a button
_CODE = re.compile(rf"^[a-z][a-z0-9_]{{0,{CODE_MAX - 1}}}$")
_CHOICE_CODE = re.compile(rf"^[a-z0-9][a-z0-9_]{{0,{CHOICE_CODE_MAX - 1}}}$")


class QuestionType(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"
    URL = "url"
    DATE = "date"


NUMBER_TYPES = frozenset({QuestionType.INT, QuestionType.DECIMAL})
CHOICE_TYPES = frozenset({QuestionType.CHOICE, QuestionType.MULTI})
# the types a skip rule may test
SKIP_TYPES = NUMBER_TYPES | CHOICE_TYPES | {QuestionType.BOOL}

# int and decimal: a number; bool: yes/no; choice: a choice code; multi: choice codes in the
# questionnaire's order; text: the text; url: a link, or links (tuple) when `many`; date: a date
AnswerValue: TypeAlias = int | Decimal | bool | str | date | tuple[str, ...]
Answers: TypeAlias = Mapping[str, AnswerValue]
Number: TypeAlias = int | Decimal
SkipValue: TypeAlias = bool | int | Decimal | str

OPERATORS = ("<=", "<", ">=", ">", "==")

# every code a QuestionnaireError may carry (bot/texts/monitoring.py has a text for each)
QUESTIONNAIRE_ERROR_CODES = frozenset(
    {
        "file_unreadable",
        "file_not_toml",
        "bad_field",
        "missing_field",
        "unknown_field",
        "no_questions",
        "bad_section",
        "duplicate_section",
        "bad_code",
        "duplicate_question",
        "unknown_section",
        "unknown_type",
        "range_not_numeric",
        "min_above_max",
        "no_choices",
        "choices_not_allowed",
        "bad_choice",
        "duplicate_choice",
        "bad_skip",
        "bad_skip_value",
        "skip_unknown_question",
        "skip_backwards",
        "bad_check",
        "bad_operator",
        "check_unknown_question",
        "check_not_numeric",
    }
)


class QuestionnaireError(ValidationError):
    """The questionnaire file cannot be used. `code` names the mistake, `question` the question
    it is in ('' when the mistake is not in one question); both are also in `params`."""

    def __init__(self, code: str, *, question: str = "", **params: object) -> None:
        super().__init__(code, question=question, **params)
        self.question = question

    def __str__(self) -> str:
        where = f"question {self.question!r}: " if self.question else ""
        details = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if k != "question")
        return f"{where}{self.code}" + (f" ({details})" if details else "")


@dataclass(frozen=True)
class Section:
    code: str
    title: str


@dataclass(frozen=True)
class Choice:
    code: str
    text: str
    exclusive: bool = False  # multi: cannot be ticked with another choice («Не участвовали»)


@dataclass(frozen=True)
class SkipRule:
    """Skip `questions` (all later in the file) when the answer is one of `values`, or, with
    `negate`, when it is none of them. For multi, «is» means «one of the ticked choices is».
    An unanswered question is none of the values."""

    values: tuple[SkipValue, ...]
    questions: tuple[str, ...]
    negate: bool = False

    def fires(self, answer: AnswerValue | None) -> bool:
        if answer is None:
            hit = False
        elif isinstance(answer, tuple):
            hit = any(v in answer for v in self.values)
        else:
            hit = answer in self.values
        return hit != self.negate


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    label: str  # a short name for tables and messages
    text: str
    type: QuestionType
    unit: str = ""
    minimum: Number | None = None
    maximum: Number | None = None
    required: bool = True
    help: str = ""
    choices: tuple[Choice, ...] = ()
    many: bool = False  # url: several links
    compare: bool = True  # ask «Верно?» when the figure changed much from last year
    skip: tuple[SkipRule, ...] = ()

    @property
    def is_number(self) -> bool:
        return self.type in NUMBER_TYPES

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


@dataclass(frozen=True)
class CrossCheck:
    """`sum(left) op right`, made at the end over the answered questions."""

    left: tuple[str, ...]
    op: str
    right: str

    @property
    def questions(self) -> tuple[str, ...]:
        return (*self.left, self.right)


@dataclass(frozen=True)
class Questionnaire:
    title: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    checks: tuple[CrossCheck, ...] = ()
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {q.code: i for i, q in enumerate(self.questions)})

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def question(self, code: str) -> Question:
        """The question of this code; KeyError for an unknown code."""
        return self.questions[self._index[code]]

    def index(self, code: str) -> int:
        """The question's place in the file, from 0; KeyError for an unknown code."""
        return self._index[code]

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)


# --- reading ---------------------------------------------------------------------------------


def read_raw(path: Path) -> dict[str, Any]:
    """A questionnaire file as parsed TOML (not yet checked); QuestionnaireError if unreadable."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise QuestionnaireError(
            "file_unreadable", file=path.name, detail=exc.strerror or str(exc)
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QuestionnaireError("file_not_toml", file=path.name, detail=str(exc)) from exc


def read_questionnaire(path: Path) -> Questionnaire:
    """Read and check a questionnaire file; QuestionnaireError if it cannot be used."""
    return parse_questionnaire(read_raw(path))


def parse_questionnaire_bytes(data: bytes, name: str = "") -> Questionnaire:
    """A questionnaire sent as a file (a coordinator's upload)."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QuestionnaireError("file_not_toml", file=name, detail=str(exc)) from exc
    return parse_questionnaire(raw)


_QUESTION_KEYS = frozenset(
    {
        "code",
        "section",
        "label",
        "text",
        "type",
        "unit",
        "min",
        "max",
        "required",
        "help",
        "choices",
        "many",
        "compare",
        "skip",
    }
)


def parse_questionnaire(raw: Mapping[str, Any]) -> Questionnaire:
    """Check the parsed TOML whole; the first mistake found is raised."""
    _known_keys(raw, {"title", "sections", "questions", "checks"}, question="")
    title = _text(raw, "title", question="", default="")
    sections = _sections(raw.get("sections"))
    section_codes = {s.code for s in sections}
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionnaireError("no_questions")
    questions: list[Question] = []
    seen: set[str] = set()
    for number, item in enumerate(raw_questions, 1):
        question = _question(item, number, section_codes)
        if question.code in seen:
            raise QuestionnaireError("duplicate_question", question=question.code)
        seen.add(question.code)
        questions.append(question)
    order = {q.code: i for i, q in enumerate(questions)}
    for i, question in enumerate(questions):
        for rule in question.skip:
            for target in rule.questions:
                if target not in order:
                    raise QuestionnaireError(
                        "skip_unknown_question", question=question.code, target=target
                    )
                if order[target] <= i:
                    raise QuestionnaireError(
                        "skip_backwards", question=question.code, target=target
                    )
    by_code = {q.code: q for q in questions}
    checks = tuple(_check(item, n, by_code) for n, item in enumerate(_list(raw, "checks"), 1))
    return Questionnaire(title=title, sections=sections, questions=tuple(questions), checks=checks)


def _sections(raw: object) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError("bad_section", number=1)
    sections: list[Section] = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise QuestionnaireError("bad_section", number=number)
        _known_keys(item, {"code", "title"}, question="")
        code = item.get("code")
        title = item.get("title")
        if not isinstance(code, str) or not _CODE.match(code):
            raise QuestionnaireError("bad_section", number=number)
        if not isinstance(title, str) or not title.strip():
            raise QuestionnaireError("bad_section", number=number)
        if any(s.code == code for s in sections):
            raise QuestionnaireError("duplicate_section", section=code)
        sections.append(Section(code, title.strip()))
    return tuple(sections)


def _question(item: object, number: int, sections: set[str]) -> Question:
    if not isinstance(item, dict):
        raise QuestionnaireError("bad_field", question=f"#{number}", field="questions")
    code = item.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise QuestionnaireError("bad_code", question=str(code or f"#{number}"), number=number)
    _known_keys(item, _QUESTION_KEYS, question=code)
    section = _text(item, "section", question=code)
    if section not in sections:
        raise QuestionnaireError("unknown_section", question=code, section=section)
    raw_type = _text(item, "type", question=code)
    try:
        qtype = QuestionType(raw_type)
    except ValueError:
        raise QuestionnaireError("unknown_type", question=code, type=raw_type) from None
    minimum, maximum = _range(item, code, qtype)
    choices = _choices(item, code, qtype)
    many = _flag(item, "many", question=code, default=False)
    if many and qtype is not QuestionType.URL:
        raise QuestionnaireError("bad_field", question=code, field="many")
    question = Question(
        code=code,
        section=section,
        label=_text(item, "label", question=code),
        text=_text(item, "text", question=code),
        type=qtype,
        unit=_text(item, "unit", question=code, default=""),
        minimum=minimum,
        maximum=maximum,
        required=_flag(item, "required", question=code, default=True),
        help=_text(item, "help", question=code, default=""),
        choices=choices,
        many=many,
        compare=_flag(item, "compare", question=code, default=True),
    )
    skip = tuple(_skip_rule(rule, question) for rule in _list(item, "skip", question=code))
    return replace(question, skip=skip)


def _range(
    item: Mapping[str, Any], code: str, qtype: QuestionType
) -> tuple[Number | None, Number | None]:
    bounds: list[Number | None] = []
    for key in ("min", "max"):
        value = item.get(key)
        if value is None:
            bounds.append(None)
            continue
        if qtype not in NUMBER_TYPES:
            raise QuestionnaireError("range_not_numeric", question=code, field=key)
        if qtype is QuestionType.INT and _is_int(value):
            bounds.append(value)
        elif qtype is QuestionType.DECIMAL and (_is_int(value) or isinstance(value, float)):
            bounds.append(Decimal(str(value)))
        else:
            raise QuestionnaireError("bad_field", question=code, field=key)
    minimum, maximum = bounds
    if minimum is not None and maximum is not None and minimum > maximum:
        raise QuestionnaireError("min_above_max", question=code, min=minimum, max=maximum)
    return minimum, maximum


def _choices(item: Mapping[str, Any], code: str, qtype: QuestionType) -> tuple[Choice, ...]:
    raw = item.get("choices")
    if qtype not in CHOICE_TYPES:
        if raw is not None:
            raise QuestionnaireError("choices_not_allowed", question=code, type=qtype.value)
        return ()
    if not isinstance(raw, list) or not raw:
        raise QuestionnaireError("no_choices", question=code)
    choices: list[Choice] = []
    for number, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or set(entry) - {"code", "text", "exclusive"}:
            raise QuestionnaireError("bad_choice", question=code, number=number)
        choice_code = entry.get("code")
        text = entry.get("text")
        exclusive = entry.get("exclusive", False)
        if (
            not isinstance(choice_code, str)
            or not _CHOICE_CODE.match(choice_code)
            or not isinstance(text, str)
            or not 0 < len(text.strip()) <= CHOICE_TEXT_MAX
            or not isinstance(exclusive, bool)
            or (exclusive and qtype is not QuestionType.MULTI)
        ):
            raise QuestionnaireError("bad_choice", question=code, number=number)
        if any(c.code == choice_code for c in choices):
            raise QuestionnaireError("duplicate_choice", question=code, choice=choice_code)
        choices.append(Choice(choice_code, text.strip(), exclusive))
    return tuple(choices)


def _skip_rule(raw: object, question: Question) -> SkipRule:
    code = question.code
    if (
        not isinstance(raw, dict)
        or set(raw) - {"if", "unless", "questions"}
        or ("if" in raw) == ("unless" in raw)
    ):
        raise QuestionnaireError("bad_skip", question=code)
    targets = raw.get("questions")
    if (
        not isinstance(targets, list)
        or not targets
        or not all(isinstance(t, str) for t in targets)
    ):
        raise QuestionnaireError("bad_skip", question=code)
    negate = "unless" in raw
    given = raw["unless" if negate else "if"]
    values = tuple(given) if isinstance(given, list) else (given,)
    if not values or question.type not in SKIP_TYPES:
        raise QuestionnaireError("bad_skip_value", question=code, value=str(given))
    return SkipRule(
        values=tuple(_skip_value(v, question) for v in values),
        questions=tuple(targets),
        negate=negate,
    )


def _skip_value(value: object, question: Question) -> SkipValue:
    qtype = question.type
    if qtype is QuestionType.BOOL and isinstance(value, bool):
        return value
    if qtype is QuestionType.INT and _is_int(value):
        return value
    if qtype is QuestionType.DECIMAL and (_is_int(value) or isinstance(value, float)):
        return Decimal(str(value))
    if qtype in CHOICE_TYPES and isinstance(value, str) and question.choice(value):
        return value
    raise QuestionnaireError("bad_skip_value", question=question.code, value=str(value))


def _check(raw: object, number: int, questions: Mapping[str, Question]) -> CrossCheck:
    if not isinstance(raw, dict) or set(raw) != {"left", "op", "right"}:
        raise QuestionnaireError("bad_check", check=number)
    left = raw["left"]
    left_codes = tuple(left) if isinstance(left, list) else (left,)
    right = raw["right"]
    codes = (*left_codes, right)
    if not left_codes or not all(isinstance(c, str) for c in codes):
        raise QuestionnaireError("bad_check", check=number)
    if raw["op"] not in OPERATORS:
        raise QuestionnaireError("bad_operator", check=number, op=str(raw["op"]))
    for code in codes:
        if code not in questions:
            raise QuestionnaireError("check_unknown_question", question=code, check=number)
        if not questions[code].is_number:
            raise QuestionnaireError("check_not_numeric", question=code, check=number)
    return CrossCheck(left=left_codes, op=raw["op"], right=right)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _known_keys(item: Mapping[str, Any], keys: Iterable[str], *, question: str) -> None:
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise QuestionnaireError("unknown_field", question=question, field=unknown[0])


def _text(item: Mapping[str, Any], key: str, *, question: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if value is None:
        raise QuestionnaireError("missing_field", question=question, field=key)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise QuestionnaireError("bad_field", question=question, field=key)
    return value.strip()


def _flag(item: Mapping[str, Any], key: str, *, question: str, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise QuestionnaireError("bad_field", question=question, field=key)
    return value


def _list(item: Mapping[str, Any], key: str, *, question: str = "") -> list[object]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise QuestionnaireError("bad_field", question=question, field=key)
    return value


# --- walking ---------------------------------------------------------------------------------


def applicable(questionnaire: Questionnaire, answers: Answers) -> tuple[Question, ...]:
    """The questions to ask given the answers so far, in order: a skip rule fires on the
    answer of a question that is itself asked; a skipped question's rules do not fire."""
    skipped: set[str] = set()
    asked: list[Question] = []
    for question in questionnaire.questions:
        if question.code in skipped:
            continue
        asked.append(question)
        answer = answers.get(question.code)
        for rule in question.skip:
            if rule.fires(answer):
                skipped.update(rule.questions)
    return tuple(asked)


def position(questionnaire: Questionnaire, answers: Answers, code: str) -> tuple[int, int]:
    """(N, M) for «Вопрос N из M»: the place among the applicable questions and their count.

    M may change as answers change the skip rules. ValueError if the question is skipped.
    """
    asked = [q.code for q in applicable(questionnaire, answers)]
    return asked.index(code) + 1, len(asked)


def next_question(
    questionnaire: Questionnaire, answers: Answers, after: str | None = None
) -> Question | None:
    """The first applicable question after `after` in the file (the first of all for None);
    None when the questionnaire is done. `after` may be a question that is now skipped."""
    start = -1 if after is None else questionnaire.index(after)
    return next(
        (q for q in applicable(questionnaire, answers) if questionnaire.index(q.code) > start),
        None,
    )


def previous_question(
    questionnaire: Questionnaire, answers: Answers, before: str
) -> Question | None:
    """The applicable question before `before` («Назад»); None at the first one."""
    end = questionnaire.index(before)
    earlier = [q for q in applicable(questionnaire, answers) if questionnaire.index(q.code) < end]
    return earlier[-1] if earlier else None


def drop_skipped(questionnaire: Questionnaire, answers: Answers) -> dict[str, AnswerValue]:
    """The answers of applicable questions only: an answer given before a later change made
    its question skipped (software, then «no electronic catalogue») is not sent."""
    return {
        q.code: answers[q.code] for q in applicable(questionnaire, answers) if q.code in answers
    }


def missing_required(questionnaire: Questionnaire, answers: Answers) -> tuple[str, ...]:
    """Codes of the applicable required questions that have no answer (block «Отправить»)."""
    return tuple(
        q.code for q in applicable(questionnaire, answers) if q.required and q.code not in answers
    )
