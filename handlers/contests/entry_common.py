"""The entry part's shared pieces: ownership filters and the words for categories, entries, works.

Callback data and a form's data are untrusted: `LibrarianContest` hands over a contest of the
librarian's district that librarians may see (not a draft, not cancelled) with the school,
`SchoolEntryOwned` an entry of the librarian's own school with its contest. A record of
another district or school gets the same answer as one that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.texts.contests import rules
from bot.toolkit.callbacks import parse_id
from bot.toolkit.contest_callbacks import EntryFormCb
from bot.toolkit.filters import Refused
from bot.toolkit.screens import clip, error_text, h
from handlers.contests import status
from models import Contest, ContestEntry, ContestStatus, School, User
from services.clock import Clock
from services.contests.entries import school_entry
from services.contests.setup import get_contest, taking_entries
from services.contests.templates import GRADES
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.timeutil import fmt_local

logger = logging.getLogger(__name__)

# what librarians see: a draft is not announced yet, a cancelled contest takes nothing
VISIBLE = frozenset({ContestStatus.OPEN, ContestStatus.CLOSED, ContestStatus.PUBLISHED})


async def school_of(session: AsyncSession, user: User | None) -> School | None:
    if user is None or user.school_id is None:
        return None
    return await session.get(School, user.school_id)


def refusal(exc: ValidationError, settings: Settings) -> str:
    """error_text, with the deadline of «contest_not_taking» in local date and time, and the
    contest's own list of file types."""
    deadline = exc.params.get("deadline")
    if exc.code == "contest_not_taking" and isinstance(deadline, datetime):
        exc = ValidationError(exc.code, deadline=fmt_local(deadline, settings.tz))
    elif exc.code == "bad_file_type":
        exc = ValidationError("work_bad_file_type", **exc.params)
    return error_text(exc)


def not_taking(contest: Contest, settings: Settings) -> str:
    return refusal(
        ValidationError("contest_not_taking", deadline=contest.event.deadline_at), settings
    )


class LibrarianContest(Filter):
    """`contest` and `school`: the contest the button (or the open form) names.

    In a form, a refusal ends the form (`taking` also refuses once the window has closed);
    a button of an older form is refused as stale and the open form goes on.
    """

    def __init__(self, *, in_form: bool = False, taking: bool = False) -> None:
        self.in_form = in_form
        self.taking = taking

    async def refuse(self, data: dict[str, Any], text: str) -> NoReturn:
        if self.in_form:
            state: FSMContext = data["state"]
            await state.clear()
        raise Refused(text)

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        callback_data = data.get("callback_data")
        if self.in_form:
            state: FSMContext = data["state"]
            form = await state.get_data()
            contest_id = parse_id(form.get("contest_id"))
            if isinstance(callback_data, EntryFormCb) and (
                callback_data.contest_id != contest_id or callback_data.form != form.get("form")
            ):
                raise Refused(t.STALE_BUTTON)
        else:
            contest_id = parse_id(getattr(callback_data, "contest_id", 0))
        school = await school_of(session, user)
        if school is None:
            await self.refuse(data, tx.NO_SCHOOL)
        try:
            contest = await get_contest(session, contest_id)
        except NotFoundError:
            await self.refuse(data, rules.UNKNOWN_CONTEST)
        if contest.district_id != school.district_id or contest.status not in VISIBLE:
            logger.warning(
                "user %s: contest %s not shown to the school", user and user.id, contest_id
            )
            await self.refuse(data, rules.UNKNOWN_CONTEST)
        if self.taking:
            clock: Clock = data["clock"]
            if not taking_entries(contest, clock()):
                await self.refuse(data, not_taking(contest, data["settings"]))
        return {"contest": contest, "school": school}


class SchoolEntryOwned(Filter):
    """`entry`, `contest` and `school`: the entry the button names, if it is the school's."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        entry_id = parse_id(getattr(data.get("callback_data"), "entry_id", 0))
        school = await school_of(session, user)
        if school is None:
            raise Refused(tx.NO_SCHOOL)
        try:
            entry = await school_entry(session, entry_id, school.id)
        except NotFoundError:
            raise Refused(rules.UNKNOWN_ENTRY) from None
        except AccessDeniedError:
            logger.warning("user %s: entry %s of another school", user and user.id, entry_id)
            raise Refused(rules.UNKNOWN_ENTRY) from None
        contest = await get_contest(session, entry.contest_id)
        return {"entry": entry, "contest": contest, "school": school}


# ---- words -------------------------------------------------------------------------------------


def category_name(category: str) -> str:
    if category in GRADES:
        return rules.GRADE_NAME.format(grade=category)
    return rules.CATEGORY_NAMES.get(category, category)


def categories_text(categories: list[str]) -> str:
    """«1–4 классы, родитель»: runs of grades joined, then the other categories."""
    grades = sorted(int(c) for c in categories if c in GRADES)
    parts: list[str] = []
    start = prev = None
    for grade in [*grades, None]:
        if grade is not None and prev is not None and grade == prev + 1:
            prev = grade
            continue
        if start is not None and prev is not None:
            parts.append(
                rules.GRADE_NAME.format(grade=start)
                if start == prev
                else tx.GRADE_RANGE.format(first=start, last=prev)
            )
        start = prev = grade
    parts += [category_name(c) for c in categories if c not in GRADES]
    return ", ".join(parts)


def status_name(entry: ContestEntry) -> str:
    return rules.ENTRY_STATUS_NAMES[entry.status.value]


def participants_inline(entry: ContestEntry, limit: int = 300) -> str:
    """«Иванов Иван (5 класс), …», cut to `limit` before it is escaped for HTML."""
    plain = ", ".join(
        tx.PARTICIPANT_IN_LIST.format(name=p.full_name, category=category_name(p.category))
        for p in entry.participants
    )
    return h(clip(plain, limit))


def deadline_of(contest: Contest, settings: Settings) -> str:
    return status.deadline_text(contest, settings.tz)


# a message's text may be 4096 characters; escaping («<» → «&lt;») can make a value five times
# longer, so a screen is built at full length first and again with shorter cuts if it is over
TEXT_MAX = 4000
SCALES = (1.0, 0.5, 0.25, 0.1)


def cut(value: str, limit: int, scale: float) -> str:
    """The value cut to `limit` × `scale` characters (at least 10), escaped for HTML."""
    return h(clip(value, max(10, int(limit * scale))))


def fitted(build: Callable[[float], str]) -> str:
    """The text `build(scale)` makes, at the largest scale that fits one message."""
    text = ""
    for scale in SCALES:
        text = build(scale)
        if len(text) <= TEXT_MAX:
            break
    return text
