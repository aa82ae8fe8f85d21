"""/announce at the dispatcher: compose, audience, preview, schedule, send, progress, stop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.announcement_progress import ProgressReporter
from bot.config import Settings
from bot.texts import common as t
from bot.texts.announcements import compose as tx
from bot.texts.reminders import DIGEST
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.callbacks import AnnComposeAction, AnnComposeCb
from bot.toolkit.reminder_texts import RussianRenderer
from handlers.reminders import reminder_config
from models import (
    Announcement,
    AnnouncementStatus,
    AudienceKind,
    Notification,
    NotificationStatus,
    User,
)
from scheduler.jobs import planner_tick
from services.announcements.content import Content
from services.confirmations import Draft, submit
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.announce_helpers import add_librarians, draft
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    STRANGER,
    DistrictSetup,
    FixedClock,
)
from tests.harness import Client, Person
from tests.test_confirmations import TZ, make_event

BOLD = {"type": "bold", "offset": 0, "length": 6}
A = AnnComposeAction


async def incoming(client: Client, person: Person, **content: Any) -> None:
    """A message of any kind from `person` (a photo with a caption, a sticker, a forward…)."""
    await client.feed(
        {"update_id": client._next_update_id(), "message": client._incoming(person, **content)}
    )


def photo(file_id: str) -> list[dict[str, Any]]:
    return [{"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 90, "height": 90}]


async def announcements(pool: async_sessionmaker[AsyncSession]) -> list[Announcement]:
    async with pool() as session:
        return list((await session.scalars(select(Announcement).order_by(Announcement.id))).all())


async def copies(pool: async_sessionmaker[AsyncSession]) -> int:
    async with pool() as session:
        stmt = select(func.count(Notification.id)).where(Notification.purpose == "announcement")
        return int(await session.scalar(stmt) or 0)


def screen_says(client: Client, total: int, unreachable: int) -> bool:
    line = f"Получателей: {total}, из них недоступны: {unreachable}"
    return any(line in text for text in client.texts(COORDINATOR))


def reporter(client: Client, pool: async_sessionmaker[AsyncSession], clock: FixedClock) -> Any:
    return ProgressReporter(client.bot, pool, clock, interval=5)


async def compose_text(client: Client, text: str = "Важно: отчёт до пятницы") -> None:
    await client.send(COORDINATOR, "/announce")
    assert client.last_text(COORDINATOR) == tx.ASK_CONTENT
    await incoming(client, COORDINATOR, text=text, entities=[BOLD])


async def test_compose_preview_send_and_the_final_report(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> None:
    ids = await add_librarians(session_pool, district_setup.district_id, 3, clock())
    async with session_pool.begin() as session:
        gone = await session.scalar(select(User).where(User.telegram_id == ids[0]))
        assert gone is not None
        gone.is_active = False  # blocked the bot
    await compose_text(client)
    # the preview: the text with its entities, not parsed, then the screen
    preview = [c for c in client.calls("SendMessage") if c.param("text").startswith("Важно")]
    assert len(preview) == 1
    assert preview[0].param("entities")[0].type == "bold"
    assert preview[0].param("parse_mode") is None
    assert screen_says(client, 5, 1)
    # the school of the one who blocked the bot has nobody to read it
    assert "Школ без библиотекаря: 1" in client.last_text(COORDINATOR)
    (draft_row,) = await announcements(session_pool)
    assert draft_row.entities == [BOLD] and draft_row.status is AnnouncementStatus.DRAFT

    await client.press(COORDINATOR, tx.BTN_ACK.format(state=tx.OFF))
    assert "Кнопка «Ознакомлен(а)»: вкл" in client.last_text(COORDINATOR)
    client.clear()
    await client.press(COORDINATOR, tx.BTN_PREVIEW)  # the copy again, now with «Ознакомлен(а)»
    copy = next(c for c in client.calls("SendMessage") if c.param("text").startswith("Важно"))
    labels = [b.text for row in copy.param("reply_markup").inline_keyboard for b in row]
    assert labels == ["✅ Ознакомлен(а)", "❓ Задать вопрос"]
    message_id, send_data = client.find_button(COORDINATOR, tx.btn_send(4))
    await client.press_data(COORDINATOR, send_data, message_id)
    assert client.last_text(COORDINATOR).startswith("📤 <b>Объявление № 1: идёт отправка")
    assert client.buttons(COORDINATOR) == [tx.BTN_STOP]
    # «Отправить» again: refused, nothing planned twice
    client.clear()
    await client.press_data(COORDINATOR, send_data, message_id)
    assert client.alerts() == [tx.ERRORS["announcement_already_sent"]]
    assert await copies(session_pool) == 4

    await client.drain()
    sent_to = [
        int(c.param("chat_id"))
        for c in client.calls("SendMessage")
        if c.param("text") == "Важно: отчёт до пятницы"
    ]
    assert sorted(sent_to) == sorted([LIBRARIAN.id, OTHER.id, *ids[1:]])
    client.clear()
    progress = reporter(client, session_pool, clock)
    assert await progress.tick() == 0  # less than 5 s since the last edit
    clock.now += timedelta(seconds=5)
    assert await progress.tick() == 1
    (edit,) = client.calls("EditMessageText")
    assert int(edit.param("message_id")) == message_id
    assert edit.param("text") == (
        "✅ <b>Объявление № 1 разослано</b>\n"
        "Отправлено: 4 из 5\nОжидают отправки: 0\nНе доставлено (ошибка): 0\n"
        "Недоступны (заблокировали бота или вышли): 1"
    )
    assert edit.param("reply_markup") is None
    clock.now += timedelta(seconds=60)
    assert await progress.tick() == 0  # the report is final
    (row,) = await announcements(session_pool)
    assert row.status is AnnouncementStatus.SENT and row.ack


async def test_progress_edits_and_stop(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_librarians(session_pool, district_setup.district_id, 30, clock())
    await compose_text(client, "Текст")
    await client.press(COORDINATOR, tx.btn_send(30))
    assert client.sender is not None
    await client.sender.run_once()  # 8 go out
    progress = reporter(client, session_pool, clock)
    client.clear()
    clock.now += timedelta(seconds=5)
    assert await progress.tick() == 1
    text = client.last_text(COORDINATOR)
    assert "Отправлено: 8 из 30\nОжидают отправки: 22" in text
    assert client.buttons(COORDINATOR) == [tx.BTN_STOP]
    clock.now += timedelta(seconds=5)
    assert await progress.tick() == 0  # nothing changed: no edit

    await client.press(COORDINATOR, tx.BTN_STOP)
    assert client.last_text(COORDINATOR) == (
        "Остановить рассылку? Ещё не отправлено сообщений: 22 — они не уйдут."
    )
    await client.press(COORDINATOR, t.BTN_YES)
    assert client.last_text(COORDINATOR) == "Рассылка остановлена. Не отправлено сообщений: 22."
    await client.drain()
    async with session_pool() as session:
        statuses = (
            await session.scalars(
                select(Notification.status).where(Notification.purpose == "announcement")
            )
        ).all()
    assert sorted(statuses).count(NotificationStatus.SENT) == 8
    assert list(statuses).count(NotificationStatus.CANCELLED) == 22
    client.clear()
    assert await progress.tick() == 1  # the final report comes at once after a stop
    final = client.last_text(COORDINATOR)
    assert final.startswith("⏹ <b>Рассылка объявления № 1 остановлена</b>")
    assert "Отправлено: 8 из 30" in final and "Остановлено, не отправлено: 22" in final
    assert client.calls("EditMessageText")[-1].param("reply_markup") is None
    # «Остановить» once more: it is over
    client.clear()
    announcement_id = (await announcements(session_pool))[0].id
    await client.press_data(
        COORDINATOR, AnnComposeCb(action=A.STOP, announcement_id=announcement_id).pack()
    )
    assert client.alerts() == [tx.ERRORS["announcement_not_sending"]]


async def test_bad_content_is_refused_and_changes_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await client.send(COORDINATOR, "/announce")
    await client.send(COORDINATOR, "   ")
    assert client.last_text(COORDINATOR) == tx.EMPTY
    for kind, value in (
        (
            "sticker",
            {
                "file_id": "st",
                "file_unique_id": "st",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        ),
        ("voice", {"file_id": "v", "file_unique_id": "v", "duration": 1}),
        ("video_note", {"file_id": "vn", "file_unique_id": "vn", "length": 1, "duration": 1}),
        ("location", {"latitude": 54.0, "longitude": 56.0}),
        ("contact", {"phone_number": "+79000000000", "first_name": "А"}),
    ):
        client.clear()
        await incoming(client, COORDINATOR, **{kind: value})
        assert client.texts(COORDINATOR) == [tx.UNSUPPORTED], kind
    assert await announcements(session_pool) == []
    # a text over the limit: its length and the limit, then «Изменить» or «Разбить на части»
    long = ("Первый абзац. " * 200).strip() + "\n\n" + ("Второй абзац. " * 200).strip()
    await client.send(COORDINATOR, long)
    assert client.last_text(COORDINATOR) == tx.TOO_LONG.format(length=len(long), limit=4096)
    assert await announcements(session_pool) == []
    await client.press(COORDINATOR, tx.BTN_REWRITE)
    assert client.last_text(COORDINATOR) == tx.REWRITE
    await client.send(COORDINATOR, long)
    client.clear()
    await client.press(COORDINATOR, tx.BTN_SPLIT)
    parts = [c.param("text") for c in client.calls("SendMessage")]
    assert parts[1:3] == [("Первый абзац. " * 200).strip(), ("Второй абзац. " * 200).strip()]
    assert "Текст уйдёт частями: 2." in client.last_text(COORDINATOR)
    (row,) = await announcements(session_pool)
    assert row.text == long


async def test_who_may_announce(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    two_schools: tuple[int, int],
) -> None:
    await client.send(LIBRARIAN, "/announce")
    assert client.last_text(LIBRARIAN) == t.FORBIDDEN_COMMAND
    await client.send(STRANGER, "/announce")
    assert client.last_text(STRANGER) == t.GUEST_COMMAND
    await client.send(LIBRARIAN, "Текст объявления")
    assert await announcements(session_pool) == []


async def test_forged_buttons_name_no_other_draft(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> None:
    colleague = Person(id=2002, first_name="Вера", last_name="Коллегова")
    stranger_coordinator = Person(id=2050, first_name="Борис", last_name="Чужой")
    async with session_pool.begin() as s:
        admin = await get_user(s, ADMIN.id)
        assert admin is not None
        other = await create_district(s, "Тайнинский район", clock)
        for person, district_id in (
            (colleague, district_setup.district_id),
            (stranger_coordinator, other.id),
        ):
            invite = await create_coordinator_invite(s, district_id, admin, clock)
            user = await get_or_create_user(s, TelegramProfile(person.id, None), clock)
            await accept_invitation(s, user, invite.token, person.first_name, clock)
    ids = [
        await draft(session_pool, person.id, Content("Чужой черновик"), clock())
        for person in (colleague, stranger_coordinator)
    ]
    for announcement_id in ids:
        for action in (A.SEND, A.ACK, A.CANCEL_OK, A.AUD_SCHOOL, A.SCHEDULE):
            client.clear()
            data = AnnComposeCb(action=action, announcement_id=announcement_id, value=1)
            await client.press_data(COORDINATOR, data.pack())
            assert client.alerts() == [tx.UNKNOWN_DRAFT], action
    rows = await announcements(session_pool)
    assert [(r.status, r.ack) for r in rows] == [(AnnouncementStatus.DRAFT, False)] * 2
    assert await copies(session_pool) == 0


async def test_empty_audience_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    await compose_text(client)  # a district whose one school has no librarian yet
    assert screen_says(client, 0, 0)
    assert "Школ без библиотекаря: 1" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tx.btn_send(0))
    assert client.alerts()[-1] == tx.ERRORS["audience_empty"]
    await client.press(COORDINATOR, tx.BTN_AUDIENCE.format(audience=tx.AUD_ALL))
    await client.press(COORDINATOR, tx.BTN_AUD_SCHOOLS)
    await client.press(COORDINATOR, tx.BTN_SCHOOLS_DONE.format(count=0))
    assert client.alerts()[-1] == tx.NO_SCHOOLS_CHOSEN
    (row,) = await announcements(session_pool)
    assert row.status is AnnouncementStatus.DRAFT and row.audience is AudienceKind.ALL
    assert await copies(session_pool) == 0


async def test_audience_late_schools_and_search(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> None:
    event_id = await make_event(session_pool, clock, district_setup.district_id)
    async with session_pool.begin() as s:
        librarian = await get_user(s, LIBRARIAN.id)
        assert librarian is not None
        await submit(s, librarian, event_id, Draft(date(2026, 11, 20), 10, "Провели"), TZ, clock)
    await compose_text(client)
    await client.press(COORDINATOR, tx.BTN_AUDIENCE.format(audience=tx.AUD_ALL))
    await client.press(COORDINATOR, tx.BTN_AUD_LATE)
    assert client.last_text(COORDINATOR) == tx.LATE_ASK
    await client.press(COORDINATOR, "Неделя детской книги")
    assert "Кому: не отметившие «Неделя детской книги»" in client.last_text(COORDINATOR)
    assert screen_says(client, 1, 0)
    # chosen schools, found by a part of the name
    await client.press(
        COORDINATOR, tx.BTN_AUDIENCE.format(audience="не отметившие «Неделя детской книги»")
    )
    await client.press(COORDINATOR, tx.BTN_AUD_SCHOOLS)
    assert client.last_text(COORDINATOR) == tx.SCHOOLS_ASK.format(count=0)
    await client.press(COORDINATOR, tx.BTN_SEARCH)
    await client.send(COORDINATOR, "иглино")
    assert client.last_text(COORDINATOR).startswith("Найдено по «иглино»: 1.")
    await client.press(COORDINATOR, tx.SCHOOL_OFF.format(name="МБОУ СОШ № 1 с. Иглино"))
    assert "Выбрано: 1" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "нет такой")
    assert client.last_text(COORDINATOR) == tx.SCHOOLS_NONE.format(query="нет такой")
    await client.press(COORDINATOR, tx.BTN_SCHOOLS_DONE.format(count=1))
    assert "Кому: выбранные школы (1)" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tx.btn_send(1))
    await client.drain()
    got = {int(c.param("chat_id")) for c in client.calls("SendMessage")}
    assert LIBRARIAN.id in got and OTHER.id not in got


async def test_album_and_forwarded_message(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    two_schools: tuple[int, int],
) -> None:
    await client.send(COORDINATOR, "/announce")
    caption = {"caption": "Фото с семинара", "caption_entities": [BOLD]}
    await incoming(client, COORDINATOR, media_group_id="g1", photo=photo("p1"), **caption)
    await incoming(client, COORDINATOR, media_group_id="g1", photo=photo("p2"))
    await incoming(client, COORDINATOR, media_group_id="g1", photo=photo("p3"))
    assert client.texts(COORDINATOR)[-1] == tx.ALBUM_WAIT  # said once, for the first part
    assert client.texts(COORDINATOR).count(tx.ALBUM_WAIT) == 1
    client.clear()
    await client.press(COORDINATOR, tx.BTN_ALBUM_DONE)
    (album,) = client.calls("SendMediaGroup")
    assert [m.media for m in album.param("media")] == ["p1", "p2", "p3"]
    assert album.param("media")[0].caption == "Фото с семинара"
    (row,) = await announcements(session_pool)
    assert len(row.media) == 3 and row.entities == [BOLD]
    await client.press(COORDINATOR, tx.btn_send(2))
    await client.drain()
    assert len(client.calls("SendMediaGroup")) == 3  # the preview and two copies

    # a mixed album is refused once; a forwarded message is taken as it is
    client.clear()
    await client.send(COORDINATOR, "/announce")
    await incoming(client, COORDINATOR, media_group_id="g2", photo=photo("p4"))
    document = {"file_id": "d1", "file_unique_id": "ud1", "file_name": "plan.pdf"}
    await incoming(client, COORDINATOR, media_group_id="g2", document=document)
    await incoming(client, COORDINATOR, media_group_id="g2", document=document)
    assert client.texts(COORDINATOR).count(tx.ERRORS["album_mixed"]) == 1
    origin = {"type": "hidden_user", "sender_user_name": "Минобр РБ", "date": 1}
    await incoming(
        client,
        COORDINATOR,
        forward_origin=origin,
        text="Приказ № 5 о мониторинге",
        entities=[{"type": "italic", "offset": 0, "length": 5}],
    )
    rows = await announcements(session_pool)
    assert rows[-1].text == "Приказ № 5 о мониторинге"
    assert rows[-1].entities == [{"type": "italic", "offset": 0, "length": 5}]


async def test_edit_the_draft(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    two_schools: tuple[int, int],
) -> None:
    await compose_text(client)
    await client.press(COORDINATOR, tx.BTN_EDIT)
    assert client.last_text(COORDINATOR) == tx.ASK_NEW_CONTENT
    await client.send(COORDINATOR, "Исправленный текст")
    (row,) = await announcements(session_pool)
    assert row.text == "Исправленный текст" and row.entities == []
    await client.press(COORDINATOR, tx.BTN_CANCEL)
    assert client.last_text(COORDINATOR) == tx.CANCEL_ASK
    await client.press(COORDINATOR, t.BTN_YES)
    assert client.last_text(COORDINATOR) == tx.CANCELLED
    (row,) = await announcements(session_pool)
    assert row.status is AnnouncementStatus.CANCELLED


async def test_schedule_past_quiet_hours_and_the_planner(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    settings: Settings,
    two_schools: tuple[int, int],
) -> None:
    await compose_text(client)  # now: 25.11.2026 12:00 local
    await client.press(COORDINATOR, tx.BTN_SCHEDULE)
    await client.send(COORDINATOR, "25.11.2026 11:00")
    assert client.last_text(COORDINATOR) == tx.ERRORS["schedule_past"]
    await client.send(COORDINATOR, "завтра")
    assert client.last_text(COORDINATOR).startswith("Не понял дату и время")
    await client.send(COORDINATOR, "25.11 23:30")  # quiet hours: to 09:00 next morning
    text = client.last_text(COORDINATOR)
    assert text.startswith(tx.MOVED.format(quiet="21:00-09:00"))
    assert "будет отправлено 26.11.2026 09:00" in text
    (row,) = await announcements(session_pool)
    assert row.status is AnnouncementStatus.SCHEDULED
    assert row.scheduled_at == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    config = reminder_config(settings)
    renderer = RussianRenderer(settings.tz)
    await planner_tick(session_pool, clock, config, renderer, DIGEST, copy_extras)
    assert await copies(session_pool) == 0  # not yet
    clock.now = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    await planner_tick(session_pool, clock, config, renderer, DIGEST, copy_extras)
    assert await copies(session_pool) == 2
    client.clear()
    await client.drain()
    got = sorted(
        int(c.param("chat_id"))
        for c in client.calls("SendMessage")
        if c.param("text") == "Важно: отчёт до пятницы"
    )
    assert got == sorted([LIBRARIAN.id, OTHER.id])
    # the scheduled screen becomes the progress message, then the report
    assert await reporter(client, session_pool, clock).tick() == 1
    assert client.last_text(COORDINATOR).startswith("✅ <b>Объявление № 1 разослано</b>")

    # a ready time in one tap (now 26.11, a Thursday: tomorrow 27.11, Monday 30.11); a
    # scheduled announcement can be called off from its screen
    await compose_text(client, "Второе")
    await client.press(COORDINATOR, tx.BTN_SCHEDULE)
    assert client.buttons(COORDINATOR) == [
        tx.BTN_TOMORROW_AT.format(time="9:00"),
        tx.BTN_TOMORROW_AT.format(time="14:00"),
        tx.BTN_MONDAY_AT.format(date="30.11", time="9:00"),
        t.BTN_BACK,
    ]
    # a forged time in the past is refused as a typed one is
    draft_id = (await announcements(session_pool))[-1].id
    forged = AnnComposeCb(action=AnnComposeAction.SCHEDULE_AT, announcement_id=draft_id, value=1)
    await client.press_data(COORDINATOR, forged.pack())
    assert client.alerts()[-1] == tx.ERRORS["schedule_past"]
    assert (await announcements(session_pool))[-1].status is AnnouncementStatus.DRAFT
    await client.press(COORDINATOR, tx.BTN_TOMORROW_AT.format(time="14:00"))
    assert "будет отправлено 27.11.2026 14:00" in client.last_text(COORDINATOR)
    assert (await announcements(session_pool))[-1].scheduled_at == datetime(
        2026, 11, 27, 9, 0, tzinfo=UTC
    )
    await client.press(COORDINATOR, tx.BTN_UNSCHEDULE)
    await client.press(COORDINATOR, t.BTN_YES)
    assert client.last_text(COORDINATOR) == tx.UNSCHEDULED
    clock.now = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    await planner_tick(session_pool, clock, config, renderer, DIGEST, copy_extras)
    rows = await announcements(session_pool)
    assert rows[-1].status is AnnouncementStatus.CANCELLED
    assert await copies(session_pool) == 2


async def test_super_admin_chooses_districts_and_coordinators(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> None:
    await client.send(ADMIN, "/announce")
    assert client.last_text(ADMIN) == tx.ASK_DISTRICTS
    await client.press(ADMIN, tx.BTN_DISTRICTS_DONE.format(count=0))
    assert client.alerts()[-1] == tx.NO_DISTRICTS_CHOSEN
    await client.press(ADMIN, tx.DISTRICT_OFF.format(name="Иглинский район"))
    await client.press(ADMIN, tx.BTN_DISTRICTS_DONE.format(count=1))
    assert client.last_text(ADMIN) == tx.ASK_CONTENT
    await client.send(ADMIN, "Всем районам")
    assert "Получателей: 2, из них недоступны: 0" in client.last_text(ADMIN)
    await client.press(
        ADMIN, tx.BTN_AUDIENCE.format(audience=tx.AUD_ALL_DISTRICTS.format(count=1))
    )
    await client.press(ADMIN, tx.BTN_AUD_COORDINATORS)
    assert "Кому: координаторы районов" in client.last_text(ADMIN)
    await client.press(ADMIN, tx.btn_send(1))
    await client.drain()
    assert [
        int(c.param("chat_id"))
        for c in client.calls("SendMessage")
        if c.param("text") == "Всем районам"
    ][-1] == COORDINATOR.id
    (row,) = await announcements(session_pool)
    assert row.district_id is None and row.audience_district_ids == [district_setup.district_id]
