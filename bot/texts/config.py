"""Messages printed to the operator when a setting is wrong (one line each)."""

SETTING_HINTS: dict[str, str] = {
    "bot_token": (
        "BOT_TOKEN не задан или имеет неверный формат: укажите токен бота от @BotFather "
        "(вида 123456789:AA...) в файле .env или в переменной окружения BOT_TOKEN."
    ),
    "database_url": (
        "DATABASE_URL неверен: используйте sqlite+aiosqlite:///data/bot.db "
        "или postgresql+asyncpg://user@host/db."
    ),
    "bot_api_url": (
        "BOT_API_URL неверен: укажите адрес сервера Bot API вида https://host[:port]."
    ),
    "admin_ids": (
        "ADMIN_IDS неверен: перечислите числовые Telegram id через запятую, например 12345,67890."
    ),
    "timezone": ("TIMEZONE неизвестен: укажите часовой пояс IANA, например Asia/Yekaterinburg."),
    "log_level": "LOG_LEVEL неверен: используйте DEBUG, INFO, WARNING или ERROR.",
    "polling_timeout": "POLLING_TIMEOUT неверен: укажите число секунд от 1 до 50.",
}
SETTING_GENERIC = "Ошибка настройки {name}: {error}. Проверьте файл .env (образец: .env.example)."
