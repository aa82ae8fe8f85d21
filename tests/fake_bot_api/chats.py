"""The state of users, chats and messages: who writes, each chat's history, what was delivered."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.formatting import buttons
from tests.fake_bot_api.records import DeliveredMessage, JsonDict, RecordedRequest

BOT_USERNAME = "shibc_test_bot"
BOT_FIRST_NAME = "SHIBC Test Bot"
DEFAULT_BOT_ID = 1_000_000_001


@dataclass
class StoredMessage:
    message: JsonDict
    by_bot: bool


class ChatStore:
    """Users and chats the fake knows, every chat's messages in their current state."""

    def __init__(self, bot_username: str, bot_first_name: str) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.delivered: list[DeliveredMessage] = []
        self.history: dict[int, dict[int, StoredMessage]] = {}
        self.callback_queries: dict[str, bool] = {}
        """Callback query id -> whether it was answered."""
        self._next_message_id: dict[int, int] = {}
        self._users: dict[int, JsonDict] = {}
        self._chats: dict[int, JsonDict] = {}

    # --- users and chats ---------------------------------------------------------------------

    def register_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> JsonDict:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        if first_name is not None:
            user["first_name"] = first_name
        for key, value in (
            ("username", username),
            ("last_name", last_name),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        return copy.deepcopy(user)

    def register_chat(self, chat: JsonDict) -> None:
        self._chats[int(chat["id"])] = copy.deepcopy(chat)

    def bot_user(self, token: str) -> JsonDict:
        prefix = token.split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else DEFAULT_BOT_ID,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def chat_obj(self, chat_id: int) -> JsonDict:
        if chat_id in self._chats:
            return copy.deepcopy(self._chats[chat_id])
        if chat_id > 0:
            user = self._users.get(chat_id) or {"first_name": f"User {chat_id}"}
            chat: JsonDict = {"id": chat_id, "type": "private"}
            for key in ("first_name", "last_name", "username"):
                if key in user:
                    chat[key] = user[key]
            return chat
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def resolve_chat(self, value: Any, *, what: str = "chat_id") -> int:
        """A chat id from a ``chat_id`` parameter (a number or "@channelusername")."""
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {what} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@") and len(value) > 1:
            username = value[1:].lower()
            for chat_id, chat in self._chats.items():
                if str(chat.get("username", "")).lower() == username:
                    return chat_id
            chat_id = -1_000_000_000_000 - len(self._chats) - 1
            self._chats[chat_id] = {
                "id": chat_id,
                "type": "channel",
                "title": value[1:],
                "username": value[1:],
            }
            return chat_id
        raise ApiError(400, "Bad Request: chat not found")

    # --- messages ----------------------------------------------------------------------------

    def take_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = mid + 1
        return mid

    def message(self, chat_id: int, message_id: Any) -> StoredMessage | None:
        if not isinstance(message_id, int):
            return None
        return self.history.get(chat_id, {}).get(message_id)

    def remember_user_message(self, message: JsonDict) -> None:
        """Keep a message a user sent (from an injected update) in its chat's history."""
        chat_id = int(message["chat"]["id"])
        mid = int(message.get("message_id", 0))
        history = self.history.setdefault(chat_id, {})
        if mid and mid not in history:
            history[mid] = StoredMessage(copy.deepcopy(message), by_bot=False)
            self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 1), mid + 1)

    def user_message(self, user: JsonDict, chat_id: int, content: JsonDict) -> JsonDict:
        """A new message from a user in a chat (stored, not yet queued as an update)."""
        message: JsonDict = {
            "message_id": self.take_message_id(chat_id),
            "from": user,
            "chat": self.chat_obj(chat_id),
            "date": int(time.time()),
            **content,
        }
        self.history.setdefault(chat_id, {})[message["message_id"]] = StoredMessage(
            copy.deepcopy(message), by_bot=False
        )
        return message

    def new_bot_message(
        self, rec: RecordedRequest, chat_id: int, content: JsonDict, sent_text: Any
    ) -> JsonDict:
        """Store + record a delivered bot message; ``sent_text`` is the raw text/caption."""
        message: JsonDict = {
            "message_id": self.take_message_id(chat_id),
            "from": self.bot_user(rec.token),
            "chat": self.chat_obj(chat_id),
            "date": int(time.time()),
            **content,
        }
        self.history.setdefault(chat_id, {})[message["message_id"]] = StoredMessage(
            copy.deepcopy(message), by_bot=True
        )
        self.delivered.append(
            DeliveredMessage(
                method=rec.method,
                chat_id=chat_id,
                message_id=int(message["message_id"]),
                text=sent_text if isinstance(sent_text, str) else None,
                time=rec.time,
                message=copy.deepcopy(message),
            )
        )
        return message

    def reply_to(self, chat_id: int, params: JsonDict) -> JsonDict:
        """The ``reply_to_message`` field for reply_parameters / reply_to_message_id."""
        reply = params.get("reply_parameters")
        target: Any = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            target = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id"):
            target = params.get("reply_to_message_id")
        if target is None:
            return {}
        stored = self.message(chat_id, target)
        if stored is None:
            if allow_missing:
                return {}
            raise ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(stored.message)
        replied.pop("reply_to_message", None)
        return {"reply_to_message": replied}

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        history = self.history.get(chat_id, {})
        return [copy.deepcopy(s.message) for s in history.values() if s.by_bot]

    def find_button(self, chat_id: int, text: str) -> tuple[int, str]:
        seen: list[str] = []
        for stored in reversed(self.history.get(chat_id, {}).values()):
            if not stored.by_bot:
                continue
            found = buttons(stored.message)
            if not found:
                continue
            for button in found:
                data = button.get("callback_data")
                if button.get("text") == text and isinstance(data, str):
                    return int(stored.message["message_id"]), data
            labels = [str(b.get("text")) for b in found]
            seen.append(f"message {stored.message['message_id']}: {labels}")
        listing = "\n  ".join(seen) if seen else "(no inline keyboards)"
        msg = (
            f"No inline button with text {text!r} (and callback_data) in bot messages of "
            f"chat {chat_id}. Buttons seen, newest first:\n  {listing}"
        )
        raise AssertionError(msg)
