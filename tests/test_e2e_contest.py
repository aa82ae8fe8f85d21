"""End to end (issue #10): a contest from the call to the diplomas, in the real `python -m bot`
process against the fake Bot API, driven through the buttons as people would.

Three schools enter (one over the nomination limit, one after an extended deadline), a rejected
entry is corrected, two jurors score (one of them the librarian of a school that entered),
the results are published, every school is told, and the diplomas, the entries table and the
jury's protocol are read back from what the fake API received. SQLite, opened directly, moves
the deadline into the past (what wall-clock time cannot do) and shows the rows.
"""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.texts import admin as a
from bot.texts import onboarding as o
from bot.texts.contests import entry as tx
from bot.texts.contests import jury as tj
from bot.texts.contests import manage as tm
from bot.texts.contests import results as r
from bot.texts.contests import rules
from bot.toolkit.keyboards import shorten
from bot.toolkit.screens import error_text
from services.contests.entries import WORKS_MAX
from services.errors import ValidationError
from tests.contest_results_helpers import pdf_text
from tests.e2e import BotProcess, press, say, step, wait_button
from tests.fake_bot_api import FakeBotAPI, RecordedRequest

ADMIN, COORD = 111, 222
LIB1, LIB2, LIB3 = 301, 302, 303
JUROR, STRANGER = 501, 502
TZ = ZoneInfo("Asia/Yekaterinburg")
LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")
SCENARIO_SECONDS = 120  # the whole path takes about 15 s

TITLE = "Самый талантливый читатель"
READING = "Выразительное чтение"  # the nomination every entry goes to
CRITERIA = ("Выразительность", "Понимание текста", "Оригинальность", "Соблюдение регламента")
SCHOOLS = {  # librarian: (full name of the school, short name, the librarian's name)
    LIB1: ("МБОУ СОШ № 1 с. Иглино", "СОШ № 1", "Анна Петрова"),
    LIB2: ("МБОУ СОШ № 2 с. Иглино", "СОШ № 2", "Вера Смирнова"),
    LIB3: ("МБОУ СОШ № 3 с. Иглино", "СОШ № 3", "Мария Библиотекарева"),
}
JUROR1_LABEL = "Наталья Судейская"
JUROR2_LABEL = SCHOOLS[LIB3][2]
# the participant of each entry: name, grade, age button, work title, link
IVANOV = ("Иванов Иван", "5", "11 лет", "Стихи о зиме", "https://disk.example.ru/ivanov")
PETROV = ("Петров Пётр", "7", "13 лет", "Бородино", "https://disk.example.ru/petrov")
KUZNETSOVA = ("Кузнецова Ольга", "5", "10 лет", "Мцыри", "https://disk.example.ru/kuznetsova")
SMIRNOV = ("Смирнов Олег", "8", "14 лет", "Муму", "https://disk.example.ru/smirnov")
VIDEO = b"\x00\x00\x00\x18ftypmp42 e2e video"
# the points of each juror (criteria maxima 10, 10, 5, 5; thresholds 90/75/60 % of 30)
POINTS = {
    JUROR: {
        "Иванов Иван": (10, 10, 5, 5),  # 30
        "Петров Пётр": (8, 8, 4, 4),  # 24
        "Кузнецова Ольга": (6, 6, 3, 3),  # 18
        "Смирнов Олег": (5, 5, 2, 2),  # 14
    },
    LIB3: {  # school 3's librarian never sees Смирнов (her school's entry)
        "Иванов Иван": (10, 9, 5, 5),  # 29 → mean 29.5: I
        "Петров Пётр": (8, 7, 4, 4),  # 23 → mean 23.5: II
        "Кузнецова Ольга": (7, 6, 3, 3),  # 19 → mean 18.5: III; Смирнов 14: participation
    },
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


# ---- playing the people ---------------------------------------------------------------------


async def wait_text(
    fake: FakeBotAPI, chat_id: int, start: str, timeout: float = 15.0, *, nth: int = 1
) -> str:
    """The `nth` message sent to a chat that starts with `start` (the outbox may be on it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = [text for text in fake.sent_texts(chat_id) if text.startswith(start)]
        if len(found) >= nth:
            return found[nth - 1]
        if loop.time() > deadline:
            raise AssertionError(f"no message {start!r} in chat {chat_id}\n{fake.dump_requests()}")
        await asyncio.sleep(0.05)


async def alert(fake: FakeBotAPI, user_id: int, text: str, timeout: float = 15.0) -> str:
    """Press a button whose answer is an alert (a refusal): the alert's text."""
    message_id, data = await wait_button(fake, user_id, text)
    before = len(fake.requests)
    fake.press_button(user_id, message_id, data)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        answers = [
            r
            for r in fake.requests[before:]
            if r.method == "answerCallbackQuery" and r.params.get("text")
        ]
        if answers:
            assert answers[0].params.get("show_alert") is True
            return str(answers[0].params["text"])
        if loop.time() > deadline:
            raise AssertionError(f"no alert for {text!r}\n{fake.dump_requests()}")
        await asyncio.sleep(0.02)


def buttons_of(fake: FakeBotAPI, chat_id: int) -> list[str]:
    """The buttons of the newest bot message that has any."""
    for message in reversed(fake.bot_messages(chat_id)):
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        if rows:
            return [str(b["text"]) for row in rows for b in row]
    return []


def point_button(fake: FakeBotAPI, chat_id: int, criterion: str, points: int) -> tuple[int, str]:
    """(message id, callback data) of the point button under a criterion's row on a juror's
    card: every criterion has its own «0», «1»… so the row decides."""
    header = tj.BTN_CRITERION.format(n=CRITERIA.index(criterion) + 1, title=criterion)
    wanted = {tj.BTN_POINTS.format(points=points), tj.BTN_POINTS_CURRENT.format(points=points)}
    for message in reversed(fake.bot_messages(chat_id)):
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        texts = [[str(b["text"]) for b in row] for row in rows]
        if [header] not in texts:
            continue
        for row in rows[texts.index([header]) + 1 :]:
            if not all(re.fullmatch(r"•?\d+•?", str(b["text"])) for b in row):
                break  # the next criterion's row
            for b in row:
                if b["text"] in wanted:
                    return int(message["message_id"]), str(b["callback_data"])
    raise AssertionError(f"no {points} points for {criterion!r} in chat {chat_id}")


async def register(fake: FakeBotAPI) -> None:
    """Admin → district → coordinator → three schools → a librarian in each."""
    await say(fake, ADMIN, "/start")
    await say(fake, ADMIN, "/newdistrict")
    await say(fake, ADMIN, "Иглинский район")
    token = LINK.search(await press(fake, ADMIN, a.BTN_INVITE_COORDINATOR))
    assert token
    await say(fake, COORD, f"/start {token.group(1)}")
    await press(fake, COORD, o.BTN_ACCEPT)
    await say(fake, COORD, "Ольга Методистова")
    for librarian, (full, short, name) in SCHOOLS.items():
        await say(fake, COORD, "/addschool")
        await say(fake, COORD, full)
        school = LINK.search(await say(fake, COORD, short))
        assert school
        await say(fake, librarian, f"/start {school.group(1)}")
        await press(fake, librarian, o.BTN_YES_SCHOOL)
        await say(fake, librarian, name)


async def coordinator_card(fake: FakeBotAPI, status: str) -> None:
    """/contests → the contest's card (its button carries the status icon)."""
    await say(fake, COORD, "/contests")
    icon = tm.STATUS_ICONS[status]
    await press(fake, COORD, tm.CONTEST_BUTTON.format(icon=icon, title=TITLE))


async def open_card(fake: FakeBotAPI, librarian: int) -> str:
    await say(fake, librarian, "/contests")
    title = tx.LIST_BUTTON.format(icon=tx.LIST_ICONS["open"], title=TITLE)
    return await press(fake, librarian, title)


async def fill_entry(fake: FakeBotAPI, librarian: int, participant: tuple[str, ...]) -> str:
    """From the contest's card to the summary of an entry: the summary's text."""
    name, grade, age, title, link = participant
    await press(fake, librarian, tx.BTN_ENTER)
    await press(fake, librarian, READING)
    await say(fake, librarian, name)
    await press(fake, librarian, grade)
    await press(fake, librarian, age)
    await press(fake, librarian, tx.BTN_NEXT)
    await press(fake, librarian, tx.BTN_ME.format(name=SCHOOLS[librarian][2]))
    await say(fake, librarian, title)
    assert await say(fake, librarian, link) == tx.WORK_ADDED.format(count=1, max=WORKS_MAX)
    await press(fake, librarian, tx.BTN_DONE)
    await press(fake, librarian, tx.BTN_CONSENT_OFF)
    return await press(fake, librarian, tx.BTN_NEXT)


async def enter(fake: FakeBotAPI, librarian: int, participant: tuple[str, ...]) -> None:
    await open_card(fake, librarian)
    summary = await fill_entry(fake, librarian, participant)
    assert participant[0] in summary and tx.CONSENT_YES in summary
    sent = await press(fake, librarian, tx.BTN_SEND)
    assert sent.startswith("✅ Заявка <b>ТЧ-"), sent


# ---- reading the bot's database -------------------------------------------------------------


def _query(path: Path, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path, timeout=10)
    try:
        with db:  # one transaction, committed
            return db.execute(sql, args).fetchall()
    finally:
        db.close()


async def db_rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Run SQL on the bot's database in a thread: the fake Bot API lives on this event loop,
    and a bot transaction that waits for its answer must not wait for us too."""
    return await asyncio.to_thread(_query, path, sql, args)


Rows = list[tuple[Any, ...]]


async def settled(
    path: Path, sql: str, *args: Any, until: Callable[[Rows], bool], timeout: float = 10.0
) -> Rows:
    """The rows once `until` holds (or when time is up, for the assertion to show them): the
    bot answers first and commits right after, so a row may lag its answer a moment."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await db_rows(path, sql, *args)
        if until(rows) or loop.time() > deadline:
            return rows
        await asyncio.sleep(0.05)


async def entries_by_participant(
    path: Path, until: Callable[[dict[str, tuple[Any, ...]]], bool] = lambda _: True
) -> dict[str, tuple[Any, ...]]:
    """participant → (code, school short name, status, is_late, version, review comment)."""
    rows = await settled(
        path,
        "select p.full_name, e.code, s.short_name, e.status, e.is_late, e.version, "
        "e.review_comment from contest_entries e "
        "join contest_participants p on p.entry_id = e.id "
        "join schools s on s.id = e.school_id order by e.number",
        until=lambda rows: until({row[0]: row[1:] for row in rows}),
    )
    return {row[0]: row[1:] for row in rows}


def stored_moment(moment: datetime) -> str:
    """A UTC moment as the UTCDateTime column keeps it in SQLite (naive UTC, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def documents_to(fake: FakeBotAPI, chat_id: int) -> list[RecordedRequest]:
    return [r for r in fake.calls("sendDocument") if r.ok and r.chat_id == chat_id]


def table(content: bytes, sheet: str | None = None) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content))
    chosen = workbook[sheet] if sheet else workbook.worksheets[0]
    return [["" if c.value is None else c.value for c in row] for row in chosen.iter_rows()]


# ---- the scenario ---------------------------------------------------------------------------


async def test_contest_from_the_call_to_the_diplomas(fake: FakeBotAPI, tmp_path: Path) -> None:
    people = {
        ADMIN: ("Ирина", "Админова"),
        COORD: ("Ольга", "Методистова"),
        LIB1: ("Анна", "Петрова"),
        LIB2: ("Вера", "Смирнова"),
        LIB3: ("Мария", "Библиотекарева"),
        JUROR: ("Наталья", "Судейская"),
        STRANGER: ("Пётр", "Посторонний"),
    }
    for user, (first, last) in people.items():
        fake.register_user(user, first_name=first, last_name=last)
    database = tmp_path / "bot.db"
    bot = BotProcess(fake, tmp_path, ADMIN_IDS=str(ADMIN))
    await bot.start()
    try:
        async with asyncio.timeout(SCENARIO_SECONDS):
            await _scenario(fake, database)
    finally:
        code = await bot.stop()
    assert code == 0, bot.output()
    assert "Traceback" not in bot.output(), bot.output()


async def _scenario(fake: FakeBotAPI, database: Path) -> None:
    today = datetime.now(TZ).date()
    await register(fake)

    # ---- 2. the coordinator creates the contest from the template and opens it
    await say(fake, COORD, "/contests")
    await press(fake, COORD, tm.BTN_NEW_CONTEST)
    await press(fake, COORD, TITLE)
    await say(fake, COORD, f"{today:%d.%m.%Y}")
    first_deadline = today + timedelta(days=3)
    summary = await say(fake, COORD, f"{first_deadline:%d.%m.%Y} 18:00")
    assert f"{first_deadline:%d.%m.%Y} 18:00" in summary
    assert tm.CREATED in await press(fake, COORD, tm.BTN_CREATE)
    assert "библиотекари района: 3" in await press(fake, COORD, tm.BTN_OPEN)
    assert (await press(fake, COORD, tm.BTN_YES)).startswith(tm.OPENED.format(count=3))
    announcement = f"🏆 Открыт приём заявок на конкурс «{TITLE}».\nСрок: "
    for librarian in SCHOOLS:
        text = await wait_text(fake, librarian, announcement)
        assert f"{first_deadline:%d.%m.%Y} 18:00" in text
    assert await settled(
        database, "select status from contests", until=lambda rows: rows == [("open",)]
    ) == [("open",)]

    # ---- 3. school 1 enters twice in one nomination, a third time is over the limit
    await enter(fake, LIB1, IVANOV)
    await enter(fake, LIB1, PETROV)
    await open_card(fake, LIB1)
    await press(fake, LIB1, tx.BTN_ENTER)
    # the full nomination is marked and refused at its button, before the form goes on
    refusal = await alert(fake, LIB1, tx.NOMINATION_FULL.format(title=READING))
    assert refusal == error_text(ValidationError("nomination_limit", max=2))
    assert refusal == "От школы в этой номинации не больше 2 заявок — лимит исчерпан."
    entries = await entries_by_participant(database)
    assert list(entries) == ["Иванов Иван", "Петров Пётр"]  # no third row
    assert "Сидоров Семён" not in str(
        await db_rows(database, "select * from contest_participants")
    )
    await enter(fake, LIB2, KUZNETSOVA)
    # school 3 looks at the contest before the deadline and does not enter yet
    await open_card(fake, LIB3)
    assert tx.BTN_ENTER in buttons_of(fake, LIB3)

    # ---- 4. the deadline passes (the first one, as announced), school 3 is refused
    now = datetime.now(UTC)
    passed = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    [(event_id, deadline_stored, first_stored)] = await db_rows(
        database,
        "select e.id, e.deadline_at, c.first_deadline_at from contests c "
        "join events e on e.id = c.event_id",
    )
    layout = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    assert layout.fullmatch(deadline_stored) and first_stored == deadline_stored
    await db_rows(
        database, "update events set deadline_at = ? where id = ?", stored_moment(passed), event_id
    )
    await db_rows(database, "update contests set first_deadline_at = ?", stored_moment(passed))
    passed_local = passed.astimezone(TZ).strftime("%d.%m.%Y %H:%M")
    refusal = await alert(fake, LIB3, tx.BTN_ENTER)  # the button of the card opened before
    assert refusal == rules.ERRORS["contest_not_taking"].format(deadline=passed_local)
    listed = await say(fake, LIB3, "/contests")
    assert f"приём заявок до {passed_local} (приём закрыт)" in listed
    await press(fake, LIB3, tx.LIST_BUTTON.format(icon=tx.LIST_ICONS["closed"], title=TITLE))
    assert tx.BTN_ENTER not in buttons_of(fake, LIB3)
    assert len(await entries_by_participant(database)) == 3

    # the coordinator extends the deadline: only the school without entries is told
    await coordinator_card(fake, "open")
    await press(fake, COORD, tm.BTN_DEADLINE)
    new_deadline = today + timedelta(days=6)
    new_local = f"{new_deadline:%d.%m.%Y} 18:00"
    extended = await say(fake, COORD, new_local)
    assert extended.startswith(tm.DEADLINE_EXTENDED.format(deadline=new_local, count=1))
    assert tm.EXTENDED.format(first=passed_local) in extended
    notice = tm.EXTENDED_NOTICE.format(title=TITLE, deadline=new_local)
    assert await wait_text(fake, LIB3, "🗓 Срок приёма заявок") == notice
    # school 3 enters from the notice's button; its entry is late
    await press(fake, LIB3, tm.BTN_OPEN_CONTEST)
    summary = await fill_entry(fake, LIB3, SMIRNOV)
    assert "Смирнов Олег" in summary
    assert (await press(fake, LIB3, tx.BTN_SEND)).startswith("✅ Заявка <b>ТЧ-")
    entries = await entries_by_participant(database, until=lambda found: len(found) == 4)
    assert {name: (row[1], row[2], row[3]) for name, row in entries.items()} == {
        "Иванов Иван": ("СОШ № 1", "submitted", 0),
        "Петров Пётр": ("СОШ № 1", "submitted", 0),
        "Кузнецова Ольга": ("СОШ № 2", "submitted", 0),
        "Смирнов Олег": ("СОШ № 3", "submitted", 1),
    }
    codes = {name: row[0] for name, row in entries.items()}
    assert len(set(codes.values())) == 4

    # ---- 5. moderation: three admitted, school 2's rejected with a reason
    def entry_button(name: str, icon: str) -> str:
        short = entries[name][1]
        return tm.ENTRY_BUTTON.format(
            icon=tm.ENTRY_ICONS[icon],
            code=codes[name],
            school=shorten(short, 18),
            nomination=shorten(READING, 18),
        )

    await coordinator_card(fake, "open")
    await press(fake, COORD, tm.BTN_ENTRIES)
    for name in ("Иванов Иван", "Петров Пётр", "Смирнов Олег"):
        card = await press(fake, COORD, entry_button(name, "submitted"))
        assert name in card
        if name == "Смирнов Олег":
            assert tm.LATE.strip() in card
        accepted = await press(fake, COORD, tm.BTN_ACCEPT)
        assert accepted.startswith(tm.ACCEPTED.format(code=codes[name]))
        await press(fake, COORD, tm.BTN_TO_ENTRIES)
    await press(fake, COORD, entry_button("Кузнецова Ольга", "submitted"))
    await press(fake, COORD, tm.BTN_REJECT)
    reason = "Нужна видеозапись чтения, а не ссылка на текст"
    rejected = await say(fake, COORD, reason)
    assert rejected.startswith(tm.REJECTED.format(code=codes["Кузнецова Ольга"]))
    told = await wait_text(fake, LIB2, f"❌ Заявка {codes['Кузнецова Ольга']}")
    assert f"💬 Причина: {reason}" in told
    assert f"до {new_local}" in told
    # school 2 corrects the entry from the notice (its entry's card) and sends it again
    card = await press(fake, LIB2, tm.BTN_FIX_ENTRY.format(code=codes["Кузнецова Ольга"]))
    assert reason in card and rules.ENTRY_STATUS_NAMES["rejected"] in card
    summary = await press(fake, LIB2, tx.BTN_RESUBMIT)
    assert tx.SUMMARY_EDITING.format(code=codes["Кузнецова Ольга"]) in summary
    await press(fake, LIB2, tx.BTN_CHANGE)
    await press(fake, LIB2, tx.PARTS["works"])
    assert await press(fake, LIB2, tx.BTN_CLEAR_WORKS) == tx.WORKS_CLEARED
    await step(fake, LIB2, lambda: fake.send_document(LIB2, "чтение.mp4", VIDEO, "video/mp4"))
    summary = await press(fake, LIB2, tx.BTN_DONE)
    assert "чтение.mp4" in summary and "kuznetsova" not in summary
    again = await press(fake, LIB2, tx.BTN_SEND)
    assert again == tx.SUBMITTED_AGAIN.format(code=codes["Кузнецова Ольга"])
    # the coordinator admits it
    await press(fake, COORD, tm.BTN_TO_ENTRIES)
    await press(fake, COORD, entry_button("Кузнецова Ольга", "submitted"))
    await press(fake, COORD, tm.BTN_ACCEPT)
    entries = await entries_by_participant(
        database, until=lambda found: {row[2] for row in found.values()} == {"accepted"}
    )
    assert {row[2] for row in entries.values()} == {"accepted"}
    assert entries["Кузнецова Ольга"][4:] == (4, "")  # sent, rejected, sent again, accepted
    assert await db_rows(
        database,
        "select w.kind, w.file_name, w.url from contest_works w join contest_entries e "
        "on e.id = w.entry_id where e.code = ?",
        codes["Кузнецова Ольга"],
    ) == [("document", "чтение.mp4", "")]

    # ---- 6. the jury: two links, each taken once; entries closed; everyone scores
    tokens = []
    await coordinator_card(fake, "open")
    await press(fake, COORD, tm.BTN_JURY)
    for label in (JUROR1_LABEL, JUROR2_LABEL):
        await press(fake, COORD, tj.BTN_INVITE)
        await say(fake, COORD, label)
        invited = await press(fake, COORD, tj.BTN_ALL_NOMINATIONS)
        assert invited.startswith(f"Член жюри «{label}» приглашён. Номинации: все.")
        token = LINK.search(invited)
        assert token
        tokens.append(token.group(1))
        await press(fake, COORD, tj.BTN_TO_JURY)
    joined = await say(fake, JUROR, f"/start {tokens[0]}")
    assert joined.startswith(f"Готово! Вы — член жюри конкурса «{TITLE}»")
    assert await say(fake, STRANGER, f"/start {tokens[0]}") == tj.ERRORS["jury_seat_taken"]
    assert (await say(fake, LIB3, f"/start {tokens[1]}")).startswith("Готово! Вы — член жюри")
    seats = await settled(
        database,
        "select j.label, u.telegram_id, u.role from contest_jurors j "
        "join users u on u.id = j.user_id order by j.id",
        until=lambda rows: len(rows) == 2,
    )
    assert seats == [(JUROR1_LABEL, JUROR, "juror"), (JUROR2_LABEL, LIB3, "librarian")]
    # the refused stranger is not even a user of the bot
    assert await db_rows(database, "select id from users where telegram_id = ?", STRANGER) == []

    await coordinator_card(fake, "open")
    await press(fake, COORD, tm.BTN_CLOSE)
    # the extended deadline is still ahead: closing early says so and tells every school
    closed = await press(fake, COORD, tm.BTN_YES)
    assert closed.startswith(tm.CLOSED_EARLY.format(count=3))
    assert await settled(
        database, "select status from contests", until=lambda rows: rows == [("closed",)]
    ) == [("closed",)]

    by_code = {code: name for name, code in codes.items()}
    for juror, points in POINTS.items():
        await say(fake, juror, "/jury")
        listed = await press(fake, juror, tj.BTN_CONTEST.format(mark="", title=TITLE))
        assert f"Оценено 0 из {len(points)}" in listed
        shown = [b.split(" · ")[0] for b in buttons_of(fake, juror) if " · " in b]
        assert sorted(by_code[c] for c in shown) == sorted(points)  # school 3's not for LIB3
        for code in shown:
            name = by_code[code]
            await press(fake, juror, tj.BTN_ENTRY.format(mark="", code=code, nomination=READING))
            for criterion, value in zip(CRITERIA, points[name], strict=True):
                message_id, data = point_button(fake, juror, criterion, value)
                await step(fake, juror, partial(fake.press_button, juror, message_id, data))
            card = fake.last_message(juror)["text"]
            assert f"Итого: {sum(points[name])} из 30" in card, card
            await press(fake, juror, tj.BTN_TO_ENTRIES)
        assert f"Оценено {len(points)} из {len(points)}" in fake.last_message(juror)["text"]
    scores = await settled(
        database, "select count(*) from contest_scores", until=lambda rows: rows == [(7,)]
    )
    assert scores == [(7,)]
    assert "Смирнов Олег" not in str(
        await db_rows(
            database,
            "select p.full_name from contest_scores s join contest_jurors j on j.id = s.juror_id "
            "join users u on u.id = j.user_id join contest_participants p "
            "on p.entry_id = s.entry_id where u.telegram_id = ?",
            LIB3,
        )
    )

    await coordinator_card(fake, "closed")
    await press(fake, COORD, tm.BTN_JURY)
    await press(fake, COORD, tj.BTN_CLOSE_JUDGING)
    assert (await press(fake, COORD, tj.BTN_YES)).startswith(tj.CLOSED_DONE)
    for juror in POINTS:
        await wait_text(fake, juror, tj.CLOSED_NOTICE.format(title=TITLE))

    # ---- 7. results: the proposed places accepted, published, every school told
    await coordinator_card(fake, "closed")
    await press(fake, COORD, tm.BTN_RESULTS)
    await press(fake, COORD, r.BTN_ACCEPT)
    accepted = await press(fake, COORD, r.BTN_YES)
    assert accepted.startswith(r.ACCEPTED.format(degrees=3))
    assert r.of_schools(3) in await press(fake, COORD, r.BTN_PUBLISH)
    published = await press(fake, COORD, r.BTN_YES)
    assert published.startswith(r.PUBLISHED.format(schools=r.of_schools(3)))
    results = {
        LIB1: [
            f"• {codes['Иванов Иван']}, «{READING}»: Иванов Иван — диплом I степени",
            f"• {codes['Петров Пётр']}, «{READING}»: Петров Пётр — диплом II степени",
        ],
        LIB2: [f"• {codes['Кузнецова Ольга']}, «{READING}»: Кузнецова Ольга — диплом III степени"],
        LIB3: [f"• {codes['Смирнов Олег']}, «{READING}»: Смирнов Олег — сертификат участника"],
    }
    for librarian, lines in results.items():
        told = await wait_text(fake, librarian, f"🏆 <b>Итоги конкурса «{TITLE}»</b>")
        for line in lines:
            assert line in told, told
    assert await db_rows(
        database,
        "select p.full_name, e.place, e.mean_score from contest_entries e join "
        "contest_participants p on p.entry_id = e.id order by e.number",
    ) == [
        ("Иванов Иван", 1, 29.5),
        ("Петров Пётр", 2, 23.5),
        ("Кузнецова Ольга", 3, 18.5),
        ("Смирнов Олег", None, 14.0),
    ]

    # school 1's diplomas, one PDF per participant and per supervisor
    await press(fake, LIB1, r.BTN_DIPLOMAS)
    await wait_text(fake, LIB1, r.DIPLOMAS_SENT.format(documents=r.of_documents(4), title=TITLE))
    sent = documents_to(fake, LIB1)
    assert len(sent) == 4
    diplomas = {d.file("document").filename: pdf_text(d.file("document").content) for d in sent}
    expected = {
        f"{codes['Иванов Иван']} Диплом I степени — Иванов Иван.pdf": ("Иванов Иван", "I"),
        f"{codes['Иванов Иван']} Диплом I степени — Анна Петрова.pdf": ("Анна Петрова", "I"),
        f"{codes['Петров Пётр']} Диплом II степени — Петров Пётр.pdf": ("Петров Пётр", "II"),
        f"{codes['Петров Пётр']} Диплом II степени — Анна Петрова.pdf": ("Анна Петрова", "II"),
    }
    assert set(diplomas) == set(expected)
    for file_name, (person, roman) in expected.items():
        text = diplomas[file_name]
        assert f"Диплом {roman} степени" in text, text
        assert person in text and "награждается" in text
        assert f"«{TITLE}»" in text and f"в номинации «{READING}»" in text
        assert SCHOOLS[LIB1][0] in text
    supervisor = diplomas[f"{codes['Иванов Иван']} Диплом I степени — Анна Петрова.pdf"]
    assert "руководитель" in supervisor and "участник: Иванов Иван" in supervisor

    # the coordinator's documents: the entries and the protocol
    await press(fake, COORD, r.BTN_DOCUMENTS)
    await press(fake, COORD, r.BTN_DOC_ENTRIES)
    await press(fake, COORD, r.BTN_DOC_PROTOCOL_XLSX)
    files = {
        d.file("document").filename: d.file("document").content for d in documents_to(fake, COORD)
    }
    year = codes["Иванов Иван"].split("-")[1]
    rows = table(files[f"Заявки ТЧ-{year}.xlsx"])
    assert rows[0] == list(r.ENTRIES_HEADER)
    listed_entries = (  # participant, category, age, supervisor, late, work, files, result
        (IVANOV, "5 класс", "11", SCHOOLS[LIB1][2], "", IVANOV[4], "I степень"),
        (PETROV, "7 класс", "13", SCHOOLS[LIB1][2], "", PETROV[4], "II степень"),
        (KUZNETSOVA, "5 класс", "10", SCHOOLS[LIB2][2], "", "чтение.mp4", "III степень"),
        (SMIRNOV, "8 класс", "14", SCHOOLS[LIB3][2], r.LATE, SMIRNOV[4], "участник"),
    )
    assert rows[1:] == [
        [codes[who[0]], entries[who[0]][1], READING, who[0], grade, age, supervisor]
        + ["допущена", late, who[3], works, result]
        for who, grade, age, supervisor, late, works, result in listed_entries
    ]
    protocol = files[f"Протокол жюри ТЧ-{year}.xlsx"]
    sheet = table(protocol, READING)
    assert sheet[0] == [
        *r.PROTOCOL_SCORE_HEADER,
        *(f"{c} (до {m})" for c, m in zip(CRITERIA, (10, 10, 5, 5), strict=True)),
        r.PROTOCOL_TOTAL,
        r.PROTOCOL_COUNTED,
        *r.PROTOCOL_SUMMARY_HEADER,
    ]

    def score_rows(place: int, name: str, mean: float, degree: str) -> list[list[Any]]:
        code, short = codes[name], entries[name][1]
        return [
            [place, code, short, name, label, *p, sum(p), "да", mean, degree, degree]
            for juror, label in ((JUROR, JUROR1_LABEL), (LIB3, JUROR2_LABEL))
            if (p := POINTS[juror].get(name)) is not None
        ]

    assert sheet[1:] == [
        *score_rows(1, "Иванов Иван", 29.5, "I степень"),
        *score_rows(2, "Петров Пётр", 23.5, "II степень"),
        *score_rows(3, "Кузнецова Ольга", 18.5, "III степень"),
        *score_rows(4, "Смирнов Олег", 14, "участник"),
    ]
    assert table(protocol, r.PROTOCOL_JURY_SHEET)[1:] == [
        [1, JUROR1_LABEL, 4, ""],
        [2, JUROR2_LABEL, 3, ""],
    ]

    # what went through the outbox, to whom: only the school without entries heard of the
    # extension, only school 2 of its rejection
    for librarian in (LIB1, LIB2):
        assert not [t for t in fake.sent_texts(librarian) if t.startswith("🗓 Срок приёма")]
    sent_through_outbox = {
        "contest-open": [LIB1, LIB2, LIB3],
        "contest-extend": [LIB3],
        "contest-reject": [LIB2],
        "contest-closed-early": [LIB1, LIB2, LIB3],
        "jury-closed": [LIB3, JUROR],
        "contest-results": [LIB1, LIB2, LIB3],
    }
    for key, chats in sent_through_outbox.items():
        all_sent: Rows = [(chat, "sent") for chat in sorted(chats)]
        # (the sender marks a row sent right after Telegram's answer)
        outbox = await settled(
            database,
            "select chat_id, status from notifications where dedupe_key like ? order by chat_id",
            f"{key}:%",
            until=all_sent.__eq__,
        )
        assert outbox == all_sent, key
