"""Updates of one person are handled one after another, in the order they came.

aiogram's polling handles the updates of a batch concurrently. For different people that is
what we want; for one person it is a race: a second message typed quickly, or a button pressed
twice, could start before the first update has committed its form state, and read the state
from before it. Here each person's updates wait for the previous one to finish (its commit
included), while everybody else's go on.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError

# the people whose turn the current task holds: feeding another update of the same person
# from inside a handler goes on instead of waiting for itself
_holding: ContextVar[frozenset[int]] = ContextVar("holding", default=frozenset())


def person_of(update: Update) -> int | None:
    """Whose update this is: the sender, else the chat; None for updates of nobody."""
    try:
        event = update.event
    except UpdateTypeLookupError:  # a kind aiogram does not know: it leaves it unhandled
        return None
    for attribute in ("from_user", "user"):  # "user": poll answers, reactions
        user = getattr(event, attribute, None)
        if user is not None:
            return int(user.id)
    chat = getattr(event, "chat", None)
    return int(chat.id) if chat is not None else None


class _Turn:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PersonOrderedDispatcher(Dispatcher):
    """A Dispatcher that handles one person's updates in turn."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._turns: dict[int, _Turn] = {}

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        person = person_of(update)
        held = _holding.get()
        if person is None or person in held:
            return await super().feed_update(bot, update, **kwargs)
        turn = self._turns.get(person)
        if turn is None:
            turn = self._turns[person] = _Turn()
        turn.users += 1
        try:
            async with turn.lock:
                token = _holding.set(held | {person})
                try:
                    return await super().feed_update(bot, update, **kwargs)
                finally:
                    _holding.reset(token)
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[person]

    def waiting(self) -> int:
        """People with an update in hand (for tests and diagnostics)."""
        return len(self._turns)
