"""Ownership filters of the results part: the contest, the entry, the school's published results.

Callback data is untrusted: each filter loads the record a button names, checks it against the
pressing user (the coordinator's district, the librarian's school) and hands it over. A record
of another district gets the same answer as one that does not exist.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts.contests import results as r
from bot.texts.contests import rules
from bot.toolkit.callbacks import parse_id
from bot.toolkit.filters import Refused
from models import ContestStatus, EntryStatus, School, User
from services.contests.documents import entry_docs
from services.contests.entries import get_entry
from services.contests.setup import contest_for_district, get_contest
from services.errors import AccessDeniedError, NotFoundError

logger = logging.getLogger(__name__)


def _named(data: dict[str, Any], field: str) -> int:
    return parse_id(getattr(data.get("callback_data"), field, 0))


class DistrictContest(Filter):
    """`contest`: the contest the button names, if it is the coordinator's district's."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        contest_id = _named(data, "contest_id")
        try:
            contest = await contest_for_district(
                session, contest_id, user.district_id if user else None
            )
        except NotFoundError:
            raise Refused(rules.UNKNOWN_CONTEST) from None
        except AccessDeniedError:
            logger.warning("user %s: contest %s of another district", user and user.id, contest_id)
            raise Refused(rules.UNKNOWN_CONTEST) from None
        return {"contest": contest}


class DistrictEntry(Filter):
    """`entry` and its `contest`: the entry the button names, if its contest is the
    coordinator's district's."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        entry_id = _named(data, "entry_id")
        try:
            entry = await get_entry(session, entry_id)
            contest = await contest_for_district(
                session, entry.contest_id, user.district_id if user else None
            )
        except NotFoundError:
            raise Refused(rules.UNKNOWN_ENTRY) from None
        except AccessDeniedError:
            logger.warning("user %s: entry %s of another district", user and user.id, entry_id)
            raise Refused(rules.UNKNOWN_ENTRY) from None
        return {"entry": entry, "contest": contest}


class SchoolResults(Filter):
    """`contest`, `school` and `entries` (the school's accepted entries as plain data): the
    published results of a contest of the librarian's district; with an `entry_id`, only that
    entry, if it is the school's."""

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        school = await session.get(School, user.school_id) if user and user.school_id else None
        if user is None or school is None:
            raise Refused(rules.UNKNOWN_CONTEST)
        contest_id = _named(data, "contest_id")
        try:
            contest = await get_contest(session, contest_id)
        except NotFoundError:
            raise Refused(rules.UNKNOWN_CONTEST) from None
        if contest.district_id != school.district_id or contest.status is ContestStatus.DRAFT:
            logger.warning("user %s: results of contest %s refused", user.id, contest_id)
            raise Refused(rules.UNKNOWN_CONTEST)
        if contest.status is not ContestStatus.PUBLISHED:
            raise Refused(r.NOT_PUBLISHED)
        entry_id = _named(data, "entry_id") or None  # 0: every entry of the school
        entries = await entry_docs(
            session,
            contest,
            school_id=school.id,
            statuses=(EntryStatus.ACCEPTED,),
            entry_id=entry_id,
        )
        if not entries:
            if entry_id is not None:
                logger.warning("user %s: entry %s not of the school", user.id, entry_id)
                raise Refused(rules.UNKNOWN_ENTRY)
            raise Refused(r.NO_SCHOOL_ENTRIES)
        return {"contest": contest, "school": school, "entries": entries}
