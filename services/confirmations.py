"""Confirmations: a school states it did an event, with evidence; the department reviews."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Confirmation,
    ConfirmationStatus,
    Event,
    EventStatus,
    Evidence,
    EvidenceKind,
    Role,
    School,
    User,
    limits,
)
from services.answered import holder_of
from services.clock import Clock
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import get_event, school_in_audience
from services.timeutil import local_today
from services.validation import clean_multiline, fit_file_name

PARTICIPANTS_MAX = 100_000
DESCRIPTION_MAX = limits.CONFIRMATION_DESCRIPTION_MAX
COMMENT_MAX = limits.REVIEW_COMMENT_MAX
EVIDENCE_MAX = 10
FILE_MAX_BYTES = 20 * 1024 * 1024  # what a bot can download from Telegram
URL_MAX = limits.EVIDENCE_URL_MAX
ALLOWED_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png"}
)

_DATE_RE = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$")
_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class EvidenceItem:
    kind: EvidenceKind
    file_id: str = ""
    file_unique_id: str = ""
    file_name: str = ""
    mime_type: str = ""
    file_size: int = 0
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EvidenceItem:
        return cls(
            kind=EvidenceKind(raw["kind"]),
            file_id=str(raw.get("file_id", "")),
            file_unique_id=str(raw.get("file_unique_id", "")),
            file_name=str(raw.get("file_name", "")),
            mime_type=str(raw.get("mime_type", "")),
            file_size=int(raw.get("file_size", 0)),
            url=str(raw.get("url", "")),
        )


@dataclass(frozen=True)
class Draft:
    held_on: date
    participants: int
    description: str
    evidence: tuple[EvidenceItem, ...] = field(default_factory=tuple)


# ---- checks of each answer ------------------------------------------------------------------


def parse_day(text: str, today: date) -> date:
    """ "сегодня", "вчера", "дд.мм" or "дд.мм.гггг"; raises ValidationError('bad_date')."""
    value = text.strip().lower()
    if value == "сегодня":
        return today
    if value == "вчера":
        return today - timedelta(days=1)
    match = _DATE_RE.match(value)
    if not match:
        raise ValidationError("bad_date")
    day, month, year_raw = match.groups()
    year = today.year if year_raw is None else int(year_raw)
    if year < 100:
        year += 2000
    try:
        return date(year, int(month), int(day))
    except ValueError as exc:
        raise ValidationError("bad_date") from exc


def check_held_on(day: date, event: Event, today: date) -> date:
    if day > today:
        raise ValidationError("date_in_future")
    if day < event.starts_on or day > event.ends_on:
        raise ValidationError("date_outside_event", starts=event.starts_on, ends=event.ends_on)
    return day


def default_held_on(event: Event, today: date) -> date:
    """Today if it lies in the event's period, else the last day of the period."""
    return min(max(today, event.starts_on), event.ends_on)


def parse_participants(text: str) -> int:
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"-?\d{1,9}", value):
        raise ValidationError("bad_number")
    number = int(value)
    if number < 0 or number > PARTICIPANTS_MAX:
        raise ValidationError("number_out_of_range", max=PARTICIPANTS_MAX)
    return number


def check_description(text: str) -> str:
    value = clean_multiline(text)
    if len(value) > DESCRIPTION_MAX:
        raise ValidationError("too_long", max=DESCRIPTION_MAX, length=len(value))
    return value


def check_url(text: str) -> str:
    value = text.strip()
    if len(value) > URL_MAX or not _URL_RE.match(value):
        raise ValidationError("bad_url")
    parsed = urlparse(value)
    if not parsed.netloc or "." not in parsed.netloc.split(":")[0]:
        raise ValidationError("bad_url")
    return value


def check_document(file_name: str, file_size: int | None) -> None:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ValidationError("bad_file_type", name=file_name or "—")
    if file_size is not None and file_size > FILE_MAX_BYTES:
        raise ValidationError("file_too_big", size=file_size)


def check_photo(file_size: int | None) -> None:
    if file_size is not None and file_size > FILE_MAX_BYTES:
        raise ValidationError("file_too_big", size=file_size)


def add_evidence(items: Sequence[EvidenceItem], item: EvidenceItem) -> tuple[EvidenceItem, ...]:
    if len(items) >= EVIDENCE_MAX:
        raise ValidationError("too_many_files", max=EVIDENCE_MAX)
    return (*items, item)


# ---- rules on the records ------------------------------------------------------------------


def can_submit(event: Event) -> bool:
    return event.status is EventStatus.OPEN


async def librarian_event(
    session: AsyncSession, user: User, event_id: int
) -> tuple[Event, School]:
    """The event a librarian may confirm: same district, in the audience; else AccessDenied."""
    if user.role is not Role.LIBRARIAN or user.school_id is None:
        raise AccessDeniedError("not a librarian")
    event = await get_event(session, event_id)
    school = await session.get(School, user.school_id)
    if school is None or event.district_id != school.district_id:
        raise AccessDeniedError("event of another district")
    if not await school_in_audience(session, event, school.id):
        raise AccessDeniedError("school not in audience")
    if await holder_of(session, event.id) is not None:
        # a contest's deadline is answered by an entry (/contests), a monitoring round's by
        # the questionnaire (/monitoring)
        raise AccessDeniedError("answered elsewhere than by a confirmation")
    return event, school


async def find_confirmation(
    session: AsyncSession, event_id: int, school_id: int
) -> Confirmation | None:
    stmt = (
        select(Confirmation)
        .where(Confirmation.event_id == event_id, Confirmation.school_id == school_id)
        .options(selectinload(Confirmation.evidence))
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).first()


async def _flush_or_changed(session: AsyncSession, code: str) -> None:
    """Write the change; if someone else changed the confirmation since it was read (another
    version, or a colleague's first confirmation of the same event), nothing is written."""
    try:
        await session.flush()
    except (StaleDataError, IntegrityError) as exc:
        await session.rollback()
        raise ValidationError(code) from exc


def editable(confirmation: Confirmation | None, event: Event, now: datetime) -> bool:
    """Before the deadline a school may change or withdraw its statement; a returned one
    may be fixed at any time while the event is open; an accepted one is final."""
    if not can_submit(event):
        return False
    if confirmation is None or confirmation.status is ConfirmationStatus.WITHDRAWN:
        return True
    if confirmation.status is ConfirmationStatus.ACCEPTED:
        return False
    if confirmation.status is ConfirmationStatus.RETURNED:
        return True
    return now <= event.deadline_at


async def submit(
    session: AsyncSession,
    user: User,
    event_id: int,
    draft: Draft,
    tz: ZoneInfo,
    clock: Clock,
    *,
    base_version: int | None = None,
) -> Confirmation:
    """Create or replace the school's confirmation (one per event and school).

    `base_version` is the version the form started from (0: none existed); if a colleague
    changed the confirmation meanwhile, nothing is overwritten.
    """
    event, school = await librarian_event(session, user, event_id)
    now = clock()
    if not can_submit(event):
        raise ValidationError("event_not_open", status=event.status.value)
    check_held_on(draft.held_on, event, local_today(now, tz))
    if not 0 <= draft.participants <= PARTICIPANTS_MAX:
        raise ValidationError("number_out_of_range", max=PARTICIPANTS_MAX)
    description = check_description(draft.description)
    if len(draft.evidence) > EVIDENCE_MAX:
        raise ValidationError("too_many_files", max=EVIDENCE_MAX)
    confirmation = await find_confirmation(session, event.id, school.id)
    if not editable(confirmation, event, now):
        raise ValidationError("not_editable")
    current_version = confirmation.version if confirmation is not None else 0
    if base_version is not None and base_version != current_version:
        raise ValidationError("changed_by_colleague")
    keep_on_time = (
        confirmation is not None
        and confirmation.status is ConfirmationStatus.RETURNED
        and not confirmation.is_late
    )
    if confirmation is None:
        confirmation = Confirmation(event_id=event.id, school_id=school.id)
        session.add(confirmation)
        confirmation.evidence = []
    confirmation.status = ConfirmationStatus.SUBMITTED
    confirmation.held_on = draft.held_on
    confirmation.participants = draft.participants
    confirmation.description = description
    confirmation.is_late = False if keep_on_time else now > event.deadline_at
    confirmation.submitted_by_id = user.id
    confirmation.submitted_at = now
    confirmation.reviewed_by_id = None
    confirmation.reviewed_at = None
    confirmation.evidence.clear()
    flag_modified(confirmation, "status")  # a resubmission is a new version even if alike
    await _flush_or_changed(session, "changed_by_colleague")
    for position, item in enumerate(draft.evidence):
        confirmation.evidence.append(
            Evidence(
                position=position,
                kind=item.kind,
                file_id=item.file_id,
                file_unique_id=item.file_unique_id,
                file_name=fit_file_name(item.file_name),
                mime_type=item.mime_type,
                file_size=item.file_size,
                url=item.url,
            )
        )
    await session.flush()
    return confirmation


async def withdraw(session: AsyncSession, user: User, event_id: int, clock: Clock) -> Confirmation:
    event, school = await librarian_event(session, user, event_id)
    confirmation = await find_confirmation(session, event.id, school.id)
    now = clock()
    if confirmation is None or confirmation.status is ConfirmationStatus.WITHDRAWN:
        raise NotFoundError("confirmation")
    if (
        confirmation.status is ConfirmationStatus.ACCEPTED
        or now > event.deadline_at
        or not can_submit(event)
    ):
        raise ValidationError("not_withdrawable")
    confirmation.status = ConfirmationStatus.WITHDRAWN
    await _flush_or_changed(session, "changed_by_colleague")
    return confirmation


def draft_of(confirmation: Confirmation) -> Draft:
    return Draft(
        held_on=confirmation.held_on,
        participants=confirmation.participants,
        description=confirmation.description,
        evidence=tuple(
            EvidenceItem(
                kind=e.kind,
                file_id=e.file_id,
                file_unique_id=e.file_unique_id,
                file_name=e.file_name,
                mime_type=e.mime_type,
                file_size=e.file_size,
                url=e.url,
            )
            for e in confirmation.evidence
        ),
    )


# ---- review ----------------------------------------------------------------------------------


async def count_pending(session: AsyncSession, district_id: int) -> int:
    stmt = (
        select(func.count(Confirmation.id))
        .join(Event, Event.id == Confirmation.event_id)
        .where(
            Event.district_id == district_id,
            Event.status != EventStatus.CANCELLED,
            Confirmation.status == ConfirmationStatus.SUBMITTED,
        )
    )
    return int(await session.scalar(stmt) or 0)


async def pending_reviews(
    session: AsyncSession, district_id: int, offset: int, limit: int
) -> list[Confirmation]:
    stmt = (
        select(Confirmation)
        .join(Event, Event.id == Confirmation.event_id)
        .where(
            Event.district_id == district_id,
            Event.status != EventStatus.CANCELLED,
            Confirmation.status == ConfirmationStatus.SUBMITTED,
        )
        .order_by(Confirmation.submitted_at, Confirmation.id)
        .offset(offset)
        .limit(limit)
        .options(selectinload(Confirmation.event), selectinload(Confirmation.school))
    )
    return list((await session.scalars(stmt)).all())


async def confirmation_for_district(
    session: AsyncSession, confirmation_id: int, district_id: int | None
) -> Confirmation:
    stmt = (
        select(Confirmation)
        .where(Confirmation.id == confirmation_id)
        .options(
            selectinload(Confirmation.event),
            selectinload(Confirmation.school),
            selectinload(Confirmation.evidence),
        )
        .execution_options(populate_existing=True)
    )
    confirmation = (await session.scalars(stmt)).first()
    if confirmation is None:
        raise NotFoundError("confirmation")
    if district_id is None or confirmation.event.district_id != district_id:
        raise AccessDeniedError("confirmation of another district")
    return confirmation


async def review(
    session: AsyncSession,
    reviewer: User,
    confirmation_id: int,
    *,
    accept: bool,
    comment: str,
    version: int,
    clock: Clock,
) -> Confirmation:
    """Accept or return a submitted confirmation; `version` guards against a stale screen."""
    confirmation = await confirmation_for_district(session, confirmation_id, reviewer.district_id)
    if confirmation.status is not ConfirmationStatus.SUBMITTED or confirmation.version != version:
        raise ValidationError("already_reviewed")
    text = clean_multiline(comment)
    if len(text) > COMMENT_MAX:
        raise ValidationError("too_long", max=COMMENT_MAX, length=len(text))
    if not accept and not text:
        raise ValidationError("comment_required")
    confirmation.status = ConfirmationStatus.ACCEPTED if accept else ConfirmationStatus.RETURNED
    confirmation.review_comment = text
    confirmation.reviewed_by_id = reviewer.id
    confirmation.reviewed_at = clock()
    await _flush_or_changed(session, "already_reviewed")
    return confirmation


async def school_librarian_ids(
    session: AsyncSession, school_id: int
) -> list[tuple[int, int | None]]:
    """(chat id, user id) of the school's active librarians."""
    stmt = select(User.telegram_id, User.id).where(
        User.school_id == school_id, User.role == Role.LIBRARIAN, User.is_active.is_(True)
    )
    return [(int(chat), int(uid)) for chat, uid in await session.execute(stmt)]


async def event_progress(session: AsyncSession, event: Event) -> dict[int, Confirmation]:
    """Confirmations of an event by school id."""
    rows = (
        await session.scalars(select(Confirmation).where(Confirmation.event_id == event.id))
    ).all()
    return {c.school_id: c for c in rows}
