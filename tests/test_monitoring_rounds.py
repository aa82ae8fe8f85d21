"""A monitoring round: opened with a deadline as a calendar event, one shared draft per school,
sent once, returned with the questions to fix, and the event answered for the reminders."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts import reminders as r
from bot.toolkit.callbacks import MonAction, MonCb, TaskAction, TaskCb
from bot.toolkit.reminder_texts import RussianRenderer
from models import (
    Confirmation,
    Event,
    EventKind,
    EventStatus,
    MonitoringResponse,
    MonitoringRound,
    Notification,
    ResponseStatus,
    User,
)
from services.answered import answered_schools
from services.errors import NotFoundError, ValidationError
from services.monitoring.answers import parse_answer
from services.monitoring.questionnaire import parse_questionnaire
from services.monitoring.rounds import (
    confirm_change,
    last_year,
    open_round,
    own_response,
    readiness,
    review,
    save_answer,
    school_response,
    submit,
)
from services.reminders import ReminderConfig, plan_reminders
from tests.conftest import LIBRARIAN, OTHER, DistrictSetup, FixedClock, join_school
from tests.harness import Client

TZ = ZoneInfo("Asia/Yekaterinburg")
QUESTIONS: dict[str, Any] = {
    "title": "Мониторинг",
    "sections": [{"code": "r", "title": "Читатели"}],
    "questions": [
        {
            "code": "pupils",
            "section": "r",
            "label": "Учащихся",
            "text": "Учащихся?",
            "type": "int",
            "min": 0,
            "max": 10000,
        },
        {
            "code": "readers_pupils",
            "section": "r",
            "label": "Читателей-учащихся",
            "text": "Читателей среди учащихся?",
            "type": "int",
            "min": 0,
            "max": 10000,
        },
        {
            "code": "site",
            "section": "r",
            "label": "Сайт",
            "text": "Ссылка?",
            "type": "url",
            "required": False,
        },
    ],
    "checks": [{"left": "readers_pupils", "op": "<=", "right": "pupils"}],
}


async def _user(session: AsyncSession, telegram_id: int) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    assert user is not None
    return user


async def _open(
    pool: async_sessionmaker[AsyncSession], district_id: int, clock: FixedClock, year: int = 2026
) -> int:
    async with pool.begin() as session:
        round_ = await open_round(
            session,
            district_id,
            year,
            QUESTIONS,
            f"Мониторинг ШИБЦ {year}/{year + 1 - 2000}",
            clock().date(),
            datetime(year, 12, 20, 18, 0),  # noqa: DTZ001 - a local wall time
            TZ,
            None,
            clock,
        )
        return round_.id


async def _answer(
    pool: async_sessionmaker[AsyncSession],
    person_id: int,
    round_id: int,
    code: str,
    raw: str,
    clock: FixedClock,
) -> None:

    async with pool.begin() as session:
        user = await _user(session, person_id)
        round_ = await session.get(MonitoringRound, round_id)
        assert round_ is not None
        response = await school_response(session, round_, user, clock())
        question = parse_questionnaire(round_.questionnaire).question(code)
        value = parse_answer(question, raw, today=clock().date())
        await save_answer(session, round_, response, code, value, 1, user, clock())


async def test_a_round_from_opening_to_a_returned_and_fixed_response(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    round_id = await _open(session_pool, district_setup.district_id, clock)
    async with session_pool() as session:
        event = await session.scalar(select(Event).where(Event.kind == EventKind.MONITORING))
        assert event is not None
        assert event.status is EventStatus.OPEN
        assert event.deadline_at.astimezone(TZ) == datetime(2026, 12, 20, 18, 0, tzinfo=TZ)
        event_id = event.id
    with pytest.raises(ValidationError) as twice:
        await _open(session_pool, district_setup.district_id, clock)
    assert twice.value.code == "round_exists"

    await _answer(session_pool, LIBRARIAN.id, round_id, "pupils", "1 200", clock)
    await _answer(session_pool, LIBRARIAN.id, round_id, "readers_pupils", "1 300", clock)

    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_ = await session.get(MonitoringRound, round_id)
        assert round_ is not None
        response = await school_response(session, round_, user, clock())
        assert response.answers == {"pupils": 1200, "readers_pupils": 1300}
        not_ready = await readiness(session, round_, response)
        assert [f.code for f in not_ready.failures] == ["cross_le"]
        with pytest.raises(ValidationError) as refused:
            await submit(session, round_, response, user, clock())
        assert refused.value.code == "response_not_ready"
        response_id = response.id

    # a librarian of another school cannot open it; its own librarian fixes the figure
    async with session_pool() as session:
        other = await _user(session, OTHER.id)
        with pytest.raises(NotFoundError):  # another school's response is not theirs
            await own_response(session, response_id, other)
    await _answer(session_pool, LIBRARIAN.id, round_id, "readers_pupils", "900", clock)
    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_, response = await own_response(session, response_id, user)
        await submit(session, round_, response, user, clock())
        assert response.status is ResponseStatus.SUBMITTED
    async with session_pool() as session:
        assert await answered_schools(session, event_id) == {district_setup.school_id}

    # returned with the question to fix; fixed and sent again
    async with session_pool.begin() as session:
        coordinator = await session.scalar(select(User).where(User.telegram_id == 2001))
        assert coordinator is not None
        sent = await session.get(MonitoringResponse, response_id)
        assert sent is not None
        with pytest.raises(ValidationError):
            await review(session, sent, coordinator, clock(), accept=False)
        await review(
            session,
            sent,
            coordinator,
            clock(),
            accept=False,
            comment="Проверьте",
            codes=("pupils",),
        )
    async with session_pool() as session:
        assert await answered_schools(session, event_id) == set()  # reminded again
    await _answer(session_pool, LIBRARIAN.id, round_id, "pupils", "1250", clock)
    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_, response = await own_response(session, response_id, user)
        await submit(session, round_, response, user, clock())
    async with session_pool() as session:
        stored = await session.get(MonitoringResponse, response_id)
        assert stored is not None
        assert (stored.status, stored.answers["pupils"]) == (ResponseStatus.SUBMITTED, 1250)


async def test_two_librarians_sending_at_once_one_wins(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:

    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await join_school(client, OTHER, session_pool, district_setup.school_id)
    round_id = await _open(session_pool, district_setup.district_id, clock)
    await _answer(session_pool, LIBRARIAN.id, round_id, "pupils", "100", clock)
    await _answer(session_pool, OTHER.id, round_id, "readers_pupils", "50", clock)

    async def send(person_id: int) -> str:
        try:
            async with session_pool.begin() as session:
                user = await _user(session, person_id)
                round_ = await session.get(MonitoringRound, round_id)
                assert round_ is not None
                response = await school_response(session, round_, user, clock())
                await submit(session, round_, response, user, clock())
        except ValidationError as exc:
            return exc.code
        return "sent"

    outcomes = await asyncio.gather(send(LIBRARIAN.id), send(OTHER.id))
    assert sorted(outcomes) == ["response_already_sent", "sent"]
    async with session_pool() as session:
        responses = (await session.scalars(select(MonitoringResponse))).all()
        assert len(responses) == 1  # one shared draft


async def test_last_years_answers_and_a_big_change_asks_verno(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:

    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    old_round = await _open(session_pool, district_setup.district_id, clock, year=2026)
    await _answer(session_pool, LIBRARIAN.id, old_round, "pupils", "100", clock)
    await _answer(session_pool, LIBRARIAN.id, old_round, "readers_pupils", "50", clock)
    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_ = await session.get(MonitoringRound, old_round)
        assert round_ is not None
        response = await school_response(session, round_, user, clock())
        await submit(session, round_, response, user, clock())
    clock.now += timedelta(days=365)
    new_round = await _open(session_pool, district_setup.district_id, clock, year=2027)
    await _answer(session_pool, LIBRARIAN.id, new_round, "pupils", "300", clock)
    await _answer(session_pool, LIBRARIAN.id, new_round, "readers_pupils", "60", clock)
    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_ = await session.get(MonitoringRound, new_round)
        assert round_ is not None
        response = await school_response(session, round_, user, clock())
        assert await last_year(session, round_, district_setup.school_id) == {
            "pupils": 100,
            "readers_pupils": 50,
        }
        not_ready = await readiness(session, round_, response)
        assert [c.code for c in not_ready.changes] == ["pupils"]  # 100 → 300
        await confirm_change(session, response, "pupils", clock())
        assert not await readiness(session, round_, response)
        await submit(session, round_, response, user, clock())


async def test_a_round_is_reminded_with_the_questionnaire_and_is_no_task_to_confirm(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    round_id = await _open(session_pool, district_setup.district_id, clock)
    await _answer(session_pool, LIBRARIAN.id, round_id, "pupils", "100", clock)
    await _answer(session_pool, LIBRARIAN.id, round_id, "readers_pupils", "50", clock)
    async with session_pool.begin() as session:
        user = await _user(session, LIBRARIAN.id)
        round_ = await session.get(MonitoringRound, round_id)
        assert round_ is not None
        response = await school_response(session, round_, user, clock())
        await submit(session, round_, response, user, clock())
        event = await session.get(Event, round_.event_id)
        assert event is not None
        event_id, deadline = event.id, event.deadline_at
    # the 7-day step, at 10:00 local: only the school that has not sent is reminded, with a
    # button to the questionnaire
    config = ReminderConfig(tz=TZ)
    day = (deadline - timedelta(days=7)).astimezone(TZ).date()
    clock.now = datetime.combine(day, config.reminder_time, TZ) + timedelta(minutes=1)
    async with session_pool.begin() as session:
        assert await plan_reminders(session, clock(), config, RussianRenderer(TZ)) == 1
    async with session_pool() as session:
        [note] = (await session.scalars(select(Notification))).all()
    assert note.chat_id == OTHER.id
    assert note.payload["buttons"][0][0] == {
        "text": r.BTN_FILL,
        "data": MonCb(action=MonAction.FILL, round_id=round_id).pack(),
    }
    assert "заполните анкету" in note.payload["text"]
    # /tasks lists no monitoring to confirm, and a forged «confirm» of it is refused
    client.clear()
    await client.send(OTHER, "/tasks")
    assert not any("Мониторинг ШИБЦ" in b for b in client.buttons(OTHER))
    await client.press_data(OTHER, TaskCb(action=TaskAction.CONFIRM, event_id=event_id).pack())
    assert client.alerts()[-1] in (t.FORBIDDEN_BUTTON, t.STALE_BUTTON, ev.UNKNOWN_EVENT)
    async with session_pool() as session:
        assert (await session.scalars(select(Confirmation))).all() == []
