"""User text in HTML replies: every template takes hostile values and stays valid HTML.

The recording session (tests/harness.py) parses every text and caption sent in HTML parse mode
as Telegram does and records a violation otherwise, so every dispatcher test checks it; here
the values are hostile on purpose.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.texts
from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import ReviewAction, ReviewCb, SchoolAction, SchoolCb
from bot.toolkit.screens import error_text, h
from models import Confirmation, District, Event, Evidence, School, User
from services.errors import ValidationError
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.harness import Client, Person, html_problem
from tests.test_confirmations import make_event

HOSTILE = "a<b>&\"'</i>"
ESCAPED = h(HOSTILE)


class _Values(dict[str, Any]):
    """Any field a template asks for: the escaped hostile text (or a number)."""

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, key: str) -> object:
        return self.value


def _templates() -> Iterator[tuple[str, object]]:
    for info in pkgutil.iter_modules(bot.texts.__path__):
        module = importlib.import_module(f"bot.texts.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_") or name.isupper() is False:
                continue
            if isinstance(value, str):
                yield f"{info.name}.{name}", value
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, str) or callable(item):
                        yield f"{info.name}.{name}[{key!r}]", item


def _render(template: object, value: object) -> str:
    if callable(template):
        return str(template(_Values(value)))
    assert isinstance(template, str)
    return template.format_map(_Values(value))


def _fill(template: object) -> list[str]:
    """The template with every field escaped-hostile; with numbers where it needs numbers."""
    rendered: list[str] = []
    for value in (ESCAPED, 5, 1):
        try:
            rendered.append(_render(template, value))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            continue
    return rendered


def test_every_template_of_the_texts_is_valid_html_with_hostile_values() -> None:
    checked = 0
    for name, template in _templates():
        if isinstance(template, str) and not any(
            field for _, field, _, _ in string.Formatter().parse(template)
        ):
            assert html_problem(template) is None, name
            continue
        for text in _fill(template):
            assert html_problem(text) is None, (name, text)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("code", sorted({*ev.ERRORS, *t.VALIDATION}))
def test_every_refusal_escapes_its_parameters(code: str) -> None:
    """error_text() is the path every refused value takes; its string parameters are user's."""
    template = ev.ERRORS.get(code) or t.VALIDATION[code]
    names = (
        [f for _, f, _, _ in string.Formatter().parse(template) if f]
        if isinstance(template, str)
        else ["name", "value", "status", "max", "min", "length", "size"]
    )
    params: dict[str, object] = dict.fromkeys(names, HOSTILE)
    try:
        text = error_text(ValidationError(code, **params))
    except (ValueError, TypeError):  # a number-only template
        text = error_text(ValidationError(code, **dict.fromkeys(names, 5)))
    assert html_problem(text) is None, text
    assert HOSTILE not in text


async def test_an_evidence_file_with_a_tag_in_its_name_is_refused_in_valid_html(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    """The issue's example: `a<b>.exe` made the refusal invalid HTML (Telegram answers 400)."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await make_event(session_pool, clock, district_setup.district_id)
    await client.send(LIBRARIAN, "/tasks")
    await client.press(LIBRARIAN, "⬜ Неделя детской книги")
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    await client.press(LIBRARIAN, ev.BTN_TODAY.format(day="25.11.2026"))
    await client.send(LIBRARIAN, "25")
    await client.press(LIBRARIAN, ev.BTN_SKIP)
    client.clear()
    await client.send_document(LIBRARIAN, "a<b>.exe", b"MZ", "application/octet-stream")
    assert "a&lt;b&gt;.exe" in client.last_text(LIBRARIAN)
    assert not client.session.violations
    assert await session.scalar(select(Evidence.id)) is None


async def _hostile_names(
    session_pool: async_sessionmaker[AsyncSession], setup: DistrictSetup, person: Person
) -> None:
    async with session_pool.begin() as s:
        await s.execute(
            update(District).where(District.id == setup.district_id).values(name=HOSTILE)
        )
        await s.execute(
            update(School)
            .where(School.id == setup.school_id)
            .values(full_name=f"Школа {HOSTILE}", short_name=HOSTILE)
        )
        await s.execute(
            update(User).where(User.telegram_id == person.id).values(full_name=HOSTILE)
        )


async def _press_containing(client: Client, person: Person, part: str) -> None:
    for message in sorted(
        client.session.chats.get(person.id, {}).values(), key=lambda m: -m.message_id
    ):
        for row in message.markup.inline_keyboard if message.markup else []:
            for btn in row:
                if part in btn.text and btn.callback_data:
                    await client.press_data(person, btn.callback_data, message.message_id)
                    return
    raise AssertionError(f"no button with {part!r}")


async def test_hostile_names_titles_and_texts_keep_every_screen_valid(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    session: AsyncSession,
) -> None:
    """Names, titles, descriptions, comments and file names a person gave, on every screen."""
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    await _hostile_names(session_pool, district_setup, LIBRARIAN)
    await _hostile_names(session_pool, district_setup, COORDINATOR)
    event_id = await make_event(session_pool, clock, district_setup.district_id, title=HOSTILE)
    async with session_pool.begin() as s:
        await s.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(place=HOSTILE, link=f"https://example.ru/?q={HOSTILE}", description=HOSTILE)
        )
    for command in ("/start", "/help", "/profile", "/tasks", "/calendar", "/settings"):
        await client.send(LIBRARIAN, command)
    await _press_containing(client, LIBRARIAN, HOSTILE)
    await client.press(LIBRARIAN, ev.BTN_CONFIRM_TASK)
    await client.press(LIBRARIAN, ev.BTN_TODAY.format(day="25.11.2026"))
    await client.send(LIBRARIAN, "25")
    await client.send(LIBRARIAN, HOSTILE)
    await client.send_document(LIBRARIAN, f"{HOSTILE}.pdf", b"%PDF-1.4", "application/pdf")
    await client.send(LIBRARIAN, f"https://example.ru/?q={HOSTILE}")
    await client.press(LIBRARIAN, ev.BTN_DONE)
    assert ESCAPED in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, ev.BTN_SEND)
    confirmation = await session.scalar(select(Confirmation))
    assert confirmation is not None

    for command in ("/start", "/profile", "/events", "/schools", "/review", "/settings"):
        await client.send(COORDINATOR, command)
    school = SchoolCb(action=SchoolAction.OPEN, school_id=district_setup.school_id)
    await client.press_data(COORDINATOR, school.pack())
    assert ESCAPED in client.last_text(COORDINATOR)
    review = ReviewCb(action=ReviewAction.OPEN, confirmation_id=confirmation.id)
    await client.press_data(COORDINATOR, review.pack())
    await client.press(COORDINATOR, ev.BTN_RETURN)
    await client.send(COORDINATOR, HOSTILE)
    await client.drain()
    await client.press(LIBRARIAN, ev.BTN_OPEN_CONFIRMATION)
    assert ESCAPED in client.last_text(LIBRARIAN)
    await client.send(COORDINATOR, "/events")
    await client.press_data(COORDINATOR, f"e:o:{event_id}:0:")
    await client.press_data(COORDINATOR, f"e:p:{event_id}:0:")
    texts = client.texts(LIBRARIAN) + client.texts(COORDINATOR)
    assert sum(ESCAPED in text for text in texts) >= 15
    assert not any(HOSTILE in text for text in texts)
    assert not client.session.violations
