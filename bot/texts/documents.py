"""Texts of /documents, the district's documents library."""

from __future__ import annotations

from bot.texts import common
from bot.texts.plural import counted

CATEGORIES = {
    "normative": "Нормативные документы",
    "methodical": "Методические материалы",
    "samples": "Образцы и шаблоны",
    "contest_rules": "Положения о конкурсах",
}

HOME = "📚 <b>Библиотека документов</b>\n\nВыберите раздел."
HOME_EMPTY = "📚 <b>Библиотека документов</b>\n\nПока здесь нет документов."
CATEGORY_BUTTON = "{name} ({count})"
LIST_HEADER = "📂 <b>{name}</b> — документов: {total}"
LIST_EMPTY = "📂 <b>{name}</b>\n\nВ этом разделе пока нет документов."
DOC_BUTTON = "{icon}{title}"
WITHDRAWN_ICON = "🚫 "

CARD = (
    "📄 <b>{title}</b>\n\n"
    "Раздел: {category}\n"
    "Пункт дорожной карты: {item}\n"
    "Версия: {version}\n"
    "Опубликован: {date}\n"
    "Файл: {file}"
)
CARD_UPDATED = "\nОбновлён: {date}"
CARD_WITHDRAWN = "\n\n🚫 Снят с публикации: библиотекари его не видят."
NO_ITEM = "—"

BTN_GET = "📥 Получить"
BTN_OPEN = "📄 Открыть документ"
BTN_SEARCH = "🔎 Поиск"
BTN_ADD = "➕ Добавить документ"
BTN_REPLACE = "🔁 Заменить файл"
BTN_WITHDRAW = "🗑 Снять с публикации"
BTN_YES = common.BTN_YES
BTN_NO = common.BTN_NO
BTN_KEEP_NAME = "Оставить: {name}"
BTN_NO_ITEM = "Без пункта"
BTN_PUBLISH = "Опубликовать"

UNKNOWN_DOCUMENT = "Документ не найден или снят с публикации."
FORM_GONE = "Эта форма уже закрыта. Начните заново: /documents"
# a stale button of a form begun from an event's materials: the way back is the event's
FORM_GONE_EVENT = "Форма устарела. Откройте материалы события заново."

SEARCH_ASK = "🔎 Напишите слово из названия документа."
SEARCH_FOUND = "🔎 По запросу «{query}» найдено: {total}"
SEARCH_NONE = "🔎 По запросу «{query}» ничего не найдено. Напишите другое слово или вернитесь."
SEARCH_TEXT_ONLY = "Напишите слово из названия текстом."

ADD_ASK_FILE = "➕ Пришлите документ файлом (📎 → Файл)."
NOT_DOCUMENT = (
    "Это не документ. Пришлите файл как документ (📎 → Файл), не фото, стикер или голосовое."
)
NO_FILE_NAME = "У файла нет имени. Переименуйте его и пришлите ещё раз."
FORBIDDEN_TYPE = (
    "Такой файл нельзя опубликовать: пришлите PDF, Word, Excel, PowerPoint, картинку или архив."
)
ADD_ASK_TITLE = "Напишите название документа (до {max} символов) или оставьте имя файла."
ADD_ASK_CATEGORY = "Выберите раздел."
ADD_ASK_ITEM = "К какому пункту дорожной карты относится документ?"
SUMMARY = (
    "Проверьте:\n\n<b>{title}</b>\nРаздел: {category}\nПункт дорожной карты: {item}\nФайл: {file}"
)
PUBLISHED = "✅ Документ опубликован."
BTN_ANNOUNCE = "📣 Объявить библиотекарям"
# the announcement's own text is sent as typed (no HTML): the title goes in as it is
ANNOUNCE_TEXT = (
    "📄 В библиотеке документов района новый документ: «{title}».\n"
    "Он всегда под рукой в команде /documents."
)
ANNOUNCE_READY = (
    "📣 Черновик объявления с документом «{title}» готов: выберите, кому его отправить, "
    "посмотрите и отправьте."
)
BTN_OPEN_DRAFT = "📝 Открыть черновик"

REPLACE_ASK = "🔁 Пришлите новый файл для «{title}» (📎 → Файл)."
REPLACE_CONFIRM = "Заменить файл «{title}» на «{file}»? Версия станет {version}."
REPLACED = "✅ Файл заменён, версия {version}. Сообщение получат: {told}."
REPLACED_NOTICE = (
    "🔁 Обновлён документ «{title}»: версия {version}. Вы получали прежнюю — возьмите новую."
)
WITHDRAW_CONFIRM = "Снять с публикации «{title}»? Библиотекари перестанут его видеть."
WITHDRAWN = "🗑 Документ снят с публикации."
ALREADY_WITHDRAWN = "Документ уже снят с публикации."

# an event's files: the coordinator's materials screen, the librarian's list in /tasks
BTN_EVENT_FILES = "📎 Материалы"
BTN_EVENT_FILES_COUNT = "📎 Материалы ({count})"


def files_button(count: int) -> str:
    """«📎 Материалы (N)» on an event's card, «📎 Материалы» when it has no files."""
    return BTN_EVENT_FILES_COUNT.format(count=count) if count else BTN_EVENT_FILES


BTN_ATTACH = "➕ Прикрепить файл"
EVENT_FILES = (
    "📎 <b>Материалы к событию «{title}»</b>\n\n"
    "Опубликовано файлов: {total}{withdrawn}. Библиотекари видят их в карточке задания "
    "и в /documents."
)
EVENT_FILES_WITHDRAWN = " (🚫 — сняты с публикации)"
EVENT_FILES_EMPTY = (
    "📎 <b>Материалы к событию «{title}»</b>\n\n"
    "Файлов пока нет. Прикрепите файл: библиотекари получат его из карточки задания "
    "и из /documents."
)
TASK_FILES = "📎 <b>Материалы к событию «{title}»</b>\n\nНажмите на файл, чтобы получить его."
TASK_FILES_EMPTY = "📎 <b>Материалы к событию «{title}»</b>\n\nК этому событию пока нет файлов."
FILE_BUTTON = "📥 {title}"
CARD_EVENT = "\nК событию: «{title}» (до {date})"
CARD_SEMINAR = "\nК событию: «{title}» ({date})"  # a seminar has a date, not a deadline
SUMMARY_EVENT = "\nК событию: «{title}»"
ADD_ASK_FILE_EVENT = "📎 Пришлите файл к событию «{title}» (📎 → Файл)."
ADD_ASK_CATEGORY_EVENT = (
    "Выберите раздел. Материалам события обычно подходит ⭐ «Методические материалы»."
)
SUGGESTED = "⭐ {name}"

# a file added to an event already open: its librarians are told only when asked
PUBLISHED_OPEN = (
    "Событие уже открыто: библиотекари сами не узнают о новом файле. Сообщите им кнопкой ниже."
)
BTN_TELL = "📣 Сообщить библиотекарям ({count})"
TELL_CONFIRM = "Отправить {whom} сообщение о файле «{title}»?"
TOLD = "📣 Сообщение о файле «{title}» получат библиотекари: {count}."
ALREADY_TOLD = "Уже сообщено."
TELL_NOT_OPEN = "Событие не открыто: сообщение не отправлено."
TELL_NOBODY = "Среди адресатов события нет библиотекарей в боте."
# the librarians' notice (through the outbox), with the event's «📎 Материалы»
EVENT_FILE_NOTICE = "📎 К событию «{event}» добавлен файл «{title}»."


def to_librarians(count: int) -> str:
    """«1 библиотекарю», «12 библиотекарям»: to whom the notice goes."""
    return counted(count, "библиотекарю", "библиотекарям", "библиотекарям")


ERRORS = {
    "document_without_name": NO_FILE_NAME,
    "document_withdrawn": UNKNOWN_DOCUMENT,
    "document_forbidden_type": FORBIDDEN_TYPE,
    "bad_activity_number": "Такого пункта дорожной карты нет: выберите кнопкой.",
}
