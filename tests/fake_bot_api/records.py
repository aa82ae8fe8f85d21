"""What the fake records: the requests it received and the messages it delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


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


class Signal:
    """Wake-up-all notification without lost wake-ups (single event loop)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event


def short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


Handler = Callable[[RecordedRequest], Any]
"""A Bot API method: the recorded request in, the ``result`` out (or ``ApiError`` raised)."""
