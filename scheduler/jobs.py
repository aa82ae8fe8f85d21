"""Scheduled jobs: plain functions with explicit parameters and an injected clock."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from services.clock import Clock

logger = logging.getLogger(__name__)


async def purge_stale_fsm(
    session_pool: async_sessionmaker[AsyncSession], clock: Clock, max_age: timedelta
) -> int:
    """Forget forms abandoned long ago, so the table does not grow forever."""
    cutoff = clock() - max_age
    async with session_pool() as session:
        result = await session.execute(delete(FsmRecord).where(FsmRecord.updated_at < cutoff))
        await session.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        logger.info("purged %d abandoned conversations", count)
    return count
