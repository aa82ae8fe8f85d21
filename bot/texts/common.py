"""General texts: greetings, help, errors, menus."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from bot.texts.plural import counted

ROLE_NAMES = {
    "super_admin": "администратор системы",
    "coordinator": "координатор отдела образования",
    "librarian": "педагог-библиотекарь",
    "juror": "член жюри конкурса",
}

# Command descriptions for the Telegram menu (setMyCommands) and /help.
COMMANDS = {
    "start": "Начало работы",
    "help": "Что умеет бот",
    "roadmap": "Дорожная карта ШИБЦ",
    "profile": "Мой профиль",
    "districts": "Районы и координаторы",
    "newdistrict": "Создать район",
    "schools": "Школы района и ссылки-приглашения",
    "addschool": "Добавить школу",
    "import": "Загрузить список школ (CSV/XLSX)",
    "cancel": "Отменить текущее действие",
    "tasks": "Что школе нужно отметить",
    "calendar": "Ближайшие события и файл для календаря",
    "school": "Отметки школы за учебный год",
    "review": "Проверить отметки школ",
    "report": "Отчёт о выполнении событий (таблица и диаграмма)",
    "pending": "Кто не ответил: школы без отметки, напомнить им",
    "events": "События района: открыть, закрыть, календарь",
    "newevent": "Добавить событие",
    "settings": "Настройки уведомлений",
    "contests": "Конкурсы: положения, заявки, итоги",
    "documents": "Библиотека документов района",
    "announce": "Разослать объявление библиотекарям",
    "announcements": "Объявления отдела образования",
    "jury": "Оценка конкурсных работ (жюри)",
    "monitoring": "Ежегодный мониторинг ШИБЦ",
}

START_GUEST = (
    "Здравствуйте! Это бот школьных информационно-библиотечных центров.\n\n"
    "Чтобы начать работу, откройте ссылку-приглашение, которую выдаёт отдел образования "
    "вашего района: для педагога-библиотекаря — ссылка вашей школы, для координатора — "
    "личная ссылка.\n\n"
    "Пока можно посмотреть дорожную карту: /roadmap"
)
START_REGISTERED = "Здравствуйте, {name}! Вы — {role}{where}.\n\nСписок команд: /help"
START_ADMIN = (
    "Здравствуйте, {name}! Вы — администратор системы.\n\n"
    "Создайте район (/newdistrict) и пригласите его координатора (/districts).\n"
    "Список команд: /help"
)
WHERE_SCHOOL = ", школа «{school}» ({district})"
WHERE_DISTRICT = ", {district}"

HELP_HEADER = "Доступные вам команды:"
HELP_LINE = "/{command} — {description}"

BTN_YES = "Да"
BTN_NO = "Нет"

CANCELLED = "Действие отменено."
NOTHING_TO_CANCEL = "Нечего отменять. Список команд: /help"
UNKNOWN_COMMAND = "Неизвестная команда. Список доступных команд: /help"
FORBIDDEN_COMMAND = "Эта команда вам недоступна. Список доступных команд: /help"
STAFF_PRIVATE_ONLY = (
    "Здесь бот не покажет данные района: напишите ему в личный чат и повторите команду."
)
GUEST_COMMAND = (
    "Эта команда работает после подключения. Откройте ссылку-приглашение из отдела "
    "образования вашего района; пока доступна дорожная карта: /roadmap"
)
UNKNOWN_TEXT = "Я не понял сообщение. Выберите команду в меню или откройте /help."
USE_BUTTONS = "Пожалуйста, ответьте кнопкой под сообщением выше или отмените: /cancel"
USE_TEXT = (
    "Здесь нужен ответ текстом (или кнопкой под вопросом). Фото, документы и ссылки "
    "прикрепляются на шаге «Подтверждения». Отменить: /cancel"
)
USE_TEXT = "Пожалуйста, ответьте текстом (или отмените: /cancel)."
MORE_LINES = "…и ещё {count}"
STALE_BUTTON = "Кнопка устарела или недоступна."
UNHANDLED_BUTTON = (
    "Эта кнопка устарела или недоступна вам. Откройте нужный раздел командой из /help."
)
FORBIDDEN_BUTTON = "У вас нет доступа к этому действию."
INTERNAL_ERROR = (
    "Что-то пошло не так. Попробуйте ещё раз чуть позже; если ошибка повторится, "
    "сообщите в отдел образования."
)

BTN_CANCEL = "✖️ Отмена"
BTN_BACK = "« Назад"
BTN_PREV = "◀️"
BTN_NEXT = "▶️"
PAGE = "{page} / {pages}"


def too_short(least: int) -> str:
    return f"Слишком коротко: нужно не меньше {counted(least, 'символа', 'символов', 'символов')}."


def too_long(length: int, limit: int) -> str:
    chars = counted(length, "символ", "символа", "символов")
    return f"Слишком длинно: {chars}, а можно не больше {limit}."


# A text is a template filled with the error's parameters, or a function of them (for counts).
ErrorText: TypeAlias = str | Callable[[Mapping[str, Any]], str]

CONTROL_CHARS = "В тексте есть недопустимые служебные символы."

VALIDATION: dict[str, ErrorText] = {
    "too_short": lambda p: too_short(p["min"]),
    "too_long": lambda p: too_long(p["length"], p["max"]),
    "control_chars": CONTROL_CHARS,
    "no_letters": "В имени должны быть буквы.",
    "looks_like_command": "Имя не может начинаться с «/».",
    "year_out_of_range": "Год должен быть от {min} до {max}.",
}
TRY_AGAIN = "Пришлите ещё раз или отмените: /cancel"
