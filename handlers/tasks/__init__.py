"""Librarian: the school's tasks (`card`: list, card, withdrawal) and the confirmation form."""

from __future__ import annotations

from aiogram import Router

from bot.toolkit.filters import HasRole
from handlers.tasks import card, form
from models import Role


def get_router() -> Router:
    router = Router(name="tasks")
    router.message.filter(HasRole(Role.LIBRARIAN))
    router.callback_query.filter(HasRole(Role.LIBRARIAN))
    router.include_routers(card.get_router(), form.get_router())
    return router
