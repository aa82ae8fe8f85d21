"""The access matrix: every button and every command, by every kind of user, on every kind of id.

Two districts, A and B, each with a coordinator, a school, its librarian, an open event, a
submitted confirmation and an invitation link. The actors are a stranger, A's librarian, A's
coordinator and B's coordinator. Each button is pressed with the ids of the actor's own
district, of the other district, of nothing and out of range; each command is sent.

The table `MAY` below says who may press which button on their own district's records. Every
other press is refused: it changes no row (a dump of every table before and after) and the
answer never names the other district's district, school, people or events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.filters.callback_data import CallbackData
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts import monitoring_dialog as md
from bot.texts import onboarding as o
from bot.texts.announcements import compose as ac
from bot.texts.contests import entry as te
from bot.texts.contests import jury as tj
from bot.texts.contests import rules
from bot.toolkit import callbacks as cb
from bot.toolkit import contest_callbacks as ccb
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.commands import ALL_COMMANDS
from models import DocumentCategory, Invitation, Role, School, User
from models.limits import DB_ID_MAX
from services.announcements.content import Content
from services.announcements.receipts import ask as ask_about
from services.announcements.sending import new_draft
from services.announcements.sending import send as send_announcement
from services.confirmations import Draft, submit
from services.contests.entries import submit_entry
from services.contests.jury import invite_juror
from services.contests.setup import get_contest
from services.districts import create_district
from services.documents import DocumentFile
from services.documents import publish as publish_document
from services.invitations import accept_invitation, create_coordinator_invite
from services.monitoring.progress import read_questionnaire_file
from services.monitoring.rounds import open_round, school_response
from services.schools import add_school
from services.users import TelegramProfile, get_or_create_user, get_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    STRANGER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.contest_helpers import entry_input, make_contest
from tests.dump import dump_tables
from tests.harness import Client, Person
from tests.monitoring_helpers import DEFAULT as default_file_path
from tests.test_confirmations import make_event

TZ = ZoneInfo("Asia/Yekaterinburg")
COORDINATOR_B = Person(id=2050, first_name="Борислава", last_name="Чужанина")
LIBRARIAN_B = Person(id=3099, first_name="Богдана", last_name="Секретова")

# names only district A or only district B has; an answer must not show the other's
# (the roadmap names «Иглинский район» as an example, so A's district name is not one)
NAMES_A = ("СОШ № 1 с. Иглино", "Событие района А", "Анна Петрова", "Альфа Первушина")
NAMES_B = (
    "Тайнинский район",
    "Лицей Тайна",
    "Событие района Бэ",
    "Богдана Секретова",
    "Бета Вторушина",
)

# sentinel ids the buttons are built with, then replaced by the ids a case asks for
SENTINEL = {
    "district": 7100001,
    "school": 7100002,
    "event": 7100003,
    "confirmation": 7100004,
    "invitation": 7100005,
    "contest": 7100006,
    "entry": 7100007,
    "juror": 7100008,
    "document": 7100009,
    "announcement": 7100010,
    "question": 7100011,
    "round": 7100012,
    "response": 7100013,
}

ANYONE = frozenset({"stranger", "librarian", "coordinator"})
LIBRARIAN_ONLY = frozenset({"librarian"})
COORDINATOR_ONLY = frozenset({"coordinator"})
STAFF_ONLY: frozenset[str] = frozenset()  # the super-admin's: none of the actors here
REGISTERED = frozenset({"librarian", "coordinator"})

# who may press a button on the records of their own district (by prefix, then by action)
MAY: dict[str, frozenset[str] | dict[str, frozenset[str]]] = {
    "rm": ANYONE,
    "d": STAFF_ONLY,
    "inv": STAFF_ONLY,
    "s": COORDINATOR_ONLY,
    "sl": COORDINATOR_ONLY,
    "j": frozenset(),  # only inside the onboarding form, which no actor has open
    "f": frozenset(),  # only inside a form
    "p": REGISTERED,
    "e": COORDINATOR_ONLY,
    "ne": frozenset(),  # only inside the new-event form
    "t": LIBRARIAN_ONLY,
    "cf": frozenset(),  # only inside the confirmation form
    "r": COORDINATOR_ONLY,
    "cal": REGISTERED,
    "sr": {"": REGISTERED},
    "rem": {
        "snooze": LIBRARIAN_ONLY,
        "yes": LIBRARIAN_ONLY,
        "no": LIBRARIAN_ONLY,
        "nudge": COORDINATOR_ONLY,
    },
    "set": REGISTERED,
    # /report: the coordinator's district (the republic's scopes are the super-admin's)
    "rep": COORDINATOR_ONLY,
    # contests: management, moderation, the jury's admin and results are the coordinator's;
    # entries and the results' diplomas the librarian's; a juror's buttons need a seat
    "ct": COORDINATOR_ONLY,
    "cm": COORDINATOR_ONLY,
    "ce": LIBRARIAN_ONLY,
    "cef": frozenset(),  # only inside the entry form
    "cja": COORDINATOR_ONLY,
    "cj": frozenset(),
    "cr": {action.value: COORDINATOR_ONLY for action in ccb.ResultsAction}
    | {ccb.ResultsAction.DIPLOMAS.value: LIBRARIAN_ONLY},
    # announcements: composing is the coordinator's (handlers/announcements/compose.py); a
    # copy's buttons are its recipient's, the history the district's
    "ac": {action.value: COORDINATOR_ONLY for action in cb.AnnComposeAction}
    | {
        action.value: STAFF_ONLY  # a super-admin's districts, before the text
        for action in (
            cb.AnnComposeAction.DISTRICT,
            cb.AnnComposeAction.REPUBLIC,
            cb.AnnComposeAction.DISTRICTS_DONE,
        )
    },
    "an": {
        cb.AnnAction.ACK.value: LIBRARIAN_ONLY,
        cb.AnnAction.ASK.value: LIBRARIAN_ONLY,
        cb.AnnAction.LIST.value: REGISTERED,
        cb.AnnAction.OPEN.value: REGISTERED,
    }
    | {
        action.value: COORDINATOR_ONLY
        for action in cb.AnnAction
        if action not in (cb.AnnAction.ACK, cb.AnnAction.ASK, cb.AnnAction.LIST, cb.AnnAction.OPEN)
    },
    # the monitoring: a librarian's questionnaire, a coordinator's round (handlers/monitoring/);
    # the round's documents are the coordinator's
    "mo": {
        action.value: LIBRARIAN_ONLY
        for action in (
            cb.MonAction.FILL,
            cb.MonAction.RESPONSE,
            cb.MonAction.START,
            cb.MonAction.QUESTION,
            cb.MonAction.ANSWER,
            cb.MonAction.TOGGLE,
            cb.MonAction.DONE,
            cb.MonAction.KEEP,
            cb.MonAction.SKIP,
            cb.MonAction.BACK,
            cb.MonAction.CHECKS,
            cb.MonAction.CONFIRM,
            cb.MonAction.SUMMARY,
            cb.MonAction.EDIT_LIST,
            cb.MonAction.SEND_ASK,
            cb.MonAction.SEND,
        )
    }
    | {
        action.value: COORDINATOR_ONLY
        for action in (
            cb.MonAction.HOME,
            cb.MonAction.NEW,
            cb.MonAction.ROUND,
            cb.MonAction.SCHOOLS,
            cb.MonAction.CARD,
            cb.MonAction.ACCEPT_ASK,
            cb.MonAction.ACCEPT,
            cb.MonAction.RETURN,
            cb.MonAction.CLOSE,
            cb.MonAction.CLOSE_OK,
        )
    },  # the opening's confirmation and the return's steps: only inside their forms
    "md": COORDINATOR_ONLY,
    # the republic's monitoring summary is the super-admin's; /pending the coordinator's
    "mr": STAFF_ONLY,
    "pn": COORDINATOR_ONLY,
    # the documents library: librarians and coordinators read, only coordinators change; the
    # form's steps work only inside the form
    "doc": {
        action.value: REGISTERED
        for action in (
            cb.DocAction.HOME,
            cb.DocAction.LIST,
            cb.DocAction.CARD,
            cb.DocAction.GET,
            cb.DocAction.SEARCH,
        )
    }
    | {
        action.value: COORDINATOR_ONLY
        for action in (
            cb.DocAction.ADD,
            cb.DocAction.REPLACE,
            cb.DocAction.REPLACE_OK,
            cb.DocAction.WITHDRAW,
            cb.DocAction.WITHDRAW_OK,
            cb.DocAction.ANNOUNCE,
        )
    },
}

# buttons that carry an id field but act on the actor's own district whatever it says
IGNORES_IDS = frozenset(
    {
        ("s", "a"),
        ("s", "im"),
        ("s", "lx"),
        ("s", "lp"),
        ("d", "n"),
        ("e", "n"),
        ("e", "d"),
        ("e", "dk"),
        ("e", "f"),
        ("e", "t"),
        ("e", "r"),
        ("e", "rk"),
        # a new contest: the form's buttons act on the coordinator's own district
        ("ct", "n"),
        ("ct", "t"),
        ("ct", "s"),
        ("ct", "sv"),
        # the library's start, its search and a new document act on the actor's own district
        ("doc", "h"),
        ("doc", "s"),
        ("doc", "a"),
        # a coordinator's announcements received: a list of what was addressed to them
        ("an", "i"),
        # the monitoring's start and a new round act on the coordinator's own district
        ("mo", "r"),
        ("mo", "n"),
        ("mo", "nk"),
    }
)

# who may send a command
COMMANDS_MAY: dict[str, frozenset[str]] = {
    "start": ANYONE,
    "roadmap": ANYONE,
    "help": ANYONE,
    "cancel": ANYONE,
    "tasks": LIBRARIAN_ONLY,
    "contests": REGISTERED,
    "documents": REGISTERED,
    "announcements": REGISTERED,
    "monitoring": REGISTERED,
    "jury": frozenset(),  # only a juror (no actor here holds a seat)
    "settings": REGISTERED,
    "school": REGISTERED,
    "calendar": REGISTERED,
    "profile": REGISTERED,
    "review": COORDINATOR_ONLY,
    "report": COORDINATOR_ONLY,
    "pending": COORDINATOR_ONLY,
    "events": COORDINATOR_ONLY,
    "newevent": COORDINATOR_ONLY,
    "schools": COORDINATOR_ONLY,
    "addschool": COORDINATOR_ONLY,
    "import": COORDINATOR_ONLY,
    "districts": STAFF_ONLY,
    "newdistrict": STAFF_ONLY,
    "announce": COORDINATOR_ONLY,
}

# what a refused press or command may answer: it says no, and nothing else
REFUSALS = {
    t.UNHANDLED_BUTTON,
    t.FORBIDDEN_BUTTON,
    t.STALE_BUTTON,
    ev.UNKNOWN_EVENT,
    t.FORBIDDEN_COMMAND,
    t.GUEST_COMMAND,
    o.PROFILE_GUEST,
    rules.UNKNOWN_CONTEST,
    rules.UNKNOWN_ENTRY,
    te.FORM_GONE,
    tj.UNKNOWN_SEAT,
    tj.UNKNOWN_ENTRY,
    dt.UNKNOWN_DOCUMENT,
    dt.FORM_GONE,
    ac.UNKNOWN_DRAFT,
    md.UNKNOWN_ROUND,
    md.UNKNOWN_RESPONSE,
    md.UNKNOWN_QUESTION,
    md.FORM_GONE,
}


def _callback_classes() -> list[type[CallbackData]]:
    return [
        value
        for module in (cb, ccb)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CallbackData)
        and value is not CallbackData
    ]


def _field_value(name: str, annotation: Any) -> Any:
    if name.removesuffix("_id") in SENTINEL:
        return SENTINEL[name.removesuffix("_id")]
    if name == "replaces":
        return SENTINEL["invitation"]
    if name == "version":
        return 1
    if name in ("section", "activity"):
        return 1
    return None


def _buttons() -> list[tuple[str, str, str]]:
    """(prefix, action, packed data with sentinel ids) for every class and every action."""
    out: list[tuple[str, str, str]] = []
    for cls in _callback_classes():
        prefix = str(cls.__prefix__)
        fields = cls.model_fields
        enum_field = next(
            (
                (name, f.annotation)
                for name, f in fields.items()
                if isinstance(f.annotation, type) and issubclass(f.annotation, Enum)
            ),
            None,
        )
        actions: list[Any] = list(enum_field[1]) if enum_field else [None]
        for action in actions:
            kwargs: dict[str, Any] = {}
            for name, f in fields.items():
                if enum_field and name == enum_field[0]:
                    kwargs[name] = action
                    continue
                value = _field_value(name, f.annotation)
                if value is not None:
                    kwargs[name] = value
            if prefix == "e":
                kwargs["arg"] = _event_arg(action, kwargs)
            if prefix == "ne":
                kwargs["value"] = {"act": "1", "kind": "activity"}.get(str(action), "")
            if prefix == "cf" and action is cb.ConfirmAction.DAY:
                kwargs["value"] = "2026-11-25"
            out.append((prefix, str(action.value) if action else "", cls(**kwargs).pack()))
    return out


def _event_arg(action: cb.EventAction, kwargs: dict[str, Any]) -> str:
    if action is cb.EventAction.AUDIENCE_TOGGLE:
        return str(SENTINEL["school"])
    if action in (cb.EventAction.STATUS, cb.EventAction.STATUS_OK):
        return "closed"
    if action is cb.EventAction.EDIT_FIELD:
        return "title"
    return ""


def _allowed(prefix: str, action: str, actor: str) -> bool:
    rule = MAY[prefix]
    if isinstance(rule, dict):
        rule = rule.get(action, frozenset())
    return actor in rule


@dataclass
class Records:
    district: int
    school: int
    event: int
    confirmation: int
    invitation: int
    contest: int
    entry: int
    juror: int
    document: int
    announcement: int
    question: int
    round: int
    response: int

    def ids(self) -> dict[str, str]:
        return {key: str(getattr(self, key)) for key in SENTINEL}


def _with_ids(data: str, ids: dict[str, str]) -> str:
    for key, sentinel in SENTINEL.items():
        data = data.replace(str(sentinel), ids[key])
    return data


async def _district_b(
    client: Client, session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> Records:
    async with session_pool.begin() as s:
        admin = await get_user(s, ADMIN.id)
        assert admin is not None
        district = await create_district(s, NAMES_B[0], clock)
        invite = await create_coordinator_invite(s, district.id, admin, clock)
        user = await get_or_create_user(s, TelegramProfile(COORDINATOR_B.id, None), clock)
        await accept_invitation(s, user, invite.token, "Борислава Чужанина", clock)
        school = await add_school(s, district.id, "Лицей Тайна полностью", NAMES_B[1], user, clock)
        district_id, school_id = district.id, school.id
    await join_school(client, LIBRARIAN_B, session_pool, school_id)
    event_id = await make_event(session_pool, clock, district_id, title=NAMES_B[2])
    return await _submitted(
        session_pool, clock, LIBRARIAN_B, district_id, school_id, event_id, NAMES_B[4]
    )


async def _submitted(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    person: Person,
    district_id: int,
    school_id: int,
    event_id: int,
    participant: str,
) -> Records:
    """A confirmation of the event, and an open contest with the school's entry and a seat."""
    contest_id = await make_contest(session_pool, district_id, clock)
    async with session_pool.begin() as s:
        user = await get_user(s, person.id)
        assert user is not None
        confirmation = await submit(
            s, user, event_id, Draft(date(2026, 11, 20), 10, "Провели"), TZ, clock
        )
        contest = await get_contest(s, contest_id)
        school = await s.get(School, school_id)
        assert school is not None
        entry = await submit_entry(
            s,
            contest,
            school,
            user,
            entry_input(contest, participant, supervisor=user.full_name or "—"),
            clock,
        )
        seat = await invite_juror(s, contest, "Эксперт Жюри", None, None, clock)
        invitation = await s.scalar(
            select(Invitation.id).where(
                Invitation.school_id == school_id, Invitation.revoked_at.is_(None)
            )
        )
        assert invitation is not None
        document = await publish_document(
            s,
            district_id,
            DocumentFile(f"file-{district_id}", f"u-file-{district_id}", "rules.pdf"),
            "Образец отчёта",
            DocumentCategory.SAMPLES,
            None,
            user.id,
            clock,
        )
        # an announcement to every librarian of the district, sent, and a question about it
        author = await s.scalar(
            select(User).where(User.district_id == district_id, User.role == Role.COORDINATOR)
        )
        assert author is not None
        announcement = await new_draft(
            s, author, Content("Объявление отдела: сдайте отчёт"), clock()
        )
        announcement.ack = True
        announcement_id = announcement.id
        await send_announcement(s, announcement_id, copy_extras, clock())
        question = await ask_about(s, announcement_id, user, "Когда сдавать отчёт?", clock())
        round_ = await open_round(
            s,
            district_id,
            2026,
            read_questionnaire_file(default_file_path),
            "Мониторинг ШИБЦ 2026/27",
            date(2026, 11, 25),
            datetime(2026, 12, 20, 18, 0),  # noqa: DTZ001 - a local wall time
            TZ,
            None,
            clock,
        )
        response = await school_response(s, round_, user, clock())
        return Records(
            district_id,
            school_id,
            event_id,
            confirmation.id,
            invitation,
            contest_id,
            entry.id,
            seat.id,
            document.id,
            announcement_id,
            question.id,
            round_.id,
            response.id,
        )


ACTORS = {
    "stranger": STRANGER,
    "librarian": LIBRARIAN,
    "coordinator": COORDINATOR,
    "coordinator of another district": COORDINATOR_B,
}


def _said(client: Client, person: Person) -> list[str]:
    return [*client.alerts(), *client.texts(person)]


@pytest.mark.parametrize("actor", list(ACTORS))
async def test_access_matrix(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    catalogue: None,
    caplog: pytest.LogCaptureFixture,
    actor: str,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    event_a = await make_event(session_pool, clock, district_setup.district_id, title=NAMES_A[2])
    a = await _submitted(
        session_pool,
        clock,
        LIBRARIAN,
        district_setup.district_id,
        district_setup.school_id,
        event_a,
        NAMES_A[3],
    )
    b = await _district_b(client, session_pool, clock)
    person = ACTORS[actor]
    in_b = actor == "coordinator of another district"
    own, other = (b, a) if in_b else (a, b)
    role = "coordinator" if in_b else actor
    # names the actor must never see: the other district's (a stranger's: both)
    secrets = NAMES_A + NAMES_B if actor == "stranger" else (NAMES_A if in_b else NAMES_B)
    out_of_range = dict.fromkeys(SENTINEL, str(DB_ID_MAX + 1))
    kinds = {
        "own": own.ids(),
        "other district": other.ids(),
        "nothing": dict.fromkeys(SENTINEL, "999999"),
        "out of range": out_of_range,
        "2**63": dict.fromkeys(SENTINEL, str(2**63)),
    }
    caplog.set_level(logging.ERROR)
    # leaving ends the actor's role for the rest of the run: tested on its own elsewhere
    buttons = [b for b in _buttons() if (b[0], b[1]) != ("p", "leave_ok")]
    checked = 0
    for kind, ids in kinds.items():
        for prefix, action, template in buttons:
            data = _with_ids(template, ids)
            before = await dump_tables(session_pool)
            client.clear()
            await client.press_data(person, data)
            said = _said(client, person)
            where = (actor, kind, data)
            assert said or client.calls("SendDocument"), where  # every press gets an answer
            assert t.INTERNAL_ERROR not in said, where
            assert not any(name in text for text in said for name in secrets), (where, said)
            # a list names no record (its ids are ignored): it shows the actor's own district
            names_record = (
                action != "l"
                and (prefix, action) not in IGNORES_IDS
                and any(str(v) in template for v in SENTINEL.values())
            )
            may = (kind == "own" or not names_record) and _allowed(prefix, action, role)
            if not may:
                assert await dump_tables(session_pool) == before, where
                if (
                    kind != "own"
                    and names_record
                    and prefix not in ("rm", "cal", "set", "p", "f", "j")
                ):
                    # a button naming a record it may not see is refused, whoever presses it
                    assert client.alerts() and client.alerts()[-1] in REFUSALS, (where, said)
            checked += 1
            await client.send(person, "/cancel")  # a form a press opened ends
    assert set(COMMANDS_MAY) == ALL_COMMANDS  # a new command needs its row in the table
    for command in sorted(ALL_COMMANDS):
        before = await dump_tables(session_pool)
        client.clear()
        await client.send(person, f"/{command}")
        said = _said(client, person)
        where_command = (actor, command)
        assert said and t.INTERNAL_ERROR not in said, where_command
        assert not any(name in text for text in said for name in secrets), (where_command, said)
        if role not in COMMANDS_MAY[command]:
            assert said[-1] in REFUSALS, (where_command, said)
            assert await dump_tables(session_pool) == before, where_command
        await client.send(person, "/cancel")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors
    assert checked > 100
