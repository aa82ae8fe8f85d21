"""Scheduled jobs: plain functions with explicit parameters and an injected clock."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from services.announcements.sending import Extras, send_due
from services.clock import Clock
from services.reminders import (
    ReminderConfig,
    Renderer,
    pending_by_district,
    plan_digests,
    plan_reminders,
    plan_summaries,
)

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


async def planner_tick(
    session_pool: async_sessionmaker[AsyncSession],
    clock: Clock,
    config: ReminderConfig,
    renderer: Renderer,
    digest_text: str,
    announce_extras: Extras | None = None,
) -> int:
    """Every minute: reminders, seminar invitations, Library Month, summaries, digests, and the
    scheduled announcements whose time has come (their copies' buttons come from the bot:
    `announce_extras`).

    Each part is idempotent (dedupe keys, reminder runs), so a missed minute, a restart or
    a second run plans nothing twice.
    """
    now = clock()

    async def reminders(session: AsyncSession) -> int:
        return await plan_reminders(session, now, config, renderer)

    async def summaries(session: AsyncSession) -> int:
        return await plan_summaries(session, now, config, renderer)

    async def digests(session: AsyncSession) -> int:
        pending = await pending_by_district(session)
        return await plan_digests(session, now, config, pending, digest_text)

    async def announcements(session: AsyncSession) -> int:
        if announce_extras is None:
            return 0
        return len(await send_due(session, announce_extras, now))

    planned = 0
    # each part is its own unit of work: one that fails is logged, the others still go out
    for part in (reminders, summaries, digests, announcements):
        try:
            async with session_pool() as session:
                planned += await part(session)
                await session.commit()
        except Exception:
            logger.exception("planner part %s failed", part.__name__)
    if planned:
        logger.info("planned %d messages", planned)
    return planned
