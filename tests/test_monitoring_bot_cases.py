"""The monitoring in the bot on a short questionnaire: last year's answers offered, «Верно?»,
the shared draft continued by a second librarian, two librarians sending at once, forged
buttons, a broken questionnaire file."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.texts import common as t
from bot.texts import monitoring as mt
from bot.texts import monitoring_dialog as md
from bot.toolkit.callbacks import MonAction, MonCb
from bot.toolkit.screens import error_text
from models import ResponseStatus
from services.errors import ValidationError
from services.monitoring.progress import read_questionnaire_file
from services.monitoring.rounds import close_round, open_round, review, school_response, submit
from services.users import get_user
from tests.conftest import COORDINATOR, LIBRARIAN, OTHER, DistrictSetup, FixedClock, join_school
from tests.dump import dump_tables
from tests.harness import Client, Person
from tests.monitoring_bot_helpers import open_by_bot, responses, rounds, small_file

TZ = ZoneInfo("Asia/Yekaterinburg")
SECOND = Person(id=3077, first_name="Вера", last_name="Вторая")


async def _last_year(
    pool: async_sessionmaker[AsyncSession], clock: FixedClock, district_id: int, path: Path
) -> None:
    """The school's accepted answers in the 2025/26 round: 1250 pupils, 500 readers."""
    async with pool.begin() as s:
        user = await get_user(s, LIBRARIAN.id)
        coordinator = await get_user(s, COORDINATOR.id)
        assert user is not None and coordinator is not None
        old = await open_round(
            s,
            district_id,
            2025,
            read_questionnaire_file(path),
            "Мониторинг ШИБЦ 2025/26",
            clock().date(),
            datetime(2026, 12, 1, 18, 0),  # noqa: DTZ001 - a local wall time
            TZ,
            None,
            clock,
        )
        response = await school_response(s, old, user, clock())
        response.answers = {"pupils": 1250, "readers_pupils": 500}
        await s.flush()
        await submit(s, old, response, user, clock())
        await review(s, response, coordinator, clock(), accept=True)
        await close_round(s, old, clock)


async def _small(settings: Settings, tmp_path: Path) -> Path:
    path = small_file(tmp_path)
    settings.monitoring_questionnaire = str(path)
    return path


async def test_last_years_answer_kept_with_one_tap_and_a_big_change_asks_verno(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    settings: Settings,
    tmp_path: Path,
) -> None:
    path = await _small(settings, tmp_path)
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await _last_year(session_pool, clock, district_setup.district_id, path)
    await open_by_bot(client)
    await client.send(LIBRARIAN, "/monitoring")
    assert md.LAST_YEAR_OFFER in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, md.BTN_START)
    text = client.last_text(LIBRARIAN)
    assert mt.QUESTION_NUMBER.format(n=1, m=4) in text and "В прошлом году: 1250 чел." in text
    row = (await responses(session_pool))[district_setup.school_id]
    assert row.answers == {}  # offered, not stored
    await client.press(LIBRARIAN, md.BTN_KEEP.format(value="1250"))
    assert "Сколько читателей среди учащихся?" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "100")  # 500 → 100: more than half down
    await client.press(LIBRARIAN, md.BTN_SKIP)
    await client.press(LIBRARIAN, md.BTN_BACK)  # back to the link, then skip it again
    assert "Ссылка на страницу библиотеки?" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "school.ru")  # a link that is not a URL
    assert client.last_text(LIBRARIAN).startswith(
        error_text(ValidationError("url_no_scheme", value="school.ru"))
    )
    await client.press(LIBRARIAN, md.BTN_SKIP)
    await client.send(LIBRARIAN, "01.01.2030")  # a date in the future
    assert client.last_text(LIBRARIAN).startswith(
        error_text(ValidationError("answer_date_in_future", today=clock().date()))
    )
    await client.press(LIBRARIAN, md.BTN_SKIP)
    text = client.last_text(LIBRARIAN)
    assert (
        mt.YEAR_CHANGE.format(label="Читателей-учащихся", old="500 чел.", new="100 чел.") in text
    )
    await client.press(LIBRARIAN, md.BTN_CHANGE_FIX)  # not meant: back to the question
    assert "Сколько читателей среди учащихся?" in client.last_text(LIBRARIAN)
    await client.send(LIBRARIAN, "200")
    assert "Всё верно?" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, md.BTN_CHANGE_OK)
    assert md.SUMMARY_HEADER.format(status="черновик") in client.last_text(LIBRARIAN)
    row = (await responses(session_pool))[district_setup.school_id]
    assert row.answers == {"pupils": 1250, "readers_pupils": 200}
    assert row.confirmed == ["readers_pupils"]
    await client.press(LIBRARIAN, md.BTN_SEND)
    assert client.last_text(LIBRARIAN) == md.SEND_ASK  # asked first: nothing sent yet
    row = (await responses(session_pool))[district_setup.school_id]
    assert row.status is ResponseStatus.DRAFT
    await client.press(LIBRARIAN, t.BTN_YES)
    row = (await responses(session_pool))[district_setup.school_id]
    assert row.status is ResponseStatus.SUBMITTED


async def test_a_second_librarian_continues_the_draft_and_two_sending_at_once_one_wins(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    settings: Settings,
    tmp_path: Path,
) -> None:
    await _small(settings, tmp_path)
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await join_school(client, SECOND, session_pool, district_setup.school_id)
    await open_by_bot(client)
    await client.send(LIBRARIAN, "/monitoring")
    await client.press(LIBRARIAN, md.BTN_START)
    await client.send(LIBRARIAN, "300")
    # «Продолжу позже» on a question: the answers are kept, the school's screen offers to go on
    await client.press(LIBRARIAN, md.BTN_LATER)
    assert md.BTN_CONTINUE.format(n=2) in client.buttons(LIBRARIAN)
    # the second librarian finds the same draft and goes on from question 2
    await client.send(SECOND, "/monitoring")
    assert md.DRAFT.format(answered=1, total="4 вопроса") in client.last_text(SECOND)
    await client.press(SECOND, md.BTN_CONTINUE.format(n=2))
    await client.send(SECOND, "200")
    await client.press(SECOND, md.BTN_SKIP)
    await client.press(SECOND, md.BTN_SKIP)
    assert md.SUMMARY_HEADER.format(status="черновик") in client.last_text(SECOND)
    rows = await responses(session_pool)
    assert len(rows) == 1
    assert rows[district_setup.school_id].answers == {"pupils": 300, "readers_pupils": 200}
    await client.send(LIBRARIAN, "/monitoring")
    await client.press(LIBRARIAN, md.BTN_SUMMARY)
    await client.press(LIBRARIAN, md.BTN_SEND)
    first = client.find_button(LIBRARIAN, t.BTN_YES)
    await client.send(SECOND, "/monitoring")
    await client.press(SECOND, md.BTN_SUMMARY)
    await client.press(SECOND, md.BTN_SEND)
    second = client.find_button(SECOND, t.BTN_YES)
    client.clear()
    await asyncio.gather(
        client.press_data(LIBRARIAN, first[1], first[0]),
        client.press_data(SECOND, second[1], second[0]),
    )
    alerts = sorted(client.alerts())
    assert alerts == sorted([md.SENT, error_text(ValidationError("response_already_sent"))])
    row = (await responses(session_pool))[district_setup.school_id]
    assert row.status is ResponseStatus.SUBMITTED


async def test_forged_buttons_are_refused_and_change_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
    settings: Settings,
    tmp_path: Path,
) -> None:
    await _small(settings, tmp_path)
    school_1, _ = two_schools
    await open_by_bot(client)
    await client.send(LIBRARIAN, "/monitoring")
    await client.press(LIBRARIAN, md.BTN_START)
    response_id = (await responses(session_pool))[school_1].id
    (round_,) = await rounds(session_pool)
    before = await dump_tables(session_pool)
    forged = [
        # another school's draft: answer, open, send
        (
            OTHER,
            MonCb(action=MonAction.ANSWER, response_id=response_id, value=0),
            md.UNKNOWN_RESPONSE,
        ),
        (OTHER, MonCb(action=MonAction.QUESTION, response_id=response_id), md.UNKNOWN_RESPONSE),
        (OTHER, MonCb(action=MonAction.SEND, response_id=response_id), md.UNKNOWN_RESPONSE),
        # a question out of range, a choice a yes/no question has not
        (
            LIBRARIAN,
            MonCb(action=MonAction.QUESTION, response_id=response_id, value=40),
            md.UNKNOWN_QUESTION,
        ),
        (
            LIBRARIAN,
            MonCb(action=MonAction.ANSWER, response_id=response_id, value=0, item=1),
            t.STALE_BUTTON,
        ),
        (
            LIBRARIAN,
            MonCb(action=MonAction.SKIP, response_id=response_id, value=0),
            t.STALE_BUTTON,
        ),
        # a librarian pressing the coordinator's buttons
        (LIBRARIAN, MonCb(action=MonAction.ACCEPT, response_id=response_id), t.UNHANDLED_BUTTON),
        (LIBRARIAN, MonCb(action=MonAction.CLOSE_OK, round_id=round_.id), t.UNHANDLED_BUTTON),
        # a round that is not there
        (COORDINATOR, MonCb(action=MonAction.ROUND, round_id=round_.id + 1), md.UNKNOWN_ROUND),
        (
            COORDINATOR,
            MonCb(action=MonAction.CARD, response_id=response_id + 5),
            md.UNKNOWN_RESPONSE,
        ),
    ]
    for person, data, refusal in forged:
        client.clear()
        await client.press_data(person, data.pack())
        assert client.alerts() == [refusal], data
        assert await dump_tables(session_pool) == before, data


async def test_a_broken_questionnaire_file_opens_nothing(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
    settings: Settings,
    tmp_path: Path,
) -> None:
    path = small_file(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('code = "site"', 'code = "pupils"'),
        encoding="utf-8",
    )
    settings.monitoring_questionnaire = str(path)
    await open_by_bot(client)
    refusal = md.QUESTIONNAIRE_BROKEN.format(
        reason=error_text(ValidationError("duplicate_question", question="pupils"))
    )
    assert client.alerts()[-1] == refusal
    assert not await rounds(session_pool)
    assert md.BTN_OPEN in client.buttons(COORDINATOR)
