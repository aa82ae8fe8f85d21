"""Texts for the import of a list of schools from a file (.xlsx / .csv).

The importer (``services.school_import``) returns problem codes; ``bot.toolkit.render_import``
formats these templates for them. Row messages contain the "Строка N:" prefix, so every
formatted message is ready to be shown as is. No template
includes text taken from the uploaded file, so the messages are safe with any parse mode.
"""

# --- Problems with the file as a whole (shown without a row number) ---

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
    "В файле нет ни одной школы. Заполните два столбца: "
    "полное наименование и краткое наименование."
)
FILE_TOO_MANY_ROWS = (
    "В файле больше {limit} школ. Разделите список на несколько файлов "
    "(не больше {limit} строк в каждом) и пришлите их по очереди."
)

# --- Problems in a row (the row number is the one shown by Excel) ---

ROW_FULL_NAME_MISSING = "Строка {line}: не указано полное наименование."
ROW_SHORT_NAME_MISSING = "Строка {line}: не указано краткое наименование."
ROW_FULL_NAME_TOO_LONG = (
    "Строка {line}: полное наименование слишком длинное — {length} симв., можно не больше {limit}."
)
ROW_SHORT_NAME_TOO_LONG = (
    "Строка {line}: краткое наименование слишком длинное — {length} симв., "
    "можно не больше {limit}."
)
ROW_EXTRA_COLUMNS = (
    "Строка {line}: заполнено больше двух столбцов. Нужны только два: "
    "полное наименование и краткое наименование."
)
ROW_CONTROL_CHARACTER = (
    "Строка {line}: в тексте есть невидимый служебный символ. Перепечатайте эту строку вручную."
)
ROW_FULL_NAME_DUPLICATE = "Строка {line}: полное наименование повторяет строку {first_line}."
ROW_SHORT_NAME_DUPLICATE = "Строка {line}: краткое наименование повторяет строку {first_line}."
ROW_SHORT_NAME_EXISTS = "Строка {line}: школа с таким кратким наименованием уже есть в районе."

# --- List of errors ---

ERRORS_MORE = "…и ещё {count} {noun}."
ERRORS_NOUN_ONE = "ошибка"  # 1, 21, 31 …
ERRORS_NOUN_FEW = "ошибки"  # 2–4, 22–24 …
ERRORS_NOUN_MANY = "ошибок"  # 0, 5–20, 25–30 …

# --- Sample file the bot sends as an example ---

TEMPLATE_HEADER: tuple[str, str] = ("Полное наименование", "Краткое наименование")
TEMPLATE_EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Муниципальное бюджетное общеобразовательное учреждение "
        "средняя общеобразовательная школа № 1 с. Иглино",
        "МБОУ СОШ № 1 с. Иглино",
    ),
    (
        "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2» с. Иглино",
        "МБОУ Гимназия № 2 с. Иглино",
    ),
)
