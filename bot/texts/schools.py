"""Coordinator: schools and librarians' invitation links."""

from __future__ import annotations

NO_DISTRICT = "Сначала выберите район: /districts"
SCHOOLS_HEADER = "<b>Школы района {district}</b> (всего: {total})\n\nВыберите школу:"
SCHOOLS_EMPTY = (
    "В районе {district} пока нет школ. Добавьте школу (/addschool) "
    "или загрузите список файлом (/import)."
)
BTN_ADD_SCHOOL = "➕ Добавить школу"
BTN_IMPORT = "📥 Загрузить список"
BTN_LINKS_XLSX = "📊 Все ссылки таблицей"
BTN_LINKS_PDF = "🖨 QR-коды для печати"
LINKS_XLSX_NAME = "ssylki_shkol.xlsx"
LINKS_PDF_NAME = "qr_kody_shkol.pdf"
LINKS_HEADER = ("Школа", "Краткое название", "Ссылка-приглашение для библиотекарей")
LINKS_NONE = "нет ссылки: выдайте её в карточке школы"
LINKS_XLSX_CAPTION = "Ссылки-приглашения всех школ района {district}."
LINKS_PDF_TITLE = "Ссылки-приглашения школ: {district}"
LINKS_PDF_HINT = "Наведите камеру телефона на код, чтобы подключиться к боту"
LINKS_PDF_CAPTION = (
    "QR-коды школ района {district} для печати: по {per_page} на лист, разрежьте по пунктиру."
)
LINKS_PDF_SKIPPED = "\nБез ссылки (их нет в файле): {schools}."
LINKS_PDF_EMPTY = "Ни у одной школы нет ссылки-приглашения. Выдайте ссылки в карточках школ."
BTN_TO_SCHOOLS = "« К списку школ"
SCHOOL_CARD = "<b>{short}</b>\n{full}\n\nБиблиотекари ({count}):\n{librarians}\n\n{link_block}"
NO_LIBRARIANS = "— пока никто не подключился"
LIBRARIAN_LINE = "• {name}"
LIBRARIAN_BLOCKED_LINE = "• {name} — 🚫 бот заблокирован, сообщения не доходят"
LINK_BLOCK = "Ссылка-приглашение для библиотекарей школы:\n{link}"
NO_LINK = "Ссылки-приглашения нет: библиотекари не смогут подключиться."
BTN_REISSUE = "🔄 Новая ссылка"
BTN_ISSUE = "🔗 Выдать ссылку"
BTN_REVOKE = "⛔ Отозвать ссылку"
CONFIRM_REISSUE = (
    "Выдать новую ссылку для «{short}»? Старая перестанет действовать; "
    "уже подключённые библиотекари останутся."
)
CONFIRM_REVOKE = (
    "Отозвать ссылку «{short}»? Новые библиотекари не смогут подключиться, "
    "пока вы не выдадите новую."
)
BTN_CONFIRM_YES = "Да"

ASK_FULL_NAME = (
    "Напишите полное наименование школы, например:\n"
    "«Муниципальное бюджетное общеобразовательное учреждение средняя "
    "общеобразовательная школа № 1 с. Иглино»"
)
ASK_SHORT_NAME = "Теперь краткое наименование, например: «МБОУ СОШ № 1 с. Иглино»."
SCHOOL_EXISTS = "Школа с таким наименованием уже есть в районе. Напишите другое или /cancel."
BTN_OPEN_SCHOOL = "🏫 Открыть карточку школы"
SCHOOL_ADDED = "Школа «{short}» добавлена. Перешлите библиотекарям ссылку:\n{link}"

ASK_FILE = (
    "Пришлите файл CSV или XLSX со списком школ: в первом столбце — полное наименование, "
    "во втором — краткое. Первая строка может быть заголовком. Размер — до {max_mb} МБ.\n\n"
    "Если в файле найдутся ошибки, ничего не будет загружено, а я перечислю все "
    "ошибочные строки."
)
BTN_TEMPLATE = "📄 Образец файла"
TEMPLATE_CAPTION = "Образец списка школ: заполните и пришлите обратно."
TEMPLATE_NAME = "shkoly_obrazec.csv"
FILE_EXPECTED = "Нужен файл CSV или XLSX (отправьте его как документ) или /cancel."
FILE_TOO_BIG = "Файл слишком большой: {size_mb} МБ, а можно не больше {max_mb} МБ."
FILE_WRONG_TYPE = "Файл «{name}» не подходит: принимаются только CSV и XLSX."
IMPORT_REFUSED = "Файл не загружен: исправьте ошибки и пришлите его снова.\n\n{errors}"
IMPORT_DUPLICATE = (
    "Файл не загружен: школа «{short}» уже есть в районе. Исправьте файл и пришлите снова."
)
IMPORT_DONE = "Загружено школ: {count}. Ссылки-приглашения готовы в /schools."
