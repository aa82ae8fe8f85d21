"""The documents library: the district's files (normative acts, methodical materials, samples,
contest rules, an event's materials) that librarians take from the bot, and who took which
version.

A file is kept by its Telegram file id only; the bot never downloads it. Replacing a file raises
the version, and `library_downloads` tells who took an older one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from models import limits
from models.base import Base, UTCDateTime
from models.entities import name_key, str_enum


class DocumentCategory(enum.StrEnum):
    NORMATIVE = "normative"
    METHODICAL = "methodical"
    SAMPLES = "samples"
    CONTEST_RULES = "contest_rules"


class DocumentStatus(enum.StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class LibraryDocument(Base):
    __tablename__ = "library_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(limits.DOCUMENT_TITLE_MAX))
    # folded title (casefold, ё→е) for a search SQLite's LIKE could not do on Cyrillic
    title_key: Mapped[str] = mapped_column(String(limits.DOCUMENT_TITLE_MAX), default="")
    category: Mapped[DocumentCategory] = mapped_column(
        str_enum(DocumentCategory, "document_category")
    )
    activity_number: Mapped[int | None] = mapped_column(Integer)  # the roadmap item
    # a contest's regulation, kept in step with the contest (services.documents.sync_contest)
    contest_id: Mapped[int | None] = mapped_column(
        ForeignKey("contests.id", ondelete="SET NULL"), unique=True
    )
    # a file attached to an event (its materials); an event may have several
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME_MAX))
    mime_type: Mapped[str] = mapped_column(String(255), default="")
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[DocumentStatus] = mapped_column(
        str_enum(DocumentStatus, "document_status"), default=DocumentStatus.PUBLISHED
    )
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LibraryDownload(Base):
    """The newest version of a document a user took (one row per document and user)."""

    __tablename__ = "library_downloads"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("library_documents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    downloaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


@event.listens_for(LibraryDocument, "before_insert")
@event.listens_for(LibraryDocument, "before_update")
def _title_key(_mapper: object, _connection: object, document: LibraryDocument) -> None:
    document.title_key = name_key(document.title)
