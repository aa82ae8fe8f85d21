"""Callback data of the contests (same rules as bot/toolkit/callbacks.py: typed, bounded ids).

One section per part: the coordinator's management and moderation, the librarian's entries,
the jury, the results and documents. Every id names a record the handler's filter checks
against the pressing user (a forged id of another school, district or jury is refused).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.toolkit.callbacks import OptionalId, Page, Version

# ---- management (coordinator): handlers/contests/manage.py ----------------------------------


class ContestAction(StrEnum):
    LIST = "l"
    CARD = "c"  # the contest's card: the entry point other parts link back to
    NEW = "n"  # a new contest: choose a template
    TEMPLATE = "t"  # arg: the template's place in the templates file (1-based)
    SCRATCH = "s"  # a contest from scratch (a short form)
    SAVE = "sv"  # create the draft after the summary
    REGULATION = "rg"  # attach the regulation («положение»)
    DEADLINE = "dl"  # change the deadline
    OPEN = "o"
    OPEN_OK = "ok"
    CLOSE = "x"
    CLOSE_OK = "xk"
    CANCEL = "cn"
    CANCEL_OK = "ck"


class ContestCb(CallbackData, prefix="ct"):
    action: ContestAction
    contest_id: OptionalId = 0
    arg: OptionalId = 0
    page: Page = 0


# ---- moderation (coordinator): handlers/contests/manage.py -----------------------------------


class ModerationAction(StrEnum):
    ENTRY = "e"  # an entry's card
    LIST = "l"  # a contest's entries (of one nomination or school, when those are set)
    BY_NOMINATION = "fn"  # choose the nomination to filter by
    BY_SCHOOL = "fs"  # choose the school to filter by
    WORKS = "w"  # re-send the entry's works to the coordinator
    ACCEPT = "a"
    REJECT = "r"  # asks for the reason


class ModerationCb(CallbackData, prefix="cm"):
    """`nomination_id` / `school_id` are the list's filter (0: none), kept on an entry's buttons
    so that «« К заявкам» returns to the same page."""

    action: ModerationAction
    entry_id: OptionalId = 0
    version: Version = 0
    page: Page = 0
    contest_id: OptionalId = 0
    nomination_id: OptionalId = 0
    school_id: OptionalId = 0


# ---- entries (librarian): handlers/contests/entry.py -----------------------------------------


class EntryAction(StrEnum):
    LIST = "l"  # open contests
    CARD = "c"  # a contest's card for the school
    REGULATION = "r"  # the regulation file of the contest, re-sent
    NEW = "n"  # «Подать заявку»: the entry form
    ENTRIES = "es"  # the school's entries of a contest
    ENTRY = "e"  # an entry's card (entry_id)
    WORKS = "w"  # the entry's works, re-sent by file id
    EDIT = "ed"  # the form again, prefilled (also «Исправить и отправить заново»)
    WITHDRAW = "wd"  # «Отозвать?»
    WITHDRAW_OK = "wk"  # «Да» (version: the entry as the card showed it)


class EntryCb(CallbackData, prefix="ce"):
    action: EntryAction
    contest_id: OptionalId = 0
    entry_id: OptionalId = 0
    arg: OptionalId = 0
    version: Version = 0
    page: Page = 0


class EntryStep(StrEnum):
    """A step of the entry form (handlers/contests/entry_form.py)."""

    NOMINATION = "nm"  # arg: the nomination's id
    CATEGORY = "ct"  # arg: the index of the category in CATEGORIES
    AGE = "ag"  # arg: the age
    MORE = "mo"  # one more participant
    REMOVE = "rm"  # arg: the index of the participant to take out
    NEXT = "nx"  # on from the participants or from the consent
    ME = "me"  # the supervisor is me
    DONE = "dn"  # the works are all attached
    CLEAR = "cl"  # take the attached works out and start over
    SCORE = "sc"  # arg: the points of the current criterion
    CONSENT = "cs"  # the consent's toggle
    SEND = "sd"
    CHANGE = "ch"  # the «Изменить» menu
    GOTO = "go"  # arg: the step to change (entry_form.Part)
    BACK = "bk"


FormNonce = Annotated[int, Field(ge=0, le=999_999)]


class EntryFormCb(CallbackData, prefix="cef"):
    """A button of one entry form: `form` is the form's random number, so a button of an
    older form (or of another contest's) is refused as stale and the open form goes on."""

    step: EntryStep
    contest_id: OptionalId = 0
    form: FormNonce = 0
    arg: OptionalId = 0


# ---- jury: handlers/contests/jury.py -----------------------------------------------------------


class JuryAdminAction(StrEnum):
    LIST = "l"  # the coordinator's jury screen of a contest
    SEAT = "s"  # a seat's card (its link while nobody has taken it)
    INVITE = "i"  # a new seat: ask the juror's name
    NOMINATION = "n"  # the invitation form: toggle the nomination `arg`
    ALL_NOMINATIONS = "na"  # the invitation form: every nomination, make the seat
    DONE = "nd"  # the invitation form: the nominations ticked, make the seat
    REVOKE = "r"  # ask before revoking
    REVOKE_OK = "rk"
    CLOSE = "x"  # ask before closing the judging
    CLOSE_OK = "xk"


class JuryAdminCb(CallbackData, prefix="cja"):
    action: JuryAdminAction
    contest_id: OptionalId = 0
    juror_id: OptionalId = 0
    arg: OptionalId = 0
    page: Page = 0


# points a button gives: a bounded number like a page (the service checks the criterion's max)
Points = Page


class JuryAction(StrEnum):
    LIST = "l"  # the juror's contests
    CONTEST = "c"  # the entries a juror scores in a contest (paginated)
    ENTRY = "e"  # an entry's card with the point buttons
    CRITERION = "k"  # the keypad of criterion `arg`
    RANGE = "g"  # the keypad of criterion `arg` from `points` (a big maximum, in tens)
    SCORE = "s"  # criterion `arg` gets `points`
    WORKS = "w"  # re-send the entry's works
    COMMENT = "m"  # ask for a comment (a text step)
    CLEAR_COMMENT = "mx"


class JuryCb(CallbackData, prefix="cj"):
    action: JuryAction
    contest_id: OptionalId = 0
    entry_id: OptionalId = 0
    arg: OptionalId = 0
    points: Points = 0
    page: Page = 0


# ---- results and documents: handlers/contests/results.py -------------------------------------


class ResultsAction(StrEnum):
    OPEN = "o"  # the coordinator's results screen of a contest
    DIPLOMAS = "dp"  # a librarian asks for the school's diplomas (button of the results notice)
    NOMINATION = "n"  # a nomination's ranking: arg = the nomination's id, page
    ENTRY = "e"  # an entry's place buttons (entry_id, page of its nomination)
    PLACE = "p"  # set an entry's place: arg = 1..3 (degree) or 0 (participation)
    ACCEPT = "a"  # «Принять предложенные места»: the question
    ACCEPT_OK = "ak"  # … «Да»
    PUBLISH = "pb"  # «Опубликовать итоги»: the question
    PUBLISH_OK = "pk"  # … «Да»
    DOCUMENTS = "d"  # the documents menu
    DOCUMENT = "dx"  # one document: arg = ResultsDocument
    ZIP = "z"  # every diploma as ZIP (the coordinator, after publication)


class ResultsDocument(IntEnum):
    ENTRIES = 1
    PROTOCOL_XLSX = 2
    PROTOCOL_PDF = 3
    WINNERS = 4


class ResultsCb(CallbackData, prefix="cr"):
    action: ResultsAction
    contest_id: OptionalId = 0
    entry_id: OptionalId = 0
    arg: OptionalId = 0
    page: Page = 0
