"""Contests: texts of the entry part (librarians: the contests, the entry form, the entries)."""

from __future__ import annotations

from bot.texts import common
from bot.texts.plural import counted, plural

# ---- the list and the card ---------------------------------------------------------------------

NO_SCHOOL = "Вы не привязаны к школе. Откройте ссылку-приглашение школы."

LIST_HEADER = "<b>Конкурсы</b>\n\n{lines}\n\nВыберите конкурс:"
LIST_EMPTY = "Сейчас в районе нет конкурсов с открытым приёмом заявок."
LIST_LINE = "{icon} <b>{title}</b>\n     приём заявок до {deadline}{mark} · у школы {entries}"
# a published contest: its deadline no longer matters
LIST_LINE_PUBLISHED = "{icon} <b>{title}</b>\n     итоги опубликованы · у школы {entries}"
LIST_MARKS = {
    "open": "",
    "closed": " (приём закрыт)",
    "published": " (итоги опубликованы)",
}
LIST_ICONS = {"open": "📝", "closed": "🔒", "published": "🏆"}
LIST_BUTTON = "{icon} {title}"


def entries_count(n: int) -> str:
    """«у школы 1 заявка / 2 заявки / 5 заявок»."""
    return counted(n, "заявка", "заявки", "заявок")


CARD = (
    "<b>{title}</b>\n{status}\n\n{rules}"
    "<b>Номинации</b>\n{nominations}\n\n"
    "<b>Условия</b>\n{limits}\n\n"
    "Приём заявок до <b>{deadline}</b> (местное время)\n\n"
    "<b>Заявки школы</b>\n{entries}"
)
CARD_RULES = "{rules}\n\n"
NOMINATION_LINE = "• {title} — {categories}; {participants}"


def participants_max(n: int) -> str:
    if n == 1:
        return "один участник в заявке"
    return f"в заявке до {counted(n, 'участника', 'участников', 'участников')}"


def limit_per_school(n: int) -> str:
    return f"• от школы — не больше {counted(n, 'заявки', 'заявок', 'заявок')} на конкурс"


def limit_per_nomination(n: int) -> str:
    return f"• в одной номинации — не больше {counted(n, 'заявки', 'заявок', 'заявок')} от школы"


LIMIT_FAMILY = "• одна семья — одна заявка"
LIMIT_AGE = "• для каждого участника указывается возраст"
LIMIT_SELF = "• школа оценивает свою заявку по критериям (самооценка)"
LIMIT_NONE = "• число заявок от школы не ограничено"
GRADE_RANGE = "{first}–{last} классы"
CARD_ENTRY_LINE = "• {code} · {nomination} · {status}"
CARD_NO_ENTRIES = "пока нет"
CARD_LIMIT_REACHED = (
    "\n\n⚠️ Лимит школы исчерпан. Чтобы подать другую заявку, отзовите одну из заявок школы."
)
NOMINATION_FULL = "{title} — лимит исчерпан"

BTN_REGULATION = "📄 Положение"
BTN_ENTER = "📝 Подать заявку"
BTN_SCHOOL_ENTRIES = "📋 Заявки школы"
NO_REGULATION = "Положение к этому конкурсу ещё не прикреплено."
REGULATION_CAPTION = "Положение конкурса «{title}»"

# ---- the school's entries ----------------------------------------------------------------------

ENTRIES_HEADER = "<b>Заявки школы</b> · «{title}»\n\n{lines}"
ENTRIES_EMPTY = "<b>Заявки школы</b> · «{title}»\n\nШкола ещё не подала заявок на этот конкурс."
ENTRY_LINE = "<b>{code}</b> · {nomination}\n{participants}\nСтатус: {status}{extra}"
ENTRY_BUTTON = "{code} · {nomination}"
ENTRY_REASON = "\n💬 Причина: {reason}"
ENTRY_PLACE = "\n🏆 Итог: {place}"
ENTRY_LATE = " ⚠️ после первоначального срока"
PARTICIPANT_IN_LIST = "{name} ({category})"


def place_name(place: int | None) -> str:
    """1..3: the diploma's degree; None: a participation certificate."""
    return f"диплом {place} степени" if place is not None else "участник"


ENTRY_CARD = (
    "<b>Заявка {code}</b>\n"
    "Конкурс: «{contest}»\n"
    "Номинация: {nomination}\n"
    "Участники:\n{participants}\n"
    "Руководитель: {supervisor}\n"
    "Работа: «{work_title}»\n"
    "Прикреплено: {works}{scores}\n"
    "Отправлена: {submitted}{late}\n"
    "Статус: <b>{status}</b>{extra}"
)
BTN_SHOW_WORKS = "📎 Показать работы"
BTN_EDIT = "✏️ Изменить"
BTN_RESUBMIT = "🔁 Исправить и отправить заново"
BTN_WITHDRAW = "↩️ Отозвать"
BTN_YES = common.BTN_YES
BTN_NO = common.BTN_NO
CONFIRM_WITHDRAW = (
    "Отозвать заявку <b>{code}</b>? Она останется в списке как отозванная, "
    "а место в лимите школы освободится."
)
WITHDRAWN = "Заявка <b>{code}</b> отозвана."
WORK_CAPTION = "Заявка {code}"
NO_WORKS_TO_SHOW = "В заявке нет файлов и ссылок."

# ---- the form ----------------------------------------------------------------------------------

ASK_NOMINATION = "<b>{title}</b>\nЗаявка, шаг 1. Выберите номинацию:"
ASK_NAME = (
    "Номинация «{nomination}».\nУчастник {number}: напишите фамилию и имя (и отчество) полностью."
)
ASK_NAME_LIBRARY = (
    "Номинация «{nomination}».\n"
    "Участник — библиотека школы: напишите её название, например «ИБЦ МБОУ СОШ № 1»."
)
ASK_CATEGORY = (
    "Участник: <b>{name}</b>.\n"
    "Категория — нажмите кнопку или напишите. В этой номинации участвуют: {categories}."
)
ASK_AGE = (
    "Участник: <b>{name}</b>, {category}.\n"
    "Возраст участника (полных лет) — нажмите кнопку или напишите числом."
)
CATEGORY_BUTTONS = {"parent": "Родитель", "teacher": "Педагог", "library": "Библиотека"}
PARTICIPANTS = "<b>Участники</b> ({count} из {max}):\n{lines}{note}"
PARTICIPANTS_NONE = "пока никого — добавьте хотя бы одного"
PARTICIPANT_LINE = "{number}. {name} — {category}{age}"
PARTICIPANTS_DROPPED = (
    "\n\n⚠️ В номинации «{nomination}» другие категории или меньше участников: проверьте список."
)


def age_suffix(age: int | None) -> str:
    return f", {counted(age, 'год', 'года', 'лет')}" if age is not None else ""


def age_button(age: int) -> str:
    return f"{age} {plural(age, 'год', 'года', 'лет')}"


BTN_MORE = "➕ Ещё участник"
BTN_FIRST = "➕ Добавить участника"
BTN_REMOVE = "✖️ Убрать: {name}"
BTN_NEXT = "Дальше ➡️"
ASK_SUPERVISOR = (
    "Руководитель работы — педагог, который готовил участника. "
    "Нажмите кнопку, если это вы, или напишите ФИО."
)
BTN_ME = "Я — {name}"
ASK_WORK_TITLE = "Название работы (например, название ролика или книги, по которой отзыв):"
ASK_WORKS = (
    "Пришлите работу: фото, видео, документ или ссылку — можно несколько, до {max}. "
    "Видео любого размера принимается. Когда всё прикреплено — «Готово»."
)
WORKS_KEPT = (
    "Прикреплено: {count}. Пришлите ещё, уберите всё и прикрепите заново — или нажмите «Готово»."
)
WORK_ADDED = "Добавлено: {count} из {max}. Пришлите ещё или нажмите «Готово»."
WORKS_CLEARED = "Прикреплённое убрано. Пришлите работу заново."
WORK_REFUSED = (
    "Это не подходит как работа. Пришлите фото, видео, документ (pdf, doc, docx, ppt, pptx, "
    "xls, xlsx, zip…) или ссылку вида https://…"
)
BTN_DONE = "✅ Готово"
BTN_CLEAR_WORKS = "🗑 Убрать всё и прикрепить заново"
PHOTO_NAME = "Фото {number}"
VIDEO_NAME = "Видео {number}"
ASK_SCORE = (
    "Самооценка школы, критерий {number} из {total}:\n<b>{title}</b> — от 0 до {max} баллов."
    "\nВыберите балл{typed}."
)
SCORE_TYPED = " (или напишите числом)"
CONSENT_TEXT = (
    "Согласие родителей (законных представителей) на обработку персональных данных "
    "получено и хранится в школе"
)
ASK_CONSENT = "<b>Согласие</b>\n\n«{consent}».\n\nОтметьте кнопкой и нажмите «Дальше»."
BTN_CONSENT_OFF = "☐ Подтверждаю"
BTN_CONSENT_ON = "☑️ Подтверждаю"

SUMMARY = (
    "<b>Проверьте заявку</b>\n"
    "Конкурс: «{contest}»\n"
    "Номинация: {nomination}\n"
    "Участники:\n{participants}\n"
    "Руководитель: {supervisor}\n"
    "Работа: «{work_title}»\n"
    "Прикреплено:\n{works}{scores}\n"
    "Согласие на обработку персональных данных: {consent}{comment}"
)
SUMMARY_EDITING = "\n\nЭто изменение заявки <b>{code}</b>: номер останется тем же."
SUMMARY_COMMENT = "\n\n💬 Причина отклонения: {comment}"
SCORES_LINES = "\nСамооценка:\n{lines}\nИтого: {total} из {max}"
SCORE_LINE = "• {title}: {points} из {max}"
CONSENT_YES = "получено ✅"
CONSENT_NO = "не отмечено ❌"
EMPTY_VALUE = "—"
WORK_LINE = "{icon} {name}"
WORK_ICONS = {"photo": "📷", "document": "📄", "video": "🎬", "link": "🔗"}
WORKS_COUNT = "{count}"
BTN_SEND = "✅ Отправить"
BTN_CHANGE = "✏️ Изменить"
CHANGE_MENU = "Что изменить?"
PARTS = {
    "nomination": "Номинация",
    "participants": "Участники",
    "supervisor": "Руководитель",
    "title": "Название работы",
    "works": "Работы",
    "scores": "Самооценка",
    "consent": "Согласие",
}
SUBMITTED = (
    "✅ Заявка <b>{code}</b> отправлена. Отдел образования её проверит; статус — в «Заявки школы»."
)
SUBMITTED_AGAIN = "✅ Заявка <b>{code}</b> изменена и снова отправлена на проверку."
FORM_GONE = "Эта форма уже закрыта (заявка отправлена или отменена). Откройте конкурс: /contests"
FORM_BROKEN = "Форма устарела. Откройте конкурс заново: /contests"

# ---- /tasks: the contests are entered in /contests -----------------------------------------

TASKS_HINT = "\n\n🏆 Идёт приём заявок на конкурсы: /contests"

ERRORS: dict[str, str] = {
    "work_bad_file_type": (
        "Файл «{name}» не подходит. Принимаются фото, видео, документы pdf, doc, docx, odt, "
        "rtf, txt, ppt, pptx, odp, xls, xlsx, архивы zip и rar — или ссылка."
    ),
}
