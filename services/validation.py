"""Checks of free-text input shared by the flows."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from models.entities import name_key as _model_name_key

# the limits are declared with the columns (models.limits) and checked here
from models.limits import (
    DISTRICT_NAME_MAX,
    FILE_NAME_MAX,
    PERSON_NAME_MAX,
    SCHOOL_FULL_NAME_MAX,
    SCHOOL_SHORT_NAME_MAX,
)
from services.errors import ValidationError

# every date a person or a file gives: far enough for any school year, near enough that
# date arithmetic (reminder offsets, a yearly rollover) never leaves the calendar
YEAR_MIN = 2000
YEAR_MAX = 2100

__all__ = [
    "DISTRICT_NAME_MAX",
    "PERSON_NAME_MAX",
    "SCHOOL_FULL_NAME_MAX",
    "SCHOOL_SHORT_NAME_MAX",
    "YEAR_MAX",
    "YEAR_MIN",
    "check_name",
    "check_person_name",
    "check_year",
    "clean_multiline",
    "clean_text",
    "drop_invisible",
    "fit_file_name",
    "has_forbidden_chars",
    "name_key",
]

_SPACES = re.compile(r"\s+")


# invisible characters that make a name look empty or alike: dropped
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# characters that reorder how text is shown (a name could display as another): refused
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_forbidden_chars(value: str) -> bool:
    """Control characters (NUL and the rest, but tab and line breaks) or bidi overrides."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") or ch in _BIDI_CONTROLS
        for ch in value
    )


def drop_invisible(value: str) -> str:
    return value.translate(_ZERO_WIDTH)


def clean_multiline(value: str) -> str:
    """Text of several lines (a description, a comment): refused with control characters,
    invisible characters dropped, outer spaces stripped."""
    if has_forbidden_chars(value):
        raise ValidationError("control_chars")
    return drop_invisible(value).strip()


def clean_text(value: str) -> str:
    """One line (a name, a title): as clean_multiline, with all whitespace collapsed."""
    return _SPACES.sub(" ", clean_multiline(value)).strip()


def check_year(day: date) -> None:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValidationError("year_out_of_range", min=YEAR_MIN, max=YEAR_MAX)


def check_name(value: str, *, max_len: int, min_len: int = 2) -> str:
    cleaned = clean_text(value)
    if len(cleaned) < min_len:
        raise ValidationError("too_short", min=min_len)
    if len(cleaned) > max_len:
        raise ValidationError("too_long", max=max_len, length=len(cleaned))
    return cleaned


def check_person_name(value: str) -> str:
    cleaned = check_name(value, max_len=PERSON_NAME_MAX, min_len=3)
    if not any(ch.isalpha() for ch in cleaned):
        raise ValidationError("no_letters")
    if cleaned.startswith("/"):
        raise ValidationError("looks_like_command")
    return cleaned


def name_key(value: str) -> str:
    """Comparison key for names: case, 'ё' and spacing do not make a different school."""
    return _model_name_key(value)


def fit_file_name(name: str, max_len: int = FILE_NAME_MAX) -> str:
    """A file name cut to the column, keeping its extension (`…` marks the cut)."""
    if len(name) <= max_len:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        return name[: max_len - 1] + "…"
    return stem[: max_len - len(suffix) - 2] + "…." + suffix
