"""Inline keyboards shared by the flows."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.texts import common as t
from bot.toolkit.callbacks import FormAction, FormCb
from services.outbox import Button

# an outbox row's buttons: rows of (text, callback data)
Buttons = tuple[tuple[Button, ...], ...]

PAGE_SIZE = 8


def pages(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def clamp_page(page: int, total: int, size: int = PAGE_SIZE) -> int:
    return min(max(page, 0), pages(total, size) - 1)


def pager_row(
    page: int, total: int, make: Callable[[int], CallbackData], size: int = PAGE_SIZE
) -> list[InlineKeyboardButton]:
    count = pages(total, size)
    if count <= 1:
        return []
    row: list[InlineKeyboardButton] = []
    if page > 0:
        row.append(InlineKeyboardButton(text=t.BTN_PREV, callback_data=make(page - 1).pack()))
    row.append(
        InlineKeyboardButton(
            text=t.PAGE.format(page=page + 1, pages=count),
            callback_data=make(page).pack(),
        )
    )
    if page < count - 1:
        row.append(InlineKeyboardButton(text=t.BTN_NEXT, callback_data=make(page + 1).pack()))
    return row


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


@cache
def cancel_keyboard() -> InlineKeyboardMarkup:
    """The same one every time: keyboards are sent, never changed after they are built."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL))]]
    )


def yes_no(yes: CallbackData, no: CallbackData) -> InlineKeyboardMarkup:
    """«Да | Нет» side by side, under a question that says what «Да» does."""
    return InlineKeyboardMarkup(inline_keyboard=[[button(t.BTN_YES, yes), button(t.BTN_NO, no)]])


def column(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in buttons:
        builder.row(item)
    return builder.as_markup()


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def markup_of(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Planned buttons (an outbox row's) as a keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
            for row in buttons
        ]
    )


def buttons_of(markup: InlineKeyboardMarkup | None) -> Buttons:
    """A keyboard as the plain rows an outbox row stores."""
    if markup is None:
        return ()
    return tuple(
        tuple(Button(b.text, b.callback_data or "") for b in row) for row in markup.inline_keyboard
    )
