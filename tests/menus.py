"""What each role finds in /help and in its Telegram menu (setMyCommands), in this order.

Written out as a user reads them, not taken from ``bot.toolkit.commands``: a test comparing
the bot's reply with the very tuples production uses could never fail.
"""

from __future__ import annotations

ANYONE = ["/start", "/roadmap", "/help"]
LIBRARIAN_HELP = [
    "/tasks",
    "/monitoring",
    "/contests",
    "/documents",
    "/announcements",
    "/calendar",
    "/school",
    "/roadmap",
    "/settings",
    "/profile",
    "/help",
    "/cancel",
]
COORDINATOR_HELP = [
    "/announce",
    "/review",
    "/pending",
    "/report",
    "/monitoring",
    "/events",
    "/newevent",
    "/contests",
    "/documents",
    "/announcements",
    "/school",
    "/calendar",
    "/schools",
    "/addschool",
    "/import",
    "/roadmap",
    "/settings",
    "/profile",
    "/help",
    "/cancel",
]
SUPER_ADMIN_HELP = [
    "/districts",
    "/newdistrict",
    *(c for c in COORDINATOR_HELP if c != "/settings"),  # a super-admin reviews no district
]

JUROR_HELP = ["/jury", "/help", "/cancel"]


def menu(commands: list[str]) -> list[str]:
    """The same list as setMyCommands carries it (command names without the slash)."""
    return [c.removeprefix("/") for c in commands]
