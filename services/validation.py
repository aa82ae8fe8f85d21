"""Checks of free-text input shared by the flows."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from models.entities import name_key as _model_name_key
from services.errors import ValidationError

PERSON_NAME_MAX = 200
DISTRICT_NAME_MAX = 200
SCHOOL_FULL_NAME_MAX = 255
SCHOOL_SHORT_NAME_MAX = 64
# every date a person or a file gives: far enough for any school year, near enough that
# date arithmetic (reminder offsets, a yearly rollover) never leaves the calendar
YEAR_MIN = 2000
YEAR_MAX = 2100

_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Collapse whitespace; refuse control characters."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        raise ValidationError("control_chars")
    return _SPACES.sub(" ", value).strip()


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
