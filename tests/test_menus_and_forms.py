"""/help per role, /cancel in any state, and forms that survive a restart."""

from __future__ import annotations

import itertools

import pytest
from aiogram import Dispatcher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.texts import common as t
from bot.texts import schools as s
from models import FsmRecord, School
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    STRANGER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.harness import Client, Person
from tests.menus import ANYONE, COORDINATOR_HELP, LIBRARIAN_HELP, SUPER_ADMIN_HELP


def help_commands(text: str) -> list[str]:
    """The commands of a /help reply, each line being "/command — what it does"."""
    header, *lines = text.splitlines()
    assert header == t.HELP_HEADER
    commands = []
    for line in lines:
        command, dash, description = line.partition(" — ")
        assert dash and description.strip(), f"a command without a description: {line!r}"
        commands.append(command)
    return commands


async def test_help_lists_exactly_the_users_commands(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    expected: list[tuple[Person, list[str]]] = [
        (STRANGER, ANYONE),
        (LIBRARIAN, LIBRARIAN_HELP),
        (COORDINATOR, COORDINATOR_HELP),
        (ADMIN, SUPER_ADMIN_HELP),
    ]
    for person, commands in expected:
        await client.send(person, "/help")
        assert help_commands(client.last_text(person)) == commands, person


@pytest.mark.usefixtures("district_setup")
async def test_cancel_leaves_any_form(client: Client, session: AsyncSession) -> None:
    await client.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.NOTHING_TO_CANCEL
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.CANCELLED
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0
    # and by the button
    await client.send(COORDINATOR, "/addschool")
    await client.press(COORDINATOR, t.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == t.CANCELLED
    await client.send(COORDINATOR, "Школа, которую никто не ждёт")
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT


async def test_form_survives_restart(
    client: Client,
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    session: AsyncSession,
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "Средняя школа села Надеждино полностью")
    assert client.last_text(COORDINATOR) == s.ASK_SHORT_NAME
    # "restart": a brand-new dispatcher (and storage) on the same database
    fresh: Dispatcher = build_dispatcher(settings, session_pool, clock)
    restarted = Client(
        dp=fresh, bot=client.bot, session=client.session, _update_ids=itertools.count(10_000)
    )
    await restarted.send(COORDINATOR, "СОШ с. Надеждино")
    school = await session.scalar(select(School).where(School.short_name == "СОШ с. Надеждино"))
    assert school is not None
    assert school.full_name == "Средняя школа села Надеждино полностью"


@pytest.mark.usefixtures("district_setup")
async def test_a_repeated_form_step_finds_the_form_gone(
    client: Client, session: AsyncSession
) -> None:
    """No processed-update ledger (README): a repeat of the last step lands outside the form."""
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "Школа, присланная дважды, полностью")
    second = await client.send(COORDINATOR, "СОШ дважды")
    assert await session.scalar(select(func.count(School.id))) == 2
    client.clear()
    message = {
        "message_id": 999,
        "date": 1,
        "chat": {"id": COORDINATOR.id, "type": "private"},
        "from": COORDINATOR.tg(),
        "text": "СОШ дважды",
    }
    await client.feed({"update_id": second, "message": message})
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT
    assert await session.scalar(select(func.count(School.id))) == 2


@pytest.mark.usefixtures("district_setup")
async def test_a_new_command_leaves_the_form(client: Client, session: AsyncSession) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "/roadmap")
    await client.send(COORDINATOR, "Текст, который не должен стать названием школы")
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT
    assert await session.scalar(select(func.count(FsmRecord.key))) == 0
