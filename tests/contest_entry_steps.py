"""Shared steps of the librarian's contest tests: messages Telegram sends, walking the form."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts.contests import entry as tx
from bot.toolkit.contest_callbacks import EntryAction, EntryCb
from models import ContestEntry, School
from tests.harness import BOT_ID, Client, Person

_UPDATES = itertools.count(5_000_000)
_MESSAGES = itertools.count(5_000_000)


def entry_cb(action: EntryAction, **ids: int) -> str:
    return EntryCb(action=action, **ids).pack()


async def send_content(client: Client, person: Person, **content: Any) -> None:
    """A message of any kind (video, sticker, voice, location, contact…) as Telegram sends it."""
    message = {
        "message_id": next(_MESSAGES),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
        "from": person.tg(),
        **content,
    }
    await client.feed({"update_id": next(_UPDATES), "message": message})


async def send_video(
    client: Client, person: Person, file_id: str = "video-1", size: int = 300 * 1024 * 1024
) -> None:
    """A video over the bots' 20 MB download limit by default."""
    video = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "width": 1280,
        "height": 720,
        "duration": 120,
        "mime_type": "video/mp4",
        "file_size": size,
    }
    await send_content(client, person, video=video)


async def send_file(
    client: Client, person: Person, name: str, mime: str, file_id: str = "file-1"
) -> None:
    document = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "file_name": name,
        "mime_type": mime,
        "file_size": 50 * 1024 * 1024,
    }
    await send_content(client, person, document=document)


async def open_card(client: Client, person: Person, contest_id: int) -> None:
    await client.press_data(person, entry_cb(EntryAction.CARD, contest_id=contest_id))


async def to_works(
    client: Client,
    person: Person,
    contest_id: int,
    *,
    nomination: str = "Выразительное чтение",
    name: str = "Иванов Иван",
    grade: str = "5",
    age: str | None = "11 лет",
) -> None:
    """From the contest's card to the works step with one participant."""
    await open_card(client, person, contest_id)
    await client.press(person, tx.BTN_ENTER)
    await client.press(person, nomination)
    await client.send(person, name)
    await client.press(person, grade)
    if age is not None:
        await client.press(person, age)
    await client.press(person, tx.BTN_NEXT)
    await client.press(person, tx.BTN_ME.format(name=f"{person.first_name} {person.last_name}"))
    await client.send(person, "Стихи о зиме")


async def to_summary(client: Client, person: Person, contest_id: int, **kw: Any) -> None:
    await to_works(client, person, contest_id, **kw)
    await client.send(person, "https://disk.example.ru/work-1")
    await client.press(person, tx.BTN_DONE)
    await client.press(person, tx.BTN_CONSENT_OFF)
    await client.press(person, tx.BTN_NEXT)


async def entries_of(pool: async_sessionmaker[AsyncSession]) -> list[ContestEntry]:
    async with pool() as session:
        return list((await session.scalars(select(ContestEntry).order_by(ContestEntry.id))).all())


async def school_of(pool: async_sessionmaker[AsyncSession], school_id: int) -> School:
    async with pool() as session:
        school = await session.get(School, school_id)
        assert school is not None
        return school


async def form_state(client: Client, person: Person) -> str | None:
    """The state of the person's form, as the dispatcher's storage keeps it."""
    key = StorageKey(bot_id=BOT_ID, chat_id=person.id, user_id=person.id)
    return await client.dp.storage.get_state(key)


async def form_data(client: Client, person: Person) -> dict[str, Any]:
    key = StorageKey(bot_id=BOT_ID, chat_id=person.id, user_id=person.id)
    return await client.dp.storage.get_data(key)
