"""The monitoring's ownership filters: the round or the response a button (or a form) names,
checked against the actor and handed to the handler.

A librarian reaches only the response of their own school; a coordinator only the rounds and
responses of their district. Anything else (another school's, another district's, a missing
id) is refused with the same words and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import monitoring_dialog as md
from bot.toolkit.callbacks import MonCb, parse_id
from bot.toolkit.filters import Refused
from models import User
from services.errors import AccessDeniedError, NotFoundError
from services.monitoring.progress import response_for, round_for
from services.monitoring.rounds import own_response

logger = logging.getLogger(__name__)


class _Named(Filter):
    def __init__(self, field: str, *, in_form: bool = False) -> None:
        self.field = field
        self.in_form = in_form

    async def named_id(self, data: dict[str, Any]) -> int:
        if self.in_form:
            state: FSMContext = data["state"]
            return parse_id((await state.get_data()).get(self.field, 0))
        callback_data = data.get("callback_data")
        return getattr(callback_data, self.field, 0) if isinstance(callback_data, MonCb) else 0

    async def refuse(self, data: dict[str, Any], text: str) -> NoReturn:
        if self.in_form:
            await data["state"].clear()
        raise Refused(text)


class OwnResponse(_Named):
    """`mround`, `response`: the response of the librarian's own school the update names."""

    def __init__(self, *, in_form: bool = False) -> None:
        super().__init__("response_id", in_form=in_form)

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        response_id = await self.named_id(data)
        if user is None:
            await self.refuse(data, md.UNKNOWN_RESPONSE)
        try:
            round_, response = await own_response(session, response_id, user)
        except (NotFoundError, AccessDeniedError):
            logger.warning("user %s: response %s not of the school", user.id, response_id)
            await self.refuse(data, md.UNKNOWN_RESPONSE)
        return {"mround": round_, "response": response}


class DistrictRound(_Named):
    """`mround`: the round of the actor's district the button names."""

    def __init__(self) -> None:
        super().__init__("round_id")

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        round_id = await self.named_id(data)
        try:
            round_ = await round_for(session, round_id, user.district_id if user else None)
        except NotFoundError:
            logger.warning("user %s: round %s not of the district", user and user.id, round_id)
            await self.refuse(data, md.UNKNOWN_ROUND)
        return {"mround": round_}


class DistrictResponse(_Named):
    """`mround`, `response`: a response of a school of the coordinator's district."""

    def __init__(self, *, in_form: bool = False) -> None:
        super().__init__("response_id", in_form=in_form)

    async def __call__(self, update: TelegramObject, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        response_id = await self.named_id(data)
        try:
            round_, response = await response_for(
                session, response_id, user.district_id if user else None
            )
        except NotFoundError:
            logger.warning(
                "user %s: response %s not of the district", user and user.id, response_id
            )
            await self.refuse(data, md.UNKNOWN_RESPONSE)
        return {"mround": round_, "response": response}
