"""Dispatcher-level test harness: a strict recording Bot session and a person-like client.

The session answers the Bot API methods the bot is expected to use with realistic objects
and records every call; any other method, a text over 4096 characters, callback data over
64 bytes or a text or caption in HTML parse mode that Telegram would refuse (a tag it does not
support, unbalanced tags, a bare `<`, `>` or `&`) is recorded as a violation, which the
fixtures turn into a test failure.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Document,
    File,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from aiogram.types import User as TgUser

from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.formatting import _CHAR_REF_RE, _TAG_RE, parse_html

BOT_ID = 4242
BOT_USERNAME = "shibc_test_bot"
TOKEN = f"{BOT_ID}:TEST-token-for-recording-session-000"

TEXT_LIMIT = 4096
CALLBACK_LIMIT = 64

TRUE_METHODS = {
    "AnswerCallbackQuery",
    "SetMyCommands",
    "DeleteMyCommands",
    "DeleteWebhook",
    "DeleteMessage",
    "SendChatAction",
}


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode, or None if it parses.

    The fake Bot API's parser checks the tags (only Telegram's, balanced); on top of it, every
    `<`, `>` and `&` outside a tag or an entity must be escaped, as Telegram's manual asks.
    """
    try:
        parse_html(text)
    except ApiError as exc:
        return exc.description
    bare = _CHAR_REF_RE.sub("", _TAG_RE.sub("", text))
    for char in "<>&":
        if char in bare:
            return f"unescaped {char!r}"
    return None


@dataclass
class Call:
    name: str
    method: Any

    def param(self, key: str) -> Any:
        return getattr(self.method, key, None)


@dataclass
class ChatMessage:
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.files: dict[str, bytes] = {}
        self.answered: set[str] = set()
        self.blocked: set[int] = set()  # chats whose user blocked the bot: 403 on sending
        # method name → how many of its next calls are lost to the network (TelegramNetworkError)
        self.lost: dict[str, int] = {}
        self.chats: dict[int, dict[int, ChatMessage]] = {}
        self._ids = itertools.count(1000)

    async def close(self) -> None:
        return None

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "ШИБЦ",
            "username": BOT_USERNAME,
        }

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, InlineKeyboardMarkup):
            return cast(dict[str, Any], markup.model_dump(exclude_none=True))
        for row in markup.inline_keyboard:
            for btn in row:
                data = btn.callback_data or ""
                if len(data.encode()) > CALLBACK_LIMIT:
                    self.violations.append(f"callback data over 64 bytes: {data!r}")
        return markup.model_dump(exclude_none=True)

    def _message(self, chat_id: int, message_id: int, **extra: Any) -> Message:
        payload = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._bot_user(),
            **{k: v for k, v in extra.items() if v is not None},
        }
        return Message.model_validate(payload)

    def _remember(self, chat_id: int, message_id: int, text: str, markup: Any) -> None:
        markup_obj = markup if isinstance(markup, InlineKeyboardMarkup) else None
        self.chats.setdefault(chat_id, {})[message_id] = ChatMessage(message_id, text, markup_obj)

    def _check_html(self, bot: Bot, name: str, method: Any) -> None:
        parse_mode = getattr(method, "parse_mode", None)
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        if str(parse_mode or "").lower() != ParseMode.HTML.lower():
            return
        for key in ("text", "caption"):
            value = getattr(method, key, None)
            if isinstance(value, str) and (problem := html_problem(value)) is not None:
                self.violations.append(f"{name}: invalid HTML in {key} ({problem}): {value!r}")

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        name = type(method).__name__
        if self.lost.get(name):  # it never reached Telegram: not recorded
            self.lost[name] -= 1
            raise TelegramNetworkError(method=method, message="Connection reset by peer")
        self.calls.append(Call(name, method))
        self._check_html(bot, name, method)
        result: Any
        if name == "GetMe":
            result = TgUser.model_validate(self._bot_user())
        elif name in TRUE_METHODS:
            if name == "AnswerCallbackQuery":
                query_id = str(method.callback_query_id)  # type: ignore[attr-defined]
                if query_id in self.answered:
                    self.violations.append(f"callback query {query_id} answered twice")
                self.answered.add(query_id)
            result = True
        elif name == "SendMessage":
            text = str(method.text)  # type: ignore[attr-defined]
            if not text or len(text) > TEXT_LIMIT:
                self.violations.append(f"bad text length {len(text)}")
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            if chat_id in self.blocked:
                raise TelegramForbiddenError(
                    method=method, message="Forbidden: bot was blocked by the user"
                )
            markup = method.reply_markup  # type: ignore[attr-defined]
            message_id = next(self._ids)
            self._remember(chat_id, message_id, text, markup)
            result = self._message(
                chat_id, message_id, text=text, reply_markup=self._check_markup(markup)
            )
        elif name in ("EditMessageText", "EditMessageReplyMarkup"):
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            message_id = int(method.message_id)  # type: ignore[attr-defined]
            old = self.chats.get(chat_id, {}).get(message_id)
            text = getattr(method, "text", None) or (old.text if old else "")
            if len(text) > TEXT_LIMIT:
                self.violations.append(f"bad text length {len(text)}")
            markup = method.reply_markup  # type: ignore[attr-defined]
            self._remember(chat_id, message_id, text, markup)
            result = self._message(
                chat_id, message_id, text=text, reply_markup=self._check_markup(markup)
            )
        elif name == "SendPhoto":
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            message_id = next(self._ids)
            caption = getattr(method, "caption", None)
            self._remember(chat_id, message_id, caption or "", method.reply_markup)  # type: ignore[attr-defined]
            result = self._message(
                chat_id,
                message_id,
                photo=[
                    {"file_id": f"ph-{message_id}", "file_unique_id": "x", "width": 1, "height": 1}
                ],
            )
        elif name == "SendVideo":
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            message_id = next(self._ids)
            self._remember(chat_id, message_id, "", None)
            result = self._message(
                chat_id,
                message_id,
                video={
                    "file_id": f"vid-{message_id}",
                    "file_unique_id": f"v{message_id}",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                },
            )
        elif name == "SendDocument":
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            message_id = next(self._ids)
            caption = getattr(method, "caption", None)
            self._remember(chat_id, message_id, caption or "", method.reply_markup)  # type: ignore[attr-defined]
            document = method.document  # type: ignore[attr-defined]
            file_name = getattr(document, "filename", None) or "file"
            result = self._message(
                chat_id,
                message_id,
                document={
                    "file_id": f"sent-{message_id}",
                    "file_unique_id": f"u{message_id}",
                    "file_name": file_name,
                },
                caption=getattr(method, "caption", None),
            )
        elif name == "SendMediaGroup":
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            if chat_id in self.blocked:
                raise TelegramForbiddenError(
                    method=method, message="Forbidden: bot was blocked by the user"
                )
            media = list(method.media)  # type: ignore[attr-defined]
            if not 2 <= len(media) <= 10:
                self.violations.append(f"an album of {len(media)}")
            messages = []
            for item in media:
                message_id = next(self._ids)
                caption = getattr(item, "caption", None)
                self._remember(chat_id, message_id, caption or "", None)
                messages.append(self._message(chat_id, message_id, caption=caption))
            result = messages
        elif name == "EditMessageCaption":
            chat_id = int(method.chat_id)  # type: ignore[attr-defined]
            message_id = int(method.message_id)  # type: ignore[attr-defined]
            caption = str(method.caption or "")  # type: ignore[attr-defined]
            markup = method.reply_markup  # type: ignore[attr-defined]
            self._remember(chat_id, message_id, caption, markup)
            result = self._message(chat_id, message_id, caption=caption)
        elif name == "GetFile":
            file_id = str(method.file_id)  # type: ignore[attr-defined]
            if file_id not in self.files:
                self.violations.append(f"getFile for unknown file {file_id}")
            result = File(
                file_id=file_id,
                file_unique_id=f"u-{file_id}",
                file_size=len(self.files.get(file_id, b"")),
                file_path=f"documents/{file_id}",
            )
        else:
            self.violations.append(f"unexpected Bot API call {name}")
            raise AssertionError(f"unexpected Bot API call {name}")
        return cast(TelegramType, result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        content = self.files.get(file_id)
        if content is None:
            self.violations.append(f"download of unknown file {url}")
            return
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]


def make_bot(session: RecordingSession) -> Bot:
    return Bot(
        token=TOKEN,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@dataclass
class Person:
    id: int
    first_name: str = "Анна"
    last_name: str | None = "Петрова"
    username: str | None = None

    def tg(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class Client:
    """Feeds updates through the real Dispatcher as a person would: types, presses buttons."""

    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    sender: Any = None
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _next_update_id(self) -> int:
        return next(self._update_ids)

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dp.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )

    def _incoming(self, person: Person, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": person.tg(),
            **content,
        }

    async def send(self, person: Person, text: str) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            content["entities"] = [
                MessageEntity(type="bot_command", offset=0, length=length).model_dump(
                    exclude_none=True
                )
            ]
        update_id = self._next_update_id()
        await self.feed({"update_id": update_id, "message": self._incoming(person, **content)})
        return update_id

    async def send_document(
        self,
        person: Person,
        file_name: str,
        content: bytes,
        mime: str = "text/csv",
        declared_size: int | None = None,
    ) -> str:
        file_id = f"doc-{len(self.session.files) + 1}"
        self.session.files[file_id] = content
        document = Document(
            file_id=file_id,
            file_unique_id=f"u-{file_id}",
            file_name=file_name,
            mime_type=mime,
            file_size=len(content) if declared_size is None else declared_size,
        ).model_dump(exclude_none=True)
        await self.feed(
            {
                "update_id": self._next_update_id(),
                "message": self._incoming(person, document=document),
            }
        )
        return file_id

    async def send_photo(self, person: Person, file_id: str = "photo-1", size: int = 1000) -> None:
        photo = [
            {"file_id": f"{file_id}-s", "file_unique_id": "p0", "width": 9, "height": 9},
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "width": 900,
                "height": 900,
                "file_size": size,
            },
        ]
        await self.feed(
            {"update_id": self._next_update_id(), "message": self._incoming(person, photo=photo)}
        )

    def find_button(self, person: Person, text: str) -> tuple[int, str]:
        """The newest bot message in this chat with a button labelled exactly `text`."""
        seen: list[str] = []
        for message in sorted(
            self.session.chats.get(person.id, {}).values(),
            key=lambda m: m.message_id,
            reverse=True,
        ):
            if message.markup is None:
                continue
            for row in message.markup.inline_keyboard:
                for btn in row:
                    seen.append(btn.text)
                    if btn.text == text and btn.callback_data is not None:
                        return message.message_id, btn.callback_data
        raise AssertionError(f"no button {text!r}; buttons seen: {seen}")

    async def press(self, person: Person, text: str) -> None:
        message_id, data = self.find_button(person, text)
        await self.press_data(person, data, message_id)

    async def press_data(self, person: Person, data: str, message_id: int | None = None) -> None:
        if message_id is None:
            chat = self.session.chats.get(person.id, {})
            message_id = max(chat) if chat else 1
        stored = self.session.chats.get(person.id, {}).get(message_id)
        message = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": person.id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "ШИБЦ"},
            "text": stored.text if stored and stored.text else "…",
        }
        query = CallbackQuery(
            id=str(self._next_update_id()),
            from_user=TgUser.model_validate(person.tg()),
            chat_instance="ci",
            data=data,
            message=Message.model_validate(message),
        ).model_dump(exclude_none=True, by_alias=True)
        await self.feed({"update_id": self._next_update_id(), "callback_query": query})

    async def drain(self) -> int:
        """Let the real outbox sender deliver what is due (prompts, outcomes, reminders)."""
        assert self.sender is not None, "this client has no outbox sender"
        return int(await self.sender.drain())

    # ---- reading what the bot did ----------------------------------------------------------

    def texts(self, person: Person) -> list[str]:
        """Texts sent or edited into this chat, in order."""
        return [
            str(call.param("text"))
            for call in self.session.calls
            if call.name in ("SendMessage", "EditMessageText")
            and int(call.param("chat_id")) == person.id
        ]

    def last_text(self, person: Person) -> str:
        texts = self.texts(person)
        assert texts, "the bot sent nothing to this chat"
        return texts[-1]

    def buttons(self, person: Person) -> list[str]:
        """Button labels of the newest bot message in this chat that has a keyboard."""
        for message in sorted(
            self.session.chats.get(person.id, {}).values(),
            key=lambda m: m.message_id,
            reverse=True,
        ):
            if message.markup is not None:
                return [btn.text for row in message.markup.inline_keyboard for btn in row]
        raise AssertionError("the bot sent no keyboard to this chat")

    def alerts(self) -> list[str]:
        return [
            str(c.param("text"))
            for c in self.session.calls
            if c.name == "AnswerCallbackQuery" and c.param("text")
        ]

    def calls(self, name: str) -> list[Call]:
        return [c for c in self.session.calls if c.name == name]

    def clear(self) -> None:
        self.session.calls.clear()
