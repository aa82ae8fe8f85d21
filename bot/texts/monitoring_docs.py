"""The monitoring's documents (the summary, its CSV, the charts, the analytical note), the
republic's summary, and /pending (who has not answered, «Напомнить»)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts.monitoring import INDICATOR_NAMES, NO_DATA
from bot.texts.plural import after_figure, agreed, counted

# ---- the buttons' answers --------------------------------------------------------------------

CAPTION_XLSX = "Сводная таблица мониторинга — {where}, {year}"
CAPTION_CSV = (
    "Сводная таблица мониторинга в CSV — {where}, {year}.\n"
    "Кодировка UTF-8, разделитель «;»: файл открывается в Excel двойным щелчком."
)
CAPTION_NOTE = (
    "Аналитическая справка (черновик) — {where}, {year}. Проверьте и дополните текст в Word."
)
CAPTION_BOOKS = "Книгообеспеченность по школам — {where}, {year}"
CAPTION_COVERAGE = "Охват чтением по школам — {where}, {year}"
NOTHING_TO_DRAW = (
    "Пока ни одна школа не сдала анкету с этими данными: диаграммы строить не из чего."
)
MAKING = "Готовлю файл…"


def file_name(kind: str, year: int, extension: str) -> str:
    return f"monitoring_{kind}_{year}-{year + 1}.{extension}"


def submitted_line(submitted: int, schools: int) -> str:
    return f"Сдали анкету: {submitted} из {counted(schools, 'школы', 'школ', 'школ')}."


# ---- the republic (from /report → «Республика») ----------------------------------------------


REPUBLIC_PICK = (
    "<b>Мониторинг ШИБЦ — {where}</b>\n\n"
    "За какой учебный год? Будет сводная таблица (одна строка на район), аналитическая "
    "справка по районам (черновик в Word) и диаграммы."
)
REPUBLIC_NO_ROUNDS = "Мониторинг ещё не проводился ни в одном районе: сводить нечего."
BTN_REPUBLIC_YEAR = "{year}"
WHERE_REPUBLIC = "республика, по районам"
WHERE_REPUBLIC_SCHOOLS = "республика, по районам и школам"
REPUBLIC_CAPTION_BOOKS = "Книгообеспеченность по районам — {year}"
REPUBLIC_CAPTION_COVERAGE = "Охват чтением по районам — {year}"

# ---- the workbook ----------------------------------------------------------------------------

STATUS = {"submitted": "отправлена", "accepted": "принята"}
MISSING_STATE = {
    "none": "не начата",
    "draft": "черновик, не отправлена",
    "returned": "возвращена на исправление",
}
COUNTED = (
    "Учтены анкеты в статусе «отправлена» и «принята»; черновики и возвращённые анкеты "
    "в расчёт не входят (их школы — на листе «Не сдали»)."
)
SUMMARY = {
    "title": "{where}: мониторинг ШИБЦ {year} (на {today})",
    "counted": COUNTED,
    "no_data": NO_DATA,
    "yes": "да",
    "no": "нет",
    "number": "№",
    "school": "Школа",
    "district": "Район",
    "status_column": "Анкета",
    "state_column": "Состояние анкеты",
    "with_unit": "{label}, {unit}",
    "to_median": "{name}: к медиане",
    "last_year": "{name}: прошлый год",
    "change": "{name}: изменение",
    "district_median": "{name}: медиана школ",
    "district_value": "По району (сумма по школам)",
    "median_row": "Медиана по школам",
    "last_year_row": "Прошлый год",
    "sum_row": "Итого (сумма)",
    "schools_with_data": "Школ с данными",
    "republic": "Республика",
    "compared_row": "Районы, проводившие мониторинг оба года",
    "schools_count": "Школ",
    "submitted_count": "Сдали",
    "indicators_sheet": "Показатели",
    "districts_sheet": "Районы",
    "missing_sheet": "Не сдали",
    "notes_sheet": "Пояснения",
    "none_missing": "Все школы сдали анкету.",
    "formula": "{name} = {numerator} / {denominator}{scale}",
    "percent_scale": " × 100 %",
}
NOTES = (
    "Зелёная ячейка: показатель школы выше медианы по школам.",
    "Красная ячейка: показатель школы ниже медианы по школам.",
    "«К медиане»: показатель школы, делённый на медиану (1,25 — на четверть выше медианы).",
    "«По району»: сумма числителей по школам, делённая на сумму знаменателей; школа входит в "
    "расчёт показателя, только если у неё есть оба числа и знаменатель не ноль.",
    f"«{NO_DATA}»: нет ответа или знаменатель равен нулю (например, ноль читателей).",
)

# ---- the charts ------------------------------------------------------------------------------

CHART = {
    "median": "медиана {value} (пунктир)",
    "more": "… ещё {count}: от {low} до {high}",
    "no_data": f"{NO_DATA}: {{count}}",
}
CHART_BOOKS = "Книгообеспеченность, экз. на читателя\n{where}, {year}"
CHART_COVERAGE = "Охват чтением, % учащихся\n{where}, {year}"

# ---- the note --------------------------------------------------------------------------------

NOTE = {
    "title": "Аналитическая справка по итогам мониторинга ШИБЦ за {year} учебный год",
    "subtitle": "{where}. Составлена по данным мониторинга на {today}.",
    "draft": "Черновик: проверьте цифры и дополните выводы перед отправкой.",
    "counted": "Учтены отправленные и принятые анкеты.",
    "figures_heading": "Основные показатели",
    "no_figures": "Данных для расчёта показателей пока нет.",
    "table_heading": "Показатели района",
    "no_data": NO_DATA,
    "charts_heading": "Диаграммы",
    "standing_heading": "Школы выше и ниже медианы",
    "above": "{name}: выше медианы ({median}) — {schools}.",
    "below": "{name}: ниже медианы ({median}) — {schools}.",
    "on_median": "{name}: на уровне медианы ({median}) — {schools}.",
    "no_schools": "нет",
    "school_figure": "{school} ({value})",
    "missing_heading": "Не сдали анкету",
    "all_submitted": "Анкету сдали все школы района.",
}
NOTE_TABLE_HEADER = ("Показатель", "По району", "Медиана по школам", "Прошлый год")
# by indicator: this year alone; grew; fell; unchanged. {new} and {old} are the figures as
# written; {unit} is the unit's form that goes with {new} (UNITS)
SENTENCES = {
    "reading_coverage": (
        "Охват чтением составил {new}.",
        "Охват чтением вырос с {old} до {new}.",
        "Охват чтением снизился с {old} до {new}.",
        "Охват чтением не изменился: {new}.",
    ),
    "book_provision": (
        "Книгообеспеченность составила {new} экз. на читателя.",
        "Книгообеспеченность составила {new} экз. на читателя (в прошлом году {old}).",
        "Книгообеспеченность составила {new} экз. на читателя (в прошлом году {old}).",
        "Книгообеспеченность составила {new} экз. на читателя, как и в прошлом году.",
    ),
    "textbooks_per_pupil": (
        "На одного учащегося приходится {new} {unit}.",
        "На одного учащегося приходится {new} {unit} (в прошлом году {old}).",
        "На одного учащегося приходится {new} {unit} (в прошлом году {old}).",
        "На одного учащегося приходится {new} {unit}, как и в прошлом году.",
    ),
    "reading_rate": (
        "Читаемость — {new} {unit} на читателя.",
        "Читаемость выросла с {old} до {new} {unit} на читателя.",
        "Читаемость снизилась с {old} до {new} {unit} на читателя.",
        "Читаемость не изменилась: {new} {unit} на читателя.",
    ),
    "attendance": (
        "Посещаемость — {new} {unit} на читателя.",
        "Посещаемость выросла с {old} до {new} {unit} на читателя.",
        "Посещаемость снизилась с {old} до {new} {unit} на читателя.",
        "Посещаемость не изменилась: {new} {unit} на читателя.",
    ),
    "fund_turnover": (
        "Обращаемость фонда — {new}.",
        "Обращаемость фонда выросла с {old} до {new}.",
        "Обращаемость фонда снизилась с {old} до {new}.",
        "Обращаемость фонда не изменилась: {new}.",
    ),
    "visits_per_day": (
        "Средняя посещаемость — {new} {unit} в день.",
        "Средняя посещаемость выросла с {old} до {new} {unit} в день.",
        "Средняя посещаемость снизилась с {old} до {new} {unit} в день.",
        "Средняя посещаемость не изменилась: {new} {unit} в день.",
    ),
}
# the unit of an indicator's sentences: (1, 2, 5 of it); after a fraction the second
UNITS = {
    "textbooks_per_pupil": ("учебник", "учебника", "учебников"),
    "reading_rate": ("выдача", "выдачи", "выдач"),
    "attendance": ("посещение", "посещения", "посещений"),
    "visits_per_day": ("посещение", "посещения", "посещений"),
}


def unit(code: str, figure: str) -> str:
    """The form of the indicator's unit after the figure as written: «8,5 учебника»,
    «1 учебник», «20 выдач»; "" for an indicator without a unit in its sentences."""
    forms = UNITS.get(code)
    return after_figure(figure, *forms) if forms else ""


def participation(submitted: int, schools: int) -> str:
    return (
        f"В мониторинге {agreed(submitted, 'участвовала', 'участвовали')} {submitted} из "
        f"{counted(schools, 'школы', 'школ', 'школ')} района."
    )


def missing_intro(count: int) -> str:
    return (
        f"Не {agreed(count, 'сдала', 'сдали')} анкету {counted(count, 'школа', 'школы', 'школ')}:"
    )


# the note's names of the indicators: «Охват чтением» without «, %» (its figures carry «%»)
NOTE_INDICATOR_NAMES = {**INDICATOR_NAMES, "reading_coverage": "Охват чтением"}

# the republic's note: the words that differ from a district's (the rest: NOTE)
REPUBLIC_NOTE = {
    "where": "По районам республики",
    "table_heading": "Показатели республики",
    "districts_heading": "Показатели районов",
    "district_column": "Район",
    "submitted_column": "Анкеты",
    "republic_row": "Республика",
    "standing_heading": "Районы выше и ниже медианы",
    "standing_intro": (
        "Медиана взята по значениям районов; значение района — сумма по его школам "
        "(как в таблице выше)."
    ),
    "standing_few": "Районов с данными меньше трёх: сравнение с медианой не приводится.",
    "standing_few_one": (
        "{name}: районов с данными меньше трёх, сравнение с медианой не приводится."
    ),
    "all_submitted": "Анкету сдали все школы всех районов.",
    "all_submitted_held": "Анкету сдали все школы районов, где проводился мониторинг.",
    "compared": (
        "Сравнение с прошлым годом — по районам, проводившим мониторинг оба года: {names}."
    ),
    "compared_note": "* По районам, проводившим мониторинг оба года: {names}.",
}
REPUBLIC_NOTE_TABLE_HEADER = ("Показатель", "По республике", "Медиана по школам", "Прошлый год")
# when some districts had no round last year: the same districts this year and last year
REPUBLIC_NOTE_COMPARED_HEADER = (
    "Показатель",
    "По республике",
    "Медиана по школам",
    "Этот год*",
    "Прошлый год*",
)


def republic_participation(submitted: int, schools: int, districts: int, held: int) -> str:
    """``districts``: all the republic's; ``held``: those with a round (``schools`` are
    theirs)."""
    verb = agreed(submitted, "участвовала", "участвовали")
    if held == districts:
        return (
            f"В мониторинге {verb} {submitted} из "
            f"{counted(schools, 'школы', 'школ', 'школ')} "
            f"в {counted(districts, 'районе', 'районах', 'районах')}."
        )
    these = agreed(held, "этого района", "этих районов")
    return (
        f"Мониторинг проводился в {counted(held, 'районе', 'районах', 'районах')} "
        f"из {districts}; в нём {verb} {submitted} из "
        f"{counted(schools, 'школы', 'школ', 'школ')} {these}."
    )


def district_submitted(submitted: int, schools: int) -> str:
    return f"сдали {submitted} из {schools}"


def district_missing(district: str, count: int) -> str:
    return (
        f"{district}: не {agreed(count, 'сдала', 'сдали')} анкету "
        f"{counted(count, 'школа', 'школы', 'школ')}:"
    )


def not_held(districts: Sequence[tuple[str, int]]) -> str:
    """(district, its schools) → «Мониторинг не проводился: Белебеевский район (1 школа)."""
    listed = ", ".join(
        f"{name} ({counted(schools, 'школа', 'школы', 'школ')})" for name, schools in districts
    )
    return f"Мониторинг не проводился: {listed}."


# ---- /pending --------------------------------------------------------------------------------

PENDING_PICK = (
    "<b>Кто не ответил</b>\n\nВыберите открытое событие или мониторинг: покажу школы, "
    "которые ещё не ответили, и можно будет им напомнить."
)
PENDING_NONE = "В районе нет открытых событий: ждать ответов не от кого."
PENDING_MONITORING = "📋 {title}"
PENDING_EVENT = "{title} (до {deadline})"
PENDING_HEADER = "<b>{title}</b>\nСрок: {deadline}\n\n"
PENDING_ALL_DONE = "Все школы ответили ({total} из {total})."
PENDING_LINE = "{n}. {school}"
BTN_REMIND = "📨 Напомнить"
REMINDED_AGAIN = (
    "Сегодня по этому событию уже напоминали. Следующее напоминание можно отправить "
    "{day} (завтра)."
)
EVENT_CLOSED = "Событие уже закрыто: напоминать не о чем."


def pending_count(missing: int, total: int) -> str:
    return f"Не ответили {missing} из {counted(total, 'школы', 'школ', 'школ')}:"


def reminded(count: int) -> str:
    if not count:
        return "Напоминать некому: у этих школ нет подключённых библиотекарей."
    return (
        f"Напоминание уйдёт {counted(count, 'библиотекарю', 'библиотекарям', 'библиотекарям')} "
        "школ, которые не ответили. Следующее — не раньше завтрашнего дня."
    )
