"""A fake Telegram Bot API HTTP server for tests (aiohttp.web).

Point aiogram at it with::

    fake = FakeBotAPI()
    await fake.start()
    bot = Bot(
        token="123:ABC",
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
    )

Wire format notes (aiogram 3.x, ``AiohttpSession.build_form_data``): every call is a POST;
without uploads the body is ``application/x-www-form-urlencoded``, with uploads it is
``multipart/form-data``.  Strings are sent as is, every other value (int, bool, dict, list,
pydantic objects such as ``reply_markup``) is ``json.dumps``-ed, ``None`` *and falsy values*
(``0``, ``False``, ``""``) are not sent at all.  Files are never sent under the parameter
name: the parameter holds ``attach://<random key>`` and the file travels in a multipart part
named ``<random key>`` (the same for ``media[*].media`` of sendMediaGroup).  This server
decodes all of that, so ``RecordedRequest.params`` holds ints, bools, dicts and lists, and
``RecordedRequest.file("document")`` finds the uploaded part.

Run standalone with ``python -m tests.fake_bot_api --port 8081``.  It prints its base URL
and serves until SIGINT/SIGTERM; ``POST /_fake/send_text`` ``{"user_id": 1, "text": "/start"}``,
``POST /_fake/press_button`` ``{"user_id": 1, "text": "Button"}``, ``POST /_fake/updates``
(a raw update) and ``GET /_fake/requests`` help when driving a bot by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import html
import itertools
import json
import mimetypes
import re
import signal
import struct
import sys
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

__all__ = [
    "SENDING_METHODS",
    "ApiError",
    "DeliveredMessage",
    "FakeBotAPI",
    "RecordedRequest",
    "UploadedFile",
]

JsonDict = dict[str, Any]

SENDING_METHODS: frozenset[str] = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)

BOT_USERNAME = "shibc_test_bot"
BOT_FIRST_NAME = "SHIBC Test Bot"
DEFAULT_BOT_ID = 1_000_000_001

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Parameters whose form values are JSON documents.
_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "media",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "results",
        "options",
        "explanation_entities",
        "permissions",
        "message_ids",
        "prices",
        "reaction",
        "suggested_post_parameters",
    }
)
# Parameters that are numbers (chat_id may also be "@channelusername").
_NUMBER_KEYS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "cache_time",
        "reply_to_message_id",
        "max_connections",
        "duration",
        "width",
        "height",
        "until_date",
        "direct_messages_topic_id",
    }
)
# Free-text parameters: never decoded, even when they look like JSON / numbers / booleans.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "name",
        "title",
        "question",
        "explanation",
        "custom_title",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "parse_mode",
        "action",
        "language_code",
        "emoji",
        "query",
        "business_connection_id",
        "ip_address",
    }
)

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
_INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
# Message fields that copyMessage / forwardMessage do not carry over.
_NOT_COPIED = frozenset(
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
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

# --- HTML parse mode -------------------------------------------------------------------------

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*?)?)\s*/?>")
_CHAR_REF_RE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _html_error(text: str, pos: int, detail: str) -> ApiError:
    offset = len(text[:pos].encode())
    return ApiError(400, f"Bad Request: can't parse entities: {detail} at byte offset {offset}")


def _parse_html(text: str) -> tuple[str, list[JsonDict]]:
    """Telegram's HTML parse mode: returns (plain text, entities) or raises ApiError(400)."""
    out: list[str] = []
    pos16 = 0
    entities: list[JsonDict] = []
    # (tag name, utf-16 start offset, entity being built)
    stack: list[tuple[str, int, JsonDict]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG_RE.match(text, i)
            if match is None:
                raise _html_error(text, i, "Unclosed start tag")
            closing = match.group(1) == "/"
            name = match.group(2).lower()
            if name not in _HTML_ENTITY_TYPES:
                kind = "end" if closing else "start"
                raise _html_error(text, i, f'Unsupported {kind} tag "{name}"')
            if closing:
                if not stack:
                    raise _html_error(text, i, f'Unexpected end tag "{name}"')
                if stack[-1][0] != name:
                    expected = stack[-1][0]
                    raise _html_error(
                        text, i, f'Unmatched end tag, expected "</{expected}>", found "</{name}>"'
                    )
                _, start, entity = stack.pop()
                if pos16 > start and entity:
                    entity["offset"] = start
                    entity["length"] = pos16 - start
                    entities.append(entity)
            else:
                attrs = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _ATTR_RE.finditer(match.group(3))
                }
                entity = {"type": _HTML_ENTITY_TYPES[name]}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _html_error(text, i, 'Unsupported start tag "span"')
                if name == "a":
                    if "href" not in attrs:
                        entity = {}
                    else:
                        entity["url"] = attrs["href"]
                elif name == "tg-emoji":
                    entity["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif name == "blockquote" and "expandable" in match.group(3):
                    entity["type"] = "expandable_blockquote"
                elif name == "code" and stack and stack[-1][0] == "pre":
                    language = attrs.get("class", "")
                    if language.startswith("language-"):
                        stack[-1][2]["language"] = language.removeprefix("language-")
                    entity = {}
                stack.append((name, pos16, entity))
            i = match.end()
            continue
        if char == "&":
            ref = _CHAR_REF_RE.match(text, i)
            if ref is not None:
                decoded = html.unescape(ref.group(0))
                out.append(decoded)
                pos16 += _utf16_len(decoded)
                i = ref.end()
                continue
        out.append(char)
        pos16 += _utf16_len(char)
        i += 1
    if stack:
        name = stack[-1][0]
        raise ApiError(
            400,
            "Bad Request: can't parse entities: "
            f'Can\'t find end tag corresponding to start tag "{name}"',
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --- records ---------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer of the Bot API (raised inside method handlers)."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class UploadedFile:
    """A multipart file part of a request."""

    name: str
    """Multipart field name (for aiogram: the random ``attach://`` key)."""
    filename: str | None
    size: int
    content: bytes = field(repr=False)
    content_type: str | None = None
    param: str | None = None
    """The API parameter that references this part: "document", "photo", "media[0]"..."""


@dataclass
class RecordedRequest:
    """One HTTP call to ``/bot{token}/{method}`` (successful or not)."""

    method: str
    """Canonical method name ("sendMessage") when known, else the name as requested."""
    params: JsonDict
    files: list[UploadedFile]
    token: str
    time: float
    http_method: str = "POST"
    status: int | None = None
    """HTTP status of the answer; None while still being processed (long polling)."""
    response: JsonDict | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value: int | str | None = self.params.get("chat_id")
        return value

    @property
    def text(self) -> str | None:
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    def file(self, param: str) -> UploadedFile:
        """The uploaded part for a parameter ("document", "photo", "media[1]", ...)."""
        for uploaded in self.files:
            if param in (uploaded.param, uploaded.name):
                return uploaded
        seen = [(f.param, f.name, f.filename) for f in self.files]
        msg = f"{self.method}: no uploaded file for parameter {param!r}; files: {seen}"
        raise AssertionError(msg)


@dataclass
class DeliveredMessage:
    """A message the bot successfully sent (one per message of a media group)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None
    """``text`` or ``caption`` exactly as sent by the bot (HTML tags included)."""
    time: float
    message: JsonDict = field(repr=False)
    """The Message object returned to the bot."""


@dataclass
class _ForcedFailure:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class _StoredMessage:
    message: JsonDict
    by_bot: bool


class _Signal:
    """Wake-up-all notification without lost wake-ups (single event loop)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event


# --- helpers ---------------------------------------------------------------------------------


def _number(value: str) -> int | float | str:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def _decode_params(raw: dict[str, Any]) -> tuple[JsonDict, ApiError | None]:
    params: JsonDict = {}
    error: ApiError | None = None
    for key, value in raw.items():
        if not isinstance(value, str) or key in _TEXT_KEYS:
            params[key] = value
        elif key in _NUMBER_KEYS:
            params[key] = _number(value)
        elif value in ("true", "false"):
            params[key] = value == "true"
        elif key in _JSON_KEYS or value[:1] in ("{", "["):
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
                if key in _JSON_KEYS and error is None:
                    what = "reply keyboard markup" if key == "reply_markup" else key
                    error = ApiError(400, f"Bad Request: can't parse {what} JSON object")
        else:
            params[key] = value
    return params, error


def _image_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return 800, 600


def _inline_markup(markup: Any) -> JsonDict | None:
    """The reply_markup Telegram echoes in Message objects (inline keyboards only)."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return copy.deepcopy(markup)
    return None


def _buttons(message: JsonDict) -> list[JsonDict]:
    markup = message.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list):
        return []
    return [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- the server ------------------------------------------------------------------------------


class FakeBotAPI:
    """In-process fake of the Telegram Bot API.

    All state lives in plain attributes so tests can tweak it at any time:
    ``rate_limit_per_second``, ``per_chat_limit_per_second``, ``retry_after``, ``blocked``,
    ``missing_chats``.  ``requests`` records every call, ``delivered`` only successful sends.
    """

    def __init__(
        self,
        *,
        rate_limit_per_second: float | None = None,
        per_chat_limit_per_second: float | None = None,
        retry_after: int = 1,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
    ) -> None:
        self.rate_limit_per_second = rate_limit_per_second
        self.per_chat_limit_per_second = per_chat_limit_per_second
        self.retry_after = retry_after
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.blocked: set[int] = set()
        self.missing_chats: set[int] = set()

        self.requests: list[RecordedRequest] = []
        self.delivered: list[DeliveredMessage] = []
        self.error_counts: Counter[int] = Counter()

        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None

        self._updates: list[JsonDict] = []
        self._next_update_id = 1
        self._poll_seq = 0
        self._history: dict[int, dict[int, _StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._users: dict[int, JsonDict] = {}
        self._chats: dict[int, JsonDict] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._media_group_seq = itertools.count(1)
        self._callback_queries: dict[str, bool] = {}
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._forced: list[_ForcedFailure] = []
        self._send_times: deque[float] = deque()
        self._chat_send_times: dict[int, deque[float]] = {}

        self._requests_signal = _Signal()
        self._updates_signal = _Signal()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

        self._handlers: dict[str, Callable[[RecordedRequest], Any]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageCaption": self._edit_message_caption,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "getFile": self._get_file,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
        }
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            msg = "FakeBotAPI is already running"
            raise RuntimeError(msg)
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_get("/_fake/requests", self._admin_requests)
        app.router.add_post("/_fake/updates", self._admin_push_update)
        app.router.add_post("/_fake/send_text", self._admin_send_text)
        app.router.add_post("/_fake/press_button", self._admin_press_button)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_port = int(runner.addresses[0][1])
        shown_host = f"[{host}]" if ":" in host else host
        self._base_url = f"http://{shown_host}:{bound_port}"
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing = True
        self._updates_signal.notify()
        self._requests_signal.notify()
        await runner.cleanup()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            msg = "FakeBotAPI is not started"
            raise RuntimeError(msg)
        return self._base_url

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- inspection helpers ------------------------------------------------------------------

    def calls(self, method: str) -> list[RecordedRequest]:
        """All recorded calls of a method (case-insensitive), failed ones included."""
        wanted = method.lower()
        return [r for r in self.requests if r.method.lower() == wanted]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[RecordedRequest]:
        """Wait until ``count`` calls of ``method`` matching ``predicate`` are recorded.

        Returns all matching calls so far.  Failed calls (429, 403...) are matched too; use
        ``predicate=lambda r: r.ok`` to wait for successful ones only.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._requests_signal.current()
            matches = [r for r in self.calls(method) if predicate is None or predicate(r)]
            if len(matches) >= count:
                return matches
            remaining = deadline - loop.time()
            if remaining <= 0:
                msg = (
                    f"Timed out after {timeout}s waiting for {count} x {method}"
                    f"{' matching predicate' if predicate else ''}; got {len(matches)}.\n"
                    f"{self.dump_requests()}"
                )
                raise AssertionError(msg)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def dump_requests(self, last: int = 20) -> str:
        """Human-readable list of the most recent requests (for assertion messages)."""
        recent = self.requests[-last:]
        lines = [f"Last {len(recent)} of {len(self.requests)} requests:"]
        for r in recent:
            params = {k: v for k, v in r.params.items() if k != "timeout"}
            files = [f"{f.param}={f.filename}({f.size}b)" for f in r.files]
            extra = ""
            if r.response is not None and not r.response.get("ok"):
                extra = f" -> {r.response.get('description')}"
            lines.append(
                f"  {r.method} [{r.status}] {_short(params, 300)}"
                f"{' files=' + str(files) if files else ''}{extra}"
            )
        return "\n".join(lines)

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts (or captions) of messages successfully sent to a chat, as the bot sent them."""
        return [d.text for d in self.delivered if d.chat_id == chat_id and d.text is not None]

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        """Current state (after edits, without deleted ones) of the bot's messages in a chat."""
        history = self._history.get(chat_id, {})
        return [copy.deepcopy(s.message) for s in history.values() if s.by_bot]

    def last_message(self, chat_id: int) -> JsonDict:
        """The most recent (not deleted) message the bot sent to a chat, in its current state."""
        messages = self.bot_messages(chat_id)
        if not messages:
            msg = f"The bot has no messages in chat {chat_id}.\n{self.dump_requests()}"
            raise AssertionError(msg)
        return messages[-1]

    def find_button(self, chat_id: int, text: str) -> tuple[int, str]:
        """(message_id, callback_data) of the newest bot message with an inline button ``text``."""
        seen: list[str] = []
        for stored in reversed(self._history.get(chat_id, {}).values()):
            if not stored.by_bot:
                continue
            buttons = _buttons(stored.message)
            if not buttons:
                continue
            for button in buttons:
                data = button.get("callback_data")
                if button.get("text") == text and isinstance(data, str):
                    return int(stored.message["message_id"]), data
            labels = [str(b.get("text")) for b in buttons]
            seen.append(f"message {stored.message['message_id']}: {labels}")
        listing = "\n  ".join(seen) if seen else "(no inline keyboards)"
        msg = (
            f"No inline button with text {text!r} (and callback_data) in bot messages of "
            f"chat {chat_id}. Buttons seen, newest first:\n  {listing}"
        )
        raise AssertionError(msg)

    def file_content(self, file_id: str) -> bytes:
        """Bytes behind a file_id (uploaded by the bot or registered by a test)."""
        return self._files[file_id].content

    @property
    def count_429(self) -> int:
        return self.error_counts[429]

    @property
    def count_403(self) -> int:
        return self.error_counts[403]

    @property
    def count_400(self) -> int:
        return self.error_counts[400]

    @property
    def count_404(self) -> int:
        return self.error_counts[404]

    def clear(self) -> None:
        """Forget recorded requests, deliveries and error counters (chat state is kept)."""
        self.requests.clear()
        self.delivered.clear()
        self.error_counts.clear()

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail with this error."""
        self._forced.append(
            _ForcedFailure(method.lower(), status, description, retry_after, times)
        )

    # --- update injection --------------------------------------------------------------------

    def register_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> JsonDict:
        """Create/update the User object used for ``user_id`` in built updates."""
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
        """Register a Chat object (e.g. a group: {"id": -100..., "type": "supergroup", ...})."""
        self._chats[int(chat["id"])] = copy.deepcopy(chat)

    def register_file(
        self, content: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> str:
        """Store bytes so that getFile + download work; returns the file_id."""
        return self._store_file(content, file_name, mime_type, "documents").file_id

    def push_update(self, update: JsonDict) -> int:
        """Queue a raw update for getUpdates; assigns update_id if missing; returns it."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        message = update.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = int(message["chat"]["id"])
            mid = int(message.get("message_id", 0))
            history = self._history.setdefault(chat_id, {})
            if mid and mid not in history:
                history[mid] = _StoredMessage(copy.deepcopy(message), by_bot=False)
                self._next_message_id[chat_id] = max(
                    self._next_message_id.get(chat_id, 1), mid + 1
                )
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self._callback_queries.setdefault(str(query["id"]), False)
        self._updates.append(update)
        self._updates_signal.notify()
        return update_id

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A user writes ``text`` (private chat unless ``chat_id``); returns the update_id."""
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return self._user_message(user_id, content, first_name, username, chat_id)

    def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str,
        caption: str | None = None,
        *,
        first_name: str | None = None,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A user sends a document (downloadable via getFile); returns the update_id."""
        stored = self._store_file(content, file_name, mime_type, "documents")
        message: JsonDict = {"document": self._document_obj(stored)}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user_id, message, first_name, username, chat_id)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        *,
        first_name: str | None = None,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        """A user sends a photo (sizes: thumbnail + full, same bytes); returns the update_id."""
        message: JsonDict = {"photo": self._photo_sizes(content)}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user_id, message, first_name, username, chat_id)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
    ) -> int:
        """A user presses an inline button of bot message ``message_id``; returns update_id."""
        chat = user_id if chat_id is None else chat_id
        stored = self._history.get(chat, {}).get(message_id)
        if stored is None:
            known = [s.message["message_id"] for s in self._history.get(chat, {}).values()]
            msg = (
                f"press_button: there is no message {message_id} in chat {chat} "
                f"(known message ids: {known})"
            )
            raise AssertionError(msg)
        query_id = f"{user_id}{next(self._callback_seq):06d}"
        self._callback_queries[query_id] = False
        query: JsonDict = {
            "id": query_id,
            "from": self.register_user(user_id),
            "message": copy.deepcopy(stored.message),
            "chat_instance": f"{abs(chat) * 7919 % 10**12}",
            "data": callback_data,
        }
        return self.push_update({"callback_query": query})

    def _user_message(
        self,
        user_id: int,
        content: JsonDict,
        first_name: str | None,
        username: str | None,
        chat_id: int | None,
    ) -> int:
        user = self.register_user(user_id, first_name=first_name, username=username)
        chat = user_id if chat_id is None else chat_id
        message: JsonDict = {
            "message_id": self._take_message_id(chat),
            "from": user,
            "chat": self._chat_obj(chat),
            "date": int(time.time()),
            **content,
        }
        self._history.setdefault(chat, {})[message["message_id"]] = _StoredMessage(
            copy.deepcopy(message), by_bot=False
        )
        return self.push_update({"message": message})

    # --- HTTP plumbing -----------------------------------------------------------------------

    async def _read_request(
        self, request: web.Request
    ) -> tuple[dict[str, Any], list[UploadedFile], ApiError | None]:
        raw: dict[str, Any] = dict(request.query)
        files: list[UploadedFile] = []
        if request.method != "POST" or not request.body_exists:
            return raw, files, None
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                return raw, files, ApiError(400, "Bad Request: can't parse JSON request body")
            if isinstance(body, dict):
                raw.update(body)
            return raw, files, None
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            return raw, files, ApiError(413, "Request Entity Too Large")
        error: ApiError | None = None
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                files.append(
                    UploadedFile(
                        name=key,
                        filename=value.filename,
                        size=len(content),
                        content=content,
                        content_type=value.content_type,
                    )
                )
                if len(content) > MAX_UPLOAD_BYTES:
                    error = ApiError(413, "Request Entity Too Large")
            else:
                raw[key] = value
        return raw, files, error

    @staticmethod
    def _link_attachments(rec: RecordedRequest) -> None:
        by_name = {f.name: f for f in rec.files}

        def link(value: Any, param: str) -> None:
            if isinstance(value, str) and value.startswith("attach://"):
                uploaded = by_name.get(value.removeprefix("attach://"))
                if uploaded is not None and uploaded.param is None:
                    uploaded.param = param

        for key, value in rec.params.items():
            if key == "media" and isinstance(value, (list, dict)):
                items = value if isinstance(value, list) else [value]
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        prefix = f"media[{index}]" if isinstance(value, list) else "media"
                        link(item.get("media"), prefix)
                        link(item.get("thumbnail"), f"{prefix}.thumbnail")
            else:
                link(value, key)
        for uploaded in rec.files:
            if uploaded.param is None:
                uploaded.param = uploaded.name

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        raw, files, read_error = await self._read_request(request)
        params, decode_error = _decode_params(raw)
        method = self._canonical.get(requested.lower())
        rec = RecordedRequest(
            method=method or requested,
            params=params,
            files=files,
            token=token,
            time=time.time(),
            http_method=request.method,
        )
        self._link_attachments(rec)
        self.requests.append(rec)
        status = 200
        try:
            if method is None:
                raise ApiError(404, "Not Found: method not found")
            self._take_forced_failure(method)
            if read_error is not None:
                raise read_error
            if decode_error is not None:
                raise decode_error
            if method == "getUpdates":
                self._requests_signal.notify()
                result: Any = await self._get_updates(rec)
            else:
                result = self._handlers[method](rec)
            body: JsonDict = {"ok": True, "result": result}
        except ApiError as err:
            status = err.status
            body = err.body()
            self.error_counts[status] += 1
        rec.status = status
        rec.response = body
        self._requests_signal.notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.content,
            content_type=stored.mime_type or "application/octet-stream",
        )

    async def _admin_requests(self, request: web.Request) -> web.Response:
        rows = [
            {
                "method": r.method,
                "params": r.params,
                "files": [
                    {"param": f.param, "filename": f.filename, "size": f.size} for f in r.files
                ],
                "status": r.status,
                "time": r.time,
            }
            for r in self.requests
        ]
        return web.json_response(rows)

    async def _admin_push_update(self, request: web.Request) -> web.Response:
        update = await request.json()
        return web.json_response({"update_id": self.push_update(update)})

    async def _admin_send_text(self, request: web.Request) -> web.Response:
        body = await request.json()
        update_id = self.send_text(
            int(body["user_id"]),
            str(body["text"]),
            first_name=body.get("first_name"),
            username=body.get("username"),
        )
        return web.json_response({"update_id": update_id})

    async def _admin_press_button(self, request: web.Request) -> web.Response:
        body = await request.json()
        user_id = int(body["user_id"])
        try:
            message_id, data = self.find_button(user_id, str(body["text"]))
        except AssertionError as exc:
            return web.json_response({"error": str(exc)}, status=404)
        return web.json_response({"update_id": self.press_button(user_id, message_id, data)})

    # --- shared checks -----------------------------------------------------------------------

    def _take_forced_failure(self, method: str) -> None:
        for forced in self._forced:
            if forced.method in (method.lower(), "*"):
                forced.times -= 1
                if forced.times <= 0:
                    self._forced.remove(forced)
                raise ApiError(forced.status, forced.description, forced.retry_after)

    def _resolve_chat(self, value: Any, *, what: str = "chat_id") -> int:
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

    def _check_chat(self, chat_id: int, *, writing: bool) -> None:
        if chat_id in self.missing_chats:
            raise ApiError(400, "Bad Request: chat not found")
        if writing and chat_id in self.blocked:
            if chat_id < 0:
                raise ApiError(403, "Forbidden: bot was kicked from the group chat")
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    @staticmethod
    def _window_full(times: deque[float], limit: float, now: float) -> bool:
        if limit <= 0:
            return True
        window = max(1.0, 1.0 / limit)
        capacity = max(1, int(limit * window + 1e-9))
        while times and now - times[0] >= window:
            times.popleft()
        return len(times) >= capacity

    def _check_rate(self, chat_id: int) -> None:
        now = time.monotonic()
        chat_times = self._chat_send_times.setdefault(chat_id, deque())
        if (
            self.rate_limit_per_second is not None
            and self._window_full(self._send_times, self.rate_limit_per_second, now)
        ) or (
            self.per_chat_limit_per_second is not None
            and self._window_full(chat_times, self.per_chat_limit_per_second, now)
        ):
            raise ApiError(
                429, f"Too Many Requests: retry after {self.retry_after}", self.retry_after
            )

    def _begin_send(self, rec: RecordedRequest) -> int:
        chat_id = self._resolve_chat(rec.params.get("chat_id"))
        self._check_rate(chat_id)
        self._check_chat(chat_id, writing=True)
        return chat_id

    def _note_sent(self, chat_id: int) -> None:
        now = time.monotonic()
        self._send_times.append(now)
        self._chat_send_times.setdefault(chat_id, deque()).append(now)

    def _validate_markup(self, params: JsonDict) -> JsonDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return None
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400, "Bad Request: can't parse inline keyboard button: field must be Array"
            )
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: Text is empty"
                )
            if not _INLINE_BUTTON_ACTIONS & button.keys():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return _inline_markup(markup)

    @staticmethod
    def _format(text: str, params: JsonDict, entities_key: str) -> tuple[str, list[JsonDict]]:
        parse_mode = params.get("parse_mode")
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            return _parse_html(text)
        entities = params.get(entities_key)
        return text, list(entities) if isinstance(entities, list) else []

    def _text_content(self, params: JsonDict) -> JsonDict:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain, entities = self._format(text, params, "entities")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        content: JsonDict = {"text": plain}
        if entities:
            content["entities"] = entities
        return content

    def _caption_content(self, params: JsonDict) -> JsonDict:
        caption = params.get("caption")
        if not isinstance(caption, str) or not caption:
            return {}
        plain, entities = self._format(caption, params, "caption_entities")
        if len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        content: JsonDict = {"caption": plain}
        if entities:
            content["caption_entities"] = entities
        return content

    def _reply_to(self, chat_id: int, params: JsonDict) -> JsonDict:
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
        stored = self._history.get(chat_id, {}).get(target) if isinstance(target, int) else None
        if stored is None:
            if allow_missing:
                return {}
            raise ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(stored.message)
        replied.pop("reply_to_message", None)
        return {"reply_to_message": replied}

    # --- message store -----------------------------------------------------------------------

    def _bot_user(self, token: str) -> JsonDict:
        prefix = token.split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else DEFAULT_BOT_ID,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_obj(self, chat_id: int) -> JsonDict:
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

    def _take_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = mid + 1
        return mid

    def _new_bot_message(
        self, rec: RecordedRequest, chat_id: int, content: JsonDict, sent_text: Any
    ) -> JsonDict:
        """Store + record a delivered bot message; ``sent_text`` is the raw text/caption."""
        message: JsonDict = {
            "message_id": self._take_message_id(chat_id),
            "from": self._bot_user(rec.token),
            "chat": self._chat_obj(chat_id),
            "date": int(time.time()),
            **content,
        }
        self._history.setdefault(chat_id, {})[message["message_id"]] = _StoredMessage(
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

    def _stored_for_edit(self, params: JsonDict, action: str) -> _StoredMessage | None:
        if params.get("inline_message_id"):
            return None
        chat_id = self._resolve_chat(params.get("chat_id"))
        self._check_chat(chat_id, writing=True)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        stored = self._history.get(chat_id, {}).get(message_id)
        if stored is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if not stored.by_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return stored

    # --- files -------------------------------------------------------------------------------

    def _store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> _StoredFile:
        n = next(self._file_seq)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        elif folder == "photos":
            ext = ".jpg"
        stored = _StoredFile(
            file_id=f"fake-{folder[:-1]}-{n}",
            file_unique_id=f"fakeu{n}",
            file_path=f"{folder}/file_{n}{ext}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_obj(stored: _StoredFile) -> JsonDict:
        obj: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name is not None:
            obj["file_name"] = stored.file_name
        if stored.mime_type is not None:
            obj["mime_type"] = stored.mime_type
        return obj

    def _photo_sizes(self, content: bytes, full: _StoredFile | None = None) -> list[JsonDict]:
        width, height = _image_size(content)
        scale = min(1.0, 90 / max(width, height, 1))
        thumb = self._store_file(content, None, "image/jpeg", "photos")
        full = full or self._store_file(content, None, "image/jpeg", "photos")
        return [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_size": len(content),
                "width": w,
                "height": h,
            }
            for f, w, h in (
                (thumb, max(1, round(width * scale)), max(1, round(height * scale))),
                (full, width, height),
            )
        ]

    def _input_file(self, rec: RecordedRequest, param: str, value: Any, kind: str) -> _StoredFile:
        """Resolve an InputFile parameter: upload (attach:// or direct part), file_id or URL."""
        if value is None:
            for uploaded in rec.files:
                if uploaded.param == param:
                    value = f"attach://{uploaded.name}"
                    break
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        folder = "photos" if kind == "photo" else f"{kind}s"
        if value.startswith("attach://"):
            name = value.removeprefix("attach://")
            for uploaded in rec.files:
                if uploaded.name == name:
                    mime = mimetypes.guess_type(uploaded.filename or "")[0]
                    if kind == "photo":
                        mime = "image/jpeg"
                    return self._store_file(
                        uploaded.content,
                        uploaded.filename if kind != "photo" else None,
                        mime or "application/octet-stream",
                        folder,
                    )
            raise ApiError(400, _WRONG_FILE)
        if value in self._files:
            return self._files[value]
        if value.startswith(("http://", "https://")):
            file_name = value.rstrip("/").rsplit("/", 1)[-1] or None
            mime = mimetypes.guess_type(file_name or "")[0]
            return self._store_file(b"", file_name, mime, folder)
        raise ApiError(400, _WRONG_FILE)

    def _media_content(self, kind: str, stored: _StoredFile) -> JsonDict:
        if kind == "photo":
            return {"photo": self._photo_sizes(stored.content, stored)}
        obj = self._document_obj(stored)
        if kind == "video":
            width, height = _image_size(b"")
            obj.update(width=width, height=height, duration=0)
        elif kind == "audio":
            obj["duration"] = 0
        return {kind: obj}

    # --- methods: bot & webhook --------------------------------------------------------------

    @staticmethod
    def _true(rec: RecordedRequest) -> bool:
        return True

    def _get_me(self, rec: RecordedRequest) -> JsonDict:
        return {
            **self._bot_user(rec.token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, rec: RecordedRequest) -> bool:
        self.webhook_url = ""
        if rec.params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, rec: RecordedRequest) -> bool:
        url = rec.params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook_url = str(url)
        allowed = rec.params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed]
        if rec.params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, rec: RecordedRequest) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.allowed_updates is not None:
                info["allowed_updates"] = list(self.allowed_updates)
        return info

    async def _get_updates(self, rec: RecordedRequest) -> list[JsonDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        params = rec.params
        offset = params.get("offset")
        limit = params.get("limit")
        timeout = params.get("timeout")
        limit = min(max(int(limit), 1), 100) if isinstance(limit, (int, float)) else 100
        wait = float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed]
        if isinstance(offset, int) and offset < 0:
            del self._updates[: max(0, len(self._updates) + offset)]
        elif isinstance(offset, int):
            self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]

        self._poll_seq += 1
        my_seq = self._poll_seq
        self._updates_signal.notify()  # terminates a concurrent long poll with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            event = self._updates_signal.current()
            if my_seq != self._poll_seq:
                raise ApiError(409, _POLL_CONFLICT)
            if self._closing:
                return []
            if self._updates:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # --- methods: sending --------------------------------------------------------------------

    def _send_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        content = self._text_content(rec.params)
        markup = self._validate_markup(rec.params)
        content.update(self._reply_to(chat_id, rec.params))
        if markup is not None:
            content["reply_markup"] = markup
        self._note_sent(chat_id)
        return self._new_bot_message(rec, chat_id, content, rec.params.get("text"))

    def _send_file(self, rec: RecordedRequest, kind: str) -> JsonDict:
        chat_id = self._begin_send(rec)
        caption = self._caption_content(rec.params)
        markup = self._validate_markup(rec.params)
        reply = self._reply_to(chat_id, rec.params)
        stored = self._input_file(rec, kind, rec.params.get(kind), kind)
        content = {**self._media_content(kind, stored), **caption, **reply}
        if markup is not None:
            content["reply_markup"] = markup
        self._note_sent(chat_id)
        return self._new_bot_message(rec, chat_id, content, rec.params.get("caption"))

    def _send_document(self, rec: RecordedRequest) -> JsonDict:
        return self._send_file(rec, "document")

    def _send_photo(self, rec: RecordedRequest) -> JsonDict:
        return self._send_file(rec, "photo")

    def _send_media_group(self, rec: RecordedRequest) -> list[JsonDict]:
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
        reply = self._reply_to(chat_id, rec.params)
        prepared: list[tuple[JsonDict, Any]] = []
        for index, item in enumerate(media):
            kind = str(item["type"])
            stored = self._input_file(rec, f"media[{index}]", item.get("media"), kind)
            content = {**self._media_content(kind, stored), **self._caption_content(item), **reply}
            prepared.append((content, item.get("caption")))
        group_id = f"{13_000_000_000 + next(self._media_group_seq)}"
        self._note_sent(chat_id)
        return [
            self._new_bot_message(rec, chat_id, {**content, "media_group_id": group_id}, caption)
            for content, caption in prepared
        ]

    def _source_message(self, rec: RecordedRequest, action: str) -> JsonDict:
        from_chat = self._resolve_chat(rec.params.get("from_chat_id"), what="from_chat_id")
        self._check_chat(from_chat, writing=False)
        message_id = rec.params.get("message_id")
        stored = (
            self._history.get(from_chat, {}).get(message_id)
            if isinstance(message_id, int)
            else None
        )
        if stored is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return copy.deepcopy(stored.message)

    def _copy_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        source = self._source_message(rec, "copy")
        markup = self._validate_markup(rec.params)
        content = {k: v for k, v in source.items() if k not in _NOT_COPIED}
        if "caption" in rec.params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption_content(rec.params))
        content.update(self._reply_to(chat_id, rec.params))
        if markup is not None:
            content["reply_markup"] = markup
        self._note_sent(chat_id)
        sent_text = rec.params.get("caption", source.get("text", source.get("caption")))
        message = self._new_bot_message(rec, chat_id, content, sent_text)
        return {"message_id": message["message_id"]}

    def _forward_message(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._begin_send(rec)
        source = self._source_message(rec, "forward")
        content = {k: v for k, v in source.items() if k not in _NOT_COPIED}
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
        self._note_sent(chat_id)
        sent_text = source.get("text", source.get("caption"))
        return self._new_bot_message(rec, chat_id, content, sent_text)

    # --- methods: editing --------------------------------------------------------------------

    def _edit_message_text(self, rec: RecordedRequest) -> JsonDict | bool:
        content = self._text_content(rec.params)
        markup = self._validate_markup(rec.params)
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
            raise ApiError(400, _NOT_MODIFIED)
        message.pop("entities", None)
        message.update(content)
        self._set_markup(message, markup)
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, rec: RecordedRequest) -> JsonDict | bool:
        markup = self._validate_markup(rec.params)
        stored = self._stored_for_edit(rec.params, "edit")
        if stored is None:
            return True
        if stored.message.get("reply_markup") == markup:
            raise ApiError(400, _NOT_MODIFIED)
        self._set_markup(stored.message, markup)
        return copy.deepcopy(stored.message)

    def _edit_message_caption(self, rec: RecordedRequest) -> JsonDict | bool:
        content = self._caption_content(rec.params)
        markup = self._validate_markup(rec.params)
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
            raise ApiError(400, _NOT_MODIFIED)
        message.pop("caption", None)
        message.pop("caption_entities", None)
        message.update(content)
        self._set_markup(message, markup)
        return copy.deepcopy(message)

    @staticmethod
    def _set_markup(message: JsonDict, markup: JsonDict | None) -> None:
        message["edit_date"] = int(time.time())
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup

    def _delete_message(self, rec: RecordedRequest) -> bool:
        chat_id = self._resolve_chat(rec.params.get("chat_id"))
        self._check_chat(chat_id, writing=False)
        message_id = rec.params.get("message_id")
        history = self._history.get(chat_id, {})
        if not isinstance(message_id, int) or message_id not in history:
            raise ApiError(400, "Bad Request: message to delete not found")
        del history[message_id]
        return True

    # --- methods: misc -----------------------------------------------------------------------

    def _answer_callback_query(self, rec: RecordedRequest) -> bool:
        query_id = rec.params.get("callback_query_id")
        if self._callback_queries.get(str(query_id), True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        self._callback_queries[str(query_id)] = True
        return True

    @staticmethod
    def _commands_key(params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope")
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, rec: RecordedRequest) -> bool:
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
        key = self._commands_key(rec.params)
        if commands:
            self._commands[key] = copy.deepcopy(commands)
        else:
            self._commands.pop(key, None)
        return True

    def _delete_my_commands(self, rec: RecordedRequest) -> bool:
        self._commands.pop(self._commands_key(rec.params), None)
        return True

    def _get_my_commands(self, rec: RecordedRequest) -> list[JsonDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(rec.params), []))

    def _get_file(self, rec: RecordedRequest) -> JsonDict:
        file_id = rec.params.get("file_id")
        stored = self._files.get(str(file_id))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _send_chat_action(self, rec: RecordedRequest) -> bool:
        chat_id = self._resolve_chat(rec.params.get("chat_id"))
        self._check_chat(chat_id, writing=True)
        if rec.params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, rec: RecordedRequest) -> JsonDict:
        chat_id = self._resolve_chat(rec.params.get("chat_id"))
        self._check_chat(chat_id, writing=False)
        return {
            **self._chat_obj(chat_id),
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


# --- standalone ------------------------------------------------------------------------------


async def _serve(host: str, port: int) -> None:
    fake = FakeBotAPI()
    await fake.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sys.stdout.write(f"{fake.base_url}\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()
