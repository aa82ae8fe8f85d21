"""Router-level filters: the role, and a cheap gate for messages."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.filters import Filter
from aiogram.fsm.state import StatesGroup
from aiogram.types import Message, TelegramObject

from models import Role


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, role: Role | None = None) -> bool:
        return role in self.roles


class CommandOrForm:
    """A feature router's gate: a command, or a step of one of the feature's forms.

    Every message handler of a feature router is a command or a step of one of the feature's
    forms (tests/test_routing.py checks this), so any other message can skip the router after
    this one check instead of running each handler's filters.
    """

    def __init__(self, *forms: type[StatesGroup]) -> None:
        self.prefixes = tuple(f"{form.__full_group_name__}:" for form in forms)

    def admits(self, message: Message, raw_state: str | None) -> bool:
        text = message.text or message.caption or ""
        if text.startswith("/"):
            return True
        return (
            raw_state is not None and bool(self.prefixes) and raw_state.startswith(self.prefixes)
        )


class GatedRouter(Router):
    """A feature router that turns away, at the door, the messages its gate does not admit.

    The gate runs before aiogram's propagation machinery for the router (middleware wrapping,
    filter calls), which a message that is not for this feature would otherwise go through in
    every router it passes: together about a tenth of an update's time, measured.
    """

    def __init__(self, name: str, gate: CommandOrForm) -> None:
        super().__init__(name=name)
        self.gate = gate

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        if (
            update_type == "message"
            and isinstance(event, Message)
            and not self.gate.admits(event, kwargs.get("raw_state"))
        ):
            return UNHANDLED
        return await super().propagate_event(update_type, event, **kwargs)
