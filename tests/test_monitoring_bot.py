"""The monitoring in the bot, end to end with the default questionnaire: a coordinator opens a
round, two schools answer on their phones (bad answers refused on the way), one is returned and
fixed, both are accepted; the rows and the outbox's messages at every step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import monitoring as mt
from bot.texts import monitoring_dialog as md
from bot.toolkit.screens import error_text
from models import Event, EventKind, EventStatus, ResponseStatus
from services.errors import ValidationError
from tests.conftest import COORDINATOR, LIBRARIAN, OTHER, DistrictSetup, FixedClock
from tests.harness import Client
from tests.monitoring_bot_helpers import (
    PLAN,
    answer,
    answer_all,
    on_screen,
    responses,
    rounds,
)
from tests.monitoring_helpers import default_questionnaire

Q = default_questionnaire()

STORED: dict[str, Any] = {
    "pupils": 1200,
    "readers": 900,
    "readers_pupils": 800,
    "visits": 10000,
    "loans": 15000,
    "working_days": 200,
    "fund": 12500,
    "fund_textbooks": 6000,
    "fund_teaching_aids": 500,
    "fund_fiction": 4000,
    "fund_reference": 300,
    "fund_printed": 12000,
    "fund_audiovisual": 0,
    "fund_electronic": 10,
    "internet": True,
    "seats": 20,
    "seats_computer": 5,
    "seats_internet": 5,
    "computers": 6,
    "printer": True,
    "scanner": False,
    "mfd": True,
    "interactive_board": False,
    "e_catalogue": True,
    "library_software": "irbis",
    "cloud_platform": False,
    "staff_count": 1,
    "staff_courses": 1,
    "head_education": "higher_teaching",
    "head_category": "first",
    "head_attestation_date": "2024-03-15",
    "publications_count": 2,
    "publications_links": ["https://school1.ru/news/1", "https://vk.com/wall-1_2"],
    "forums": ["ufa_salon", "other"],
    "forums_other": "Семинар в Уфе",
}


def _refusal(code: str, **params: object) -> str:
    return error_text(ValidationError(code, **params))


async def test_a_round_opened_answered_by_two_schools_returned_fixed_and_accepted(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    school_1, school_2 = two_schools

    # the coordinator opens the round: the deadline typed as a date means 18:00 local
    await client.send(COORDINATOR, "/monitoring")
    assert md.NO_OPEN_ROUND in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, md.BTN_OPEN)
    await client.send(COORDINATOR, "31.02.2026")  # no such day
    assert "06.11.2026 18:00" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "20.11.2026")  # past
    assert client.last_text(COORDINATOR).startswith(_refusal("deadline_past"))
    await client.send(COORDINATOR, "20.12.2026")
    assert client.last_text(COORDINATOR) == md.CONFIRM_OPEN.format(
        label="2026/27", deadline="20.12.2026 18:00"
    )
    assert not await rounds(session_pool)
    await client.press(COORDINATOR, t.BTN_YES)
    assert md.OPENED.format(deadline="20.12.2026 18:00", told="2 библиотекаря") in (
        client.last_text(COORDINATOR)
    )
    (round_,) = await rounds(session_pool)
    assert (round_.year, round_.status.value) == (2026, "open")
    async with session_pool() as s:
        event = await s.scalar(select(Event).where(Event.kind == EventKind.MONITORING))
        assert event is not None
        assert event.status is EventStatus.OPEN
        assert event.deadline_at.replace(tzinfo=UTC) == datetime(2026, 12, 20, 13, 0, tzinfo=UTC)

    # every librarian of the district is invited through the outbox, with «Заполнить»
    assert await client.drain() == 2
    for person in (LIBRARIAN, OTHER):
        assert client.last_text(person).startswith("📊 Отдел образования открыл")
        assert md.BTN_FILL in client.buttons(person)

    # school 1: every bad answer of the issue is refused and stays on the question
    await client.press(LIBRARIAN, md.BTN_FILL)
    assert md.NOT_STARTED.split(":")[0] in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, md.BTN_START)
    text = client.last_text(LIBRARIAN)
    assert mt.QUESTION_NUMBER.format(n=1, m=35) in text  # the skipped one not counted
    bad: list[tuple[str, str, str]] = [
        ("pupils", "много", _refusal("not_a_number", value="много")),
        ("pupils", "-5", _refusal("negative", unit="чел.")),
        ("working_days", "1,5", _refusal("not_whole", value="1,5")),
        (
            "head_attestation_date",
            "01.01.2030",
            _refusal("answer_date_in_future", today=clock().date()),
        ),
        ("publications_links", "ссылка на сайт", _refusal("answer_bad_url", value="ссылка")),
    ]
    asked: list[str] = []
    while (question := on_screen(client, LIBRARIAN, Q)) is not None:
        for code, typed, refusal in bad:
            if code == question.code:
                before = (await responses(session_pool))[school_1].answers
                await client.send(LIBRARIAN, typed)
                assert client.last_text(LIBRARIAN).startswith(refusal), (code, typed)
                assert (await responses(session_pool))[school_1].answers == before
        asked.append(question.code)
        await answer(client, LIBRARIAN, PLAN[question.code])
    assert "internet_speed" in asked and "forums_other" in asked
    assert md.SUMMARY_HEADER.format(status=md.STATUS_NAMES["draft"]) in client.last_text(LIBRARIAN)
    stored = (await responses(session_pool))[school_1]
    assert stored.answers == STORED  # «10 000» is 10000, «Пропустить» stores nothing
    assert stored.status is ResponseStatus.DRAFT
    await client.press(LIBRARIAN, md.BTN_SEND)
    await client.press(LIBRARIAN, t.BTN_YES)
    assert client.alerts()[-1] == md.SENT
    assert (await responses(session_pool))[school_1].status is ResponseStatus.SUBMITTED

    # school 2: readers among pupils above pupils is caught at the end and fixed
    plan_2 = dict(PLAN, readers_pupils="1 300", readers="1 300")
    await client.press(OTHER, md.BTN_FILL)
    await client.press(OTHER, md.BTN_START)
    await answer_all(client, OTHER, Q, plan_2)
    text = client.last_text(OTHER)
    assert md.CHECKS_HEADER in text
    assert "«Читателей-учащихся» (1300) не может быть больше, чем «Учащихся» (1200)" in text
    await client.press(OTHER, md.BTN_SUMMARY)
    await client.press(OTHER, md.BTN_SEND)  # refused: the checks again
    assert client.alerts()[-1] == _refusal("response_not_ready")
    assert md.CHECKS_HEADER in client.last_text(OTHER)
    assert (await responses(session_pool))[school_2].status is ResponseStatus.DRAFT
    await client.press(OTHER, md.BTN_FIX.format(n=3, label="Читателей-учащихся"))
    await client.send(OTHER, "1 100")
    assert md.SUMMARY_HEADER.format(status=md.STATUS_NAMES["draft"]) in client.last_text(OTHER)
    await client.press(OTHER, md.BTN_SEND)
    await client.press(OTHER, t.BTN_YES)
    rows = await responses(session_pool)
    assert rows[school_2].status is ResponseStatus.SUBMITTED
    assert rows[school_2].answers["readers_pupils"] == 1100
    # the coordinator heard of each sent response, with a button to its card
    client.clear()
    await client.drain()
    notices = client.texts(COORDINATOR)
    assert len(notices) == 2 and all("отправила анкету «" in n for n in notices)
    assert client.buttons(COORDINATOR) == [md.BTN_OPEN_RESPONSE]

    # the coordinator sees both waiting, returns school 1 naming «Учащихся»
    await client.send(COORDINATOR, "/monitoring")
    assert md.BTN_PROGRESS.format(name="Ждут проверки", count=2) in client.buttons(COORDINATOR)
    assert md.BTN_DOC_XLSX in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, md.BTN_PROGRESS.format(name="Ждут проверки", count=2))
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    card = client.last_text(COORDINATOR)
    assert "Фонд, всего: 12 500 экз." in card and "Посещений: 10 000 раз" in card
    await client.press(COORDINATOR, md.BTN_RETURN)
    await client.press(COORDINATOR, md.BTN_NEXT)  # nothing picked: a comment is then needed
    assert md.BTN_NO_COMMENT not in client.buttons(COORDINATOR)
    await client.send(COORDINATOR, "/cancel")
    assert (await responses(session_pool))[school_1].status is ResponseStatus.SUBMITTED
    await client.send(COORDINATOR, "/monitoring")
    await client.press(COORDINATOR, md.BTN_PROGRESS.format(name="Ждут проверки", count=2))
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    await client.press(COORDINATOR, md.BTN_RETURN)
    await client.press(COORDINATOR, "1. Учащихся")
    assert "✓ 1. Учащихся" in client.buttons(COORDINATOR)
    await client.press(COORDINATOR, md.BTN_NEXT)
    await client.send(COORDINATOR, "Проверьте число учащихся по ОО-1")
    assert client.last_text(COORDINATOR).startswith(
        md.RETURNED_DONE.format(school="МБОУ СОШ № 1 с. Иглино")
    )
    row = (await responses(session_pool))[school_1]
    assert row.status is ResponseStatus.RETURNED
    assert (row.return_codes, row.review_comment) == (
        ["pupils"],
        "Проверьте число учащихся по ОО-1",
    )

    # school 1 is told, with the comment and the question; fixes it and sends again
    assert await client.drain() == 1
    notice = client.last_text(LIBRARIAN)
    assert "Проверьте число учащихся по ОО-1" in notice and "Исправьте: Учащихся." in notice
    await client.press(LIBRARIAN, md.BTN_FIX_NOW)
    assert md.RETURNED in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, md.BTN_FIX.format(n=1, label="Учащихся"))
    await client.send(LIBRARIAN, "1 250")
    await client.press(LIBRARIAN, md.BTN_SEND_AGAIN)
    assert client.last_text(LIBRARIAN) == md.SEND_ASK
    await client.press(LIBRARIAN, t.BTN_YES)
    row = (await responses(session_pool))[school_1]
    assert (row.status, row.answers["pupils"]) == (ResponseStatus.SUBMITTED, 1250)

    # both accepted, one after the other («Следующая анкета»); each school is told
    await client.send(COORDINATOR, "/monitoring")
    waiting = next(b for b in client.buttons(COORDINATOR) if b.startswith("Ждут проверки"))
    await client.press(COORDINATOR, waiting)
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    for school in ("МБОУ СОШ № 1 с. Иглино", "СОШ № 2"):
        await client.press(COORDINATOR, md.BTN_ACCEPT)
        assert client.last_text(COORDINATOR) == md.ACCEPT_ASK.format(school=school)
        await client.press(COORDINATOR, t.BTN_YES)
        assert client.last_text(COORDINATOR).startswith(md.ACCEPTED_DONE.format(school=school))
        if school != "СОШ № 2":
            await client.press(COORDINATOR, md.BTN_NEXT_RESPONSE)
    assert md.BTN_NEXT_RESPONSE not in client.buttons(COORDINATOR)  # nothing else waits
    rows = await responses(session_pool)
    assert {r.status for r in rows.values()} == {ResponseStatus.ACCEPTED}
    # the coordinator's notice of school 1 sent again, and the two schools' acceptances
    assert await client.drain() == 3
    for person in (LIBRARIAN, OTHER):
        assert client.last_text(person).startswith("✅ Анкета «")
    await client.send(LIBRARIAN, "/monitoring")
    assert md.ACCEPTED in client.last_text(LIBRARIAN)

    # closing asks first
    await client.send(COORDINATOR, "/monitoring")
    await client.press(COORDINATOR, md.BTN_CLOSE)
    assert (await rounds(session_pool))[0].status.value == "open"
    await client.press(COORDINATOR, t.BTN_YES)
    assert (await rounds(session_pool))[0].status.value == "closed"
    assert md.CLOSED in client.last_text(COORDINATOR)
