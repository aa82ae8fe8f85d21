"""One person's updates are handled in turn; different people's at the same time."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Dispatcher, F
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, Update

from bot.ordering import PersonOrderedDispatcher
from tests.conftest import COORDINATOR, LIBRARIAN
from tests.harness import Client


@pytest.mark.usefixtures("district_setup")
async def test_a_quick_second_message_waits_for_the_first_and_sees_its_state(
    client: Client, dp: Dispatcher
) -> None:
    assert isinstance(dp, PersonOrderedDispatcher)
    release = asyncio.Event()
    started: list[str] = []

    async def slow_first(message: Message, state: FSMContext) -> None:
        started.append(str(message.text))
        await state.set_state("probe:second")
        await message.answer("первое")
        await release.wait()  # the reply is out, the commit has not happened yet

    async def second(message: Message, state: FSMContext) -> None:
        started.append(str(message.text))
        await message.answer(f"второе, форма: {await state.get_state()}")

    dp.message.register(slow_first, F.text == "раз")
    dp.message.register(second, F.text == "два")

    first_task = asyncio.create_task(client.send(COORDINATOR, "раз"))
    await asyncio.sleep(0.05)
    second_task = asyncio.create_task(client.send(COORDINATOR, "два"))
    other_task = asyncio.create_task(client.send(LIBRARIAN, "/help"))
    await asyncio.wait_for(other_task, 5)  # somebody else is not held up
    await asyncio.sleep(0.05)
    assert started == ["раз"]  # the same person's second update waits
    release.set()
    await asyncio.wait_for(asyncio.gather(first_task, second_task), 5)
    assert started == ["раз", "два"]
    assert client.last_text(COORDINATOR) == "второе, форма: probe:second"
    assert dp.waiting() == 0  # nothing kept for people with nothing in hand


@pytest.mark.usefixtures("district_setup")
async def test_a_handler_may_feed_an_update_of_its_own_person(
    client: Client, dp: Dispatcher
) -> None:
    """E.g. a button that replays a command by feeding a synthetic update of the same person."""

    async def replay(message: Message) -> None:
        await client.send(COORDINATOR, "/help")  # dp.feed_update for the same person

    dp.message.register(replay, F.text == "повтори")
    await asyncio.wait_for(client.send(COORDINATOR, "повтори"), 3)


async def test_an_update_of_an_unknown_type_is_left_unhandled(
    client: Client, dp: Dispatcher
) -> None:
    update = Update.model_validate({"update_id": 7}, context={"bot": client.bot})
    with pytest.warns(RuntimeWarning, match="unknown update type"):  # aiogram's own warning
        assert await dp.feed_update(client.bot, update) is UNHANDLED
