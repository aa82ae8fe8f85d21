"""Alembic: stairway (upgrade, downgrade, upgrade) over every revision; models match."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine as create_sync_engine

from models import Base
from models.migrate import alembic_config, downgrade, upgrade


def revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_stairway(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    revs = revisions(url)
    assert revs, "no revisions found"
    for index, revision in enumerate(revs):
        previous = revs[index - 1] if index else "base"
        await asyncio.to_thread(upgrade, url, revision)
        await asyncio.to_thread(downgrade, url, previous)
        await asyncio.to_thread(upgrade, url, revision)


async def test_models_match_migrations(tmp_path: Path) -> None:
    path = tmp_path / "compare.db"
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    engine = create_sync_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
