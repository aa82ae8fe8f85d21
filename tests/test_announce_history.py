"""After an announcement is sent: «Ознакомлен(а)», questions and answers, /announcements with
its card, report, reminders and the correction of a delivered text, through the dispatcher."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts.announcements import copy as tc
from bot.texts.announcements import history as th
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.callbacks import AnnAction, AnnCb
from models import (
    Announcement,
    AnnouncementQuestion,
    AnnouncementRecipient,
    AnnouncementStatus,
    AudienceKind,
    Notification,
)
from models.limits import ANNOUNCEMENT_QUESTION_MAX
from services.announcements.content import Content
from services.announcements.sending import send
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.announce_helpers import draft
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.harness import Client, Person
from tests.test_documents import send_sticker

Pool = async_sessionmaker[AsyncSession]
BOLD = {"type": "bold", "offset": 0, "length": 6}
TEXT = "Важно: отчёт о месячнике сдать до 5 декабря."
COORDINATOR_2 = Person(id=2002, first_name="Мария", last_name="Втораякоорд")
COORDINATOR_B = Person(id=2051, first_name="Борислава", last_name="Чужанина")


async def announce(
    client: Client,
    pool: Pool,
    clock: FixedClock,
    text: str = TEXT,
    *,
    ack: bool = True,
    entities: tuple[dict[str, Any], ...] = (BOLD,),
    media: tuple[dict[str, Any], ...] = (),
    split_ok: bool = False,
) -> int:
    """A coordinator's announcement to every librarian of the district, delivered."""
    content = Content(text, entities, media)
    announcement_id = await draft(
        pool, COORDINATOR.id, content, clock(), ack=ack, split_ok=split_ok
    )
    async with pool.begin() as s:
        await send(s, announcement_id, copy_extras, clock())
    await client.drain()
    client.clear()
    return announcement_id


async def recipient(pool: Pool, announcement_id: int, person: Person) -> AnnouncementRecipient:
    async with pool() as s:
        user = await get_user(s, person.id)
        assert user is not None
        row = await s.scalar(
            select(AnnouncementRecipient).where(
                AnnouncementRecipient.announcement_id == announcement_id,
                AnnouncementRecipient.user_id == user.id,
            )
        )
        assert row is not None
        return row


async def questions(pool: Pool) -> list[AnnouncementQuestion]:
    async with pool() as s:
        return list(
            await s.scalars(select(AnnouncementQuestion).order_by(AnnouncementQuestion.id))
        )


async def get_announcement(pool: Pool, announcement_id: int) -> Announcement:
    async with pool() as s:
        found = await s.get(Announcement, announcement_id)
        assert found is not None
        return found


async def add_coordinator(pool: Pool, clock: FixedClock, person: Person, district_id: int) -> None:
    async with pool.begin() as s:
        admin = await get_user(s, ADMIN.id)
        assert admin is not None
        invite = await create_coordinator_invite(s, district_id, admin, clock)
        user = await get_or_create_user(s, TelegramProfile(person.id, None), clock)
        await accept_invitation(
            s, user, invite.token, f"{person.first_name} {person.last_name}", clock
        )


async def other_district(pool: Pool, clock: FixedClock) -> None:
    async with pool.begin() as s:
        district = await create_district(s, "Тайнинский район", clock)
        district_id = district.id
    await add_coordinator(pool, clock, COORDINATOR_B, district_id)


async def send_with_entities(
    client: Client, person: Person, text: str, entities: list[dict[str, Any]]
) -> None:
    await client.feed(
        {
            "update_id": 700000 + len(client.session.calls),
            "message": {
                "message_id": 770000 + len(client.session.calls),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
                "from": person.tg(),
                "text": text,
                "entities": entities,
            },
        }
    )


def data(action: AnnAction, announcement_id: int = 0, **extra: int) -> str:
    return AnnCb(action=action, announcement_id=announcement_id, **extra).pack()


# ---- «Ознакомлен(а)» --------------------------------------------------------------------------


async def test_acknowledge_once_and_the_button_goes(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    assert client.buttons(LIBRARIAN) == [tc.BTN_ACK, tc.BTN_ASK]
    await client.press(LIBRARIAN, tc.BTN_ACK)
    assert client.alerts() == [tc.ACK_DONE]
    row = await recipient(session_pool, announcement_id, LIBRARIAN)
    assert row.acknowledged_at == clock()
    [edit] = client.calls("EditMessageReplyMarkup")
    labels = [b.text for r in edit.param("reply_markup").inline_keyboard for b in r]
    assert labels == [tc.BTN_ASK]

    # a second press (on the same copy) changes nothing
    first = clock()
    clock.now += timedelta(hours=2)
    client.clear()
    await client.press_data(LIBRARIAN, data(AnnAction.ACK, announcement_id))
    assert client.alerts() == [tc.ACK_ALREADY]
    assert (await recipient(session_pool, announcement_id, LIBRARIAN)).acknowledged_at == first
    other = await recipient(session_pool, announcement_id, OTHER)
    assert other.acknowledged_at is None


async def test_acknowledge_refused_to_a_stranger_a_forged_id_and_without_the_button(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    # the coordinator is no recipient; nothing is marked
    await client.press_data(COORDINATOR, data(AnnAction.ACK, announcement_id))
    await client.press_data(LIBRARIAN, data(AnnAction.ACK, 999_999))
    assert client.alerts() == [t.STALE_BUTTON, t.STALE_BUTTON]
    no_ack = await announce(client, session_pool, clock, "Без отметки", ack=False, entities=())
    await client.press_data(LIBRARIAN, data(AnnAction.ACK, no_ack))
    assert client.alerts() == [tc.ACK_NOT_ASKED]
    async with session_pool() as s:
        marked = await s.scalars(
            select(AnnouncementRecipient.id).where(
                AnnouncementRecipient.acknowledged_at.is_not(None)
            )
        )
        assert marked.all() == []
    assert client.calls("EditMessageReplyMarkup") == []


# ---- questions and answers --------------------------------------------------------------------


async def test_question_answer_and_a_second_answer_refused(
    client: Client,
    session_pool: Pool,
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    await add_coordinator(session_pool, clock, COORDINATOR_2, district_setup.district_id)
    announcement_id = await announce(client, session_pool, clock)
    await client.press(LIBRARIAN, tc.BTN_ASK)
    assert "Напишите вопрос к объявлению № 1" in client.last_text(LIBRARIAN)
    # a sticker, a blank: refused, nothing stored
    await send_sticker(client, LIBRARIAN)
    assert client.last_text(LIBRARIAN) == tc.ASK_TEXT_ONLY
    await client.send(LIBRARIAN, "   ")
    assert "Слишком коротко" in client.last_text(LIBRARIAN)
    assert await questions(session_pool) == []
    await client.send(LIBRARIAN, "Можно сдать отчёт <в PDF>?")
    assert client.last_text(LIBRARIAN) == tc.ASK_SENT
    [question] = await questions(session_pool)
    assert (question.announcement_id, question.text) == (
        announcement_id,
        "Можно сдать отчёт <в PDF>?",
    )
    assert question.answered_at is None
    # the author is told through the outbox, with a button to the questions
    client.clear()
    await client.drain()
    notice = client.last_text(COORDINATOR)
    assert "Вопрос по объявлению № 1" in notice and "Анна Петрова" in notice
    assert "&lt;в PDF&gt;" in notice
    assert client.texts(COORDINATOR_2) == []  # only the author
    await client.press(COORDINATOR, th.BTN_OPEN_QUESTIONS)
    screen = client.last_text(COORDINATOR)
    assert "всего 1, без ответа: 1" in screen and "СОШ № 1" in screen
    # the second coordinator opens the answer form too, then the author answers first
    await client.press_data(
        COORDINATOR_2, data(AnnAction.ANSWER, announcement_id, question_id=question.id)
    )
    assert "Напишите ответ" in client.last_text(COORDINATOR_2)
    await client.press(COORDINATOR, th.BTN_ANSWER.format(n=1))
    await client.send(COORDINATOR, "Да, PDF подойдёт.")
    assert client.last_text(COORDINATOR) == th.ANSWER_SENT
    await client.send(COORDINATOR_2, "Нет, только Word.")
    assert client.last_text(COORDINATOR_2) == th.ALREADY_ANSWERED
    [question] = await questions(session_pool)
    async with session_pool() as s:
        author = await get_user(s, COORDINATOR.id)
        assert author is not None
    assert (question.answer, question.answered_at, question.answered_by_id) == (
        "Да, PDF подойдёт.",
        clock(),
        author.id,
    )
    client.clear()
    await client.drain()
    [answer] = client.texts(LIBRARIAN)
    assert "«Можно сдать отчёт &lt;в PDF&gt;?»" in answer and "Да, PDF подойдёт." in answer
    assert client.texts(COORDINATOR_2) == []
    # the answered question: its «Ответить» is gone; pressed anyway, it is refused
    client.clear()
    await client.press_data(COORDINATOR, data(AnnAction.QUESTIONS, announcement_id))
    assert "Ответ: Да, PDF подойдёт." in client.last_text(COORDINATOR)
    assert th.BTN_ANSWER.format(n=1) not in client.buttons(COORDINATOR)
    await client.press_data(
        COORDINATOR, data(AnnAction.ANSWER, announcement_id, question_id=question.id)
    )
    assert client.alerts()[-1] == th.ALREADY_ANSWERED


async def test_question_cancelled_and_refused_to_a_non_recipient(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    await client.press(LIBRARIAN, tc.BTN_ASK)
    await client.send(LIBRARIAN, "/cancel")
    assert client.last_text(LIBRARIAN) == t.CANCELLED
    await client.send(LIBRARIAN, "Этот текст уже не вопрос")
    await client.press_data(COORDINATOR, data(AnnAction.ASK, announcement_id))
    await client.press_data(LIBRARIAN, data(AnnAction.ASK, 999_999))
    assert client.alerts() == [t.STALE_BUTTON, t.STALE_BUTTON]
    assert await questions(session_pool) == []


# ---- the coordinator's /announcements ----------------------------------------------------------


async def test_list_card_and_report(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    async with session_pool.begin() as s:
        other = await get_user(s, OTHER.id)
        assert other is not None
        other.is_active = False  # blocked the bot: not reachable
    first = await announce(client, session_pool, clock, "Первое объявление района")
    clock.now += timedelta(days=7)
    second = await announce(client, session_pool, clock)
    planned = await draft(session_pool, COORDINATOR.id, Content("Позже"), clock())
    async with session_pool.begin() as s:
        later = await s.get(Announcement, planned)
        assert later is not None
        later.status = AnnouncementStatus.SCHEDULED
        later.scheduled_at = clock() + timedelta(days=1)
    await client.press(LIBRARIAN, tc.BTN_ACK)  # on the newest copy (the second)
    client.clear()

    await client.send(COORDINATOR, "/announcements")
    assert client.last_text(COORDINATOR) == th.LIST_HEADER.format(total=3)
    buttons = client.buttons(COORDINATOR)
    assert buttons[0] == "🕓 Позже · запланировано на 03.12.2026 12:00"
    assert buttons[1] == "№ 2 · 02.12 · Важно: отчёт о… · 📤 1/2"
    assert buttons[2] == "№ 1 · 25.11 · Первое объявление района · 📤 1/2"
    await client.press(COORDINATOR, buttons[1])
    card = client.last_text(COORDINATOR)
    assert "Объявление № 2</b> от 02.12.2026 12:00" in card
    assert "Кому: все библиотекари района" in card
    assert "Отправлено: 1 из 2" in card and "Недоступны (заблокировали бот, ушли): 1" in card
    assert "Ознакомились: 1 из 1" in card
    assert set(client.buttons(COORDINATOR)) >= {
        th.BTN_REPORT,
        th.BTN_UNREAD,
        th.BTN_NUDGE,
        th.BTN_EDIT,
        th.BTN_QUESTIONS.format(count=0),
        t.BTN_BACK,
    }
    await client.press(COORDINATOR, th.BTN_REPORT)
    [sent] = client.calls("SendDocument")
    document = sent.param("document")
    assert isinstance(document, BufferedInputFile)
    assert document.filename == "объявление-2.xlsx"
    sheet = load_workbook(io.BytesIO(document.data)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(th.REPORT_HEADER)
    assert rows[1:] == [
        [
            "Анна Петрова",
            "МБОУ СОШ № 1 с. Иглино",
            "доставлено",
            "02.12.2026 12:00",
            "02.12.2026 12:00",
        ],
        ["Ольга Другая", "СОШ № 2", "недоступен", None, None],
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == len("МБОУ СОШ № 1 с. Иглино") + 2
    # back to the list
    await client.press(COORDINATOR, t.BTN_BACK)
    assert client.last_text(COORDINATOR) == th.LIST_HEADER.format(total=3)
    assert first != second


async def test_list_pages(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    for n in range(9):
        await announce(client, session_pool, clock, f"Объявление {n + 1}", ack=False, entities=())
        clock.now += timedelta(hours=1)
    await client.send(COORDINATOR, "/announcements")
    first_page = client.buttons(COORDINATOR)
    assert first_page[0].startswith("№ 9 ") and "1 / 2" in first_page
    await client.press(COORDINATOR, t.BTN_NEXT)
    assert client.buttons(COORDINATOR)[0].startswith("№ 1 ")


async def test_unread_and_a_reminder_once_a_day(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    await client.press(LIBRARIAN, tc.BTN_ACK)
    client.clear()
    await client.press_data(COORDINATOR, data(AnnAction.OPEN, announcement_id))
    await client.press(COORDINATOR, th.BTN_UNREAD)
    screen = client.last_text(COORDINATOR)
    assert "• МБОУ СОШ № 1 с. Иглино: 1 из 1" in screen and "• СОШ № 2: 0 из 1" in screen
    assert "Не ознакомились (1):\n• Ольга Другая — СОШ № 2" in screen
    assert "Анна Петрова" not in screen
    await client.press(COORDINATOR, th.BTN_NUDGE)
    assert "(1 получатель)" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, t.BTN_YES)
    assert th.NUDGED.format(people="1 получателя") in client.last_text(COORDINATOR)
    assert (await get_announcement(session_pool, announcement_id)).nudged_at == clock()
    client.clear()
    await client.drain()
    assert client.texts(LIBRARIAN) == []
    [reminder] = client.texts(OTHER)
    assert reminder.startswith("Напоминание: ознакомьтесь") and "№ 1 от 25.11" in reminder
    # the same day again: refused, with the time it will be possible
    clock.now += timedelta(hours=5)
    client.clear()
    await client.press_data(COORDINATOR, data(AnnAction.OPEN, announcement_id))
    await client.press(COORDINATOR, th.BTN_NUDGE)
    assert client.alerts()[-1] == (
        "Напоминание уже отправляли. Следующее можно отправить 26.11.2026 12:00."
    )
    await client.press_data(COORDINATOR, data(AnnAction.NUDGE_OK, announcement_id))
    assert client.alerts()[-1].startswith("Напоминание уже отправляли")
    await client.drain()
    assert client.texts(OTHER) == []
    # a day later it is possible again
    clock.now += timedelta(hours=20)
    await client.press_data(COORDINATOR, data(AnnAction.NUDGE_OK, announcement_id))
    await client.drain()
    assert len(client.texts(OTHER)) == 1


# ---- «Исправить текст» --------------------------------------------------------------------------


async def test_edit_after_sending(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    async with session_pool() as s:
        copies = {
            int(chat): int(mid or 0)
            for chat, mid in await s.execute(
                select(Notification.chat_id, Notification.message_id)
                .join(
                    AnnouncementRecipient,
                    AnnouncementRecipient.notification_id == Notification.id,
                )
                .where(AnnouncementRecipient.announcement_id == announcement_id)
            )
        }
    assert set(copies) == {LIBRARIAN.id, OTHER.id}
    await client.press_data(COORDINATOR, data(AnnAction.OPEN, announcement_id))
    await client.press(COORDINATOR, th.BTN_EDIT)
    assert "Пришлите исправленный текст объявления № 1" in client.last_text(COORDINATOR)
    # the same text: refused, the form goes on
    await send_with_entities(client, COORDINATOR, TEXT, [BOLD])
    assert client.last_text(COORDINATOR).startswith("Текст не изменился")
    await send_sticker(client, COORDINATOR)
    assert client.last_text(COORDINATOR) == th.EDIT_TEXT_ONLY
    await client.send(COORDINATOR, "я" * 4097)
    assert "Слишком длинно: 4097 символов, а можно не больше 4096" in client.last_text(COORDINATOR)
    assert (await get_announcement(session_pool, announcement_id)).edits == 0
    new = "Важно: отчёт о месячнике сдать до 8 декабря."
    italic = {"type": "italic", "offset": 35, "length": 8}
    await send_with_entities(client, COORDINATOR, new, [BOLD, italic])
    assert client.last_text(COORDINATOR) == "Текст будет исправлен у 2 получателей."
    saved = await get_announcement(session_pool, announcement_id)
    assert (saved.text, saved.edits, saved.edited_at) == (new, 1, clock())
    assert saved.entities == [BOLD, italic]
    client.clear()
    await client.drain()
    edits = client.calls("EditMessageText")
    assert {int(e.param("chat_id")): int(e.param("message_id")) for e in edits} == copies
    for edit in edits:
        assert edit.param("text") == new and edit.param("parse_mode") is None
        assert [(e.type, e.offset, e.length) for e in edit.param("entities")] == [
            ("bold", 0, 6),
            ("italic", 35, 8),
        ]


async def test_a_text_sent_in_parts_cannot_be_edited(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    long = ("Абзац объявления. " * 150 + "\n\n") * 2
    announcement_id = await announce(client, session_pool, clock, long, entities=(), split_ok=True)
    await client.press_data(COORDINATOR, data(AnnAction.OPEN, announcement_id))
    assert th.BTN_EDIT not in client.buttons(COORDINATOR)
    await client.press_data(COORDINATOR, data(AnnAction.EDIT, announcement_id))
    assert client.alerts()[-1].startswith("Этот текст нельзя исправить")
    assert (await get_announcement(session_pool, announcement_id)).edits == 0


# ---- a reader's /announcements -----------------------------------------------------------------


async def test_reader_opens_the_full_text_again(
    client: Client,
    session_pool: Pool,
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    announcement_id = await announce(client, session_pool, clock)
    photo = ({"type": "photo", "file_id": "photo-77"},)
    await announce(
        client, session_pool, clock, "Фото семинара", ack=False, entities=(), media=photo
    )
    await client.send(LIBRARIAN, "/announcements")
    # the one still waiting for «Ознакомлен(а)» is marked
    assert client.last_text(LIBRARIAN) == (
        th.LIST_HEADER_READER.format(total=2) + "\n" + th.PENDING_HINT
    )
    assert "❗ № 1 · 25.11 · Важно: отчёт о…" in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, "❗ № 1 · 25.11 · Важно: отчёт о…")
    [copy] = client.calls("SendMessage")[-1:]
    assert copy.param("text") == TEXT and copy.param("parse_mode") is None
    assert [(e.type, e.offset, e.length) for e in copy.param("entities")] == [("bold", 0, 6)]
    assert client.buttons(LIBRARIAN) == [tc.BTN_ACK, tc.BTN_ASK, t.BTN_BACK]
    await client.press(LIBRARIAN, tc.BTN_ACK)
    assert (await recipient(session_pool, announcement_id, LIBRARIAN)).acknowledged_at == clock()
    # (the harness sends no keyboard with a press: the copy's own, less «Ознакомлен(а)», is put)
    markup = client.calls("EditMessageReplyMarkup")[-1].param("reply_markup")
    assert [b.text for row in markup.inline_keyboard for b in row] == [tc.BTN_ASK]
    await client.press_data(LIBRARIAN, data(AnnAction.LIST))
    await client.press(LIBRARIAN, "№ 2 · 25.11 · Фото семинара")
    [photo_sent] = client.calls("SendPhoto")[-1:]
    assert (
        photo_sent.param("photo") == "photo-77" and photo_sent.param("caption") == "Фото семинара"
    )
    # one who joined later reads them too, without the buttons of a recipient
    late = Person(id=3077, first_name="Вера", last_name="Новенькая")
    await join_school(client, late, session_pool, district_setup.school_id)
    client.clear()
    await client.send(late, "/announcements")
    assert client.last_text(late) == th.LIST_HEADER_READER.format(total=2)
    await client.press(late, "№ 1 · 25.11 · Важно: отчёт о…")
    assert client.buttons(late) == [t.BTN_BACK]
    # «Назад» under the copy brings the list as a new message: the copy stays in the chat
    client.clear()
    await client.press(late, t.BTN_BACK)
    assert client.calls("EditMessageText") == []
    assert client.last_text(late) == th.LIST_HEADER_READER.format(total=2)
    await client.press_data(late, data(AnnAction.ASK, announcement_id))
    assert client.alerts()[-1] == t.STALE_BUTTON


# ---- forged buttons --------------------------------------------------------------------------


async def test_forged_buttons_are_refused_and_change_nothing(
    client: Client, session_pool: Pool, clock: FixedClock, two_schools: tuple[int, int]
) -> None:
    await other_district(session_pool, clock)
    announcement_id = await announce(client, session_pool, clock)
    await client.press(LIBRARIAN, tc.BTN_ASK)
    await client.send(LIBRARIAN, "Вопрос о сроках?")
    [question] = await questions(session_pool)
    second = await announce(client, session_pool, clock, "Второе")
    coordinator_actions = (
        AnnAction.OPEN,
        AnnAction.REPORT,
        AnnAction.UNREAD,
        AnnAction.NUDGE,
        AnnAction.NUDGE_OK,
        AnnAction.QUESTIONS,
        AnnAction.ANSWER,
        AnnAction.EDIT,
    )
    before = await get_announcement(session_pool, announcement_id)
    client.clear()
    for action in coordinator_actions:
        forged = data(action, announcement_id, question_id=question.id)
        await client.press_data(COORDINATOR_B, forged)  # another district's
        await client.press_data(COORDINATOR, data(action, 999_999, question_id=question.id))
    for action in coordinator_actions[1:]:
        await client.press_data(LIBRARIAN, data(action, announcement_id, question_id=question.id))
    alerts = client.alerts()
    assert alerts == [t.STALE_BUTTON] * 16 + [t.UNHANDLED_BUTTON] * 7
    # a question of another announcement named with this one
    client.clear()
    await client.press_data(COORDINATOR, data(AnnAction.ANSWER, second, question_id=question.id))
    assert client.alerts() == [t.STALE_BUTTON]
    assert client.calls("SendDocument") == []
    after = await get_announcement(session_pool, announcement_id)
    assert (after.nudged_at, after.edits, after.text) == (before.nudged_at, 0, before.text)
    [question] = await questions(session_pool)
    assert question.answered_at is None
    await client.send(COORDINATOR_B, "/announcements")
    assert client.last_text(COORDINATOR_B) == th.LIST_EMPTY


# ---- a coordinator's announcements received ----------------------------------------------------


async def test_coordinator_reads_what_the_republic_sent(
    client: Client,
    session_pool: Pool,
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    await other_district(session_pool, clock)
    await client.send(COORDINATOR, "/announcements")
    [empty] = client.calls("SendMessage")[-1:]  # nothing received: no way to an empty list
    assert empty.param("text") == th.LIST_EMPTY and empty.param("reply_markup") is None
    content = Content("Совещание координаторов в пятницу", (), ())
    announcement_id = await draft(session_pool, ADMIN.id, content, clock(), ack=True)
    async with session_pool.begin() as s:
        found = await s.get(Announcement, announcement_id)
        assert found is not None
        found.audience = AudienceKind.COORDINATORS
        found.audience_district_ids = [district_setup.district_id]
        await send(s, announcement_id, copy_extras, clock())
    await client.drain()
    await client.send(COORDINATOR, "/announcements")  # none of their own yet
    assert client.last_text(COORDINATOR) == th.LIST_EMPTY_OWN
    own = await announce(client, session_pool, clock)  # and one of the district's own

    await client.send(COORDINATOR, "/announcements")
    assert client.last_text(COORDINATOR) == th.LIST_HEADER.format(total=1)
    inbox = th.BTN_INBOX_PENDING.format(count=1)
    assert client.buttons(COORDINATOR)[-1] == inbox
    await client.press(COORDINATOR, inbox)
    assert client.last_text(COORDINATOR) == (
        th.LIST_HEADER_INBOX.format(total=1) + "\n" + th.PENDING_HINT
    )
    item = "❗🏛 № 1 · 25.11 · Совещание координаторов…"
    assert client.buttons(COORDINATOR) == [item, t.BTN_BACK]
    client.clear()
    await client.press(COORDINATOR, item)
    [copy] = client.calls("SendMessage")
    assert copy.param("text") == "Совещание координаторов в пятницу"
    assert client.buttons(COORDINATOR) == [tc.BTN_ACK, tc.BTN_ASK, t.BTN_BACK]
    await client.press(COORDINATOR, tc.BTN_ACK)
    assert (await recipient(session_pool, announcement_id, COORDINATOR)).acknowledged_at == clock()
    # «Назад» under the copy: the received list anew, then back to the district's own list
    await client.press_data(COORDINATOR, data(AnnAction.INBOX, announcement_id))
    assert client.last_text(COORDINATOR) == th.LIST_HEADER_INBOX.format(total=1)
    await client.press(COORDINATOR, t.BTN_BACK)
    assert client.last_text(COORDINATOR) == th.LIST_HEADER.format(total=1)
    assert client.buttons(COORDINATOR)[-1] == th.BTN_INBOX.format(count=1)

    # a question goes to the author in the republic, who sees the asker's district
    await client.press_data(COORDINATOR, data(AnnAction.ASK, announcement_id))
    assert client.last_text(COORDINATOR) == tc.ASK_PROMPT_REPUBLIC.format(
        number=1, max=ANNOUNCEMENT_QUESTION_MAX
    )
    await client.send(COORDINATOR, "Можно ли подключиться онлайн?")
    await client.drain()  # through the outbox
    notice = client.last_text(ADMIN)
    assert "От: Ольга Методистова, Иглинский район" in notice, notice
    await client.press(ADMIN, th.BTN_OPEN_QUESTIONS)
    assert "Ольга Методистова, Иглинский район" in client.last_text(ADMIN)
    await client.press_data(ADMIN, data(AnnAction.UNREAD, announcement_id))
    assert "Иглинский район" in client.last_text(ADMIN)
    # its author gone, a question still reaches the republic: the super-admins
    async with session_pool.begin() as s:
        found = await s.get(Announcement, announcement_id)
        assert found is not None
        found.author_id = None
    client.clear()
    await client.press_data(COORDINATOR, data(AnnAction.ASK, announcement_id))
    await client.send(COORDINATOR, "А запись будет?")
    await client.drain()
    assert "«А запись будет?»" in client.last_text(ADMIN)

    # another district's coordinator received nothing and cannot open it; a librarian has no
    # received list of a coordinator; a forged id is stale
    client.clear()
    await client.press_data(COORDINATOR_B, data(AnnAction.READ, announcement_id))
    await client.press_data(COORDINATOR, data(AnnAction.READ, own))  # not addressed to them
    await client.press_data(LIBRARIAN, data(AnnAction.INBOX))
    await client.press_data(LIBRARIAN, data(AnnAction.READ, announcement_id))
    assert client.alerts() == [t.STALE_BUTTON] * 2 + [t.UNHANDLED_BUTTON] * 2
    assert client.calls("SendMessage") == []
    await client.send(COORDINATOR_B, "/announcements")
    [empty] = client.calls("SendMessage")[-1:]
    assert empty.param("text") == th.LIST_EMPTY and empty.param("reply_markup") is None
