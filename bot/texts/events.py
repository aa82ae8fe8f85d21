"""Events (coordinator), tasks and confirmations (librarian), review, calendar, progress."""

from __future__ import annotations

from bot.texts.plural import counted, plural


def of_schools(total: int) -> str:
    """The count after «из»: «из 1 школы», «из 3 школ», «из 21 школы»."""
    return counted(total, "школы", "школ", "школ")


def review_notice(count: int) -> str:
    """A coordinator's grouped notice: «📥 Пришли 3 новые отметки — проверьте в /review»."""
    arrived = plural(count, "Пришла", "Пришли", "Пришло")
    marks = counted(count, "новая отметка", "новые отметки", "новых отметок")
    return f"📥 {arrived} {marks} от школ — проверьте в /review."


def evidence_files(count: int) -> str:
    """«1 файл (выше)», «3 файла (выше)»: files re-sent above a review card."""
    return f"{counted(count, 'файл', 'файла', 'файлов')} (выше)"


KIND_NAMES = {
    "activity": "мероприятие",
    "seminar": "семинар",
    "contest_deadline": "срок конкурса",
    "monitoring": "мониторинг",
}
EVENT_STATUS_NAMES = {
    "draft": "черновик",
    "open": "открыто",
    "closed": "закрыто",
    "cancelled": "отменено",
}
EVENT_STATUS_ICONS = {"draft": "📝", "open": "🟢", "closed": "🔒", "cancelled": "✖️"}
TASK_STATUS_NAMES = {
    "todo": "нужно отметить",
    "submitted": "отмечено, на проверке",
    "accepted": "принято",
    "returned": "возвращено на доработку",
    "overdue": "просрочено",
}
TASK_STATUS_ICONS = {
    "todo": "⬜",
    "submitted": "🕓",
    "accepted": "✅",
    "returned": "↩️",
    "overdue": "⚠️",
}

# ---- coordinator: events --------------------------------------------------------------------
EVENTS_HEADER = "<b>События</b> · {district} (всего: {total})\n\nВыберите событие:"
EVENTS_EMPTY = (
    "{district}: в календаре пока нет событий. Загрузите календарь 2026/27 по "
    "умолчанию, файл CSV/XLSX или добавьте событие вручную."
)
EVENT_BUTTON = "{icon} {deadline} · {title}"
BTN_NEW_EVENT = "➕ Новое событие"
BTN_DEFAULT_CALENDAR = "📅 Календарь 2026/27 по умолчанию"
BTN_CALENDAR_FILE = "📥 Заменить календарь файлом"
BTN_ROLLOVER = "🔁 Перенести ежегодные на следующий год"
BTN_TO_EVENTS = "« К списку событий"
EVENT_CARD = (
    "<b>{title}</b>\n"
    "Вид: {kind}\nПункт дорожной карты: {activity}\n"
    "Период: {starts} — {ends}\nСрок сдачи: {deadline} (местное время)\n"
    "Статус: {status}{placeholder}{place}{link}{description}\n\n"
    "Отметили: {confirmed} из {schools}"
)
SEMINAR_CARD = (
    "<b>{title}</b>\n"
    "Вид: семинар\nПункт дорожной карты: {activity}\n"
    "Дата: {date}\n"
    "Статус: {status}{placeholder}{place}{link}{description}"
)
SEMINAR_ANSWERS = (
    "\n\n<b>Ответы на приглашение</b>\n"
    "✅ Будут ({coming_count}): {coming}\n"
    "✖️ Не смогут ({not_coming_count}): {not_coming}\n"
    "⬜ Не ответили ({silent_count}): {silent}"
)
NOBODY = "—"
DELIVERY = (
    "\n\nПриглашение: дошло — {delivered}, ждёт отправки — {waiting}, не дошло — {unreachable}."
)
PLACEHOLDER = "\n⚠️ Даты предварительные — подтвердите их."
CARD_PLACE = "\nМесто: {place}"
CARD_LINK = "\nСсылка: {link}"
CARD_DESCRIPTION = "\n\n{description}"
NO_ACTIVITY = "—"
CARD_ACTIVITY = "№ {number}. {title}"
BTN_OPEN = "🟢 Открыть для школ"
BTN_CLOSE = "🔒 Закрыть приём"
BTN_REOPEN = "🟢 Открыть снова"
BTN_CANCEL_EVENT = "✖️ Отменить событие"
BTN_EDIT = "✏️ Изменить"
BTN_PROGRESS = "📊 Кто отметил"
CONFIRM_OPEN = (
    "Открыть «{title}»? Всем библиотекарям района ({count}) придёт приглашение отметить "
    "выполнение."
)
CONFIRM_CLOSE = "Закрыть приём отметок по «{title}»? Новые отметки приниматься не будут."
CONFIRM_PAST_DEADLINE = (
    "\n\n⚠️ Срок сдачи ({deadline}) уже прошёл: отметки придут с пометкой «поздно». "
    "Если срок другой, сначала измените его."
)
CONFIRM_PLACEHOLDER = "\n\n⚠️ Даты предварительные — проверьте их, прежде чем открывать."
CONFIRM_CANCEL = "Отменить «{title}»? Это нельзя вернуть; отметки школ сохранятся в истории."
CONFIRM_CANCEL_OPENED = (
    "Отменить «{title}»? Это нельзя вернуть; отметки школ сохранятся в истории. "
    "Библиотекарям придёт сообщение об отмене."
)
CONFIRM_REOPEN = (
    "Снова открыть приём отметок по «{title}»? Библиотекарям школ, которые ещё не отметили "
    "({count}), придёт сообщение, что отметить снова можно."
)
REOPENED = (
    "Приём отметок снова открыт; библиотекари школ, которые ещё не отметили, получат сообщение."
)
CANCELLED_TOLD = "Событие отменено; библиотекари получат сообщение об отмене."
PROMPT_REOPENED = "🔓 Снова можно отметить «<b>{title}</b>»: приём отметок открыт до {deadline}."
EVENT_CANCELLED_NOTICE = "✖️ «<b>{title}</b>» отменено. Отмечать ничего не нужно."
SEMINAR_CANCELLED_NOTICE = "✖️ Семинар «<b>{title}</b>» ({date}) отменён."
# an event that is a contest's deadline: its card has no status buttons
MANAGED_BY_CONTEST = "\n\nЭтим сроком управляет конкурс: /contests"
BTN_YES = "Да"
STATUS_REFUSED = "Это действие недоступно для события в статусе «{status}»."
OPENED = (
    "Событие открыто: библиотекари получат приглашение в ближайшие минуты. Кому оно дошло, "
    "видно в карточке события."
)
OPENED_SEMINAR = (
    "Семинар открыт: библиотекарям придёт приглашение на семинар в ближайшие минуты. "
    "Кто придёт, видно в карточке."
)
OPENED_QUIET = (
    "Событие открыто. Сейчас бот не пишет ({window}): приглашение уйдёт {when}. Кому оно "
    "дошло, видно в карточке события."
)
OPENED_NOBODY = (
    "Событие открыто, но в этих школах пока нет библиотекарей в боте: приглашать некого."
)
CONFIRM_OPEN_SEMINAR = "Открыть «{title}»? Библиотекарям ({count}) придёт приглашение на семинар."
CONFIRM_QUIET = "\n\n🌙 Сейчас бот не пишет ({window}): сообщения уйдут {when}."
CONFIRM_OPEN_CHOSEN = (
    "Открыть «{title}»? Приглашение отметить выполнение придёт библиотекарям выбранных "
    "школ ({count})."
)
TASK_EVENT_CLOSED = "\n\n🔒 Приём отметок закрыт."
TASK_EVENT_CANCELLED = "\n\n✖️ Событие отменено."
NOT_STARTED = "Отметить можно с {starts}, после проведения."
PROGRESS_HEADER = "<b>{title}</b>\nОтметили: {confirmed} из {schools}\n\n{lines}"
PROGRESS_LINE = "{icon} {school}"
EDIT_MENU = "Что изменить в «{title}»?"
FIELD_NAMES = {
    "title": "Название",
    "dates": "Период",
    "deadline": "Срок сдачи",
    "place": "Место",
    "link": "Ссылка",
    "description": "Описание",
    "offsets": "Напоминания (дни до срока)",
}
SEMINAR_FIELD_NAMES = {  # a seminar has a date and a place, no deadline or reminders to set
    "title": "Название",
    "dates": "Дата",
    "place": "Место",
    "link": "Ссылка",
    "description": "Описание",
}
ASK_FIELD = {
    "title": "Напишите новое название события.",
    "dates": "Напишите период: две даты через дефис, например 01.10.2026 - 31.10.2026.",
    "deadline": "Напишите срок сдачи: дата и время, например 06.11.2026 18:00.",
    "place": "Напишите место проведения (или «-», чтобы очистить).",
    "link": "Пришлите ссылку http(s):// (или «-», чтобы очистить).",
    "description": "Напишите описание для библиотекарей (до 1000 символов, «-» — очистить).",
    "offsets": (
        "За сколько дней до срока напоминать? Числа через запятую, например 7,3,1 "
        "(и ещё раз в день срока). «-» — как по умолчанию."
    ),
}
BTN_OCCASION = "📚 Особое событие"
ASK_EDIT_OCCASION = "Какое это событие дорожной карты? Сейчас: {current}."
BTN_AUDIENCE = "👥 Кому адресовано"
AUDIENCE_SCREEN = (
    "<b>{title}</b>\nКому адресовано: {audience}.\n\nОтметьте школы, чтобы адресовать "
    "событие только им, или выберите «Все школы района»."
)
AUDIENCE_ALL_NAME = "всем школам района"
AUDIENCE_CHOSEN_NAME = "выбранным школам ({count})"
BTN_AUDIENCE_ALL = "🏫 Все школы района"
AUDIENCE_SCHOOL = "{mark} {name}"
SAVED = "Сохранено."

# new event form
ASK_EVENT_ACTIVITY = "Новое событие. К какому пункту дорожной карты оно относится?"
BTN_NO_ACTIVITY = "Без пункта"
ACTIVITY_BUTTON = "{number}. {title}"
ASK_OCCASION = (
    "Это одно из особых событий дорожной карты? От этого зависят напоминания: у месячника — "
    "еженедельные, у Дня библиотек — поздравление, у семинара — приглашение с ответом."
)
OCCASIONS = {
    "library-month": "📚 Месячник школьных библиотек",
    "library-day": "🎉 День школьных библиотек",
    "seminar": "📣 Семинар",
    "none": "Обычное событие",
}
OCCASION_NAMES = {
    "library-month": "месячник школьных библиотек",
    "library-day": "День школьных библиотек",
}
EDIT_OCCASIONS = {  # a seminar is a kind of its own, chosen when the event is created
    "library-month": OCCASIONS["library-month"],
    "library-day": OCCASIONS["library-day"],
    "none": OCCASIONS["none"],
}
ASK_EVENT_KIND = "Выберите вид события:"
ASK_SEMINAR_DATE = "Когда семинар? Напишите дату, например 10.12.2026."
ASK_SEMINAR_PLACE = "Где пройдёт семинар? Напишите место (или «-», если не нужно)."
SEMINAR_SUMMARY = (
    "<b>Проверьте семинар</b>\n\n{title}\nПункт: {activity}\nДата: {date}\nМесто: {place}"
)
NO_PLACE = "—"
BTN_SAVE_OPEN = "🟢 Сохранить и открыть"
BTN_NOT_NOW = "Не сейчас"
ASK_EVENT_TITLE = (
    "Напишите название события, например «Международный месячник школьных библиотек»."
)
ASK_EVENT_DATES = ASK_FIELD["dates"]
ASK_EVENT_DEADLINE = ASK_FIELD["deadline"]
EVENT_SUMMARY = (
    "<b>Проверьте событие</b>\n\n{title}\nВид: {kind}{occasion}\nПункт: {activity}\n"
    "Период: {starts} — {ends}\nСрок сдачи: {deadline}"
)
SUMMARY_OCCASION = " ({name})"
BTN_SAVE = "💾 Сохранить черновик"
EVENT_CREATED = "Событие сохранено как черновик. Откройте его, когда будете готовы."

CALENDAR_LOADED = "Календарь загружен: добавлено {added}, обновлено {updated}, снято {removed}."
CONFIRM_DEFAULT = (
    "Загрузить календарь 2026/27 по умолчанию? Черновики этого учебного года с теми же "
    "кодами обновятся, черновики, которых нет в календаре, будут удалены. Открытые события "
    "и события, которые школы уже отметили, не изменятся; другие учебные годы тоже."
)
ASK_CALENDAR_FILE = (
    "Пришлите файл CSV или XLSX с календарём (столбцы: код; № пункта; название; вид; начало; "
    "окончание; срок сдачи; место; ссылка; описание; ежегодно). Весь файл проверяется "
    "заранее: при ошибках ничего не изменится. Черновики тех же учебных годов, которых нет "
    "в файле, будут удалены; открытые и уже отмеченные школами события не изменятся."
)
BTN_CALENDAR_TEMPLATE = "📄 Образец календаря"
CALENDAR_TEMPLATE_NAME = "kalendar_obrazec.csv"
CALENDAR_REFUSED = "Календарь не загружен: исправьте ошибки и пришлите файл снова.\n\n{errors}"
CONFIRM_ROLLOVER = (
    "Создать черновики ежегодных событий на следующий год? Даты будут предварительными — "
    "их нужно будет подтвердить."
)
ROLLED_OVER = "Создано черновиков на следующий год: {count}."

# ---- librarian: tasks and the confirmation form ------------------------------------------------
TASKS_HEADER = "<b>Задания школы {school}</b>\n\n{lines}\n\nВыберите задание:"
TASKS_EMPTY = "Открытых заданий для вашей школы сейчас нет. 🎉"
TASK_LINE = "{icon} {title} — до {deadline}: {status}"
TASK_BUTTON = "{icon} {title}"
TASK_CARD = (
    "<b>{title}</b>\nПериод: {starts} — {ends}\nСрок: до {deadline}\n"
    "Статус школы: {status}{late}{comment}{description}"
)
TASK_LATE = " (с опозданием)"
TASK_COMMENT = "\n\n💬 Комментарий отдела образования: {comment}"
BTN_CONFIRM_TASK = "✅ Отметить выполнение"
BTN_EDIT_TASK = "✏️ Изменить отметку"
BTN_FIX_DATE = "📅 Дата"
BTN_FIX_PARTICIPANTS = "👥 Участники"
BTN_FIX_DESCRIPTION = "📝 Описание"
BTN_FIX_EVIDENCE = "📎 Подтверждения"
BTN_WITHDRAW = "↩️ Отозвать отметку"
BTN_DETAILS = "ℹ️ Подробнее"
BTN_TO_TASKS = "« К заданиям"
CONFIRM_WITHDRAW = "Отозвать отметку по «{title}»? Её можно будет отправить заново до срока."
WITHDRAWN = "Отметка отозвана."
NOT_EDITABLE = "Эту отметку уже нельзя изменить."

ASK_HELD_ON = (
    "Когда проводили? Нажмите «Сегодня» или напишите дату (например, 15.10 или 15.10.2026).\n"
    "Дата должна быть в периоде {starts} — {ends} и не позже сегодняшнего дня."
)
BTN_TODAY = "Сегодня, {day}"
BTN_DEFAULT_DAY = "{day}"
ASK_PARTICIPANTS = "Сколько было участников? Напишите число от 0 до 100 000."
ASK_DESCRIPTION = "Коротко опишите, что провели (до 1000 символов)."
BTN_SKIP = "Пропустить"
ASK_EVIDENCE = (
    "Прикрепите подтверждения: фото, документы (pdf, doc, docx, xls, xlsx, ppt, pptx, jpg, "
    "png; до 20 МБ) или ссылки — до 10 штук. Когда закончите, нажмите «Готово»."
)
EVIDENCE_ADDED = "Добавлено: {count} из 10. Ещё что-нибудь или «Готово»."
EVIDENCE_KEPT = (
    "Прежние подтверждения остаются ({count} из 10): пришлите ещё или нажмите «Готово». "
    "Чтобы собрать их заново, нажмите «Убрать прежние»."
)
EVIDENCE_CLEARED = "Прежние подтверждения убраны. Пришлите новые и нажмите «Готово»."
BTN_CLEAR_EVIDENCE = "🗑 Убрать прежние"
BTN_DONE = "✅ Готово"
PHOTO_NAME = "Фото {number}"
SUMMARY = (
    "<b>Проверьте отметку</b>\n\n{title}\nДата проведения: {held_on}\n"
    "Участников: {participants}\nОписание: {description}\nПодтверждения: {evidence}"
)
NO_DESCRIPTION = "—"
NO_EVIDENCE = "нет"
BTN_SEND = "📨 Отправить"
BTN_CHANGE = "✏️ Изменить"
SUBMITTED = "Отметка отправлена в отдел образования. Спасибо!"
SUBMITTED_LATE = "Отметка отправлена (после срока — она будет помечена как поздняя)."
CHANGE_MENU = "Что изменить?"
BTN_CHANGE_DATE = "Дату"
BTN_CHANGE_PARTICIPANTS = "Число участников"
BTN_CHANGE_DESCRIPTION = "Описание"
BTN_CHANGE_EVIDENCE = "Подтверждения (заново)"

ERRORS = {
    "bad_date": "Не понял дату. Напишите, например, 15.10 или 15.10.2026.",
    "date_in_future": "Эта дата ещё не наступила.",
    "date_outside_event": "Дата должна быть в периоде события: {starts} — {ends}.",
    "bad_number": "Нужно число, например 25.",
    "number_out_of_range": "Число должно быть от 0 до {max}.",
    "bad_url": "Это не похоже на ссылку. Пришлите адрес вида https://…",
    "bad_file_type": (
        "Файл «{name}» не подходит: принимаются pdf, doc, docx, xls, xlsx, ppt, pptx, jpg, png."
    ),
    "file_too_big": "Файл больше 20 МБ — Telegram не даст боту его скачать. Уменьшите его.",
    "too_many_files": "Уже прикреплено {max} — больше нельзя. Нажмите «Готово».",
    "event_not_open": "Приём отметок по этому событию закрыт.",
    "not_editable": "Эту отметку уже нельзя изменить.",
    "not_withdrawable": "Отозвать отметку уже нельзя.",
    "changed_by_colleague": (
        "Пока вы заполняли форму, коллега из вашей школы изменил эту отметку. "
        "Откройте её заново в /tasks и проверьте."
    ),
    "deadline_past": "Этот срок уже прошёл. Укажите дату и время, которые ещё впереди.",
    "already_reviewed": "Эта отметка уже проверена или изменена — откройте список заново.",
    "comment_required": "Напишите, что нужно исправить.",
    "event_title_empty": "Название не может быть пустым.",
    "event_end_before_start": "Окончание раньше начала.",
    "event_deadline_before_start": "Срок сдачи раньше начала события.",
    "bad_period": "Напишите две даты через дефис, например 01.10.2026 - 31.10.2026.",
    "bad_deadline": "Напишите дату и время, например 06.11.2026 18:00.",
    "bad_seminar_date": "Напишите дату, например 10.12.2026.",
    "bad_occasion": "Такого события дорожной карты нет.",
    "bad_offsets": "Напишите числа дней через запятую, например 7,3,1 (от 1 до 60).",
}
UNKNOWN_EVENT = "Событие не найдено или недоступно."
EVIDENCE_EXPECTED = "Пришлите фото, документ или ссылку — или нажмите «Готово»."

# ---- prompts and review ----------------------------------------------------------------------
PROMPT_OPENED = "📌 <b>{title}</b>\nПериод: {starts} — {ends}\nОтметьте выполнение до {deadline}."
REVIEW_HEADER = "<b>На проверке</b> (всего: {total})\n\nВыберите отметку:"
REVIEW_EMPTY = "Новых отметок на проверке нет."
REVIEW_BUTTON = "{school} · {title}"
REVIEW_CARD = (
    "<b>{title}</b>\nШкола: {school}\nДата проведения: {held_on}\nУчастников: {participants}\n"
    "Описание: {description}\nОтправлено: {submitted}{late}\n"
    "Подтверждения: {evidence}"
)
REVIEW_LATE = " ⚠️ после срока"
REVIEW_CHANGED = "Эту отметку уже проверили или изменили: сейчас она {status}."
CONFIRMATION_NOW = {
    "submitted": "снова ждёт проверки — школа отправила новую версию",
    "accepted": "принята",
    "returned": "возвращена на доработку",
    "withdrawn": "отозвана школой",
}
REVIEW_COMMENT_LINE = "💬 Комментарий: {comment}"
BTN_ACCEPT = "✅ Принять"
BTN_RETURN = "↩️ Вернуть"
BTN_TO_REVIEW = "« К списку"
BTN_OPEN_REVIEW = "📋 Открыть проверку"
ASK_RETURN_COMMENT = "Напишите, что нужно исправить — библиотекарь увидит комментарий."
REVIEW_ACCEPTED = "Принято: {school}, «{title}»."
REVIEW_RETURNED = "Возвращено на доработку: {school}, «{title}»."
OUTCOME_ACCEPTED = "✅ Отдел образования принял отметку «{title}»."
OUTCOME_RETURNED = (
    "↩️ Отметка «{title}» возвращена на доработку.\n💬 {comment}\n\nИсправьте и отправьте снова."
)
BTN_OPEN_CONFIRMATION = "Открыть отметку"
EVIDENCE_LINK_LINE = "🔗 {url}"

# ---- calendar and progress -------------------------------------------------------------------
CALENDAR_HEADER = "<b>Ближайшие события</b> · {district}\n\n{lines}"
CALENDAR_LINE = "• {starts} — {ends} · {title} (срок: {deadline})"
CALENDAR_EMPTY = "Ближайших событий нет."
BTN_ICS = "📲 Скачать в календарь телефона (.ics)"
ICS_NAME = "shibc_sobytiya.ics"
ICS_CALENDAR_NAME = "ШИБЦ: {district}"
ICS_CAPTION = "Откройте файл, чтобы добавить события и сроки в календарь телефона."
SCHOOL_RECORD = (
    "<b>{school}</b>\nУчебный год {year}\n\n{lines}\n\nИтого: {done} из {total} выполнено"
)
SCHOOL_RECORD_EMPTY = "<b>{school}</b>\nУчебный год {year}\n\nСобытий пока нет."
SCHOOL_RECORD_LINE = "{icon} {title} — {status}"
SCHOOLS_PICK = "Выберите школу, чтобы посмотреть её отметки:"
NO_SCHOOL = "Вы не привязаны к школе. Откройте ссылку-приглашение школы."
