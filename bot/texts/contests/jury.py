"""Contests: texts of the jury part (the coordinator's jury screen, the juror's /jury)."""

from __future__ import annotations

from bot.texts import common
from bot.texts.plural import counted

# ---- the coordinator's jury screen -----------------------------------------------------------

JURY_HEADER = "<b>Жюри конкурса «{title}»</b>\nДопущено работ: {accepted}.\n{judging}"
JUDGING_OPEN = "Оценка идёт: члены жюри ставят и меняют баллы."
JUDGING_CLOSED = "🔒 Оценка завершена {when}: баллы больше не меняются."
NO_JURORS = "Членов жюри пока нет. Пригласите их кнопкой ниже — каждому своя ссылка."
SEAT_LINE = "{n}. {label} — {state}"
SEAT_WAITING = "ссылка ещё не использована"
SEAT_TAKEN = "в жюри{holder} · оценено {scored} из {total}"
SEAT_TAKEN_DONE = "в жюри{holder} · ✅ оценено {scored} из {total}"
SEAT_HOLDER = " ({name})"
BTN_SEAT = "👤 {label}"
BTN_INVITE = "➕ Пригласить члена жюри"
BTN_CLOSE_JUDGING = "🔒 Завершить оценку"
BTN_TO_JURY = "« К жюри"
BTN_YES = common.BTN_YES
BTN_NO = common.BTN_NO

SEAT_CARD = "<b>Член жюри: {label}</b>\nКонкурс: «{title}»\nНоминации: {nominations}\n{state}"
ALL_NOMINATIONS = "все"
SEAT_CARD_WAITING = (
    "Ссылка ещё не использована. Она действует один раз — перешлите её члену жюри:\n{link}"
)
SEAT_CARD_TAKEN = "Место занято: {holder}, {when}.\nОценено {scored} из {total}."
BTN_REVOKE = "⛔ Отозвать"
ASK_REVOKE = (
    "Отозвать место «{label}»? Ссылка перестанет действовать, а баллы этого члена жюри "
    "не войдут в итоги."
)
REVOKED = "Место «{label}» отозвано."
REVOKED_NOTICE = (
    "Координатор отозвал ваше место в жюри конкурса «{title}». Оценивать работы этого "
    "конкурса больше не нужно."
)

ASK_CLOSE = (
    "Завершить оценку конкурса «{title}»? После этого баллы не меняются, и по ним "
    "подводятся итоги. Вернуть оценку нельзя."
)
CLOSE_UNFINISHED = "\n\nЕщё не всё оценили:\n{lines}"
CLOSE_UNFINISHED_LINE = "• {label}: оценено {scored} из {total}"
CLOSE_NOBODY = "\n\nВ жюри никто не вошёл по ссылке — оценок нет."
CLOSED_DONE = "Оценка завершена. Итоги можно подводить."
CLOSED_NOTICE = "Оценка конкурса «{title}» завершена. Спасибо за работу в жюри!"

ASK_LABEL = (
    "Как зовут члена жюри? Напишите фамилию, имя и отчество (можно с должностью) — "
    "так место будет подписано в списке жюри."
)
ASK_NOMINATIONS = (
    "Член жюри: {label}.\nКакие номинации оценивает этот член жюри? Отметьте нужные и нажмите "
    "«Готово», или выберите «Все номинации»."
)
BTN_ALL_NOMINATIONS = "Все номинации"
BTN_DONE = "✅ Готово"
NOMINATION_ON = "☑️ {title}"
NOMINATION_OFF = "⬜ {title}"
INVITED = (
    "Член жюри «{label}» приглашён. Номинации: {nominations}.\n\n"
    "Перешлите члену жюри эту ссылку — она действует один раз:\n{link}"
)

# ---- the juror: /start with a seat's link ----------------------------------------------------

JOINED = (
    "Готово! Вы — член жюри конкурса «{title}» (номинации: {nominations}).\n\n"
    "Оценивайте работы в /jury: по каждому критерию — баллы кнопками, можно добавить "
    "комментарий. Менять оценки можно, пока координатор не завершит оценку."
)
ALREADY_JOINED = "Вы уже член жюри конкурса «{title}». Работы для оценки — в /jury."
BTN_OPEN_JURY = "⚖️ Оценивать работы"

# ---- the juror: /jury --------------------------------------------------------------------------

JURY_PRIVATE_ONLY = (
    "Оценки жюри видны только в личном чате: напишите боту лично и повторите /jury."
)
NO_SEATS = "У вас нет мест в жюри конкурсов. Если координатор пригласил вас, откройте его ссылку."
SEATS_HEADER = "<b>Жюри: ваши конкурсы</b>"
SEAT_ITEM = "• «{title}»: оценено {scored} из {total}{closed}"
SEAT_ITEM_CLOSED = " (оценка завершена)"
BTN_CONTEST = "{mark}{title}"

ENTRIES_HEADER = "<b>«{title}»</b>\nОценено {scored} из {total}.{closed}"
ENTRIES_CLOSED = "\n🔒 Оценка завершена: баллы видны, но не меняются."
NO_ENTRIES = (
    "\n\nДопущенных работ для вас пока нет: они появятся, когда координатор примет заявки."
)
BTN_ENTRY = "{mark}{code} · {nomination}"
BTN_TO_CONTESTS = "« К конкурсам"

ENTRY_CARD = (
    "<b>Работа {code}</b> ({position} из {total})\n"
    "Номинация: «{nomination}»\n"
    "Участники: {participants}\n"
    "Название: {title}\n"
    "{works}\n\n"
    "<b>Оценка</b>{closed}\n{criteria}\n"
    "Итого: {points} из {max_total}"
)
ENTRY_CLOSED = " 🔒 (завершена)"
NO_TITLE = "—"
WORK_TITLE = "«{title}»"
PARTICIPANT = "{name} ({category})"
PARTICIPANT_AGE = "{name} ({category}, {age})"
CRITERION_LINE = "{n}. {title}: {points}"
CRITERION_POINTS = "<b>{points}</b> из {max}"
CRITERION_EMPTY = "не оценено (0–{max})"
SELF_ASSESSMENT = " · самооценка школы: {points} из {max}"
COMMENT_LINE = "\nКомментарий: {comment}"
SCORED_MARK = "✅ "
NOT_SCORED_MARK = ""
BTN_CRITERION = "{n}. {title}"
BTN_CRITERION_VALUE = "{n}. {title}: {points} из {max} ✏️"
BTN_POINTS = "{points}"
BTN_POINTS_CURRENT = "•{points}•"
BTN_WORKS = "📎 Показать работы"
BTN_COMMENT = "💬 Комментарий"
BTN_NEXT_ENTRY = "Следующая работа ▶"
BTN_TO_ENTRIES = "« К списку"
BTN_TO_ENTRY = "« К работе"
BTN_RANGE = "{low}–{high}"

KEYPAD = (
    "Работа {code}\nКритерий «{title}»: от 0 до {max} баллов.\nСейчас: {current}.\nВыберите баллы:"
)
KEYPAD_NONE = "не оценено"

WORK_CAPTION = "Работа {code}"
WORKS_SENT = "Работы отправлены ниже."

ASK_COMMENT = (
    "Комментарий к работе {code} (до {max} символов) — его увидят координатор и протокол "
    "жюри. Напишите текст или отмените: /cancel"
)
ASK_COMMENT_CURRENT = "\n\nСейчас: {comment}"
BTN_CLEAR_COMMENT = "🗑 Удалить комментарий"
COMMENT_SAVED = "Комментарий сохранён."

UNKNOWN_SEAT = "Вы не член жюри этого конкурса (или место отозвано)."
UNKNOWN_ENTRY = "Работа не найдена или не входит в ваш список для оценки."


def works_line(files: int, links: int) -> str:
    parts = []
    if files:
        parts.append(counted(files, "файл", "файла", "файлов"))
    if links:
        parts.append(counted(links, "ссылка", "ссылки", "ссылок"))
    return "Работа: " + (", ".join(parts) if parts else "нет файлов")


ERRORS: dict[str, str] = {
    "jury_seat_unknown": (
        "Ссылка члена жюри не найдена. Проверьте её или попросите у координатора новую."
    ),
    "jury_seat_revoked": "Эта ссылка члена жюри отозвана координатором. Попросите новую.",
    "jury_seat_taken": (
        "По этой ссылке уже вошёл другой человек: она действует один раз. "
        "Попросите у координатора свою ссылку."
    ),
    "jury_seat_twice": (
        "Вы уже член жюри этого конкурса: второе место не нужно. Работы — в /jury."
    ),
    "jury_contest_cancelled": "Этот конкурс отменён — оценивать нечего.",
    "jury_closed_for_invites": (
        "Пригласить в жюри уже нельзя: оценка завершена или конкурс отменён."
    ),
    "jury_too_many": "В жюри одного конкурса не больше {max} человек.",
    "jury_no_nominations": "Отметьте хотя бы одну номинацию или нажмите «Все номинации».",
    "jury_judging_closed": "Оценка завершена координатором: баллы больше не меняются.",
    "jury_close_needs_closed": (
        "Завершить оценку можно после того, как приём заявок закрыт: пока заявки принимаются, "
        "работы ещё приходят."
    ),
    "jury_no_such_criterion": "Такого критерия в конкурсе нет.",
}
