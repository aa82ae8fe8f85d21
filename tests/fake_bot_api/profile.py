"""The bot's own profile: getMe, logOut, close, and the command menus (setMyCommands...)."""

from __future__ import annotations

import copy
import json
import re

from tests.fake_bot_api.chats import ChatStore
from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def _true(rec: RecordedRequest) -> bool:
    return True


def _commands_key(params: JsonDict) -> tuple[str, str]:
    scope = params.get("scope")
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


class ProfileMethods:
    """Command menus are kept per (scope, language), as Telegram keeps them."""

    def __init__(self, chats: ChatStore) -> None:
        self.chats = chats
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}

    def routes(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "logOut": _true,
            "close": _true,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
        }

    def get_me(self, rec: RecordedRequest) -> JsonDict:
        return {
            **self.chats.bot_user(rec.token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def set_my_commands(self, rec: RecordedRequest) -> bool:
        commands = rec.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(rec.params)
        if commands:
            self.commands[key] = copy.deepcopy(commands)
        else:
            self.commands.pop(key, None)
        return True

    def delete_my_commands(self, rec: RecordedRequest) -> bool:
        self.commands.pop(_commands_key(rec.params), None)
        return True

    def get_my_commands(self, rec: RecordedRequest) -> list[JsonDict]:
        return copy.deepcopy(self.commands.get(_commands_key(rec.params), []))
