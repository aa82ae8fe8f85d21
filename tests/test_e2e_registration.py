"""End to end: the real `python -m bot` process, HTTP to the fake Bot API, a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.texts import admin as a
from bot.texts import onboarding as o
from tests.e2e import BotProcess, press, say
from tests.fake_bot_api import FakeBotAPI
from tests.menus import ANYONE, COORDINATOR_HELP, LIBRARIAN_HELP, SUPER_ADMIN_HELP, menu

ADMIN_ID, COORDINATOR_ID, LIBRARIAN_ID = 111, 222, 333
LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def test_registration_path_in_a_real_process(fake: FakeBotAPI, tmp_path: Path) -> None:
    fake.register_user(ADMIN_ID, first_name="Ирина", last_name="Админова")
    fake.register_user(COORDINATOR_ID, first_name="Ольга", last_name="Методистова")
    fake.register_user(LIBRARIAN_ID, first_name="Анна", last_name="Петрова")
    bot = BotProcess(fake, tmp_path, ADMIN_IDS=str(ADMIN_ID))
    await bot.start()
    try:
        # start-up: default menu set, webhook removed
        assert fake.calls("deleteWebhook")
        default_menus = [
            [c["command"] for c in r.params["commands"]]
            for r in fake.calls("setMyCommands")
            if r.params.get("scope", {"type": "default"}) == {"type": "default"}
        ]
        assert default_menus == [menu(ANYONE)]

        assert "администратор" in await say(fake, ADMIN_ID, "/start")
        await say(fake, ADMIN_ID, "/newdistrict")
        assert "создан" in await say(fake, ADMIN_ID, "Иглинский район")
        invite = await press(fake, ADMIN_ID, a.BTN_INVITE_COORDINATOR)
        coordinator_token = LINK.search(invite)
        assert coordinator_token, invite

        text = await say(fake, COORDINATOR_ID, f"/start {coordinator_token.group(1)}")
        assert "Иглинский район" in text
        await press(fake, COORDINATOR_ID, o.BTN_ACCEPT)
        assert "координатор" in await say(fake, COORDINATOR_ID, "Ольга Ивановна Методистова")

        await say(fake, COORDINATOR_ID, "/addschool")
        await say(fake, COORDINATOR_ID, "МБОУ СОШ № 1 с. Иглино, полное наименование")
        added = await say(fake, COORDINATOR_ID, "МБОУ СОШ № 1")
        school_token = LINK.search(added)
        assert school_token, added

        assert "Это ваша школа?" in await say(
            fake, LIBRARIAN_ID, f"/start {school_token.group(1)}"
        )
        await press(fake, LIBRARIAN_ID, o.BTN_YES_SCHOOL)
        done = await press(fake, LIBRARIAN_ID, o.BTN_USE_TG_NAME.format(name="Анна Петрова"))
        assert "подключены к школе" in done or "Готово" in done
        # a bad token in the real process: clear answer, nothing registered
        assert await say(fake, 444, "/start " + "x" * 65) == o.INVITE_ERRORS["malformed"]
    finally:
        code = await bot.stop()
    assert code == 0, bot.output()
    assert "Traceback" not in bot.output(), bot.output()

    with sqlite3.connect(tmp_path / "bot.db") as db:
        users = dict(db.execute("select telegram_id, role from users").fetchall())
        activities = db.execute("select count(*) from activities").fetchone()[0]
        school_of_librarian = db.execute(
            "select s.short_name from users u join schools s on s.id = u.school_id "
            "where u.telegram_id = ?",
            (LIBRARIAN_ID,),
        ).fetchone()
    assert users == {
        ADMIN_ID: "super_admin",
        COORDINATOR_ID: "coordinator",
        LIBRARIAN_ID: "librarian",
    }
    assert school_of_librarian == ("МБОУ СОШ № 1",)
    assert activities == 19  # the catalogue was loaded at start
    # per-chat menus were set for each role over real HTTP
    menus = {
        r.params["scope"]["chat_id"]: [c["command"] for c in r.params["commands"]]
        for r in fake.calls("setMyCommands")
        if r.ok and isinstance(r.params.get("scope"), dict) and "chat_id" in r.params["scope"]
    }
    assert menus == {
        ADMIN_ID: menu(SUPER_ADMIN_HELP),
        COORDINATOR_ID: menu(COORDINATOR_HELP),
        LIBRARIAN_ID: menu(LIBRARIAN_HELP),
    }
