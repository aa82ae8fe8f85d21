"""APScheduler wiring: jobs are plain async functions registered here with stable ids."""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.jobs import planner_tick, purge_stale_fsm
from services.announcements.sending import Extras
from services.clock import Clock
from services.reminders import ReminderConfig, Renderer

logger = logging.getLogger(__name__)

FSM_PURGE_JOB_ID = "purge-stale-fsm"
PLANNER_JOB_ID = "planner"
FSM_MAX_AGE = timedelta(days=30)
PLANNER_INTERVAL = timedelta(minutes=1)


def build_scheduler(
    session_pool: async_sessionmaker[AsyncSession],
    tz: ZoneInfo,
    clock: Clock,
    config: ReminderConfig | None = None,
    renderer: Renderer | None = None,
    digest_text: str = "",
    announce_extras: Extras | None = None,
) -> AsyncIOScheduler:
    """Memory job store: all state that must survive a restart lives in our tables."""
    scheduler = AsyncIOScheduler(timezone=tz)
    scheduler.add_job(
        purge_stale_fsm,
        trigger="cron",
        hour=3,
        minute=30,
        id=FSM_PURGE_JOB_ID,
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=3600,
        kwargs={"session_pool": session_pool, "clock": clock, "max_age": FSM_MAX_AGE},
    )
    if config is not None and renderer is not None:
        scheduler.add_job(
            planner_tick,
            trigger="interval",
            seconds=PLANNER_INTERVAL.total_seconds(),
            id=PLANNER_JOB_ID,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=clock(),  # run once right at start: catch up after a downtime
            kwargs={
                "session_pool": session_pool,
                "clock": clock,
                "config": config,
                "renderer": renderer,
                "digest_text": digest_text,
                "announce_extras": announce_extras,
            },
        )
    return scheduler
