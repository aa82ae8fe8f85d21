"""The annual monitoring: the words for the refusals of services.monitoring (an answer, the
checks across answers, a questionnaire file) and the indicators' names."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.texts.common import ErrorText
from bot.texts.plural import counted

NO_DATA = "нет данных"
QUESTION_NUMBER = "Вопрос {n} из {m}"
YEAR_CHANGE = "Сильно изменилось «{label}»:\nв прошлом году — {old}\nсейчас — {new}\nВсё верно?"
QUESTIONNAIRE_REFUSED = "Файл анкеты не принят, действует прежняя анкета.\n{reason}"

INDICATOR_NAMES = {
    "book_provision": "Книгообеспеченность",
    "textbooks_per_pupil": "Учебников на учащегося",
    "reading_rate": "Читаемость",
    "attendance": "Посещаемость",
    "fund_turnover": "Обращаемость фонда",
    "reading_coverage": "Охват чтением, %",
    "visits_per_day": "Посещений в день",
}


def num(value: object, places: int = 1) -> str:
    """A figure as Russian text: «120», «10 000», «1000,5», «12,3»; a float rounded to
    `places`; anything else as is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, float):
        value = round(Decimal(repr(value)), places)
    fraction = ""
    if isinstance(value, int):
        whole = _grouped(abs(value))
    else:
        digits, _, fraction = f"{abs(value):f}".partition(".")
        whole, fraction = _grouped(int(digits)), fraction.rstrip("0")
    sign = "-" if value < 0 else ""
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def _grouped(whole: int) -> str:
    return f"{whole:,}".replace(",", " ") if whole >= 10_000 else str(whole)


def indicator_text(value: float | None) -> str:
    """An indicator's value for a message or a cell's note: «30», «12,5», «нет данных»."""
    return NO_DATA if value is None else num(value)


def _end(p: Mapping[str, Any]) -> str:
    """The unit after a number and the full stop: « чел.», « мест.», «.»."""
    unit = f" {p['unit']}" if p.get("unit") else ""
    return unit if unit.endswith(".") else unit + "."


def _where(p: Mapping[str, Any]) -> str:
    return f"Вопрос «{p['question']}»: " if p.get("question") else ""


def _cross(relation: str) -> ErrorText:
    return lambda p: (
        f"«{p['left']}» ({num(p['left_value'])}) {relation} «{p['right']}» "
        f"({num(p['right_value'])}). Исправьте один из ответов."
    )


# one answer, as it is typed
ANSWER_ERRORS: dict[str, ErrorText] = {
    "nothing_ticked": "Отметьте хотя бы один вариант и нажмите «Готово».",
    "empty_answer": (
        "Пустой ответ. Напишите ответ или нажмите «Пропустить», если есть такая кнопка."
    ),
    "not_a_number": "«{value}» — не число. Напишите число цифрами, например 120.",
    "not_whole": (
        "Здесь нужно целое число, а «{value}» — дробное. Напишите без запятой, например 120."
    ),
    "negative": "Число не может быть отрицательным.",
    "out_of_range": lambda p: (
        f"Число должно быть от {num(p['min'])} до {num(p['max'])}{_end(p)} Проверьте ответ."
    ),
    "too_small": lambda p: f"Число должно быть не меньше {num(p['min'])}{_end(p)}",
    "too_large": lambda p: f"Число должно быть не больше {num(p['max'])}{_end(p)}",
    "not_yes_no": "Ответьте «да» или «нет» (или нажмите кнопку под вопросом).",
    "not_a_choice": (
        "Такого варианта нет. Нажмите кнопку под вопросом или напишите один из вариантов: "
        "{choices}."
    ),
    "exclusive_choice": "«{choice}» нельзя выбрать вместе с другими вариантами.",
    "answer_bad_url": (
        "«{value}» — не ссылка. Пришлите адрес страницы целиком, например https://school.ru/news/1"
    ),
    "url_no_scheme": "Ссылка должна начинаться с https:// — например, https://{value}",
    "too_many_links": lambda p: (
        f"За раз можно прислать не больше {counted(p['max'], 'ссылки', 'ссылок', 'ссылок')}."
    ),
    "answer_bad_date_format": "Напишите дату так: ДД.ММ.ГГГГ, например 15.03.2024.",
    "answer_bad_date": "Такой даты нет в календаре: «{value}». Проверьте день и месяц.",
    "answer_date_in_future": (
        "Эта дата ещё не наступила (сегодня {today}). Укажите прошедшую дату."
    ),
    "wrong_type": "Этот ответ не подходит к вопросу. Ответьте ещё раз.",
}

# the checks across answers, made before «Отправить»
CROSS_ERRORS: dict[str, ErrorText] = {
    "cross_le": _cross("не может быть больше, чем"),
    "cross_lt": _cross("должно быть меньше, чем"),
    "cross_ge": _cross("не может быть меньше, чем"),
    "cross_gt": _cross("должно быть больше, чем"),
    "cross_eq": _cross("должно быть равно:"),
}

# a questionnaire file refused at load (shown after QUESTIONNAIRE_REFUSED)
QUESTIONNAIRE_ERRORS: dict[str, ErrorText] = {
    "file_unreadable": "Не удалось прочитать файл «{file}».",
    "file_not_toml": "Файл «{file}» — не TOML или в нём ошибка разметки: {detail}",
    "bad_field": lambda p: f"{_where(p) or 'Анкета: '}неверное значение поля «{p['field']}».",
    "missing_field": lambda p: f"{_where(p) or 'Анкета: '}нет поля «{p['field']}».",
    "unknown_field": lambda p: (
        f"{_where(p) or 'Анкета: '}неизвестное поле «{p['field']}» (опечатка?)."
    ),
    "no_questions": "В файле нет вопросов ([[questions]]).",
    "bad_section": "Раздел №{number}: нужны code (латиница) и title.",
    "duplicate_section": "Раздел «{section}» встречается дважды.",
    "bad_code": (
        "Вопрос №{number}: код «{question}» не годится — нужны строчные латинские буквы, "
        "цифры и _, до 32 знаков."
    ),
    "duplicate_question": "Код вопроса «{question}» встречается дважды.",
    "unknown_section": "Вопрос «{question}»: нет раздела «{section}».",
    "unknown_type": (
        "Вопрос «{question}»: неизвестный тип «{type}». Можно: int, decimal, bool, choice, "
        "multi, text, url, date."
    ),
    "range_not_numeric": "Вопрос «{question}»: {field} бывает только у чисел (int, decimal).",
    "min_above_max": "Вопрос «{question}»: min ({min}) больше max ({max}).",
    "no_choices": "Вопрос «{question}»: нет вариантов ответа (choices).",
    "choices_not_allowed": (
        "Вопрос «{question}»: варианты ответа (choices) бывают только у choice и multi."
    ),
    "bad_choice": (
        "Вопрос «{question}», вариант №{number}: нужны code (латиница) и text (до 64 знаков); "
        "exclusive — только у multi."
    ),
    "duplicate_choice": "Вопрос «{question}»: вариант «{choice}» встречается дважды.",
    "bad_skip": (
        "Вопрос «{question}»: в правиле пропуска нужны if или unless и список questions."
    ),
    "bad_skip_value": (
        "Вопрос «{question}»: значение «{value}» в правиле пропуска не подходит к вопросу."
    ),
    "skip_unknown_question": (
        "Вопрос «{question}»: правило пропуска указывает на несуществующий вопрос «{target}»."
    ),
    "skip_backwards": (
        "Вопрос «{question}»: правило пропуска указывает на вопрос «{target}», который стоит "
        "не после него. Пропускать можно только следующие вопросы."
    ),
    "bad_check": "Проверка №{check}: нужны ровно left, op и right.",
    # the message is HTML: «<» written as &lt;
    "bad_operator": (
        "Проверка №{check}: неизвестное сравнение «{op}». Можно: &lt;=, &lt;, &gt;=, &gt;, ==."
    ),
    "check_unknown_question": "Проверка №{check}: нет вопроса «{question}».",
    "check_not_numeric": "Проверка №{check}: вопрос «{question}» — не число, сравнивать нельзя.",
}

ROUND_ERRORS: dict[str, ErrorText] = {
    "round_exists": "Мониторинг за {year} учебный год в районе уже открыт.",
    "round_closed": "Приём ответов мониторинга закрыт.",
    "response_already_sent": "Анкета школы уже отправлена — изменить её можно, если её вернут.",
    "response_not_ready": "Анкета ещё не готова к отправке: ответьте на отмеченные вопросы.",
    "response_not_submitted": "Эта анкета не ждёт проверки.",
    "return_needs_questions": "Укажите, какие вопросы исправить, или напишите комментарий.",
}

ERRORS: dict[str, ErrorText] = {
    **ANSWER_ERRORS,
    **CROSS_ERRORS,
    **QUESTIONNAIRE_ERRORS,
    **ROUND_ERRORS,
}
