"""Callback data of the contests (same rules as bot/toolkit/callbacks.py: typed, bounded ids).

One section per part: the coordinator's management and moderation, the librarian's entries,
the jury, the results and documents. Every id names a record the handler's filter checks
against the pressing user (a forged id of another school, district or jury is refused).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.toolkit.callbacks import OptionalId, Page, Version

# ---- management (coordinator): handlers/contests/manage.py ----------------------------------


class ContestAction(StrEnum):
    LIST = "l"
    CARD = "c"  # the contest's card: the entry point other parts link back to


class ContestCb(CallbackData, prefix="ct"):
    action: ContestAction
    contest_id: OptionalId = 0
    arg: OptionalId = 0
    page: Page = 0


# ---- moderation (coordinator): handlers/contests/manage.py -----------------------------------


class ModerationAction(StrEnum):
    ENTRY = "e"  # an entry's card


class ModerationCb(CallbackData, prefix="cm"):
    action: ModerationAction
    entry_id: OptionalId = 0
    version: Version = 0
    page: Page = 0


# ---- entries (librarian): handlers/contests/entry.py -----------------------------------------


class EntryAction(StrEnum):
    LIST = "l"  # open contests
    CARD = "c"  # a contest's card for the school


class EntryCb(CallbackData, prefix="ce"):
    action: EntryAction
    contest_id: OptionalId = 0
    entry_id: OptionalId = 0
    arg: OptionalId = 0
    version: Version = 0
    page: Page = 0


# ---- jury: handlers/contests/jury.py -----------------------------------------------------------


class JuryAdminAction(StrEnum):
    LIST = "l"  # the coordinator's jury screen of a contest


class JuryAdminCb(CallbackData, prefix="cja"):
    action: JuryAdminAction
    contest_id: OptionalId = 0
    juror_id: OptionalId = 0
    arg: OptionalId = 0
    page: Page = 0


class JuryAction(StrEnum):
    LIST = "l"  # the juror's contests


class JuryCb(CallbackData, prefix="cj"):
    action: JuryAction
    contest_id: OptionalId = 0
    entry_id: OptionalId = 0
    arg: OptionalId = 0
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
