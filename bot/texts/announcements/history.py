"""Sent announcements: the history, the report, receipts, questions, edits (/announcements)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.texts.plural import counted

# ---- the list -------------------------------------------------------------------------------

LIST_HEADER = "Объявления ({total}). Выберите, чтобы открыть:"
LIST_EMPTY = "Объявлений пока нет. Новое объявление: /announce"
LIST_HEADER_READER = "Объявления для вас ({total}). Выберите, чтобы прочитать снова:"
LIST_EMPTY_READER = "Объявлений для вас пока нет."
# a coordinator's own list leads to what they received (from the republic's super-admin)
BTN_INBOX = "📥 Полученные объявления ({count})"
BTN_INBOX_PENDING = "📥❗ Полученные объявления ({count})"
LIST_HEADER_INBOX = "Полученные от республики ({total}). Выберите, чтобы прочитать снова:"
LIST_EMPTY_OWN = "Вы ещё не отправляли объявлений (новое: /announce). Полученные — по кнопке ниже."
ITEM_INBOX = "🏛 № {number} · {date} · {words}"
ITEM_INBOX_PENDING = "❗🏛 № {number} · {date} · {words}"
ITEM = "№ {number} · {date} · {words} · 📤 {sent}/{total}"
ITEM_SCHEDULED = "🕓 {words} · запланировано на {when}"
ITEM_READER = "№ {number} · {date} · {words}"
ITEM_READER_PENDING = "❗ № {number} · {date} · {words}"
PENDING_HINT = "❗ — откройте и нажмите «Ознакомлен(а)»."
ITEM_WORDS = 24  # the first words of the text in a list's button
NO_TEXT = "(файлы без текста)"

# ---- the coordinator's card ----------------------------------------------------------------

CARD = "<b>Объявление № {number}</b> от {date}\nКому: {audience}\n\n{text}"
CARD_SCHEDULED = "<b>Запланированное объявление</b> на {when}\nКому: {audience}\n\n{text}"
CARD_EDITED = "\n\n<i>Текст исправлен {date}</i>"
CARD_TEXT_CHARS = 600
CARD_MEDIA = "📎 Файлов: {count}"
STATS = (
    "\n\nОтправлено: {sent} из {total}\nВ очереди: {waiting}\nНе доставлено: {failed}\n"
    "Недоступны (заблокировали бот, ушли): {unreachable}"
)
STATS_HELD = "\nОстановлено, не отправлено: {held}"
STATS_ACK = "\nОзнакомились: {acknowledged} из {sent}"
AUDIENCE = {
    "all": "все библиотекари района",
    "late": "школы, не отметившие событие",
    "schools": "выбранные школы",
    "coordinators": "координаторы районов",
}

BTN_REPORT = "📊 Отчёт (XLSX)"
BTN_UNREAD = "👀 Кто не ознакомился"
BTN_NUDGE = "🔔 Напомнить не ознакомившимся"
BTN_QUESTIONS = "❓ Вопросы ({count})"
BTN_QUESTIONS_OPEN = "❓ Вопросы ({count}, без ответа: {open})"
BTN_EDIT = "✏️ Исправить текст"
BTN_TO_CARD = "« К объявлению"
BTN_TO_QUESTIONS = "« К вопросам"

# ---- the report -----------------------------------------------------------------------------

REPORT_NAME = "объявление-{number}.xlsx"
REPORT_CAPTION = "Отчёт по объявлению № {number}: {count}."
REPORT_HEADER = ("Получатель", "Школа", "Статус", "Отправлено", "Ознакомлен(а)")
STATUSES = {
    "sent": "доставлено",
    "waiting": "в очереди",
    "failed": "не доставлено",
    "unreachable": "недоступен",
    "cancelled": "остановлено",
}


def recipients(n: int) -> str:
    return counted(n, "получатель", "получателя", "получателей")


# ---- who has not acknowledged ----------------------------------------------------------------

UNREAD_HEADER = "<b>Объявление № {number}: кто не ознакомился</b>\n\nПо школам (ознакомились):"
UNREAD_SCHOOL = "• {school}: {acknowledged} из {recipients}"
UNREAD_NAMES = "\n\nНе ознакомились ({total}):"
UNREAD_NAME = "• {name} — {school}"
UNREAD_NOBODY = "\n\nВсе, кто получил объявление, ознакомились."
UNREAD_PAGE = 20
NO_SCHOOL = "без школы"

# ---- «Напомнить не ознакомившимся» ------------------------------------------------------------

NUDGE_CONFIRM = (
    "Напомнить об объявлении № {number} тем, кто не отметил «Ознакомлен(а)» ({people})? "
    "Напоминание можно отправить раз в сутки."
)
NUDGED = "🔔 Напоминание запланировано для {people}."

# ---- questions ----------------------------------------------------------------------------

QUESTIONS_HEADER = "<b>Вопросы к объявлению № {number}</b> (всего {total}, без ответа: {open})"
QUESTIONS_NONE = "<b>Вопросы к объявлению № {number}</b>\n\nВопросов пока нет."
QUESTION = "\n\n<b>{n}.</b> {name}, {school}, {date}\n«{text}»"
QUESTION_ANSWERED = "\n✅ Ответ: {answer}"
QUESTION_OPEN = "\n⏳ Ждёт ответа"
QUESTIONS_PAGE = 5
BTN_ANSWER = "✍️ Ответить на {n}"
QUESTION_NOTICE = "❓ Вопрос по объявлению № {number}\nОт: {name}, {school}\n\n«{text}»"
BTN_OPEN_QUESTIONS = "Открыть вопросы"
ANSWER_ASK = (
    "Вопрос ({name}, {school}):\n«{text}»\n\n"
    "Напишите ответ одним сообщением (до {max} символов). Отменить: /cancel"
)
ANSWER_TEXT_ONLY = "Ответ нужно написать текстом. Пришлите текст или отмените: /cancel"
ANSWER_SENT = "Ответ отправлен."
ANSWER_NOBODY = "Ответ сохранён, но отправить его некому: автор вопроса больше не в боте."
ALREADY_ANSWERED = "На этот вопрос уже ответили."

# ---- «Исправить текст» --------------------------------------------------------------------

EDIT_ASK = (
    "Пришлите исправленный текст объявления № {number} одним сообщением. Форматирование "
    "(жирный, ссылки) сохранится. Бот исправит уже доставленные копии; файлы останутся "
    "прежними.\n\nОтменить: /cancel"
)
EDIT_TEXT_ONLY = "Нужен текст. Пришлите исправленный текст или отмените: /cancel"
EDITED = "Текст будет исправлен у {people}."
EDIT_NONE = "Текст сохранён. Исправлять нечего: доставленных копий нет."


def of_recipients(n: int) -> str:
    """«у 1 получателя», «для 5 получателей»: the genitive after a preposition."""
    return counted(n, "получателя", "получателей", "получателей")


def edited(n: int) -> str:
    return EDITED.format(people=of_recipients(n))


ErrorText = str | Callable[[Mapping[str, Any]], str]

ERRORS: dict[str, ErrorText] = {
    "nudge_not_possible": "Напоминание возможно только по отправленному объявлению "
    "с кнопкой «Ознакомлен(а)».",
    "nudge_too_soon": "Напоминание уже отправляли. Следующее можно отправить {at}.",
    "nudge_nobody": "Напоминать некому: все, кто получил объявление, ознакомились.",
    "edit_not_possible": "Этот текст нельзя исправить: он был отправлен несколькими "
    "сообщениями или без текста. Отправьте новое объявление: /announce",
    "edit_same": "Текст не изменился. Пришлите исправленный текст или отмените: /cancel",
    "announcement_empty": "Пустой текст. Пришлите исправленный текст или отмените: /cancel",
    "announcement_too_long": lambda p: (
        f"Слишком длинно: {counted(p['length'], 'символ', 'символа', 'символов')}, "
        f"а можно не больше {p['limit']}. Сократите текст или отмените: /cancel"
    ),
}
