"""Send one copy of an announcement: the one place its messages are made.

Used by the outbox sender (every recipient's copy) and by the coordinator's preview, so the
preview is exactly what the recipients see.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import (
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
    MessageEntity,
)


async def send_steps(
    bot: Bot, chat_id: int, payload: dict[str, Any], markup: InlineKeyboardMarkup | None
) -> Message:
    """A copy made of several messages (an album, a long text in parts): the buttons go
    on the last one that can carry them; the message returned is the one whose text can
    be edited later, or the last one."""
    steps: list[dict[str, Any]] = payload["steps"]
    main: Message | None = None
    last: Message | None = None
    for index, step in enumerate(steps):
        buttons = markup if index == len(steps) - 1 and step["kind"] != "album" else None
        sent = await send_step(bot, chat_id, step, buttons)
        last = sent
        if step.get("main"):
            main = sent
    if steps[-1]["kind"] == "album" and markup is not None:
        last = await bot.send_message(
            chat_id, payload.get("buttons_text") or "…", reply_markup=markup
        )
    assert last is not None
    return main or last


async def send_step(
    bot: Bot, chat_id: int, step: dict[str, Any], markup: InlineKeyboardMarkup | None
) -> Message:
    text = step.get("text") or None
    entities = [MessageEntity(**e) for e in step.get("entities") or []] or None
    kind = step["kind"]
    # a text kept with its entities is sent as typed, never parsed as HTML
    if kind == "text":
        return await bot.send_message(
            chat_id, step["text"], entities=entities, parse_mode=None, reply_markup=markup
        )
    if kind == "photo":
        return await bot.send_photo(
            chat_id,
            step["file_id"],
            caption=text,
            caption_entities=entities,
            parse_mode=None,
            reply_markup=markup,
        )
    if kind == "document":
        return await bot.send_document(
            chat_id,
            step["file_id"],
            caption=text,
            caption_entities=entities,
            parse_mode=None,
            reply_markup=markup,
        )
    group: list[Any] = []  # photos or documents, never both (checked when composed)
    for index, item in enumerate(step["media"]):
        first = index == 0
        caption = text if first else None
        caption_entities = entities if first else None
        if item["type"] == "photo":
            group.append(
                InputMediaPhoto(
                    media=item["file_id"],
                    caption=caption,
                    caption_entities=caption_entities,
                    parse_mode=None,
                )
            )
        else:
            group.append(
                InputMediaDocument(
                    media=item["file_id"],
                    caption=caption,
                    caption_entities=caption_entities,
                    parse_mode=None,
                )
            )
    messages = await bot.send_media_group(chat_id, group)
    return messages[0]
