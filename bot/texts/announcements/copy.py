"""What each recipient's copy carries besides the coordinator's own text."""

BTN_ACK = "✅ Ознакомлен(а)"
BTN_ASK = "❓ Задать вопрос"
# the line that carries the buttons under an album (Telegram puts no buttons on an album)
BUTTONS_LINE = "Объявление № {number}"

# «Ознакомлен(а)»
ACK_DONE = "Спасибо! Отмечено: вы ознакомились."
ACK_ALREADY = "Вы уже отметили, что ознакомились."
ACK_NOT_ASKED = "В этом объявлении отметка об ознакомлении не нужна."

# «Задать вопрос»
ASK_PROMPT = (
    "Напишите вопрос к объявлению № {number} одним сообщением (до {max} символов). "
    "Его получит отдел образования.\n\nОтменить: /cancel"
)
ASK_PROMPT_REPUBLIC = (
    "Напишите вопрос к объявлению № {number} одним сообщением (до {max} символов). "
    "Его получит автор объявления в республике.\n\nОтменить: /cancel"
)
ASK_TEXT_ONLY = "Вопрос нужно написать текстом. Пришлите текст или отмените: /cancel"
ASK_SENT = "Вопрос отправлен. Ответ придёт сюда, в бот."

# to the librarian: a reminder, an answer
NUDGE = (
    "Напоминание: ознакомьтесь, пожалуйста, с объявлением № {number} от {date} "
    "и нажмите «Ознакомлен(а)».\n\n«{words}»\n\nПолный текст: /announcements"
)
ANSWER_NOTICE = (
    "Ответ на ваш вопрос по объявлению № {number}:\n\n"
    "<i>Ваш вопрос:</i> «{question}»\n\n<b>Ответ:</b> {answer}"
)
