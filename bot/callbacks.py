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


class EventAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    STATUS = "s"
    STATUS_OK = "sk"
    PROGRESS = "p"
    EDIT = "e"
    EDIT_FIELD = "ef"
    NEW = "n"
    DEFAULT = "d"
    DEFAULT_OK = "dk"
    FILE = "f"
    TEMPLATE = "t"
    ROLLOVER = "r"
    ROLLOVER_OK = "rk"
    AUDIENCE = "a"
    AUDIENCE_TOGGLE = "at"
    AUDIENCE_ALL = "aa"


class EventCb(CallbackData, prefix="e"):
    action: EventAction
    event_id: int = 0
    page: int = 0
    arg: str = ""


class NewEventCb(CallbackData, prefix="ne"):
    step: str  # "act" | "kind" | "save"
    value: str = ""


class TaskAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    CONFIRM = "c"
    EDIT = "e"
    WITHDRAW = "w"
    WITHDRAW_OK = "wk"


class TaskCb(CallbackData, prefix="t"):
    action: TaskAction
    event_id: int = 0


class ConfirmStep(CallbackData, prefix="cf"):
    action: str  # day | skip | done | send | change | ch_date | ch_part | ch_desc | ch_evid
    value: str = ""


class ReviewAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    ACCEPT = "a"
    RETURN = "r"


class ReviewCb(CallbackData, prefix="r"):
    action: ReviewAction
    confirmation_id: int = 0
    version: int = 0
    page: int = 0


class CalendarCb(CallbackData, prefix="cal"):
    action: str  # "ics"


class RecordCb(CallbackData, prefix="sr"):
    school_id: int = 0
    page: int = 0


class ReminderCb(CallbackData, prefix="rem"):
    action: str  # "snooze" | "yes" | "no" | "nudge"
    event_id: int


class SettingsCb(CallbackData, prefix="set"):
    action: str  # "mute" | "unmute"
