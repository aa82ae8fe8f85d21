"""Sending methods: sendMessage, sendDocument, sendPhoto, sendVideo, sendMediaGroup, copy and
forward."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from tests.fake_bot_api.chats import ChatStore
from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.files import FileStore
from tests.fake_bot_api.formatting import caption_content, text_content, validate_markup
from tests.fake_bot_api.limits import Limits
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest

SENDING_METHODS: frozenset[str] = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVideo",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
# Message fields that copyMessage / forwardMessage do not carry over.
NOT_COPIED = frozenset(
    {
        "message_id",
        "from",
        "chat",
        "date",
        "edit_date",
        "reply_markup",
        "reply_to_message",
        "forward_origin",
        "media_group_id",
    }
)


class SendingMethods:
    """Each send checks the limits first (429, then 403), then the content, then delivers."""

    def __init__(self, chats: ChatStore, files: FileStore, limits: Limits) -> None:
        self.chats = chats
        self.files = files
        self.limits = limits
        self._media_group_seq = itertools.count(1)

    def routes(self) -> dict[str, Handler]:
        return {
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendVideo": self.send_video,
            "sendMediaGroup": self.send_media_group,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
        }

    def _begin_send(self, rec: RecordedRequest) -> int:
        chat_id = self.chats.resolve_chat(rec.params.get("chat_id"))
        self.limits.check_rate(chat_id)
        self.limits.check_chat(chat_id, writing=True)
        return chat_id

    def send_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        content = text_content(rec.params)
        markup = validate_markup(rec.params)
        content.update(self.chats.reply_to(chat_id, rec.params))
        if markup is not None:
            content["reply_markup"] = markup
        self.limits.note_sent(chat_id)
        return self.chats.new_bot_message(rec, chat_id, content, rec.params.get("text"))

    def _send_file(self, rec: RecordedRequest, kind: str) -> JsonDict:
        chat_id = self._begin_send(rec)
        caption = caption_content(rec.params)
        markup = validate_markup(rec.params)
        reply = self.chats.reply_to(chat_id, rec.params)
        stored = self.files.input_file(rec, kind, rec.params.get(kind), kind)
        content = {**self.files.media_content(kind, stored), **caption, **reply}
        if markup is not None:
            content["reply_markup"] = markup
        self.limits.note_sent(chat_id)
        return self.chats.new_bot_message(rec, chat_id, content, rec.params.get("caption"))

    def send_document(self, rec: RecordedRequest) -> JsonDict:
        return self._send_file(rec, "document")

    def send_photo(self, rec: RecordedRequest) -> JsonDict:
        return self._send_file(rec, "photo")

    def send_video(self, rec: RecordedRequest) -> JsonDict:
        return self._send_file(rec, "video")

    def send_media_group(self, rec: RecordedRequest) -> list[JsonDict]:
        chat_id = self._begin_send(rec)
        media = rec.params.get("media")
        if not isinstance(media, list) or not media:
            raise ApiError(400, 'Bad Request: parameter "media" is required')
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album (2-10 allowed)")
        kinds = [item.get("type") if isinstance(item, dict) else None for item in media]
        if any(k not in ("photo", "video", "document", "audio") for k in kinds):
            raise ApiError(400, "Bad Request: wrong media type in the album")
        if len(set(kinds)) > 1 and {"document", "audio"} & set(kinds):
            raise ApiError(400, f"Bad Request: {kinds[0]} can't be mixed with other media types")
        reply = self.chats.reply_to(chat_id, rec.params)
        prepared: list[tuple[JsonDict, Any]] = []
        for index, item in enumerate(media):
            kind = str(item["type"])
            stored = self.files.input_file(rec, f"media[{index}]", item.get("media"), kind)
            content = {**self.files.media_content(kind, stored), **caption_content(item), **reply}
            prepared.append((content, item.get("caption")))
        group_id = f"{13_000_000_000 + next(self._media_group_seq)}"
        self.limits.note_sent(chat_id)
        return [
            self.chats.new_bot_message(
                rec, chat_id, {**content, "media_group_id": group_id}, caption
            )
            for content, caption in prepared
        ]

    def _source_message(self, rec: RecordedRequest, action: str) -> JsonDict:
        from_chat = self.chats.resolve_chat(rec.params.get("from_chat_id"), what="from_chat_id")
        self.limits.check_chat(from_chat, writing=False)
        message_id = rec.params.get("message_id")
        stored = self.chats.message(from_chat, message_id)
        if stored is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return copy.deepcopy(stored.message)

    def copy_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        source = self._source_message(rec, "copy")
        markup = validate_markup(rec.params)
        content = {k: v for k, v in source.items() if k not in NOT_COPIED}
        if "caption" in rec.params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(caption_content(rec.params))
        content.update(self.chats.reply_to(chat_id, rec.params))
        if markup is not None:
            content["reply_markup"] = markup
        self.limits.note_sent(chat_id)
        sent_text = rec.params.get("caption", source.get("text", source.get("caption")))
        message = self.chats.new_bot_message(rec, chat_id, content, sent_text)
        return {"message_id": message["message_id"]}

    def forward_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        source = self._source_message(rec, "forward")
        content = {k: v for k, v in source.items() if k not in NOT_COPIED}
        if "reply_markup" in source:
            content["reply_markup"] = source["reply_markup"]
        if "forward_origin" in source:
            content["forward_origin"] = source["forward_origin"]
        elif isinstance(source.get("from"), dict):
            content["forward_origin"] = {
                "type": "user",
                "sender_user": source["from"],
                "date": source["date"],
            }
        self.limits.note_sent(chat_id)
        sent_text = source.get("text", source.get("caption"))
        return self.chats.new_bot_message(rec, chat_id, content, sent_text)
