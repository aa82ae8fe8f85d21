"""Filters: the actor's role, and the records a button or a form names, checked and handed over.

Callback data and the ids a form keeps are untrusted. An ownership filter loads the record an
update names (an id that is not one, e.g. out of range, names nothing), checks that it belongs
to the actor's district (or school) and hands it to the handler as a keyword (`district_id`,
`event`, `school`, `confirmation`): a filter that returns a dict adds it to the handler's data
(aiogram's example `context_addition_from_filter.py`).

A record of another district (or an event a librarian may not see) gets the same answer as one
that does not exist, so a forged id reveals nothing. A refused check raises `Refused` with the
Russian answer. `AnswerRefusals`, an outer
middleware of the routers' root, tells the user (an alert on a button, a message on text) and
ends the update there: the handler does not run and no later router sees the update. An
ownership filter goes last in a registration, so it only speaks for the handler it guards.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

from aiogram import BaseMiddleware, Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import common as t
from bot.texts import events as ev
from bot.texts.schools import NO_DISTRICT
from bot.toolkit.callbacks import parse_id
from bot.toolkit.screens import tell
from models import EventStatus, Role, User
from services.confirmations import confirmation_for_district, librarian_event
from services.errors import AccessDeniedError, NotFoundError
from services.events import get_event_for
from services.schools import get_school_for

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, role: Role | None = None) -> bool:
        return role in self.roles


class Refused(Exception):
    """An ownership check failed; `text` is what the user is told."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class AnswerRefusals(BaseMiddleware):
    """Outer middleware: a refused check is answered and ends the update's handling."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Refused as refused:
            if isinstance(event, Message | CallbackQuery):
                await tell(event, refused.text)
            return None


STAFF = frozenset({Role.COORDINATOR, Role.SUPER_ADMIN})


class StaffInPrivateOnly(BaseMiddleware):
    """Outer middleware: staff (coordinators, admins) are served in a private chat only.

    In a group everyone would read a district's names and invitation links; the staff member
    is told to write to the bot privately and nothing else happens.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if data.get("role") in STAFF:
            message = event.message if isinstance(event, CallbackQuery) else event
            chat = getattr(message, "chat", None)
            if chat is not None and chat.type != "private":
                if isinstance(event, Message | CallbackQuery):
                    await tell(event, t.STAFF_PRIVATE_ONLY)
                return None
        return await handler(event, data)


def answer_refusals(router: Router) -> Router:
    """Make `router` (the root of the feature routers) answer its filters' refusals."""
    router.message.outer_middleware(StaffInPrivateOnly())
    router.callback_query.outer_middleware(StaffInPrivateOnly())
    router.message.outer_middleware(AnswerRefusals())
    router.callback_query.outer_middleware(AnswerRefusals())
    return router


class _Owned(Filter):
    """Reads the id of a record from the callback data or, in a form, from the form's data.

    In a form a refusal also ends the form, so later text does not land in it.
    """

    def __init__(self, field: str, *, in_form: bool = False) -> None:
        self.field = field
        self.in_form = in_form

    async def record_id(self, data: dict[str, Any]) -> int:
        if self.in_form:
            state: FSMContext = data["state"]
            value = (await state.get_data()).get(self.field, 0)
        else:
            value = getattr(data.get("callback_data"), self.field, 0)
        return parse_id(value)  # 0 when it is no id: no record has it, refused as unknown

    async def refuse(self, data: dict[str, Any], text: str) -> NoReturn:
        if self.in_form:
            state: FSMContext = data["state"]
            await state.clear()
        raise Refused(text)


class InDistrict(_Owned):
    """`district_id`: the district the user manages (a super-admin's chosen one)."""

    def __init__(self, *, in_form: bool = False) -> None:
        super().__init__("", in_form=in_form)

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        user: User | None = data.get("user")
        if user is None or user.district_id is None:
            await self.refuse(data, NO_DISTRICT)
        return {"district_id": user.district_id}


class DistrictEvent(_Owned):
    """`event`: the event the update names, if it is the user's district's."""

    def __init__(
        self, field: str = "event_id", *, in_form: bool = False, unknown: str = ev.UNKNOWN_EVENT
    ) -> None:
        super().__init__(field, in_form=in_form)
        self.unknown = unknown

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        event_id = await self.record_id(data)
        try:
            event = await get_event_for(session, event_id, user.district_id if user else None)
        except NotFoundError:
            await self.refuse(data, self.unknown)
        except AccessDeniedError:
            logger.warning("user %s: event %s of another district", user and user.id, event_id)
            await self.refuse(data, self.unknown)
        return {"event": event}


class SchoolEvent(_Owned):
    """`event` and `school`: the event the update names, if it is addressed to the user's school.

    A draft is not shown to librarians: it is refused as unknown. `open_only` also refuses an
    event that no longer takes confirmations.
    """

    def __init__(
        self,
        field: str = "event_id",
        *,
        in_form: bool = False,
        unknown: str = ev.UNKNOWN_EVENT,
        forbidden: str = t.FORBIDDEN_BUTTON,
        open_only: bool = False,
    ) -> None:
        super().__init__(field, in_form=in_form)
        self.unknown = unknown
        self.forbidden = forbidden
        self.open_only = open_only

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        event_id = await self.record_id(data)
        if user is None:
            await self.refuse(data, self.forbidden)
        named = getattr(data.get("callback_data"), "event_id", None)
        if self.in_form and named is not None and named != event_id:
            # a button of an older form (another event): the open form goes on untouched
            raise Refused(t.STALE_BUTTON)
        try:
            event, school = await librarian_event(session, user, event_id)
        except NotFoundError:
            await self.refuse(data, self.unknown)
        except AccessDeniedError:
            logger.warning("user %s: event %s not addressed to the school", user.id, event_id)
            await self.refuse(data, self.unknown)
        if event.status is EventStatus.DRAFT:
            logger.warning("user %s: draft event %s requested", user.id, event_id)
            await self.refuse(data, self.unknown)
        if self.open_only and event.status is not EventStatus.OPEN:
            await self.refuse(data, ev.ERRORS["event_not_open"])
        return {"event": event, "school": school}


class DistrictSchool(_Owned):
    """`school`: the school the update names, if it is in the user's district."""

    def __init__(self, field: str = "school_id", *, unknown: str = t.STALE_BUTTON) -> None:
        super().__init__(field)
        self.unknown = unknown

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        school_id = await self.record_id(data)
        try:
            school = await get_school_for(session, school_id, user.district_id if user else None)
        except NotFoundError:
            await self.refuse(data, self.unknown)
        except AccessDeniedError:
            logger.warning("user %s: school %s of another district", user and user.id, school_id)
            await self.refuse(data, self.unknown)
        return {"school": school}


class DistrictConfirmation(_Owned):
    """`confirmation`: the confirmation the update names, if it is the user's district's."""

    def __init__(self, field: str = "confirmation_id", *, in_form: bool = False) -> None:
        super().__init__(field, in_form=in_form)

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        confirmation_id = await self.record_id(data)
        try:
            confirmation = await confirmation_for_district(
                session, confirmation_id, user.district_id if user else None
            )
        except NotFoundError:
            await self.refuse(data, t.STALE_BUTTON)
        except AccessDeniedError:
            logger.warning("confirmation %s of another district requested", confirmation_id)
            await self.refuse(data, t.STALE_BUTTON)
        return {"confirmation": confirmation}
