"""The stairway over every Alembic revision (upgrade, downgrade, upgrade), for any database:
after each step the database says it is at the revision the step asked for."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from models.migrate import alembic_config, downgrade, upgrade


def revisions(url: str) -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def current_revision(url: str) -> str:
    """The revision stored in ``alembic_version``; "base" when none is."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            if "alembic_version" not in tables:
                return "base"
            stored = await conn.scalar(text("select version_num from alembic_version"))
    finally:
        await engine.dispose()
    return str(stored) if stored is not None else "base"


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


async def walk_stairway(url: str) -> list[str]:
    """Up, down and up again over each revision; returns the revisions walked."""
    revs = revisions(url)
    assert revs, "no revisions found"
    for index, revision in enumerate(revs):
        previous = revs[index - 1] if index else "base"
        await asyncio.to_thread(upgrade, url, revision)
        assert await current_revision(url) == revision
        await asyncio.to_thread(downgrade, url, previous)
        assert await current_revision(url) == previous
        await asyncio.to_thread(upgrade, url, revision)
        assert await current_revision(url) == revision
    return revs
