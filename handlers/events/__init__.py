"""Coordinator: the district's events, one module per responsibility, one router for them all.

`card` (list, card, life cycle, progress), `edit` (fields and audience), `form` (a new event),
`files` (calendar files and rollover); `_screens` holds the screens they share.
"""

from __future__ import annotations

from aiogram import Router

from bot.toolkit.filters import HasRole
from handlers.events import card, edit, files, form
from models import Role


def get_router() -> Router:
    router = Router(name="events")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.include_routers(
        card.get_router(), edit.get_router(), form.get_router(), files.get_router()
    )
    return router
