"""Reminders: steps, quiet hours, planning, send-time checks, snooze, mute, summary, nudge.

Time is injected everywhere; nothing sleeps.
"""

from __future__ import annotations

import os
import time as systime
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import events as ev
from bot.texts import reminders as r
from bot.texts.reminders import DIGEST
from bot.toolkit.callbacks import EventAction, EventCb, ReminderAction, ReminderCb
from bot.toolkit.reminder_texts import RussianRenderer
from models import (
    Confirmation,
    ConfirmationStatus,
    Event,
    EventKind,
    EventSchool,
    EventStatus,
    Notification,
    NotificationStatus,
    SeminarReply,
    User,
)
from services.events import EventInput, create_event, set_status
from services.outbox import QuietHours, next_allowed
from services.reminders import (
    ReminderConfig,
    library_month_steps,
    pending_by_district,
    plan_digests,
    plan_reminders,
    plan_summaries,
    reminder_steps,
)
from tests.conftest import COORDINATOR, LIBRARIAN, OTHER, FixedClock
from tests.harness import Client

TZ = ZoneInfo("Asia/Yekaterinburg")
CFG = ReminderConfig(tz=TZ)
RENDER = RussianRenderer(TZ)


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall time in the district, as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def event_with_deadline(deadline_utc: datetime, kind: EventKind = EventKind.ACTIVITY) -> Event:
    return Event(
        id=1,
        district_id=1,
        title="Тест",
        kind=kind,
        starts_on=date(2026, 10, 1),
        ends_on=date(2027, 1, 31),
        deadline_at=deadline_utc,
        reminder_offsets=None,
        code=None,
    )


def test_steps_default_offsets() -> None:
    steps = reminder_steps(event_with_deadline(local(2026, 12, 5, 18, 0)), CFG)
    assert [(s.key, s.due) for s in steps] == [
        ("d7", local(2026, 11, 28, 10, 0)),
        ("d3", local(2026, 12, 2, 10, 0)),
        ("d1", local(2026, 12, 4, 10, 0)),
        ("d0", local(2026, 12, 5, 9, 0)),
    ]
    assert [s.optional for s in steps] == [True, True, True, False]  # the last is never muted


def test_steps_across_month_and_year_end() -> None:
    steps = reminder_steps(event_with_deadline(local(2027, 1, 2, 12, 0)), CFG)
    assert [s.due for s in steps] == [
        local(2026, 12, 26, 10, 0),
        local(2026, 12, 30, 10, 0),
        local(2027, 1, 1, 10, 0),
        local(2027, 1, 2, 9, 0),
    ]
    march = reminder_steps(event_with_deadline(local(2027, 3, 2, 12, 0)), CFG)
    assert march[0].due == local(2027, 2, 23, 10, 0)  # 7 days back over a short February


def test_deadline_at_2359_local() -> None:
    deadline = local(2026, 12, 5, 23, 59)
    assert deadline == datetime(2026, 12, 5, 18, 59, tzinfo=UTC)
    steps = reminder_steps(event_with_deadline(deadline), CFG)
    assert steps[-1].due == datetime(2026, 12, 5, 4, 0, tzinfo=UTC)
    # a deadline at 08:00 local has no "on the day at 09:00" step
    early = reminder_steps(event_with_deadline(local(2026, 12, 5, 8, 0)), CFG)
    assert [s.key for s in early] == ["d7", "d3", "d1"]
    assert early[-1].optional is False


def test_event_override_and_seminar_steps() -> None:
    event = event_with_deadline(local(2026, 12, 5, 18, 0))
    event.reminder_offsets = [2]
    assert [s.key for s in reminder_steps(event, CFG)] == ["d2", "d0"]
    seminar = event_with_deadline(local(2026, 12, 10, 18, 0), EventKind.SEMINAR)
    seminar.starts_on = date(2026, 12, 10)
    assert [(s.key, s.due) for s in reminder_steps(seminar, CFG)] == [
        ("s7", local(2026, 12, 3, 10, 0)),
        ("s1", local(2026, 12, 9, 10, 0)),
    ]


def test_library_month_steps() -> None:
    month = event_with_deadline(local(2026, 11, 6, 18, 0))
    month.code, month.starts_on, month.ends_on = (
        "library-month",
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    steps = library_month_steps(month, CFG)
    assert steps[0].key == "lm-kickoff" and steps[0].due == local(2026, 10, 1, 10, 0)
    mondays = [s.due.astimezone(TZ).date() for s in steps[1:]]
    assert mondays == [
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),
    ]
    day = event_with_deadline(local(2026, 10, 30, 18, 0))
    day.code, day.starts_on = "library-day", date(2026, 10, 26)
    assert [(s.kind, s.due) for s in library_month_steps(day, CFG)] == [
        ("greeting", local(2026, 10, 26, 9, 0))
    ]


def test_quiet_hours_across_midnight_and_weekends() -> None:
    quiet = QuietHours(time(21, 0), time(9, 0))
    wall = [datetime(2026, 11, 25, 23, 0, tzinfo=TZ), datetime(2026, 11, 26, 8, 59, tzinfo=TZ)]
    assert all(quiet.contains(moment) for moment in wall)
    assert not quiet.contains(datetime(2026, 11, 26, 9, 0, tzinfo=TZ))
    assert not quiet.contains(datetime(2026, 11, 26, 20, 59, tzinfo=TZ))
    assert next_allowed(local(2026, 11, 25, 22, 30), TZ, quiet) == local(2026, 11, 26, 9, 0)
    assert next_allowed(local(2026, 11, 26, 3, 0), TZ, quiet) == local(2026, 11, 26, 9, 0)
    assert next_allowed(local(2026, 11, 26, 12, 0), TZ, quiet) == local(2026, 11, 26, 12, 0)
    weekends = QuietHours(time(21, 0), time(9, 0), weekends=True)
    saturday = local(2026, 11, 28, 12, 0)
    assert next_allowed(saturday, TZ, weekends) == local(2026, 11, 30, 9, 0)  # Monday


@pytest.fixture
def host_tz() -> Iterator[None]:
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    systime.tzset()


@pytest.mark.usefixtures("host_tz")
def test_host_time_zone_does_not_matter() -> None:
    results = []
    for zone in ("UTC", "Asia/Yekaterinburg", "America/New_York"):
        os.environ["TZ"] = zone
        systime.tzset()
        steps = reminder_steps(event_with_deadline(local(2026, 12, 5, 23, 59)), CFG)
        quiet = next_allowed(local(2026, 11, 25, 22, 30), TZ, QuietHours())
        results.append(([s.due for s in steps], quiet))
    expected = (
        [
            datetime(2026, 11, 28, 5, 0, tzinfo=UTC),  # 10:00 in the district
            datetime(2026, 12, 2, 5, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 5, 0, tzinfo=UTC),
            datetime(2026, 12, 5, 4, 0, tzinfo=UTC),  # 09:00 on the day
        ],
        datetime(2026, 11, 26, 4, 0, tzinfo=UTC),  # 09:00 after the quiet night
    )
    assert results == [expected, expected, expected]


# ---- planning and sending through the real outbox ---------------------------------------------


async def open_event(
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_id: int,
    deadline_local: datetime,
    kind: EventKind = EventKind.ACTIVITY,
    starts: date = date(2026, 11, 1),
) -> int:
    async with session_pool.begin() as session:
        event = await create_event(
            session,
            district_id,
            EventInput(
                title="Неделя детской книги",
                kind=kind,
                starts_on=starts,
                ends_on=date(2026, 12, 31),
                deadline_local=deadline_local,
            ),
            TZ,
            clock,
        )
        await set_status(session, event, EventStatus.OPEN, clock)
        return event.id


async def plan(session_pool: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with session_pool.begin() as session:
        return await plan_reminders(session, now, CFG, RENDER)


async def notes(session: AsyncSession) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id).execution_options(populate_existing=True)
    return list((await session.scalars(stmt)).all())


async def test_only_unconfirmed_schools_are_reminded(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    first_school, _ = two_schools
    event_id = await open_event(
        session_pool,
        clock,
        1,
        datetime(2026, 12, 5, 18, 0),  # noqa: DTZ001 - local
    )
    before = local(2026, 11, 28, 9, 59)
    assert await plan(session_pool, before) == 0
    at_d7 = local(2026, 11, 28, 10, 1)
    assert await plan(session_pool, at_d7) == 2
    assert await plan(session_pool, at_d7 + timedelta(minutes=1)) == 0  # planning twice: harmless
    # the first school confirms between planning and sending
    async with session_pool() as s:
        s.add(
            Confirmation(
                event_id=event_id,
                school_id=first_school,
                status=ConfirmationStatus.SUBMITTED,
                held_on=date(2026, 11, 20),
                participants=3,
                submitted_at=at_d7,
            )
        )
        await s.commit()
    clock.now = at_d7 + timedelta(minutes=2)
    await client.drain()
    assert client.texts(LIBRARIAN) == []
    sent = client.texts(OTHER)
    assert len(sent) == 1 and sent[0].startswith("⏰ Напоминание")
    client.find_button(OTHER, r.BTN_SNOOZE)
    statuses = {n.chat_id: n.status for n in await notes(session)}
    assert statuses == {
        LIBRARIAN.id: NotificationStatus.CANCELLED,
        OTHER.id: NotificationStatus.SENT,
    }
    # a confirmed school is not even planned for the next step
    assert await plan(session_pool, local(2026, 12, 2, 10, 1)) == 1


async def test_downtime_sends_once_or_expires(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    # the bot was down over the d7 and d3 steps: only the latest one is planned, once
    back_up = local(2026, 12, 2, 15, 0)
    assert await plan(session_pool, back_up) == 2
    keys = sorted(n.dedupe_key.split(":")[2].split("@")[0] for n in await notes(session))
    assert keys == ["d3", "d3"]
    assert await plan(session_pool, back_up + timedelta(hours=1)) == 0
    # down again until after the deadline: the pending rows expire instead of being sent
    clock.now = local(2026, 12, 5, 19, 0)
    await client.drain()
    assert client.texts(LIBRARIAN) == client.texts(OTHER) == []
    assert {n.status for n in await notes(session)} == {NotificationStatus.EXPIRED}
    assert await plan(session_pool, clock.now) == 0  # nothing planned after the deadline


async def test_quiet_hours_hold_messages_until_morning(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    night = local(2026, 12, 2, 23, 30)
    await plan(session_pool, night)
    assert {n.due_at for n in await notes(session)} == {local(2026, 12, 3, 9, 0)}
    clock.now = night
    await client.drain()
    assert client.texts(OTHER) == []
    clock.now = local(2026, 12, 3, 9, 0)
    await client.drain()
    assert len(client.texts(OTHER)) == 1


async def test_snooze_and_mute(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    clock.now = local(2026, 12, 2, 10, 5)
    await plan(session_pool, clock.now)
    await client.drain()
    await client.press(OTHER, r.BTN_SNOOZE)
    assert client.alerts()[-1] == r.SNOOZED.format(time="10:00")
    snoozed = await session.scalar(select(Notification).where(Notification.purpose == "snooze"))
    assert snoozed is not None and snoozed.due_at == local(2026, 12, 3, 10, 0)
    # the librarian mutes optional reminders: the d1 one is skipped, the last one still comes
    await client.send(LIBRARIAN, "/settings")
    await client.press(LIBRARIAN, r.BTN_MUTE)
    muted = await session.scalar(
        select(User.reminders_muted)
        .where(User.telegram_id == LIBRARIAN.id)
        .execution_options(populate_existing=True)
    )
    assert muted is True
    client.clear()
    clock.now = local(2026, 12, 4, 10, 5)
    await plan(session_pool, clock.now)
    await client.drain()
    assert client.texts(LIBRARIAN) == []
    assert len(client.texts(OTHER)) == 2  # the snoozed one (due 03.12) and d1
    clock.now = local(2026, 12, 5, 9, 5)
    await plan(session_pool, clock.now)
    await client.drain()
    assert client.texts(LIBRARIAN) == [
        r.REMINDER_LAST.format(title="Неделя детской книги", deadline="05.12.2026 18:00")
    ]
    # a forged snooze for another district's or unknown event changes nothing
    client.clear()
    await client.press_data(
        LIBRARIAN, ReminderCb(action=ReminderAction.SNOOZE, event_id=event_id + 99).pack()
    )
    assert len(client.alerts()) == 1
    assert await session.scalar(select(func.count(Notification.id))) == 7


async def test_summary_and_nudge_once_a_day(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    first_school, _ = two_schools
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    async with session_pool() as s:
        s.add(
            Confirmation(
                event_id=event_id,
                school_id=first_school,
                status=ConfirmationStatus.ACCEPTED,
                held_on=date(2026, 11, 20),
                participants=3,
                submitted_at=local(2026, 11, 20, 12, 0),
            )
        )
        await s.commit()
    async with session_pool.begin() as s:
        assert await plan_summaries(s, local(2026, 12, 5, 17, 59), CFG, RENDER) == 0
        assert await plan_summaries(s, local(2026, 12, 5, 18, 0), CFG, RENDER) == 1
        assert await plan_summaries(s, local(2026, 12, 5, 18, 1), CFG, RENDER) == 0
    clock.now = local(2026, 12, 5, 18, 0)
    await client.drain()
    summary = client.last_text(COORDINATOR)
    assert "отметили 1 из 2 школ." in summary and "Не отметили: СОШ № 2" in summary
    await client.press(COORDINATOR, r.BTN_NUDGE)
    assert client.alerts()[-1] == r.nudged(1)
    await client.press(COORDINATOR, r.BTN_NUDGE)
    assert client.alerts()[-1] == r.NUDGE_ALREADY
    await client.drain()
    assert client.texts(OTHER)[-1].startswith("📨 Отдел образования напоминает")
    assert client.texts(LIBRARIAN) == []
    # the day after, once more
    async with session_pool.begin() as s:
        assert await plan_summaries(s, local(2026, 12, 6, 18, 0), CFG, RENDER) == 1
        assert await plan_summaries(s, local(2026, 12, 7, 18, 0), CFG, RENDER) == 0


async def draft_event(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock, data: EventInput
) -> int:
    async with session_pool.begin() as session:
        return (await create_event(session, 1, data, TZ, clock)).id


async def open_by_hand(client: Client, event_id: int) -> None:
    """The coordinator opens a draft from its card, as in the bot."""
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_OPEN)
    await client.press(COORDINATOR, ev.BTN_YES)


SEMINAR = EventInput(
    title="Неделя детской книги",
    kind=EventKind.SEMINAR,
    starts_on=date(2026, 12, 10),
    ends_on=date(2026, 12, 10),
    deadline_local=datetime(2026, 12, 10, 23, 59),  # noqa: DTZ001 - local
    place="ЦДТ, актовый зал",
)


async def test_seminar_invitation_and_replies(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # changed with the hardening issue (item 20): opening sends the invitation itself, so the
    # 7-day step is not sent again; the replies are shown on the card by school
    event_id = await draft_event(session_pool, clock, SEMINAR)
    await open_by_hand(client, event_id)
    await client.drain()
    assert client.last_text(LIBRARIAN).startswith("📣 Приглашение на семинар")
    clock.now = local(2026, 12, 3, 10, 1)
    assert await plan(session_pool, clock.now) == 0  # the opening invitation was the s7 step
    await client.press(LIBRARIAN, r.BTN_WILL_COME)
    await client.press(OTHER, r.BTN_CANNOT)
    await client.press(OTHER, r.BTN_WILL_COME)  # changed their mind: one row, updated
    replies = (await session.scalars(select(SeminarReply.attending))).all()
    assert sorted(replies) == [True, True]
    await client.send(COORDINATOR, "/events")
    await client.press(COORDINATOR, "🟢 10.12 · Неделя детской книги")
    assert "✅ Будут (2): МБОУ СОШ № 1 с. Иглино, СОШ № 2" in client.last_text(COORDINATOR)


async def test_inactive_or_left_users_are_not_reminded(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    await plan(session_pool, local(2026, 12, 2, 10, 1))
    async with session_pool() as s:
        user = await s.scalar(select(User).where(User.telegram_id == OTHER.id))
        assert user is not None
        user.is_active = False
        await s.commit()
    clock.now = local(2026, 12, 2, 10, 2)
    await client.drain()
    assert client.texts(OTHER) == []
    assert len(client.texts(LIBRARIAN)) == 1


async def test_chosen_audience_and_custom_offsets(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:

    _, second_school = two_schools
    event_id = await open_event(session_pool, clock, 1, datetime(2026, 12, 5, 18, 0))  # noqa: DTZ001
    await client.send(COORDINATOR, "/events")
    await client.press_data(
        COORDINATOR, EventCb(action=EventAction.OPEN, event_id=event_id).pack()
    )
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.BTN_AUDIENCE)
    assert ev.AUDIENCE_ALL_NAME in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, "⬜ СОШ № 2")
    assert ev.AUDIENCE_CHOSEN_NAME.format(count=1) in client.last_text(COORDINATOR)
    client.find_button(COORDINATOR, "✅ СОШ № 2")
    # a forged toggle naming another district's school changes nothing
    client.clear()
    forged = EventCb(action=EventAction.AUDIENCE_TOGGLE, event_id=event_id, arg="999")
    await client.press_data(COORDINATOR, forged.pack())
    assert len(client.alerts()) == 1
    audience = (
        await session.scalars(
            select(EventSchool.school_id).where(EventSchool.event_id == event_id)
        )
    ).all()
    assert audience == [second_school]
    # custom offsets: a bad answer first, then 2 days
    await client.press(COORDINATOR, "« Назад")
    await client.press(COORDINATOR, ev.BTN_EDIT)
    await client.press(COORDINATOR, ev.FIELD_NAMES["offsets"])
    await client.send(COORDINATOR, "неделя")
    assert client.last_text(COORDINATOR).startswith(ev.ERRORS["bad_offsets"])
    await client.send(COORDINATOR, "2")
    event = await session.scalar(
        select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert event is not None and event.reminder_offsets == [2]
    # the d7 step no longer exists; d2 reaches only the chosen school
    assert await plan(session_pool, local(2026, 11, 28, 10, 1)) == 0
    assert await plan(session_pool, local(2026, 12, 3, 10, 1)) == 1
    only = await session.scalar(select(Notification).where(Notification.purpose == "remind"))
    assert only is not None and only.chat_id == OTHER.id and only.school_id == second_school
    # the school added to the open event's audience got the event's prompt, once
    prompts = (
        await session.scalars(select(Notification.chat_id).where(Notification.purpose == "prompt"))
    ).all()
    assert prompts == [OTHER.id]


async def test_library_month_planned_and_digest(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    two_schools: tuple[int, int],
    session: AsyncSession,
) -> None:
    # changed with the hardening issue (item 23): the Month is opened by hand the day before;
    # its opening prompt carries the kick-off, which is not planned again
    clock.now = local(2026, 9, 30, 12, 0)
    month_id = await draft_event(
        session_pool,
        clock,
        EventInput(
            title="Международный месячник школьных библиотек",
            kind=EventKind.ACTIVITY,
            starts_on=date(2026, 10, 1),
            ends_on=date(2026, 10, 31),
            deadline_local=datetime(2026, 11, 6, 18, 0),  # noqa: DTZ001
            code="library-month",
            description="План: книжные выставки, уроки чтения.",
        ),
    )
    await open_by_hand(client, month_id)
    await client.drain()
    assert len(client.texts(LIBRARIAN)) == 1
    assert "План: книжные выставки" in client.last_text(LIBRARIAN)
    client.find_button(LIBRARIAN, r.BTN_CONFIRM)
    assert await plan(session_pool, local(2026, 10, 1, 10, 1)) == 0
    monday = local(2026, 10, 5, 10, 1)
    assert await plan(session_pool, monday) == 2  # the weekly nudge
    clock.now = monday
    await client.drain()
    assert client.last_text(OTHER) == r.LM_WEEKLY.format(
        title="Международный месячник школьных библиотек"
    )
    # the morning digest tells coordinators who chose it how many confirmations wait
    async with session_pool() as s:
        coordinator = await s.scalar(select(User).where(User.telegram_id == COORDINATOR.id))
        assert coordinator is not None
        coordinator.review_digest = True
        s.add(
            Confirmation(
                event_id=month_id,
                school_id=two_schools[0],
                status=ConfirmationStatus.SUBMITTED,
                held_on=date(2026, 10, 5),
                participants=40,
                submitted_at=monday,
            )
        )
        await s.commit()
        pending = await pending_by_district(s)
        assert pending == {1: 1}
        assert await plan_digests(s, local(2026, 10, 6, 8, 59), CFG, pending, DIGEST) == 0
        assert await plan_digests(s, local(2026, 10, 6, 9, 0), CFG, pending, DIGEST) == 1
        assert await plan_digests(s, local(2026, 10, 6, 9, 30), CFG, pending, DIGEST) == 0
        await s.commit()
    clock.now = local(2026, 10, 6, 9, 0)
    await client.drain()
    assert client.last_text(COORDINATOR) == DIGEST.format(count=1)
