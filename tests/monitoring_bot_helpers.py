"""Helpers of the monitoring dialogue's tests: a coordinator opening a round through the bot,
a librarian answering the question on screen, the rows of the responses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import monitoring_dialog as md
from bot.toolkit.screens import h
from models import MonitoringResponse, MonitoringRound
from services.monitoring.questionnaire import Question, Questionnaire
from tests.conftest import COORDINATOR
from tests.harness import Client, Person

SMALL = """
title = "Мониторинг"

[[sections]]
code = "r"
title = "Читатели"

[[questions]]
code = "pupils"
section = "r"
label = "Учащихся"
text = "Сколько учащихся в школе?"
type = "int"
unit = "чел."
min = 0
max = 10000

[[questions]]
code = "readers_pupils"
section = "r"
label = "Читателей-учащихся"
text = "Сколько читателей среди учащихся?"
type = "int"
unit = "чел."
min = 0
max = 10000

[[questions]]
code = "site"
section = "r"
label = "Страница библиотеки"
text = "Ссылка на страницу библиотеки?"
type = "url"
required = false

[[questions]]
code = "attested"
section = "r"
label = "Дата аттестации"
text = "Дата последней аттестации?"
type = "date"
required = false

[[checks]]
left = "readers_pupils"
op = "<="
right = "pupils"
"""

SKIP = ("press", md.BTN_SKIP)
Step = str | tuple[str, Any]


def small_file(folder: Path) -> Path:
    path = folder / "monitoring.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


async def open_by_bot(client: Client, deadline: str = "20.12.2026") -> None:
    await client.send(COORDINATOR, "/monitoring")
    await client.press(COORDINATOR, md.BTN_OPEN)
    await client.send(COORDINATOR, deadline)
    await client.press(COORDINATOR, t.BTN_YES)


def on_screen(client: Client, person: Person, questionnaire: Questionnaire) -> Question | None:
    """The question the person's newest message asks, if it asks one."""
    text = client.last_text(person)
    return next((q for q in questionnaire.questions if f"<b>{h(q.text)}</b>" in text), None)


async def answer(client: Client, person: Person, step: Step) -> None:
    if isinstance(step, str):
        await client.send(person, step)
    elif step[0] == "press":
        await client.press(person, step[1])
    elif step[0] == "multi":
        for label in step[1]:
            await client.press(person, label)
        await client.press(person, md.BTN_DONE)


async def answer_all(
    client: Client, person: Person, questionnaire: Questionnaire, plan: Mapping[str, Step]
) -> list[str]:
    """Answer each question as it comes, by the plan, until the end; the codes asked."""
    asked: list[str] = []
    while (question := on_screen(client, person, questionnaire)) is not None:
        assert question.code not in asked, f"{question.code} asked twice"
        asked.append(question.code)
        await answer(client, person, plan[question.code])
    return asked


async def responses(pool: async_sessionmaker[AsyncSession]) -> dict[int, MonitoringResponse]:
    async with pool() as s:
        rows = (await s.scalars(select(MonitoringResponse))).all()
        return {r.school_id: r for r in rows}


async def rounds(pool: async_sessionmaker[AsyncSession]) -> list[MonitoringRound]:
    async with pool() as s:
        return list((await s.scalars(select(MonitoringRound))).all())


# what a librarian answers to the default questionnaire on the ordinary path
PLAN: dict[str, Step] = {
    "pupils": "1 200",
    "readers": "900",
    "readers_pupils": "800",
    "visits": "10 000",
    "loans": "15000",
    "working_days": "200",
    "fund": "12 500",
    "fund_textbooks": "6000",
    "fund_teaching_aids": "500",
    "fund_fiction": "4000",
    "fund_reference": "300",
    "fund_printed": "12000",
    "fund_audiovisual": "0",
    "fund_electronic": "10",
    "internet": ("press", t.BTN_YES),
    "internet_speed": SKIP,
    "seats": "20",
    "seats_computer": "5",
    "seats_internet": "5",
    "computers": "6",
    "printer": ("press", t.BTN_YES),
    "scanner": ("press", t.BTN_NO),
    "mfd": ("press", t.BTN_YES),
    "interactive_board": ("press", t.BTN_NO),
    "e_catalogue": ("press", t.BTN_YES),
    "library_software": ("press", "ИРБИС"),
    "cloud_platform": ("press", t.BTN_NO),
    "staff_count": "1",
    "staff_courses": "1",
    "head_education": ("press", "Высшее педагогическое"),
    "head_category": ("press", "Первая"),
    "head_attestation_date": "15.03.2024",
    "publications_count": "2",
    "publications_links": "https://school1.ru/news/1\nhttps://vk.com/wall-1_2",
    "forums": ("multi", ["Уфимский салон образования", "Другие"]),
    "forums_other": "Семинар в Уфе",
}
