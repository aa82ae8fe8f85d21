"""The announcement services and the outbox sender's new kinds of copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts.announcements import copy as copy_texts
from bot.toolkit.announcement_copy import copy_extras
from models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    Notification,
    NotificationStatus,
    User,
)
from models.limits import MESSAGE_TEXT_MAX
from services.announcements import receipts
from services.announcements.content import Content, check_content, split_text, steps, tg_len
from services.announcements.history import report_rows
from services.announcements.sending import progress, send, stop
from services.errors import ValidationError
from tests.announce_helpers import add_librarians, draft, extras
from tests.conftest import COORDINATOR, DistrictSetup, FixedClock
from tests.harness import Client, Person

BOLD = {"type": "bold", "offset": 0, "length": 6}


def test_content_limits_and_album_rules() -> None:
    with pytest.raises(ValidationError) as empty:
        check_content(Content("  "))
    assert empty.value.code == "announcement_empty"
    long = "а" * (MESSAGE_TEXT_MAX + 1)
    with pytest.raises(ValidationError) as too_long:
        check_content(Content(long))
    assert too_long.value.params == {"length": MESSAGE_TEXT_MAX + 1, "limit": MESSAGE_TEXT_MAX}
    check_content(Content(long), split_ok=True)
    with pytest.raises(ValidationError) as caption:
        check_content(Content("б" * 1025, media=({"type": "photo", "file_id": "p"},)))
    assert caption.value.params["limit"] == 1024
    mixed = ({"type": "photo", "file_id": "p"}, {"type": "document", "file_id": "d"})
    with pytest.raises(ValidationError) as album:
        check_content(Content("x", media=mixed))
    assert album.value.code == "album_mixed"
    eleven = tuple({"type": "photo", "file_id": str(n)} for n in range(11))
    with pytest.raises(ValidationError) as big:
        check_content(Content("x", media=eleven))
    assert big.value.code == "album_too_big"


def test_split_keeps_paragraphs_and_entities() -> None:
    first = "Важно: " + "слово " * 400  # about 2,400 units
    second = "Второй абзац 😀 " + "ещё " * 300
    text = first.strip() + "\n\n" + second.strip()
    bold_second = {"type": "bold", "offset": tg_len(first.strip()) + 2, "length": 6}
    parts = split_text(text, [BOLD, bold_second], limit=3000)
    assert [p[0] for p in parts] == [first.strip(), second.strip()]
    assert parts[0][1] == [BOLD]
    assert parts[1][1] == [{"type": "bold", "offset": 0, "length": 6}]
    assert all(tg_len(p[0]) <= 3000 for p in parts)


def test_steps_of_each_shape() -> None:
    photo = {"type": "photo", "file_id": "p1"}
    assert steps(Content("Важно!", (BOLD,))) == [
        {"kind": "text", "text": "Важно!", "entities": [BOLD], "main": True}
    ]
    one = steps(Content("Подпись", media=(photo,)))
    assert one[0]["kind"] == "photo" and one[0]["main"]
    album = steps(Content("Подпись", media=(photo, {"type": "photo", "file_id": "p2"})))
    assert [s["kind"] for s in album] == ["album"] and album[0]["text"] == "Подпись"
    long_caption = steps(Content("я" * 2000, media=(photo,)))
    assert [s["kind"] for s in long_caption] == ["photo", "text"]
    assert long_caption[0]["text"] == "" and long_caption[1]["main"]


async def _count(pool: async_sessionmaker[AsyncSession], *where: ColumnElement[bool]) -> int:
    async with pool() as session:
        return int(await session.scalar(select(func.count(Notification.id)).where(*where)) or 0)


async def test_send_plans_one_copy_each_and_a_second_send_plans_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    ids = await add_librarians(session_pool, district_setup.district_id, 6, clock())
    async with session_pool.begin() as session:
        blocked = await session.scalar(select(User).where(User.telegram_id == ids[0]))
        assert blocked is not None
        blocked.is_active = False
    announcement_id = await draft(
        session_pool, COORDINATOR.id, Content("Всем: отчёт до пятницы", (BOLD,)), clock(), ack=True
    )
    async with session_pool.begin() as session:
        sent = await send(session, announcement_id, extras, clock())
    assert (sent.planned, sent.unreachable) == (5, 1)
    async with session_pool.begin() as session:
        with pytest.raises(ValidationError) as twice:
            await send(session, announcement_id, extras, clock())
    assert twice.value.code == "announcement_already_sent"
    assert await _count(session_pool, Notification.purpose == "announcement") == 5

    await client.drain()
    copies = client.calls("SendMessage")
    assert sorted(int(c.param("chat_id")) for c in copies) == sorted(ids[1:])
    assert all(c.param("entities")[0].type == "bold" for c in copies)
    assert all(c.param("parse_mode") is None for c in copies)
    async with session_pool() as session:
        counts = await progress(session, announcement_id)
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None and announcement.number == 1
    assert (counts.total, counts.sent, counts.unreachable, counts.waiting) == (6, 5, 1, 0)

    # «Ознакомлен(а)» by one recipient; a stranger to the announcement is refused
    reader = Person(id=ids[1], first_name="Б", last_name=None)
    async with session_pool.begin() as session:
        user = await session.scalar(select(User).where(User.telegram_id == reader.id))
        assert user is not None
        assert await receipts.acknowledge(session, announcement_id, user, clock())
        assert not await receipts.acknowledge(session, announcement_id, user, clock())
        coordinator = await session.scalar(select(User).where(User.telegram_id == COORDINATOR.id))
        assert coordinator is not None
        with pytest.raises(Exception, match="announcement"):
            await receipts.acknowledge(session, announcement_id, coordinator, clock())
    async with session_pool() as session:
        unread = await receipts.not_acknowledged(session, announcement_id)
        rows = await report_rows(session, announcement_id)
    assert len(unread) == 4
    assert sorted(r.status for r in rows) == ["sent"] * 5 + ["unreachable"]
    assert sum(1 for r in rows if r.acknowledged_at is not None) == 1

    # a reminder to those who have not read: once a day
    client.clear()
    async with session_pool.begin() as session:
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        assert await receipts.nudge(session, announcement, "Напоминание", extras, clock()) == 4
        with pytest.raises(ValidationError) as soon:
            await receipts.nudge(session, announcement, "Напоминание", extras, clock())
        assert soon.value.code == "nudge_too_soon"
    await client.drain()
    assert len(client.calls("SendMessage")) == 4


async def test_stop_leaves_the_rest_unsent(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_librarians(session_pool, district_setup.district_id, 30, clock())
    announcement_id = await draft(session_pool, COORDINATOR.id, Content("Текст"), clock())
    async with session_pool.begin() as session:
        await send(session, announcement_id, extras, clock())
    assert client.sender is not None
    await client.sender.run_once()  # one batch of 8 goes out
    async with session_pool.begin() as session:
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        held = await stop(session, announcement, clock())
    assert held == 22
    await client.drain()
    assert len(client.calls("SendMessage")) == 8
    assert (
        await _count(
            session_pool,
            Notification.purpose == "announcement",
            Notification.status == NotificationStatus.CANCELLED,
        )
        == 22
    )
    async with session_pool() as session:
        counts = await progress(session, announcement_id)
    assert (counts.sent, counts.cancelled, counts.waiting) == (8, 22, 0)


async def test_album_and_edit_after_sending(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    ids = await add_librarians(session_pool, district_setup.district_id, 2, clock())
    photos = tuple({"type": "photo", "file_id": f"p{n}"} for n in range(3))
    announcement_id = await draft(
        session_pool, COORDINATOR.id, Content("Фото с семинара", media=photos), clock(), ack=True
    )
    async with session_pool.begin() as session:
        await send(session, announcement_id, extras, clock())
    await client.drain()
    albums = client.calls("SendMediaGroup")
    assert len(albums) == 2
    assert albums[0].param("media")[0].caption == "Фото с семинара"
    # the buttons come in a line of their own under the album
    assert [int(c.param("chat_id")) for c in client.calls("SendMessage")] == ids
    client.clear()
    clock.now += timedelta(hours=1)
    later = clock()
    async with session_pool.begin() as session:
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        planned = await receipts.edit_sent(
            session, announcement, Content("Фото с областного семинара"), extras, later
        )
        with pytest.raises(ValidationError):
            await receipts.edit_sent(
                session, announcement, Content("Фото с областного семинара"), extras, later
            )
    assert planned == 2
    await client.drain()
    edits = client.calls("EditMessageCaption")
    assert [e.param("caption") for e in edits] == ["Фото с областного семинара"] * 2
    async with session_pool() as session:
        first_ids = set(
            (
                await session.scalars(
                    select(Notification.message_id).where(Notification.purpose == "announcement")
                )
            ).all()
        )
        recipients = (
            await session.scalars(
                select(AnnouncementRecipient).where(
                    AnnouncementRecipient.announcement_id == announcement_id
                )
            )
        ).all()
    assert {int(e.param("message_id")) for e in edits} == first_ids
    assert len(recipients) == 2


async def test_a_stopped_announcement_cancels_a_copy_already_claimed(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_librarians(session_pool, district_setup.district_id, 1, clock())
    announcement_id = await draft(session_pool, COORDINATOR.id, Content("Текст"), clock())
    async with session_pool.begin() as session:
        await send(session, announcement_id, extras, clock())
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        announcement.status = AnnouncementStatus.STOPPED  # as if stopped mid-claim
    await client.drain()
    assert client.calls("SendMessage") == []
    assert datetime(2026, 1, 1, tzinfo=UTC) < clock()


async def test_an_edit_while_sending_reaches_the_copies_not_yet_sent(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_librarians(session_pool, district_setup.district_id, 12, clock())
    announcement_id = await draft(session_pool, COORDINATOR.id, Content("Сбор в 10:00"), clock())
    async with session_pool.begin() as session:
        await send(session, announcement_id, extras, clock())
    assert client.sender is not None
    await client.sender.run_once()  # 8 go out with the first text
    async with session_pool.begin() as session:
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        planned = await receipts.edit_sent(
            session, announcement, Content("Сбор в 11:00"), extras, clock()
        )
    assert planned == 8  # the delivered copies are edited
    await client.drain()
    sent = [str(c.param("text")) for c in client.calls("SendMessage")]
    assert sent.count("Сбор в 10:00") == 8 and sent.count("Сбор в 11:00") == 4
    assert [str(c.param("text")) for c in client.calls("EditMessageText")] == ["Сбор в 11:00"] * 8


async def test_an_edit_keeps_the_ack_button_away_from_who_pressed_it(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    ids = await add_librarians(session_pool, district_setup.district_id, 2, clock())
    announcement_id = await draft(
        session_pool, COORDINATOR.id, Content("Семинар в среду"), clock(), ack=True
    )
    async with session_pool.begin() as session:
        await send(session, announcement_id, copy_extras, clock())
    await client.drain()
    async with session_pool.begin() as session:
        reader = await session.scalar(select(User).where(User.telegram_id == ids[0]))
        assert reader is not None
        await receipts.acknowledge(session, announcement_id, reader, clock())
        announcement = await session.get(Announcement, announcement_id)
        assert announcement is not None
        await receipts.edit_sent(
            session, announcement, Content("Семинар в четверг"), copy_extras, clock()
        )
    client.clear()
    await client.drain()
    labels = {
        int(call.param("chat_id")): [
            b.text for row in call.param("reply_markup").inline_keyboard for b in row
        ]
        for call in client.calls("EditMessageText")
    }
    assert labels == {
        ids[0]: [copy_texts.BTN_ASK],
        ids[1]: [copy_texts.BTN_ACK, copy_texts.BTN_ASK],
    }
