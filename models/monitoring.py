"""The annual monitoring: a round opened by the department, one response per school.

A round keeps a snapshot of the questionnaire it was opened with, so next year's file changes
nothing in this year's answers. A response is a shared draft of the school (a second librarian
continues it) until it is submitted; `version` makes two submissions at the same moment one.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime
from models.entities import str_enum


class RoundStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class MonitoringRound(Base):
    __tablename__ = "monitoring_rounds"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)  # the school year's first year: 2026 = 2026/27
    # the calendar's event: its deadline is the round's, reminders and /calendar come with it
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    questionnaire: Mapped[dict[str, Any]] = mapped_column(JSON)  # the snapshot it was opened with
    status: Mapped[RoundStatus] = mapped_column(
        str_enum(RoundStatus, "monitoring_round_status"), default=RoundStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MonitoringResponse(Base):
    __tablename__ = "monitoring_responses"
    __table_args__ = (UniqueConstraint("round_id", "school_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_rounds.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ResponseStatus] = mapped_column(
        str_enum(ResponseStatus, "monitoring_response_status"), default=ResponseStatus.DRAFT
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question code → value
    # codes whose big change from last year the librarian confirmed («Верно?» → «Да»)
    confirmed: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)  # the question to ask next
    version: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # the questions a returned response must fix
    return_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
