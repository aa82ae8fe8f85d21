"""Announcements: the department's messages to chosen librarians, who got them and who read them.

An announcement is a draft while the coordinator composes it, then one outbox row per recipient
(`announcement_recipients.notification_id`) carries each copy with the outbox's limits, retries
and crash safety. Its text is kept with Telegram's entities, so the formatting the coordinator
typed reaches the recipients as it was, never re-parsed.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models import limits
from models.base import Base, UTCDateTime
from models.entities import str_enum


class AnnouncementStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"  # every copy has an outcome
    STOPPED = "stopped"  # «Остановить»: what was not sent stays unsent
    CANCELLED = "cancelled"  # a draft or a schedule given up


class AudienceKind(enum.StrEnum):
    ALL = "all"  # every librarian of the district (a super-admin: of the chosen districts)
    LATE = "late"  # schools that have not answered a chosen event, or were returned
    SCHOOLS = "schools"  # chosen schools
    COORDINATORS = "coordinators"  # coordinators of chosen districts (a super-admin's)


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = (UniqueConstraint("district_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the author's district; None for a super-admin's announcement across districts
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None] = mapped_column(Integer)  # № within the district, once sent
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[AnnouncementStatus] = mapped_column(
        str_enum(AnnouncementStatus, "announcement_status"), default=AnnouncementStatus.DRAFT
    )
    text: Mapped[str] = mapped_column(Text, default="")
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # photos or documents: [{"type": "photo"|"document", "file_id": ..., "file_name": ...}]
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ack: Mapped[bool] = mapped_column(Boolean, default=False)  # an «Ознакомлен(а)» button
    audience: Mapped[AudienceKind] = mapped_column(
        str_enum(AudienceKind, "announcement_audience"), default=AudienceKind.ALL
    )
    audience_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL")
    )
    audience_school_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    audience_district_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # enqueued
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edits: Mapped[int] = mapped_column(Integer, default=0)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the coordinator's live progress message, edited as the copies go out
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_text: Mapped[str] = mapped_column(Text, default="")
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnnouncementRecipient(Base):
    """One person an announcement was addressed to, and what became of their copy."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL")
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # False: the person had blocked the bot or left when it was sent; no copy was planned
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnnouncementQuestion(Base):
    """A librarian's question about an announcement, and the coordinator's answer."""

    __tablename__ = "announcement_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(limits.ANNOUNCEMENT_QUESTION_MAX))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(String(limits.ANNOUNCEMENT_ANSWER_MAX), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
