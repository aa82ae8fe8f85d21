"""Entry point: `python -m bot` runs the bot; `python -m bot migrate` only migrates."""

from __future__ import annotations

import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.config import Settings
from bot.logs import configure_logging
from bot.texts.config import SETTING_GENERIC, SETTING_HINTS

EXIT_CONFIG = 2
USAGE = "usage: python -m bot [run|migrate]"


def load_settings() -> Settings:
    """Settings, or one clear line naming the setting and exit code 2."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "?"
        hint = SETTING_HINTS.get(name) or SETTING_GENERIC.format(
            name=name.upper(), error=first.get("msg", "")
        )
        print(hint, file=sys.stderr)  # noqa: T201
        raise SystemExit(EXIT_CONFIG) from None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "run"
    if command not in ("run", "migrate"):
        print(USAGE, file=sys.stderr)  # noqa: T201
        return EXIT_CONFIG
    settings = load_settings()
    configure_logging(
        settings.log_level, [settings.bot_token.get_secret_value()], log_sql=settings.log_sql
    )
    # imported after the settings are checked: a wrong setting is told in a second, not after
    # the seconds aiogram's types take to import
    from bot.app import run_polling  # noqa: PLC0415
    from models.migrate import upgrade  # noqa: PLC0415

    upgrade(settings.database_url)
    if command == "migrate":
        logging.getLogger(__name__).info("database is up to date")
        return 0

    asyncio.run(run_polling(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
