"""A contest's regulation is in the documents library while the contest runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DocumentCategory, DocumentStatus, LibraryDocument, User
from services.contests.setup import attach_regulation, cancel_contest, get_contest, open_contest
from services.documents import record_download
from tests.conftest import COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock, join_school
from tests.contest_helpers import make_contest
from tests.harness import Client


async def _library(pool: async_sessionmaker[AsyncSession]) -> list[LibraryDocument]:
    async with pool() as session:
        rows = await session.scalars(select(LibraryDocument).order_by(LibraryDocument.id))
        return list(rows.all())


async def test_the_regulation_follows_the_contest_into_the_library(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    contest_id = await make_contest(session_pool, district_setup.district_id, clock, opened=False)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await attach_regulation(session, contest, "reg-1", "Положение.pdf", clock)
    assert await _library(session_pool) == []  # a draft's regulation is not published yet

    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await open_contest(session, contest, clock)
        title = contest.title
    [document] = await _library(session_pool)
    assert (document.category, document.title, document.file_id, document.version) == (
        DocumentCategory.CONTEST_RULES,
        title,
        "reg-1",
        1,
    )
    assert document.contest_id == contest_id

    # a librarian finds it in /documents under «Положения о конкурсах» and takes it
    client.clear()
    await client.send(LIBRARIAN, "/documents")
    assert any("Положения о конкурсах" in b for b in client.buttons(LIBRARIAN))
    async with session_pool.begin() as session:
        user = await session.scalar(select(User).where(User.telegram_id == LIBRARIAN.id))
        assert user is not None
        stored = await session.get(LibraryDocument, document.id)
        assert stored is not None
        await record_download(session, stored, user.id, clock)

    # the coordinator uploads a new regulation through the contest's screen: the library copy
    # gets version 2 and the librarian who took version 1 is told
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        told = await attach_regulation(session, contest, "reg-2", "Положение-2.pdf", clock)
    assert len(told) == 1
    [document] = await _library(session_pool)
    assert (document.file_id, document.version) == ("reg-2", 2)

    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await cancel_contest(session, contest, clock)
    [document] = await _library(session_pool)
    assert document.status is DocumentStatus.WITHDRAWN


async def test_a_new_regulation_uploaded_in_the_bot_tells_who_took_the_old(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    await join_school(client, LIBRARIAN, session_pool, district_setup.school_id)
    contest_id = await make_contest(session_pool, district_setup.district_id, clock)
    async with session_pool.begin() as session:
        contest = await get_contest(session, contest_id)
        await attach_regulation(session, contest, "reg-1", "Положение.pdf", clock)
        [document] = (await session.scalars(select(LibraryDocument))).all()
        user = await session.scalar(select(User).where(User.telegram_id == LIBRARIAN.id))
        assert user is not None
        await record_download(session, document, user.id, clock)
    client.clear()
    await client.send(COORDINATOR, "/contests")
    await client.press(COORDINATOR, client.buttons(COORDINATOR)[0])
    regulation = next(b for b in client.buttons(COORDINATOR) if "оложени" in b)
    await client.press(COORDINATOR, regulation)
    await client.send_document(
        COORDINATOR, "Положение-новое.pdf", b"%PDF-1.4", mime="application/pdf"
    )
    await client.drain()
    notices = client.texts(LIBRARIAN)
    assert any(document.title in text and "2" in text for text in notices), notices
