"""The documents library: publish, replace, withdraw, list, search, and who took which version.

Only `flush()`: the update's middleware commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Activity,
    Contest,
    ContestStatus,
    DocumentCategory,
    DocumentStatus,
    Event,
    LibraryDocument,
    LibraryDownload,
    Notification,
)
from models.dialects import insert_for
from models.entities import name_key
from models.limits import DOCUMENT_TITLE_MAX
from services.clock import Clock
from services.errors import NotFoundError, ValidationError
from services.validation import check_name, fit_file_name

ROADMAP_ITEMS = range(1, 20)  # the roadmap's items 1..19


@dataclass(frozen=True)
class DocumentFile:
    """A file as Telegram describes it; the bot keeps the ids, never the bytes."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str = ""
    file_size: int | None = None


def check_title(value: str) -> str:
    return check_name(value, max_len=DOCUMENT_TITLE_MAX)


def check_activity(number: int | None) -> int | None:
    if number is not None and number not in ROADMAP_ITEMS:
        raise ValidationError("bad_activity_number")
    return number


# programs and scripts: a librarian must never be handed one from the library
FORBIDDEN_EXTENSIONS = frozenset(
    {
        ".exe", ".msi", ".msp", ".bat", ".cmd", ".com", ".scr", ".pif", ".cpl", ".dll",
        ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".ps1", ".sh", ".reg", ".lnk",
        ".apk", ".jar",
    }
)  # fmt: skip


def check_file_name(name: str) -> str:
    """The name if the library may hand its file out: a name, and not a program's or a
    script's (whatever the case; «x.exe.» and «x.exe » count, as Windows drops the tail).
    Check the name as it came, before it is shortened to fit the table."""
    name = name.strip()
    if not name:
        raise ValidationError("document_without_name")
    _, dot, suffix = name.rstrip(". ").rpartition(".")
    if dot and f".{suffix.strip().lower()}" in FORBIDDEN_EXTENSIONS:
        raise ValidationError("document_forbidden_type")
    return name


def check_file(file: DocumentFile) -> DocumentFile:
    check_file_name(file.file_name)
    return file


def _set_file(document: LibraryDocument, file: DocumentFile) -> None:
    check_file(file)
    document.file_id = file.file_id
    document.file_unique_id = file.file_unique_id
    document.file_name = fit_file_name(file.file_name)
    document.mime_type = (file.mime_type or "")[:255]
    document.file_size = file.file_size


async def publish(
    session: AsyncSession,
    district_id: int,
    file: DocumentFile,
    title: str,
    category: DocumentCategory,
    activity_number: int | None,
    published_by_id: int | None,
    clock: Clock,
    *,
    event: Event | None = None,
) -> LibraryDocument:
    """A new document of the district; `event`: the event it is a material of (the same
    district's)."""
    if event is not None and event.district_id != district_id:
        raise NotFoundError("event")
    now = clock()
    document = LibraryDocument(
        district_id=district_id,
        event_id=event.id if event is not None else None,
        title=check_title(title),
        category=category,
        activity_number=check_activity(activity_number),
        version=1,
        status=DocumentStatus.PUBLISHED,
        published_by_id=published_by_id,
        published_at=now,
        updated_at=now,
    )
    _set_file(document, file)
    session.add(document)
    await session.flush()
    return document


async def replace(
    session: AsyncSession, document: LibraryDocument, file: DocumentFile, clock: Clock
) -> list[int]:
    """A new file for the document, its version up by one.

    Returns the ids of the users who took an older version (to be told of the new one).
    """
    if document.status is not DocumentStatus.PUBLISHED:
        raise ValidationError("document_withdrawn")
    _set_file(document, file)
    document.version += 1
    document.updated_at = clock()
    await session.flush()
    users = await session.scalars(
        select(LibraryDownload.user_id)
        .where(
            LibraryDownload.document_id == document.id,
            LibraryDownload.version < document.version,
        )
        .order_by(LibraryDownload.user_id)
    )
    return list(users)


async def withdraw(session: AsyncSession, document: LibraryDocument, clock: Clock) -> bool:
    """Take the document off the library; False if it already was."""
    if document.status is DocumentStatus.WITHDRAWN:
        return False
    document.status = DocumentStatus.WITHDRAWN
    document.updated_at = clock()
    await session.flush()
    return True


async def sync_contest(session: AsyncSession, contest: Contest, clock: Clock) -> list[int]:
    """Keep a contest's regulation in the library: published when the contest opens with a
    file, a new version when the file changes, withdrawn when the contest is cancelled.

    Returns the users who took an older version (to be told of the new one).
    """
    document = await session.scalar(
        select(LibraryDocument).where(LibraryDocument.contest_id == contest.id)
    )
    if contest.status is ContestStatus.CANCELLED:
        if document is not None:
            await withdraw(session, document, clock)
        return []
    if contest.status is ContestStatus.DRAFT or not contest.regulation_file_id:
        return []
    file = DocumentFile(
        contest.regulation_file_id,
        contest.regulation_file_id,  # a contest keeps no unique id; the id stands in
        contest.regulation_file_name or "regulation.pdf",
    )
    if document is None:
        number = await session.scalar(
            select(Activity.number)
            .join(Event, Event.activity_id == Activity.id)
            .where(Event.id == contest.event_id)
        )
        document = await publish(
            session,
            contest.district_id,
            file,
            contest.title,
            DocumentCategory.CONTEST_RULES,
            number if number in ROADMAP_ITEMS else None,
            None,
            clock,
        )
        document.contest_id = contest.id
        await session.flush()
        return []
    if document.file_id == file.file_id and document.status is DocumentStatus.PUBLISHED:
        return []
    if document.status is DocumentStatus.WITHDRAWN:
        document.status = DocumentStatus.PUBLISHED
    return await replace(session, document, file, clock)


def _visible(district_id: int, with_withdrawn: bool) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [LibraryDocument.district_id == district_id]
    if not with_withdrawn:
        where.append(LibraryDocument.status == DocumentStatus.PUBLISHED)
    return where


async def category_counts(
    session: AsyncSession, district_id: int, *, with_withdrawn: bool = False
) -> dict[DocumentCategory, int]:
    rows = await session.execute(
        select(LibraryDocument.category, func.count())
        .where(*_visible(district_id, with_withdrawn))
        .group_by(LibraryDocument.category)
    )
    counts = dict.fromkeys(DocumentCategory, 0)
    for category, count in rows:
        counts[category] = count
    return counts


async def list_documents(
    session: AsyncSession,
    district_id: int,
    category: DocumentCategory,
    page: int,
    page_size: int,
    *,
    with_withdrawn: bool = False,
) -> tuple[list[LibraryDocument], int]:
    """One page of a category, newest first, and the category's total."""
    where = [*_visible(district_id, with_withdrawn), LibraryDocument.category == category]
    total = await session.scalar(select(func.count()).select_from(LibraryDocument).where(*where))
    rows = await session.scalars(
        select(LibraryDocument)
        .where(*where)
        .order_by(LibraryDocument.published_at.desc(), LibraryDocument.id.desc())
        .offset(page * page_size)
        .limit(page_size)
    )
    return list(rows), int(total or 0)


async def search_documents(
    session: AsyncSession,
    district_id: int,
    text: str,
    *,
    with_withdrawn: bool = False,
    limit: int = 20,
) -> list[LibraryDocument]:
    """Documents whose title holds `text`, whatever the case and ё/е (on the folded key)."""
    key = name_key(text)
    if not key:
        return []
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await session.scalars(
        select(LibraryDocument)
        .where(
            *_visible(district_id, with_withdrawn),
            LibraryDocument.title_key.like(f"%{escaped}%", escape="\\"),
        )
        .order_by(LibraryDocument.title_key, LibraryDocument.id)
        .limit(limit)
    )
    return list(rows)


EVENT_FILES_MAX = 30  # an event's screen lists its newest files, at most this many


async def event_documents(
    session: AsyncSession, event_id: int, *, with_withdrawn: bool = False
) -> list[LibraryDocument]:
    """The files of an event, newest first (withdrawn ones only if `with_withdrawn`)."""
    where = [LibraryDocument.event_id == event_id]
    if not with_withdrawn:
        where.append(LibraryDocument.status == DocumentStatus.PUBLISHED)
    rows = await session.scalars(
        select(LibraryDocument)
        .where(*where)
        .order_by(LibraryDocument.published_at.desc(), LibraryDocument.id.desc())
        .limit(EVENT_FILES_MAX)
    )
    return list(rows)


async def count_event_documents(session: AsyncSession, event_id: int) -> int:
    """How many published files the event has."""
    total = await session.scalar(
        select(func.count())
        .select_from(LibraryDocument)
        .where(
            LibraryDocument.event_id == event_id,
            LibraryDocument.status == DocumentStatus.PUBLISHED,
        )
    )
    return int(total or 0)


def event_file_key(document_id: int) -> str:
    """The outbox key of the librarians' notice of a file added to an open event."""
    return f"event-file:{document_id}"


async def event_file_told(session: AsyncSession, document_id: int) -> bool:
    """Whether the librarians were already told of this event file."""
    key = f"{event_file_key(document_id)}:"  # deliver() adds the chat to the key
    row = await session.scalar(
        select(Notification.id)
        .where(Notification.dedupe_key.startswith(key, autoescape=True))
        .limit(1)
    )
    return row is not None


async def event_of(session: AsyncSession, document: LibraryDocument) -> Event | None:
    """The event the document is a material of, if any."""
    if document.event_id is None:
        return None
    return await session.get(Event, document.event_id)


async def get_document_for(
    session: AsyncSession, document_id: int, district_id: int | None, *, with_withdrawn: bool
) -> LibraryDocument:
    """The document if it is the district's (and published, unless `with_withdrawn`)."""
    document = await session.get(LibraryDocument, document_id) if document_id else None
    if (
        document is None
        or district_id is None
        or document.district_id != district_id
        or (not with_withdrawn and document.status is not DocumentStatus.PUBLISHED)
    ):
        raise NotFoundError("document")
    return document


async def record_download(
    session: AsyncSession, document: LibraryDocument, user_id: int, clock: Clock
) -> None:
    """Remember that the user took this version (one row per document and user)."""
    now = clock()
    values = {
        "document_id": document.id,
        "user_id": user_id,
        "version": document.version,
        "downloaded_at": now,
    }
    statement = insert_for(session)(LibraryDownload).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["document_id", "user_id"],
            set_={"version": document.version, "downloaded_at": now},
        )
    )
    await session.flush()
