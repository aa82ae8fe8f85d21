"""The buttons each copy of an announcement carries; the services plan them as given."""

from __future__ import annotations

from bot.texts.announcements import copy as tc
from bot.toolkit.callbacks import AnnAction, AnnCb
from models import Announcement
from services.announcements.sending import CopyExtras
from services.outbox import Button


def copy_extras(announcement: Announcement) -> CopyExtras:
    """«Ознакомлен(а)» when asked for, and «Задать вопрос» always."""
    ask = Button(tc.BTN_ASK, AnnCb(action=AnnAction.ASK, announcement_id=announcement.id).pack())
    row: list[Button] = []
    if announcement.ack:
        row.append(
            Button(tc.BTN_ACK, AnnCb(action=AnnAction.ACK, announcement_id=announcement.id).pack())
        )
    row.append(ask)
    return CopyExtras(
        buttons=(tuple(row),),
        buttons_text=tc.BUTTONS_LINE.format(number=announcement.number or ""),
        acked_buttons=((ask,),),
    )
