"""Export events as an iCalendar (.ics) file for calendar apps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar
from icalendar import Event as IcalEvent

ICS_DEADLINE_DURATION = timedelta(minutes=30)
ICS_ALARM_BEFORE = timedelta(days=1)
ICS_UID_DOMAIN = "shibc"
ICS_PRODID = "-//shibc-bot//School library centres calendar//RU"


@dataclass(frozen=True, slots=True)
class IcsEvent:
    uid: str  # stable; becomes "<uid>@shibc" and "<uid>-deadline@shibc"
    title: str
    description: str
    starts_on: date
    ends_on: date
    deadline_utc: datetime  # aware
    place: str = ""
    link: str = ""


@dataclass(frozen=True, slots=True)
class IcsLabels:
    """Templates of the words the file adds to an event's own texts."""

    deadline_summary: str  # {title}: the summary of the deadline entry
    alarm_description: str  # {title}: the reminder the day before the deadline
    link_line: str  # {link}: the line appended to the description


def build_ics(
    events: Sequence[IcsEvent],
    *,
    tz_name: str,
    calendar_name: str,
    now: datetime,
    labels: IcsLabels,
) -> bytes:
    """An .ics file: per event an all-day period and a 30-minute deadline with a reminder.

    The deadline is written in ``tz_name`` local time (with its VTIMEZONE); ``now`` (aware)
    becomes every DTSTAMP, so the output depends only on the arguments. ``labels``: the
    templates of the words the file adds (the bot passes its Russian texts).
    """
    if now.tzinfo is None or any(event.deadline_utc.tzinfo is None for event in events):
        raise ValueError("now and every deadline_utc must be timezone-aware")
    zone = ZoneInfo(tz_name)
    stamp = now.astimezone(UTC)

    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", tz_name)

    uids: set[str] = set()
    for event in events:
        if event.uid in uids:
            raise ValueError(f"duplicate uid {event.uid!r}")
        uids.add(event.uid)
        if event.ends_on < event.starts_on:
            raise ValueError(f"event {event.uid!r} ends before it starts")
        description = event.description
        if event.link:
            link_line = labels.link_line.format(link=event.link)
            description = f"{description}\n\n{link_line}" if description else link_line

        period = IcalEvent()
        period.add("uid", f"{event.uid}@{ICS_UID_DOMAIN}")
        period.add("dtstamp", stamp)
        period.add("summary", event.title)
        period.add("dtstart", event.starts_on)
        period.add("dtend", event.ends_on + timedelta(days=1))
        period.add("transp", "TRANSPARENT")
        _add_details(period, event, description)
        calendar.add_component(period)

        deadline = event.deadline_utc.astimezone(zone)
        summary = labels.deadline_summary.format(title=event.title)
        deadline_event = IcalEvent()
        deadline_event.add("uid", f"{event.uid}-deadline@{ICS_UID_DOMAIN}")
        deadline_event.add("dtstamp", stamp)
        deadline_event.add("summary", summary)
        deadline_event.add("dtstart", deadline)
        deadline_event.add("dtend", deadline + ICS_DEADLINE_DURATION)
        _add_details(deadline_event, event, description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", labels.alarm_description.format(title=event.title))
        alarm.add("trigger", -ICS_ALARM_BEFORE)
        deadline_event.add_component(alarm)
        calendar.add_component(deadline_event)

    if events:
        first = min(min(e.starts_on, e.deadline_utc.date()) for e in events)
        last = max(max(e.ends_on, e.deadline_utc.date()) for e in events)
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = calendar.to_ical()
    return data


def _add_details(component: IcalEvent, event: IcsEvent, description: str) -> None:
    if description:
        component.add("description", description)
    if event.place:
        component.add("location", event.place)
    if event.link:
        component.add("url", event.link)
