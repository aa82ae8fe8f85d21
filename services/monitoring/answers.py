"""The checks of monitoring answers: one typed answer as it is sent, and all answers at the end.

`parse_answer` turns what a librarian typed (or a button's canonical value) into a typed value,
or raises `ValidationError(code, **params)`; `check_value` checks an already typed value (last
year's answer offered with «Оставить как было»). At the end `cross_check` compares answers with
each other (the questionnaire's [[checks]]) and `year_changes` lists the figures that moved more
than a share from last year, to ask «Верно?».
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeAlias, TypeGuard
from urllib.parse import urlsplit

from services.errors import ValidationError
from services.monitoring.questionnaire import (
    Answers,
    AnswerValue,
    CrossCheck,
    Number,
    Question,
    Questionnaire,
    QuestionType,
    applicable,
    drop_skipped,
)
from services.validation import check_year, clean_multiline

TEXT_MAX = 1000
URL_MAX = 2000
LINKS_MAX = 10
DEFAULT_SHARE = Decimal("0.5")

# every code a ValidationError of this module may carry (bot/texts/monitoring.py has a text
# for each; "control_chars", "too_long" and "year_out_of_range" are the common ones)
ANSWER_ERROR_CODES = frozenset(
    {
        "empty_answer",
        "nothing_ticked",
        "not_a_number",
        "not_whole",
        "negative",
        "out_of_range",
        "too_small",
        "too_large",
        "not_yes_no",
        "not_a_choice",
        "exclusive_choice",
        "answer_bad_url",
        "url_no_scheme",
        "too_many_links",
        "answer_bad_date_format",
        "answer_bad_date",
        "answer_date_in_future",
        "wrong_type",
        "control_chars",
        "too_long",
        "year_out_of_range",
    }
)
# the refusal of a cross check, by its operator: «{left} не может быть больше {right}»
CROSS_CHECK_CODES = {
    "<=": "cross_le",
    "<": "cross_lt",
    ">=": "cross_ge",
    ">": "cross_gt",
    "==": "cross_eq",
}
_COMPARE: dict[str, Callable[[Number, Number], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}

_YES = frozenset({"да", "есть", "yes", "true"})
_NO = frozenset({"нет", "no", "false"})
# a number as people write it: «10000», «10 000» (any space, one between groups of three),
# «10 000,5», «10000.5»; a sign in front
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d+))?$")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DOMAIN_LIKE = re.compile(r"^(www\.)?[^\s/.]+\.[^\s/]+")
_MULTI_SEPARATORS = re.compile(r"[,;\n]")
_QUOTES = str.maketrans("", "", "«»\"'„“")


def parse_answer(question: Question, raw: str, *, today: date) -> AnswerValue:
    """What was typed (or a button's value: a choice code, «да»/«нет») as a typed, checked
    value; ValidationError with the reason otherwise."""
    text = raw.strip()
    if not text:
        raise ValidationError("empty_answer")
    match question.type:
        case QuestionType.INT | QuestionType.DECIMAL:
            value: AnswerValue = _parse_number(question, text)
        case QuestionType.BOOL:
            value = _parse_bool(text)
        case QuestionType.CHOICE:
            value = _choice_code(question, text)
        case QuestionType.MULTI:
            value = _parse_multi(question, text)
        case QuestionType.TEXT:
            value = clean_multiline(text)
        case QuestionType.URL:
            value = _parse_links(text) if question.many else text
        case QuestionType.DATE:
            value = _parse_date(text)
    return check_value(question, value, today=today)


def check_value(question: Question, value: AnswerValue, *, today: date) -> AnswerValue:
    """A typed value checked against the question: range, choices, link, date; returned in its
    canonical form. ValidationError("wrong_type") for a value of another type."""
    match question.type:
        case QuestionType.INT:
            if not _is_int(value):
                raise ValidationError("wrong_type")
            return _check_range(question, value)
        case QuestionType.DECIMAL:
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise ValidationError("wrong_type")
            return _check_range(question, Decimal(value))
        case QuestionType.BOOL:
            if not isinstance(value, bool):
                raise ValidationError("wrong_type")
            return value
        case QuestionType.CHOICE:
            if not isinstance(value, str) or question.choice(value) is None:
                raise ValidationError("not_a_choice", choices=_choice_list(question))
            return value
        case QuestionType.MULTI:
            if not isinstance(value, tuple):
                raise ValidationError("wrong_type")
            return check_multi(question, value)
        case QuestionType.TEXT:
            if not isinstance(value, str):
                raise ValidationError("wrong_type")
            return _check_text(value)
        case QuestionType.URL:
            if question.many:
                if not isinstance(value, tuple):
                    raise ValidationError("wrong_type")
                return _check_links(value)
            if not isinstance(value, str):
                raise ValidationError("wrong_type")
            return _check_url(value)
        case QuestionType.DATE:
            if not isinstance(value, date):
                raise ValidationError("wrong_type")
            return _check_date(value, today)


def check_multi(question: Question, codes: Iterable[str]) -> tuple[str, ...]:
    """Ticked choices (the codes of a multi question's buttons) in the questionnaire's order;
    an exclusive choice («Не участвовали») cannot go with another."""
    ticked = set(codes)
    if not ticked:
        raise ValidationError("nothing_ticked")
    if any(question.choice(code) is None for code in ticked):
        raise ValidationError("not_a_choice", choices=_choice_list(question))
    chosen = tuple(c for c in question.choices if c.code in ticked)
    if len(chosen) > 1:
        exclusive = next((c for c in chosen if c.exclusive), None)
        if exclusive is not None:
            raise ValidationError("exclusive_choice", choice=exclusive.text)
    return tuple(c.code for c in chosen)


def carry_over(
    questionnaire: Questionnaire, last_year: Answers, *, today: date
) -> dict[str, AnswerValue]:
    """Last year's answers that still fit this year's questions (the same code, type, range
    and choices), to prefill with «Оставить как было»; the rest are asked afresh."""
    kept: dict[str, AnswerValue] = {}
    for code, value in last_year.items():
        if code not in questionnaire:
            continue
        try:
            kept[code] = check_value(questionnaire.question(code), value, today=today)
        except ValidationError:
            continue
    return kept


# --- one answer ------------------------------------------------------------------------------


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _strip_unit(question: Question, text: str) -> str:
    """«25 Мбит/с» and «120 экз.» as the question's own unit: the figure alone."""
    unit = question.unit.rstrip(".")
    body = text.rstrip(".")
    if unit and len(body) > len(unit) and body[-len(unit) :].casefold() == unit.casefold():
        return body[: -len(unit)].strip()
    return text


def _parse_number(question: Question, text: str) -> Number:
    figure = _SPACES.sub(" ", _strip_unit(question, text).translate(_DASHES))
    match = _NUMBER.match(figure)
    if match is None:
        raise ValidationError("not_a_number", value=text)
    sign, whole, fraction = match.groups()
    digits = whole.replace(" ", "")
    if question.type is QuestionType.INT:
        if fraction is not None:
            raise ValidationError("not_whole", value=text)
        number: Number = int(digits)
    else:
        number = Decimal(f"{digits}.{fraction}" if fraction is not None else digits)
    return -number if sign == "-" else number


def _check_range(question: Question, value: Number) -> Number:
    low, high = question.minimum, question.maximum
    params = {"unit": question.unit}
    if value < 0 and (low is None or low >= 0):
        raise ValidationError("negative", **params)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise ValidationError("out_of_range", min=low, max=high, **params)
        if low is not None:
            raise ValidationError("too_small", min=low, **params)
        raise ValidationError("too_large", max=high, **params)
    return value


def _parse_bool(text: str) -> bool:
    word = text.casefold().rstrip(".!").strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValidationError("not_yes_no")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.casefold().replace("ё", "е").translate(_QUOTES)).strip(" .")


def _choice_code(question: Question, text: str) -> str:
    """A choice by its code (a button) or by its text typed in any case."""
    if question.choice(text) is not None:
        return text
    wanted = _normal(text)
    for choice in question.choices:
        if _normal(choice.text) == wanted:
            return choice.code
    raise ValidationError("not_a_choice", choices=_choice_list(question))


def _parse_multi(question: Question, text: str) -> tuple[str, ...]:
    try:  # one choice whose text has a comma
        return (_choice_code(question, text),)
    except ValidationError:
        parts = [p.strip() for p in _MULTI_SEPARATORS.split(text) if p.strip()]
        return tuple(_choice_code(question, p) for p in parts)


def _choice_list(question: Question) -> str:
    return ", ".join(c.text for c in question.choices)


def _check_text(value: str) -> str:
    cleaned = clean_multiline(value)
    if not cleaned:
        raise ValidationError("empty_answer")
    if len(cleaned) > TEXT_MAX:
        raise ValidationError("too_long", length=len(cleaned), max=TEXT_MAX)
    return cleaned


def _parse_links(text: str) -> tuple[str, ...]:
    return tuple(link.rstrip(",;") for link in text.split())


def _check_links(links: tuple[str, ...]) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(link for link in links if link))
    if not unique:
        raise ValidationError("empty_answer")
    if len(unique) > LINKS_MAX:
        raise ValidationError("too_many_links", max=LINKS_MAX, count=len(unique))
    return tuple(_check_url(link) for link in unique)


def _check_url(value: str) -> str:
    """An http(s) link with a host name that has a dot (https://school.ru/news/1)."""
    link = value.strip()
    if not link:
        raise ValidationError("empty_answer")
    if len(link) > URL_MAX or any(ch.isspace() for ch in link):
        raise ValidationError("answer_bad_url", value=link[:100])
    if "://" not in link and _DOMAIN_LIKE.match(link):
        raise ValidationError("url_no_scheme", value=link[:100])
    try:
        parts = urlsplit(link)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        raise ValidationError("answer_bad_url", value=link[:100]) from None
    labels = host.split(".")
    if parts.scheme not in {"http", "https"} or len(labels) < 2 or not all(labels):
        raise ValidationError("answer_bad_url", value=link[:100])
    return link


def _parse_date(text: str) -> date:
    match = _DATE.match(text)
    if match is None:
        raise ValidationError("answer_bad_date_format", value=text)
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError("answer_bad_date", value=text) from None


def _check_date(value: date, today: date) -> date:
    check_year(value)
    if value > today:
        raise ValidationError("answer_date_in_future", today=today)
    return value


# --- all answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckFailure:
    """A cross check that failed: `code` and `params` make its text, `questions` are the
    questions to fix (to offer them, or to name them when a coordinator returns the form)."""

    check: CrossCheck
    code: str
    questions: tuple[str, ...]
    params: Mapping[str, object]

    def as_error(self) -> ValidationError:
        return ValidationError(self.code, **self.params)


def cross_check(questionnaire: Questionnaire, answers: Answers) -> list[CheckFailure]:
    """The questionnaire's [[checks]] over the answers of the applicable questions.

    The left side is the sum of its answered questions; a check is not made when its right
    side or all of its left side is unanswered. Params: left and right (the questions'
    labels, «+» between the parts of a sum), left_value and right_value.
    """
    given = drop_skipped(questionnaire, answers)
    failures: list[CheckFailure] = []
    for check in questionnaire.checks:
        right = _number(given.get(check.right))
        parts = [(code, _number(given.get(code))) for code in check.left]
        present = [(code, value) for code, value in parts if value is not None]
        if right is None or not present:
            continue
        left: Number = sum((value for _, value in present), start=0)
        if _COMPARE[check.op](left, right):
            continue
        failures.append(
            CheckFailure(
                check=check,
                code=CROSS_CHECK_CODES[check.op],
                questions=(*(code for code, _ in present), check.right),
                params={
                    "left": " + ".join(questionnaire.question(c).label for c, _ in present),
                    "right": questionnaire.question(check.right).label,
                    "left_value": left,
                    "right_value": right,
                },
            )
        )
    return failures


@dataclass(frozen=True)
class YearChange:
    """A figure that moved more than the share from last year: ask «Верно?»."""

    code: str
    old: Number
    new: Number


def year_changes(
    questionnaire: Questionnaire,
    answers: Answers,
    last_year: Answers,
    share: Decimal | float = DEFAULT_SHARE,
) -> list[YearChange]:
    """The applicable number questions (without `compare = false`) answered both years whose
    answer changed by more than `share` of last year's (0.5: by more than half, up or down).
    From last year's 0 any other figure counts as changed."""
    limit = Decimal(str(share))
    if limit <= 0:
        raise ValueError("share must be positive")
    changes: list[YearChange] = []
    for question in applicable(questionnaire, answers):
        if not question.is_number or not question.compare:
            continue
        new = _number(answers.get(question.code))
        old = _number(last_year.get(question.code))
        if new is None or old is None:
            continue
        changed = new != 0 if old == 0 else abs(Decimal(new) - old) > limit * abs(Decimal(old))
        if changed:
            changes.append(YearChange(question.code, old, new))
    return changes


def _number(value: AnswerValue | None) -> Number | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return value


# --- storage ---------------------------------------------------------------------------------

JsonValue: TypeAlias = int | str | bool | list[str]


def encode_answers(answers: Answers) -> dict[str, JsonValue]:
    """Answers as JSON-able values (a draft's column): a decimal and a date as text."""
    encoded: dict[str, JsonValue] = {}
    for code, value in answers.items():
        if isinstance(value, bool | int | str):
            encoded[code] = value
        elif isinstance(value, Decimal):
            encoded[code] = str(value)
        elif isinstance(value, date):
            encoded[code] = value.isoformat()
        else:
            encoded[code] = list(value)
    return encoded


def decode_answers(
    questionnaire: Questionnaire, data: Mapping[str, object]
) -> dict[str, AnswerValue]:
    """encode_answers back by the questions' types. A code the questionnaire no longer has, or
    a value that no longer fits its type, is left out (asked afresh)."""
    decoded: dict[str, AnswerValue] = {}
    for code, raw in data.items():
        if code not in questionnaire:
            continue
        value = _decode(questionnaire.question(code), raw)
        if value is not None:
            decoded[code] = value
    return decoded


def _decode(question: Question, raw: object) -> AnswerValue | None:
    qtype = question.type
    value: AnswerValue | None = None
    if qtype is QuestionType.INT and _is_int(raw):
        value = raw
    elif qtype is QuestionType.DECIMAL and isinstance(raw, str):
        value = _decimal(raw)
    elif qtype is QuestionType.DECIMAL and _is_int(raw):
        value = Decimal(raw)
    elif qtype is QuestionType.BOOL and isinstance(raw, bool):
        value = raw
    elif qtype is QuestionType.DATE and isinstance(raw, str):
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            value = None
    elif isinstance(raw, str) and (
        qtype in {QuestionType.CHOICE, QuestionType.TEXT}
        or (qtype is QuestionType.URL and not question.many)
    ):
        value = raw
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        value = tuple(raw) if qtype is QuestionType.MULTI or question.many else None
    return value


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
