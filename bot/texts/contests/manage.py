"""Contests: texts of the coordinator's management and moderation."""

from __future__ import annotations

from bot.texts import common
from bot.texts.plural import counted, plural

# ---- the list -------------------------------------------------------------------------------

STATUS_ICONS = {
    "draft": "📝",
    "open": "🟢",
    "closed": "⏸",
    "published": "🏆",
    "cancelled": "✖️",
}
CONTESTS_HEADER = "<b>Конкурсы</b> · {district} (всего: {total})\n\n{lines}"
CONTESTS_EMPTY = (
    "<b>Конкурсы</b> · {district}\n\n"
    "Конкурсов пока нет. Создайте конкурс из шаблона дорожной карты или с нуля."
)
CONTEST_LINE = "{icon} <b>{title}</b> ({year})\n      {status} · срок: {deadline}"
CONTEST_BUTTON = "{icon} {title}"
BTN_NEW_CONTEST = "➕ Новый конкурс"

# ---- a new contest --------------------------------------------------------------------------

ASK_TEMPLATE = (
    "<b>Новый конкурс</b>\n\n"
    "Выберите конкурс дорожной карты — номинации, критерии и лимиты уже заполнены. "
    "Или создайте конкурс с нуля."
)
TEMPLATES_BROKEN = (
    "⚠️ Файл шаблонов конкурсов не прочитан — пока доступно только «С нуля». "
    "Сообщите администратору бота."
)
BTN_SCRATCH = "✏️ С нуля"
ASK_TITLE = "Название конкурса — одной строкой:"
ASK_PREFIX = (
    "Буквы номера заявки — до {max} букв или цифр. Например, «ТЧ»: номера заявок будут "
    "ТЧ-2026-001, ТЧ-2026-002…"
)
ASK_NOMINATIONS = (
    "Номинации — каждая с новой строки. Например:\n"
    "<i>Выразительное чтение\nБуктрейлер</i>\n\n"
    "В каждой номинации участвуют все категории (1–11 классы, родители, педагоги, "
    "библиотека), в заявке до 10 участников."
)
ASK_CRITERIA = (
    "Критерии оценки — каждый с новой строки в виде «Название — максимальный балл» "
    "(от 1 до 100). Например:\n"
    "<i>Выразительность — 10\nОригинальность — 5</i>"
)
ASK_STARTS = (
    "<b>{title}</b>\n\n"
    "С какого дня школы могут подавать заявки? Напишите дату, например 01.12.2026."
)
ASK_DEADLINE = (
    "До какого срока принимать заявки (местное время)? "
    "Напишите дату и время, например 20.12.2026 18:00."
)
NEW_SUMMARY = (
    "<b>Проверьте новый конкурс</b>\n\n"
    "Название: {title}\n"
    "Номера заявок: {prefix}-{year}-001, {prefix}-{year}-002…\n"
    "Номинации: {nominations}\n"
    "Критерии: {criteria}\n"
    "Приём заявок: {starts} — {deadline}\n\n"
    "Конкурс будет создан черновиком: школы увидят его, когда вы откроете приём."
)
BTN_CREATE = "💾 Создать черновик"
CREATED = "✅ Конкурс создан черновиком. Приложите положение («📎 Положение») и откройте приём."

# ---- the card -------------------------------------------------------------------------------

STAGE_NAMES = {
    "school": "школьный",
    "municipal": "муниципальный",
    "republican": "республиканский",
}
CARD = (
    "<b>🏆 {title}</b>\n"
    "Статус: {status}\n"
    "Этап: {stage}\n"
    "Приём заявок: {starts} — {deadline}{extended}\n"
    "Положение: {regulation}\n\n"
    "<b>Номинации</b>\n{nominations}\n\n"
    "<b>Критерии</b> (максимум баллов)\n{criteria}\nВсего: {max_total}\n\n"
    "<b>Условия</b>\n{limits}\n\n"
    "<b>Заявки</b>: {entries}"
)
EXTENDED = " (продлён; первый срок — {first})"
NO_REGULATION = "не приложено"
NOMINATION_LINE = "{number}. {title}"
CRITERION_LINE = "• {title} — {max}"
LIMIT_LINE = "• {text}"
NO_LIMITS = "• без ограничений"
LIMIT_FAMILY = "одна семья — одна заявка"
LIMIT_AGE = "указывается возраст каждого участника"
LIMIT_SELF = "школа оценивает свою заявку сама (самооценка по критериям)"
NO_ENTRIES = "пока нет"
ENTRY_COUNT = "{name} — {count}"
ENTRY_COUNT_NAMES = {
    "submitted": "на проверке",
    "accepted": "допущено",
    "rejected": "отклонено",
    "withdrawn": "отозвано",
}
BTN_REGULATION = "📎 Положение"
BTN_DEADLINE = "🗓 Сроки"
BTN_OPEN = "▶️ Открыть приём"
BTN_CLOSE = "⏹ Закрыть приём"
BTN_CANCEL_CONTEST = "✖️ Отменить конкурс"
BTN_ENTRIES = "📥 Заявки"
BTN_JURY = "⚖️ Жюри"
BTN_RESULTS = "🏆 Итоги и документы"
BTN_TO_LIST = "« К списку"
BTN_TO_CONTEST = "« К конкурсу"
BTN_YES = common.BTN_YES
BTN_NO = common.BTN_NO


def of_entries(n: int) -> str:
    """«не больше …»: 1 заявки, 2 заявок, 5 заявок."""
    return f"{n} {plural(n, 'заявки', 'заявок', 'заявок')}"


def limit_school(n: int) -> str:
    return f"от школы — не больше {of_entries(n)} на конкурс"


def limit_nomination(n: int) -> str:
    return f"от школы в одной номинации — не больше {of_entries(n)}"


def librarians(n: int) -> str:
    return counted(n, "библиотекарь", "библиотекаря", "библиотекарей")


def years(n: int) -> str:
    return counted(n, "год", "года", "лет")


# ---- the regulation -------------------------------------------------------------------------

REGULATION_FORMATS = "PDF, DOC, DOCX, ODT или RTF"
ASK_REGULATION = (
    "Пришлите положение конкурса «{title}» файлом ({formats}).{current}\nОтменить: /cancel"
)
REGULATION_CURRENT = "\nСейчас приложено: {name} — новый файл заменит его."
REGULATION_NOT_DOCUMENT = (
    "Положение нужно прислать файлом-документом ({formats}) — не фото, не видео и не текстом. "
    "Пришлите файл или отмените: /cancel"
)
REGULATION_SAVED = "📎 Положение «{name}» приложено."

# ---- the deadline ---------------------------------------------------------------------------

ASK_NEW_DEADLINE = (
    "Срок приёма заявок на конкурс «{title}» сейчас: {deadline}.\n"
    "Напишите новый срок — дату и время, например 20.12.2026 18:00.{hint}\nОтменить: /cancel"
)
DEADLINE_HINT_OPEN = (
    "\n\nПосле открытия приёма срок можно только продлить; библиотекари школ, "
    "ещё не подавших заявку, получат сообщение."
)
DEADLINE_SET = "🗓 Срок приёма заявок: {deadline}."
DEADLINE_EXTENDED = (
    "🗓 Срок продлён до {deadline}. Сообщение получат библиотекари школ без заявок: {count}."
)
EXTENDED_NOTICE = (
    "🗓 Срок приёма заявок на конкурс «{title}» продлён до {deadline}.\n"
    "Ваша школа ещё не подала заявку — время есть."
)
BTN_OPEN_CONTEST = "🏆 Открыть конкурс"
BTN_FIX_ENTRY = "🔁 Исправить заявку {code}"

# ---- open, close, cancel --------------------------------------------------------------------

CONFIRM_OPEN = (
    "Открыть приём заявок на конкурс «{title}» до {deadline}?\n"
    "Сообщение получат библиотекари района: {count}."
)
CONFIRM_OPEN_NO_REGULATION = "\n\n⚠️ Положение не приложено — школы увидят только краткие правила."
OPENED = "▶️ Приём заявок открыт. Сообщение получат библиотекари района: {count}."
OPEN_NOTICE = (
    "🏆 Открыт приём заявок на конкурс «{title}».\n"
    "Срок: {deadline}.\n"
    "Номинации: {nominations}\n\n"
    "Положение и подача заявки — по кнопке ниже или в /contests."
)
CONFIRM_CLOSE = (
    "Закрыть приём заявок на конкурс «{title}»? Новых заявок не будет; "
    "жюри продолжит оценку. Вернуть приём можно, продлив срок («🗓 Сроки»)."
)
CONFIRM_CLOSE_EARLY = (
    "\n\n⚠️ Объявленный срок — {deadline}, он ещё не наступил. Школы, которые готовят заявки, "
    "не смогут их отправить; библиотекари района получат сообщение о досрочном закрытии."
)
CLOSED = "⏹ Приём заявок закрыт."
CLOSED_EARLY = "⏹ Приём заявок закрыт досрочно. Сообщение получат библиотекари района: {count}."
CLOSE_NOTICE = (
    "⏹ Приём заявок на конкурс «{title}» закрыт досрочно отделом образования "
    "(объявленный срок был {deadline}). Поданные заявки остаются в силе."
)
CONFIRM_CANCEL = (
    "Отменить конкурс «{title}»? Вернуть его будет нельзя.\n"
    "Сообщение получат библиотекари школ, подавших заявки: {count}."
)
CANCELLED = "✖️ Конкурс отменён. Сообщение получат библиотекари школ с заявками: {count}."
CANCEL_NOTICE = (
    "✖️ Конкурс «{title}» отменён отделом образования. Заявки вашей школы рассматриваться не будут."
)

# ---- moderation -----------------------------------------------------------------------------

ENTRY_ICONS = {"submitted": "🕓", "accepted": "✅", "rejected": "❌", "withdrawn": "↩️"}
ENTRIES_HEADER = (
    "<b>Заявки</b> · {title}\n{filter}Всего: {total}\n\n{lines}\n\n{legend}\nВыберите заявку:"
)
# one line per entry on the page: the buttons stay short enough for a phone
ENTRY_LINE = "{icon} {code} · {school} · {nomination}"
ENTRY_LEGEND = "🕓 на проверке · ✅ допущена · ❌ отклонена · ↩️ отозвана"
ENTRIES_EMPTY = "<b>Заявки</b> · {title}\n{filter}Заявок нет."
FILTER_NOMINATION = "Номинация: {name}\n"
FILTER_SCHOOL = "Школа: {name}\n"
ENTRY_BUTTON = "{icon} {code} · {school}"
BTN_BY_NOMINATION = "🏷 По номинации"
BTN_BY_SCHOOL = "🏫 По школе"
BTN_ALL_ENTRIES = "📋 Все заявки"
PICK_NOMINATION = "Заявки какой номинации показать?"
PICK_SCHOOL = "Заявки какой школы показать?"
NO_SCHOOLS = "Заявок пока нет ни от одной школы."

ENTRY_CARD = (
    "<b>Заявка {code}</b>\n"
    "Школа: {school}\n"
    "Номинация: {nomination}\n"
    "Участники:\n{participants}\n"
    "Руководитель: {supervisor}\n"
    "Работа: {work_title}\n"
    "Файлы и ссылки:\n{works}\n"
    "{self_scores}"
    "Статус: {status}{late}\n"
    "Отправлена: {submitted}"
    "{comment}"
)
PARTICIPANT_LINE = "• {name} — {category}{age}"
PARTICIPANT_AGE = ", {age}"
WORK_PHOTO = "📷 фото"
WORK_VIDEO = "🎬 видео"
WORK_DOCUMENT = "📄 {name}"
WORK_LINK = "🔗 {url}"
WORK_LINE = "{number}. {work}"
SELF_SCORES = "Самооценка школы:\n{lines}\nИтого: {total} из {max}\n"
SELF_SCORE_LINE = "• {title}: {points} из {max}"
LATE = "\n⚠️ Подана после первого срока (в продлённый срок)"
REVIEW_COMMENT = "\n💬 Причина отклонения: {comment}"
BTN_WORKS = "👁 Показать работы"
BTN_ACCEPT = "✅ Допустить"
BTN_REJECT = "❌ Отклонить"
BTN_TO_ENTRIES = "« К заявкам"
WORK_CAPTION = "{code} · {school}"
WORKS_ABOVE = "Работы заявки {code} — выше.\n\n"
ACCEPTED = "✅ Заявка {code} допущена к оценке жюри.\n\n"
ENTRY_NOW = "Сейчас заявка такая:\n\n"
ASK_REJECT_REASON = (
    "Напишите причину отклонения заявки {code} — школа получит её в сообщении. Отменить: /cancel"
)
REJECTED = "❌ Заявка {code} отклонена. Библиотекари школы получат сообщение с причиной."
REJECT_NOTICE = "❌ Заявка {code} на конкурс «{title}» отклонена.\n💬 Причина: {reason}"
ACCEPT_NOTICE = "✅ Заявка {code} на конкурс «{title}» допущена к оценке жюри."
REJECT_NOTICE_FIX = "\n\nИсправьте заявку и отправьте её снова до {deadline}."

ERRORS: dict[str, str] = {
    "bad_prefix": (
        "Буквы номера — от 1 до {max} букв или цифр, без пробелов и дефисов. Например: ТЧ."
    ),
    "no_nominations": "Напишите хотя бы одну номинацию — каждую с новой строки.",
    "too_many_nominations": "Номинаций может быть не больше {max}.",
    "no_criteria": "Напишите хотя бы один критерий в виде «Название — 10».",
    "too_many_criteria": "Критериев может быть не больше {max}.",
    "criterion_no_score": (
        "Строка {line} «{text}»: не вижу максимального балла. Напишите «Название — 10»."
    ),
    "criterion_score_range": "Строка {line} «{text}»: максимальный балл — от 1 до {max}.",
    "line_title_short": "Строка {line} «{text}»: название слишком короткое.",
    "line_title_long": "Строка {line} «{text}»: название слишком длинное.",
    "line_twice": "Строка {line} «{text}»: такое название уже есть выше.",
    "bad_start_date": "Напишите дату начала приёма заявок, например 01.12.2026.",
    "start_too_early": (
        "Начало приёма не может быть раньше {earliest} — проверьте год. "
        "Напишите дату начала, например сегодняшнюю."
    ),
    "bad_regulation_file": (
        "Файл «{name}» не подходит: положение принимается в формате PDF, DOC, DOCX, ODT или RTF."
    ),
    "not_moderated": "Сейчас заявки не проверяются: конкурс — {status}.",
    "template_gone": "Этого шаблона больше нет в файле шаблонов. Начните заново: /contests",
}
