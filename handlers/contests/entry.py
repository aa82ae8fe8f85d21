"""Contests, the librarian's side: /contests, a contest's card, the entry form, the school's
entries (`entry_screens`: lists and cards; `entry_form`: the form's answers; `entry_steps`:
its questions; `entry_common`: filters and words)."""

from __future__ import annotations

from aiogram import Router

from bot.toolkit.filters import HasRole
from handlers.contests import entry_form, entry_screens
from models import Role


def get_router() -> Router:
    router = Router(name="contests_entry")
    router.message.filter(HasRole(Role.LIBRARIAN))
    router.callback_query.filter(HasRole(Role.LIBRARIAN))
    router.include_routers(entry_screens.get_router(), entry_form.get_router())
    return router
