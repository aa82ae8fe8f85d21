"""All callback data factories. Prefixes are short; every field is typed.

Callback data comes from the client and is untrusted. It is parsed here, once, into bounded
types: an id is 1..DB_ID_MAX (0 where a field may name nothing), a page or a version is
bounded too, so a forged `2**63` or `²` fails to unpack (aiogram's filter does not match and
the fallback says the button is stale) and never reaches int() or the database. The filters of
bot/toolkit/filters.py then check that the user may act on the record an id names.

Action values stay as they were first sent: buttons already in chats and planned messages in
the outbox keep working after an update.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from models.limits import DB_ID_MAX
from services.reports.periods import PeriodKind

Id = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
"""The id of a record a button names."""
OptionalId = Annotated[int, Field(ge=0, le=DB_ID_MAX)]
"""An id, or 0 where the button names no record (a list, a form's first step)."""
Page = Annotated[int, Field(ge=0, le=100_000)]
Version = Annotated[int, Field(ge=0, le=DB_ID_MAX)]

_ID_TEXT = re.compile(r"[1-9][0-9]{0,9}")


def parse_id(text: object) -> int:
    """An id written as text (a string field of a button, a form's data); 0 if it is not one.

    Only ASCII digits count: `²`, `①` or `١` pass str.isdigit() but are no id.
    """
    if isinstance(text, bool):
        return 0
    if isinstance(text, int):
        return text if 1 <= text <= DB_ID_MAX else 0
    if not isinstance(text, str) or _ID_TEXT.fullmatch(text) is None:
        return 0
    value = int(text)
    return value if value <= DB_ID_MAX else 0


class RoadmapCb(CallbackData, prefix="rm"):
    section: Annotated[int, Field(ge=0, le=1000)] = 0
    activity: Annotated[int, Field(ge=0, le=1000)] = 0


class DistrictAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    NEW = "n"
    INVITE = "i"
    USE = "u"


class DistrictCb(CallbackData, prefix="d"):
    action: DistrictAction
    district_id: OptionalId = 0
    page: Page = 0


class InviteAction(StrEnum):
    REVOKE = "revoke"


class InviteCb(CallbackData, prefix="inv"):
    action: InviteAction
    invitation_id: Id


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
    school_id: OptionalId = 0
    page: Page = 0


class SchoolLinkCb(CallbackData, prefix="sl"):
    """«Да» for a new school link: `replaces` is the link the card showed (0: it had none).

    A second press (or a stale card) finds that link already replaced and changes nothing.
    """

    school_id: Id
    replaces: OptionalId = 0
    page: Page = 0


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
    # the event's files in the documents library (handlers/documents.py)
    FILES = "m"  # the event's materials
    FILE_CARD = "mo"  # a file's library card (`arg`: the document, which must be the event's)
    FILE_ADD = "ma"  # «Прикрепить файл»: the library's new-document form for the event
    # a step of that form (`arg`: the library form's step and its choice, «fc-samples», «fi-3»),
    # so that a stale one still names its event
    FILE_FORM = "mf"
    FILE_TELL = "mt"  # «Сообщить библиотекарям» of a file added to an open event (`arg`: it)
    FILE_TELL_OK = "mk"  # its «Да»


class EventCb(CallbackData, prefix="e"):
    action: EventAction
    event_id: OptionalId = 0
    page: Page = 0
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
    FILES = "m"  # the event's published files (handlers/documents.py)
    FILES_APART = "mn"  # the same in a new message: from a seminar's invitation, which stays


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
    event_id: OptionalId = 0


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
    CLEAR_EVIDENCE = "clr_evid"


CHANGE_ACTIONS = frozenset(
    {
        ConfirmAction.CHANGE_DATE,
        ConfirmAction.CHANGE_PARTICIPANTS,
        ConfirmAction.CHANGE_DESCRIPTION,
        ConfirmAction.CHANGE_EVIDENCE,
    }
)


class ConfirmStep(CallbackData, prefix="cf"):
    """A step of the confirmation form; `event_id` is the event of the form it was made for."""

    action: ConfirmAction
    value: str = ""
    event_id: OptionalId = 0


class ReviewAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    ACCEPT = "a"
    RETURN = "r"


class ReviewCb(CallbackData, prefix="r"):
    action: ReviewAction
    confirmation_id: OptionalId = 0
    version: Version = 0
    page: Page = 0


class CalendarAction(StrEnum):
    ICS = "ics"


class CalendarCb(CallbackData, prefix="cal"):
    action: CalendarAction


class RecordCb(CallbackData, prefix="sr"):
    school_id: OptionalId = 0
    page: Page = 0


class ReminderAction(StrEnum):
    SNOOZE = "snooze"
    YES = "yes"
    NO = "no"
    NUDGE = "nudge"


class ReminderCb(CallbackData, prefix="rem"):
    action: ReminderAction
    event_id: Id


class SettingsAction(StrEnum):
    MUTE = "mute"
    UNMUTE = "unmute"
    REVIEW_NOW = "rnow"  # a coordinator: tell me of new confirmations as they arrive
    REVIEW_DIGEST = "rdig"  # a coordinator: only in the morning digest


class SettingsCb(CallbackData, prefix="set"):
    action: SettingsAction


class DocAction(StrEnum):
    HOME = "h"  # the categories with their counts
    LIST = "l"  # a category's page (`category`, `page`)
    CARD = "o"
    GET = "g"
    SEARCH = "s"
    # the coordinator's
    ADD = "a"
    REPLACE = "r"
    REPLACE_OK = "rk"
    WITHDRAW = "w"
    WITHDRAW_OK = "wk"
    ANNOUNCE = "an"  # a draft announcement with the document attached
    # the steps of the new-document form (`value`: a category or a roadmap item, 0: none)
    FORM_KEEP_NAME = "fn"
    FORM_CATEGORY = "fc"
    FORM_ITEM = "fi"
    FORM_PUBLISH = "fp"


DOC_FORM_ACTIONS = frozenset(
    {
        DocAction.FORM_KEEP_NAME,
        DocAction.FORM_CATEGORY,
        DocAction.FORM_ITEM,
        DocAction.FORM_PUBLISH,
    }
)


class DocCb(CallbackData, prefix="doc"):
    """`value`: a category's or an item's choice in the form; on a card and its buttons, 1 when
    it was opened from its event's files (its «Назад» goes back there, `page` being the events
    list's page)."""

    action: DocAction
    document_id: OptionalId = 0
    category: Annotated[str, Field(max_length=16)] = ""
    page: Page = 0
    value: Annotated[int, Field(ge=0, le=100)] = 0


class AnnComposeAction(StrEnum):
    """The coordinator's steps from a draft to the send (handlers/announcements/compose.py)."""

    # the draft's screen
    SCREEN = "s"  # back to the draft's screen (ends a form step)
    ACK = "k"  # «Ознакомлен(а)» on or off
    PREVIEW = "p"
    SEND = "go"
    EDIT = "e"
    SCHEDULE = "t"
    SCHEDULE_AT = "ta"  # a ready time (`value`: minutes since the epoch, UTC)
    CANCEL = "x"
    CANCEL_OK = "xk"
    # the content: a text over the limit, an album's end
    SPLIT = "sp"
    REWRITE = "rw"
    ALBUM_DONE = "ad"
    # the audience
    AUDIENCE = "a"
    AUD_ALL = "al"
    AUD_LATE = "lt"  # the district's open events, a page
    AUD_EVENT = "ev"  # value: the event
    AUD_SCHOOLS = "sc"  # the schools, a page
    AUD_SCHOOL = "st"  # value: a school, chosen or not
    AUD_SEARCH = "sq"
    AUD_DONE = "sd"
    AUD_COORDINATORS = "co"  # a super-admin's
    # a super-admin's districts, before the text
    DISTRICT = "d"  # value: a district, chosen or not
    REPUBLIC = "r"
    DISTRICTS_DONE = "dd"
    # a scheduled announcement, and one being sent
    UNSCHEDULE = "u"
    UNSCHEDULE_OK = "uk"
    STOP = "h"
    STOP_OK = "hk"
    STOP_NO = "hn"


class AnnComposeCb(CallbackData, prefix="ac"):
    action: AnnComposeAction
    announcement_id: OptionalId = 0
    value: Annotated[int, Field(ge=0, le=DB_ID_MAX)] = 0
    page: Page = 0


class AnnAction(StrEnum):
    """A sent announcement: the recipient's buttons, the history and the report."""

    ACK = "k"  # «Ознакомлен(а)» on a copy
    ASK = "q"  # «Задать вопрос» on a copy
    LIST = "l"  # /announcements: a page of the list (`page`)
    OPEN = "o"  # a coordinator's card; a recipient's copy again
    # the coordinator's
    REPORT = "x"  # the XLSX report
    UNREAD = "u"  # who has not acknowledged (`page`)
    NUDGE = "n"  # «Напомнить не ознакомившимся»: asks first
    NUDGE_OK = "nk"
    QUESTIONS = "qs"  # the questions under the announcement (`page`)
    ANSWER = "a"  # answer one (`question_id`)
    EDIT = "e"  # correct the text of the sent copies
    # a coordinator as a recipient (a super-admin's announcement to the coordinators)
    INBOX = "i"  # the announcements received (`page`)
    READ = "r"  # one of them again


class AnnCb(CallbackData, prefix="an"):
    action: AnnAction
    announcement_id: OptionalId = 0
    question_id: OptionalId = 0
    page: Page = 0


class MonAction(StrEnum):
    """The monitoring: a librarian's questionnaire, a coordinator's round and its review
    (handlers/monitoring/). A question is named by its index in the questionnaire (`value`);
    a choice of it by its index (`item`: for yes/no, 0 is «Да» and 1 «Нет»)."""

    # the librarian's (response_id: the school's response)
    FILL = "f"  # the round's invitation «Заполнить» (round_id): the school's response
    RESPONSE = "h"  # the response's screen
    START = "s"  # «Начать»
    QUESTION = "q"  # open the question `value`
    ANSWER = "a"  # a button's answer `item` to the question `value`
    TOGGLE = "t"  # tick or untick the choice `item` of a multi question
    DONE = "d"  # «Готово» under a multi question
    KEEP = "k"  # «Оставить как было»
    SKIP = "p"  # «Пропустить»
    BACK = "b"  # «Назад» from the question `value`
    CHECKS = "v"  # the checks at the end
    CONFIRM = "y"  # «Верно?» → «Да» for the question `value`
    SUMMARY = "m"  # the summary
    EDIT_LIST = "e"  # «Изменить ответ»: the questions, a page of them
    SEND_ASK = "oa"  # «Отправить»: asks first
    SEND = "o"  # the sending confirmed
    # the coordinator's (round_id: the district's round, response_id: a school's response)
    HOME = "r"  # /monitoring: the open round's screen, or «Открыть мониторинг»
    NEW = "n"  # «Открыть мониторинг»: asks the deadline
    NEW_OK = "nk"  # the opening confirmed
    ROUND = "rd"  # a round's screen
    SCHOOLS = "sl"  # the schools of a status (`value`), a page of them
    CARD = "c"  # a school's response
    ACCEPT_ASK = "aa"  # «Принять»: asks first
    ACCEPT = "ac"
    RETURN = "rt"  # «Вернуть на доработку»: pick the questions
    RETURN_PICK = "rp"  # tick or untick the question `value`
    RETURN_NEXT = "rn"  # the questions picked: the comment
    RETURN_SEND = "rs"  # return without a comment
    CLOSE = "cl"  # «Закрыть приём»: asks
    CLOSE_OK = "ck"


class MonCb(CallbackData, prefix="mo"):
    action: MonAction
    round_id: OptionalId = 0
    response_id: OptionalId = 0
    value: Annotated[int, Field(ge=0, le=1000)] = 0
    item: Annotated[int, Field(ge=0, le=100)] = 0
    page: Page = 0


class MonDocAction(StrEnum):
    """The department's documents of a monitoring round (handlers/reports.py)."""

    SUMMARY_XLSX = "x"
    SUMMARY_CSV = "c"
    CHARTS = "g"
    NOTE = "n"


class MonDocCb(CallbackData, prefix="md"):
    action: MonDocAction
    round_id: OptionalId = 0


class ReportAction(StrEnum):
    HOME = "h"  # the super-admin's choice: the district, the republic, the republic by school
    PERIODS = "p"  # the periods of a scope
    MAKE = "g"  # the workbook and the chart of a scope and a period


class ReportScope(StrEnum):
    DISTRICT = "d"  # the coordinator's district (a super-admin's chosen one)
    REPUBLIC = "r"  # every district, one row each (the super-admin's)
    REPUBLIC_SCHOOLS = "rs"  # the same with a sheet of every school


class ReportCb(CallbackData, prefix="rep"):
    """/report: no record id; the scope is checked against the role, the period is one of
    a fixed few (a forged value does not unpack)."""

    action: ReportAction
    scope: ReportScope = ReportScope.DISTRICT
    period: PeriodKind = PeriodKind.SCHOOL_YEAR


# ---- the monitoring's documents for the republic and /pending (handlers/monitoring_docs.py) ----


class MonRepAction(StrEnum):
    HOME = "h"  # the school years that have rounds
    MAKE = "x"  # the republic's summary of a year and its charts


class MonRepCb(CallbackData, prefix="mr"):
    """The super-admin's: no record id; a year is a plain bounded number."""

    action: MonRepAction
    year: Annotated[int, Field(ge=0, le=3000)] = 0
    by_school: Annotated[int, Field(ge=0, le=1)] = 0


class PendingAction(StrEnum):
    LIST = "l"  # /pending: the open events (`page`)
    OPEN = "o"  # the schools that have not answered the event
    REMIND = "r"  # «Напомнить»: once a day per event


class PendingCb(CallbackData, prefix="pn"):
    action: PendingAction
    event_id: OptionalId = 0
    page: Page = 0
