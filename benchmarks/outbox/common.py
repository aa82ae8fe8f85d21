"""What the planning and drain benchmarks share: the data's constants, files, the machine."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import platform
import shutil
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.toolkit.reminder_texts import RussianRenderer
from models.migrate import upgrade
from services.outbox import QuietHours
from services.reminders import ReminderConfig

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Yekaterinburg")
CFG = ReminderConfig(tz=TZ, quiet=QuietHours())
RENDER = RussianRenderer(TZ)

SCHOOLS_PER_DISTRICT = 25
LIBRARIANS_PER_SCHOOL = 2

# The files whose code the numbers describe; the report prints their digests.
MEASURED_CODE = (
    "services/reminders.py",
    "services/outbox.py",
    "bot/outbox_sender.py",
    "bot/app.py",
    "bot/toolkit/reminder_texts.py",
)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        dst = Path(f"{target}{suffix}")
        if src.exists():
            shutil.copyfile(src, dst)
        elif dst.exists():
            dst.unlink()


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def migrated_schema(workdir: Path) -> Path:
    path = workdir / "schema.db"
    await asyncio.to_thread(upgrade, sqlite_url(path))
    return path


async def bulk(session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        await session.execute(insert(model), list(rows[start : start + 5000]))


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=TZ).astimezone(UTC)


def code_digests() -> dict[str, str]:
    """Short SHA-256 of the files under test, to tell which code a report measured."""
    return {
        name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12] for name in MEASURED_CODE
    }


def load_average() -> float:
    with contextlib.suppress(OSError):
        return os.getloadavg()[0]
    return 0.0


def cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine_rows() -> list[tuple[str, str]]:
    return [
        ("CPU", cpu_model()),
        ("cores available", str(cores())),
        ("OS", f"{platform.system()} {platform.machine()}"),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        *((name, version(name)) for name in ("aiogram", "SQLAlchemy", "aiosqlite")),
    ]
