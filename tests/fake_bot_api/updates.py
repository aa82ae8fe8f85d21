"""Updates for the bot: the queue getUpdates long-polls, and the webhook methods beside it."""

from __future__ import annotations

import asyncio
import contextlib
import copy

from tests.fake_bot_api.errors import POLL_CONFLICT, ApiError
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest, Signal


class UpdateQueue:
    """Pending updates; a second concurrent getUpdates ends the first with 409, as Telegram."""

    def __init__(self) -> None:
        self.pending: list[JsonDict] = []
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.closing = False
        self.signal = Signal()
        self._next_update_id = 1
        self._poll_seq = 0

    def routes(self) -> dict[str, Handler]:
        """The synchronous methods; getUpdates is awaited apart (it long-polls)."""
        return {
            "deleteWebhook": self.delete_webhook,
            "setWebhook": self.set_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    def push(self, update: JsonDict) -> int:
        """Queue an update (a copy), numbering it when it has no update_id; returns the id."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self.pending.append(update)
        self.signal.notify()
        return update_id

    def close(self) -> None:
        """End every long poll (the server is stopping)."""
        self.closing = True
        self.signal.notify()

    def delete_webhook(self, rec: RecordedRequest) -> bool:
        self.webhook_url = ""
        if rec.params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    def set_webhook(self, rec: RecordedRequest) -> bool:
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
            self.pending.clear()
        return True

    def get_webhook_info(self, rec: RecordedRequest) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.allowed_updates is not None:
                info["allowed_updates"] = list(self.allowed_updates)
        return info

    async def get_updates(self, rec: RecordedRequest) -> list[JsonDict]:
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
            del self.pending[: max(0, len(self.pending) + offset)]
        elif isinstance(offset, int):
            self.pending = [u for u in self.pending if int(u["update_id"]) >= offset]

        self._poll_seq += 1
        my_seq = self._poll_seq
        self.signal.notify()  # terminates a concurrent long poll with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            event = self.signal.current()
            if my_seq != self._poll_seq:
                raise ApiError(409, POLL_CONFLICT)
            if self.closing:
                return []
            if self.pending:
                return copy.deepcopy(self.pending[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
