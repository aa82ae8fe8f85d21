"""A contest's status as people should read it: the stored status, told by the dates too."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.texts.contests import rules
from models import Contest, ContestStatus
from services.timeutil import fmt_local


def deadline_text(contest: Contest, tz: ZoneInfo) -> str:
    """The entry deadline in the district's local time («25.12.2026 18:00»)."""
    return fmt_local(contest.event.deadline_at, tz)


def contest_status(contest: Contest, tz: ZoneInfo, now: datetime | None = None) -> str:
    """«идёт приём заявок» only while entries are really taken (`now` given): an open contest
    past its deadline reads «приём закрыт: срок истёк …»; a closed one whose judging is over
    reads «оценка завершена, итоги не опубликованы»."""
    if (
        contest.status is ContestStatus.OPEN
        and now is not None
        and now > contest.event.deadline_at
    ):
        return rules.STATUS_PAST_DEADLINE.format(deadline=deadline_text(contest, tz))
    if contest.status is ContestStatus.CLOSED and contest.judging_closed_at is not None:
        return rules.STATUS_JUDGED
    return rules.STATUS_NAMES[contest.status.value]
