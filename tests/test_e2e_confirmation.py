"""End to end: an event is opened, confirmed with a photo and a document, returned, fixed,
accepted.

The real `python -m bot` process talks HTTP to the fake Bot API; evidence is re-sent by file id.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.texts import admin as a
from bot.texts import events as ev
from bot.texts import onboarding as o
from tests.e2e import BotProcess, press, say, step, wait_button
from tests.fake_bot_api import FakeBotAPI

ADMIN, COORD, LIB = 111, 222, 333
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def register(fake: FakeBotAPI) -> None:
    """Admin -> district -> coordinator -> school -> librarian, as in the registration test."""
    link = re.compile(r"\?start=([A-Za-z0-9_-]+)")
    await say(fake, ADMIN, "/start")
    await say(fake, ADMIN, "/newdistrict")
    await say(fake, ADMIN, "Иглинский район")
    token = link.search(await press(fake, ADMIN, a.BTN_INVITE_COORDINATOR))
    assert token
    await say(fake, COORD, f"/start {token.group(1)}")
    await press(fake, COORD, o.BTN_ACCEPT)
    await say(fake, COORD, "Ольга Методистова")
    await say(fake, COORD, "/addschool")
    await say(fake, COORD, "МБОУ СОШ № 1 с. Иглино, полное наименование")
    school = link.search(await say(fake, COORD, "МБОУ СОШ № 1"))
    assert school
    await say(fake, LIB, f"/start {school.group(1)}")
    await press(fake, LIB, o.BTN_YES_SCHOOL)
    await say(fake, LIB, "Анна Петрова")


async def test_confirmation_review_cycle(fake: FakeBotAPI, tmp_path: Path) -> None:
    for user, name in ((ADMIN, "Ирина"), (COORD, "Ольга"), (LIB, "Анна")):
        fake.register_user(user, first_name=name, last_name="Тестова")
    bot = BotProcess(fake, tmp_path, ADMIN_IDS=str(ADMIN))
    await bot.start()
    today = datetime.now(ZoneInfo("Asia/Yekaterinburg")).date()
    try:
        await register(fake)
        # the coordinator creates and opens an event around today
        await say(fake, COORD, "/newevent")
        await press(fake, COORD, ev.BTN_NO_ACTIVITY)
        await press(fake, COORD, ev.OCCASIONS["none"])
        await press(fake, COORD, "мероприятие")
        await say(fake, COORD, "Неделя детской книги")
        start, end = today - timedelta(days=5), today + timedelta(days=5)
        await say(fake, COORD, f"{start:%d.%m.%Y} - {end:%d.%m.%Y}")
        deadline = today + timedelta(days=7)
        await say(fake, COORD, f"{deadline:%d.%m.%Y} 18:00")
        await press(fake, COORD, ev.BTN_SAVE)
        await press(fake, COORD, ev.BTN_OPEN)
        await press(fake, COORD, ev.BTN_YES)
        # the librarian is prompted and confirms from the prompt
        await wait_button(fake, LIB, ev.BTN_CONFIRM_TASK)
        await press(fake, LIB, ev.BTN_CONFIRM_TASK)
        await press(fake, LIB, ev.BTN_TODAY.format(day=f"{today:%d.%m.%Y}"))
        await say(fake, LIB, "-3")  # a bad answer first
        await say(fake, LIB, "27")
        await press(fake, LIB, ev.BTN_SKIP)
        await step(fake, LIB, lambda: fake.send_photo(LIB, PNG))
        await step(
            fake,
            LIB,
            lambda: fake.send_document(LIB, "отчёт.pdf", b"%PDF-1.4 e2e", "application/pdf"),
        )
        await press(fake, LIB, ev.BTN_DONE)
        assert await press(fake, LIB, ev.BTN_SEND) == ev.SUBMITTED

        # the coordinator reviews: both files come back by file id, then returns it
        await say(fake, COORD, "/review")
        await press(fake, COORD, "МБОУ СОШ № 1 · Неделя детской книги")
        await wait_button(fake, COORD, ev.BTN_RETURN)
        resent = [
            r
            for r in fake.requests
            if r.ok and r.chat_id == COORD and r.method in ("sendPhoto", "sendDocument")
        ]
        assert {r.method for r in resent} == {"sendPhoto", "sendDocument"}
        assert all(
            isinstance(r.params.get("photo") or r.params.get("document"), str) for r in resent
        )
        await press(fake, COORD, ev.BTN_RETURN)
        await say(fake, COORD, "Нужно фото крупнее")
        await wait_button(fake, LIB, ev.BTN_OPEN_CONFIRMATION)
        assert "Нужно фото крупнее" in fake.sent_texts(LIB)[-1]

        # the librarian fixes it
        await press(fake, LIB, ev.BTN_OPEN_CONFIRMATION)
        await press(fake, LIB, ev.BTN_EDIT_TASK)
        await press(fake, LIB, ev.BTN_CHANGE)
        await press(fake, LIB, ev.BTN_CHANGE_PARTICIPANTS)
        await say(fake, LIB, "31")
        assert await press(fake, LIB, ev.BTN_SEND) == ev.SUBMITTED

        # the coordinator accepts
        await say(fake, COORD, "/review")
        await press(fake, COORD, "МБОУ СОШ № 1 · Неделя детской книги")
        await press(fake, COORD, ev.BTN_ACCEPT)
        await wait_button(fake, LIB, ev.BTN_OPEN_CONFIRMATION)
    finally:
        code = await bot.stop()
    assert code == 0, bot.output()
    assert "Traceback" not in bot.output(), bot.output()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        row = db.execute(
            "select status, participants, version, review_comment from confirmations"
        ).fetchall()
        evidence = db.execute("select kind, file_name from evidence order by position").fetchall()
    assert row == [("accepted", 31, 4, "")]  # submitted, returned, fixed, accepted
    assert evidence == [("photo", "Фото 1"), ("document", "отчёт.pdf")]
