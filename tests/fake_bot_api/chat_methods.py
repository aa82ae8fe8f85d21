"""Methods about a chat rather than one message: getChat, sendChatAction, answerCallbackQuery."""

from __future__ import annotations

from tests.fake_bot_api.chats import ChatStore
from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.limits import Limits
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ChatMethods:
    """A callback query can be answered once; a second answer is "query is too old"."""

    def __init__(self, chats: ChatStore, limits: Limits) -> None:
        self.chats = chats
        self.limits = limits

    def routes(self) -> dict[str, Handler]:
        return {
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "getChat": self.get_chat,
        }

    def answer_callback_query(self, rec: RecordedRequest) -> bool:
        query_id = rec.params.get("callback_query_id")
        if self.chats.callback_queries.get(str(query_id), True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        self.chats.callback_queries[str(query_id)] = True
        return True

    def send_chat_action(self, rec: RecordedRequest) -> bool:
        chat_id = self.chats.resolve_chat(rec.params.get("chat_id"))
        self.limits.check_chat(chat_id, writing=True)
        if rec.params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def get_chat(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self.chats.resolve_chat(rec.params.get("chat_id"))
        self.limits.check_chat(chat_id, writing=False)
        return {
            **self.chats.chat_obj(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }
