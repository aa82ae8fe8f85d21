"""The Russian side of the file importers: their problem codes as texts, their sample files.

The importers in ``services`` return codes with parameters (:class:`services.tabular.RowError`,
:class:`services.calendar_default.EventProblem`); the handlers show them through these
functions. The texts are in :mod:`bot.texts.school_import` and :mod:`bot.texts.calendar_io`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.texts import calendar_io as ct
from bot.texts import school_import as st
from bot.texts.plural import plural
from services.calendar_default import CalendarFileError, CalendarFileProblem, EventProblem
from services.calendar_ics import IcsLabels
from services.calendar_rules import CalendarProblem, Expected
from services.school_import import SchoolProblem
from services.tabular import FileProblem, RowError, write_csv

ERRORS_LIMIT = 30
ERRORS_MAX_CHARS = 3500  # a Telegram message holds 4096; the intro text takes the rest

SCHOOLS_TEMPLATE_CSV: bytes = write_csv(st.TEMPLATE_HEADER, st.TEMPLATE_EXAMPLES)
CALENDAR_TEMPLATE_CSV: bytes = write_csv(ct.TEMPLATE_HEADER, ct.TEMPLATE_EXAMPLES)

ICS_LABELS = IcsLabels(
    deadline_summary=ct.ICS_DEADLINE_SUMMARY,
    alarm_description=ct.ICS_ALARM_DESCRIPTION,
    link_line=ct.ICS_LINK_LINE,
)

# --- the list of schools ---

_SCHOOL_FILE: Mapping[str, str] = {
    FileProblem.WRONG_FORMAT: st.FILE_WRONG_FORMAT,
    FileProblem.OLD_XLS: st.FILE_OLD_XLS,
    FileProblem.BROKEN_XLSX: st.FILE_BROKEN_XLSX,
    FileProblem.BAD_TEXT: st.FILE_BAD_TEXT,
    FileProblem.EMPTY: st.FILE_EMPTY,
    FileProblem.TOO_MANY_ROWS: st.FILE_TOO_MANY_ROWS,
}
_SCHOOL_ROW: Mapping[str, str] = {
    SchoolProblem.CONTROL_CHARACTER: st.ROW_CONTROL_CHARACTER,
    SchoolProblem.EXTRA_COLUMNS: st.ROW_EXTRA_COLUMNS,
    SchoolProblem.FULL_NAME_MISSING: st.ROW_FULL_NAME_MISSING,
    SchoolProblem.SHORT_NAME_MISSING: st.ROW_SHORT_NAME_MISSING,
    SchoolProblem.FULL_NAME_TOO_LONG: st.ROW_FULL_NAME_TOO_LONG,
    SchoolProblem.SHORT_NAME_TOO_LONG: st.ROW_SHORT_NAME_TOO_LONG,
    SchoolProblem.FULL_NAME_DUPLICATE: st.ROW_FULL_NAME_DUPLICATE,
    SchoolProblem.SHORT_NAME_DUPLICATE: st.ROW_SHORT_NAME_DUPLICATE,
    SchoolProblem.SHORT_NAME_EXISTS: st.ROW_SHORT_NAME_EXISTS,
}


def school_error(error: RowError) -> str:
    """One problem of a list of schools; a row's message starts with "Строка N:"."""
    if error.code in _SCHOOL_FILE:
        return _SCHOOL_FILE[error.code].format(**error.params)
    return _SCHOOL_ROW[error.code].format(line=error.line, **error.params)


def school_errors(errors: Sequence[RowError], limit: int = ERRORS_LIMIT) -> str:
    return join_errors([school_error(error) for error in errors], limit)


# --- a calendar table and the default calendar file ---

_CALENDAR_FILE: Mapping[str, str] = {
    FileProblem.WRONG_FORMAT: ct.FILE_WRONG_FORMAT,
    FileProblem.OLD_XLS: ct.FILE_OLD_XLS,
    FileProblem.BROKEN_XLSX: ct.FILE_BROKEN_XLSX,
    FileProblem.BAD_TEXT: ct.FILE_BAD_TEXT,
    FileProblem.EMPTY: ct.FILE_EMPTY,
    FileProblem.TOO_MANY_ROWS: ct.FILE_TOO_MANY_ROWS,
}
_CALENDAR_PROBLEM: Mapping[str, str] = {
    CalendarProblem.CONTROL_CHARACTER: ct.ROW_CONTROL_CHARACTER,
    CalendarProblem.EXTRA_COLUMNS: ct.ROW_EXTRA_COLUMNS,
    CalendarProblem.CODE_MISSING: ct.ROW_CODE_MISSING,
    CalendarProblem.CODE_INVALID: ct.ROW_CODE_INVALID,
    CalendarProblem.CODE_TOO_LONG: ct.ROW_CODE_TOO_LONG,
    CalendarProblem.CODE_DUPLICATE: ct.ROW_CODE_DUPLICATE,
    CalendarProblem.ACTIVITY_NOT_NUMBER: ct.ROW_ACTIVITY_NOT_NUMBER,
    CalendarProblem.ACTIVITY_UNKNOWN: ct.ROW_ACTIVITY_UNKNOWN,
    CalendarProblem.TITLE_MISSING: ct.ROW_TITLE_MISSING,
    CalendarProblem.TITLE_TOO_LONG: ct.ROW_TITLE_TOO_LONG,
    CalendarProblem.KIND_MISSING: ct.ROW_KIND_MISSING,
    CalendarProblem.KIND_UNKNOWN: ct.ROW_KIND_UNKNOWN,
    CalendarProblem.DATE_MISSING: ct.ROW_DATE_MISSING,
    CalendarProblem.DATE_INVALID: ct.ROW_DATE_INVALID,
    CalendarProblem.DEADLINE_INVALID: ct.ROW_DEADLINE_INVALID,
    CalendarProblem.DEADLINE_WITH_OFFSET: ct.ROW_DEADLINE_WITH_OFFSET,
    CalendarProblem.END_BEFORE_START: ct.ROW_END_BEFORE_START,
    CalendarProblem.DEADLINE_BEFORE_START: ct.ROW_DEADLINE_BEFORE_START,
    CalendarProblem.PLACE_TOO_LONG: ct.ROW_PLACE_TOO_LONG,
    CalendarProblem.LINK_INVALID: ct.ROW_LINK_INVALID,
    CalendarProblem.LINK_TOO_LONG: ct.ROW_LINK_TOO_LONG,
    CalendarProblem.DESCRIPTION_TOO_LONG: ct.ROW_DESCRIPTION_TOO_LONG,
    CalendarProblem.YEARLY_INVALID: ct.ROW_YEARLY_INVALID,
    CalendarProblem.FIELD_UNKNOWN: ct.EVENT_FIELD_UNKNOWN,
    CalendarProblem.FIELD_WRONG_TYPE: ct.EVENT_FIELD_WRONG_TYPE,
    CalendarProblem.NOT_TABLE: ct.EVENT_NOT_TABLE,
    CalendarProblem.RECURRENCE_INVALID: ct.EVENT_RECURRENCE_INVALID,
}
_TABLE_COLUMNS: Mapping[object, str] = {
    "starts_on": ct.COLUMN_STARTS_ON,
    "ends_on": ct.COLUMN_ENDS_ON,
    "deadline": ct.COLUMN_DEADLINE,
}
_EXPECTED: Mapping[object, str] = {
    Expected.TEXT: ct.EXPECTED_TEXT,
    Expected.DATE: ct.EXPECTED_DATE,
    Expected.DEADLINE: ct.EXPECTED_DEADLINE,
    Expected.NUMBER: ct.EXPECTED_NUMBER,
    Expected.BOOL: ct.EXPECTED_BOOL,
}


def calendar_error(error: RowError) -> str:
    """One problem of an uploaded calendar table; a row's message starts with "Строка N:"."""
    if error.code in _CALENDAR_FILE:
        return _CALENDAR_FILE[error.code].format(**error.params)
    where = ct.WHERE_ROW.format(line=error.line)
    params = _calendar_params(error.params, _TABLE_COLUMNS)
    return _CALENDAR_PROBLEM[error.code].format(where=where, **params)


def calendar_errors(errors: Sequence[RowError], limit: int = ERRORS_LIMIT) -> str:
    return join_errors([calendar_error(error) for error in errors], limit)


def default_calendar_problem(problem: EventProblem) -> str:
    """One problem of an event of the default calendar; the TOML field names stay as they are."""
    if problem.event_code:
        where = ct.WHERE_EVENT_CODE.format(index=problem.index, code=problem.event_code)
    else:
        where = ct.WHERE_EVENT.format(index=problem.index)
    params = _calendar_params(problem.params, {})
    if problem.code == CalendarProblem.CODE_DUPLICATE:
        template = ct.EVENT_CODE_DUPLICATE
    else:
        template = _CALENDAR_PROBLEM[problem.code]
    return template.format(where=where, **params)


def _calendar_params(
    params: Mapping[str, object], columns: Mapping[object, str]
) -> dict[str, object]:
    """``field`` as the column name of a table (``columns``) or as it is; ``expected`` in words."""
    shown = dict(params)
    if "field" in shown:
        shown["column"] = columns.get(shown["field"], shown["field"])
    if "expected" in shown:
        shown["expected"] = _EXPECTED[shown["expected"]]
    return shown


def default_calendar_error(error: CalendarFileError) -> str:
    """What is wrong with the default calendar file, every problem on its own line."""
    name = error.path.name
    match error.code:
        case CalendarFileProblem.NOT_FOUND:
            return ct.CALENDAR_FILE_NOT_FOUND.format(file=error.path)
        case CalendarFileProblem.BAD_TOML:
            return ct.CALENDAR_FILE_BAD_TOML.format(file=name, error=error.params["error"])
        case CalendarFileProblem.NO_EVENTS:
            return ct.CALENDAR_FILE_NO_EVENTS.format(file=name)
        case CalendarFileProblem.PROBLEMS:
            problems = "\n".join(default_calendar_problem(p) for p in error.problems)
            return ct.CALENDAR_FILE_PROBLEMS.format(file=name, problems=problems)


# --- a list of problems in one message ---


def join_errors(messages: Iterable[str], limit: int = ERRORS_LIMIT) -> str:
    """One message a line; at most ``limit`` of them, then "…и ещё N ошибок".

    The result is always shorter than ``ERRORS_MAX_CHARS`` characters.
    """
    messages = list(messages)
    if not messages:
        return ""
    tail_reserve = len(st.ERRORS_MORE) + 20
    budget = ERRORS_MAX_CHARS - 1 - tail_reserve
    lines: list[str] = []
    used = 0
    for message in messages[: max(limit, 0)]:
        if used + len(message) + 1 > budget:
            break
        lines.append(message)
        used += len(message) + 1
    rest = len(messages) - len(lines)
    if rest:
        noun = plural(rest, st.ERRORS_NOUN_ONE, st.ERRORS_NOUN_FEW, st.ERRORS_NOUN_MANY)
        lines.append(st.ERRORS_MORE.format(count=rest, noun=noun))
    return "\n".join(lines)
