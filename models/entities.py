"""Domain tables: districts, schools, users, invitations, the roadmap catalogue, FSM state."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from models import limits
from models.base import Base, UTCDateTime


class Role(enum.StrEnum):
    SUPER_ADMIN = "super_admin"
    COORDINATOR = "coordinator"
    LIBRARIAN = "librarian"
    JUROR = "juror"  # only a seat on a contest's jury (contest_jurors)


class InvitationKind(enum.StrEnum):
    COORDINATOR = "coordinator"
    LIBRARIAN = "librarian"


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        validate_strings=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.DISTRICT_NAME_MAX), unique=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    schools: Mapped[list[School]] = relationship(back_populates="district")


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("district_id", "short_key"),
        UniqueConstraint("district_id", "full_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(limits.SCHOOL_FULL_NAME_MAX))
    short_name: Mapped[str] = mapped_column(String(limits.SCHOOL_SHORT_NAME_MAX))
    # comparison keys (case, "ё" and spacing folded), so "МБОУ СОШ № 1" and "мбоу сош №1 "
    # are one school; kept by the ORM events below, unique per district
    full_key: Mapped[str | None] = mapped_column(String(limits.SCHOOL_FULL_NAME_MAX))
    short_key: Mapped[str | None] = mapped_column(String(limits.SCHOOL_SHORT_NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    district: Mapped[District] = relationship(back_populates="schools")


def name_key(value: str) -> str:
    return " ".join(value.split()).casefold().replace("ё", "е")


@event.listens_for(School, "before_insert")
@event.listens_for(School, "before_update")
def _school_keys(_mapper: object, _connection: object, school: School) -> None:
    school.full_key = name_key(school.full_name)
    school.short_key = name_key(school.short_name)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str | None] = mapped_column(String(limits.PERSON_NAME_MAX))
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[Role | None] = mapped_column(str_enum(Role, "role"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders_muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # a coordinator hears of new confirmations at once (grouped, at most every 10 minutes)
    # or, when this is set, only in the morning digest
    review_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    district: Mapped[District | None] = relationship()
    school: Mapped[School | None] = relationship()


class Invitation(Base):
    """A deep-link token: a school's librarian link (many uses) or a coordinator's (one use)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[InvitationKind] = mapped_column(str_enum(InvitationKind, "invitation_kind"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    max_uses: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    district: Mapped[District] = relationship()
    school: Mapped[School | None] = relationship()


class Section(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(Text)


class Activity(Base):
    """One roadmap item; `number` is the stable key used by the catalogue file."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str] = mapped_column(String(100))
    executors: Mapped[list[str]] = mapped_column(JSON)
    document_type: Mapped[str] = mapped_column(Text, default="")
    expected_result: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    section: Mapped[Section] = relationship()


class FsmRecord(Base):
    """Conversation state of one chat/user, so half-filled forms survive a restart."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EventKind(enum.StrEnum):
    ACTIVITY = "activity"
    SEMINAR = "seminar"
    CONTEST_DEADLINE = "contest_deadline"
    MONITORING = "monitoring"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    ALL = "all"
    CHOSEN = "chosen"


class Event(Base):
    """A dated occurrence of a roadmap activity in one district."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    code: Mapped[str | None] = mapped_column(String(limits.EVENT_CODE_MAX))
    title: Mapped[str] = mapped_column(String(limits.EVENT_TITLE_MAX))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"))
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus, "event_status"), index=True)
    place: Mapped[str] = mapped_column(String(limits.EVENT_PLACE_MAX), default="")
    link: Mapped[str] = mapped_column(String(limits.EVENT_LINK_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    recurrence: Mapped[str] = mapped_column(String(16), default="none")
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON)
    # when the event was first opened: the opening prompt counts as the reminders it covers
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    activity: Mapped[Activity | None] = relationship()
    audience_schools: Mapped[list[EventSchool]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class EventSchool(Base):
    """A school of an event's chosen audience."""

    __tablename__ = "event_schools"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )


class ConfirmationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Confirmation(Base):
    """A school's statement that it did an event; one per event and school."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("event_id", "school_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ConfirmationStatus] = mapped_column(
        str_enum(ConfirmationStatus, "confirmation_status"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # every change is conditional on the version its author saw (UPDATE … WHERE version = …)
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    event: Mapped[Event] = relationship()
    school: Mapped[School] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", order_by="Evidence.position", passive_deletes=True
    )


class EvidenceKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    LINK = "link"


class Evidence(Base):
    """A photo, a document (kept by Telegram file id) or a link attached to a confirmation."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmation_id: Mapped[int] = mapped_column(
        ForeignKey("confirmations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind, "evidence_kind"))
    file_id: Mapped[str] = mapped_column(String(255), default="")
    file_unique_id: Mapped[str] = mapped_column(String(128), default="")
    file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME_MAX), default="")
    mime_type: Mapped[str] = mapped_column(String(128), default="")
    file_size: Mapped[int] = mapped_column(BigInteger, default=0)
    url: Mapped[str] = mapped_column(String(limits.EVIDENCE_URL_MAX), default="")


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Notification(Base):
    """The outbox: every message that is not a direct reply leaves through this table."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    only_if_unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[NotificationStatus] = mapped_column(
        str_enum(NotificationStatus, "notification_status")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SeminarReply(Base):
    """A librarian's answer to a seminar invitation: will come or not."""

    __tablename__ = "seminar_replies"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    attending: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderRun(Base):
    """A reminder step of an event that the planner has already fanned out to recipients."""

    __tablename__ = "reminder_runs"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(32), primary_key=True)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipients: Mapped[int] = mapped_column(Integer, default=0)
