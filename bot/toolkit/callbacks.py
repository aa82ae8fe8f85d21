"""All callback data factories. Prefixes are short; every field is typed.

Callback data comes from the client and is untrusted: the filters of bot/filters.py check
that the user may act on the record an id names.

Action values stay as they were first sent: buttons already in chats and planned messages in
the outbox keep working after an update.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


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


class InviteAction(StrEnum):
    REVOKE = "revoke"


class InviteCb(CallbackData, prefix="inv"):
    action: InviteAction
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
    LINKS_XLSX = "lx"
    LINKS_PDF = "lp"


class SchoolCb(CallbackData, prefix="s"):
    action: SchoolAction
    school_id: int = 0
    page: int = 0


class JoinAction(StrEnum):
    YES = "yes"
    NO = "no"


class JoinCb(CallbackData, prefix="j"):
    action: JoinAction


class FormAction(StrEnum):
    CANCEL = "cancel"
    TG_NAME = "tgname"


class FormCb(CallbackData, prefix="f"):
    action: FormAction


class ProfileAction(StrEnum):
    LEAVE = "leave"
    LEAVE_OK = "leave_ok"
    BACK = "back"


class ProfileCb(CallbackData, prefix="p"):
    action: ProfileAction


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
    OCCASION = "oc"


class EventCb(CallbackData, prefix="e"):
    action: EventAction
    event_id: int = 0
    page: int = 0
    arg: str = ""


class NewEventStep(StrEnum):
    ACTIVITY = "act"
    ACTIVITY_PAGE = "actp"
    OCCASION = "occ"
    KIND = "kind"
    SAVE = "save"
    SAVE_OPEN = "saveo"


class NewEventCb(CallbackData, prefix="ne"):
    step: NewEventStep
    value: str = ""


class TaskAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    CONFIRM = "c"
    EDIT = "e"
    WITHDRAW = "w"
    WITHDRAW_OK = "wk"
    # straight from the card to one field of the school's confirmation
    FIX_DATE = "fd"
    FIX_PARTICIPANTS = "fp"
    FIX_DESCRIPTION = "fs"
    FIX_EVIDENCE = "fe"


FIX_ACTIONS = frozenset(
    {
        TaskAction.FIX_DATE,
        TaskAction.FIX_PARTICIPANTS,
        TaskAction.FIX_DESCRIPTION,
        TaskAction.FIX_EVIDENCE,
    }
)


class TaskCb(CallbackData, prefix="t"):
    action: TaskAction
    event_id: int = 0


class ConfirmAction(StrEnum):
    DAY = "day"
    SKIP = "skip"
    DONE = "done"
    SEND = "send"
    CHANGE = "change"
    BACK = "back"
    CHANGE_DATE = "ch_date"
    CHANGE_PARTICIPANTS = "ch_part"
    CHANGE_DESCRIPTION = "ch_desc"
    CHANGE_EVIDENCE = "ch_evid"


CHANGE_ACTIONS = frozenset(
    {
        ConfirmAction.CHANGE_DATE,
        ConfirmAction.CHANGE_PARTICIPANTS,
        ConfirmAction.CHANGE_DESCRIPTION,
        ConfirmAction.CHANGE_EVIDENCE,
    }
)


class ConfirmStep(CallbackData, prefix="cf"):
    action: ConfirmAction
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


class CalendarAction(StrEnum):
    ICS = "ics"


class CalendarCb(CallbackData, prefix="cal"):
    action: CalendarAction


class RecordCb(CallbackData, prefix="sr"):
    school_id: int = 0
    page: int = 0


class ReminderAction(StrEnum):
    SNOOZE = "snooze"
    YES = "yes"
    NO = "no"
    NUDGE = "nudge"


class ReminderCb(CallbackData, prefix="rem"):
    action: ReminderAction
    event_id: int


class SettingsAction(StrEnum):
    MUTE = "mute"
    UNMUTE = "unmute"
    REVIEW_NOW = "rnow"  # a coordinator: tell me of new confirmations as they arrive
    REVIEW_DIGEST = "rdig"  # a coordinator: only in the morning digest


class SettingsCb(CallbackData, prefix="set"):
    action: SettingsAction
