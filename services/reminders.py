"""Reminder planning: which reminders, summaries and digests are due, and to whom.

Plain functions on an AsyncSession with an injected `now`; the texts and buttons come from a
renderer given by the bot layer (services never import aiogram). Everything is planned into
the outbox with insert-or-ignore, and every fan-out step is recorded in `reminder_runs`, so a
pass can run every minute, after a restart or twice at once without repeating anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Audience,
    Confirmation,
    ConfirmationStatus,
    Event,
    EventKind,
    EventSchool,
    EventStatus,
    ReminderRun,
    Role,
    School,
    SeminarReply,
    User,
)
from models.dialects import insert_for
from services.answered import Holder, answered_schools, holder_of
from services.documents import count_event_documents
from services.outbox import Button, Outgoing, QuietHours, next_allowed, plan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderConfig:
    tz: ZoneInfo
    quiet: QuietHours = field(default_factory=QuietHours)
    offsets: tuple[int, ...] = (7, 3, 1)
    reminder_time: time = time(10, 0)
    day_of_time: time = time(9, 0)
    summary_time: time = time(18, 0)


@dataclass(frozen=True)
class Step:
    key: str  # "d7", "d0", "s1", "lm-kickoff", ...
    due: datetime  # aware UTC
    kind: str  # "remind" | "seminar" | "kickoff" | "weekly" | "greeting"
    optional: bool = False


class Renderer(Protocol):
    """Texts and buttons for planned messages (the bot layer implements it)."""

    def reminder(
        self, event: Event, step: Step, last: bool, holder: Holder | None = None
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...

    def seminar(
        self, event: Event, step: Step, files: int = 0
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...

    def library_month(
        self, event: Event, step: Step
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...

    def summary(
        self, event: Event, done: int, total: int, missing: Sequence[str]
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...

    def nudge(
        self, event: Event, late: bool, holder: Holder | None = None
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...

    def seminar_tomorrow(
        self, event: Event, files: int = 0
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]: ...


# The prompt sent when an event is opened counts as every step due before the opening or less
# than a day after it: a librarian who has just been invited is not reminded of the same thing
# the same day (an event opened on its deadline morning gets no "last reminder" an hour later),
# while a step a day or more later is a real reminder. 24 hours rather than "the same local
# day", so that an event opened in the evening is not reminded of the next morning either.
OPENING_COVERS = timedelta(hours=24)


def covered_by_opening(event: Event, step: Step) -> bool:
    """True when the prompt sent on opening the event stands for this step."""
    opened = event.opened_at
    if opened is None:  # opened before this was recorded: nothing is covered
        return False
    if step.kind == "seminar":
        if step.key == "s7":
            return True  # opening a seminar sends the invitation: it is the 7-day step
        # the day-before invitation says «завтра»: covered only when opening came after it
        return step.due < opened
    if step.kind == "kickoff":
        return True  # the Library Month's opening prompt carries the kick-off
    return step.due < opened + OPENING_COVERS


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def reminder_steps(event: Event, cfg: ReminderConfig) -> list[Step]:
    """The event's reminder steps in time order, all strictly before the deadline."""
    tz = cfg.tz
    deadline_day = event.deadline_at.astimezone(tz).date()
    steps: list[Step] = []
    if event.kind is EventKind.SEMINAR:
        for days in (7, 1):
            due = _at(event.starts_on - timedelta(days=days), cfg.reminder_time, tz)
            steps.append(Step(f"s{days}", due, "seminar"))
        return sorted(
            (s for s in steps if s.due < event.deadline_at and not covered_by_opening(event, s)),
            key=lambda s: s.due,
        )
    offsets = sorted({d for d in (event.reminder_offsets or cfg.offsets) if d > 0}, reverse=True)
    steps.extend(
        Step(f"d{days}", _at(deadline_day - timedelta(days=days), cfg.reminder_time, tz), "remind")
        for days in offsets
    )
    steps.append(Step("d0", _at(deadline_day, cfg.day_of_time, tz), "remind"))
    period_start = _at(event.starts_on, time(0, 0), tz)  # nothing to confirm before it
    steps = [s for s in steps if period_start <= s.due < event.deadline_at]
    steps.sort(key=lambda s: s.due)
    # every reminder but the last one before the deadline may be muted by the librarian
    steps = [
        Step(s.key, s.due, s.kind, optional=index < len(steps) - 1)
        for index, s in enumerate(steps)
    ]
    # steps covered by the opening prompt are always the earliest ones, so "the last step" and
    # what may be muted stay as they were
    return [s for s in steps if not covered_by_opening(event, s)]


def library_month_steps(event: Event, cfg: ReminderConfig) -> list[Step]:
    """Item 14: a kick-off on the first day, a weekly nudge on Mondays, the Day's greeting."""
    tz = cfg.tz
    if event.code == "library-day":
        # the Day's greeting is not the opening prompt's content: it is never covered
        return [Step("greeting", _at(event.starts_on, cfg.day_of_time, tz), "greeting")]
    if event.code != "library-month":
        return []
    steps = [Step("lm-kickoff", _at(event.starts_on, cfg.reminder_time, tz), "kickoff")]
    day = event.starts_on + timedelta(days=1)
    while day <= event.ends_on:
        if day.weekday() == 0:
            steps.append(
                Step(f"lm-w{day:%m%d}", _at(day, cfg.reminder_time, tz), "weekly", optional=True)
            )
        day += timedelta(days=1)
    return [s for s in steps if not covered_by_opening(event, s)]


@dataclass
class _Recipients:
    """Active librarians by school, per district, loaded once per pass."""

    by_district: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)

    async def of(self, session: AsyncSession, district_id: int) -> list[tuple[int, int, int]]:
        if district_id not in self.by_district:
            rows = await session.execute(
                select(User.id, User.telegram_id, User.school_id)
                .join(School, School.id == User.school_id)
                .where(
                    School.district_id == district_id,
                    User.role == Role.LIBRARIAN,
                    User.is_active.is_(True),
                )
                .order_by(User.id)
            )
            self.by_district[district_id] = [(u, t, int(s or 0)) for u, t, s in rows]
        return self.by_district[district_id]


async def _audience_schools(session: AsyncSession, event: Event) -> set[int] | None:
    if event.audience is Audience.ALL:
        return None
    rows = await session.scalars(
        select(EventSchool.school_id).where(EventSchool.event_id == event.id)
    )
    return set(rows.all())


async def _seminar_replies(session: AsyncSession, event_id: int) -> dict[int, bool]:
    rows = await session.execute(
        select(SeminarReply.user_id, SeminarReply.attending).where(
            SeminarReply.event_id == event_id
        )
    )
    return {int(user_id): bool(attending) for user_id, attending in rows}


async def plan_reminders(
    session: AsyncSession, now: datetime, cfg: ReminderConfig, render: Renderer
) -> int:
    """One planning pass over the open events; returns the number of messages planned."""
    events = list(
        (
            await session.scalars(
                select(Event)
                .where(Event.status == EventStatus.OPEN, Event.deadline_at > now)
                .order_by(Event.id)
            )
        ).all()
    )
    if not events:
        return 0
    done_runs = {
        (event_id, step)
        for event_id, step in await session.execute(
            select(ReminderRun.event_id, ReminderRun.step).where(
                ReminderRun.event_id.in_([e.id for e in events])
            )
        )
    }
    recipients = _Recipients()
    planned: list[Outgoing] = []
    runs: list[ReminderRun] = []
    for event in events:
        try:
            messages, event_runs = await _plan_event(
                session, event, now, cfg, render, done_runs, recipients
            )
        except SQLAlchemyError:
            raise  # the transaction is broken: the planner's part fails as a whole
        except Exception:  # one event that cannot be planned must not stop the others
            logger.exception("reminders of event %s could not be planned, skipped", event.id)
            continue
        planned += messages
        runs += event_runs
    count = await plan(session, planned, now)
    session.add_all(runs)
    await session.flush()
    return count


async def _plan_event(
    session: AsyncSession,
    event: Event,
    now: datetime,
    cfg: ReminderConfig,
    render: Renderer,
    done_runs: set[tuple[int, str]],
    recipients: _Recipients,
) -> tuple[list[Outgoing], list[ReminderRun]]:
    """The messages and runs of one event's due steps (nothing is written here)."""
    planned: list[Outgoing] = []
    runs: list[ReminderRun] = []
    steps = reminder_steps(event, cfg)
    due = [s for s in steps if s.due <= now]
    chosen: list[Step] = []
    if due:
        chosen.append(due[-1])  # after a downtime only the latest step is sent, once
        last = due[-1] is steps[-1]
    else:
        last = False
    chosen += [s for s in library_month_steps(event, cfg) if s.due <= now][-1:]
    stamp = f"@{event.deadline_at:%Y%m%d%H%M}"  # a moved deadline starts the steps anew
    for step in chosen:
        run_key = step.key + stamp
        if (event.id, run_key) in done_runs:
            continue
        audience = await _audience_schools(session, event)
        people = [
            p
            for p in await recipients.of(session, event.district_id)
            if audience is None or p[2] in audience
        ]
        unconfirmed = step.kind == "remind"
        if unconfirmed:
            confirmed = await answered_schools(session, event.id)
            people = [p for p in people if p[2] not in confirmed]
        replies: dict[int, bool] = {}
        files = 0  # a seminar's materials, offered under its invitation
        if step.kind == "remind":
            holder = await holder_of(session, event.id)
            text, buttons = render.reminder(event, step, last, holder)
        elif step.kind == "seminar":
            files = await count_event_documents(session, event.id)
            text, buttons = render.seminar(event, step, files)
            replies = await _seminar_replies(session, event.id)
            # those who said they cannot come are not asked again
            people = [p for p in people if replies.get(p[0]) is not False]
        else:
            text, buttons = render.library_month(event, step)
        coming = render.seminar_tomorrow(event, files) if replies and step.key == "s1" else None
        due_at = next_allowed(max(step.due, now), cfg.tz, cfg.quiet)
        for user_id, chat_id, school_id in people:
            message_text, message_buttons = (
                coming if coming is not None and replies.get(user_id) else (text, buttons)
            )
            planned.append(
                Outgoing(
                    dedupe_key=f"{step.kind}:{event.id}:{run_key}:{user_id}",
                    purpose=step.kind,
                    chat_id=chat_id,
                    text=message_text,
                    buttons=message_buttons,
                    due_at=due_at,
                    user_id=user_id,
                    event_id=event.id,
                    school_id=school_id,
                    expires_at=event.deadline_at,
                    only_if_unconfirmed=unconfirmed,
                    optional=step.optional,
                )
            )
        runs.append(
            ReminderRun(event_id=event.id, step=run_key, planned_at=now, recipients=len(people))
        )
    return planned, runs


async def unconfirmed_schools(session: AsyncSession, event: Event) -> tuple[int, list[School]]:
    """(schools in the audience, those without a submitted or accepted confirmation)."""
    audience = await _audience_schools(session, event)
    schools = list(
        (
            await session.scalars(
                select(School)
                .where(School.district_id == event.district_id)
                .order_by(School.short_name)
            )
        ).all()
    )
    if audience is not None:
        schools = [s for s in schools if s.id in audience]
    confirmed = await answered_schools(session, event.id)
    return len(schools), [s for s in schools if s.id not in confirmed]


async def plan_summaries(
    session: AsyncSession, now: datetime, cfg: ReminderConfig, render: Renderer
) -> int:
    """Coordinators' summary at SUMMARY_TIME on the deadline day and the day after."""
    local = now.astimezone(cfg.tz)
    if local.time() < cfg.summary_time:
        return 0
    today = local.date()
    start = _at(today - timedelta(days=1), time(0, 0), cfg.tz)
    end = _at(today + timedelta(days=1), time(0, 0), cfg.tz)
    events = (
        await session.scalars(
            select(Event).where(
                Event.status == EventStatus.OPEN,
                Event.kind != EventKind.SEMINAR,
                Event.deadline_at >= start,
                Event.deadline_at < end,
            )
        )
    ).all()
    planned: list[Outgoing] = []
    for event in events:
        total, missing = await unconfirmed_schools(session, event)
        if not total:
            continue
        coordinators = (
            await session.scalars(
                select(User).where(
                    User.district_id == event.district_id,
                    User.role.in_((Role.COORDINATOR,)),
                    User.is_active.is_(True),
                )
            )
        ).all()
        text, buttons = render.summary(
            event, total - len(missing), total, [s.short_name for s in missing]
        )
        if not missing:
            buttons = ()
        planned.extend(
            Outgoing(
                dedupe_key=f"summary:{event.id}:{today.isoformat()}:{coordinator.id}",
                purpose="summary",
                chat_id=coordinator.telegram_id,
                text=text,
                buttons=buttons,
                due_at=next_allowed(now, cfg.tz, cfg.quiet),
                user_id=coordinator.id,
                event_id=event.id,
                expires_at=now + timedelta(hours=18),
            )
            for coordinator in coordinators
        )
    return await plan(session, planned, now)


async def plan_nudge(
    session: AsyncSession, event: Event, now: datetime, cfg: ReminderConfig, render: Renderer
) -> int | None:
    """ "Напомнить не ответившим": once a day per event; None when already done today."""
    today = now.astimezone(cfg.tz).date().isoformat()
    step = f"nudge-{today}"
    exists = await session.get(ReminderRun, (event.id, step))
    if exists is not None:
        return None
    confirmed = await answered_schools(session, event.id)
    audience = await _audience_schools(session, event)
    people = [
        p
        for p in await _Recipients().of(session, event.district_id)
        if p[2] not in confirmed and (audience is None or p[2] in audience)
    ]
    holder = await holder_of(session, event.id)
    text, buttons = render.nudge(event, now > event.deadline_at, holder)
    due_at = next_allowed(now, cfg.tz, cfg.quiet)
    messages = [
        Outgoing(
            dedupe_key=f"nudge:{event.id}:{today}:{user_id}",
            purpose="nudge",
            chat_id=chat_id,
            text=text,
            buttons=buttons,
            due_at=due_at,
            user_id=user_id,
            event_id=event.id,
            school_id=school_id,
            expires_at=event.deadline_at if event.deadline_at > now else None,
            only_if_unconfirmed=True,
        )
        for user_id, chat_id, school_id in people
    ]
    count = await plan(session, messages, now)
    session.add(ReminderRun(event_id=event.id, step=step, planned_at=now, recipients=count))
    await session.flush()
    return count


async def snooze(
    session: AsyncSession,
    user: User,
    event: Event,
    now: datetime,
    cfg: ReminderConfig,
    render: Renderer,
) -> datetime | None:
    """ "Напомнить завтра": one more reminder tomorrow morning for this user, if still useful."""
    tomorrow = now.astimezone(cfg.tz).date() + timedelta(days=1)
    due = next_allowed(_at(tomorrow, cfg.reminder_time, cfg.tz), cfg.tz, cfg.quiet)
    steps = reminder_steps(event, cfg)
    last_due = steps[-1].due if steps else event.deadline_at
    if due >= last_due:  # the last reminder comes anyway; a snooze must not follow it
        return None
    step = Step(f"snooze-{tomorrow:%m%d}", due, "remind")
    text, buttons = render.reminder(event, step, False, await holder_of(session, event.id))
    await plan(
        session,
        [
            Outgoing(
                dedupe_key=f"snooze:{event.id}:{tomorrow.isoformat()}:{user.id}",
                purpose="snooze",
                chat_id=user.telegram_id,
                text=text,
                buttons=buttons,
                due_at=due,
                user_id=user.id,
                event_id=event.id,
                school_id=user.school_id,
                expires_at=event.deadline_at,
                only_if_unconfirmed=True,
            )
        ],
        now,
    )
    return due


async def plan_digests(
    session: AsyncSession,
    now: datetime,
    cfg: ReminderConfig,
    pending: dict[int, int],
    text_of: str,
) -> int:
    """Morning digest for the coordinators who chose it in /settings (instead of a notice as
    confirmations arrive): how many confirmations wait for review."""
    local = now.astimezone(cfg.tz)
    if local.time() < cfg.day_of_time or not pending:
        return 0
    today = local.date().isoformat()
    coordinators = (
        await session.scalars(
            select(User).where(
                User.role == Role.COORDINATOR,
                User.is_active.is_(True),
                User.review_digest.is_(True),  # the others are told as confirmations arrive
                User.district_id.in_(list(pending)),
            )
        )
    ).all()
    messages = [
        Outgoing(
            dedupe_key=f"digest:{today}:{c.id}",
            purpose="digest",
            chat_id=c.telegram_id,
            text=text_of.format(count=pending[c.district_id or 0]),
            due_at=next_allowed(now, cfg.tz, cfg.quiet),
            user_id=c.id,
            expires_at=now + timedelta(hours=12),
        )
        for c in coordinators
        if pending.get(c.district_id or 0)
    ]
    return await plan(session, messages, now)


async def pending_by_district(session: AsyncSession) -> dict[int, int]:

    rows = await session.execute(
        select(Event.district_id, func.count(Confirmation.id))
        .join(Confirmation, Confirmation.event_id == Event.id)
        .where(
            Confirmation.status == ConfirmationStatus.SUBMITTED,
            Event.status != EventStatus.CANCELLED,
        )
        .group_by(Event.district_id)
    )
    return {int(d): int(n) for d, n in rows}


async def record_seminar_reply(
    session: AsyncSession, event_id: int, user_id: int, attending: bool, now: datetime
) -> None:
    """A librarian's answer to a seminar invitation; a later answer replaces the earlier."""
    stmt = insert_for(session)(SeminarReply).values(
        event_id=event_id, user_id=user_id, attending=attending, answered_at=now
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["event_id", "user_id"],
            set_={"attending": attending, "answered_at": now},
        )
    )
