"""End to end: what the bot process logs carries ids, never the token, names, texts or
invitation tokens, at DEBUG and at INFO, through a failed file download too."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.texts import admin as a
from bot.texts import onboarding as o
from tests.e2e import E2E_TOKEN, BotProcess, press, say, step
from tests.fake_bot_api import FakeBotAPI

ADMIN, COORD, LIB = 111, 222, 333
PRIVATE = (
    "Иглинский район",
    "Ольга Методистова",
    "Анна Петрова",
    "Средняя школа села Кальтовка",
    "СОШ с. Кальтовка",
    "Методистова",
    "Кальтовка",
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_logs_carry_no_token_names_or_texts(
    fake: FakeBotAPI, tmp_path: Path, level: str
) -> None:
    for user, first, last in ((ADMIN, "Ирина", "Админова"), (COORD, "Ольга", "Методистова")):
        fake.register_user(user, first_name=first, last_name=last)
    fake.register_user(LIB, first_name="Анна", last_name="Петрова")
    bot = BotProcess(fake, tmp_path, ADMIN_IDS=str(ADMIN), LOG_LEVEL=level)
    await bot.start()
    tokens: list[str] = []
    try:
        link = re.compile(r"\?start=([A-Za-z0-9_-]+)")
        await say(fake, ADMIN, "/start")
        await say(fake, ADMIN, "/newdistrict")
        await say(fake, ADMIN, "Иглинский район")
        found = link.search(await press(fake, ADMIN, a.BTN_INVITE_COORDINATOR))
        assert found
        tokens.append(found.group(1))
        await say(fake, COORD, f"/start {tokens[0]}")
        await press(fake, COORD, o.BTN_ACCEPT)
        await say(fake, COORD, "Ольга Методистова")
        await say(fake, COORD, "/addschool")
        await say(fake, COORD, "Средняя школа села Кальтовка")
        school = link.search(await say(fake, COORD, "СОШ с. Кальтовка"))
        assert school
        tokens.append(school.group(1))
        await say(fake, LIB, f"/start {tokens[1]}")
        await press(fake, LIB, o.BTN_YES_SCHOOL)
        await say(fake, LIB, "Анна Петрова")
        # the download of an uploaded list fails after getFile: the error carries the file URL
        await say(fake, COORD, "/import")
        fake.file_download_status = 404
        await step(
            fake,
            COORD,
            lambda: fake.send_document(COORD, "Кальтовка.csv", "Школа;СОШ\n".encode(), "text/csv"),
        )
    finally:
        await bot.stop()
    output = bot.output()
    assert "failed" in output  # the failed download was logged …
    assert "<redacted>" in output  # … with the token in its URL replaced
    assert E2E_TOKEN not in output
    assert E2E_TOKEN.split(":", 1)[1] not in output
    for secret in (*PRIVATE, *tokens):
        assert secret not in output, secret
