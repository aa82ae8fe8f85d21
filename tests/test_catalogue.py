"""The roadmap catalogue: the data file, idempotent loading, and the /roadmap screens."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import roadmap as r
from bot.toolkit.callbacks import RoadmapCb
from models import Activity
from services.catalogue import CatalogueError, load_catalogue_file, read_catalogue
from tests.conftest import ROOT, STRANGER
from tests.harness import Client

CATALOGUE = ROOT / "data" / "roadmap.toml"


def test_data_file_has_the_whole_seed() -> None:
    catalogue = read_catalogue(CATALOGUE)
    assert [s.number for s in catalogue.sections] == list(range(1, 8))
    assert [a.number for a in catalogue.activities] == list(range(1, 20))
    text = CATALOGUE.read_text(encoding="utf-8")
    for slip in ("Башкотостан", "ресурсною", "образовател ьн ых", "AMP", "_GoBack"):
        assert slip not in text, slip
    by_number = {a.number: a for a in catalogue.activities}
    assert by_number[14].title == "Проведение Международного месячника школьных библиотек"
    assert by_number[3].period == "2 раза в год"
    assert "МКУ «Отдел образования АМР Иглинский район РБ»" in by_number[19].executors
    assert "Башкортостан" in by_number[8].document_type


async def test_loading_is_idempotent_and_follows_edits(
    session_pool: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with session_pool.begin() as session:
        first = await load_catalogue_file(session, CATALOGUE)
        assert (first.added, first.updated, first.retired) == (19, 0, 0)
        again = await load_catalogue_file(session, CATALOGUE)
        assert (again.added, again.updated, again.retired) == (0, 0, 0)
        ids = dict((await session.execute(select(Activity.number, Activity.id))).all())

    # Edit the file: rename activity 1, drop activity 2, add activity 20.
    raw = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    lines = CATALOGUE.read_text(encoding="utf-8")
    assert raw["activities"][0]["number"] == 1
    edited = lines.replace(raw["activities"][0]["title"], "Новое название пункта 1", 1)
    start = edited.index("number = 2\nsection")
    block_start = edited.rfind("[[activities]]", 0, start)
    block_end = edited.index("[[activities]]", start)
    edited = edited[:block_start] + edited[block_end:]
    edited += (
        '\n[[activities]]\nnumber = 20\nsection = 7\ntitle = "Новый пункт"\n'
        'period = "Ежегодно"\nexecutors = ["Общеобразовательные организации"]\n'
        'document_type = ""\nexpected_result = ""\n'
    )
    path = tmp_path / "roadmap.toml"
    path.write_text(edited, encoding="utf-8")
    async with session_pool.begin() as session:
        result = await load_catalogue_file(session, path)
        assert (result.added, result.updated, result.retired) == (1, 1, 1)
        rows = {a.number: a for a in (await session.scalars(select(Activity))).all()}
    assert rows[1].title == "Новое название пункта 1"
    assert rows[1].id == ids[1]  # same row: references stay valid
    assert rows[2].is_active is False  # retired, not deleted
    assert rows[20].is_active is True


async def test_broken_file_changes_nothing(
    session_pool: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with session_pool.begin() as session:
        await load_catalogue_file(session, CATALOGUE)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        CATALOGUE.read_text(encoding="utf-8") + "\n[[activities]]\nnumber = 1\n", "utf-8"
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = not [toml", "utf-8")
    for path in (bad, broken, tmp_path / "missing.toml"):
        async with session_pool.begin() as session:
            with pytest.raises(CatalogueError):
                await load_catalogue_file(session, path)
    async with session_pool.begin() as session:
        count = await session.scalar(
            select(func.count(Activity.id)).where(Activity.is_active.is_(True))
        )
        assert count == 19


async def test_roadmap_navigation(client: Client, catalogue: None) -> None:
    await client.send(STRANGER, "/roadmap")
    text = client.last_text(STRANGER)
    assert text.startswith("<b>Дорожная карта")
    # one button per section of the seed, in order (long titles are shortened on buttons)
    numbers = [b.split(". ", 1)[0] for b in client.buttons(STRANGER)]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7"]
    first_button = r.BTN_SECTION.format(number=1, title="Общественные мероприятия")
    await client.press(STRANGER, first_button)
    assert "Раздел 1. Общественные мероприятия" in client.last_text(STRANGER)
    assert client.buttons(STRANGER)[-1] == r.BTN_TO_SECTIONS
    # open activity 3 (the seminar) from the section's buttons
    activity_button = next(b for b in client.buttons(STRANGER) if b.startswith("№ 3."))
    await client.press(STRANGER, activity_button)
    card = client.last_text(STRANGER)
    assert "Мероприятие № 3" in card
    assert "2 раза в год" in card
    await client.press(STRANGER, r.BTN_TO_SECTION)
    assert "Раздел 1." in client.last_text(STRANGER)
    await client.press(STRANGER, r.BTN_TO_SECTIONS)
    assert client.last_text(STRANGER).startswith("<b>Дорожная карта")


async def test_roadmap_forged_numbers(client: Client, catalogue: None) -> None:
    await client.send(STRANGER, "/roadmap")
    for data in (RoadmapCb(activity=99).pack(), RoadmapCb(section=42).pack()):
        client.clear()
        await client.press_data(STRANGER, data)
        assert client.alerts() == [r.NOT_FOUND]
        assert not client.calls("EditMessageText")


async def test_roadmap_empty_catalogue(client: Client) -> None:
    await client.send(STRANGER, "/roadmap")
    assert client.last_text(STRANGER) == r.EMPTY
