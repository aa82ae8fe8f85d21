"""Contests: management and moderation (coordinators), entries (librarians), the jury, results.

Each part's router filters its own roles: `/contests` is the coordinator's management for a
coordinator and the school's entries for a librarian; `/jury` is for whoever holds a seat.
"""

from __future__ import annotations

from aiogram import Router

from handlers.contests import entry, jury, manage, results


def get_router() -> Router:
    router = Router(name="contests")
    router.include_routers(
        manage.get_router(), entry.get_router(), jury.get_router(), results.get_router()
    )
    return router
