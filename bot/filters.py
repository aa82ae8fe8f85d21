"""Router-level filters: the role, and a cheap gate for messages."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.fsm.state import StatesGroup
from aiogram.types import Message, TelegramObject

from models import Role


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, role: Role | None = None) -> bool:
        return role in self.roles


class CommandOrForm(Filter):
    """Lets a message into a feature router only if it is a command or a step of its forms.

    Every message handler of a feature router is a command or a step of one of the feature's
    forms (tests/test_routing.py checks this), so any other message skips the router after
    this one check instead of running each handler's filters, which measured about a tenth
    of an update's time.
    """

    def __init__(self, *forms: type[StatesGroup]) -> None:
        self.prefixes = tuple(f"{form.__full_group_name__}:" for form in forms)

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        text = message.text or message.caption or ""
        if text.startswith("/"):
            return True
        return (
            raw_state is not None and bool(self.prefixes) and raw_state.startswith(self.prefixes)
        )
