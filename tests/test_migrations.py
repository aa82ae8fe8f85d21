"""Alembic: stairway (upgrade, downgrade, upgrade) over every revision; models match."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine as create_sync_engine

from models import Base
from models.migrate import upgrade
from tests.stairway import table_names, walk_stairway


async def test_stairway(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    walked = await walk_stairway(url)
    assert walked[0] == "0001"
    # the last step leaves the whole schema of the models (and only the version table besides)
    assert await table_names(url) == set(Base.metadata.tables) | {"alembic_version"}


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
