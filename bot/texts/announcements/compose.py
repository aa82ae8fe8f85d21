"""Composing and sending an announcement (/announce)."""

from __future__ import annotations

from bot.texts.plural import plural

ASK_CONTENT = (
    "Пришлите текст объявления. Форматирование (жирный, ссылки) сохранится.\n"
    "Можно прислать фото или документ с подписью, альбом до 10 файлов или переслать "
    "сообщение.\nОтмена: /cancel"
)
ASK_NEW_CONTENT = "Пришлите новый текст объявления (или фото, документ, альбом).\nОтмена: /cancel"
ACCEPTED = "Принимаются: текст, фото или документ с подписью, альбом из фото или документов."
UNSUPPORTED = "Такое сообщение нельзя разослать. " + ACCEPTED
EMPTY = "Сообщение пустое. " + ACCEPTED
TOO_LONG = (
    "Текст слишком длинный: его длина — {length}, а в одно сообщение помещается не больше "
    "{limit} символов.\nРазбить его на части по абзацам или изменить?"
)
BTN_SPLIT = "✂️ Разбить на части"
BTN_REWRITE = "✏️ Изменить"
REWRITE = "Пришлите исправленный текст.\nОтмена: /cancel"
NOTHING_TO_SPLIT = "Текст для разбиения не найден: пришлите его ещё раз."
ALBUM_WAIT = "Альбом получен. Когда загрузятся все файлы, нажмите «Готово»."
BTN_ALBUM_DONE = "✅ Готово"
ERRORS = {
    "announcement_empty": EMPTY,
    "announcement_too_long": TOO_LONG,
    "album_too_big": "В альбоме не больше {limit} файлов.",
    "album_mixed": "В одном альбоме — только фото или только документы, не вместе.",
    "media_unsupported": UNSUPPORTED,
    "audience_empty": (
        "Некому отправить: среди выбранных получателей нет ни одного доступного. "
        "Выберите других: «Кому»."
    ),
    "announcement_already_sent": "Это объявление уже отправлено.",
    "announcement_not_sending": "Рассылка уже закончилась.",
    "schedule_past": "Это время уже прошло. Укажите время в будущем.",
}

# super-admin: where to
ASK_DISTRICTS = "Кому разослать объявление? Выберите районы или всю республику."
BTN_REPUBLIC = "🌐 Вся республика"
BTN_DISTRICTS_DONE = "Готово (выбрано: {count})"
DISTRICT_ON = "☑️ {name}"
DISTRICT_OFF = "▫️ {name}"
NO_DISTRICTS_CHOSEN = "Выберите хотя бы один район или «Вся республика»."

# the draft's screen
PREVIEW_HEADER = "👁 Так объявление увидят получатели:"
PREVIEW_BUTTONS_LINE = "Объявление № …"
SCREEN = (
    "📝 <b>Черновик объявления</b>\n"
    "Кому: {audience}\n"
    "Получателей: {total}, из них недоступны: {unreachable} "
    "(заблокировали бота или вышли)\n"
    "{without}"
    "Кнопка «Ознакомлен(а)»: {ack}"
)
WITHOUT = "Школ без библиотекаря: {count}\n"
ON = "вкл"
OFF = "выкл"
PARTS = "\nТекст уйдёт частями: {count}."
BTN_ACK = "Кнопка «Ознакомлен(а)»: {state}"
BTN_AUDIENCE = "👥 Кому: {audience}"
BTN_PREVIEW = "👁 Показать ещё раз"
BTN_EDIT = "✏️ Изменить"
BTN_SCHEDULE = "🕒 Запланировать…"
BTN_CANCEL = "✖️ Отмена"


def btn_send(n: int) -> str:
    return f"📤 Отправить {n} {plural(n, 'получателю', 'получателям', 'получателям')}"


AUD_ALL = "все библиотекари района"
AUD_ALL_REPUBLIC = "все библиотекари республики"
AUD_ALL_DISTRICTS = "все библиотекари выбранных районов ({count})"
AUD_LATE = "не отметившие «{event}»"
AUD_SCHOOLS = "выбранные школы ({count})"
AUD_COORDINATORS = "координаторы районов"

# the audience
AUDIENCE_ASK = "Кому отправить объявление?"
BTN_AUD_ALL = "Всем библиотекарям района"
BTN_AUD_ALL_ADMIN = "Всем библиотекарям"
BTN_AUD_LATE = "Не отметившим событие…"
BTN_AUD_SCHOOLS = "Выбранным школам…"
BTN_AUD_COORDINATORS = "Координаторам районов"
LATE_ASK = (
    "Школы, которые не отметили событие (или чью отметку вернули на доработку). Выберите событие:"
)
LATE_NONE = "В районе нет открытых событий."
SCHOOLS_ASK = "Выберите школы. Чтобы найти школу, напишите часть её названия.\nВыбрано: {count}"
SCHOOLS_FOUND = "Найдено по «{query}»: {count}.\nВыбрано: {chosen}"
SCHOOLS_NONE = "По «{query}» ничего не найдено. Напишите другое название."
SCHOOL_ON = "☑️ {name}"
SCHOOL_OFF = "▫️ {name}"
BTN_SEARCH = "🔎 Найти по названию"
SEARCH_ASK = "Напишите часть названия школы."
SEARCH_TEXT_ONLY = "Напишите название школы текстом."
BTN_SCHOOLS_DONE = "✅ Готово (выбрано: {count})"
NO_SCHOOLS_CHOSEN = "Выберите хотя бы одну школу."
UNKNOWN_CHOICE = "Этот вариант больше недоступен."
SUPER_ADMIN_ONLY = "Это может только администратор."

# schedule
BTN_TOMORROW_AT = "Завтра, {time}"
BTN_MONDAY_AT = "В понедельник {date}, {time}"
SCHEDULE_ASK = (
    "Когда отправить? Выберите время или напишите дату и время: «ДД.ММ ЧЧ:ММ» или "
    "«ДД.ММ.ГГГГ ЧЧ:ММ» (время местное, {tz}).\nНапример: {example}"
)
SCHEDULE_BAD = "Не понял дату и время. Напишите, например: {example}"
SCHEDULED = "🕒 Объявление будет отправлено {when}.\nКому: {audience}"
MOVED = (
    "Это время попадает в тихие часы ({quiet}): ночью сообщения не отправляются, "
    "поэтому отправка перенесена на утро."
)
BTN_UNSCHEDULE = "✖️ Отменить рассылку"
UNSCHEDULE_ASK = "Отменить запланированную рассылку? Объявление не будет отправлено."
UNSCHEDULED = "Запланированная рассылка отменена."

CANCEL_ASK = "Удалить черновик? Объявление не будет отправлено."
CANCELLED = "Черновик удалён."

UNKNOWN_DRAFT = "Этот черновик уже отправлен, отменён или недоступен."

# sending
STOP_ASK = "Остановить рассылку? Ещё не отправлено сообщений: {count} — они не уйдут."
STOPPED = "Рассылка остановлена. Не отправлено сообщений: {count}."
STOP_KEPT = "Рассылка продолжается."
BTN_STOP = "⏹ Остановить"


PROGRESS = "📤 <b>Объявление № {number}: идёт отправка</b>\n"
PROGRESS_STOPPING = "⏹ <b>Объявление № {number}: рассылка остановлена</b>, ждём последние\n"
FINAL_SENT = "✅ <b>Объявление № {number} разослано</b>\n"
FINAL_STOPPED = "⏹ <b>Рассылка объявления № {number} остановлена</b>\n"
COUNTS = (
    "Отправлено: {sent} из {total}\n"
    "Ожидают отправки: {waiting}\n"
    "Не доставлено (ошибка): {failed}\n"
    "Недоступны (заблокировали бота или вышли): {unreachable}"
)
HELD = "\nОстановлено, не отправлено: {cancelled}"
