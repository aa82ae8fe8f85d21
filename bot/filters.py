"""Router-level filters."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from models import Role


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, role: Role | None = None) -> bool:
        return role in self.roles
