"""The librarian's side of contests through the real Dispatcher: the list, the card, the entry
form step by step, the school's entries, editing, withdrawing, the works re-sent."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import EntryAction
from models import (
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    School,
    User,
    WorkKind,
)
from services.contests import entries as en
from services.contests.entries import WorkInput
from services.contests.setup import attach_regulation, close_contest, get_contest
from tests.conftest import LIBRARIAN, OTHER, DistrictSetup, FixedClock, join_school
from tests.contest_entry_steps import (
    entries_of,
    entry_cb,
    form_state,
    open_card,
    send_file,
    send_video,
    to_summary,
    to_works,
)
from tests.contest_helpers import entry_input, make_contest
from tests.harness import Client, Person

COLLEAGUE = Person(id=3003, first_name="Вера", last_name="Коллегова")


async def _submit(
    pool: async_sessionmaker[AsyncSession],
    contest_id: int,
    school_id: int,
    clock: FixedClock,
    *names: str,
    telegram_id: int = LIBRARIAN.id,
    **kw: Any,
) -> ContestEntry:
    """An entry sent through the service (a colleague's, another school's)."""
    async with pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        school = await session.get(School, school_id)
        assert school is not None
        return await en.submit_entry(
            session, contest, school, user, entry_input(contest, *names, **kw), clock
        )


async def test_the_list_shows_open_contests_with_deadline_and_the_schools_count(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, other = two_schools
    reader = await make_contest(session_pool, district_setup.district_id, clock)
    library = await make_contest(
        session_pool, district_setup.district_id, clock, "best-library", days=10
    )
    draft = await make_contest(
        session_pool, district_setup.district_id, clock, "reading-families", opened=False
    )
    await _submit(session_pool, reader, own, clock, "Иванов Иван")
    await _submit(session_pool, reader, other, clock, "Петров Пётр", telegram_id=OTHER.id)
    await client.send(LIBRARIAN, "/contests")
    text = client.last_text(LIBRARIAN)
    # nearest deadline first; the draft is not shown; the school's own entries only
    assert text.index("Лучшая школьная библиотека") < text.index("Самый талантливый читатель")
    assert "Читающие родители" not in text
    assert "приём заявок до 25.12.2026 18:00 · у школы 1 заявка" in text
    assert "приём заявок до 05.12.2026 18:00 · у школы 0 заявок" in text
    assert client.buttons(LIBRARIAN) == [
        "📝 Лучшая школьная библиотека Республики Башкортостан",
        "📝 Самый талантливый читатель",
    ]
    # a closed contest of this year stays in the list, marked
    async with session_pool.begin() as session:
        contest = await get_contest(session, library)
        await close_contest(session, contest, clock)
    await client.press_data(LIBRARIAN, entry_cb(EntryAction.LIST))
    assert "05.12.2026 18:00 (приём закрыт) · у школы 0 заявок" in client.last_text(LIBRARIAN)
    assert client.buttons(LIBRARIAN) == [
        "📝 Самый талантливый читатель",  # open ones first
        "🔒 Лучшая школьная библиотека Республики Башкортостан",
    ]
    # the draft's card is refused like a contest that does not exist
    client.clear()
    await open_card(client, LIBRARIAN, draft)
    assert client.alerts() == [rules.UNKNOWN_CONTEST]


async def test_no_contests(
    client: Client, two_schools: tuple[int, int], district_setup: DistrictSetup
) -> None:
    await client.send(LIBRARIAN, "/contests")
    assert client.last_text(LIBRARIAN) == tx.LIST_EMPTY


async def test_the_card_shows_rules_nominations_limits_deadline_and_regulation(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    text = client.last_text(LIBRARIAN)
    assert "<b>Самый талантливый читатель</b>" in text
    assert "Для учащихся 1–11 классов" in text
    assert "• Выразительное чтение — 1–11 классы; один участник в заявке" in text
    assert "• Буктрейлер — 5–11 классы; в заявке до 3 участников" in text
    assert "• от школы — не больше 6 заявок на конкурс" in text
    assert "• в одной номинации — не больше 2 заявок от школы" in text
    assert tx.LIMIT_AGE in text
    assert "Приём заявок до <b>25.12.2026 18:00</b>" in text
    assert "<b>Заявки школы</b>\nпока нет" in text
    # no regulation attached: no button for it
    assert client.buttons(LIBRARIAN) == [tx.BTN_ENTER, tx.BTN_SCHOOL_ENTRIES, t.BTN_BACK]
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await attach_regulation(session, contest, "reg-file-id", "polozhenie.pdf", clock)
    await open_card(client, LIBRARIAN, contest_id)
    assert client.buttons(LIBRARIAN)[0] == tx.BTN_REGULATION
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_REGULATION)
    sent = client.calls("SendDocument")
    assert len(sent) == 1 and sent[0].param("document") == "reg-file-id"
    assert sent[0].param("chat_id") == LIBRARIAN.id
    # after the deadline the card offers no entry
    clock.now = clock.now.replace(year=2027)
    await open_card(client, LIBRARIAN, contest_id)
    assert tx.BTN_ENTER not in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, t.BTN_BACK)
    # still open (the coordinator has not closed it), but past its deadline: marked closed
    assert "25.12.2026 18:00 (приём закрыт)" in client.last_text(LIBRARIAN)


async def test_a_whole_entry_with_photos_video_documents_and_links(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    assert client.buttons(LIBRARIAN) == [
        "Выразительное чтение",
        "Читательский отзыв",
        "Буктрейлер",
        t.BTN_BACK,
        t.BTN_CANCEL,
    ]
    await client.press(LIBRARIAN, "Буктрейлер")
    assert "Участник 1" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "Иванов  Иван ")
    # the nomination's categories only: grades 5..11 as a keypad
    assert client.buttons(LIBRARIAN) == [
        *(str(g) for g in range(5, 12)),
        t.BTN_BACK,
        t.BTN_CANCEL,
    ]
    await client.press(LIBRARIAN, "5")
    assert client.buttons(LIBRARIAN)[:3] == ["10 лет", "11 лет", "12 лет"]
    await client.press(LIBRARIAN, "11 лет")
    assert "1. Иванов Иван — 5 класс, 11 лет" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_MORE)
    assert "Участник 2" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "Петрова Мария")
    await client.send(LIBRARIAN, "6 класс")  # typed instead of pressed
    await client.send(LIBRARIAN, "12")
    text = client.last_text(LIBRARIAN)
    assert "2. Петрова Мария — 6 класс, 12 лет" in text and "(2 из 3)" in text
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert client.last_text(LIBRARIAN) == tx.ASK_SUPERVISOR
    await client.press(LIBRARIAN, "Я — Анна Петрова")
    await client.send(LIBRARIAN, "Буктрейлер <Тимур и его команда>")
    assert client.last_text(LIBRARIAN) == tx.ASK_WORKS.format(max=10)
    assert tx.BTN_DONE not in client.buttons(LIBRARIAN)  # nothing attached yet
    await client.send_photo(LIBRARIAN, "photo-a")
    await send_video(client, LIBRARIAN, "video-big")  # 300 MB: kept by file id
    await send_file(client, LIBRARIAN, "trailer.webm", "video/webm", "file-video")
    await send_file(client, LIBRARIAN, "Сценарий.docx", "application/msword", "file-doc")
    await client.send(LIBRARIAN, "https://disk.example.ru/trailer")
    assert client.last_text(LIBRARIAN) == tx.WORK_ADDED.format(count=5, max=10)
    await client.press(LIBRARIAN, tx.BTN_DONE)
    # no self-assessment in this contest: straight to the consent
    assert tx.CONSENT_TEXT in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    assert tx.BTN_CONSENT_ON in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    summary = client.last_text(LIBRARIAN)
    assert "Номинация: Буктрейлер" in summary
    assert "Руководитель: Анна Петрова" in summary
    assert "Работа: «Буктрейлер &lt;Тимур и его команда&gt;»" in summary
    assert "📷 Фото 1\n🎬 Видео 1\n🎬 trailer.webm\n📄 Сценарий.docx\n🔗 https://" in summary
    assert tx.CONSENT_YES in summary
    assert client.buttons(LIBRARIAN) == [tx.BTN_SEND, tx.BTN_CHANGE, t.BTN_BACK, t.BTN_CANCEL]
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.last_text(LIBRARIAN) == tx.SUBMITTED.format(code="ТЧ-2026-001")
    assert not client.calls("GetFile")  # nothing was downloaded
    async with session_pool() as session:
        entry = await session.scalar(
            select(ContestEntry).options(
                selectinload(ContestEntry.participants), selectinload(ContestEntry.works)
            )
        )
        assert entry is not None
        assert entry.code == "ТЧ-2026-001" and entry.status is EntryStatus.SUBMITTED
        assert [(p.full_name, p.category, p.age) for p in entry.participants] == [
            ("Иванов Иван", "5", 11),
            ("Петрова Мария", "6", 12),
        ]
        assert entry.supervisor_name == "Анна Петрова" and entry.consent
        assert [(w.kind, w.file_id or w.url) for w in entry.works] == [
            (WorkKind.PHOTO, "photo-a"),
            (WorkKind.VIDEO, "video-big"),
            (WorkKind.DOCUMENT, "file-video"),
            (WorkKind.DOCUMENT, "file-doc"),
            (WorkKind.LINK, "https://disk.example.ru/trailer"),
        ]
        assert entry.works[1].file_size == 300 * 1024 * 1024
    # the form is over
    assert await form_state(client, LIBRARIAN) is None


async def test_self_assessment_one_criterion_at_a_time(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, "best-library"
    )
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)  # its one nomination is not asked for
    assert client.last_text(LIBRARIAN).startswith("Номинация «Лучшая школьная библиотека»")
    assert "библиотека школы" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "ИБЦ МБОУ СОШ № 1")
    # its one category («Библиотека») is not asked for either, nor an age in this contest
    assert tx.BTN_NEXT in client.buttons(LIBRARIAN)
    assert "Библиотека" not in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    await client.send(LIBRARIAN, "Мария Ивановна Сидорова")  # a supervisor typed
    await client.send(LIBRARIAN, "Библиотека — центр школы")
    await client.send(LIBRARIAN, "https://school.example.ru/ibc")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    points = ["15", "20", "7", "10", "0"]
    for number, value in enumerate(points, 1):
        text = client.last_text(LIBRARIAN)
        assert f"критерий {number} из 5" in text
        buttons = client.buttons(LIBRARIAN)
        top = 20 if number <= 3 else 10
        assert buttons[: top + 1] == [str(v) for v in range(top + 1)]
        await client.press(LIBRARIAN, value)
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    summary = client.last_text(LIBRARIAN)
    assert "• Фонд и его использование: 15 из 20" in summary
    assert "Итого: 52 из 80" in summary
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.last_text(LIBRARIAN) == tx.SUBMITTED.format(code="ЛБ-2026-001")
    [entry] = await entries_of(session_pool)
    async with session_pool() as session:
        contest = await get_contest(session, contest_id)
        ids = [str(c.id) for c in contest.criteria]
    assert entry.self_scores == dict(zip(ids, [15, 20, 7, 10, 0], strict=True))
    assert entry.supervisor_name == "Мария Ивановна Сидорова"


async def test_back_on_every_step(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    await client.send(LIBRARIAN, "https://disk.example.ru/w")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    expected = [
        (tx.CONSENT_TEXT, None),  # on the consent step now
        ("Прикреплено: 1.", None),  # works, the link kept
        (tx.ASK_WORK_TITLE, None),
        (tx.ASK_SUPERVISOR, None),
        ("<b>Участники</b> (1 из 1)", None),
        ("шаг 1. Выберите номинацию", None),
    ]
    assert tx.CONSENT_TEXT in client.last_text(LIBRARIAN)
    for text, _ in expected[1:]:
        await client.press(LIBRARIAN, t.BTN_BACK)
        assert text in client.last_text(LIBRARIAN), text
    # from the nomination step back to the contest's card; the form is over
    await client.press(LIBRARIAN, t.BTN_BACK)
    assert "<b>Самый талантливый читатель</b>" in client.last_text(LIBRARIAN)
    assert await form_state(client, LIBRARIAN) is None
    # within a participant: age → category → name → nomination
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, "Выразительное чтение")
    await client.send(LIBRARIAN, "Иванов Иван")
    await client.press(LIBRARIAN, "3")
    assert "Иванов Иван</b>, 3 класс" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, t.BTN_BACK)
    assert client.last_text(LIBRARIAN).startswith("Участник: <b>Иванов Иван</b>.\nКатегория")
    await client.press(LIBRARIAN, t.BTN_BACK)
    assert "Участник 1" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, t.BTN_BACK)
    assert "шаг 1. Выберите номинацию" in client.last_text(LIBRARIAN)
    # /cancel ends the form anywhere
    await client.press(LIBRARIAN, "Выразительное чтение")
    await client.send(LIBRARIAN, "/cancel")
    assert client.last_text(LIBRARIAN) == t.CANCELLED
    assert await form_state(client, LIBRARIAN) is None
    assert await entries_of(session_pool) == []


async def test_change_from_the_summary_returns_to_it(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_summary(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    assert client.buttons(LIBRARIAN) == [
        "Номинация",
        "Участники",
        "Руководитель",
        "Название работы",
        "Работы",
        "Согласие",
        t.BTN_BACK,
        t.BTN_CANCEL,
    ]
    await client.press(LIBRARIAN, "Название работы")
    await client.send(LIBRARIAN, "Стихи о весне")
    assert "Работа: «Стихи о весне»" in client.last_text(LIBRARIAN)
    # a nomination whose categories keep the participant: back to the summary
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Номинация")
    await client.press(LIBRARIAN, "Читательский отзыв")
    assert "Номинация: Читательский отзыв" in client.last_text(LIBRARIAN)
    # participants: take one out, add another
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Участники")
    await client.press(LIBRARIAN, tx.BTN_REMOVE.format(name="Иванов Иван"))
    assert tx.PARTICIPANTS_NONE in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_FIRST)
    await client.send(LIBRARIAN, "Сидоров Пётр")
    await client.press(LIBRARIAN, "7")
    await client.press(LIBRARIAN, "13 лет")
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert "1. Сидоров Пётр — 7 класс, 13 лет" in client.last_text(LIBRARIAN)
    # works: start over
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Работы")
    await client.press(LIBRARIAN, tx.BTN_CLEAR_WORKS)
    await client.send(LIBRARIAN, "https://disk.example.ru/new")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    assert "🔗 https://disk.example.ru/new" in client.last_text(LIBRARIAN)
    assert "work-1" not in client.last_text(LIBRARIAN)
    # back from the menu
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, t.BTN_BACK)
    assert client.last_text(LIBRARIAN).startswith("<b>Проверьте заявку</b>")
    await client.press(LIBRARIAN, tx.BTN_SEND)
    [entry] = await entries_of(session_pool)
    assert entry.work_title == "Стихи о весне"


async def test_an_album_sent_at_once_lands_whole(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    """Telegram delivers an album as several updates at once: each photo must read the list
    the previous one wrote (one person's updates are handled in turn)."""
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    album = [f"album-{n}" for n in range(5)]
    await asyncio.gather(*(client.send_photo(LIBRARIAN, file_id=f) for f in album))
    assert client.last_text(LIBRARIAN) == tx.WORK_ADDED.format(count=5, max=10)
    await client.press(LIBRARIAN, tx.BTN_DONE)
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    assert "📷 Фото 5" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_SEND)
    async with session_pool() as session:
        entry = await session.scalar(
            select(ContestEntry).options(selectinload(ContestEntry.works))
        )
        assert entry is not None
        assert [w.file_id for w in entry.works] == album


async def test_the_schools_entries_seen_by_both_librarians_with_status_reason_and_place(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, other = two_schools
    await join_school(client, COLLEAGUE, session_pool, own)
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    first = await _submit(session_pool, contest_id, own, clock, "Иванов Иван")
    second = await _submit(
        session_pool, contest_id, own, clock, "Петров <Пётр>", telegram_id=COLLEAGUE.id
    )
    await _submit(session_pool, contest_id, other, clock, "Чужой Ученик", telegram_id=OTHER.id)
    async with session_pool.begin() as session:
        coordinator = await session.scalar(select(User).where(User.telegram_id == 2001))
        assert coordinator is not None
        entry = await en.get_entry(session, second.id)
        await en.reject_entry(session, entry, coordinator, "Нет <ссылки>", entry.version, clock)
    for person in (LIBRARIAN, COLLEAGUE):
        await client.press_data(person, entry_cb(EntryAction.ENTRIES, contest_id=contest_id))
        text = client.last_text(person)
        assert "<b>ТЧ-2026-001</b> · Выразительное чтение\nИванов Иван (5 класс)" in text
        assert "Статус: на проверке" in text
        assert "Петров &lt;Пётр&gt; (5 класс)\nСтатус: отклонена" in text
        assert "💬 Причина: Нет &lt;ссылки&gt;" in text
        assert "Чужой" not in text
        assert client.buttons(person) == [
            "ТЧ-2026-001 · Выразительное чтение",
            "ТЧ-2026-002 · Выразительное чтение",
            t.BTN_BACK,
        ]
    # published: the place of an admitted entry
    async with session_pool.begin() as session:
        coordinator = await session.scalar(select(User).where(User.telegram_id == 2001))
        assert coordinator is not None
        entry = await en.get_entry(session, first.id)
        await en.accept_entry(session, entry, coordinator, entry.version, clock)
        await session.execute(
            update(ContestEntry).where(ContestEntry.id == first.id).values(place=2)
        )
        await session.execute(
            update(Contest).where(Contest.id == contest_id).values(status=ContestStatus.PUBLISHED)
        )
    await client.press_data(LIBRARIAN, entry_cb(EntryAction.ENTRIES, contest_id=contest_id))
    assert "Статус: допущена\n🏆 Итог: диплом 2 степени" in client.last_text(LIBRARIAN)
    async with session_pool.begin() as session:
        await session.execute(
            update(ContestEntry).where(ContestEntry.id == first.id).values(place=None)
        )
    await client.press_data(LIBRARIAN, entry_cb(EntryAction.ENTRIES, contest_id=contest_id))
    assert "🏆 Итог: участник" in client.last_text(LIBRARIAN)
    assert "(итоги опубликованы)" not in client.last_text(LIBRARIAN)


async def test_entry_card_works_resent_and_withdrawal(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await to_works(client, LIBRARIAN, contest_id)
    await client.send_photo(LIBRARIAN, "photo-x")
    await send_video(client, LIBRARIAN, "video-x")
    await send_file(client, LIBRARIAN, "work.pdf", "application/pdf", "doc-x")
    await client.send(LIBRARIAN, "https://disk.example.ru/x")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    await client.press(LIBRARIAN, tx.BTN_CONSENT_OFF)
    await client.press(LIBRARIAN, tx.BTN_NEXT)
    await client.press(LIBRARIAN, tx.BTN_SEND)
    await client.press(LIBRARIAN, tx.BTN_SCHOOL_ENTRIES)
    await client.press(LIBRARIAN, "ТЧ-2026-001 · Выразительное чтение")
    card = client.last_text(LIBRARIAN)
    assert "<b>Заявка ТЧ-2026-001</b>" in card and "1. Иванов Иван — 5 класс, 11 лет" in card
    assert "Прикреплено: 4" in card and "Отправлена: 25.11.2026 12:00" in card
    assert client.buttons(LIBRARIAN) == [
        tx.BTN_SHOW_WORKS,
        tx.BTN_EDIT,
        tx.BTN_WITHDRAW,
        t.BTN_BACK,
    ]
    client.clear()
    await client.press(LIBRARIAN, tx.BTN_SHOW_WORKS)
    assert [c.param("photo") for c in client.calls("SendPhoto")] == ["photo-x"]
    assert [c.param("video") for c in client.calls("SendVideo")] == ["video-x"]
    assert [c.param("document") for c in client.calls("SendDocument")] == ["doc-x"]
    texts = client.texts(LIBRARIAN)
    assert texts[0] == "🔗 Ссылки заявки ТЧ-2026-001:\nhttps://disk.example.ru/x"
    assert texts[1].startswith("<b>Заявка ТЧ-2026-001</b>")  # the card again, below
    await client.press(LIBRARIAN, tx.BTN_WITHDRAW)
    assert client.buttons(LIBRARIAN) == [tx.BTN_YES, tx.BTN_NO]
    await client.press(LIBRARIAN, tx.BTN_NO)
    assert client.last_text(LIBRARIAN).startswith("<b>Заявка ТЧ-2026-001</b>")
    await client.press(LIBRARIAN, tx.BTN_WITHDRAW)
    _, yes = client.find_button(LIBRARIAN, tx.BTN_YES)
    await client.press_data(LIBRARIAN, yes)
    assert client.last_text(LIBRARIAN) == tx.WITHDRAWN.format(code="ТЧ-2026-001")
    [entry] = await entries_of(session_pool)
    assert entry.status is EntryStatus.WITHDRAWN
    # «Да» again: refused, nothing changes
    client.clear()
    await client.press_data(LIBRARIAN, yes)
    assert client.alerts() == [rules.ERRORS["entry_withdrawn"]]
    [again] = await entries_of(session_pool)
    assert again.version == entry.version
    # the withdrawn entry's card offers no change
    await client.press_data(
        LIBRARIAN, entry_cb(EntryAction.ENTRY, contest_id=contest_id, entry_id=entry.id)
    )
    assert client.buttons(LIBRARIAN) == [tx.BTN_SHOW_WORKS, t.BTN_BACK]
    assert "Статус: <b>отозвана</b>" in client.last_text(LIBRARIAN)


async def test_editing_a_sent_entry_keeps_its_number(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, _ = two_schools
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    sent = await _submit(session_pool, contest_id, own, clock, "Иванов Иван")
    await client.press_data(
        LIBRARIAN, entry_cb(EntryAction.ENTRY, contest_id=contest_id, entry_id=sent.id)
    )
    await client.press(LIBRARIAN, tx.BTN_EDIT)
    summary = client.last_text(LIBRARIAN)
    assert "1. Иванов Иван — 5 класс, 11 лет" in summary
    assert "изменение заявки <b>ТЧ-2026-001</b>" in summary
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Руководитель")
    await client.send(LIBRARIAN, "Сидорова Мария Ивановна")
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.last_text(LIBRARIAN) == tx.SUBMITTED_AGAIN.format(code="ТЧ-2026-001")
    [entry] = await entries_of(session_pool)
    assert entry.id == sent.id and entry.number == 1
    assert entry.supervisor_name == "Сидорова Мария Ивановна"
    assert entry.version == sent.version + 1


async def test_a_rejected_entry_is_fixed_and_sent_again(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    own, _ = two_schools
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    sent = await _submit(session_pool, contest_id, own, clock, "Иванов Иван")
    async with session_pool.begin() as session:
        coordinator = await session.scalar(select(User).where(User.telegram_id == 2001))
        assert coordinator is not None
        entry = await en.get_entry(session, sent.id)
        await en.reject_entry(session, entry, coordinator, "Ссылка не открывается", 1, clock)
    await client.press_data(
        LIBRARIAN, entry_cb(EntryAction.ENTRY, contest_id=contest_id, entry_id=sent.id)
    )
    assert "💬 Причина: Ссылка не открывается" in client.last_text(LIBRARIAN)
    assert tx.BTN_WITHDRAW not in client.buttons(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_RESUBMIT)
    assert "Причина отклонения: Ссылка не открывается" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_CHANGE)
    await client.press(LIBRARIAN, "Работы")
    await client.press(LIBRARIAN, tx.BTN_CLEAR_WORKS)
    await client.send(LIBRARIAN, "https://disk.example.ru/fixed")
    await client.press(LIBRARIAN, tx.BTN_DONE)
    await client.press(LIBRARIAN, tx.BTN_SEND)
    assert client.last_text(LIBRARIAN) == tx.SUBMITTED_AGAIN.format(code="ТЧ-2026-001")
    async with session_pool() as session:
        entry = await en.get_entry(session, sent.id)
        assert entry.status is EntryStatus.SUBMITTED and entry.review_comment == ""
        assert [w.url for w in entry.works] == ["https://disk.example.ru/fixed"]


async def test_a_notice_button_opens_the_card(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    """Other parts' notices carry EntryCb(action=CARD, contest_id): it opens the card."""
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await client.press_data(OTHER, entry_cb(EntryAction.CARD, contest_id=contest_id))
    assert client.last_text(OTHER).startswith("<b>Самый талантливый читатель</b>")
    assert tx.BTN_ENTER in client.buttons(OTHER)


async def test_a_contest_event_is_no_task_and_tasks_point_to_contests(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    await make_contest(session_pool, district_setup.district_id, clock)
    await client.send(LIBRARIAN, "/tasks")
    text = client.last_text(LIBRARIAN)
    assert "Конкурс «Самый талантливый читатель»" not in text
    assert text.endswith(tx.TASKS_HINT)
    # a closed contest: no hint
    async with session_pool.begin() as session:
        contest = (await session.scalars(select(Contest))).one()
        contest = await get_contest(session, contest.id)
        await close_contest(session, contest, clock)
    await client.send(LIBRARIAN, "/tasks")
    assert tx.TASKS_HINT not in client.last_text(LIBRARIAN)


async def test_the_longest_values_fit_one_message(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    """Names, titles and a reason at their limits, all «<» (five times longer escaped): the
    card, the entries, the entry and the summary still fit one message and parse as HTML (the
    recording session fails the test otherwise)."""
    own, _ = two_schools
    contest_id = await make_contest(
        session_pool,
        district_setup.district_id,
        clock,
        "reading-families",
        rules="<" * 3000,
        title="Ж" + "<" * 254,
    )
    names = [f"{n}Ж " + "<" * 197 for n in "АБВГ"]  # two words, 200 characters
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        user = await session.scalar(select(User).where(User.telegram_id == LIBRARIAN.id))
        school = await session.get(School, own)
        assert user is not None and school is not None
        data = replace(
            entry_input(contest, *names, age=None),
            supervisor_name="Ж" + "<" * 199,
            work_title="Ж" + "<" * 254,
            works=tuple(
                WorkInput(kind=WorkKind.LINK, url="https://example.ru/" + "<" * 1900 + str(n))
                for n in range(10)
            ),
        )
        entry = await en.submit_entry(session, contest, school, user, data, clock)
        coordinator = await session.scalar(select(User).where(User.telegram_id == 2001))
        assert coordinator is not None
        await en.reject_entry(session, entry, coordinator, "<" * 1000, entry.version, clock)
        entry_id = entry.id
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_SCHOOL_ENTRIES)
    await client.press_data(
        LIBRARIAN, entry_cb(EntryAction.ENTRY, contest_id=contest_id, entry_id=entry_id)
    )
    assert "&lt;" * 100 in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, tx.BTN_RESUBMIT)
    assert client.last_text(LIBRARIAN).startswith("<b>Проверьте заявку</b>")
    await client.send(LIBRARIAN, "/contests")
    assert all(len(text) <= 4096 for text in client.texts(LIBRARIAN))


async def test_a_nomination_that_takes_fewer_participants_keeps_the_ones_it_can(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    await open_card(client, LIBRARIAN, contest_id)
    await client.press(LIBRARIAN, tx.BTN_ENTER)
    await client.press(LIBRARIAN, "Буктрейлер")  # up to 3
    for name, grade, age in (("Иванов Иван", "5", "11 лет"), ("Петров Пётр", "6", "12 лет")):
        await client.send(LIBRARIAN, name)
        await client.press(LIBRARIAN, grade)
        await client.press(LIBRARIAN, age)
        if name.startswith("Иванов"):
            await client.press(LIBRARIAN, tx.BTN_MORE)
    await client.press(LIBRARIAN, t.BTN_BACK)  # from the participants to the nomination
    await client.press(LIBRARIAN, "Выразительное чтение")  # one participant
    text = client.last_text(LIBRARIAN)
    assert "(1 из 1)" in text and "1. Иванов Иван" in text and "Петров" not in text
    assert "⚠️ В номинации «Выразительное чтение»" in text
    assert tx.BTN_MORE not in client.buttons(LIBRARIAN)
