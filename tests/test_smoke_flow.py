from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from models import District
from tests.conftest import ADMIN
from tests.harness import Client


async def test_admin_creates_district(client: Client, session: AsyncSession) -> None:
    await client.send(ADMIN, "/start")
    assert "администратор" in client.last_text(ADMIN)
    await client.send(ADMIN, "/newdistrict")
    await client.send(ADMIN, "Иглинский район")
    names = (await session.scalars(select(District.name))).all()
    assert names == ["Иглинский район"]
    assert t.INTERNAL_ERROR not in client.texts(ADMIN)
