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
    "send_rate": "SEND_RATE неверен: укажите число сообщений в секунду от 1 до 30.",
    "sender_concurrency": "SENDER_CONCURRENCY неверен: укажите число от 1 до 64.",
    "sender_lease": "SENDER_LEASE неверен: укажите число секунд от 1 до 3600.",
    "quiet_hours": "QUIET_HOURS неверен: укажите интервал вида 21:00-09:00.",
    "quiet_weekends": "QUIET_WEEKENDS неверен: укажите true или false.",
    "reminder_offsets": (
        "REMINDER_OFFSETS неверен: перечислите дни до срока через запятую, например 7,3,1."
    ),
    "reminder_time": "REMINDER_TIME неверен: укажите время вида 10:00.",
    "day_of_time": "DAY_OF_TIME неверен: укажите время вида 09:00.",
    "summary_time": "SUMMARY_TIME неверен: укажите время вида 18:00.",
}
SETTING_GENERIC = "Ошибка настройки {name}: {error}. Проверьте файл .env (образец: .env.example)."
