"""Feature routers, built fresh by factories so every test can make its own."""

from __future__ import annotations

from aiogram import Router

from bot.toolkit.filters import answer_refusals
from handlers import (
    admin,
    announcements,
    calendar,
    common,
    contests,
    documents,
    events,
    fallback,
    monitoring,
    monitoring_docs,
    onboarding,
    pending,
    reminders,
    reports,
    review,
    roadmap,
    schools,
    tasks,
)


def get_routers() -> list[Router]:
    """One root holding the features in order (the fallback must be last).

    The root answers the refusals of the ownership filters (bot/toolkit/filters.py) for all
    of them.
    """
    root = Router(name="features")
    answer_refusals(root)
    root.include_routers(
        common.get_router(),
        onboarding.get_router(),
        admin.get_router(),
        schools.get_router(),
        events.get_router(),
        review.get_router(),
        tasks.get_router(),
        contests.get_router(),
        documents.get_router(),
        announcements.get_router(),
        monitoring.get_router(),
        reminders.get_router(),
        calendar.get_router(),
        reports.get_router(),
        monitoring_docs.get_router(),
        pending.get_router(),
        roadmap.get_router(),
        fallback.get_router(),
    )
    return [root]
