"""The notice that a library document has a new version, for those who took an older one."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import documents as dt
from bot.toolkit.callbacks import DocAction, DocCb
from bot.toolkit.keyboards import button
from bot.toolkit.notify import deliver
from bot.toolkit.screens import h
from models import LibraryDocument, User
from services.clock import Clock


async def tell_new_version(
    session: AsyncSession, clock: Clock, document: LibraryDocument, user_ids: list[int]
) -> int:
    """Plan the notice through the outbox; returns how many active people it goes to."""
    if not user_ids:
        return 0
    chats = await session.execute(
        select(User.telegram_id, User.id).where(User.id.in_(user_ids), User.is_active)
    )
    recipients = [(chat_id, user_id) for chat_id, user_id in chats]
    link = DocCb(action=DocAction.CARD, document_id=document.id, category=document.category.value)
    await deliver(
        session,
        clock,
        f"doc-replaced:{document.id}:{document.version}",
        recipients,
        dt.REPLACED_NOTICE.format(title=h(document.title), version=document.version),
        InlineKeyboardMarkup(inline_keyboard=[[button(dt.BTN_OPEN, link)]]),
    )
    return len(recipients)
