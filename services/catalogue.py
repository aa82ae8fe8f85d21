"""The roadmap catalogue: loaded idempotently from a TOML file keyed by activity number."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Activity, Section

logger = logging.getLogger(__name__)


class CatalogueError(Exception):
    """The catalogue file is unreadable or inconsistent; the database is left as it was."""


@dataclass(frozen=True)
class SectionData:
    number: int
    title: str


@dataclass(frozen=True)
class ActivityData:
    number: int
    section: int
    title: str
    note: str
    period: str
    executors: tuple[str, ...]
    document_type: str
    expected_result: str


@dataclass(frozen=True)
class Catalogue:
    sections: tuple[SectionData, ...]
    activities: tuple[ActivityData, ...]


@dataclass(frozen=True)
class LoadResult:
    added: int
    updated: int
    retired: int


def _text(item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: '{key}' must be a string")
    if required and not value.strip():
        raise CatalogueError(f"{where}: '{key}' is empty")
    return value.strip()


def _int(item: dict[str, Any], key: str, where: str) -> int:
    value = item.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise CatalogueError(f"{where}: '{key}' must be a positive integer")
    return value


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    sections_raw = raw.get("sections")
    activities_raw = raw.get("activities")
    if not isinstance(sections_raw, list) or not isinstance(activities_raw, list):
        raise CatalogueError("the file needs [[sections]] and [[activities]] tables")
    sections: list[SectionData] = []
    for index, item in enumerate(sections_raw, 1):
        where = f"section #{index}"
        sections.append(SectionData(_int(item, "number", where), _text(item, "title", where)))
    numbers = [s.number for s in sections]
    if len(set(numbers)) != len(numbers):
        raise CatalogueError("section numbers repeat")
    activities: list[ActivityData] = []
    for index, item in enumerate(activities_raw, 1):
        where = f"activity #{index}"
        executors = item.get("executors", [])
        if not isinstance(executors, list) or not all(isinstance(e, str) for e in executors):
            raise CatalogueError(f"{where}: 'executors' must be a list of strings")
        activity = ActivityData(
            number=_int(item, "number", where),
            section=_int(item, "section", where),
            title=_text(item, "title", where),
            note=_text(item, "note", where, required=False),
            period=_text(item, "period", where),
            executors=tuple(e.strip() for e in executors if e.strip()),
            document_type=_text(item, "document_type", where, required=False),
            expected_result=_text(item, "expected_result", where, required=False),
        )
        if activity.section not in numbers:
            raise CatalogueError(f"{where}: unknown section {activity.section}")
        activities.append(activity)
    act_numbers = [a.number for a in activities]
    if len(set(act_numbers)) != len(act_numbers):
        raise CatalogueError("activity numbers repeat")
    return Catalogue(tuple(sections), tuple(activities))


def read_catalogue(path: Path) -> Catalogue:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CatalogueError(f"catalogue file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"catalogue file is not valid TOML: {exc}") from exc
    return parse_catalogue(raw)


async def sync_catalogue(session: AsyncSession, catalogue: Catalogue) -> LoadResult:
    """Upsert by number; an activity missing from the file is retired, never deleted."""
    sections = {s.number: s for s in (await session.scalars(select(Section))).all()}
    for section_data in catalogue.sections:
        section = sections.get(section_data.number)
        if section is None:
            section = Section(number=section_data.number, title=section_data.title)
            session.add(section)
            sections[section_data.number] = section
        elif section.title != section_data.title:
            section.title = section_data.title
    await session.flush()

    existing = {a.number: a for a in (await session.scalars(select(Activity))).all()}
    added = updated = retired = 0
    for data in catalogue.activities:
        values = {
            "section_id": sections[data.section].id,
            "title": data.title,
            "note": data.note,
            "period": data.period,
            "executors": list(data.executors),
            "document_type": data.document_type,
            "expected_result": data.expected_result,
            "is_active": True,
        }
        activity = existing.pop(data.number, None)
        if activity is None:
            session.add(Activity(number=data.number, **values))
            added += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(activity, key) != value:
                setattr(activity, key, value)
                changed = True
        updated += changed
    for activity in existing.values():
        if activity.is_active:
            activity.is_active = False
            retired += 1
    await session.flush()
    return LoadResult(added=added, updated=updated, retired=retired)


async def load_catalogue_file(session: AsyncSession, path: Path) -> LoadResult:
    result = await sync_catalogue(session, read_catalogue(path))
    logger.info(
        "catalogue %s: %d added, %d updated, %d retired",
        path,
        result.added,
        result.updated,
        result.retired,
    )
    return result


async def list_sections(session: AsyncSession) -> list[tuple[Section, int]]:
    sections = (await session.scalars(select(Section).order_by(Section.number))).all()
    activities = (
        await session.scalars(select(Activity).where(Activity.is_active.is_(True)))
    ).all()
    counts: dict[int, int] = {}
    for activity in activities:
        counts[activity.section_id] = counts.get(activity.section_id, 0) + 1
    return [(s, counts[s.id]) for s in sections if counts.get(s.id)]


async def section_activities(session: AsyncSession, section_number: int) -> list[Activity]:
    stmt = (
        select(Activity)
        .join(Section)
        .where(Section.number == section_number, Activity.is_active.is_(True))
        .order_by(Activity.number)
        .options(selectinload(Activity.section))
    )
    return list((await session.scalars(stmt)).all())


async def get_activity(session: AsyncSession, number: int) -> Activity | None:
    stmt = (
        select(Activity)
        .where(Activity.number == number, Activity.is_active.is_(True))
        .options(selectinload(Activity.section))
    )
    return (await session.scalars(stmt)).first()


async def active_activities(session: AsyncSession) -> list[Activity]:
    """Every active roadmap activity, by number (the new-event form offers them by title)."""
    stmt = select(Activity).where(Activity.is_active.is_(True)).order_by(Activity.number)
    return list((await session.scalars(stmt)).all())
