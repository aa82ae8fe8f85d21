"""End to end (issue #12): the annual monitoring in the real `python -m bot` process against
the fake Bot API, driven through the buttons as people would, with the default questionnaire
(data/monitoring.toml, 35 questions on this path).

The coordinator opens a round, the invitations go out; two schools answer on their phones
(school 2 first gives more readers among pupils than pupils, is refused at «Отправить» and
fixes it); the coordinator returns school 1 naming «Учащихся», school 1 fixes it and sends
again, both are accepted; the summary (XLSX) and the analytical note (DOCX) are read back
from what the fake API received. SQLite, opened directly, shows the rows.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.texts import admin as a
from bot.texts import common as t
from bot.texts import monitoring as mt
from bot.texts import monitoring_dialog as md
from bot.texts import monitoring_docs as mdt
from bot.texts import onboarding as o
from bot.toolkit.screens import error_text, h
from services.errors import ValidationError
from services.monitoring.numfmt import NBSP
from services.monitoring.questionnaire import Question
from tests.e2e import BotProcess, press, say
from tests.fake_bot_api import FakeBotAPI
from tests.monitoring_bot_helpers import PLAN, Step
from tests.monitoring_helpers import default_questionnaire
from tests.test_e2e_contest import alert, db_rows, documents_to, settled, wait_text

ADMIN, COORD, LIB1, LIB2 = 111, 222, 301, 302
TZ = ZoneInfo("Asia/Yekaterinburg")
LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")
SCENARIO_SECONDS = 90  # the whole path takes about 15 s
Q = default_questionnaire()
SCHOOLS = {  # librarian: (full name of the school, short name, the librarian's name)
    LIB1: ("МБОУ СОШ № 1 с. Иглино", "СОШ № 1", "Анна Петрова"),
    LIB2: ("МБОУ СОШ № 2 с. Иглино", "СОШ № 2", "Вера Смирнова"),
}
# what school 1 types or presses at each question (as tests/test_monitoring_bot.py's PLAN)
# school 1 answers the ordinary path («Учащихся» 1 200: returned, then fixed to 1 250)
PLAN_1: dict[str, Step] = PLAN
# school 2: more readers, other figures; readers among pupils first above pupils (1 200)
PLAN_2: dict[str, Step] = dict(
    PLAN_1,
    pupils="1200",
    readers="1 300",
    readers_pupils="1 300",  # fixed to 1 100 after the refusal
    visits="7800",
    loans="13 000",
    fund="13 000",
    internet=("press", t.BTN_NO),  # skips the speed and the seats with the Internet
    e_catalogue=("press", t.BTN_NO),  # skips the software
    forums=("multi", ["Уфимский салон образования"]),
)
# the figures as they end: school → (pupils, readers, readers among pupils, fund, loans)
FINAL = {LIB1: (1250, 900, 800, 12500, 15000), LIB2: (1200, 1300, 1100, 13000, 13000)}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


# ---- playing the people ---------------------------------------------------------------------


async def register(fake: FakeBotAPI) -> None:
    """Admin → district → coordinator → two schools → a librarian in each."""
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


def asked(text: str) -> Question | None:
    """The question a screen asks, if it asks one."""
    return next((q for q in Q.questions if f"<b>{h(q.text)}</b>" in text), None)


async def answer(fake: FakeBotAPI, librarian: int, step: Step) -> str:
    """Type or press the answer: the bot's next screen."""
    if isinstance(step, str):
        return await say(fake, librarian, step)
    if step[0] == "press":
        return await press(fake, librarian, step[1])
    for label in step[1]:  # a multi question: tick, then «Готово»
        await press(fake, librarian, label)
    return await press(fake, librarian, md.BTN_DONE)


async def start(fake: FakeBotAPI, librarian: int) -> str:
    """The invitation's «Заполнить», then «Начать»: the first question."""
    started = await press(fake, librarian, md.BTN_FILL)
    assert md.NOT_STARTED.split(":")[0] in started
    first = await press(fake, librarian, md.BTN_START)
    assert mt.QUESTION_NUMBER.format(n=1, m=35) in first
    return first


async def fill_in(fake: FakeBotAPI, librarian: int, screen: str, plan: dict[str, Step]) -> str:
    """Answer each question as it comes, by the plan, until the end: the last screen."""
    codes: list[str] = []
    while (question := asked(screen)) is not None:
        assert question.code not in codes, f"{question.code} asked twice"
        codes.append(question.code)
        screen = await answer(fake, librarian, plan[question.code])
    assert set(codes) <= set(plan)
    return screen


async def round_screen(fake: FakeBotAPI) -> str:
    return await say(fake, COORD, "/monitoring")


def refusal(code: str, **params: object) -> str:
    return error_text(ValidationError(code, **params))


# ---- reading the files back -----------------------------------------------------------------


def school_cells(content: bytes) -> dict[str, dict[str, Any]]:
    """Row name (column B: a school, «По району…») → {column header (row 2): value}, over
    every sheet of the summary."""
    book = load_workbook(io.BytesIO(content))
    out: dict[str, dict[str, Any]] = {}
    for sheet in book.worksheets:
        header = [c.value for c in sheet[2]]
        for row in sheet.iter_rows(min_row=3, values_only=True):
            if len(row) > 1 and isinstance(row[1], str):
                cells = out.setdefault(row[1], {})
                cells.update({str(k): v for k, v in zip(header, row, strict=False) if k})
    return out


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


# ---- the scenario ---------------------------------------------------------------------------


async def test_monitoring_from_the_round_to_the_note(fake: FakeBotAPI, tmp_path: Path) -> None:
    people = {
        ADMIN: ("Ирина", "Админова"),
        COORD: ("Ольга", "Методистова"),
        LIB1: ("Анна", "Петрова"),
        LIB2: ("Вера", "Смирнова"),
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
    await register(fake)
    today = datetime.now(TZ).date()

    # ---- 1. the coordinator opens the round; both librarians are invited
    assert md.NO_OPEN_ROUND in await round_screen(fake)
    assert await press(fake, COORD, md.BTN_OPEN) == md.ASK_DEADLINE
    deadline = f"{today + timedelta(days=10):%d.%m.%Y}"
    asking = await say(fake, COORD, deadline)
    assert asking.startswith("Открыть мониторинг ") and f"до {deadline} 18:00?" in asking
    opened = await press(fake, COORD, t.BTN_YES)
    told = md.librarians_count(2)
    assert opened.startswith(md.OPENED.format(deadline=f"{deadline} 18:00", told=told))
    # (the bot answers first and commits right after)
    rounds = await settled(database, "select status, year from monitoring_rounds", until=bool)
    assert [status for status, _ in rounds] == ["open"]
    for librarian in SCHOOLS:
        invitation = await wait_text(fake, librarian, "📊 Отдел образования открыл")
        assert f"до {deadline} 18:00" in invitation
    outbox = await settled(
        database,
        "select chat_id, status from notifications where dedupe_key like 'mon-open:%' "
        "order by chat_id",
        until=lambda rows: rows == [(LIB1, "sent"), (LIB2, "sent")],
    )
    assert outbox == [(LIB1, "sent"), (LIB2, "sent")]

    # ---- 2. school 1 answers on the phone (a word for a number refused on the way), sends
    first = await start(fake, LIB1)
    assert asked(first) == Q.question("pupils")
    bad = await say(fake, LIB1, "много")  # the question stays on screen
    assert bad.startswith(refusal("not_a_number", value="много"))
    end = await fill_in(fake, LIB1, first, PLAN_1)
    assert md.SUMMARY_HEADER.format(status=md.STATUS_NAMES["draft"]) in end
    assert await press(fake, LIB1, md.BTN_SEND) == md.SEND_ASK
    assert await alert(fake, LIB1, t.BTN_YES) == md.SENT

    # ---- 3. school 2: readers among pupils above pupils, refused at the end, fixed, sent
    end = await fill_in(fake, LIB2, await start(fake, LIB2), PLAN_2)
    assert md.CHECKS_HEADER in end
    assert "«Читателей-учащихся» (1300) не может быть больше, чем «Учащихся» (1200)" in end
    await press(fake, LIB2, md.BTN_SUMMARY)
    assert await alert(fake, LIB2, md.BTN_SEND) == refusal("response_not_ready")
    rows = await db_rows(
        database,
        "select r.status from monitoring_responses r join schools s on s.id = r.school_id "
        "where s.short_name = ?",
        SCHOOLS[LIB2][1],
    )
    assert rows == [("draft",)]
    fix = await press(fake, LIB2, md.BTN_FIX.format(n=3, label="Читателей-учащихся"))
    assert asked(fix) == Q.question("readers_pupils")
    summary = await say(fake, LIB2, "1 100")
    assert md.SUMMARY_HEADER.format(status=md.STATUS_NAMES["draft"]) in summary
    assert await press(fake, LIB2, md.BTN_SEND) == md.SEND_ASK
    assert await alert(fake, LIB2, t.BTN_YES) == md.SENT
    for short in (SCHOOLS[LIB1][1], SCHOOLS[LIB2][1]):
        notice = md.SUBMITTED_NOTICE.split("{title}")[0].format(school=short)
        await wait_text(fake, COORD, notice)

    # ---- 4. the coordinator returns school 1 naming «Учащихся»
    waiting = md.BTN_PROGRESS.format(name=md.PROGRESS_NAMES["submitted"], count=2)
    await round_screen(fake)
    await press(fake, COORD, waiting)
    card = await press(fake, COORD, SCHOOLS[LIB1][1])
    assert "Учащихся: 1200 чел." in card and "Фонд, всего: 12 500 экз." in card
    await press(fake, COORD, md.BTN_RETURN)
    picked = await press(fake, COORD, "1. Учащихся")
    assert picked == md.RETURN_PICK.format(picked=1)
    assert await press(fake, COORD, md.BTN_NEXT) == md.ASK_RETURN_COMMENT
    comment = "Проверьте число учащихся по ОО-1"
    returned = await say(fake, COORD, comment)
    assert returned.startswith(md.RETURNED_DONE.format(school=SCHOOLS[LIB1][1]))

    # school 1 is told, fixes the question from the notice and sends again
    told_1 = await wait_text(fake, LIB1, "↩️ Анкету «")
    assert md.RETURN_COMMENT.format(comment=comment) in told_1
    assert md.NOTICE_FIX.format(labels="Учащихся") in told_1
    assert md.RETURNED in await press(fake, LIB1, md.BTN_FIX_NOW)
    fix = await press(fake, LIB1, md.BTN_FIX.format(n=1, label="Учащихся"))
    assert asked(fix) == Q.question("pupils") and "Сейчас: <b>1200 чел.</b>" in fix
    assert md.RETURNED in await say(fake, LIB1, "1 250")
    assert await press(fake, LIB1, md.BTN_SEND_AGAIN) == md.SEND_ASK
    assert await alert(fake, LIB1, t.BTN_YES) == md.SENT
    # the coordinator is told again; the notice must be in before the coordinator's next step,
    # or it would be taken for the answer to that step
    notice = md.SUBMITTED_NOTICE.split("{title}")[0].format(school=SCHOOLS[LIB1][1])
    await wait_text(fake, COORD, notice, nth=2)

    # ---- 5. both accepted, each after «Да»; each school is thanked
    await round_screen(fake)
    await press(fake, COORD, waiting)
    await press(fake, COORD, SCHOOLS[LIB1][1])
    for librarian in SCHOOLS:
        short = SCHOOLS[librarian][1]
        assert await press(fake, COORD, md.BTN_ACCEPT) == md.ACCEPT_ASK.format(school=short)
        accepted = await press(fake, COORD, t.BTN_YES)
        assert accepted.startswith(md.ACCEPTED_DONE.format(school=short))
        if librarian == LIB1:  # «Следующая анкета»: school 2's, the only one waiting
            following = await press(fake, COORD, md.BTN_NEXT_RESPONSE)
            status = md.STATUS_NAMES["submitted"]
            assert following.startswith(md.CARD_HEADER.format(school="СОШ № 2", status=status))
    for librarian in SCHOOLS:
        await wait_text(fake, librarian, "✅ Анкета «")
    stored = await settled(
        database,
        "select s.short_name, r.status, r.return_codes, r.review_comment, r.answers "
        "from monitoring_responses r join schools s on s.id = r.school_id order by s.short_name",
        until=lambda rows: {row[1] for row in rows} == {"accepted"},
    )
    assert [row[:4] for row in stored] == [
        ("СОШ № 1", "accepted", "[]", ""),  # accepting clears the questions returned
        ("СОШ № 2", "accepted", "[]", ""),
    ]
    for librarian, row in zip(SCHOOLS, stored, strict=True):
        answers = json.loads(row[4])
        pupils, readers, readers_pupils, fund, loans = FINAL[librarian]
        assert (answers["pupils"], answers["readers"], answers["readers_pupils"]) == (
            pupils,
            readers,
            readers_pupils,
        )
        assert (answers["fund"], answers["loans"]) == (fund, loans)
    assert "internet_speed" not in json.loads(stored[0][4])  # «Пропустить» stores nothing
    assert "seats_internet" not in json.loads(stored[1][4])  # skipped: no Internet

    # ---- 6. the summary and the note, downloaded from the round's screen
    await round_screen(fake)
    year = rounds[0][1]
    caption = await press(fake, COORD, md.BTN_DOC_XLSX)
    assert caption.startswith("Сводная таблица мониторинга — Иглинский район")
    assert caption.endswith(mdt.submitted_line(2, 2))
    await press(fake, COORD, md.BTN_DOC_NOTE)
    files = {
        d.file("document").filename: d.file("document").content for d in documents_to(fake, COORD)
    }
    assert set(files) == {
        mdt.file_name("svod", year, "xlsx"),
        mdt.file_name("spravka", year, "docx"),
    }

    cells = school_cells(files[mdt.file_name("svod", year, "xlsx")])
    for librarian, (pupils, readers, readers_pupils, fund, loans) in FINAL.items():
        school = cells[SCHOOLS[librarian][1]]
        assert school["Анкета"] == "принята"
        assert school["Учащихся, чел."] == pupils
        assert school["Читателей всего, чел."] == readers
        assert school["Читателей-учащихся, чел."] == readers_pupils
        assert school["Фонд, всего, экз."] == fund
        assert school["Книговыдача, экз."] == loans
        assert school["Охват чтением, %"] == pytest.approx(readers_pupils / pupils * 100)
        assert school["Книгообеспеченность"] == pytest.approx(fund / readers)
    district = cells["По району (сумма по школам)"]
    coverage = (800 + 1100) / (1250 + 1200) * 100  # 77,55 %
    provision = (12500 + 13000) / (900 + 1300)  # 11,59
    assert district["Охват чтением, %"] == pytest.approx(coverage)
    assert district["Книгообеспеченность"] == pytest.approx(provision)
    assert cells["Итого (сумма)"]["Учащихся, чел."] == 1250 + 1200

    note = docx_text(files[mdt.file_name("spravka", year, "docx")])
    assert mdt.participation(2, 2) in note
    assert f"Охват чтением составил 78{NBSP}%." in note
    assert "Книгообеспеченность составила 11,6 экз. на читателя." in note
    assert mdt.NOTE["all_submitted"] in note
