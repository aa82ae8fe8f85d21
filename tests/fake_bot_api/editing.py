"""Editing methods: editMessageText, editMessageReplyMarkup, editMessageCaption, deleteMessage."""

from __future__ import annotations

import copy
import time

from tests.fake_bot_api.chats import ChatStore, StoredMessage
from tests.fake_bot_api.errors import NOT_MODIFIED, ApiError
from tests.fake_bot_api.formatting import caption_content, text_content, validate_markup
from tests.fake_bot_api.limits import Limits
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest


def _set_markup(message: JsonDict, markup: JsonDict | None) -> None:
    message["edit_date"] = int(time.time())
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


class EditingMethods:
    """An edit that changes nothing is refused with "message is not modified", as Telegram."""

    def __init__(self, chats: ChatStore, limits: Limits) -> None:
        self.chats = chats
        self.limits = limits

    def routes(self) -> dict[str, Handler]:
        return {
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "editMessageCaption": self.edit_message_caption,
            "deleteMessage": self.delete_message,
        }

    def _stored_for_edit(self, params: JsonDict, action: str) -> StoredMessage | None:
        if params.get("inline_message_id"):
            return None
        chat_id = self.chats.resolve_chat(params.get("chat_id"))
        self.limits.check_chat(chat_id, writing=True)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        stored = self.chats.message(chat_id, message_id)
        if stored is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if not stored.by_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return stored

    def edit_message_text(self, rec: RecordedRequest) -> JsonDict | bool:
        content = text_content(rec.params)
        markup = validate_markup(rec.params)
        stored = self._stored_for_edit(rec.params, "edit")
        if stored is None:
            return True
        message = stored.message
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if (
            message.get("text") == content["text"]
            and message.get("entities", []) == content.get("entities", [])
            and message.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.pop("entities", None)
        message.update(content)
        _set_markup(message, markup)
        return copy.deepcopy(message)

    def edit_message_reply_markup(self, rec: RecordedRequest) -> JsonDict | bool:
        markup = validate_markup(rec.params)
        stored = self._stored_for_edit(rec.params, "edit")
        if stored is None:
            return True
        if stored.message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        _set_markup(stored.message, markup)
        return copy.deepcopy(stored.message)

    def edit_message_caption(self, rec: RecordedRequest) -> JsonDict | bool:
        content = caption_content(rec.params)
        markup = validate_markup(rec.params)
        stored = self._stored_for_edit(rec.params, "edit")
        if stored is None:
            return True
        message = stored.message
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        if (
            message.get("caption") == content.get("caption")
            and message.get("caption_entities", []) == content.get("caption_entities", [])
            and message.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.pop("caption", None)
        message.pop("caption_entities", None)
        message.update(content)
        _set_markup(message, markup)
        return copy.deepcopy(message)

    def delete_message(self, rec: RecordedRequest) -> bool:
        chat_id = self.chats.resolve_chat(rec.params.get("chat_id"))
        self.limits.check_chat(chat_id, writing=False)
        message_id = rec.params.get("message_id")
        history = self.chats.history.get(chat_id, {})
        if not isinstance(message_id, int) or message_id not in history:
            raise ApiError(400, "Bad Request: message to delete not found")
        del history[message_id]
        return True
