"""Entries: what a school sends, the door checks, withdrawal and moderation.

Door checks are claims of unique keys (models.contests.ContestEntryKey), taken with
INSERT … ON CONFLICT DO NOTHING after the entry row is written:

- ``p:<nomination>:<name>``: a participant enters a nomination once (``f:<name>`` contest-wide
  where the rules allow one entry per family);
- ``n:<school>:<nomination>:<k>``: the k-th of the school's places in a nomination;
- ``s:<school>:<k>``: the k-th of the school's places in the contest.

Two librarians sending at the same moment race for the same key and only one gets it, so the
limits hold without reading counts first. A withdrawn or rejected entry gives its keys back.
A refused entry rolls the unit of work back, so nothing of it is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from models import (
    ACTIVE_ENTRY,
    Contest,
    ContestEntry,
    ContestEntryKey,
    ContestNomination,
    ContestParticipant,
    ContestStatus,
    ContestWork,
    EntryStatus,
    School,
    User,
    WorkKind,
    limits,
)
from models.dialects import insert_for
from services.clock import Clock
from services.contests.templates import CATEGORIES, GRADES
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.validation import check_person_name, clean_text, fit_file_name, name_key

PARTICIPANTS_MAX = 10
WORKS_MAX = 10
AGE_MIN, AGE_MAX = 5, 100
# what the bot may keep by file id: a file is never downloaded, so a video over the bots'
# 20 MB download limit is still taken and re-sent; Telegram itself caps uploads at 2 GB
DOCUMENT_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".ppt", ".pptx", ".odp", ".xls", ".xlsx"}
    | {".jpg", ".jpeg", ".png", ".heic", ".mp4", ".mov", ".avi", ".mkv", ".zip", ".rar"}
)
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

# what a librarian may type for a category (besides a grade number)
CATEGORY_WORDS = {
    "родитель": "parent",
    "родители": "parent",
    "мама": "parent",
    "папа": "parent",
    "педагог": "teacher",
    "учитель": "teacher",
    "библиотека": "library",
}
_GRADE_RE = re.compile(r"^\s*(\d{1,2})\s*(?:-?\s*(?:й|ой|ый)?\s*(?:класс|кл\.?)?)?\s*$", re.I)


@dataclass(frozen=True)
class ParticipantInput:
    full_name: str
    category: str  # "1".."11", "parent", "teacher", "library"
    age: int | None = None


@dataclass(frozen=True)
class WorkInput:
    kind: WorkKind
    file_id: str = ""
    file_unique_id: str = ""
    file_name: str = ""
    mime_type: str = ""
    file_size: int = 0
    url: str = ""


@dataclass(frozen=True)
class EntryInput:
    nomination_id: int
    participants: tuple[ParticipantInput, ...]
    supervisor_name: str
    work_title: str
    works: tuple[WorkInput, ...]
    consent: bool
    self_scores: dict[int, int] = field(default_factory=dict)  # criterion id -> points


# ---- checks of one answer (the form calls these as the librarian types) -------------------


def parse_category(text: str) -> str:
    """«5», «5 класс», «5-й класс» → "5"; «родитель», «педагог», «библиотека»; else refused."""
    word = clean_text(text).casefold().replace("ё", "е")
    if word in CATEGORY_WORDS:
        return CATEGORY_WORDS[word]
    match = _GRADE_RE.match(word)
    if match is None or match.group(1) not in GRADES:
        raise ValidationError("bad_category")
    return match.group(1)


def check_category(category: str, nomination: ContestNomination) -> str:
    if category not in CATEGORIES:
        raise ValidationError("bad_category")
    if category not in nomination.categories:
        raise ValidationError("category_not_in_nomination", nomination=nomination.title)
    return category


def parse_age(text: str) -> int:
    value = clean_text(text)
    if not value.isascii() or not value.isdigit() or not AGE_MIN <= int(value) <= AGE_MAX:
        raise ValidationError("bad_age", min=AGE_MIN, max=AGE_MAX)
    return int(value)


def check_participant(nomination: ContestNomination, person: ParticipantInput) -> ParticipantInput:
    name = check_person_name(person.full_name)
    category = check_category(person.category, nomination)
    if category != "library" and len(name.split()) < 2:
        raise ValidationError("full_name_needed")  # the name goes onto the diploma
    if person.age is not None and not AGE_MIN <= person.age <= AGE_MAX:
        raise ValidationError("bad_age", min=AGE_MIN, max=AGE_MAX)
    return ParticipantInput(name, category, person.age)


def check_work_title(text: str) -> str:
    value = clean_text(text)
    if len(value) < 2:
        raise ValidationError("too_short", min=2)
    if len(value) > limits.CONTEST_TITLE_MAX:
        raise ValidationError("too_long", max=limits.CONTEST_TITLE_MAX, length=len(value))
    return value


def check_work_file(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS:
        raise ValidationError("bad_file_type", name=file_name or "—")
    return fit_file_name(file_name)


def check_work_url(text: str) -> str:
    value = text.strip()
    if len(value) > limits.EVIDENCE_URL_MAX or not _URL_RE.match(value):
        raise ValidationError("bad_url")
    host = value.split("://", 1)[1].split("/", 1)[0].split(":")[0]
    if "." not in host:
        raise ValidationError("bad_url")
    return value


def add_work(works: Sequence[WorkInput], work: WorkInput) -> tuple[WorkInput, ...]:
    if len(works) >= WORKS_MAX:
        raise ValidationError("too_many_files", max=WORKS_MAX)
    if work.file_unique_id and any(w.file_unique_id == work.file_unique_id for w in works):
        return tuple(works)  # the same file sent twice is kept once
    return (*works, work)


def check_self_scores(contest: Contest, scores: dict[int, int]) -> dict[int, int]:
    limits_by_id = {c.id: c.max_score for c in contest.criteria}
    if set(scores) != set(limits_by_id):
        raise ValidationError("self_scores_required")
    for criterion_id, points in scores.items():
        if not 0 <= points <= limits_by_id[criterion_id]:
            raise ValidationError("score_out_of_range", max=limits_by_id[criterion_id])
    return dict(scores)


def check_entry(contest: Contest, data: EntryInput) -> EntryInput:
    """The whole entry, as «Отправить» sends it (every answer checked again: a form's data
    may be old or forged)."""
    nomination = next((n for n in contest.nominations if n.id == data.nomination_id), None)
    if nomination is None:
        raise ValidationError("no_such_nomination")
    if not data.participants:
        raise ValidationError("no_participants")
    if len(data.participants) > min(nomination.max_participants, PARTICIPANTS_MAX):
        raise ValidationError("too_many_participants", max=nomination.max_participants)
    participants = tuple(check_participant(nomination, p) for p in data.participants)
    if contest.ask_age and any(p.age is None for p in participants):
        raise ValidationError("age_required")
    keys = [name_key(p.full_name) for p in participants]
    if len(set(keys)) != len(keys):
        raise ValidationError("participant_twice")
    if not data.works:
        raise ValidationError("no_works")
    if len(data.works) > WORKS_MAX:
        raise ValidationError("too_many_files", max=WORKS_MAX)
    if not data.consent:
        raise ValidationError("consent_required")
    scores = check_self_scores(contest, data.self_scores) if contest.self_assessment else {}
    return EntryInput(
        nomination_id=nomination.id,
        participants=participants,
        supervisor_name=check_person_name(data.supervisor_name),
        work_title=check_work_title(data.work_title),
        works=tuple(data.works),
        consent=True,
        self_scores=scores,
    )


# ---- the records -----------------------------------------------------------------------------


def entry_code(contest: Contest, number: int) -> str:
    return f"{contest.prefix}-{contest.year}-{number:03d}"


async def get_entry(session: AsyncSession, entry_id: int) -> ContestEntry:
    stmt = (
        select(ContestEntry)
        .where(ContestEntry.id == entry_id)
        .options(
            selectinload(ContestEntry.participants),
            selectinload(ContestEntry.works),
            selectinload(ContestEntry.nomination),
            selectinload(ContestEntry.school),
        )
        .execution_options(populate_existing=True)
    )
    entry = (await session.scalars(stmt)).first()
    if entry is None:
        raise NotFoundError("entry")
    return entry


async def school_entry(
    session: AsyncSession, entry_id: int, school_id: int | None
) -> ContestEntry:
    """An entry of the librarian's own school: callback data is untrusted."""
    entry = await get_entry(session, entry_id)
    if school_id is None or entry.school_id != school_id:
        raise AccessDeniedError("entry of another school")
    return entry


async def school_entries(
    session: AsyncSession, contest_id: int, school_id: int
) -> list[ContestEntry]:
    stmt = (
        select(ContestEntry)
        .where(ContestEntry.contest_id == contest_id, ContestEntry.school_id == school_id)
        .options(selectinload(ContestEntry.participants), selectinload(ContestEntry.nomination))
        .order_by(ContestEntry.number)
    )
    return list((await session.scalars(stmt)).all())


async def contest_entries(
    session: AsyncSession,
    contest_id: int,
    *,
    nomination_id: int | None = None,
    school_id: int | None = None,
    statuses: Sequence[EntryStatus] | None = None,
) -> list[ContestEntry]:
    stmt = (
        select(ContestEntry)
        .where(ContestEntry.contest_id == contest_id)
        .options(
            selectinload(ContestEntry.participants),
            selectinload(ContestEntry.works),
            selectinload(ContestEntry.nomination),
            selectinload(ContestEntry.school),
        )
        .order_by(ContestEntry.number)
    )
    if nomination_id is not None:
        stmt = stmt.where(ContestEntry.nomination_id == nomination_id)
    if school_id is not None:
        stmt = stmt.where(ContestEntry.school_id == school_id)
    if statuses is not None:
        stmt = stmt.where(ContestEntry.status.in_(statuses))
    return list((await session.scalars(stmt)).all())


async def schools_with_entries(session: AsyncSession, contest_id: int) -> set[int]:
    rows = await session.scalars(
        select(ContestEntry.school_id).where(
            ContestEntry.contest_id == contest_id, ContestEntry.status.in_(ACTIVE_ENTRY)
        )
    )
    return set(rows.all())


async def count_entries(session: AsyncSession, contest_id: int) -> dict[EntryStatus, int]:
    rows = await session.execute(
        select(ContestEntry.status, func.count(ContestEntry.id))
        .where(ContestEntry.contest_id == contest_id)
        .group_by(ContestEntry.status)
    )
    return {EntryStatus(status): int(n) for status, n in rows}


async def _claim(session: AsyncSession, contest_id: int, key: str, entry_id: int) -> bool:
    insert = insert_for(session)
    result = await session.execute(
        insert(ContestEntryKey)
        .values(contest_id=contest_id, key=key, entry_id=entry_id)
        .on_conflict_do_nothing()
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _claim_slot(
    session: AsyncSession, contest_id: int, prefix: str, limit: int, entry_id: int
) -> bool:
    for k in range(limit):
        if await _claim(session, contest_id, f"{prefix}:{k}", entry_id):
            return True
    return False


async def _release(session: AsyncSession, entry_id: int) -> None:
    await session.execute(delete(ContestEntryKey).where(ContestEntryKey.entry_id == entry_id))


async def _claim_keys(
    session: AsyncSession, contest: Contest, entry: ContestEntry, data: EntryInput
) -> None:
    """Take the entry's keys, or roll the unit of work back and say which check failed."""
    failure: ValidationError | None = None
    for person in data.participants:
        key = name_key(person.full_name)
        if contest.one_per_family:
            if not await _claim(session, contest.id, f"f:{key}", entry.id):
                failure = ValidationError("family_taken", name=person.full_name)
                break
        elif not await _claim(session, contest.id, f"p:{data.nomination_id}:{key}", entry.id):
            failure = ValidationError("participant_taken", name=person.full_name)
            break
    if failure is None and contest.max_per_nomination:
        prefix = f"n:{entry.school_id}:{data.nomination_id}"
        if not await _claim_slot(
            session, contest.id, prefix, contest.max_per_nomination, entry.id
        ):
            failure = ValidationError("nomination_limit", max=contest.max_per_nomination)
    if failure is None and contest.max_per_school:
        prefix = f"s:{entry.school_id}"
        if not await _claim_slot(session, contest.id, prefix, contest.max_per_school, entry.id):
            failure = ValidationError("school_limit", max=contest.max_per_school)
    if failure is not None:
        await session.rollback()
        raise failure


def _fill(entry: ContestEntry, data: EntryInput) -> None:
    entry.nomination_id = data.nomination_id
    entry.work_title = data.work_title
    entry.supervisor_name = data.supervisor_name
    entry.consent = data.consent
    entry.self_scores = {str(k): v for k, v in data.self_scores.items()}
    entry.participants = [
        ContestParticipant(position=i, full_name=p.full_name, category=p.category, age=p.age)
        for i, p in enumerate(data.participants, 1)
    ]
    entry.works = [
        ContestWork(
            position=i,
            kind=w.kind,
            file_id=w.file_id,
            file_unique_id=w.file_unique_id,
            file_name=w.file_name,
            mime_type=w.mime_type,
            file_size=w.file_size,
            url=w.url,
        )
        for i, w in enumerate(data.works, 1)
    ]


@dataclass(frozen=True)
class Room:
    """What the school may still send: `total` entries (None: no limit) and the nominations
    whose limit it has used up. Screens use it to say so before the form; the key claims of
    `submit_entry` still decide, so a colleague's entry sent meanwhile is refused there."""

    total: int | None
    full_nominations: frozenset[int]

    @property
    def full(self) -> bool:
        return self.total == 0


def room_of(contest: Contest, entries: Sequence[ContestEntry]) -> Room:
    """The room left by the school's `entries` in this contest (the active ones count)."""
    active = [e for e in entries if e.status in ACTIVE_ENTRY]
    total = None
    if contest.max_per_school:
        total = max(contest.max_per_school - len(active), 0)
    full: set[int] = set()
    if contest.max_per_nomination:
        for nomination in contest.nominations:
            used = sum(1 for e in active if e.nomination_id == nomination.id)
            if used >= contest.max_per_nomination:
                full.add(nomination.id)
    return Room(total, frozenset(full))


def check_window(contest: Contest, now: datetime) -> None:
    """Entries only while the contest is open and before its deadline."""
    if contest.status is not ContestStatus.OPEN or now > contest.event.deadline_at:
        raise ValidationError("contest_not_taking", deadline=contest.event.deadline_at)


async def _next_number(session: AsyncSession, contest_id: int) -> int:
    number = await session.scalar(
        update(Contest)
        .where(Contest.id == contest_id)
        .values(last_number=Contest.last_number + 1)
        .returning(Contest.last_number)
        .execution_options(synchronize_session=False)
    )
    if number is None:
        raise NotFoundError("contest")
    return int(number)


async def submit_entry(
    session: AsyncSession,
    contest: Contest,
    school: School,
    user: User,
    data: EntryInput,
    clock: Clock,
) -> ContestEntry:
    """A new entry with its readable number, or ValidationError with nothing kept."""
    now = clock()
    if school.district_id != contest.district_id:
        raise AccessDeniedError("contest of another district")
    check_window(contest, now)
    data = check_entry(contest, data)
    number = await _next_number(session, contest.id)
    entry = ContestEntry(
        contest_id=contest.id,
        school_id=school.id,
        number=number,
        code=entry_code(contest, number),
        status=EntryStatus.SUBMITTED,
        supervisor_user_id=user.id,
        # sent after the deadline first announced, thanks to an extension
        is_late=contest.first_deadline_at is not None and now > contest.first_deadline_at,
        submitted_by_id=user.id,
        submitted_at=now,
        updated_at=now,
    )
    _fill(entry, data)
    session.add(entry)
    await session.flush()
    await _claim_keys(session, contest, entry, data)
    return entry


def editable(entry: ContestEntry, contest: Contest, now: datetime) -> bool:
    """A school changes its entry until the deadline, unless it is already admitted."""
    return entry.status in (EntryStatus.SUBMITTED, EntryStatus.REJECTED) and (
        contest.status is ContestStatus.OPEN and now <= contest.event.deadline_at
    )


def withdrawable(entry: ContestEntry, contest: Contest, now: datetime) -> bool:
    return entry.status in ACTIVE_ENTRY and (
        contest.status is ContestStatus.OPEN and now <= contest.event.deadline_at
    )


async def _flush_or_changed(session: AsyncSession) -> None:
    try:
        await session.flush()
    except (StaleDataError, IntegrityError) as exc:
        await session.rollback()
        raise ValidationError("entry_changed") from exc


async def update_entry(
    session: AsyncSession,
    contest: Contest,
    entry: ContestEntry,
    user: User,
    data: EntryInput,
    version: int,
    clock: Clock,
) -> ContestEntry:
    """The school's corrected entry (also a rejected one sent again): same number, checked and
    claimed anew, back to «submitted»."""
    now = clock()
    if entry.status is EntryStatus.WITHDRAWN:
        raise ValidationError("entry_withdrawn")
    if entry.version != version:
        raise ValidationError("entry_changed")
    check_window(contest, now)
    if not editable(entry, contest, now):
        raise ValidationError("entry_not_editable")
    data = check_entry(contest, data)
    await _release(session, entry.id)
    _fill(entry, data)
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_by_id = user.id
    entry.updated_at = now
    entry.review_comment = ""
    await _flush_or_changed(session)
    await _claim_keys(session, contest, entry, data)
    return entry


async def withdraw_entry(
    session: AsyncSession, contest: Contest, entry: ContestEntry, version: int, clock: Clock
) -> None:
    now = clock()
    if entry.status is EntryStatus.WITHDRAWN:
        raise ValidationError("entry_withdrawn")
    if entry.version != version:
        raise ValidationError("entry_changed")
    if not withdrawable(entry, contest, now):
        raise ValidationError("contest_not_taking", deadline=contest.event.deadline_at)
    entry.status = EntryStatus.WITHDRAWN
    entry.updated_at = now
    await _flush_or_changed(session)
    await _release(session, entry.id)


async def accept_entry(
    session: AsyncSession, entry: ContestEntry, reviewer: User, version: int, clock: Clock
) -> None:
    if entry.status is not EntryStatus.SUBMITTED or entry.version != version:
        raise ValidationError("entry_changed")
    entry.status = EntryStatus.ACCEPTED
    entry.reviewed_by_id = reviewer.id
    entry.reviewed_at = clock()
    entry.review_comment = ""
    await _flush_or_changed(session)


async def reject_entry(
    session: AsyncSession,
    entry: ContestEntry,
    reviewer: User,
    reason: str,
    version: int,
    clock: Clock,
) -> None:
    """Not admitted, with a reason; the school may send a corrected entry while the window
    is open (its places are given back now)."""
    if entry.status not in ACTIVE_ENTRY or entry.version != version:
        raise ValidationError("entry_changed")
    reason = clean_text(reason)
    if len(reason) < 3:
        raise ValidationError("too_short", min=3)
    if len(reason) > limits.CONTEST_COMMENT_MAX:
        raise ValidationError("too_long", max=limits.CONTEST_COMMENT_MAX, length=len(reason))
    entry.status = EntryStatus.REJECTED
    entry.reviewed_by_id = reviewer.id
    entry.reviewed_at = clock()
    entry.review_comment = reason
    await _flush_or_changed(session)
    await _release(session, entry.id)
