"""Contests: the call, the entries with their participants and works, the jury and its scores.

A contest's deadline is an ordinary calendar event (kind ``contest_deadline``), so the calendar,
the ``.ics`` file and the reminders cover it. The door checks (limits per school and nomination,
one entry per participant, one per family) are claims of unique keys in ``contest_entry_keys``:
an entry takes its keys with INSERT … ON CONFLICT DO NOTHING, so two librarians sending at the
same moment past a limit store only what the limit allows, on SQLite and PostgreSQL alike.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import limits
from models.base import Base, UTCDateTime
from models.entities import Event, School, str_enum


class ContestStatus(enum.StrEnum):
    DRAFT = "draft"  # being prepared; librarians do not see it
    OPEN = "open"  # entries are taken until the deadline
    CLOSED = "closed"  # no more entries; the jury scores until judging is closed
    PUBLISHED = "published"  # results sent to the schools
    CANCELLED = "cancelled"


class PlacesRule(enum.StrEnum):
    RANK = "rank"  # the best three means get the 1st, 2nd and 3rd degree (ties share)
    SCORE = "score"  # degrees by a share of the maximum score (thresholds in percent)


class EntryStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # admitted to judging
    REJECTED = "rejected"  # with a reason; the school may send a corrected entry
    WITHDRAWN = "withdrawn"


ACTIVE_ENTRY = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED)


class WorkKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO = "video"
    LINK = "link"


class Contest(Base):
    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    # the calendar event of the entry deadline
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))
    template_key: Mapped[str] = mapped_column(String(64), default="")
    prefix: Mapped[str] = mapped_column(String(limits.CONTEST_PREFIX_MAX))  # «ЧР» in ЧР-2026-017
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(limits.CONTEST_TITLE_MAX))
    activity_number: Mapped[int | None] = mapped_column(Integer)  # the roadmap item
    stage: Mapped[str] = mapped_column(String(32), default="municipal")
    rules: Mapped[str] = mapped_column(Text, default="")
    regulation_file_id: Mapped[str] = mapped_column(String(255), default="")
    regulation_file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME_MAX), default="")
    max_per_school: Mapped[int | None] = mapped_column(Integer)
    max_per_nomination: Mapped[int | None] = mapped_column(Integer)  # per school
    one_per_family: Mapped[bool] = mapped_column(Boolean, default=False)
    ask_age: Mapped[bool] = mapped_column(Boolean, default=False)
    self_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    places_rule: Mapped[PlacesRule] = mapped_column(str_enum(PlacesRule, "places_rule"))
    # percent of the maximum for the 1st, 2nd and 3rd degree under PlacesRule.SCORE
    thresholds: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[ContestStatus] = mapped_column(str_enum(ContestStatus, "contest_status"))
    # the deadline as first announced: entries after it (an extension) are marked late
    first_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    judging_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_number: Mapped[int] = mapped_column(Integer, default=0)  # entry numbers given so far
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    nominations: Mapped[list[ContestNomination]] = relationship(
        cascade="all, delete-orphan", order_by="ContestNomination.position", passive_deletes=True
    )
    criteria: Mapped[list[ContestCriterion]] = relationship(
        cascade="all, delete-orphan", order_by="ContestCriterion.position", passive_deletes=True
    )

    @property
    def max_total(self) -> int:
        return sum(c.max_score for c in self.criteria)


class ContestNomination(Base):
    __tablename__ = "contest_nominations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(limits.CONTEST_TITLE_MAX))
    # the participant categories this nomination takes: "1".."11", "parent", "teacher", "library"
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_participants: Mapped[int] = mapped_column(Integer, default=1)


class ContestCriterion(Base):
    __tablename__ = "contest_criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(limits.CONTEST_TITLE_MAX))
    max_score: Mapped[int] = mapped_column(Integer)


class ContestEntry(Base):
    __tablename__ = "contest_entries"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("contest_nominations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))  # «ЧР-2026-017»
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus, "entry_status"), index=True)
    work_title: Mapped[str] = mapped_column(String(limits.CONTEST_TITLE_MAX), default="")
    supervisor_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME_MAX), default="")
    supervisor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # criterion id (as text) -> points, when the contest asks the school to score itself
    self_scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)  # sent after an extension
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # results: the mean of the jurors' totals and the degree (1..3; None = participation)
    mean_score: Mapped[float | None] = mapped_column()
    place: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    school: Mapped[School] = relationship()
    nomination: Mapped[ContestNomination] = relationship()
    participants: Mapped[list[ContestParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="ContestParticipant.position", passive_deletes=True
    )
    works: Mapped[list[ContestWork]] = relationship(
        cascade="all, delete-orphan", order_by="ContestWork.position", passive_deletes=True
    )


class ContestParticipant(Base):
    __tablename__ = "contest_participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    full_name: Mapped[str] = mapped_column(String(limits.PERSON_NAME_MAX))
    category: Mapped[str] = mapped_column(String(16))  # "1".."11", "parent", "teacher", "library"
    age: Mapped[int | None] = mapped_column(Integer)


class ContestWork(Base):
    """A file kept by its Telegram file id (a big video is re-sent, never downloaded) or a link."""

    __tablename__ = "contest_works"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "work_kind"))
    file_id: Mapped[str] = mapped_column(String(255), default="")
    file_unique_id: Mapped[str] = mapped_column(String(128), default="")
    file_name: Mapped[str] = mapped_column(String(limits.FILE_NAME_MAX), default="")
    mime_type: Mapped[str] = mapped_column(String(128), default="")
    file_size: Mapped[int] = mapped_column(BigInteger, default=0)
    url: Mapped[str] = mapped_column(String(limits.EVIDENCE_URL_MAX), default="")


class ContestEntryKey(Base):
    """A claimed door-check key of an active entry (a school's slot, a participant, a family)."""

    __tablename__ = "contest_entry_keys"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(limits.CONTEST_KEY_MAX), primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )


class ContestJuror(Base):
    """A jury seat: made with a one-time token, taken by the first person who opens the link."""

    __tablename__ = "contest_jurors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(limits.PERSON_NAME_MAX), default="")
    # the nominations this juror scores; None = all of them
    nomination_ids: Mapped[list[int] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ContestScore(Base):
    """One juror's scores of one entry: criterion id (as text) -> points, and a comment."""

    __tablename__ = "contest_scores"
    __table_args__ = (UniqueConstraint("entry_id", "juror_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("contest_jurors.id", ondelete="CASCADE"), index=True
    )
    points: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
