"""/monitoring: the annual monitoring in the bot. Librarians fill the school's questionnaire
(fill.py); coordinators open a round, follow it and review the responses (manage.py)."""

from __future__ import annotations

from aiogram import Router

from handlers.monitoring import fill, manage


def get_router() -> Router:
    router = Router(name="monitoring")
    router.include_routers(fill.get_router(), manage.get_router())
    return router
