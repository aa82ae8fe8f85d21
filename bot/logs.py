"""Logging for the bot process: ids, never secrets, names or texts.

- Every formatted line (message and traceback) has the bot token replaced: an aiohttp error
  of a failed file download carries the file URL, which contains the token.
- SQL loggers print statement parameters (names, descriptions, invitation tokens): they stay
  at WARNING unless LOG_SQL asks for them; the engine also hides parameters in its errors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
# third-party loggers that print SQL parameters at INFO or DEBUG
SQL_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "aiosqlite", "asyncpg")


class RedactingFormatter(logging.Formatter):
    """Replaces each secret wherever it appears in the formatted record."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(
    level: str, secrets: Iterable[str], *, log_sql: bool = False, stream: TextIO | None = None
) -> logging.Handler:
    """Configure the root logger once for the process; returns its handler."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    # aiogram logs every update at INFO ("Update id=… is handled"): enough, even at DEBUG
    logging.getLogger("aiogram.event").setLevel(max(logging.INFO, numeric))
    for name in SQL_LOGGERS:
        logging.getLogger(name).setLevel(numeric if log_sql else max(logging.WARNING, numeric))
    return handler
