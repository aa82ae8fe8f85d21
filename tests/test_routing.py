"""Every message handler of a feature router gets past the router's cheap gate."""

from __future__ import annotations

from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State

from bot.filters import CommandOrForm, GatedRouter
from handlers import get_routers


def test_each_message_handler_is_a_command_or_a_step_of_the_routers_forms() -> None:
    checked = 0
    for router in get_routers():
        if router.name == "fallback":  # takes whatever nobody else did: no gate
            continue
        assert isinstance(router, GatedRouter), f"router {router.name} has no gate"
        assert isinstance(router.gate, CommandOrForm)
        prefixes = router.gate.prefixes
        for handler in router.message.handlers:
            filters = [f.callback for f in handler.filters or []]
            if any(isinstance(f, Command) for f in filters):  # CommandStart is a Command
                checked += 1
                continue
            states = [
                s.state if isinstance(s, State) else s
                for f in filters
                if isinstance(f, StateFilter)
                for s in f.states
            ]
            name = handler.callback.__name__
            assert states, f"{router.name}.{name}: neither a command nor a form step"
            assert all(isinstance(s, str) and s.startswith(prefixes) for s in states), (
                f"{router.name}.{name}: a state outside the router's gate {prefixes}: {states}"
            )
            checked += 1
    assert checked >= 40  # the routers' message handlers, all of them looked at
