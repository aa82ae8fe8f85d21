"""/report: the completion report (a workbook) and the chart of the share of schools."""

from __future__ import annotations

from bot.texts.plural import counted

PICK_SCOPE = "<b>Отчёт о выполнении событий</b>\n\nЧто включить в отчёт?"
PICK_PERIOD = (
    "<b>Отчёт о выполнении событий</b> — {where}\n\n"
    "За какой период? В отчёт войдут события, даты которых приходятся на этот период."
)
WHERE_REPUBLIC = "республика, по районам"
WHERE_REPUBLIC_SCHOOLS = "республика, по районам и школам"

BTN_SCOPE_DISTRICT = "🏫 Район: {district}"
BTN_SCOPE_REPUBLIC = "🗺 Республика: по районам"
BTN_SCOPE_REPUBLIC_SCHOOLS = "🗺 Республика: по районам и школам"
BTN_SCHOOL_YEAR = "Этот учебный год ({label})"
BTN_LAST_SCHOOL_YEAR = "Прошлый учебный год ({label})"
BTN_QUARTER = "Этот квартал ({starts}–{ends})"
SENT = "✅ Отчёт за {starts} – {ends} отправлен ниже. Другой период:"
PREPARING = (
    "⏳ Готовлю отчёт за {starts} – {ends}: таблица и диаграмма придут следующими сообщениями."
)
BTN_LAST_30_DAYS = "Последние 30 дней"
BTN_MONITORING = "📋 Мониторинг ШИБЦ (анкеты школ)"

NO_EVENTS = "За период {starts}–{ends} нет событий ({where}): отчёт пуст.\nВыберите другой период."
NO_DISTRICTS = "В системе пока нет районов: отчёт строить не из чего."
CAPTION = "Выполнение событий — {where}, {starts}–{ends}"
CHART_CAPTION = "Доля школ, отметивших каждое событие: {where}, {starts}–{ends}"


def file_name(starts: str, ends: str) -> str:
    return f"vypolnenie_{starts}_{ends}.xlsx"


def summary(answered: int, asked: int, events: int, schools: int) -> str:
    share = f"{round(100 * answered / asked)} %" if asked else "—"
    return (
        f"{counted(events, 'событие', 'события', 'событий')}, "
        f"{counted(schools, 'школа', 'школы', 'школ')}: отмечено {answered} из {asked} ({share})."
    )


# ---- the workbook ----------------------------------------------------------------------------

STATUS = {
    "accepted": "принято",
    "confirmed": "на проверке",
    "returned": "возвращено",
    "late": "просрочено",
    "pending": "ожидается",
}
STATUS_HELP = {
    "accepted": "школа отметила событие, отдел образования принял отметку",
    "confirmed": "школа отметила событие, отметка ещё не проверена",
    "returned": "отметка возвращена школе на доработку (с замечанием)",
    "late": "срок прошёл, а отметки нет",
    "pending": "отметки пока нет, срок ещё не наступил",
}
NOT_ASKED = "—"
LEGEND_NOT_ASKED = "событие не адресовано этой школе"
LATE_NOTE = " (после срока)"
HELD = "{day}, участников: {participants}"
FILES = "файлов: {count}"
COMMENT = "замечание: {text}"
TITLE = "{where}: выполнение событий за {starts}–{ends} (на {today})"
EVENT_HEADER = "{title}\n{starts}–{ends}\nсрок {deadline}"
SHEET_OVERVIEW = "Итоги"
COL_SECTION_SHARE = "Раздел {number}, %"
COL_NO_SECTION_SHARE = "Вне дорожной карты, %"
ROW_DISTRICT_TOTAL = "Итого по району"
SHEET_SECTION = "Раздел {number}. {title}"
SHEET_NO_SECTION = "Вне дорожной карты"
SHEET_LEGEND = "Обозначения"
LEGEND_HEADER = ("Обозначение", "Что значит")
COL_NUMBER = "№"
COL_SCHOOL = "Школа"
COL_DISTRICT = "Район"
COL_SCHOOLS = "Школ"
COL_EVENTS = "Событий"
COL_ASKED = "Всего"
COL_ANSWERED = "Выполнено"
COL_SHARE = "Выполнено, %"
SHEET_DISTRICTS = "Районы"
SHEET_SCHOOLS = "Школы"
REPUBLIC = "Республика"

# ---- the chart -------------------------------------------------------------------------------

CHART_TITLE = "Доля школ, отметивших событие\n{where}, {starts}–{ends}"
CHART_MORE = "показаны первые события, ещё {count} — в таблице"
