"""Russian plurals (CLDR one / few / many) and the counts in the bot's texts."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts.plural import counted, plural
from bot.toolkit.callbacks import EventAction, EventCb
from models import EventStatus
from tests.conftest import COORDINATOR, DistrictSetup, FixedClock
from tests.harness import Client
from tests.test_confirmations import make_event

FORMS = ("школа", "школы", "школ")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "школ"),
        (1, "школа"),
        (2, "школы"),
        (3, "школы"),
        (4, "школы"),
        (5, "школ"),
        (10, "школ"),
        (11, "школ"),
        (12, "школ"),
        (14, "школ"),
        (15, "школ"),
        (21, "школа"),
        (22, "школы"),
        (24, "школы"),
        (25, "школ"),
        (101, "школа"),
        (102, "школы"),
        (111, "школ"),
        (112, "школ"),
        (114, "школ"),
        (121, "школа"),
        (1000, "школ"),
        (1001, "школа"),
        (1011, "школ"),
        (1_000_002, "школы"),
    ],
)
def test_plural_follows_cldr_for_russian(n: int, expected: str) -> None:
    assert plural(n, *FORMS) == expected


def test_counted_puts_the_number_before_the_word() -> None:
    assert counted(21, *FORMS) == "21 школа"
    assert counted(0, *FORMS) == "0 школ"


@pytest.mark.parametrize(
    ("n", "schools", "files", "long", "short"),
    [
        (
            1,
            "1 школы",
            "1 файл (выше)",
            "Слишком длинно: 1 символ, а можно не больше 0.",
            "Слишком коротко: нужно не меньше 1 символа.",
        ),
        (
            3,
            "3 школ",
            "3 файла (выше)",
            "Слишком длинно: 3 символа, а можно не больше 2.",
            "Слишком коротко: нужно не меньше 3 символов.",
        ),
        (
            5,
            "5 школ",
            "5 файлов (выше)",
            "Слишком длинно: 5 символов, а можно не больше 4.",
            "Слишком коротко: нужно не меньше 5 символов.",
        ),
        (
            21,
            "21 школы",
            "21 файл (выше)",
            "Слишком длинно: 21 символ, а можно не больше 20.",
            "Слишком коротко: нужно не меньше 21 символа.",
        ),
    ],
)
def test_counts_in_texts(n: int, schools: str, files: str, long: str, short: str) -> None:
    assert ev.of_schools(n) == schools  # «Отметили: 0 из 1 школы»
    assert ev.evidence_files(n) == files
    assert t.too_long(n, n - 1) == long
    assert t.too_short(n) == short


async def test_event_card_counts_one_school(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    """The district of the fixture has one school: «из 1 школы», not «из 1 школ»."""
    event_id = await make_event(
        session_pool, clock, district_setup.district_id, status=EventStatus.DRAFT
    )
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    assert "Отметили: 0 из 1 школы" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, ev.BTN_PROGRESS)
    assert "Отметили: 0 из 1 школы" in client.last_text(COORDINATOR)
