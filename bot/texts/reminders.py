"""Reminders, seminar invitations, Library Month, summaries, /settings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.texts.plural import counted

REMINDER = "⏰ Напоминание: «{title}» — отметьте выполнение до {deadline}."
REMINDER_LAST = "❗ Последнее напоминание: «{title}» — срок {deadline}."
BTN_CONFIRM = "✅ Отметить выполнение"
# a contest's deadline: the school answers it with an entry, not a confirmation
CONTEST_REMINDER = (
    "⏰ Напоминание: «{title}» — подайте заявку до {deadline}. От вашей школы заявок пока нет."
)
CONTEST_REMINDER_LAST = "❗ Последнее напоминание: «{title}» — заявки принимаются до {deadline}."
CONTEST_NUDGE = "📨 Отдел образования напоминает: «{title}» — подайте заявку до {deadline}."
BTN_ENTER = "📝 Подать заявку"
MONITORING_REMINDER = "⏰ Напоминание: заполните анкету «{title}» до {deadline}."
MONITORING_REMINDER_LAST = (
    "❗ Последнее напоминание: анкету «{title}» нужно отправить до {deadline}."
)
MONITORING_NUDGE = "📨 Отдел образования напоминает: заполните анкету «{title}» до {deadline}."
BTN_FILL = "📝 Заполнить анкету"
BTN_SNOOZE = "🔕 Напомнить завтра"
SNOOZED = "Хорошо, напомню завтра в {time}."
SNOOZE_TOO_LATE = "Завтра будет уже поздно: срок {deadline}. Отметьте сегодня."
ALREADY_CONFIRMED = "Ваша школа уже отметила это событие — напоминаний больше не будет."

# a seminar's invitation: the title on its own line, so that «семинар» is never doubled
# and a title with its own «» is not nested in another pair
SEMINAR_HEAD = "📣 Приглашение на семинар\n<b>{title}</b>"
SEMINAR_HEAD_NAMED = "📣 Приглашение\n<b>{title}</b>"  # the title already says «семинар»
SEMINAR = "{head}\nДата: {date}{place}{link}\n\nСможете участвовать?"
SEMINAR_DATE_TOMORROW = "завтра, {date}"
SEMINAR_PLACE = "\nМесто: {place}"
SEMINAR_LINK = "\nСсылка: {link}"
BTN_WILL_COME = "Буду"
BTN_CANNOT = "Не смогу"
BTN_CHOSEN = "✅ {label}"  # the answer given, on its button
RSVP_YES = (
    "{head}\nДата: {date}{place}{link}\n\nЗаписали: вы будете. Передумаете — нажмите «Не смогу»."
)
RSVP_NO = (
    "{head}\nДата: {date}{place}{link}\n\nЗаписали: вы не сможете. Передумаете — нажмите «Буду»."
)

LM_KICKOFF = (
    "📚 Начинается «{title}» ({starts} — {ends}).\n{plan}\n"
    "Отмечайте проведённые мероприятия в /tasks до {deadline}."
)
LM_WEEKLY = "📚 Идёт «{title}». Не забудьте отметить проведённые мероприятия: /tasks"
LM_GREETING = (
    "🎉 С Международным днём школьных библиотек! Спасибо за вашу работу. "
    "Расскажите о проведённых мероприятиях: /tasks"
)

SUMMARY = "📊 «{title}» (срок {deadline}): отметили {done} из {schools}.{missing}"
SUMMARY_MISSING = "\nНе отметили: {schools}"
SUMMARY_MORE = " и ещё {count}"
BTN_NUDGE = "📨 Напомнить не ответившим"
NUDGE = "📨 Отдел образования напоминает: отметьте «{title}» до {deadline}."
NUDGE_LATE = (
    "📨 Отдел образования напоминает: срок «{title}» прошёл {deadline}, но отметку ещё "
    "примут с пометкой «поздно»."
)
SEMINAR_TOMORROW = "📣 Напоминаем: завтра вас ждут\n<b>{title}</b>\nДата: {date}{place}{link}"
EVENT_NOT_OPEN = "Это событие уже закрыто или отменено."


def nudged(count: int) -> str:
    """What «Напомнить не ответившим» will do, said as a person would."""
    if not count:
        return "Напоминать некому: все школы уже отметили или библиотекари не подключены."
    whom = counted(count, "библиотекарю", "библиотекарям", "библиотекарям")
    return f"Хорошо, напомним {whom} из школ, которые ещё не отметили."


NUDGE_ALREADY = "Сегодня по этому событию уже напоминали. Повторить можно завтра."
DIGEST = "☀️ Доброе утро! На проверке ждут отметок: {count}. Откройте /review."

SETTINGS = (
    "<b>Настройки напоминаний</b>\n\nНеобязательные напоминания: {state}.\n"
    "Последнее напоминание перед сроком приходит всегда.{quiet}"
)
QUIET_SENTENCE = " {window} бот не пишет."
STATE_ON = "включены"
STATE_OFF = "выключены"
BTN_MUTE = "🔕 Выключить необязательные"
BTN_UNMUTE = "🔔 Включить необязательные"


def quiet_window(start: time, end: time, weekends: bool) -> str:
    """The hours the bot keeps silent, as said: «с 21:00 до 09:00», «в выходные»; "" if none."""
    parts = []
    if start != end:
        parts.append(f"с {start:%H:%M} до {end:%H:%M}")
    if weekends:
        parts.append("в выходные")
    return " и ".join(parts)


def when_local(moment: datetime, today: date) -> str:
    """A local moment as said: «сегодня в 09:00», «завтра в 09:00», «07.12 в 09:00»."""
    day = moment.date()
    if day == today:
        return f"сегодня в {moment:%H:%M}"
    if day == today + timedelta(days=1):
        return f"завтра в {moment:%H:%M}"
    return f"{moment:%d.%m} в {moment:%H:%M}"


COORDINATOR_SETTINGS = "<b>Настройки</b>\n\nО новых отметках школ {state}"
REVIEW_STATE_NOW = "я сообщаю, как только они приходят: одним сообщением, не чаще раза в 10 минут."
REVIEW_STATE_DIGEST = "я рассказываю раз в день, утром в {time}, одной сводкой."
BTN_REVIEW_DIGEST = "☀️ Только утренняя сводка"
BTN_REVIEW_NOW = "🔔 Сообщать сразу"
