"""Texts for the district calendar of events: the upload of a calendar file (.xlsx / .csv),
the check of the default calendar file and the exported .ics calendar.

The services (``services.calendar_*``) return problem codes; ``bot.toolkit.render_import`` formats
these templates for them. Problem messages start with
``{where}``: "Строка N" for a row of an uploaded table (:data:`WHERE_ROW`), or the event's
place in the default calendar file (:data:`WHERE_EVENT`). So every formatted message is
ready to be shown as is. No template includes text taken from an uploaded file, so the
messages are safe with any parse mode.
"""

# --- Problems with the uploaded file as a whole (shown without a row number) ---

FILE_WRONG_FORMAT = "Этот файл не подходит. Пришлите таблицу в формате .xlsx (Excel) или .csv."
FILE_OLD_XLS = (
    "Старый формат .xls не подходит. Откройте файл в Excel, сохраните его как "
    "«Книга Excel (.xlsx)» или «CSV UTF-8» и пришлите ещё раз."
)
FILE_BROKEN_XLSX = (
    "Не удалось открыть файл: он повреждён или это не таблица Excel. "
    "Пришлите таблицу в формате .xlsx (Excel) или .csv."
)
FILE_BAD_TEXT = (
    "Не удалось прочитать текст в файле. Сохраните таблицу как «CSV UTF-8» "
    "или «Книга Excel (.xlsx)» и пришлите ещё раз. Из других кодировок подойдут "
    "Windows-1251 и KOI8-R."
)
FILE_EMPTY = (
    "В файле нет ни одного события. Заполните по строке на событие: код, № мероприятия, "
    "название, вид, начало, окончание, срок сдачи, место, ссылка, описание, ежегодно."
)
FILE_TOO_MANY_ROWS = (
    "В файле больше {limit} событий. В календаре района может быть не больше {limit} событий."
)

# --- Where a problem is ---

WHERE_ROW = "Строка {line}"  # the row number is the one shown by Excel
WHERE_EVENT = "Событие {index}"  # the default calendar file: number of the [[events]] table
WHERE_EVENT_CODE = "Событие {index} «{code}»"

# --- Problems in a row (an uploaded table) or in an event (the default calendar file) ---

ROW_CONTROL_CHARACTER = (
    "{where}: в тексте есть невидимый служебный символ. Перепечатайте эту строку вручную."
)
ROW_EXTRA_COLUMNS = (
    "{where}: заполнено больше {columns} столбцов. Лишние данные справа от столбца "
    "«ежегодно» уберите."
)
ROW_CODE_MISSING = "{where}: не указан код события."
ROW_CODE_INVALID = (
    "{where}: код события может состоять только из латинских букв, цифр, дефиса и "
    "подчёркивания, например library-day."
)
ROW_CODE_TOO_LONG = (
    "{where}: код события слишком длинный — {length} симв., можно не больше {limit}."
)
ROW_CODE_DUPLICATE = "{where}: код события повторяет строку {first}."
EVENT_CODE_DUPLICATE = "{where}: код события повторяет событие {first}."
ROW_ACTIVITY_NOT_NUMBER = (
    "{where}: № мероприятия дорожной карты должен быть числом, например 14. "
    "Если событие не относится к дорожной карте, оставьте столбец пустым."
)
ROW_ACTIVITY_UNKNOWN = "{where}: в дорожной карте нет мероприятия № {number}."
ROW_TITLE_MISSING = "{where}: не указано название события."
ROW_TITLE_TOO_LONG = "{where}: название слишком длинное — {length} симв., можно не больше {limit}."
ROW_KIND_MISSING = (
    "{where}: не указан вид события. Напишите: мероприятие, семинар, конкурс или мониторинг."
)
ROW_KIND_UNKNOWN = (
    "{where}: непонятный вид события. Напишите: мероприятие, семинар, конкурс или мониторинг."
)
ROW_DATE_MISSING = "{where}: не указана дата в столбце «{column}»."
ROW_DATE_INVALID = (
    "{where}: в столбце «{column}» неверная дата. Нужна существующая дата "
    "в виде ДД.ММ.ГГГГ, например 01.10.2026."
)
ROW_DEADLINE_INVALID = (
    "{where}: в столбце «срок сдачи» неверные дата или время. Напишите, например, "
    "06.11.2026 18:00 или просто 06.11.2026 (тогда срок — до 23:59)."
)
ROW_DEADLINE_WITH_OFFSET = (
    "{where}: срок сдачи указывается по местному времени района, без часового пояса."
)
ROW_END_BEFORE_START = "{where}: окончание раньше начала."
ROW_DEADLINE_BEFORE_START = "{where}: срок сдачи раньше начала."
ROW_PLACE_TOO_LONG = "{where}: место слишком длинное — {length} симв., можно не больше {limit}."
ROW_LINK_INVALID = (
    "{where}: ссылка должна быть адресом сайта, который начинается с https:// или http://."
)
ROW_LINK_TOO_LONG = "{where}: ссылка слишком длинная — {length} симв., можно не больше {limit}."
ROW_DESCRIPTION_TOO_LONG = (
    "{where}: описание слишком длинное — {length} симв., можно не больше {limit}."
)
ROW_YEARLY_INVALID = "{where}: в столбце «ежегодно» напишите «да» или «нет» (или оставьте пустым)."

# --- Problems only the default calendar file (TOML) can have ---

CALENDAR_FILE_NOT_FOUND = "Не найден файл календаря {file}."
CALENDAR_FILE_BAD_TOML = "Файл календаря {file} не читается как TOML: {error}"
CALENDAR_FILE_NO_EVENTS = "В файле календаря {file} нет ни одной таблицы [[events]]."
CALENDAR_FILE_PROBLEMS = "Ошибки в файле календаря {file}:\n{problems}"
EVENT_FIELD_WRONG_TYPE = "{where}: поле «{field}» должно быть {expected}."
EVENT_FIELD_UNKNOWN = "{where}: неизвестное поле «{field}»."
EVENT_NOT_TABLE = "{where}: событие должно быть таблицей [[events]]."
EVENT_RECURRENCE_INVALID = "{where}: поле «recurrence» может быть только «yearly» или «none»."
EXPECTED_TEXT = "строкой"
EXPECTED_DATE = "датой без времени, например 2026-10-01"
EXPECTED_DEADLINE = "местными датой и временем, например 2026-11-06T18:00:00"
EXPECTED_NUMBER = "целым числом"
EXPECTED_BOOL = "true или false"

# --- Column names (used in messages) ---

COLUMN_STARTS_ON = "начало"
COLUMN_ENDS_ON = "окончание"
COLUMN_DEADLINE = "срок сдачи"

# --- Sample file the bot sends as an example ---

TEMPLATE_HEADER: tuple[str, ...] = (
    "Код",
    "№ мероприятия дорожной карты",
    "Название",
    "Вид",
    "Начало",
    "Окончание",
    "Срок сдачи",
    "Место",
    "Ссылка",
    "Описание",
    "Ежегодно",
)
TEMPLATE_EXAMPLES: tuple[tuple[str, ...], ...] = (
    (
        "library-day",
        "14",
        "Международный день школьных библиотек",
        "мероприятие",
        "26.10.2026",
        "26.10.2026",
        "30.10.2026 18:00",
        "",
        "",
        "Проведите в школе мероприятие ко Дню школьных библиотек и подтвердите его в боте.",
        "да",
    ),
    (
        "seminar-autumn",
        "3",
        "Республиканский семинар-совещание по развитию ШИБЦ",
        "семинар",
        "19.11.2026",
        "19.11.2026",
        "19.11.2026 18:00",
        "г. Уфа",
        "",
        "Вопросы для обсуждения передайте координатору заранее.",
        "да",
    ),
)

# --- Exported calendar (.ics) ---

ICS_DEADLINE_SUMMARY = "Срок: {title}"
ICS_ALARM_DESCRIPTION = "Завтра срок: {title}"
ICS_LINK_LINE = "Ссылка: {link}"
