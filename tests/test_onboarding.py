"""Registration path through the real Dispatcher: admin -> coordinator -> school -> librarian."""

from __future__ import annotations

import re

from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import admin as a
from bot.texts import common as t
from bot.texts import onboarding as o
from bot.texts import schools as s
from models import Invitation, InvitationKind, Role, School, User
from tests.conftest import ADMIN, COORDINATOR, LIBRARIAN, STRANGER, DistrictSetup
from tests.harness import BOT_USERNAME, Client, Person
from tests.menus import COORDINATOR_HELP, LIBRARIAN_HELP, SUPER_ADMIN_HELP, menu

LINK_RE = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")


def link_token(text: str) -> str:
    match = LINK_RE.search(text)
    assert match, f"no invitation link in {text!r}"
    return match.group(1)


async def user_row(session: AsyncSession, person: Person) -> User | None:
    stmt = (
        select(User).where(User.telegram_id == person.id).execution_options(populate_existing=True)
    )
    return await session.scalar(stmt)


def chat_commands(client: Client, person: Person) -> list[str]:
    calls = [
        c
        for c in client.calls("SetMyCommands")
        if isinstance(c.param("scope"), BotCommandScopeChat)
        and c.param("scope").chat_id == person.id
    ]
    assert calls, "no per-chat menu was set"
    return [cmd.command for cmd in calls[-1].param("commands")]


async def test_whole_registration_path(client: Client, session: AsyncSession) -> None:
    # The super-admin creates a district.
    await client.send(ADMIN, "/start")
    assert chat_commands(client, ADMIN) == menu(SUPER_ADMIN_HELP)
    await client.send(ADMIN, "/districts")
    assert client.last_text(ADMIN) == a.DISTRICTS_EMPTY
    await client.press(ADMIN, a.BTN_NEW_DISTRICT)
    await client.send(ADMIN, "  Иглинский   район ")
    assert a.DISTRICT_CREATED.format(name="Иглинский район") in client.texts(ADMIN)

    # ... and invites a coordinator with a one-time link.
    await client.press(ADMIN, a.BTN_INVITE_COORDINATOR)
    coordinator_token = link_token(client.last_text(ADMIN))
    assert len(coordinator_token) <= 64

    # The coordinator joins.
    await client.send(COORDINATOR, f"/start {coordinator_token}")
    assert "Иглинский район" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, o.BTN_ACCEPT)
    assert client.last_text(COORDINATOR) == o.ASK_FULL_NAME_COORDINATOR
    await client.send(COORDINATOR, "Ольга Ивановна Методистова")
    coordinator = await user_row(session, COORDINATOR)
    assert coordinator is not None
    assert coordinator.role is Role.COORDINATOR
    assert coordinator.full_name == "Ольга Ивановна Методистова"
    assert chat_commands(client, COORDINATOR) == menu(COORDINATOR_HELP)

    # The coordinator adds a school and gets its link.
    await client.send(COORDINATOR, "/addschool")
    await client.send(COORDINATOR, "Муниципальное бюджетное общеобразовательное учреждение № 2")
    await client.send(COORDINATOR, "МБОУ СОШ № 2")
    school_token = link_token(client.last_text(COORDINATOR))
    school = await session.scalar(select(School).where(School.short_name == "МБОУ СОШ № 2"))
    assert school is not None and school.district_id == coordinator.district_id

    # A librarian joins with it, using the name from Telegram (one thumb).
    await client.send(LIBRARIAN, f"/start {school_token}")
    assert "МБОУ СОШ № 2" in client.last_text(LIBRARIAN) or "№ 2" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, o.BTN_YES_SCHOOL)
    await client.press(LIBRARIAN, o.BTN_USE_TG_NAME.format(name="Анна Петрова"))
    librarian = await user_row(session, LIBRARIAN)
    assert librarian is not None
    assert librarian.role is Role.LIBRARIAN
    assert librarian.school_id == school.id
    assert librarian.full_name == "Анна Петрова"
    assert chat_commands(client, LIBRARIAN) == menu(LIBRARIAN_HELP)
    assert t.INTERNAL_ERROR not in client.texts(LIBRARIAN) + client.texts(COORDINATOR)

    # The coordinator's invitation is spent: a second person cannot use it.
    await client.send(STRANGER, f"/start {coordinator_token}")
    assert client.last_text(STRANGER) == o.INVITE_ERRORS["used"]
    assert await user_row(session, STRANGER) is None


async def test_two_librarians_share_a_school(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    assert token
    second = Person(id=3002, first_name="Мария", last_name="Сидорова")
    for person, name in ((LIBRARIAN, "Анна Петрова"), (second, "Мария Сидорова")):
        await client.send(person, f"/start {token}")
        await client.press(person, o.BTN_YES_SCHOOL)
        await client.send(person, name)
    rows = (
        await session.scalars(select(User).where(User.school_id == district_setup.school_id))
    ).all()
    assert sorted(u.full_name or "" for u in rows) == ["Анна Петрова", "Мария Сидорова"]


async def test_start_without_invitation_registers_nothing(
    client: Client, session: AsyncSession
) -> None:
    await client.send(STRANGER, "/start")
    assert client.last_text(STRANGER) == t.START_GUEST
    assert await session.scalar(select(func.count(User.id))) == 0


async def test_bad_tokens(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    cases = {
        "garbled!!*": "malformed",
        "A" * 65: "malformed",
        "A" * 64: "unknown",
        "no-such-token_12345": "unknown",
    }
    for token, code in cases.items():
        await client.send(STRANGER, f"/start {token}")
        assert client.last_text(STRANGER) == o.INVITE_ERRORS[code], token
    assert await user_row(session, STRANGER) is None


async def test_revoked_token_is_refused(
    client: Client,
    session: AsyncSession,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    old = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    # The coordinator re-issues the link (with a confirmation).
    await client.send(COORDINATOR, "/schools")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    await client.press(COORDINATOR, s.BTN_REISSUE)
    assert "Старая перестанет действовать" in client.last_text(COORDINATOR)
    await client.press(COORDINATOR, s.BTN_CONFIRM_YES)
    new = link_token(client.last_text(COORDINATOR))
    assert new != old

    await client.send(LIBRARIAN, f"/start {old}")
    assert client.last_text(LIBRARIAN) == o.INVITE_ERRORS["revoked"]
    assert await user_row(session, LIBRARIAN) is None
    await client.send(LIBRARIAN, f"/start {new}")
    assert o.BTN_YES_SCHOOL in client.buttons(LIBRARIAN)


async def test_revoked_between_confirm_and_name(
    client: Client,
    session: AsyncSession,
    session_pool: async_sessionmaker[AsyncSession],
    district_setup: DistrictSetup,
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    await client.send(LIBRARIAN, f"/start {token}")
    await client.press(LIBRARIAN, o.BTN_YES_SCHOOL)
    await client.send(COORDINATOR, "/schools")
    await client.press(COORDINATOR, "МБОУ СОШ № 1 с. Иглино")
    await client.press(COORDINATOR, s.BTN_REVOKE)
    await client.press(COORDINATOR, s.BTN_CONFIRM_YES)
    assert s.NO_LINK in client.last_text(COORDINATOR)
    await client.send(LIBRARIAN, "Анна Петрова")
    assert client.last_text(LIBRARIAN) == o.INVITE_ERRORS["revoked"]
    assert await user_row(session, LIBRARIAN) is None


async def test_text_where_a_button_is_expected(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    await client.send(LIBRARIAN, f"/start {token}")
    await client.send(LIBRARIAN, "да")
    assert client.last_text(LIBRARIAN) == t.USE_BUTTONS
    assert await user_row(session, LIBRARIAN) is None
    await client.press(LIBRARIAN, o.BTN_NO_SCHOOL)
    assert client.last_text(LIBRARIAN) == o.DECLINED
    assert await user_row(session, LIBRARIAN) is None


async def test_too_long_name_is_refused(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    await client.send(LIBRARIAN, f"/start {token}")
    await client.press(LIBRARIAN, o.BTN_YES_SCHOOL)
    await client.send(LIBRARIAN, "Я" * 5000)
    assert t.too_long(5000, 200) in client.last_text(LIBRARIAN)
    assert await user_row(session, LIBRARIAN) is None
    # still in the form: a proper name now works
    await client.send(LIBRARIAN, "Анна Петрова")
    user = await user_row(session, LIBRARIAN)
    assert user is not None and user.role is Role.LIBRARIAN


async def test_registered_librarian_cannot_join_twice(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    await client.send(LIBRARIAN, f"/start {token}")
    await client.press(LIBRARIAN, o.BTN_YES_SCHOOL)
    await client.send(LIBRARIAN, "Анна Петрова")
    await client.send(LIBRARIAN, f"/start {token}")
    assert "Вы уже зарегистрированы" in client.last_text(LIBRARIAN)
    users = (await session.scalars(select(User).execution_options(populate_existing=True))).all()
    librarians = [(u.telegram_id, u.role, u.school_id) for u in users if u.role is Role.LIBRARIAN]
    assert librarians == [(LIBRARIAN.id, Role.LIBRARIAN, district_setup.school_id)]


async def test_profile_and_leaving(
    client: Client, session: AsyncSession, district_setup: DistrictSetup
) -> None:
    token = await session.scalar(
        select(Invitation.token).where(Invitation.school_id == district_setup.school_id)
    )
    await client.send(LIBRARIAN, f"/start {token}")
    await client.press(LIBRARIAN, o.BTN_YES_SCHOOL)
    await client.send(LIBRARIAN, "Анна Петрова")
    await client.send(LIBRARIAN, "/profile")
    assert "Анна Петрова" in client.last_text(LIBRARIAN)
    assert "педагог-библиотекарь" in client.last_text(LIBRARIAN)
    await client.press(LIBRARIAN, o.BTN_LEAVE_SCHOOL)
    # a way back from the confirmation
    await client.press(LIBRARIAN, t.BTN_BACK)
    user = await user_row(session, LIBRARIAN)
    assert user is not None and user.school_id == district_setup.school_id
    await client.press(LIBRARIAN, o.BTN_LEAVE_SCHOOL)
    await client.press(LIBRARIAN, o.BTN_LEAVE_OK)
    user = await user_row(session, LIBRARIAN)
    assert user is not None
    assert user.role is None and user.school_id is None
    deleted = client.calls("DeleteMyCommands")
    assert deleted and deleted[-1].param("scope").chat_id == LIBRARIAN.id
    # the school's link still works to come back
    await client.send(LIBRARIAN, f"/start {token}")
    assert o.BTN_YES_SCHOOL in client.buttons(LIBRARIAN)


async def test_invitation_kinds_are_stored(
    session: AsyncSession, district_setup: DistrictSetup
) -> None:
    kinds = (await session.scalars(select(Invitation.kind))).all()
    assert sorted(kinds) == [InvitationKind.COORDINATOR, InvitationKind.LIBRARIAN]
