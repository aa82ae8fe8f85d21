"""Settings: one pydantic-settings class read from the environment and `.env`."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from services.outbox import QuietHours

TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every setting of the bot; documented in README.md and .env.example."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    bot_token: SecretStr
    database_url: str = "sqlite+aiosqlite:///data/bot.db"
    bot_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Yekaterinburg"
    log_level: str = "INFO"
    log_sql: bool = False
    catalogue_path: str = "data/roadmap.toml"
    monitoring_questionnaire: str = "data/monitoring.toml"
    polling_timeout: int = Field(default=30, ge=1, le=50)
    send_rate: float = Field(default=25.0, gt=0, le=30)
    sender_concurrency: int = Field(default=8, ge=1, le=64)
    sender_lease: int = Field(default=60, ge=1, le=3600)
    announce_progress_seconds: float = Field(default=5.0, ge=1, le=300)
    quiet_hours: str = "21:00-09:00"
    quiet_weekends: bool = False
    reminder_offsets: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 3, 1])
    reminder_time: str = "10:00"
    day_of_time: str = "09:00"
    summary_time: str = "18:00"

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_RE.match(value.get_secret_value().strip()):
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("malformed database url") from exc
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(f"unsupported driver {url.drivername}")
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) address")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            ids = []
            for part in parts:
                if not re.fullmatch(r"\d{1,20}", part):
                    raise ValueError(f"not a Telegram user id: {part!r}")
                ids.append(int(part))
            return ids
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        upper = value.strip().upper()
        if upper not in LOG_LEVELS:
            raise ValueError(f"unknown log level {value!r}")
        return upper

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet(cls, value: str) -> str:
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", value)
        if not match:
            raise ValueError("expected HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError("expected HH:MM-HH:MM")
        return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"

    @field_validator("reminder_time", "day_of_time", "summary_time")
    @classmethod
    def _check_time(cls, value: str) -> str:
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError("expected HH:MM")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _split_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not parts or not all(re.fullmatch(r"\d{1,3}", p) for p in parts):
                raise ValueError("expected days before the deadline, e.g. 7,3,1")
            return sorted({int(p) for p in parts if int(p) > 0}, reverse=True)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @staticmethod
    def _time(value: str) -> time:
        hour, minute = value.split(":")
        return time(int(hour), int(minute))

    @property
    def quiet(self) -> QuietHours:
        start, end = self.quiet_hours.split("-")
        return QuietHours(self._time(start), self._time(end), self.quiet_weekends)

    @property
    def reminder_clock(self) -> time:
        return self._time(self.reminder_time)

    @property
    def day_of_clock(self) -> time:
        return self._time(self.day_of_time)

    @property
    def summary_clock(self) -> time:
        return self._time(self.summary_time)
