"""Builders for announcement tests: librarians in schools, a draft, the copy's extras."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Announcement, Role, User
from services.announcements.content import Content
from services.announcements.sending import CopyExtras, new_draft
from services.outbox import Button
from services.schools import add_school
from services.users import TelegramProfile, get_or_create_user, get_user

BASE_ID = 500_000


def extras(announcement: Announcement) -> CopyExtras:
    buttons = ((Button("ok", f"an:ack:{announcement.id}"),),) if announcement.ack else ()
    return CopyExtras(buttons, f"№ {announcement.number}")


async def add_librarians(
    pool: async_sessionmaker[AsyncSession],
    district_id: int,
    count: int,
    now: datetime,
    *,
    start: int = BASE_ID,
    per_school: int = 1,
) -> list[int]:
    """`count` librarians, `per_school` to a new school; returns their Telegram ids."""
    ids: list[int] = []
    async with pool.begin() as session:
        school_id = 0
        for n in range(count):
            if n % per_school == 0:
                school = await add_school(
                    session,
                    district_id,
                    f"Школа номер {start + n} полностью",
                    f"Школа {start + n}",
                    None,
                    lambda: now,
                )
                school_id = school.id
            user = await get_or_create_user(session, TelegramProfile(start + n, None), lambda: now)
            user.role = Role.LIBRARIAN
            user.district_id = district_id
            user.school_id = school_id
            user.full_name = f"Библиотекарь {n}"
            ids.append(start + n)
    return ids


async def draft(
    pool: async_sessionmaker[AsyncSession],
    author_tg: int,
    content: Content,
    now: datetime,
    *,
    ack: bool = False,
    split_ok: bool = False,
) -> int:
    async with pool.begin() as session:
        author = await get_user(session, author_tg)
        assert isinstance(author, User)
        announcement = await new_draft(session, author, content, now, split_ok=split_ok)
        announcement.ack = ack
        return announcement.id
