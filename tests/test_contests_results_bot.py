"""Results in the bot: the coordinator's ranking, places and publication, the schools' notices,
the librarians' diplomas, the documents, and forged buttons (dispatcher level)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts.contests import results as r
from bot.texts.contests import rules
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    ResultsAction,
    ResultsCb,
    ResultsDocument,
)
from models import Contest, ContestStatus, Notification, User
from services.contests.setup import get_contest
from services.districts import create_district
from services.invitations import accept_invitation, create_coordinator_invite
from services.schools import add_school
from services.users import TelegramProfile, get_or_create_user
from tests.conftest import (
    ADMIN,
    COORDINATOR,
    LIBRARIAN,
    OTHER,
    DistrictSetup,
    FixedClock,
    join_school,
)
from tests.contest_helpers import make_contest
from tests.contest_results_helpers import close, enter, pdf_text, places, score, seat
from tests.harness import Client, Person

THIRD = Person(id=3070, first_name="Вера", last_name="Третья")
STRANGE_COORDINATOR = Person(id=2090, first_name="Инна", last_name="Чужая")


@dataclass
class Scene:
    contest_id: int
    code: str  # the contest's number prefix: «ТЧ-2026»
    e1: int  # school 1: 30 and 27 → 28,5 (95 %: I)
    e2: int  # school 1: 24 (80 %: II), a tie with e3
    e3: int  # school 2: 24
    e4: int  # school 2, the second nomination: nobody scored it
    silent: int  # the seat of a juror who scored nothing


async def scene(
    pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    setup: DistrictSetup,
    schools: tuple[int, int],
    *,
    judging: bool = True,
) -> Scene:
    contest_id = await make_contest(
        pool, setup.district_id, clock, max_per_nomination=0, max_per_school=0
    )
    first, second = schools
    e1 = await enter(pool, contest_id, first, clock, "Иван Иванов")
    e2 = await enter(pool, contest_id, first, clock, "Мария Смирнова")
    e3 = await enter(pool, contest_id, second, clock, "Пётр Сидоров")
    e4 = await enter(pool, contest_id, second, clock, "Олег Орлов", nomination=1)
    await enter(pool, contest_id, second, clock, "Анна Отклонённая", accept=False)
    j1 = await seat(pool, contest_id, clock, "Елена Жюри")
    j2 = await seat(pool, contest_id, clock, "Нина Жюри")
    silent = await seat(pool, contest_id, clock, "Павел Молчунов")
    await score(pool, clock, e1, j1, 10, 10, 5, 5)
    await score(pool, clock, e1, j2, 9, 9, 5, 4)
    await score(pool, clock, e2, j1, 8, 8, 4, 4)
    await score(pool, clock, e3, j2, 8, 8, 4, 4)
    await close(pool, contest_id, clock, judging=judging)
    async with pool() as session:
        contest = await get_contest(session, contest_id)
        code = f"{contest.prefix}-{contest.year}"
    return Scene(contest_id, code, e1, e2, e3, e4, silent)


def cb(action: ResultsAction, **fields: int) -> str:
    return ResultsCb(action=action, **fields).pack()


async def notifications(pool: async_sessionmaker[AsyncSession]) -> int:
    async with pool() as session:
        return int(await session.scalar(select(func.count(Notification.id))) or 0)


async def contest_row(pool: async_sessionmaker[AsyncSession], contest_id: int) -> Contest:
    async with pool() as session:
        contest = await session.get(Contest, contest_id)
        assert contest is not None
        return contest


def documents(client: Client) -> list[tuple[str, bytes, str]]:
    return [
        (
            str(call.param("document").filename),
            bytes(call.param("document").data),
            str(call.param("caption") or ""),
        )
        for call in client.calls("SendDocument")
    ]


@pytest.fixture
async def ready(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> Scene:
    return await scene(session_pool, clock, district_setup, two_schools)


# ---- the coordinator's screens -----------------------------------------------------------------


async def test_the_ranking_says_means_degrees_ties_and_who_did_not_score(
    client: Client, ready: Scene
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=ready.contest_id))
    text = client.last_text(COORDINATOR)
    assert "Допущено: 4; оценено: 3; без оценок: 1." in text
    assert "Павел Молчунов" in text  # scored nothing: named
    assert r.PLACES_NONE in text
    assert "Выразительное чтение: 3 работы, есть равные баллы" in text
    buttons = client.buttons(COORDINATOR)
    for label in (r.BTN_ACCEPT, r.BTN_PUBLISH, r.BTN_DOCUMENTS, t.BTN_BACK):
        assert label in buttons
    assert r.BTN_ZIP not in buttons  # not published yet
    _, back = client.find_button(COORDINATOR, t.BTN_BACK)
    assert back == ContestCb(action=ContestAction.CARD, contest_id=ready.contest_id).pack()

    await client.press(COORDINATOR, "Выразительное чтение (3)")
    text = client.last_text(COORDINATOR)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if f"{ready.code}-001" in line)
    assert lines[first].startswith("<b>1.</b>")
    assert (
        "средний балл 28,5 (2 оценки) · предложено: I степень · утверждено: —"
        in (lines[first + 1])
    )
    assert f"место 2 — {ready.code}-002, {ready.code}-003" in text  # the tie, in words
    assert "Не оценивали работы этой номинации: Павел Молчунов." in text
    assert f"Изменить место: {ready.code}-003" in client.buttons(COORDINATOR)

    await client.press(COORDINATOR, t.BTN_BACK)
    await client.press(COORDINATOR, "Читательский отзыв (1)")
    text = client.last_text(COORDINATOR)
    assert f"<b>—</b> {ready.code}-004" in text
    assert "нет оценок — только участие" in text


async def test_a_long_nomination_is_paged(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    contest_id = await make_contest(
        session_pool, district_setup.district_id, clock, max_per_nomination=0, max_per_school=0
    )
    juror = await seat(session_pool, contest_id, clock, "Елена Жюри")
    for n in range(11):
        entry = await enter(
            session_pool, contest_id, district_setup.school_id, clock, f"Участник Номер{n}"
        )
        await score(session_pool, clock, entry, juror, n % 10, 5, 5, 5)
    await close(session_pool, contest_id, clock)
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=contest_id))
    await client.press(COORDINATOR, "Выразительное чтение (11)")
    first_page = client.last_text(COORDINATOR)
    assert first_page.count("средний балл") == 8
    await client.press(COORDINATOR, t.BTN_NEXT)
    second_page = client.last_text(COORDINATOR)
    assert second_page.count("средний балл") == 3
    assert "2 / 2" in client.buttons(COORDINATOR)


async def test_places_are_accepted_then_changed_one_by_one(
    client: Client, ready: Scene, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=ready.contest_id))
    await client.press(COORDINATOR, r.BTN_ACCEPT)
    assert client.last_text(COORDINATOR) == r.ASK_ACCEPT
    await client.press(COORDINATOR, r.BTN_YES)
    assert r.ACCEPTED.format(degrees=3) in client.last_text(COORDINATOR)
    assert await places(session_pool, ready.contest_id) == {
        ready.e1: 1,
        ready.e2: 2,
        ready.e3: 2,
        ready.e4: None,
    }
    await client.press(COORDINATOR, "Выразительное чтение (3)")
    await client.press(COORDINATOR, f"Изменить место: {ready.code}-003")
    assert "Предложено: II степень" in client.last_text(COORDINATOR).replace(
        "предложено", "Предложено"
    )
    assert client.buttons(COORDINATOR) == ["I", "II", "III", "участник", t.BTN_BACK]
    await client.press(COORDINATOR, "III")
    assert r.PLACE_SET.format(code=f"{ready.code}-003", place="III степень") in (
        client.last_text(COORDINATOR)
    )
    assert (await places(session_pool, ready.contest_id))[ready.e3] == 3
    await client.press(COORDINATOR, f"Изменить место: {ready.code}-002")
    await client.press(COORDINATOR, "участник")
    assert (await places(session_pool, ready.contest_id))[ready.e2] is None


async def test_a_forged_place_is_refused_and_changes_nothing(
    client: Client, ready: Scene, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.ACCEPT_OK, contest_id=ready.contest_id))
    before = await places(session_pool, ready.contest_id)
    client.clear()
    for entry_id, arg in ((ready.e3, 4), (ready.e3, 99), (ready.e4, 1)):
        await client.press_data(COORDINATOR, cb(ResultsAction.PLACE, entry_id=entry_id, arg=arg))
    assert client.alerts() == [
        r.ERRORS["bad_place"],
        r.ERRORS["bad_place"],
        r.ERRORS["entry_not_scored"],
    ]
    assert await places(session_pool, ready.contest_id) == before
    assert not client.calls("EditMessageText")


async def test_nothing_is_published_before_the_judging_is_closed(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
    two_schools: tuple[int, int],
) -> None:
    s = await scene(session_pool, clock, district_setup, two_schools, judging=False)
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=s.contest_id))
    assert r.JUDGING_OPEN in client.last_text(COORDINATOR)
    assert r.BTN_PUBLISH not in client.buttons(COORDINATOR)
    assert r.BTN_ACCEPT not in client.buttons(COORDINATOR)
    client.clear()
    for action in (
        ResultsAction.PUBLISH,
        ResultsAction.PUBLISH_OK,
        ResultsAction.ACCEPT,
        ResultsAction.ACCEPT_OK,
    ):
        await client.press_data(COORDINATOR, cb(action, contest_id=s.contest_id))
    assert client.alerts() == [r.ERRORS["judging_open"]] * 4
    contest = await contest_row(session_pool, s.contest_id)
    assert (contest.status, contest.published_at) == (ContestStatus.CLOSED, None)
    assert await notifications(session_pool) == 0
    assert set((await places(session_pool, s.contest_id)).values()) == {None}


async def test_publishing_unconfirmed_places_is_refused(
    client: Client, ready: Scene, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.PUBLISH, contest_id=ready.contest_id))
    await client.press_data(COORDINATOR, cb(ResultsAction.PUBLISH_OK, contest_id=ready.contest_id))
    assert client.alerts() == [r.ERRORS["places_not_confirmed"]] * 2
    assert (await contest_row(session_pool, ready.contest_id)).status is ContestStatus.CLOSED
    assert await notifications(session_pool) == 0


# ---- publication, the notices and the diplomas -------------------------------------------------


async def test_published_results_reach_every_school_and_its_diplomas_come_as_pdf(
    client: Client,
    ready: Scene,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=ready.contest_id))
    await client.press(COORDINATOR, r.BTN_ACCEPT)
    await client.press(COORDINATOR, r.BTN_YES)
    await client.press(COORDINATOR, r.BTN_PUBLISH)
    assert "2 школы" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, r.BTN_YES)
    assert r.PUBLISHED.format(schools="2 школы") in client.last_text(COORDINATOR)
    assert r.BTN_ZIP in client.buttons(COORDINATOR)
    contest = await contest_row(session_pool, ready.contest_id)
    assert (contest.status, contest.published_at) == (ContestStatus.PUBLISHED, clock())
    assert await notifications(session_pool) == 2  # one per librarian
    # «Да» pressed again (a second tap, another coordinator): nothing new
    await client.press_data(COORDINATOR, cb(ResultsAction.PUBLISH_OK, contest_id=ready.contest_id))
    assert client.alerts()[-1] == r.ERRORS["results_published"]
    assert await notifications(session_pool) == 2

    client.clear()
    assert await client.drain() == 2
    mine = client.last_text(LIBRARIAN)
    assert f"• {ready.code}-001, «Выразительное чтение»: Иван Иванов — диплом I степени" in mine
    assert f"• {ready.code}-002, «Выразительное чтение»: Мария Смирнова — диплом II степени" in (
        mine
    )
    assert "Пётр" not in mine  # the other school's entry
    theirs = client.last_text(OTHER)
    assert f"{ready.code}-004, «Читательский отзыв»: Олег Орлов — сертификат участника" in theirs
    assert "Отклонённая" not in theirs  # not admitted: no result
    assert client.buttons(LIBRARIAN) == [r.BTN_DIPLOMAS]

    client.clear()
    client.session.lost["SendDocument"] = 1  # the first upload is lost: sent again, all four go
    await client.press(LIBRARIAN, r.BTN_DIPLOMAS)
    files = documents(client)
    assert [name for name, _, _ in files] == [
        f"{ready.code}-001 Диплом I степени — Иван Иванов.pdf",
        f"{ready.code}-001 Диплом I степени — Анна Петрова.pdf",
        f"{ready.code}-002 Диплом II степени — Мария Смирнова.pdf",
        f"{ready.code}-002 Диплом II степени — Анна Петрова.pdf",
    ]
    for call in client.calls("SendDocument"):
        assert int(call.param("chat_id")) == LIBRARIAN.id
    participant = pdf_text(files[0][1])
    assert "Диплом I степени" in participant
    assert "Иван Иванов" in participant
    assert "Самый талантливый читатель" in participant
    assert "Иглинский район" in participant
    assert "в номинации «Выразительное чтение»" in participant
    assert "25.11.2026" in participant
    supervisor = pdf_text(files[1][1])
    assert "руководитель" in supervisor
    assert "участник: Иван Иванов" in supervisor
    assert client.last_text(LIBRARIAN) == r.DIPLOMAS_SENT.format(
        documents="4 документа", title="Самый талантливый читатель"
    )

    client.clear()
    await client.press(OTHER, r.BTN_DIPLOMAS)
    texts = [pdf_text(content) for _, content, _ in documents(client)]
    assert len(texts) == 4
    assert "Сертификат участника" in texts[2] and "Олег Орлов" in texts[2]

    client.clear()
    await client.press(COORDINATOR, r.BTN_ZIP)
    ((name, content, caption),) = documents(client)
    assert name == f"Дипломы {ready.code}.zip"
    assert "8 документов" in caption
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert len(names) == 8
    assert f"МБОУ СОШ № 1 с. Иглино/{ready.code}-001 Диплом I степени — Иван Иванов.pdf" in names
    assert f"СОШ № 2/{ready.code}-003 Диплом II степени — Пётр Сидоров.pdf" in names
    text = pdf_text(archive.read(f"СОШ № 2/{ready.code}-003 Диплом II степени — Пётр Сидоров.pdf"))
    assert "Диплом II степени" in text and "Пётр Сидоров" in text


# ---- forged buttons ----------------------------------------------------------------------------


async def _other_district(
    pool: async_sessionmaker[AsyncSession], clock: FixedClock, client: Client
) -> tuple[int, int]:
    """A second district with its coordinator and a published contest; (district, contest)."""
    async with pool.begin() as session:
        admin = await session.scalar(select(User).where(User.telegram_id == ADMIN.id))
        assert admin is not None
        district = await create_district(session, "Уфимский район", clock)
        invite = await create_coordinator_invite(session, district.id, admin, clock)
        coordinator = await get_or_create_user(
            session, TelegramProfile(STRANGE_COORDINATOR.id, None), clock
        )
        await accept_invitation(session, coordinator, invite.token, "Инна Чужая", clock)
        school = await add_school(
            session, district.id, "Школа Уфимского района", "Уфа-1", None, clock
        )
        district_id, school_id = district.id, school.id
    contest_id = await make_contest(pool, district_id, clock)
    entry = await enter(pool, contest_id, school_id, clock, "Чужой Участник")
    juror = await seat(pool, contest_id, clock, "Чужой Жюри")
    await score(pool, clock, entry, juror, 10, 10, 5, 5)
    await close(pool, contest_id, clock)
    async with pool.begin() as session:
        from services.contests.results import apply_proposal, publish, rank  # noqa: PLC0415

        contest = await get_contest(session, contest_id)
        await apply_proposal(session, contest, await rank(session, contest))
        await publish(session, contest, clock)
    return district_id, contest_id


async def test_a_librarian_gets_only_the_own_schools_published_diplomas(
    client: Client,
    ready: Scene,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    async with session_pool.begin() as session:
        third = await add_school(
            session, district_setup.district_id, "Третья школа полностью", "СОШ № 3", None, clock
        )
        third_id = third.id
    await join_school(client, THIRD, session_pool, third_id)
    _, foreign = await _other_district(session_pool, clock, client)
    client.clear()
    own = ready.contest_id
    # before the publication
    await client.press_data(LIBRARIAN, cb(ResultsAction.DIPLOMAS, contest_id=own))
    assert client.alerts() == [r.NOT_PUBLISHED]
    await client.press_data(COORDINATOR, cb(ResultsAction.ACCEPT_OK, contest_id=own))
    await client.press_data(COORDINATOR, cb(ResultsAction.PUBLISH_OK, contest_id=own))
    client.clear()
    await client.press_data(LIBRARIAN, cb(ResultsAction.DIPLOMAS, contest_id=foreign))
    await client.press_data(
        LIBRARIAN, cb(ResultsAction.DIPLOMAS, contest_id=own, entry_id=ready.e3)
    )
    await client.press_data(LIBRARIAN, cb(ResultsAction.DIPLOMAS, contest_id=999_999))
    await client.press_data(THIRD, cb(ResultsAction.DIPLOMAS, contest_id=own))
    await client.press_data(LIBRARIAN, cb(ResultsAction.OPEN, contest_id=own))
    await client.press_data(LIBRARIAN, cb(ResultsAction.ZIP, contest_id=own))
    assert client.alerts() == [
        rules.UNKNOWN_CONTEST,
        rules.UNKNOWN_ENTRY,
        rules.UNKNOWN_CONTEST,
        r.NO_SCHOOL_ENTRIES,
        t.UNHANDLED_BUTTON,
        t.UNHANDLED_BUTTON,
    ]
    assert not client.calls("SendDocument")
    # one entry of the own school: only its two documents
    await client.press_data(
        LIBRARIAN, cb(ResultsAction.DIPLOMAS, contest_id=own, entry_id=ready.e2)
    )
    assert [name for name, _, _ in documents(client)] == [
        f"{ready.code}-002 Диплом II степени — Мария Смирнова.pdf",
        f"{ready.code}-002 Диплом II степени — Анна Петрова.pdf",
    ]


async def test_a_coordinator_of_another_district_changes_nothing(
    client: Client,
    ready: Scene,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    _, foreign = await _other_district(session_pool, clock, client)
    before = await places(session_pool, ready.contest_id)
    client.clear()
    own = ready.contest_id
    presses = [
        cb(ResultsAction.OPEN, contest_id=own),
        cb(ResultsAction.NOMINATION, contest_id=own, arg=1),
        cb(ResultsAction.ACCEPT_OK, contest_id=own),
        cb(ResultsAction.PUBLISH_OK, contest_id=own),
        cb(ResultsAction.DOCUMENT, contest_id=own, arg=ResultsDocument.ENTRIES),
        cb(ResultsAction.ZIP, contest_id=own),
        cb(ResultsAction.ENTRY, entry_id=ready.e1),
        cb(ResultsAction.PLACE, entry_id=ready.e1, arg=1),
    ]
    for data in presses:
        await client.press_data(STRANGE_COORDINATOR, data)
    assert client.alerts() == [rules.UNKNOWN_CONTEST] * 6 + [rules.UNKNOWN_ENTRY] * 2
    assert not client.calls("SendDocument")
    assert not client.calls("EditMessageText")
    assert await places(session_pool, own) == before
    assert (await contest_row(session_pool, own)).status is ContestStatus.CLOSED
    assert await notifications(session_pool) == 0
    # and the own district's coordinator cannot reach the other district's contest
    await client.press_data(COORDINATOR, cb(ResultsAction.ZIP, contest_id=foreign))
    assert client.alerts()[-1] == rules.UNKNOWN_CONTEST
    assert not client.calls("SendDocument")


# ---- the coordinator's documents ---------------------------------------------------------------


async def test_the_documents_read_back(
    client: Client, ready: Scene, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    await client.press_data(COORDINATOR, cb(ResultsAction.ACCEPT_OK, contest_id=ready.contest_id))
    await client.press_data(COORDINATOR, cb(ResultsAction.OPEN, contest_id=ready.contest_id))
    await client.press(COORDINATOR, r.BTN_DOCUMENTS)
    assert client.buttons(COORDINATOR) == [
        r.BTN_DOC_ENTRIES,
        r.BTN_DOC_PROTOCOL_XLSX,
        r.BTN_DOC_PROTOCOL_PDF,
        r.BTN_DOC_WINNERS,
        t.BTN_BACK,
    ]
    client.clear()
    for label in (
        r.BTN_DOC_ENTRIES,
        r.BTN_DOC_PROTOCOL_XLSX,
        r.BTN_DOC_PROTOCOL_PDF,
        r.BTN_DOC_WINNERS,
    ):
        await client.press(COORDINATOR, label)
    (entries, protocol, protocol_pdf, winners) = documents(client)
    assert entries[0] == f"Заявки {ready.code}.xlsx"
    sheet = load_workbook(io.BytesIO(entries[1])).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(r.ENTRIES_HEADER)
    assert len(rows) == 1 + 5  # one participant in each of the five entries
    first = rows[1]
    assert first[:8] == [
        f"{ready.code}-001",
        "МБОУ СОШ № 1 с. Иглино",
        "Выразительное чтение",
        "Иван Иванов",
        "5 класс",
        "11",
        "Анна Петрова",
        "допущена",
    ]
    assert first[9:12] == ["Чтение стихов", "https://disk.example.ru/work", "I степень"]
    assert [row[7] for row in rows[1:]].count("на проверке") == 1  # never admitted

    workbook = load_workbook(io.BytesIO(protocol[1]))
    assert workbook.sheetnames == [
        "Выразительное чтение",
        "Читательский отзыв",
        "Буктрейлер",
        "Жюри",
    ]
    first_sheet = workbook["Выразительное чтение"]
    assert first_sheet.freeze_panes == "A2"
    table = [[c.value for c in row] for row in first_sheet.iter_rows()]
    header = table[0]
    assert header[:5] == list(r.PROTOCOL_SCORE_HEADER)
    assert header[5] == "Выразительность (до 10)"
    assert table[1][:13] == [
        1,
        f"{ready.code}-001",
        "МБОУ СОШ № 1 с. Иглино",
        "Иван Иванов",
        "Елена Жюри",
        10,
        10,
        5,
        5,
        30,
        "да",
        28.5,
        "I степень",
    ]
    assert table[2][4:11] == ["Нина Жюри", 9, 9, 5, 4, 27, "да"]
    jury = [[c.value for c in row] for row in workbook["Жюри"].iter_rows()]
    assert jury[3] == [3, "Павел Молчунов", 0, "Выразительное чтение; Читательский отзыв"]

    assert protocol_pdf[0] == f"Протокол жюри {ready.code}.pdf"
    text = pdf_text(protocol_pdf[1])
    assert "Протокол жюри" in text and "Елена Жюри" in text
    assert f"{ready.code}-001" in text
    assert "28,5" in text
    assert "Не оценивали: Павел Молчунов." in text

    assert winners[0] == f"Победители {ready.code}.xlsx"
    won = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(winners[1])).worksheets[0].iter_rows()
    ]
    assert won[0] == list(r.ENTRIES_HEADER)  # the columns of the entries table
    assert [(row[0], row[11]) for row in won[1:]] == [
        (f"{ready.code}-001", "I степень"),
        (f"{ready.code}-002", "II степень"),
        (f"{ready.code}-003", "II степень"),
    ]


async def test_no_winners_file_before_places_and_no_unknown_document(
    client: Client, ready: Scene
) -> None:
    await client.press_data(
        COORDINATOR,
        cb(ResultsAction.DOCUMENT, contest_id=ready.contest_id, arg=ResultsDocument.WINNERS),
    )
    await client.press_data(
        COORDINATOR, cb(ResultsAction.DOCUMENT, contest_id=ready.contest_id, arg=9)
    )
    await client.press_data(COORDINATOR, cb(ResultsAction.ZIP, contest_id=ready.contest_id))
    assert client.alerts() == [r.NO_WINNERS, r.UNKNOWN_DOCUMENT, r.NO_DIPLOMAS_YET]
    assert not client.calls("SendDocument")
