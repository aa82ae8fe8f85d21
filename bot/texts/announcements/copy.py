"""What each recipient's copy carries besides the coordinator's own text."""

BTN_ACK = "✅ Ознакомлен(а)"
BTN_ASK = "❓ Задать вопрос"
# the line that carries the buttons under an album (Telegram puts no buttons on an album)
BUTTONS_LINE = "Объявление № {number}"
