"""The coordinator's side of contests: a contest «from scratch», who is told what, moderation
pages.

A contest from scratch is a short form (title, entry-number prefix, nominations one per line,
criteria one per line as «Название — 10»); its answers become a ContestTemplate, checked here
line by line so that the refusal names the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    ACTIVE_ENTRY,
    Contest,
    ContestEntry,
    PlacesRule,
    Role,
    School,
    User,
)
from models.limits import CONTEST_PREFIX_MAX, CONTEST_TITLE_MAX, EVENT_TITLE_MAX
from services.contests.entries import PARTICIPANTS_MAX
from services.contests.templates import (
    CATEGORIES,
    ContestTemplate,
    CriterionTemplate,
    NominationTemplate,
)
from services.errors import ValidationError
from services.validation import clean_multiline, clean_text, name_key

SCRATCH_KEY = "custom"
# the calendar event is titled «Конкурс «…»: приём заявок»: the title leaves room for that
TITLE_MAX = min(CONTEST_TITLE_MAX, EVENT_TITLE_MAX - 40)
NOMINATIONS_MAX = 20
CRITERIA_MAX = 10
SCORE_MAX = 100
LINE_TITLE_MIN = 2
_PREFIX_RE = re.compile(r"^[A-ZА-ЯЁ0-9]+$")
# «Название — 10», «Название - 10», «Название: 10», «Название 10»
_CRITERION_RE = re.compile(
    r"^(?P<title>.*?)\s*(?:[—–\-:]\s*)?(?P<score>[+-]?[0-9]+)\s*(?:балл\w*)?\.?$", re.IGNORECASE
)


def parse_title(text: str) -> str:
    value = clean_text(text)
    if len(value) < LINE_TITLE_MIN:
        raise ValidationError("too_short", min=LINE_TITLE_MIN)
    if len(value) > TITLE_MAX:
        raise ValidationError("too_long", max=TITLE_MAX, length=len(value))
    return value


def parse_prefix(text: str) -> str:
    """«чр» → «ЧР»: letters or digits, 1..8, upper case (they start every entry number)."""
    value = clean_text(text).upper()
    if not value or len(value) > CONTEST_PREFIX_MAX or not _PREFIX_RE.match(value):
        raise ValidationError("bad_prefix", max=CONTEST_PREFIX_MAX)
    return value


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, cleaned line) of the non-empty lines; numbers count every line."""
    return [
        (number, clean_text(line))
        for number, line in enumerate(clean_multiline(text).splitlines(), 1)
        if clean_text(line)
    ]


def _check_line_title(number: int, line: str, title: str) -> None:
    if len(title) < LINE_TITLE_MIN:
        raise ValidationError("line_title_short", line=number, text=line)
    if len(title) > CONTEST_TITLE_MAX:
        raise ValidationError("line_title_long", line=number, text=line[:60] + "…")


def parse_nominations(text: str) -> tuple[str, ...]:
    """Nominations, one per line; empty lines are skipped."""
    lines = _lines(text)
    if not lines:
        raise ValidationError("no_nominations")
    if len(lines) > NOMINATIONS_MAX:
        raise ValidationError("too_many_nominations", max=NOMINATIONS_MAX)
    seen: set[str] = set()
    titles: list[str] = []
    for number, line in lines:
        _check_line_title(number, line, line)
        key = name_key(line)
        if key in seen:
            raise ValidationError("line_twice", line=number, text=line)
        seen.add(key)
        titles.append(line)
    return tuple(titles)


def parse_criteria(text: str) -> tuple[tuple[str, int], ...]:
    """Criteria, one per line as «Название — 10» (the maximum score, 1..100)."""
    lines = _lines(text)
    if not lines:
        raise ValidationError("no_criteria")
    if len(lines) > CRITERIA_MAX:
        raise ValidationError("too_many_criteria", max=CRITERIA_MAX)
    seen: set[str] = set()
    criteria: list[tuple[str, int]] = []
    for number, line in lines:
        match = _CRITERION_RE.match(line)
        if match is None or not match.group("title"):
            raise ValidationError("criterion_no_score", line=number, text=line)
        title = match.group("title").strip()
        _check_line_title(number, line, title)
        score_text = match.group("score")
        score = int(score_text) if len(score_text) <= 6 else SCORE_MAX + 1
        if not 1 <= score <= SCORE_MAX:
            raise ValidationError("criterion_score_range", line=number, text=line, max=SCORE_MAX)
        key = name_key(title)
        if key in seen:
            raise ValidationError("line_twice", line=number, text=line)
        seen.add(key)
        criteria.append((title, score))
    return tuple(criteria)


def scratch_template(
    title: str,
    prefix: str,
    nominations: Sequence[str],
    criteria: Sequence[tuple[str, int]],
) -> ContestTemplate:
    """A template of the short form: every category in every nomination, up to ten
    participants in an entry, no limits per school; places by rank. Each answer is checked
    again (a form's data may be old or forged)."""
    title = parse_title(title)
    prefix = parse_prefix(prefix)
    nominations = parse_nominations("\n".join(nominations))
    criteria = parse_criteria("\n".join(f"{t} — {s}" for t, s in criteria))
    return ContestTemplate(
        key=SCRATCH_KEY,
        prefix=prefix,
        title=title,
        nominations=tuple(
            NominationTemplate(title=n, categories=CATEGORIES, max_participants=PARTICIPANTS_MAX)
            for n in nominations
        ),
        criteria=tuple(CriterionTemplate(title=t, max_score=s) for t, s in criteria),
        places_rule=PlacesRule.RANK,
    )


# ---- who is told ----------------------------------------------------------------------------


def _district_librarians(district_id: int) -> Select[int, int]:
    return (
        select(User.telegram_id, User.id)
        .join(School, School.id == User.school_id)
        .where(
            School.district_id == district_id,
            User.role == Role.LIBRARIAN,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )


async def district_librarian_ids(
    session: AsyncSession, district_id: int
) -> list[tuple[int, int | None]]:
    """(chat id, user id) of every active librarian of the district."""
    rows = await session.execute(_district_librarians(district_id))
    return [(int(chat), int(uid)) for chat, uid in rows]


def _active_entry_schools(contest_id: int) -> Select[int]:
    return select(ContestEntry.school_id).where(
        ContestEntry.contest_id == contest_id, ContestEntry.status.in_(ACTIVE_ENTRY)
    )


async def librarians_without_entry(
    session: AsyncSession, contest: Contest
) -> list[tuple[int, int | None]]:
    """Active librarians of the district's schools that have no active entry in the contest."""
    stmt = _district_librarians(contest.district_id).where(
        School.id.not_in(_active_entry_schools(contest.id))
    )
    return [(int(chat), int(uid)) for chat, uid in await session.execute(stmt)]


async def librarians_with_entry(
    session: AsyncSession, contest: Contest
) -> list[tuple[int, int | None]]:
    """Active librarians of the schools that have an active entry in the contest."""
    stmt = _district_librarians(contest.district_id).where(
        School.id.in_(_active_entry_schools(contest.id))
    )
    return [(int(chat), int(uid)) for chat, uid in await session.execute(stmt)]


# ---- moderation pages -----------------------------------------------------------------------


def _page(page: int, total: int, size: int) -> int:
    """The page within 0..last (a stale button may ask for a page that is gone)."""
    last = max(0, (total - 1) // size)
    return min(max(page, 0), last)


async def entries_page(
    session: AsyncSession,
    contest_id: int,
    *,
    nomination_id: int | None,
    school_id: int | None,
    page: int,
    size: int,
) -> tuple[int, int, list[ContestEntry]]:
    """(how many, the page shown, its entries): the contest's entries by number, optionally of
    one nomination or one school."""
    conditions = [ContestEntry.contest_id == contest_id]
    if nomination_id is not None:
        conditions.append(ContestEntry.nomination_id == nomination_id)
    if school_id is not None:
        conditions.append(ContestEntry.school_id == school_id)
    total = int(await session.scalar(select(func.count(ContestEntry.id)).where(*conditions)) or 0)
    page = _page(page, total, size)
    stmt = (
        select(ContestEntry)
        .where(*conditions)
        .options(selectinload(ContestEntry.school), selectinload(ContestEntry.nomination))
        .order_by(ContestEntry.number)
        .offset(page * size)
        .limit(size)
    )
    return total, page, list((await session.scalars(stmt)).all())


async def entry_schools(
    session: AsyncSession, contest_id: int, *, page: int, size: int
) -> tuple[int, int, list[School]]:
    """(how many, the page shown, its schools): the schools that sent entries, by name."""
    with_entries = select(ContestEntry.school_id).where(ContestEntry.contest_id == contest_id)
    total = int(
        await session.scalar(select(func.count(School.id)).where(School.id.in_(with_entries))) or 0
    )
    page = _page(page, total, size)
    stmt = (
        select(School)
        .where(School.id.in_(with_entries))
        .order_by(School.short_name, School.id)
        .offset(page * size)
        .limit(size)
    )
    return total, page, list((await session.scalars(stmt)).all())
