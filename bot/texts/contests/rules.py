"""Contests: the words for the refusals of services.contests (setup and entries)."""

from bot.texts.common import ErrorText
from bot.texts.plural import counted

# a record that does not exist or is not the user's: one answer, so a forged id tells nothing
UNKNOWN_CONTEST = "Конкурс не найден или недоступен."
UNKNOWN_ENTRY = "Заявка не найдена или недоступна."

# an entry's works, re-sent (handlers/contests/works.py)
WORK_LINKS = "🔗 Ссылки заявки {code}:\n{links}"
WORK_NOT_SENT = (
    "⚠️ Файл «{name}» заявки {code} не удалось переслать: Telegram его больше не отдаёт."
)
WORK_KIND_NAMES = {"photo": "фото", "video": "видео", "document": "документ", "link": "ссылка"}

CATEGORY_NAMES = {
    "parent": "родитель",
    "teacher": "педагог",
    "library": "библиотека",
}
GRADE_NAME = "{grade} класс"
STATUS_NAMES = {
    "draft": "черновик",
    "open": "идёт приём заявок",
    "closed": "приём закрыт, работает жюри",
    "published": "итоги опубликованы",
    "cancelled": "отменён",
}
STATUS_PAST_DEADLINE = "приём закрыт: срок истёк {deadline}"
STATUS_JUDGED = "оценка завершена, итоги не опубликованы"
ENTRY_STATUS_NAMES = {
    "submitted": "на проверке",
    "accepted": "допущена",
    "rejected": "отклонена",
    "withdrawn": "отозвана",
}


def _entries(n: int) -> str:
    return counted(n, "заявки", "заявок", "заявок")  # «не больше 1 заявки», «… 2 заявок»


# the refusals whose words follow a number
COUNTED_ERRORS: dict[str, ErrorText] = {
    "nomination_limit": lambda p: (
        f"От школы в этой номинации не больше {_entries(p['max'])} — лимит исчерпан."
    ),
    "school_limit": lambda p: (
        f"От школы не больше {_entries(p['max'])} на конкурс — лимит исчерпан."
    ),
}

ERRORS: dict[str, str] = {
    "bad_category": (
        "Не понял категорию. Напишите класс числом от 1 до 11 (например, 5) "
        "или слово: родитель, педагог, библиотека."
    ),
    "category_not_in_nomination": "Эта категория не участвует в номинации «{nomination}».",
    "full_name_needed": (
        "Напишите фамилию и имя полностью, например: Иванова Елена Петровна — "
        "так они будут напечатаны в дипломе."
    ),
    "bad_age": "Возраст — целое число от {min} до {max}.",
    "age_required": "Укажите возраст каждого участника — так требует положение.",
    "no_participants": "Добавьте хотя бы одного участника.",
    "too_many_participants": "В одной заявке этой номинации не больше {max} участников.",
    "participant_twice": "Один и тот же участник указан дважды.",
    "no_works": "Приложите работу: файл, фото, видео или ссылку.",
    "consent_required": (
        "Без согласия на обработку персональных данных заявку отправить нельзя. "
        "Подтвердите, что согласие получено и хранится в школе."
    ),
    "self_scores_required": "Заполните самооценку по всем критериям.",
    "score_out_of_range": "Баллы — от 0 до {max}.",
    "no_such_nomination": "Такой номинации в конкурсе нет.",
    "contest_not_taking": (
        "Приём заявок закрыт: срок был {deadline}. Если срок продлят, бот пришлёт сообщение; "
        "вопросы — координатору отдела образования."
    ),
    "family_taken": (
        "«{name}» уже участвует в другой заявке: по положению одна семья — одна заявка."
    ),
    "participant_taken": "«{name}» уже участвует в этой номинации — вторая заявка не нужна.",
    "entry_withdrawn": "Эта заявка отозвана — изменить её нельзя. Подайте новую.",
    "entry_changed": (
        "Заявку только что изменили (коллега или координатор). Откройте её заново и проверьте."
    ),
    "entry_not_editable": "Эту заявку уже нельзя изменить.",
    "contest_status_conflict": "Сейчас это сделать нельзя: конкурс — {status}.",
    "judging_closed_no_entries": (
        "Оценка работ уже завершена — новые заявки жюри не оценит, поэтому срок не продлить."
    ),
    "deadline_earlier": (
        "Срок можно только продлить: школы уже готовят заявки к объявленной дате."
    ),
}
