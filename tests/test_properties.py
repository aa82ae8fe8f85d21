"""Property-based: random texts, files and buttons fed to every form state through the dispatcher.

Each example builds a fresh world (a migrated database, the real Dispatcher, the recording
Bot session), walks a person into one form state and feeds random input, from that person
and from a stranger. After every update: the generic error page (INTERNAL_ERROR) was never
sent, every reply is valid HTML as Telegram parses it (the recording session records a
violation otherwise), a stranger changed no row, and text or a file changed no row in a state
where only a button writes.

The run is short by default (profile "default" in tests/conftest.py); a longer one:
`HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_properties.py`.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.texts import common as t
from bot.texts import documents as doc_texts
from bot.texts import events as ev
from bot.texts import monitoring_dialog as mon_texts
from bot.texts.announcements import compose as announce_texts
from bot.texts.contests import entry as entry_texts
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.callbacks import (
    AnnAction,
    AnnCb,
    DocAction,
    DocCb,
    EventAction,
    EventCb,
    MonAction,
    MonCb,
    ReviewAction,
    ReviewCb,
    TaskAction,
    TaskCb,
)
from bot.toolkit.contest_callbacks import (
    EntryAction,
    EntryCb,
    JuryAction,
    JuryAdminAction,
    JuryAdminCb,
    JuryCb,
)
from models import District, DocumentCategory, MonitoringRound
from models.db import create_engine, create_session_pool
from services.announcements.content import Content
from services.announcements.receipts import ask as ask_about
from services.announcements.sending import new_draft
from services.announcements.sending import send as send_announcement
from services.catalogue import load_catalogue_file
from services.confirmations import Draft, submit
from services.districts import create_district
from services.documents import DocumentFile
from services.documents import publish as publish_document
from services.invitations import accept_invitation, create_coordinator_invite
from services.monitoring.rounds import school_response
from services.monitoring.rounds import submit as submit_response
from services.schools import add_school
from services.users import TelegramProfile, ensure_super_admin, get_or_create_user, get_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    ROOT,
    STRANGER,
    FixedClock,
    join_school,
)
from tests.contest_helpers import make_contest
from tests.dump import dump_tables
from tests.harness import TOKEN, Client, Person, RecordingSession, make_bot
from tests.test_confirmations import make_event
from tests.test_contests_jury import add_entry, invite
from tests.test_contests_jury_bot import JUROR
from tests.test_monitoring_bot import STORED as MON_ANSWERS

TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # the clock of tests/conftest.py


@dataclass
class World:
    client: Client
    pool: async_sessionmaker[AsyncSession]
    event_id: int
    confirmation_id: int


async def _world(template: Path, folder: Path) -> tuple[World, Callable[[], Awaitable[None]]]:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "bot.db"
    shutil.copy(template, target)
    url = f"sqlite+aiosqlite:///{target}"
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        admin_ids=[ADMIN.id],
        catalogue_path=str(ROOT / "data" / "roadmap.toml"),
    )
    clock = FixedClock(NOW)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    recording = RecordingSession()
    client = Client(
        dp=build_dispatcher(settings, pool, clock), bot=make_bot(recording), session=recording
    )
    async with pool.begin() as s:
        await load_catalogue_file(s, ROOT / "data" / "roadmap.toml")
        admin = await ensure_super_admin(
            s, TelegramProfile(ADMIN.id, None), "Ирина Админова", clock
        )
        district = await create_district(s, "Иглинский район", clock)
        invite = await create_coordinator_invite(s, district.id, admin, clock)
        coordinator = await get_or_create_user(s, TelegramProfile(COORDINATOR.id, None), clock)
        await accept_invitation(s, coordinator, invite.token, "Ольга Методистова", clock)
        school = await add_school(
            s, district.id, "Школа номер один полностью", "СОШ № 1", None, clock
        )
        district_id, school_id = district.id, school.id
    await join_school(client, LIBRARIAN, pool, school_id)
    event_id = await make_event(pool, clock, district_id)
    other_event = await make_event(pool, clock, district_id, title="Второе событие")
    async with pool.begin() as s:
        librarian = await get_user(s, LIBRARIAN.id)
        assert librarian is not None
        draft = Draft(date(2026, 11, 20), 10, "Провели")
        confirmation = await submit(s, librarian, other_event, draft, TZ, clock)
        confirmation_id = confirmation.id
    recording.calls.clear()

    async def close() -> None:
        await engine.dispose()

    return World(client, pool, event_id, confirmation_id), close


# ---- walking into each form state --------------------------------------------------------

Walk = Callable[[World], Awaitable[Person]]


async def _confirm_form(world: World, steps: int) -> Person:
    client = world.client
    await client.send(LIBRARIAN, "/tasks")
    await client.press_data(
        LIBRARIAN, TaskCb(action=TaskAction.CONFIRM, event_id=world.event_id).pack()
    )
    if steps > 0:
        await client.press(LIBRARIAN, ev.BTN_TODAY.format(day="25.11.2026"))
    if steps > 1:
        await client.send(LIBRARIAN, "25")
    if steps > 2:
        await client.press(LIBRARIAN, ev.BTN_SKIP)
    if steps > 3:
        await client.send(LIBRARIAN, "https://school.example.ru/news/1")
        await client.press(LIBRARIAN, ev.BTN_DONE)
    return LIBRARIAN


async def _new_event_form(world: World, steps: int) -> Person:
    client = world.client
    await client.send(COORDINATOR, "/newevent")
    activity = next(b for b in client.buttons(COORDINATOR) if b.startswith("1. "))
    answers: list[tuple[str, str]] = [
        ("press", activity),
        ("press", ev.OCCASIONS["none"]),
        ("press", ev.KIND_NAMES["activity"]),
        ("send", "Районный семинар"),
        ("send", "10.12.2026 - 10.12.2026"),
        ("send", "11.12.2026 18:00"),
    ]
    for how, value in answers[:steps]:
        if how == "press":
            await client.press(COORDINATOR, value)
        else:
            await client.send(COORDINATOR, value)
    return COORDINATOR


async def _school_form(world: World, steps: int) -> Person:
    await world.client.send(COORDINATOR, "/addschool")
    if steps:
        await world.client.send(COORDINATOR, "Средняя школа номер два полностью")
    return COORDINATOR


async def _edit_form(world: World, steps: int) -> Person:
    data = EventCb(action=EventAction.EDIT_FIELD, event_id=world.event_id, arg="title")
    await world.client.press_data(COORDINATOR, data.pack())
    return COORDINATOR


async def _return_comment(world: World, steps: int) -> Person:
    data = ReviewCb(action=ReviewAction.RETURN, confirmation_id=world.confirmation_id, version=1)
    await world.client.press_data(COORDINATOR, data.pack())
    return COORDINATOR


async def _jury_invite(world: World, steps: int) -> Person:
    contest_id = await make_contest(world.pool, 1, FixedClock(NOW))
    await world.client.press_data(
        COORDINATOR, JuryAdminCb(action=JuryAdminAction.INVITE, contest_id=contest_id).pack()
    )
    if steps:
        await world.client.send(COORDINATOR, "Мария Судейская")
    return COORDINATOR


async def _jury_comment(world: World, steps: int) -> Person:
    clock = FixedClock(NOW)
    contest_id = await make_contest(world.pool, 1, clock)
    entry_id = await add_entry(world.pool, clock, contest_id, 1, "Иван Иванов")
    _, token = await invite(world.pool, clock, contest_id)
    await world.client.send(JUROR, f"/start {token}")
    data = JuryCb(action=JuryAction.COMMENT, contest_id=contest_id, entry_id=entry_id)
    await world.client.press_data(JUROR, data.pack())
    return JUROR


async def _entry_form(world: World, steps: int, key: str = "talented-reader") -> Person:
    """A librarian's contest entry form, walked `steps` steps in (the last: «Изменить»)."""
    client = world.client
    async with world.pool() as s:
        district_id = await s.scalar(select(District.id))
    assert district_id is not None
    contest_id = await make_contest(world.pool, district_id, FixedClock(NOW), key)
    await client.press_data(
        LIBRARIAN, EntryCb(action=EntryAction.NEW, contest_id=contest_id).pack()
    )
    library = key == "best-library"
    answers: list[tuple[str, str]] = [
        *([] if library else [("press", "Буктрейлер")]),  # one nomination: not asked
        ("send", "ИБЦ школы" if library else "Иванов Иван"),
        *([] if library else [("press", "5")]),  # one category («Библиотека»): not asked
        *([] if library else [("press", "11 лет")]),
        ("press", entry_texts.BTN_NEXT),
        ("press", entry_texts.BTN_ME.format(name="Анна Петрова")),
        ("send", "Стихи о зиме"),
        ("send", "https://disk.example.ru/work"),
        ("press", entry_texts.BTN_DONE),
        *([("press", "10")] * 5 if library else []),
        ("press", entry_texts.BTN_CONSENT_OFF),
        ("press", entry_texts.BTN_NEXT),
        ("press", entry_texts.BTN_CHANGE),
    ]
    for how, value in answers[:steps]:
        if how == "press":
            await client.press(LIBRARIAN, value)
        else:
            await client.send(LIBRARIAN, value)
    return LIBRARIAN


async def _doc_form(world: World, steps: int) -> Person:
    """The coordinator's new-document form, walked `steps` steps in (the last: the summary)."""
    client = world.client
    await client.send(COORDINATOR, "/documents")
    await client.press(COORDINATOR, doc_texts.BTN_ADD)
    if steps > 0:
        await client.send_document(COORDINATOR, "plan.pdf", b"%PDF", mime="application/pdf")
    if steps > 1:
        await client.send(COORDINATOR, "План работы библиотеки")
    if steps > 2:
        await client.press(COORDINATOR, doc_texts.CATEGORIES["methodical"])
    if steps > 3:
        await client.press(COORDINATOR, "7")
    return COORDINATOR


async def _doc_search(world: World, steps: int) -> Person:
    await world.client.send(COORDINATOR, "/documents")
    await world.client.press(COORDINATOR, doc_texts.BTN_SEARCH)
    return COORDINATOR


async def _doc_replace(world: World, steps: int) -> Person:
    async with world.pool.begin() as s:
        district_id = await s.scalar(select(District.id))
        assert district_id is not None
        document = await publish_document(
            s,
            district_id,
            DocumentFile("file-1", "u-file-1", "old.pdf"),
            "Образец отчёта",
            DocumentCategory.SAMPLES,
            None,
            None,
            FixedClock(NOW),
        )
        document_id = document.id
    data = DocCb(action=DocAction.REPLACE, document_id=document_id)
    await world.client.press_data(COORDINATOR, data.pack())
    if steps:
        await world.client.send_document(COORDINATOR, "new.pdf", b"%PDF", mime="application/pdf")
    return COORDINATOR


async def _announce_form(world: World, steps: int) -> Person:
    """/announce walked `steps` steps in: the text asked; a text over the limit said; the
    draft's schedule asked; the search among the schools asked."""
    client = world.client
    await client.send(COORDINATOR, "/announce")
    if steps == 1:
        await client.send(COORDINATOR, "абзац " * 1000)
    if steps >= 2:
        await client.send(COORDINATOR, "Объявление для всех")
    if steps == 2:
        await client.press(COORDINATOR, announce_texts.BTN_SCHEDULE)
    if steps == 3:
        await client.press(
            COORDINATOR, announce_texts.BTN_AUDIENCE.format(audience=announce_texts.AUD_ALL)
        )
        await client.press(COORDINATOR, announce_texts.BTN_AUD_SCHOOLS)
        await client.press(COORDINATOR, announce_texts.BTN_SEARCH)
    return COORDINATOR


async def _sent_announcement(world: World) -> tuple[int, int]:
    """An announcement to every librarian, sent, and the librarian's question about it."""
    clock = FixedClock(NOW)
    async with world.pool.begin() as s:
        author = await get_user(s, COORDINATOR.id)
        librarian = await get_user(s, LIBRARIAN.id)
        assert author is not None and librarian is not None
        announcement = await new_draft(s, author, Content("Объявление: сдайте отчёт"), NOW)
        announcement.ack = True
        announcement_id = announcement.id
        await send_announcement(s, announcement_id, copy_extras, clock())
        question = await ask_about(s, announcement_id, librarian, "Когда сдавать?", NOW)
        return announcement_id, question.id


async def _ann_ask(world: World, steps: int) -> Person:
    announcement_id, _ = await _sent_announcement(world)
    data = AnnCb(action=AnnAction.ASK, announcement_id=announcement_id)
    await world.client.press_data(LIBRARIAN, data.pack())
    return LIBRARIAN


async def _ann_answer(world: World, steps: int) -> Person:
    announcement_id, question_id = await _sent_announcement(world)
    data = AnnCb(action=AnnAction.ANSWER, announcement_id=announcement_id, question_id=question_id)
    await world.client.press_data(COORDINATOR, data.pack())
    return COORDINATOR


async def _ann_edit(world: World, steps: int) -> Person:
    announcement_id, _ = await _sent_announcement(world)
    data = AnnCb(action=AnnAction.EDIT, announcement_id=announcement_id)
    await world.client.press_data(COORDINATOR, data.pack())
    return COORDINATOR


async def _mon_open(world: World, steps: int) -> Person:
    """The coordinator's new round: the deadline, then the confirmation."""
    await world.client.send(COORDINATOR, "/monitoring")
    await world.client.press(COORDINATOR, mon_texts.BTN_OPEN)
    if steps:
        await world.client.send(COORDINATOR, "20.12.2026")
    return COORDINATOR


async def _mon_question(world: World, steps: int) -> Person:
    """A librarian on the monitoring's first question (a typed answer is stored by design)."""
    await _mon_open(world, 1)
    await world.client.press(COORDINATOR, t.BTN_YES)
    await world.client.send(LIBRARIAN, "/monitoring")
    await world.client.press(LIBRARIAN, mon_texts.BTN_START)
    return LIBRARIAN


async def _mon_return(world: World, steps: int) -> Person:
    """The coordinator returning a sent response: the questions, then the comment."""
    await _mon_question(world, 0)
    async with world.pool.begin() as s:
        user = await get_user(s, LIBRARIAN.id)
        round_ = await s.scalar(select(MonitoringRound))
        assert user is not None and round_ is not None
        response = await school_response(s, round_, user, NOW)
        response.answers = dict(MON_ANSWERS)
        await s.flush()
        await submit_response(s, round_, response, user, NOW)
        response_id = response.id
    data = MonCb(action=MonAction.RETURN, response_id=response_id)
    await world.client.press_data(COORDINATOR, data.pack())
    if steps:
        await world.client.press(COORDINATOR, "1. Учащихся")
        await world.client.press(COORDINATOR, mon_texts.BTN_NEXT)
    return COORDINATOR


def _steps(walk: Callable[[World, int], Awaitable[Person]], steps: int) -> Walk:
    async def walked(world: World) -> Person:
        return await walk(world, steps)

    return walked


async def _librarian(world: World) -> Person:
    return LIBRARIAN


async def _coordinator(world: World) -> Person:
    return COORDINATOR


# (name, walk, does a text or a file there write rows by design)
STATES: list[tuple[str, Walk, bool]] = [
    ("librarian, no form", _librarian, False),
    ("coordinator, no form", _coordinator, False),
    *[(f"confirmation form, step {n}", _steps(_confirm_form, n), False) for n in range(5)],
    *[(f"new event form, step {n}", _steps(_new_event_form, n), False) for n in range(7)],
    # a second text in a row is the short name, which adds the school: writes by design
    ("new school, full name", _steps(_school_form, 0), True),
    ("new school, short name", _steps(_school_form, 1), True),
    ("event edit, a value", _steps(_edit_form, 0), True),
    ("review, a return comment", _steps(_return_comment, 0), True),
    ("jury invitation, the name", _steps(_jury_invite, 0), False),
    ("jury invitation, the nominations", _steps(_jury_invite, 1), False),
    ("jury, a comment", _steps(_jury_comment, 0), True),
    # nomination, name, category, age, participants, supervisor, title, works (empty, then
    # one kept), consent (off, then on), summary, the «Изменить» menu
    *[(f"contest entry form, step {n}", _steps(_entry_form, n), False) for n in range(13)],
    *[(f"new document form, step {n}", _steps(_doc_form, n), False) for n in range(5)],
    ("documents search", _steps(_doc_search, 0), False),
    *[(f"document replace form, step {n}", _steps(_doc_replace, n), False) for n in range(2)],
    # a text there is the announcement (a draft) or its time (a schedule): writes by design
    ("announcement, the text", _steps(_announce_form, 0), True),
    ("announcement, a text over the limit", _steps(_announce_form, 1), True),
    ("announcement, the time to send", _steps(_announce_form, 2), True),
    ("announcement, the search among schools", _steps(_announce_form, 3), False),
    # announcements: a question, an answer, a corrected text are written by a text
    ("announcement, a question", _steps(_ann_ask, 0), True),
    ("announcement, an answer", _steps(_ann_answer, 0), True),
    ("announcement, a corrected text", _steps(_ann_edit, 0), True),
    *[(f"monitoring opening, step {n}", _steps(_mon_open, n), False) for n in range(2)],
    ("monitoring, a question", _steps(_mon_question, 0), True),
    ("monitoring return, the questions", _steps(_mon_return, 0), False),
    ("monitoring return, the comment", _steps(_mon_return, 1), True),
    (
        "contest entry form, self-assessment",
        _steps(lambda world, n: _entry_form(world, n, "best-library"), 7),
        False,
    ),
]

# ---- random input ------------------------------------------------------------------------

HOSTILE = [
    "a<b>&\"'</i>",
    "²",
    "①",
    "١٢",
    "31.12.9999",
    "01.01.0001 - 31.12.2026",
    "-1",
    "0",
    str(2**63),
    "9" * 30,
    "<b>",
    "&amp;",
    "\u202e",
    "\u200b",
    " ",
    "/cancel",
    "/start x",
]
PREFIXES = [
    "rm",
    "d",
    "inv",
    "s",
    "sl",
    "j",
    "f",
    "p",
    "e",
    "ne",
    "t",
    "cf",
    "r",
    "cal",
    "sr",
    "rem",
    "set",
    "cja",
    "cj",
    "ce",
    "cef",
    "ac",
    "an",
    "mo",
]
PART = st.one_of(
    st.integers(min_value=-2, max_value=2**64).map(str),
    st.sampled_from(
        [
            "",
            "o",
            "l",
            "a",
            "r",
            "s",
            "sk",
            "c",
            "send",
            "act",
            "kind",
            "²",
            "①",
            "closed",
            "open",
            "title",
            "2026-11-25",
            "yes",
            "nudge",
            "n",
            "e",
            "wk",
            "nm",
            "ct",
            "sd",
            "bk",
        ]
    ),
    st.text(max_size=6),
)
CALLBACK = st.one_of(
    st.builds(
        lambda p, parts: ":".join([p, *parts]),
        st.sampled_from(PREFIXES),
        st.lists(PART, max_size=4),
    ),
    st.text(min_size=1, max_size=64),
).filter(lambda d: 0 < len(d.encode()) <= 64)
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=300))


@dataclass
class Input:
    kind: str
    value: str
    size: int = 0


INPUT = st.one_of(
    st.builds(Input, st.just("text"), TEXT),
    st.builds(Input, st.just("callback"), CALLBACK),
    st.builds(
        Input,
        st.just("document"),
        st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300)),
        st.integers(min_value=0, max_value=60 * 1024 * 1024),
    ),
    st.builds(
        Input, st.just("photo"), st.just(""), st.integers(min_value=0, max_value=60 * 1024 * 1024)
    ),
)


async def _feed(client: Client, person: Person, item: Input) -> None:
    if item.kind == "text":
        await client.send(person, item.value)
    elif item.kind == "callback":
        await client.press_data(person, item.value)
    elif item.kind == "document":
        content = b"x" * min(item.size, 2048)
        await client.send_document(person, item.value, content, "application/pdf", item.size)
    else:
        await client.send_photo(person, f"photo-{item.size}", item.size)


def _check_replies(client: Client, where: object) -> None:
    said = [*client.alerts(), *(str(c.param("text")) for c in client.calls("SendMessage"))]
    assert t.INTERNAL_ERROR not in said, where
    assert not client.session.violations, (where, client.session.violations)


@given(
    state=st.sampled_from(range(len(STATES))),
    inputs=st.lists(INPUT, min_size=1, max_size=4),
)
async def test_random_input_in_every_form_state(
    migrated_template: Path, tmp_path_factory: Any, state: int, inputs: list[Input]
) -> None:
    name, walk, text_writes = STATES[state]
    world, close = await _world(migrated_template, tmp_path_factory.mktemp("prop"))
    try:
        client = world.client
        person = await walk(world)
        _check_replies(client, (name, "walk"))
        for item in inputs:
            before = await dump_tables(world.pool)
            client.clear()
            await _feed(client, person, item)
            _check_replies(client, (name, item))
            if item.kind != "callback" and not text_writes:
                assert await dump_tables(world.pool) == before, (name, item)
            before = await dump_tables(world.pool)
            client.clear()
            await _feed(client, STRANGER, item)
            _check_replies(client, (name, "stranger", item))
            assert await dump_tables(world.pool) == before, (name, "stranger", item)
    finally:
        await close()
