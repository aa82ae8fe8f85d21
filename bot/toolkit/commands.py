"""Role-scoped command menus (setMyCommands) and the /help list."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.texts.common import COMMANDS
from models import Role

logger = logging.getLogger(__name__)

GUEST_COMMANDS = ("start", "roadmap", "help")
LIBRARIAN_COMMANDS = (
    "tasks",
    "monitoring",
    "contests",
    "documents",
    "announcements",
    "calendar",
    "school",
    "roadmap",
    "settings",
    "profile",
    "help",
    "cancel",
)
COORDINATOR_COMMANDS = (
    "announce",
    "review",
    "pending",
    "report",
    "monitoring",
    "events",
    "newevent",
    "contests",
    "documents",
    "announcements",
    "school",
    "calendar",
    "schools",
    "addschool",
    "import",
    "roadmap",
    "settings",
    "profile",
    "help",
    "cancel",
)
ADMIN_COMMANDS = (
    "districts",
    "newdistrict",
    "announce",
    "review",
    "pending",
    "report",
    "monitoring",
    "events",
    "newevent",
    "contests",
    "documents",
    "announcements",
    "school",
    "calendar",
    "schools",
    "addschool",
    "import",
    "roadmap",
    "profile",
    "help",
    "cancel",
)

# a person whose only part is a seat on a contest's jury
JUROR_COMMANDS = ("jury", "help", "cancel")


def commands_for(role: Role | None) -> tuple[str, ...]:
    if role is Role.SUPER_ADMIN:
        return ADMIN_COMMANDS
    if role is Role.COORDINATOR:
        return COORDINATOR_COMMANDS
    if role is Role.LIBRARIAN:
        return LIBRARIAN_COMMANDS
    if role is Role.JUROR:
        return JUROR_COMMANDS
    return GUEST_COMMANDS


ALL_COMMANDS = frozenset(ADMIN_COMMANDS + LIBRARIAN_COMMANDS + GUEST_COMMANDS + JUROR_COMMANDS)


def _menu(role: Role | None) -> list[BotCommand]:
    return [BotCommand(command=c, description=COMMANDS[c]) for c in commands_for(role)]


async def set_default_commands(bot: Bot) -> None:
    await bot.set_my_commands(_menu(None), scope=BotCommandScopeDefault())


async def apply_chat_commands(bot: Bot, chat_id: int, role: Role | None) -> None:
    """Give this chat its role's menu; a guest falls back to the default menu."""
    try:
        if role is None:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
        else:
            await bot.set_my_commands(_menu(role), scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError:
        logger.warning("could not set commands for chat %s", chat_id, exc_info=True)
