"""The coordinator's rough edges: review notices, every school's link at once, natural order,
KOI8-R tables and spreadsheets that never carry formulas."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import events as ev
from bot.texts import onboarding as o
from bot.texts import reminders as r
from bot.texts import school_import as si
from bot.texts import schools as s
from bot.toolkit.callbacks import (
    EventAction,
    EventCb,
    SchoolAction,
    SchoolCb,
    SettingsAction,
    SettingsCb,
)
from bot.toolkit.reminder_texts import RussianRenderer
from models import (
    Confirmation,
    ConfirmationStatus,
    Event,
    EventStatus,
    Evidence,
    Invitation,
    Notification,
    NotificationStatus,
    School,
    User,
)
from services.outbox import QuietHours
from services.reminders import ReminderConfig, Step, pending_by_district, plan_digests
from services.review_notices import notify_reviewers
from services.schools import add_school
from services.tabular import UndecodableText, decode_text
from tests.conftest import COORDINATOR, LIBRARIAN, OTHER, DistrictSetup, FixedClock
from tests.harness import BOT_USERNAME, Client
from tests.test_confirmations import fill_form, make_event, submit

TZ = ZoneInfo("Asia/Yekaterinburg")
FORMULAS = [
    '=HYPERLINK("https://evil.example/x","Жми")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1,2)",
]


async def notices(session: AsyncSession) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.purpose == "review_notice")
        .order_by(Notification.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


def coordinator_texts(client: Client) -> list[str]:
    return [t for t in client.texts(COORDINATOR) if "/review" in t]


# ---- item 15: coordinators hear of new confirmations ------------------------------------------


async def test_confirmations_arriving_together_make_one_notice_per_coordinator(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, 1)
    await submit(client, LIBRARIAN)
    clock.now += timedelta(minutes=4)
    await submit(client, OTHER)
    # planned with the submissions, one row for the coordinator, due at the window's end
    (row,) = await notices(session)
    assert row.due_at == datetime(2026, 11, 25, 7, 10, tzinfo=UTC)
    assert (
        row.payload["text"]
        == ev.review_notice(2)
        == "📥 Пришли 2 новые отметки от школ — проверьте в /review."
    )
    client.clear()
    await client.drain()
    assert not coordinator_texts(client)  # not before the window ends
    clock.now = datetime(2026, 11, 25, 7, 10, tzinfo=UTC)
    await client.drain()
    assert coordinator_texts(client) == [ev.review_notice(2)]
    await client.press(COORDINATOR, ev.BTN_OPEN_REVIEW)
    assert "всего: 2" in client.last_text(COORDINATOR)

    # a resubmission in the next window is a new notice, ten minutes after the first
    clock.now = datetime(2026, 11, 25, 7, 12, tzinfo=UTC)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "🕓 Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_EDIT_TASK)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    rows = await notices(session)
    assert [n.due_at for n in rows] == [
        datetime(2026, 11, 25, 7, 10, tzinfo=UTC),
        datetime(2026, 11, 25, 7, 20, tzinfo=UTC),
    ]
    assert (
        rows[1].payload["text"]
        == ev.review_notice(1)
        == ("📥 Пришла 1 новая отметка от школ — проверьте в /review.")
    )


async def test_a_burst_and_a_night_of_submissions_give_one_message_each(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    quiet = QuietHours()
    async with session_pool.begin() as writer:
        start = datetime(2026, 11, 25, 7, 0, 30, tzinfo=UTC)  # 12:00 local
        for n in range(30):
            await notify_reviewers(
                writer, 1, start + timedelta(seconds=15 * n), TZ, quiet, ev.review_notice
            )
        evening = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 22:00 local: quiet hours
        for minutes in (0, 30, 95, 200):
            await notify_reviewers(
                writer, 1, evening + timedelta(minutes=minutes), TZ, quiet, ev.review_notice
            )
    rows = await notices(session)
    assert [(n.due_at, n.payload["count"], n.payload["text"]) for n in rows] == [
        (datetime(2026, 11, 25, 7, 10, tzinfo=UTC), 30, ev.review_notice(30)),
        # all night long: one message when the quiet hours end (09:00 local)
        (datetime(2026, 11, 26, 4, 0, tzinfo=UTC), 4, ev.review_notice(4)),
    ]
    assert "Пришло 30 новых отметок" in rows[0].payload["text"]


async def test_settings_switch_between_notices_and_the_morning_digest(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await client.send(COORDINATOR, "/settings")
    assert r.REVIEW_STATE_NOW in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, r.BTN_REVIEW_DIGEST)
    assert r.REVIEW_STATE_DIGEST.format(time="09:00") in client.last_text(COORDINATOR)
    digest = await session.scalar(
        select(User.review_digest)
        .where(User.telegram_id == COORDINATOR.id)
        .execution_options(populate_existing=True)
    )
    assert digest is True
    # a librarian cannot press the coordinator's switch, nor the coordinator the librarian's
    await client.send(LIBRARIAN, "/settings")
    assert "Необязательные напоминания" in client.last_text(LIBRARIAN)
    await client.press_data(LIBRARIAN, SettingsCb(action=SettingsAction.REVIEW_DIGEST).pack())
    await client.press_data(COORDINATOR, SettingsCb(action=SettingsAction.MUTE).pack())
    flags = (
        await session.execute(
            select(User.telegram_id, User.review_digest, User.reminders_muted)
            .order_by(User.telegram_id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [tuple(f) for f in flags if f[0] in (COORDINATOR.id, LIBRARIAN.id)] == [
        (COORDINATOR.id, True, False),
        (LIBRARIAN.id, False, False),
    ]

    await make_event(session_pool, clock, 1)
    await submit(client, LIBRARIAN)
    assert await notices(session) == []  # the digest is chosen: no notice
    cfg = ReminderConfig(tz=TZ)
    morning = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    async with session_pool.begin() as s2:
        pending = await pending_by_district(s2)
        assert await plan_digests(s2, morning, cfg, pending, r.DIGEST) == 1

    await client.press(COORDINATOR, r.BTN_REVIEW_NOW)
    assert r.REVIEW_STATE_NOW in client.last_text(COORDINATOR)
    await submit(client, OTHER)
    assert [n.status for n in await notices(session)] == [NotificationStatus.PENDING]
    # switching to the digest again drops the notice on its way; back again, a new one
    await client.send(COORDINATOR, "/settings")
    await client.press(COORDINATOR, r.BTN_REVIEW_DIGEST)
    assert await notices(session) == []
    await client.press(COORDINATOR, r.BTN_REVIEW_NOW)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "🕓 Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_EDIT_TASK)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    assert [n.payload["count"] for n in await notices(session)] == [1]
    async with session_pool.begin() as s3:
        pending = await pending_by_district(s3)
        # notices chosen again: no digest the next morning
        assert await plan_digests(s3, morning + timedelta(days=1), cfg, pending, r.DIGEST) == 0


# ---- item 18: every school's link at once; natural order ---------------------------------------


async def add_schools(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock, names: list[str]
) -> None:
    async with session_pool.begin() as session:
        for name in names:
            await add_school(session, 1, f"{name} полное наименование", name, None, clock)


def sent_document(client: Client) -> tuple[str, bytes]:
    (call,) = client.calls("SendDocument")
    document = call.param("document")
    return str(document.filename), bytes(document.data)


async def test_schools_are_listed_in_natural_order(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_schools(session_pool, clock, ["МБОУ СОШ № 16", "МБОУ СОШ № 2", "МБОУ СОШ № 10"])
    await client.send(COORDINATOR, "/schools")
    assert client.buttons(COORDINATOR)[:4] == [
        "МБОУ СОШ № 1 с. Иглино",
        "МБОУ СОШ № 2",
        "МБОУ СОШ № 10",
        "МБОУ СОШ № 16",
    ]


async def test_all_links_as_a_spreadsheet_with_names_kept_as_text(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await add_schools(session_pool, clock, ["СОШ № 10", "СОШ № 9", *FORMULAS])
    await client.send(COORDINATOR, "/schools")
    client.clear()
    await client.press(COORDINATOR, s.BTN_LINKS_XLSX)
    name, content = sent_document(client)
    assert name == s.LINKS_XLSX_NAME
    tokens = dict(
        (
            await session.execute(
                select(School.short_name, Invitation.token).join(
                    Invitation, Invitation.school_id == School.id
                )
            )
        ).all()
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    order = [*sorted(FORMULAS), "МБОУ СОШ № 1 с. Иглино", "СОШ № 9", "СОШ № 10"]
    assert rows[0] == list(s.LINKS_HEADER)
    assert [row[1] for row in rows[1:]] == order
    for row in rows[1:]:
        assert row[0] == f"{row[1]} полное наименование" or row[1] == "МБОУ СОШ № 1 с. Иглино"
        assert row[2] == f"https://t.me/{BOT_USERNAME}?start={tokens[str(row[1])]}"
    # the names that look like formulas are text cells, not formulas
    for cells in sheet.iter_rows(min_row=2):
        assert all(cell.data_type == "s" for cell in cells)
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


async def test_a_school_without_a_link_is_marked_in_the_spreadsheet_and_left_out_of_the_pdf(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await add_schools(session_pool, clock, ["СОШ № 2"])
    await client.send(COORDINATOR, "/schools")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    await client.press(COORDINATOR, s.BTN_REVOKE)
    await client.press(COORDINATOR, s.BTN_CONFIRM_YES)
    await client.press(COORDINATOR, s.BTN_TO_SCHOOLS)
    client.clear()
    await client.press(COORDINATOR, s.BTN_LINKS_XLSX)
    _, content = sent_document(client)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[2]][1:] == ["МБОУ СОШ № 1 с. Иглино", s.LINKS_NONE]
    client.clear()
    await client.press(COORDINATOR, s.BTN_LINKS_PDF)
    (call,) = client.calls("SendDocument")
    assert "МБОУ СОШ № 1 с. Иглино" in str(call.param("caption"))


def pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


async def test_all_links_as_a_printable_pdf_of_qr_codes(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    await add_schools(session_pool, clock, [f"МБОУ СОШ № {n}" for n in range(2, 14)])
    await client.send(COORDINATOR, "/schools")
    client.clear()
    await client.press(COORDINATOR, s.BTN_LINKS_PDF)
    name, content = sent_document(client)
    assert name == s.LINKS_PDF_NAME
    assert content.startswith(b"%PDF-")
    pages = re.findall(rb"/Type /Page\b(?!s)", content)
    assert len(pages) == 3  # 13 schools, 6 to a page
    text = pdf_text(content)
    tokens = (
        await session.scalars(select(Invitation.token).where(Invitation.school_id.is_not(None)))
    ).all()
    assert len(tokens) == 13
    for token in tokens:
        link = f"https://t.me/{BOT_USERNAME}?start={token}".encode()
        assert b"(" + link + b")" in text  # the printed link and the clickable code
    assert b"DejaVuSans" in content  # Cyrillic names in an embedded font


async def test_links_export_is_for_the_coordinators_district_only(
    client: Client, district_setup: DistrictSetup, session: AsyncSession
) -> None:
    await client.send(LIBRARIAN, "/start")
    client.clear()
    await client.press_data(LIBRARIAN, SchoolCb(action=SchoolAction.LINKS_XLSX).pack())
    assert not client.calls("SendDocument")


# ---- item 8: KOI8-R tables --------------------------------------------------------------------


def test_koi8r_and_windows_1251_read_alike_and_other_code_pages_are_refused() -> None:
    text = "Полное наименование;Краткое\nМБОУ СОШ N 1 с. Иглино;ИГЛИНО\nЛицей;Гимназия\n"
    assert decode_text(text.encode("koi8_r")) == text
    assert decode_text(text.encode("cp1251")) == text
    for encoding in ("cp866", "mac_cyrillic"):
        try:
            decode_text(text.encode(encoding))
        except UndecodableText:
            continue
        raise AssertionError(f"{encoding} was read as text")


async def test_a_koi8r_school_list_is_imported_with_readable_names(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    rows = "Полное наименование;Краткое наименование\nСредняя школа села Кальтовка;СОШ Кальтовка\n"
    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "schools.csv", rows.encode("koi8_r"))
    assert client.last_text(COORDINATOR) == s.IMPORT_DONE.format(count=1)
    names = (await session.scalars(select(School.short_name).order_by(School.id))).all()
    assert names == ["МБОУ СОШ № 1 с. Иглино", "СОШ Кальтовка"]
    # a DOS code page is refused with the encodings that work, and nothing is added
    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "schools.csv", rows.encode("cp866"))
    assert si.FILE_BAD_TEXT in client.last_text(COORDINATOR)
    assert "KOI8-R" in si.FILE_BAD_TEXT and "Windows-1251" in si.FILE_BAD_TEXT
    assert await session.scalar(select(func.count(School.id))) == 2


# ---- item 16: the coordinator's comment stays; the fields are one press away ------------------


async def test_fixing_a_returned_confirmation_keeps_the_comment_and_offers_the_fields(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, 1)
    await submit(client, LIBRARIAN)
    await client.send(COORDINATOR, "/review")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино · Неделя детской книги")
    await client.press(COORDINATOR, ev.BTN_RETURN)
    await client.send(COORDINATOR, "Укажите <b>точное</b> число детей")
    await client.drain()
    client.clear()

    comment = ev.TASK_COMMENT.format(comment="Укажите &lt;b&gt;точное&lt;/b&gt; число детей")
    await client.press(LIBRARIAN, ev.BTN_OPEN_CONFIRMATION)  # from the «returned» message
    assert comment in client.last_text(LIBRARIAN)
    assert client.buttons(LIBRARIAN)[:4] == [
        ev.BTN_FIX_DATE,
        ev.BTN_FIX_PARTICIPANTS,
        ev.BTN_FIX_DESCRIPTION,
        ev.BTN_FIX_EVIDENCE,
    ]
    await client.press(LIBRARIAN, ev.BTN_FIX_PARTICIPANTS)
    assert client.last_text(LIBRARIAN).startswith(ev.ASK_PARTICIPANTS)
    assert comment in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "31")
    summary = client.last_text(LIBRARIAN)
    assert "Участников: 31" in summary and comment in summary
    await client.press(LIBRARIAN, ev.BTN_CHANGE)
    await client.press(LIBRARIAN, ev.BTN_CHANGE_DESCRIPTION)
    assert comment in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "Читали вслух")
    assert comment in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    assert client.last_text(LIBRARIAN) == ev.SUBMITTED
    row = await session.scalar(select(Confirmation).execution_options(populate_existing=True))
    assert row is not None
    assert (row.status, row.participants, row.description) == (
        ConfirmationStatus.SUBMITTED,
        31,
        "Читали вслух",
    )
    # once resubmitted, the card no longer shows the old comment
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "🕓 Неделя детской книги")
    assert comment not in client.last_text(LIBRARIAN)


# ---- items 19 and 21: wording ------------------------------------------------------------------


async def test_quotes_inside_a_title_nest_as_russian_quotes(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    title = "Акция «Подари книгу»"
    event_id = await make_event(session_pool, clock, 1, title=title)
    await submit(client, LIBRARIAN, title)
    await client.press(LIBRARIAN, ev.BTN_TO_TASKS)
    await client.press(LIBRARIAN, f"🕓 {title}")
    await client.press(LIBRARIAN, ev.BTN_WITHDRAW)
    assert client.last_text(LIBRARIAN) == ev.CONFIRM_WITHDRAW.format(title="Акция „Подари книгу“")
    event = await session.get(Event, event_id)
    assert event is not None
    text, _ = RussianRenderer(TZ).reminder(event, Step("d1", clock.now, "remind"), False)
    assert "«Акция „Подари книгу“»" in text
    for sent in [*client.texts(LIBRARIAN), text]:
        assert "««" not in sent and "»»" not in sent


async def test_numbers_photos_and_names_read_the_same_everywhere(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    await make_event(session_pool, clock, 1)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    await client.press(LIBRARIAN, ev.BTN_TODAY.format(day="25.11.2026"))
    assert "от 0 до 100 000" in ev.ASK_PARTICIPANTS
    await client.send(LIBRARIAN, "100001")
    assert "от 0 до 100 000." in client.last_text(LIBRARIAN)  # as the question says it
    await client.send(LIBRARIAN, "25")
    await client.press(LIBRARIAN, ev.BTN_SKIP)
    await client.send_photo(LIBRARIAN, file_id="ph-1")
    await client.send_photo(LIBRARIAN, file_id="ph-2")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    assert "Подтверждения: Фото 1, Фото 2" in client.last_text(LIBRARIAN)
    assert "photo.jpg" not in client.last_text(LIBRARIAN)


async def test_joining_speaks_of_the_short_school_name_and_the_coordinator_is_the_department(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    async with session_pool.begin() as session:
        token = await session.scalar(
            select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
        )
    await client.send(LIBRARIAN, f"/start {token}")
    card = client.last_text(LIBRARIAN)
    assert "<b>МБОУ СОШ № 1 с. Иглино</b>" in card
    assert "Муниципальное бюджетное общеобразовательное учреждение" in card  # the full one too
    await client.press(LIBRARIAN, "✅ Да, это моя школа")
    await client.send(LIBRARIAN, "Анна Петрова")
    joined = client.last_text(LIBRARIAN)
    assert "«МБОУ СОШ № 1 с. Иглино»" in joined
    assert "Муниципальное" not in joined
    assert "отделе образования" not in o.ASK_FULL_NAME_COORDINATOR
    assert "отделе образования" not in o.ASK_FULL_NAME_COORDINATOR_PLAIN


def test_the_nudge_answer_is_said_as_a_person_would() -> None:
    for count in (0, 1, 4, 25):
        text = r.nudged(count)
        assert "очеред" not in text and "олучател" not in text
    assert r.nudged(1) == "Хорошо, напомним 1 библиотекарю из школ, которые ещё не отметили."
    assert "4 библиотекарям" in r.nudged(4)


async def test_opening_an_event_answers_on_the_card_so_the_newest_message_keeps_its_buttons(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
) -> None:
    event_id = await make_event(session_pool, clock, 1, status=EventStatus.DRAFT)
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_OPEN)
    client.clear()
    await client.press(COORDINATOR, ev.BTN_YES)
    assert not client.calls("SendMessage")  # no reply below the card
    (edit,) = client.calls("EditMessageText")
    assert str(edit.param("text")).startswith(ev.OPENED.format(sent=2))
    assert ev.BTN_CLOSE in client.buttons(COORDINATOR)


async def test_two_schools_sending_at_once_are_both_counted(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, 1)
    for person in (LIBRARIAN, OTHER):
        await client.send(person, "/tasks")
        await client.press(person, "⬜ Неделя детской книги")
        await fill_form(client, person)
        await client.press(person, ev.BTN_DONE)
    await asyncio.gather(client.press(LIBRARIAN, ev.BTN_SEND), client.press(OTHER, ev.BTN_SEND))
    (row,) = await notices(session)
    assert row.payload["count"] == 2
    assert row.payload["text"] == ev.review_notice(2)


async def test_fixing_the_evidence_keeps_what_was_attached_unless_asked(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await make_event(session_pool, clock, 1)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await fill_form(client, LIBRARIAN)
    await client.send_photo(LIBRARIAN, file_id="photo-A")
    await client.send(LIBRARIAN, "https://school1.example.ru/news/42")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    await client.send(COORDINATOR, "/review")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино · Неделя детской книги")
    await client.press(COORDINATOR, ev.BTN_RETURN)
    await client.send(COORDINATOR, "Добавьте ещё одно фото")
    await client.drain()
    await client.press(LIBRARIAN, ev.BTN_OPEN_CONFIRMATION)
    await client.press(LIBRARIAN, ev.BTN_FIX_EVIDENCE)
    assert client.last_text(LIBRARIAN).startswith(ev.EVIDENCE_KEPT.format(count=2))
    await client.send_photo(LIBRARIAN, file_id="photo-B")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    files = (await session.scalars(select(Evidence.file_id).order_by(Evidence.position))).all()
    assert list(files) == ["photo-A", "", "photo-B"]  # the link keeps its place, no file id
    # asked to start over, the earlier ones go
    await client.send(COORDINATOR, "/review")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино · Неделя детской книги")
    await client.press(COORDINATOR, ev.BTN_RETURN)
    await client.send(COORDINATOR, "Только одно фото, пожалуйста")
    await client.drain()
    await client.press(LIBRARIAN, ev.BTN_OPEN_CONFIRMATION)
    await client.press(LIBRARIAN, ev.BTN_FIX_EVIDENCE)
    await client.press(LIBRARIAN, ev.BTN_CLEAR_EVIDENCE)
    assert client.last_text(LIBRARIAN) == ev.EVIDENCE_CLEARED
    await client.send_photo(LIBRARIAN, file_id="photo-C")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    files = (
        await session.scalars(
            select(Evidence.file_id)
            .order_by(Evidence.position)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert list(files) == ["photo-C"]
