"""All callback data factories. Prefixes are short; every field is typed.

Callback data comes from the client and is untrusted: handlers check that the user may act
on the record an id names.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Nav(CallbackData, prefix="nav"):
    """Generic navigation: main menu, close a message."""

    to: str


class RoadmapCb(CallbackData, prefix="rm"):
    section: int = 0
    activity: int = 0


class DistrictAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    NEW = "n"
    INVITE = "i"
    USE = "u"


class DistrictCb(CallbackData, prefix="d"):
    action: DistrictAction
    district_id: int = 0
    page: int = 0


class InviteCb(CallbackData, prefix="inv"):
    action: str  # "revoke"
    invitation_id: int


class SchoolAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    ADD = "a"
    IMPORT = "im"
    REISSUE = "r"
    REISSUE_OK = "rk"
    REVOKE = "v"
    REVOKE_OK = "vk"


class SchoolCb(CallbackData, prefix="s"):
    action: SchoolAction
    school_id: int = 0
    page: int = 0


class JoinCb(CallbackData, prefix="j"):
    action: str  # "yes" | "no"


class FormCb(CallbackData, prefix="f"):
    action: str  # "save" | "cancel"


class ProfileCb(CallbackData, prefix="p"):
    action: str  # "leave" | "leave_ok" | "back"
