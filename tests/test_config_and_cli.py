"""Settings and the entry point: clear one-line errors with exit code 2, `migrate`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from tests.conftest import ROOT
from tests.harness import TOKEN


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    clean.update(env)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "::garbage::"}, "DATABASE_URL"),
        ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "BOT_API_URL": "ftp://x"}, "BOT_API_URL"),
    ],
)
def test_bad_settings_exit_2_with_one_line(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    result = run_bot(tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert setting in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created


def test_migrate_command_creates_the_database(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "migrate", BOT_TOKEN=TOKEN)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "data" / "bot.db"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
        mode = conn.execute("pragma journal_mode").fetchone()[0]
    assert {"districts", "schools", "users", "invitations", "activities"} <= tables
    assert mode == "wal"


def test_unknown_subcommand(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "frobnicate", BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_settings_parsing() -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN, admin_ids=" 1, 22 ,333")
    assert settings.admin_ids == [1, 22, 333]
    assert settings.timezone == "Asia/Yekaterinburg"
    assert settings.database_url == "sqlite+aiosqlite:///data/bot.db"
    assert settings.tz.key == "Asia/Yekaterinburg"
    assert TOKEN not in repr(settings)  # the token is a secret
    with pytest.raises(ValidationError):
        Settings(_env_file=None, bot_token=TOKEN, log_level="LOUD")


def test_env_example_lists_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
        assert f"`{name.upper()}`" in readme, name
