"""The monitoring's dialogue (handlers/monitoring/): a librarian's questionnaire, one question
per message, and a coordinator's round: opening, progress, a school's response, review."""

from __future__ import annotations

from bot.texts.plural import counted

ROUND_TITLE = "Мониторинг ШИБЦ {label}"

# ---- refusals of a button or a form ----------------------------------------------------------
UNKNOWN_ROUND = "Этот мониторинг не найден или недоступен вам."
UNKNOWN_RESPONSE = "Эта анкета не найдена или недоступна вам."
UNKNOWN_QUESTION = "Этого вопроса нет в анкете (или он сейчас пропускается)."
FORM_GONE = "Эта форма уже закрыта. Откройте мониторинг заново: /monitoring"

# ---- the librarian ---------------------------------------------------------------------------
NO_ROUND = (
    "Сейчас мониторинг не проводится. Когда отдел образования его откроет, придёт приглашение."
)
HEADER = "<b>{title}</b>\nШкола: {school}\nСрок: до {deadline}"
NOT_STARTED = (
    "Анкета ещё не начата: {questions}. Отвечайте по одному вопросу; черновик сохраняется "
    "после каждого ответа, продолжить можно в любой момент — и другому библиотекарю школы."
)
LAST_YEAR_OFFER = "Прошлогодние ответы можно будет оставить одной кнопкой «Оставить как было»."
DRAFT = "Черновик: {answered} из {total}."
DRAFT_DONE = "Все вопросы пройдены — проверьте сводку и отправьте анкету."
SUBMITTED = "✅ Анкета отправлена {date} и ждёт проверки отдела образования."
ACCEPTED = "✅ Анкета принята отделом образования."
RETURNED = "↩️ Анкету вернули на доработку."
RETURN_COMMENT = "Комментарий: {comment}"
RETURN_FIX = "Исправьте (нажмите на вопрос):"
ROUND_IS_CLOSED = "Приём ответов закрыт."

BTN_START = "▶️ Начать"
BTN_CONTINUE = "▶️ Продолжить с вопроса {n}"
BTN_SUMMARY = "📋 Сводка"
BTN_SEND = "📤 Отправить"
BTN_SEND_AGAIN = "📤 Отправить снова"
BTN_EDIT = "✏️ Изменить ответ"
BTN_TO_RESPONSE = "⬅️ К анкете"
BTN_BACK = "⬅️ Назад"
BTN_SKIP = "Пропустить"
BTN_LATER = "⏸ Продолжу позже (ответы сохранены)"
BTN_KEEP = "Оставить как было: {value}"
BTN_UNCHANGED = "Не менять: {value}"
BTN_DONE = "Готово"
BTN_TICKED = "✓ {text}"
BTN_FIX = "✏️ {n}. {label}"
BTN_FILL = "📝 Заполнить"

QUESTION_SECTION = "<i>{section}</i>"
QUESTION_UNIT = "Единица: {unit}"
QUESTION_OPTIONAL = "Можно пропустить."
QUESTION_NOW = "Сейчас: <b>{value}</b>"
QUESTION_LAST_YEAR = "В прошлом году: {value}"
HINTS = {
    "int": "Напишите число цифрами.",
    "decimal": "Напишите число (дробную часть — через запятую).",
    "bool": "Нажмите «Да» или «Нет».",
    "choice": "Выберите вариант.",
    "multi": "Отметьте варианты и нажмите «Готово».",
    "text": "Напишите ответ сообщением.",
    "url": "Пришлите ссылку вида https://…",
    "url_many": "Пришлите ссылки, каждую с новой строки.",
    "date": "Напишите дату: ДД.ММ.ГГГГ.",
}
SKIPPED = "пропущен"
YES = "да"
NO = "нет"
TRY_AGAIN = "Ответьте ещё раз или нажмите кнопку под вопросом."

CHECKS_HEADER = "<b>Проверка анкеты</b>"
CHECKS_MISSING = "Нет ответа на обязательные вопросы:"
CHECKS_FAILED = "Ответы не сходятся:"
CHECKS_OK = "Всё сходится."
SUMMARY_HEADER = "<b>Сводка анкеты</b> · {status}"
SUMMARY_LINE = "{n}. {label}: {value}"
SUMMARY_SECTION = "\n<b>{title}</b>"
STATUS_NAMES = {
    "none": "не начата",
    "draft": "черновик",
    "submitted": "отправлена",
    "returned": "возвращена",
    "accepted": "принята",
}
EDIT_HEADER = "Какой ответ изменить?"
SEND_ASK = (
    "Отправить анкету в отдел образования? После отправки ответы можно будет изменить, "
    "только если анкету вернут на доработку."
)
ACCEPT_ASK = (
    "Принять анкету школы «{school}»? Школа получит уведомление, и изменить анкету она "
    "больше не сможет."
)
BTN_NEXT_RESPONSE = "▶️ Следующая анкета"
BTN_CHANGE_OK = "✅ Да, верно"
BTN_CHANGE_FIX = "✏️ Исправить"
SUBMITTED_NOTICE = "📝 {school} отправила анкету «{title}». Её можно проверить."
BTN_OPEN_RESPONSE = "📋 Открыть анкету"
SENT = "✅ Анкета отправлена. Отдел образования её проверит; о результате придёт сообщение."

# ---- the coordinator -------------------------------------------------------------------------
NO_OPEN_ROUND = "Мониторинг сейчас не открыт."
EARLIER_ROUNDS = "Прошлые мониторинги — ниже."
BTN_OPEN = "➕ Открыть мониторинг"
BTN_ROUND = "{title} ({status})"
ROUND_STATUS = {"open": "идёт", "closed": "закрыт"}
ASK_DEADLINE = (
    "До какого срока школы заполняют анкету? Напишите дату ДД.ММ.ГГГГ (до 18:00 местного "
    "времени) или дату и время ДД.ММ.ГГГГ ЧЧ:ММ.\nОтменить: /cancel"
)
CONFIRM_OPEN = "Открыть мониторинг {label} до {deadline}? Библиотекари получат приглашение."
OPENED = "✅ Мониторинг открыт, срок — до {deadline}. Приглашение получат: {told}."
INVITATION = (
    "📊 Отдел образования открыл <b>{title}</b>.\nЗаполните анкету школы до {deadline}: "
    "по одному вопросу, черновик сохраняется, прошлогодний ответ можно оставить одной кнопкой."
)
ROUND_SCREEN = "<b>{title}</b> · {status}\nСрок: до {deadline}\nШкол: {schools}"
PROGRESS_NAMES = {
    "none": "Не начинали",
    "draft": "Черновик",
    "submitted": "Ждут проверки",
    "returned": "Возвращены",
    "accepted": "Приняты",
}
BTN_PROGRESS = "{name}: {count}"
SCHOOLS_HEADER = "<b>{name}</b> — {count}"
SCHOOLS_NONE = "Таких школ нет."
BTN_CLOSE = "🔒 Закрыть приём"
CONFIRM_CLOSE = (
    "Закрыть приём анкет «{title}»? Черновики отправить будет нельзя; напоминания прекратятся."
)
CLOSED = "🔒 Приём анкет закрыт."
BTN_DOC_XLSX = "📊 Сводка (Excel)"
BTN_DOC_CSV = "📄 Таблица (CSV)"
BTN_DOC_CHARTS = "📈 Графики"
BTN_DOC_NOTE = "📝 Аналитическая записка"
BTN_TO_ROUND = "⬅️ К мониторингу"
CARD_HEADER = "<b>{school}</b> · {status}"
CARD_CHANGES = "Заметно изменилось с прошлого года:"
CARD_CHANGE = "• {label}: было {old}, стало {new}"
CARD_COMMENT = "Комментарий при возврате: {comment}"
BTN_ACCEPT = "✅ Принять"
BTN_RETURN = "↩️ Вернуть на доработку"
RETURN_PICK = "Отметьте вопросы, которые школе нужно исправить ({picked}), и нажмите «Далее»."
BTN_NEXT = "Далее ▶️"
ASK_RETURN_COMMENT = "Напишите комментарий для школы (что не так).\nОтменить: /cancel"
BTN_NO_COMMENT = "Вернуть без комментария"
ACCEPTED_DONE = "✅ Анкета школы «{school}» принята."
RETURNED_DONE = "↩️ Анкета школы «{school}» возвращена на доработку."
NOTICE_ACCEPTED = "✅ Анкета «{title}» принята отделом образования. Спасибо!"
NOTICE_RETURNED = "↩️ Анкету «{title}» вернули на доработку."
NOTICE_FIX = "Исправьте: {labels}."
BTN_FIX_NOW = "✏️ Исправить"
COMMENT_TOO_LONG = "Комментарий длинноват: не больше {max} знаков."


def questions_count(n: int) -> str:
    return counted(n, "вопрос", "вопроса", "вопросов")


def librarians_count(n: int) -> str:
    return counted(n, "библиотекарь", "библиотекаря", "библиотекарей")


def schools_count(n: int) -> str:
    return counted(n, "школа", "школы", "школ")


QUESTIONNAIRE_BROKEN = "Мониторинг не открыт: в файле анкеты ошибка.\n{reason}"
