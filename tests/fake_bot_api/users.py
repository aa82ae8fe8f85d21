"""The people on the other side: updates built as Telegram would send them when a user writes,
sends a file or presses an inline button."""

from __future__ import annotations

import copy
import itertools

from tests.fake_bot_api.chats import ChatStore
from tests.fake_bot_api.files import FileStore
from tests.fake_bot_api.formatting import utf16_len
from tests.fake_bot_api.records import JsonDict
from tests.fake_bot_api.updates import UpdateQueue


class Users:
    def __init__(self, chats: ChatStore, files: FileStore, queue: UpdateQueue) -> None:
        self.chats = chats
        self.files = files
        self.queue = queue
        self._callback_seq = itertools.count(1)

    def push_update(self, update: JsonDict) -> int:
        """Queue a raw update; its message and callback query become known to the chats."""
        message = update.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            self.chats.remember_user_message(message)
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self.chats.callback_queries.setdefault(str(query["id"]), False)
        return self.queue.push(update)

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None,
        username: str | None,
        chat_id: int | None,
    ) -> int:
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._message(user_id, content, first_name, username, chat_id)

    def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str,
        caption: str | None,
        *,
        first_name: str | None,
        username: str | None,
        chat_id: int | None,
    ) -> int:
        stored = self.files.store(content, file_name, mime_type, "documents")
        message: JsonDict = {"document": self.files.document_obj(stored)}
        if caption is not None:
            message["caption"] = caption
        return self._message(user_id, message, first_name, username, chat_id)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None,
        *,
        first_name: str | None,
        username: str | None,
        chat_id: int | None,
    ) -> int:
        message: JsonDict = {"photo": self.files.photo_sizes(content)}
        if caption is not None:
            message["caption"] = caption
        return self._message(user_id, message, first_name, username, chat_id)

    def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None
    ) -> int:
        chat = user_id if chat_id is None else chat_id
        stored = self.chats.message(chat, message_id)
        if stored is None:
            known = [s.message["message_id"] for s in self.chats.history.get(chat, {}).values()]
            msg = (
                f"press_button: there is no message {message_id} in chat {chat} "
                f"(known message ids: {known})"
            )
            raise AssertionError(msg)
        query_id = f"{user_id}{next(self._callback_seq):06d}"
        self.chats.callback_queries[query_id] = False
        query: JsonDict = {
            "id": query_id,
            "from": self.chats.register_user(user_id),
            "message": copy.deepcopy(stored.message),
            "chat_instance": f"{abs(chat) * 7919 % 10**12}",
            "data": callback_data,
        }
        return self.push_update({"callback_query": query})

    def _message(
        self,
        user_id: int,
        content: JsonDict,
        first_name: str | None,
        username: str | None,
        chat_id: int | None,
    ) -> int:
        user = self.chats.register_user(user_id, first_name=first_name, username=username)
        chat = user_id if chat_id is None else chat_id
        message = self.chats.user_message(user, chat, content)
        return self.queue.push({"message": message})
