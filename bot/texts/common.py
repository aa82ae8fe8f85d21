"""General texts: greetings, help, errors, menus."""

from __future__ import annotations

ROLE_NAMES = {
    "super_admin": "администратор системы",
    "coordinator": "координатор отдела образования",
    "librarian": "педагог-библиотекарь",
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

CANCELLED = "Действие отменено."
NOTHING_TO_CANCEL = "Нечего отменять. Список команд: /help"
UNKNOWN_COMMAND = "Неизвестная команда. Список доступных команд: /help"
FORBIDDEN_COMMAND = "Эта команда вам недоступна. Список доступных команд: /help"
UNKNOWN_TEXT = "Я не понял сообщение. Выберите команду в меню или откройте /help."
USE_BUTTONS = "Пожалуйста, ответьте кнопкой под сообщением выше или отмените: /cancel"
STALE_BUTTON = "Кнопка устарела или недоступна."
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

VALIDATION = {
    "too_short": "Слишком коротко: нужно не меньше {min} символов.",
    "too_long": "Слишком длинно: {length} символов, а можно не больше {max}.",
    "control_chars": "В тексте есть недопустимые служебные символы.",
    "no_letters": "В имени должны быть буквы.",
    "looks_like_command": "Имя не может начинаться с «/».",
}
TRY_AGAIN = "Пришлите ещё раз или отмените: /cancel"
