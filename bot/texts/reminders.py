"""Reminders, seminar invitations, Library Month, summaries, /settings."""

from __future__ import annotations

from bot.texts.plural import counted

REMINDER = "⏰ Напоминание: «{title}» — отметьте выполнение до {deadline}."
REMINDER_LAST = "❗ Последнее напоминание: «{title}» — срок {deadline}."
BTN_CONFIRM = "✅ Отметить выполнение"
BTN_SNOOZE = "🔕 Напомнить завтра"
SNOOZED = "Хорошо, напомню завтра в {time}."
SNOOZE_TOO_LATE = "Завтра будет уже поздно: срок {deadline}. Отметьте сегодня."
ALREADY_CONFIRMED = "Ваша школа уже отметила это событие — напоминаний больше не будет."

SEMINAR = "📣 Приглашение на семинар «{title}»\nДата: {date}{place}{link}\n\nСможете участвовать?"
SEMINAR_PLACE = "\nМесто: {place}"
SEMINAR_LINK = "\nСсылка: {link}"
BTN_WILL_COME = "✅ Буду"
BTN_CANNOT = "✖️ Не смогу"
RSVP_YES = "Записали: вы будете на семинаре «{title}»."
RSVP_NO = "Записали: вы не сможете участвовать в «{title}»."
RSVP_SUMMARY = "\nОтветы на приглашение: будут — {yes}, не смогут — {no}."

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
SEMINAR_TOMORROW = "📣 Напоминаем: завтра семинар «{title}» ({date}){place}{link}."
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
    "Последнее напоминание перед сроком приходит всегда. Ночью (с {quiet}) бот не пишет."
)
STATE_ON = "включены"
STATE_OFF = "выключены"
BTN_MUTE = "🔕 Выключить необязательные"
BTN_UNMUTE = "🔔 Включить необязательные"

COORDINATOR_SETTINGS = "<b>Настройки</b>\n\nО новых отметках школ {state}"
REVIEW_STATE_NOW = "я сообщаю, как только они приходят: одним сообщением, не чаще раза в 10 минут."
REVIEW_STATE_DIGEST = "я рассказываю раз в день, утром в {time}, одной сводкой."
BTN_REVIEW_DIGEST = "☀️ Только утренняя сводка"
BTN_REVIEW_NOW = "🔔 Сообщать сразу"
