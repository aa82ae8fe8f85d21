"""Shared steps of the contest tests: a contest opened from a template, an entry's input."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app_paths import data_file
from models import Contest, WorkKind
from services.clock import Clock
from services.contests.entries import EntryInput, ParticipantInput, WorkInput
from services.contests.setup import create_contest, get_contest, open_contest
from services.contests.templates import ContestTemplate, read_templates

TZ = ZoneInfo("Asia/Yekaterinburg")
TEMPLATES = read_templates(data_file("data/contests.toml"))


def template(key: str, **changes: object) -> ContestTemplate:
    return TEMPLATES[key].model_copy(update=changes)


async def make_contest(
    session_pool: async_sessionmaker[AsyncSession],
    district_id: int,
    clock: Clock,
    key: str = "talented-reader",
    *,
    days: int = 30,
    opened: bool = True,
    **changes: object,
) -> int:
    """A contest of the district from a template, its deadline `days` ahead at 18:00 local."""
    now_local = clock().astimezone(TZ)
    deadline = datetime.combine(now_local.date() + timedelta(days=days), datetime.min.time())
    async with session_pool.begin() as session:
        contest = await create_contest(
            session,
            district_id,
            template(key, **changes),
            starts_on=now_local.date(),
            deadline_local=deadline.replace(hour=18),
            tz=TZ,
            user=None,
            clock=clock,
        )
        if opened:
            await open_contest(session, contest, clock)
        return contest.id


async def load_contest(session: AsyncSession, contest_id: int) -> Contest:
    return await get_contest(session, contest_id)


def entry_input(
    contest: Contest,
    *names: str,
    nomination: int = 0,
    category: str = "5",
    age: int | None = 11,
    consent: bool = True,
    link: str = "https://disk.example.ru/work",
    supervisor: str = "Анна Петрова",
) -> EntryInput:
    """An entry of the contest's `nomination`-th nomination with participants `names`."""
    return EntryInput(
        nomination_id=contest.nominations[nomination].id,
        participants=tuple(ParticipantInput(n, category, age) for n in names),
        supervisor_name=supervisor,
        work_title="Чтение стихов",
        works=(WorkInput(kind=WorkKind.LINK, url=link),),
        consent=consent,
        self_scores={c.id: c.max_score // 2 for c in contest.criteria}
        if contest.self_assessment
        else {},
    )


__all__ = ["TZ", "entry_input", "load_contest", "make_contest", "template"]
