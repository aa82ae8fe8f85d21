"""Helpers for end-to-end tests: `python -m bot` as a real process against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fake_bot_api import FakeBotAPI, RecordedRequest

ROOT = Path(__file__).resolve().parent.parent
E2E_TOKEN = "123456789:AAE2E-test-token-0000000000000000000"
LOG_TAIL = 20_000
ANSWERS = ("sendmessage", "editmessagetext", "senddocument", "sendphoto")


class BotProcess:
    def __init__(self, fake: FakeBotAPI, workdir: Path, **env: str) -> None:
        self.fake = fake
        self.workdir = workdir
        self.env = env
        self.proc: asyncio.subprocess.Process | None = None
        self.log = workdir / "bot.log"

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
        env.update(
            {
                "BOT_TOKEN": E2E_TOKEN,
                "BOT_API_URL": self.fake.base_url,
                "DATABASE_URL": f"sqlite+aiosqlite:///{self.workdir / 'bot.db'}",
                "POLLING_TIMEOUT": "1",
                "LOG_LEVEL": "INFO",
                # real wall-clock time: no quiet hours, or a night-time CI run would wait
                "QUIET_HOURS": "00:00-00:00",
                "PYTHONPATH": str(ROOT),
            }
        )
        env.update(self.env)
        polls_before = len(self.fake.calls("getUpdates"))
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.workdir,
                env=env,
                stdout=log,
                stderr=log,
            )
        try:
            await self.fake.wait_for("getUpdates", timeout=60, count=polls_before + 1)
        except AssertionError:
            self._write_log(f"the bot did not poll (exit code {self.proc.returncode})")
            raise

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        try:
            return await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise
        finally:
            # pytest shows a test's captured output only when it fails: then the bot's log is
            # there, in CI's output too, even when the failure was the scenario's assertion
            self._write_log("stopped")

    def _write_log(self, why: str) -> None:
        tail = self.output()[-LOG_TAIL:] if self.log.exists() else ""
        sys.stdout.write(f"---- bot.log, {why} (last {LOG_TAIL} characters) ----\n{tail}\n")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _to_chat(chat_id: int) -> Callable[[RecordedRequest], bool]:
    def check(r: RecordedRequest) -> bool:
        return r.ok and r.method.lower() in ANSWERS and r.chat_id == chat_id

    return check


async def step(
    fake: FakeBotAPI, chat_id: int, action: Callable[[], Any], timeout: float = 15.0
) -> str:
    """Do something as a user and wait for the bot's next message or edit in that chat."""
    check = _to_chat(chat_id)
    before = len([r for r in fake.requests if check(r)])
    action()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        matches = [r for r in fake.requests if check(r)]
        if len(matches) > before:
            params = matches[before].params
            return str(params.get("text") or params.get("caption") or "")
        if loop.time() > deadline:
            raise AssertionError(f"no answer in chat {chat_id}\n{fake.dump_requests()}")
        await asyncio.sleep(0.02)


async def wait_button(
    fake: FakeBotAPI, chat_id: int, text: str, timeout: float = 15.0
) -> tuple[int, str]:
    """The bot may still be sending the message with the button: wait for it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return fake.find_button(chat_id, text)
        except AssertionError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.02)


async def press(fake: FakeBotAPI, user_id: int, text: str) -> str:
    message_id, data = await wait_button(fake, user_id, text)
    return await step(fake, user_id, lambda: fake.press_button(user_id, message_id, data))


async def say(fake: FakeBotAPI, user_id: int, text: str) -> str:
    return await step(fake, user_id, lambda: fake.send_text(user_id, text))
