"""Telegram's refusals: 429 with retry_after beyond a rate, 403 for a blocked user or a kicked
bot, 400 for a chat that does not exist, and failures a test forces on the next calls."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from tests.fake_bot_api.errors import ApiError


@dataclass
class ForcedFailure:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int


def _window_full(times: deque[float], limit: float, now: float) -> bool:
    """Whether a sliding window of at least one second already holds ``limit`` per second."""
    if limit <= 0:
        return True
    window = max(1.0, 1.0 / limit)
    capacity = max(1, int(limit * window + 1e-9))
    while times and now - times[0] >= window:
        times.popleft()
    return len(times) >= capacity


@dataclass
class Limits:
    """The limits a test may change at any time (the fake's public attributes proxy them)."""

    rate_limit_per_second: float | None = None
    per_chat_limit_per_second: float | None = None
    retry_after: int = 1
    blocked: set[int] = field(default_factory=set)
    missing_chats: set[int] = field(default_factory=set)
    forced: list[ForcedFailure] = field(default_factory=list)
    send_times: deque[float] = field(default_factory=deque)
    chat_send_times: dict[int, deque[float]] = field(default_factory=dict)

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None, times: int
    ) -> None:
        self.forced.append(ForcedFailure(method.lower(), status, description, retry_after, times))

    def take_forced_failure(self, method: str) -> None:
        """Raise the failure a test forced on this method ("*" = any), counting it down."""
        for forced in self.forced:
            if forced.method in (method.lower(), "*"):
                forced.times -= 1
                if forced.times <= 0:
                    self.forced.remove(forced)
                raise ApiError(forced.status, forced.description, forced.retry_after)

    def check_chat(self, chat_id: int, *, writing: bool) -> None:
        """400 for a missing chat; 403 when writing to a user who blocked the bot."""
        if chat_id in self.missing_chats:
            raise ApiError(400, "Bad Request: chat not found")
        if writing and chat_id in self.blocked:
            if chat_id < 0:
                raise ApiError(403, "Forbidden: bot was kicked from the group chat")
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def check_rate(self, chat_id: int) -> None:
        """429 with retry_after when the global or the per-chat window is full."""
        now = time.monotonic()
        chat_times = self.chat_send_times.setdefault(chat_id, deque())
        if (
            self.rate_limit_per_second is not None
            and _window_full(self.send_times, self.rate_limit_per_second, now)
        ) or (
            self.per_chat_limit_per_second is not None
            and _window_full(chat_times, self.per_chat_limit_per_second, now)
        ):
            raise ApiError(
                429, f"Too Many Requests: retry after {self.retry_after}", self.retry_after
            )

    def note_sent(self, chat_id: int) -> None:
        now = time.monotonic()
        self.send_times.append(now)
        self.chat_send_times.setdefault(chat_id, deque()).append(now)
