"""Moderation through the real Dispatcher: entries by nomination and school, an entry's card,
its works re-sent, «Допустить», «Отклонить» with a reason; forged buttons of another district."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts.contests import manage as tm
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    EntryAction,
    EntryCb,
    ModerationAction,
    ModerationCb,
)
from models import (
    ContestEntry,
    ContestStatus,
    EntryStatus,
    School,
    WorkKind,
)
from services.contests.entries import EntryInput, ParticipantInput, WorkInput, submit_entry
from services.contests.setup import get_contest
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.schools import add_school
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.conftest import ADMIN, COORDINATOR, LIBRARIAN, OTHER, DistrictSetup, FixedClock
from tests.contest_helpers import make_contest
from tests.harness import Client, Person
from tests.test_contests_manage import add_entry, contest_row, outbox, user_of

FOREIGN = Person(id=2002, first_name="Пётр", last_name="Чужой")
READER = "Самый талантливый читатель"


async def entry_row(session: AsyncSession, entry_id: int) -> ContestEntry:
    stmt = (
        select(ContestEntry)
        .where(ContestEntry.id == entry_id)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one()


async def rich_entry(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock, contest_id: int
) -> int:
    """An entry of the first school with two participants and one work of every kind."""
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await user_of(session, LIBRARIAN)
        school = await session.get(School, user.school_id)
        assert school is not None
        entry = await submit_entry(
            session,
            contest,
            school,
            user,
            EntryInput(
                nomination_id=contest.nominations[2].id,  # «Буктрейлер»: up to 3 participants
                participants=(
                    ParticipantInput("Мария Иванова", "7", 13),
                    ParticipantInput("Пётр Сидоров", "8", 14),
                ),
                supervisor_name="Анна Петрова",
                work_title="Трейлер к «Тимуру и его команде»",
                works=(
                    WorkInput(kind=WorkKind.PHOTO, file_id="photo-file", file_unique_id="p1"),
                    WorkInput(
                        kind=WorkKind.VIDEO,
                        file_id="video-file",
                        file_unique_id="v1",
                        file_name="trailer.mp4",
                        file_size=80 * 1024 * 1024,
                    ),
                    WorkInput(
                        kind=WorkKind.DOCUMENT,
                        file_id="doc-file",
                        file_unique_id="d1",
                        file_name="сценарий.docx",
                    ),
                    WorkInput(kind=WorkKind.LINK, url="https://disk.example.ru/trailer"),
                ),
                consent=True,
            ),
            clock,
        )
        return entry.id


async def foreign_coordinator(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> int:
    """A second district with its own coordinator (FOREIGN) and school; its id."""
    async with session_pool.begin() as session:
        admin = await get_user(session, ADMIN.id)
        assert admin is not None
        district = await create_district(session, "Уфимский район", clock)
        invite = await create_coordinator_invite(session, district.id, admin, clock)
        user = await get_or_create_user(session, TelegramProfile(FOREIGN.id, None), clock)
        await accept_invitation(session, user, invite.token, "Пётр Чужой", clock)
        await add_school(session, district.id, "Школа Уфимского района", "СОШ Уфа", user, clock)
        return district.id


@pytest.fixture
async def contest_id(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> int:
    return await make_contest(session_pool, district_setup.district_id, clock)


async def open_entries(client: Client, contest_id: int) -> None:
    await client.send(COORDINATOR, "/contests")
    await client.press_data(
        COORDINATOR, ContestCb(action=ContestAction.CARD, contest_id=contest_id).pack()
    )
    await client.press(COORDINATOR, tm.BTN_ENTRIES)


# ---- the list and its filters ---------------------------------------------------------------


async def test_entries_by_nomination_and_by_school_page_by_page(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
) -> None:
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        contest.max_per_school = None
        contest.max_per_nomination = None
    for n in range(7):
        await add_entry(session_pool, clock, contest_id, LIBRARIAN, f"Ученик {n}", nomination=0)
    for n in range(3):
        await add_entry(session_pool, clock, contest_id, OTHER, f"Ученица {n}", nomination=1)
    await open_entries(client, contest_id)
    text = client.last_text(COORDINATOR)
    assert f"<b>Заявки</b> · {READER}\nВсего: 10" in text
    buttons = client.buttons(COORDINATOR)
    assert buttons[0] == "🕓 ТЧ-2026-001 · МБОУ СОШ № 1 с. Иглино"
    # the text has each entry in full, and what the icons mean
    assert "🕓 ТЧ-2026-001 · МБОУ СОШ № 1 с. Иглино · Выразительное чтение" in text
    assert tm.ENTRY_LEGEND in text
    assert "1 / 2" in buttons
    assert tm.BTN_ALL_ENTRIES not in buttons
    await client.press(COORDINATOR, t.BTN_NEXT)
    assert client.buttons(COORDINATOR)[:2] == [
        "🕓 ТЧ-2026-009 · СОШ № 2",
        "🕓 ТЧ-2026-010 · СОШ № 2",
    ]

    await client.press(COORDINATOR, tm.BTN_BY_NOMINATION)
    assert client.last_text(COORDINATOR) == tm.PICK_NOMINATION
    await client.press(COORDINATOR, "Читательский отзыв")
    text = client.last_text(COORDINATOR)
    assert "Номинация: Читательский отзыв\nВсего: 3" in text
    assert tm.BTN_ALL_ENTRIES in client.buttons(COORDINATOR)

    await client.press(COORDINATOR, tm.BTN_BY_SCHOOL)
    assert client.buttons(COORDINATOR) == ["МБОУ СОШ № 1 с. Иглино", "СОШ № 2", t.BTN_BACK]
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    text = client.last_text(COORDINATOR)
    assert "Школа: МБОУ СОШ № 1 с. Иглино\nВсего: 7" in text
    assert all("СОШ № 2" not in b for b in client.buttons(COORDINATOR))

    # an entry opened from the filtered list comes back to it
    await client.press(COORDINATOR, "🕓 ТЧ-2026-003 · МБОУ СОШ № 1 с. Иглино")
    assert client.last_text(COORDINATOR).startswith("<b>Заявка ТЧ-2026-003</b>")
    await client.press(COORDINATOR, tm.BTN_TO_ENTRIES)
    assert "Школа: МБОУ СОШ № 1 с. Иглино\nВсего: 7" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tm.BTN_ALL_ENTRIES)
    assert "Всего: 10" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, tm.BTN_TO_CONTEST)
    assert f"<b>🏆 {READER}</b>" in client.last_text(COORDINATOR)


async def test_no_entries_yet(client: Client, contest_id: int) -> None:
    await open_entries(client, contest_id)
    assert client.last_text(COORDINATOR) == f"<b>Заявки</b> · {READER}\nЗаявок нет."
    await client.press(COORDINATOR, tm.BTN_BY_SCHOOL)
    assert client.last_text(COORDINATOR) == tm.NO_SCHOOLS


# ---- an entry's card and its works ----------------------------------------------------------


async def test_the_entry_card_and_its_works_resent_by_file_id(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
) -> None:
    entry_id = await rich_entry(session_pool, clock, contest_id)
    await open_entries(client, contest_id)
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    card = client.last_text(COORDINATOR)
    assert card == (
        "<b>Заявка ТЧ-2026-001</b>\n"
        "Школа: МБОУ СОШ № 1 с. Иглино\n"
        "Номинация: Буктрейлер\n"
        "Участники:\n"
        "• Мария Иванова — 7 класс, 13 лет\n"
        "• Пётр Сидоров — 8 класс, 14 лет\n"
        "Руководитель: Анна Петрова\n"
        "Работа: Трейлер к «Тимуру и его команде»\n"
        "Файлы и ссылки:\n"
        "1. 📷 фото\n"
        "2. 🎬 видео\n"
        "3. 📄 сценарий.docx\n"
        "4. 🔗 https://disk.example.ru/trailer\n"
        "Статус: на проверке\n"
        "Отправлена: 25.11.2026 12:00"
    )
    assert client.buttons(COORDINATOR) == [
        tm.BTN_WORKS,
        tm.BTN_ACCEPT,
        tm.BTN_REJECT,
        tm.BTN_TO_ENTRIES,
    ]
    client.clear()
    await client.press(COORDINATOR, tm.BTN_WORKS)
    sent = [
        (c.name, c.param("photo") or c.param("video") or c.param("document") or c.param("text"))
        for c in client.session.calls
        if c.name.startswith("Send")
    ]
    assert sent[:4] == [
        ("SendPhoto", "photo-file"),
        ("SendVideo", "video-file"),  # 80 MB: re-sent by id, never downloaded
        ("SendDocument", "doc-file"),
        ("SendMessage", "🔗 Ссылки заявки ТЧ-2026-001:\nhttps://disk.example.ru/trailer"),
    ]
    assert client.calls("SendPhoto")[0].param("caption") == "ТЧ-2026-001 · МБОУ СОШ № 1 с. Иглино"
    assert not client.calls("GetFile")
    assert client.last_text(COORDINATOR).startswith("Работы заявки ТЧ-2026-001 — выше.")
    assert client.buttons(COORDINATOR)[1] == tm.BTN_ACCEPT


async def test_self_assessment_and_a_late_entry_are_shown(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    district_setup: DistrictSetup,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, key="best-library"
    )
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        contest.first_deadline_at = clock() - timedelta(days=1)  # as if extended since
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await user_of(session, LIBRARIAN)
        school = await session.get(School, user.school_id)
        assert school is not None
        entry = await submit_entry(
            session,
            contest,
            school,
            user,
            EntryInput(
                nomination_id=contest.nominations[0].id,
                participants=(ParticipantInput("Библиотека СОШ № 1", "library"),),
                supervisor_name="Анна Петрова",
                work_title="Аналитическая справка",
                works=(WorkInput(kind=WorkKind.LINK, url="https://school.example.ru/lib"),),
                consent=True,
                self_scores={c.id: c.max_score - 1 for c in contest.criteria},
            ),
            clock,
        )
        entry_id = entry.id
    await client.send(COORDINATOR, "/contests")
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    card = client.last_text(COORDINATOR)
    assert "• Библиотека СОШ № 1 — библиотека\n" in card
    assert (
        "Самооценка школы:\n• Фонд и его использование: 19 из 20\n"
        "• Массовая работа с читателями: 19 из 20\n"
    ) in card
    assert "Итого: 75 из 80\n" in card
    assert "Статус: на проверке\n⚠️ Подана после первого срока" in card


# ---- accept ---------------------------------------------------------------------------------


async def test_accept_and_accept_pressed_again(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_entries(client, contest_id)
    await client.press(COORDINATOR, "🕓 ТЧ-2026-001 · МБОУ СОШ № 1 с. Иглино")
    message_id, accept_data = client.find_button(COORDINATOR, tm.BTN_ACCEPT)
    await client.press(COORDINATOR, tm.BTN_ACCEPT)
    card = client.last_text(COORDINATOR)
    assert card.startswith("✅ Заявка ТЧ-2026-001 допущена к оценке жюри.")
    assert "Статус: допущена" in card
    assert tm.BTN_ACCEPT not in client.buttons(COORDINATOR)
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.ACCEPTED
    coordinator = await user_of(session, COORDINATOR)
    assert entry.reviewed_by_id == coordinator.id
    version, reviewed_at = entry.version, entry.reviewed_at

    client.clear()
    clock.now += timedelta(minutes=5)
    await client.press_data(COORDINATOR, accept_data, message_id)
    assert client.alerts() == [rules.ERRORS["entry_changed"]]
    assert client.last_text(COORDINATOR).startswith(tm.ENTRY_NOW + "<b>Заявка ТЧ-2026-001</b>")
    entry = await entry_row(session, entry_id)
    assert (entry.status, entry.version, entry.reviewed_at) == (
        EntryStatus.ACCEPTED,
        version,
        reviewed_at,
    )
    # the school heard of it once, the second press told nobody
    (notice,) = await outbox(session)
    assert notice.chat_id == LIBRARIAN.id
    assert notice.payload["text"] == tm.ACCEPT_NOTICE.format(code="ТЧ-2026-001", title=READER)


async def test_a_withdrawn_entry_cannot_be_accepted(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_entries(client, contest_id)
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    _, accept_data = client.find_button(COORDINATOR, tm.BTN_ACCEPT)
    async with session_pool.begin() as writer:
        entry = await writer.get(ContestEntry, entry_id)
        assert entry is not None
        entry.status = EntryStatus.WITHDRAWN
    await client.press_data(COORDINATOR, accept_data)
    assert client.alerts() == [rules.ERRORS["entry_changed"]]
    assert (await entry_row(session, entry_id)).status is EntryStatus.WITHDRAWN
    assert client.buttons(COORDINATOR) == [tm.BTN_WORKS, tm.BTN_TO_ENTRIES]


# ---- reject ---------------------------------------------------------------------------------


async def test_reject_with_a_reason_tells_the_school_it_can_send_again(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_entries(client, contest_id)
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    await client.press(COORDINATOR, tm.BTN_REJECT)
    assert client.last_text(COORDINATOR).startswith(
        "Напишите причину отклонения заявки ТЧ-2026-001"
    )
    # an empty (blank) or one-letter reason: refused, the form goes on, nothing changes
    for reason in (" ", "а"):
        await client.send(COORDINATOR, reason)
        assert client.last_text(COORDINATOR) == (
            "Слишком коротко: нужно не меньше 3 символов.\n" + t.TRY_AGAIN
        )
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.SUBMITTED and entry.review_comment == ""
    assert await outbox(session) == []

    await client.send(COORDINATOR, "Нет согласия <родителей> & подписи")
    reply = client.last_text(COORDINATOR)
    assert reply.startswith(tm.REJECTED.format(code="ТЧ-2026-001"))
    assert "💬 Причина отклонения: Нет согласия &lt;родителей&gt; &amp; подписи" in reply
    assert client.buttons(COORDINATOR) == [tm.BTN_WORKS, tm.BTN_TO_ENTRIES]
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.REJECTED
    assert entry.review_comment == "Нет согласия <родителей> & подписи"

    assert await client.drain() == 1
    (notice,) = client.texts(LIBRARIAN)
    assert notice == (
        f"❌ Заявка ТЧ-2026-001 на конкурс «{READER}» отклонена.\n"
        "💬 Причина: Нет согласия &lt;родителей&gt; &amp; подписи\n\n"
        "Исправьте заявку и отправьте её снова до 25.12.2026 18:00."
    )
    _, data = client.find_button(LIBRARIAN, tm.BTN_FIX_ENTRY.format(code="ТЧ-2026-001"))
    assert (
        data == EntryCb(action=EntryAction.ENTRY, contest_id=contest_id, entry_id=entry_id).pack()
    )
    assert not client.texts(OTHER)
    # the form is over: more text is no second rejection
    await client.send(COORDINATOR, "Ещё одна причина")
    assert len(await outbox(session, "review")) == 1


async def test_a_rejection_after_the_window_offers_no_correction(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    clock.now = datetime(2026, 12, 26, 7, 0, tzinfo=UTC)  # past the deadline
    await open_entries(client, contest_id)
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    await client.press(COORDINATOR, tm.BTN_REJECT)
    await client.send(COORDINATOR, "Работа не по теме")
    await client.drain()
    (notice,) = client.texts(LIBRARIAN)
    assert notice.endswith("💬 Причина: Работа не по теме")
    assert "Исправьте" not in notice
    with pytest.raises(AssertionError):
        client.find_button(LIBRARIAN, tm.BTN_FIX_ENTRY.format(code="ТЧ-2026-001"))


async def test_cancel_ends_the_rejection_and_a_stale_reject_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await open_entries(client, contest_id)
    await client.press_data(
        COORDINATOR, ModerationCb(action=ModerationAction.ENTRY, entry_id=entry_id).pack()
    )
    _, reject_data = client.find_button(COORDINATOR, tm.BTN_REJECT)
    await client.press(COORDINATOR, tm.BTN_REJECT)
    await client.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.CANCELLED
    await client.send(COORDINATOR, "Работа не по теме")
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.SUBMITTED

    # accepted meanwhile: the old «Отклонить» (of the older version) is refused
    async with session_pool.begin() as writer:
        row = await writer.get(ContestEntry, entry_id)
        assert row is not None
        row.status = EntryStatus.ACCEPTED
    await client.press_data(COORDINATOR, reject_data)
    assert client.alerts()[-1] == rules.ERRORS["entry_changed"]
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.ACCEPTED and entry.review_comment == ""

    # the reason typed after someone changed the entry: told, the form ends
    await client.press(COORDINATOR, tm.BTN_REJECT)
    async with session_pool.begin() as writer:
        row = await writer.get(ContestEntry, entry_id)
        assert row is not None
        row.status = EntryStatus.WITHDRAWN
    await client.send(COORDINATOR, "Работа не по теме")
    assert client.last_text(COORDINATOR).startswith(rules.ERRORS["entry_changed"])
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.WITHDRAWN and entry.review_comment == ""
    assert await outbox(session) == []


# ---- forged buttons -------------------------------------------------------------------------


async def test_a_coordinator_of_another_district_learns_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
    session: AsyncSession,
) -> None:
    entry_id = await add_entry(session_pool, clock, contest_id, LIBRARIAN, "Иван Иванов")
    await foreign_coordinator(session_pool, clock)
    await client.send(FOREIGN, "/contests")
    assert "Конкурсов пока нет" in client.last_text(FOREIGN)
    client.clear()
    contest_buttons = [
        ContestCb(action=action, contest_id=contest_id)
        for action in (
            ContestAction.CARD,
            ContestAction.OPEN,
            ContestAction.CLOSE_OK,
            ContestAction.CANCEL_OK,
            ContestAction.REGULATION,
            ContestAction.DEADLINE,
        )
    ] + [
        ModerationCb(action=ModerationAction.LIST, contest_id=contest_id),
        ModerationCb(action=ModerationAction.BY_SCHOOL, contest_id=contest_id),
        ModerationCb(action=ModerationAction.BY_NOMINATION, contest_id=contest_id),
    ]
    entry_buttons = [
        ModerationCb(action=action, entry_id=entry_id, version=1)
        for action in (
            ModerationAction.ENTRY,
            ModerationAction.WORKS,
            ModerationAction.ACCEPT,
            ModerationAction.REJECT,
        )
    ]
    for data in contest_buttons + entry_buttons:
        await client.press_data(FOREIGN, data.pack())
    assert client.alerts() == [rules.UNKNOWN_CONTEST] * len(contest_buttons) + [
        rules.UNKNOWN_ENTRY
    ] * len(entry_buttons)
    # the same answers as for ids that name nothing
    await client.press_data(FOREIGN, ContestCb(action=ContestAction.CARD, contest_id=9999).pack())
    await client.press_data(
        FOREIGN, ModerationCb(action=ModerationAction.ENTRY, entry_id=9999).pack()
    )
    assert client.alerts()[-2:] == [rules.UNKNOWN_CONTEST, rules.UNKNOWN_ENTRY]
    sent = [
        str(c.param("text"))
        for c in client.session.calls
        if c.name in ("SendMessage", "EditMessageText", "AnswerCallbackQuery")
    ]
    assert not [x for x in sent if "ТЧ-2026" in x or READER in x or "Иван" in x]
    assert not client.calls("SendPhoto") and not client.calls("SendDocument")
    entry = await entry_row(session, entry_id)
    assert entry.status is EntryStatus.SUBMITTED
    contest = await contest_row(session, contest_id)
    assert contest.status is ContestStatus.OPEN
    assert await outbox(session) == []


async def test_a_foreign_school_filter_is_refused(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    contest_id: int,
) -> None:
    district_id = await foreign_coordinator(session_pool, clock)
    other_contest = await make_contest(session_pool, district_id, clock)
    async with session_pool.begin() as session:
        school_id = await session.scalar(
            select(School.id).where(School.district_id == district_id)
        )
        assert school_id is not None
        nomination_id = (await get_contest(session, other_contest)).nominations[0].id
    await client.send(COORDINATOR, "/contests")
    client.clear()
    await client.press_data(
        COORDINATOR,
        ModerationCb(
            action=ModerationAction.LIST, contest_id=contest_id, school_id=school_id
        ).pack(),
    )
    await client.press_data(
        COORDINATOR,
        ModerationCb(
            action=ModerationAction.LIST, contest_id=contest_id, nomination_id=nomination_id
        ).pack(),
    )
    assert client.alerts() == [t.STALE_BUTTON, t.STALE_BUTTON]
    assert not [x for x in client.texts(COORDINATOR) if "СОШ Уфа" in x]
