"""Hearing back: «Ознакомлен(а)», questions and answers, a reminder to those who have not read.

Only `flush()`: the unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementQuestion,
    AnnouncementRecipient,
    AnnouncementStatus,
    District,
    Notification,
    NotificationStatus,
    School,
    User,
)
from models.limits import ANNOUNCEMENT_ANSWER_MAX, ANNOUNCEMENT_QUESTION_MAX
from services.announcements.content import Content, check_content, steps
from services.announcements.sending import (
    PURPOSE,
    PURPOSE_EDIT,
    Extras,
    content_of,
)
from services.errors import NotFoundError, ValidationError
from services.outbox import Outgoing, plan
from services.validation import check_name

NUDGE_EVERY = timedelta(days=1)
SENT_OR_DONE = (
    AnnouncementStatus.SENDING,
    AnnouncementStatus.SENT,
    AnnouncementStatus.STOPPED,
)


async def recipient_of(
    session: AsyncSession, announcement_id: int, user: User
) -> AnnouncementRecipient:
    """The user's own copy of a sent announcement; anyone else's press is refused."""
    recipient = await session.scalar(
        select(AnnouncementRecipient).where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.user_id == user.id,
        )
    )
    if recipient is None:
        raise NotFoundError("announcement")
    return recipient


async def acknowledge(
    session: AsyncSession, announcement_id: int, user: User, now: datetime
) -> bool:
    """Mark read; returns False when it already was (a second press changes nothing)."""
    recipient = await recipient_of(session, announcement_id, user)
    if recipient.acknowledged_at is not None:
        return False
    recipient.acknowledged_at = now
    await session.flush()
    return True


@dataclass(frozen=True)
class SchoolAck:
    school_id: int | None
    school: str
    recipients: int
    acknowledged: int


# where a person is: the school's short name; for one without a school (a coordinator, to
# whom a super-admin wrote), the district's name
PLACE = func.coalesce(School.short_name, District.name)


async def acks_by_school(session: AsyncSession, announcement_id: int) -> list[SchoolAck]:
    """Per school (per district for the coordinators addressed): the copies and how many
    pressed «Ознакомлен(а)»."""
    rows = await session.execute(
        select(
            AnnouncementRecipient.school_id,
            PLACE,
            func.count(),
            func.count(AnnouncementRecipient.acknowledged_at),
        )
        .outerjoin(School, School.id == AnnouncementRecipient.school_id)
        .outerjoin(District, District.id == AnnouncementRecipient.district_id)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .group_by(AnnouncementRecipient.school_id, PLACE)
        .order_by(PLACE)
    )
    return [SchoolAck(sid, name or "", int(n), int(a)) for sid, name, n, a in rows]


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    school: str
    chat_id: int


async def not_acknowledged(session: AsyncSession, announcement_id: int) -> list[Person]:
    """Those who got their copy and have not pressed «Ознакомлен(а)»."""
    rows = await session.execute(
        select(User.id, User.full_name, PLACE, AnnouncementRecipient.chat_id)
        .join(User, User.id == AnnouncementRecipient.user_id)
        .outerjoin(School, School.id == AnnouncementRecipient.school_id)
        .outerjoin(District, District.id == AnnouncementRecipient.district_id)
        .join(Notification, Notification.id == AnnouncementRecipient.notification_id)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.acknowledged_at.is_(None),
            Notification.status == NotificationStatus.SENT,
        )
        .order_by(PLACE, User.full_name)
    )
    return [Person(int(u), n or "", s or "", int(c)) for u, n, s, c in rows]


async def nudge(
    session: AsyncSession,
    announcement: Announcement,
    text: str,
    extras: Extras,
    now: datetime,
) -> int:
    """«Напомнить не ознакомившимся»: once a day per announcement, through the outbox."""
    if not announcement.ack or announcement.status not in SENT_OR_DONE:
        raise ValidationError("nudge_not_possible")
    if announcement.nudged_at is not None and now - announcement.nudged_at < NUDGE_EVERY:
        raise ValidationError("nudge_too_soon", at=announcement.nudged_at + NUDGE_EVERY)
    people = await not_acknowledged(session, announcement.id)
    if not people:
        raise ValidationError("nudge_nobody")
    copy = extras(announcement)
    day = now.date().isoformat()
    planned = await plan(
        session,
        [
            Outgoing(
                dedupe_key=f"ann:{announcement.id}:nudge:{day}:{p.user_id}",
                purpose="announcement_nudge",
                chat_id=p.chat_id,
                text=text,
                due_at=now,
                buttons=copy.buttons,
                user_id=p.user_id,
                extra={"announcement_id": announcement.id},
            )
            for p in people
        ],
        now,
    )
    announcement.nudged_at = now
    await session.flush()
    return planned


def check_question(text: str) -> str:
    return check_name(text, max_len=ANNOUNCEMENT_QUESTION_MAX)


async def ask(
    session: AsyncSession, announcement_id: int, user: User, text: str, now: datetime
) -> AnnouncementQuestion:
    recipient = await recipient_of(session, announcement_id, user)
    question = AnnouncementQuestion(
        announcement_id=announcement_id,
        user_id=user.id,
        school_id=recipient.school_id,
        text=check_question(text),
        asked_at=now,
    )
    session.add(question)
    await session.flush()
    return question


async def questions(session: AsyncSession, announcement_id: int) -> list[tuple[Any, ...]]:
    """(question, the asker's name, where the asker is: the school's short name, or the
    district's for a coordinator), oldest first."""
    rows = await session.execute(
        select(AnnouncementQuestion, User.full_name, PLACE)
        .outerjoin(User, User.id == AnnouncementQuestion.user_id)
        .outerjoin(School, School.id == AnnouncementQuestion.school_id)
        .outerjoin(District, District.id == User.district_id)
        .where(AnnouncementQuestion.announcement_id == announcement_id)
        .order_by(AnnouncementQuestion.asked_at, AnnouncementQuestion.id)
    )
    return [tuple(row) for row in rows]


async def asker_place(session: AsyncSession, question: AnnouncementQuestion) -> str:
    """Where the asker is: the school's short name, or the district's for a coordinator ("" if
    neither is known)."""
    place = await session.scalar(
        select(PLACE)
        .select_from(AnnouncementQuestion)
        .outerjoin(User, User.id == AnnouncementQuestion.user_id)
        .outerjoin(School, School.id == AnnouncementQuestion.school_id)
        .outerjoin(District, District.id == User.district_id)
        .where(AnnouncementQuestion.id == question.id)
    )
    return place or ""


async def answer(
    session: AsyncSession,
    question: AnnouncementQuestion,
    author: User,
    text: str,
    now: datetime,
) -> bool:
    """Record the answer; False when someone answered first (the handler says so)."""
    checked = check_name(text, max_len=ANNOUNCEMENT_ANSWER_MAX)
    result = await session.execute(
        update(AnnouncementQuestion)
        .where(AnnouncementQuestion.id == question.id, AnnouncementQuestion.answered_at.is_(None))
        .values(answer=checked, answered_at=now, answered_by_id=author.id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(question)
    return bool(getattr(result, "rowcount", 0))


async def open_questions(session: AsyncSession, announcement_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                AnnouncementQuestion.announcement_id == announcement_id,
                AnnouncementQuestion.answered_at.is_(None),
            )
        )
        or 0
    )


async def _refresh_waiting(session: AsyncSession, announcement: Announcement) -> None:
    """Copies still waiting in the outbox go out with the corrected text."""
    waiting = select(AnnouncementRecipient.notification_id).where(
        AnnouncementRecipient.announcement_id == announcement.id
    )
    sample = await session.scalar(
        select(Notification.payload).where(
            Notification.id.in_(waiting),
            Notification.purpose == PURPOSE,
            Notification.status == NotificationStatus.PENDING,
        )
    )
    if sample is None:
        return
    payload = {
        **sample,
        "text": announcement.text,
        "steps": steps(content_of(announcement)),
    }
    await session.execute(
        update(Notification)
        .where(
            Notification.id.in_(waiting),
            Notification.purpose == PURPOSE,
            Notification.status == NotificationStatus.PENDING,
        )
        .values(payload=payload)
        .execution_options(synchronize_session=False)
    )


async def edit_sent(
    session: AsyncSession,
    announcement: Announcement,
    content: Content,
    extras: Extras,
    now: datetime,
) -> int:
    """Correct the text of a sent announcement: an edit of every delivered copy, through the
    outbox (its limits and retries). Returns how many copies will be edited."""
    if announcement.status not in SENT_OR_DONE:
        raise NotFoundError("announcement")
    new = Content(content.text, content.entities, tuple(announcement.media or ()))
    check_content(new)
    old_main = next((s for s in steps(content_of(announcement)) if s.get("main")), None)
    new_main = next((s for s in steps(new) if s.get("main")), None)
    if old_main is None or new_main is None or old_main["kind"] != new_main["kind"]:
        raise ValidationError("edit_not_possible")
    if new.text == announcement.text and list(new.entities) == list(announcement.entities):
        raise ValidationError("edit_same")
    announcement.text = new.text
    announcement.entities = list(new.entities)
    announcement.edits += 1
    announcement.edited_at = now
    copy = extras(announcement)
    await _refresh_waiting(session, announcement)
    rows = await session.execute(
        select(
            Notification.chat_id,
            Notification.user_id,
            Notification.message_id,
            AnnouncementRecipient.acknowledged_at.is_not(None),
        )
        .join(AnnouncementRecipient, AnnouncementRecipient.notification_id == Notification.id)
        .where(
            AnnouncementRecipient.announcement_id == announcement.id,
            Notification.status == NotificationStatus.SENT,
            Notification.message_id.is_not(None),
        )
    )
    edit = {
        "message_id": None,
        "caption": new_main["kind"] != "text",
        "text": new.text,
        "entities": list(new.entities),
    }
    planned = await plan(
        session,
        [
            Outgoing(
                dedupe_key=f"ann:{announcement.id}:edit:{announcement.edits}:{user_id}",
                purpose=PURPOSE_EDIT,
                chat_id=chat_id,
                text=new.text,
                due_at=now,
                # one who has pressed «Ознакомлен(а)» keeps the keyboard without it
                buttons=()
                if new_main["kind"] == "album"
                else copy.acked_buttons
                if acknowledged
                else copy.buttons,
                user_id=user_id,
                extra={
                    "announcement_id": announcement.id,
                    "edit": {**edit, "message_id": message_id},
                    "urgent": True,  # an edit makes no sound: quiet hours do not hold it
                },
            )
            for chat_id, user_id, message_id, acknowledged in rows
        ],
        now,
    )
    await session.flush()
    return planned
