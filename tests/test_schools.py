"""Coordinator's schools: list, pagination, links, import; forged callbacks and wrong roles."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import common as t
from bot.texts import schools as s
from bot.toolkit.callbacks import SchoolAction, SchoolCb
from models import District, Invitation, School
from services.schools import add_school
from tests.conftest import ADMIN, COORDINATOR, LIBRARIAN, DistrictSetup, FixedClock
from tests.harness import Client, Person


async def school_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(School.id))) or 0)


async def other_district_school(
    session_pool: async_sessionmaker[AsyncSession], clock: FixedClock
) -> int:
    async with session_pool.begin() as session:
        other = District(name="Уфимский район", created_at=clock())
        session.add(other)
        await session.flush()
        school = await add_school(session, other.id, "Чужая школа № 5", "СОШ № 5", None, clock)
        return school.id


async def test_pagination(
    client: Client,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    async with session_pool.begin() as session:
        for n in range(2, 21):
            await add_school(
                session,
                district_setup.district_id,
                f"Школа номер {n:02d}",
                f"СОШ {n:02d}",
                None,
                clock,
            )
    await client.send(COORDINATOR, "/schools")
    assert "всего: 20" in client.last_text(COORDINATOR)
    tools = [s.BTN_ADD_SCHOOL, s.BTN_IMPORT, s.BTN_LINKS_XLSX, s.BTN_LINKS_PDF]
    first = ["МБОУ СОШ № 1 с. Иглино", *(f"СОШ {n:02d}" for n in range(2, 9))]
    assert client.buttons(COORDINATOR) == [*first, "1 / 3", t.BTN_NEXT, *tools]
    await client.press(COORDINATOR, t.BTN_NEXT)
    second = [f"СОШ {n:02d}" for n in range(9, 17)]
    assert client.buttons(COORDINATOR) == [*second, t.BTN_PREV, "2 / 3", t.BTN_NEXT, *tools]
    await client.press(COORDINATOR, t.BTN_NEXT)
    # the last page has the remaining 4 schools and no "next"
    last = ["СОШ 17", "СОШ 18", "СОШ 19", "СОШ 20"]
    assert client.buttons(COORDINATOR) == [*last, t.BTN_PREV, "3 / 3", *tools]
    await client.press(COORDINATOR, "СОШ 20")
    assert "Школа номер 20" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, s.BTN_TO_SCHOOLS)
    assert client.buttons(COORDINATOR) == [*last, t.BTN_PREV, "3 / 3", *tools]


async def test_add_school_needs_a_district(client: Client, session: AsyncSession) -> None:
    await client.send(ADMIN, "/start")
    await client.send(ADMIN, "/addschool")
    assert client.last_text(ADMIN) == s.NO_DISTRICT
    # no form was started: the next text is not taken for a school's name
    await client.send(ADMIN, "Средняя школа, которой не будет")
    assert client.last_text(ADMIN) == t.UNKNOWN_TEXT
    assert await school_count(session) == 0


async def test_add_school_rejects_long_and_duplicate(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "Ш" * 5000)
    assert "5000 символов" in client.last_text(COORDINATOR)
    await client.send(COORDINATOR, "Новая школа номер семь")
    await client.send(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    assert client.last_text(COORDINATOR) == s.SCHOOL_EXISTS
    assert await school_count(session) == 1
    await client.send(COORDINATOR, "СОШ № 7")
    assert await school_count(session) == 2


async def test_forged_callback_for_another_districts_school(
    client: Client,
    session: AsyncSession,
    session_pool: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    district_setup: DistrictSetup,
) -> None:
    foreign_id = await other_district_school(session_pool, clock)
    before = (
        await session.execute(select(Invitation.id, Invitation.revoked_at).order_by(Invitation.id))
    ).all()
    for action in (SchoolAction.OPEN, SchoolAction.REVOKE_OK, SchoolAction.REISSUE_OK):
        client.clear()
        await client.press_data(COORDINATOR, SchoolCb(action=action, school_id=foreign_id).pack())
        assert client.alerts() == [t.STALE_BUTTON]  # the same as for no school at all
        assert not client.calls("EditMessageText")
    session.expire_all()
    after = (
        await session.execute(select(Invitation.id, Invitation.revoked_at).order_by(Invitation.id))
    ).all()
    assert before == after


async def test_librarian_cannot_use_coordinator_commands_or_buttons(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(select(Invitation.token).where(Invitation.school_id.is_not(None)))
    await client.send(LIBRARIAN, f"/start {token}")
    await client.press(LIBRARIAN, "✅ Да, это моя школа")
    await client.send(LIBRARIAN, "Анна Петрова")
    for command in ("/schools", "/addschool", "/import", "/districts"):
        await client.send(LIBRARIAN, command)
        assert client.last_text(LIBRARIAN) == t.FORBIDDEN_COMMAND, command
    client.clear()
    await client.press_data(
        LIBRARIAN,
        SchoolCb(action=SchoolAction.REVOKE_OK, school_id=district_setup.school_id).pack(),
    )
    assert client.alerts() == [t.UNHANDLED_BUTTON]
    revoked = await session.scalar(
        select(func.count(Invitation.id)).where(Invitation.revoked_at.is_not(None))
    )
    assert revoked == 0


async def test_garbage_callback_data(client: Client, district_setup: DistrictSetup) -> None:
    for data in ("s:zz:1:0", "nonsense", "s:o:notanumber:0", "rm:x:y"):
        client.clear()
        await client.press_data(COORDINATOR, data)
        assert client.alerts() == [t.UNHANDLED_BUTTON], data


async def test_unknown_command_and_text(client: Client) -> None:
    stranger = Person(id=5555)
    await client.send(stranger, "/frobnicate")
    assert client.last_text(stranger) == t.UNKNOWN_COMMAND
    await client.send(stranger, "привет")
    assert client.last_text(stranger) == t.UNKNOWN_TEXT
    await client.send(stranger, "/schools")
    assert client.last_text(stranger) == t.GUEST_COMMAND


def csv_bytes(rows: list[str], encoding: str = "utf-8") -> bytes:
    return "\n".join(rows).encode(encoding)


async def test_import_csv(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    await client.send(COORDINATOR, "/import")
    assert "CSV или XLSX" in client.last_text(COORDINATOR)
    content = csv_bytes(
        [
            "Полное наименование;Краткое наименование",
            "МБОУ СОШ № 2 с. Иглино полностью;МБОУ СОШ № 2",
            "МБОУ СОШ с. Кальтовка полностью;МБОУ СОШ с. Кальтовка",
        ],
        "cp1251",
    )
    await client.send_document(COORDINATOR, "schools.csv", content)
    assert client.last_text(COORDINATOR) == s.IMPORT_DONE.format(count=2)
    assert await school_count(session) == 3
    links = await session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.school_id.is_not(None), Invitation.revoked_at.is_(None)
        )
    )
    assert links == 3


async def test_import_xlsx(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Полное наименование", "Краткое наименование"])
    ws.append(["Школа в деревне Акбердино полностью", "СОШ д. Акбердино"])
    buffer = io.BytesIO()
    wb.save(buffer)
    await client.send(COORDINATOR, "/import")
    await client.send_document(
        COORDINATOR,
        "Список.XLSX",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert client.last_text(COORDINATOR) == s.IMPORT_DONE.format(count=1)
    assert await school_count(session) == 2


async def test_import_with_bad_rows_changes_nothing(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    content = csv_bytes(
        [
            "Школа номер два полностью;СОШ 2",
            "Школа номер три полностью;",
            ";СОШ 4",
            "Школа номер пять полностью;МБОУ СОШ № 1 с. Иглино",
            "Школа номер два полностью;СОШ 22",
        ]
    )
    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "schools.csv", content)
    reply = client.last_text(COORDINATOR)
    assert reply.startswith("Файл не загружен")
    for line in ("Строка 2", "Строка 3", "Строка 4", "Строка 5"):
        assert line in reply, line
    assert "Строка 1:" not in reply
    assert await school_count(session) == 1


async def test_import_wrong_type_size_and_content(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    await client.send(COORDINATOR, "/import")
    await client.send_document(COORDINATOR, "virus.exe", b"MZ\x90\x00", "application/x-msdos")
    assert client.last_text(COORDINATOR) == s.FILE_WRONG_TYPE.format(name="virus.exe")
    big = b"a;b\n" * (3 * 1024 * 1024 // 4)
    await client.send_document(COORDINATOR, "big.csv", big)
    assert client.last_text(COORDINATOR).startswith("Файл слишком большой")
    await client.send_photo(COORDINATOR)
    assert client.last_text(COORDINATOR) == s.FILE_EXPECTED
    await client.send(COORDINATOR, "вот файл")
    assert client.last_text(COORDINATOR) == s.FILE_EXPECTED
    # the big file was refused before downloading it
    assert not client.calls("GetFile")
    assert await school_count(session) == 1
    # /cancel leaves the form
    await client.send(COORDINATOR, "/cancel")
    assert client.last_text(COORDINATOR) == t.CANCELLED
    await client.send(COORDINATOR, "вот файл")
    assert client.last_text(COORDINATOR) == t.UNKNOWN_TEXT


async def test_template_is_sent(client: Client, district_setup: DistrictSetup) -> None:
    await client.send(COORDINATOR, "/import")
    await client.press(COORDINATOR, s.BTN_TEMPLATE)
    docs = client.calls("SendDocument")
    assert len(docs) == 1
    document = docs[0].param("document")
    assert document.filename == s.TEMPLATE_NAME
    lines = document.data.decode("utf-8-sig").splitlines()
    assert lines[0] == '"Полное наименование";"Краткое наименование"'
    assert len(lines) == 3  # the header and two example schools
