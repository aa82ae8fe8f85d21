"""The server: the aiohttp routes, dispatch to the method families, and the test-facing API
(inspect what the bot sent, play a user, change the limits)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fake_bot_api.chat_methods import ChatMethods
from tests.fake_bot_api.chats import BOT_FIRST_NAME, BOT_USERNAME, ChatStore
from tests.fake_bot_api.editing import EditingMethods
from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.files import FileStore
from tests.fake_bot_api.limits import Limits
from tests.fake_bot_api.profile import ProfileMethods
from tests.fake_bot_api.records import (
    DeliveredMessage,
    Handler,
    JsonDict,
    RecordedRequest,
    Signal,
    short,
)
from tests.fake_bot_api.sending import SendingMethods
from tests.fake_bot_api.updates import UpdateQueue
from tests.fake_bot_api.users import Users
from tests.fake_bot_api.wire import (
    MAX_UPLOAD_BYTES,
    decode_params,
    link_attachments,
    read_request,
)


class FakeBotAPI:
    """In-process fake of the Telegram Bot API.

    Tests may change the limits at any time: ``rate_limit_per_second``,
    ``per_chat_limit_per_second``, ``retry_after``, ``blocked``, ``missing_chats``.
    ``requests`` records every call, ``delivered`` only successful sends.
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
        self.limits = Limits(rate_limit_per_second, per_chat_limit_per_second, retry_after)
        self.chats = ChatStore(bot_username, bot_first_name)
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.users = Users(self.chats, self.files, self.updates)

        self.requests: list[RecordedRequest] = []
        self.error_counts: Counter[int] = Counter()
        # a status (404, 500 …) every file download answers with, as a broken file server would
        self.file_download_status: int | None = None

        self._requests_signal = Signal()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._handlers: dict[str, Handler] = {
            **ProfileMethods(self.chats).routes(),
            **self.updates.routes(),
            **SendingMethods(self.chats, self.files, self.limits).routes(),
            **EditingMethods(self.chats, self.limits).routes(),
            **ChatMethods(self.chats, self.limits).routes(),
            **self.files.routes(),
        }
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # --- the limits a test changes -----------------------------------------------------------

    @property
    def rate_limit_per_second(self) -> float | None:
        return self.limits.rate_limit_per_second

    @rate_limit_per_second.setter
    def rate_limit_per_second(self, value: float | None) -> None:
        self.limits.rate_limit_per_second = value

    @property
    def per_chat_limit_per_second(self) -> float | None:
        return self.limits.per_chat_limit_per_second

    @per_chat_limit_per_second.setter
    def per_chat_limit_per_second(self, value: float | None) -> None:
        self.limits.per_chat_limit_per_second = value

    @property
    def retry_after(self) -> int:
        return self.limits.retry_after

    @retry_after.setter
    def retry_after(self, value: int) -> None:
        self.limits.retry_after = value

    @property
    def blocked(self) -> set[int]:
        """Users who blocked the bot (and groups it was kicked from): sends answer 403."""
        return self.limits.blocked

    @blocked.setter
    def blocked(self, value: set[int]) -> None:
        self.limits.blocked = value

    @property
    def missing_chats(self) -> set[int]:
        """Chats that do not exist: every call about them answers 400 "chat not found"."""
        return self.limits.missing_chats

    @missing_chats.setter
    def missing_chats(self, value: set[int]) -> None:
        self.limits.missing_chats = value

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail with this error."""
        self.limits.fail_next(method, status, description, retry_after, times)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            msg = "FakeBotAPI is already running"
            raise RuntimeError(msg)
        self.updates.closing = False
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
        self.updates.close()
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

    @property
    def delivered(self) -> list[DeliveredMessage]:
        """Every message the bot sent successfully, in order."""
        return self.chats.delivered

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
                f"  {r.method} [{r.status}] {short(params, 300)}"
                f"{' files=' + str(files) if files else ''}{extra}"
            )
        return "\n".join(lines)

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts (or captions) of messages successfully sent to a chat, as the bot sent them."""
        return [d.text for d in self.delivered if d.chat_id == chat_id and d.text is not None]

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        """Current state (after edits, without deleted ones) of the bot's messages in a chat."""
        return self.chats.bot_messages(chat_id)

    def last_message(self, chat_id: int) -> JsonDict:
        """The most recent (not deleted) message the bot sent to a chat, in its current state."""
        messages = self.bot_messages(chat_id)
        if not messages:
            msg = f"The bot has no messages in chat {chat_id}.\n{self.dump_requests()}"
            raise AssertionError(msg)
        return messages[-1]

    def find_button(self, chat_id: int, text: str) -> tuple[int, str]:
        """(message_id, callback_data) of the newest bot message with an inline button ``text``."""
        return self.chats.find_button(chat_id, text)

    def file_content(self, file_id: str) -> bytes:
        """Bytes behind a file_id (uploaded by the bot or registered by a test)."""
        return self.files.by_id[file_id].content

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

    # --- playing the users -------------------------------------------------------------------

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
        return self.chats.register_user(
            user_id,
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )

    def register_chat(self, chat: JsonDict) -> None:
        """Register a Chat object (e.g. a group: {"id": -100..., "type": "supergroup", ...})."""
        self.chats.register_chat(chat)

    def register_file(
        self, content: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> str:
        """Store bytes so that getFile + download work; returns the file_id."""
        return self.files.store(content, file_name, mime_type, "documents").file_id

    def push_update(self, update: JsonDict) -> int:
        """Queue a raw update for getUpdates; assigns update_id if missing; returns it."""
        return self.users.push_update(update)

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
        return self.users.send_text(
            user_id, text, first_name=first_name, username=username, chat_id=chat_id
        )

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
        return self.users.send_document(
            user_id,
            file_name,
            content,
            mime_type,
            caption,
            first_name=first_name,
            username=username,
            chat_id=chat_id,
        )

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
        return self.users.send_photo(
            user_id, content, caption, first_name=first_name, username=username, chat_id=chat_id
        )

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
    ) -> int:
        """A user presses an inline button of bot message ``message_id``; returns update_id."""
        return self.users.press_button(user_id, message_id, callback_data, chat_id=chat_id)

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        raw, files, read_error = await read_request(request)
        params, decode_error = decode_params(raw)
        method = self._canonical.get(requested.lower())
        rec = RecordedRequest(
            method=method or requested,
            params=params,
            files=files,
            token=token,
            time=time.time(),
            http_method=request.method,
        )
        link_attachments(rec)
        self.requests.append(rec)
        status = 200
        try:
            if method is None:
                raise ApiError(404, "Not Found: method not found")
            self.limits.take_forced_failure(method)
            if read_error is not None:
                raise read_error
            if decode_error is not None:
                raise decode_error
            if method == "getUpdates":
                self._requests_signal.notify()
                result: Any = await self.updates.get_updates(rec)
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
        stored = self.files.by_path.get(request.match_info["path"])
        if self.file_download_status is not None:
            status = self.file_download_status
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Forced"}, status=status
            )
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
