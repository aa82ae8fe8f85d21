"""Shared pieces for reading the CSV files that coordinators upload (schools, calendars)."""

from __future__ import annotations

import codecs
import unicodedata


class UndecodableText(ValueError):
    """The bytes are not text in any encoding a Russian spreadsheet export uses."""


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text") or cp1251."""
    try:
        if content.startswith(codecs.BOM_UTF8):
            text = content.decode("utf-8-sig")
        elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = content.decode("utf-16")
        else:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = content.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise UndecodableText from exc
    if "\x00" in text:  # a binary file or UTF-16 without a BOM
        raise UndecodableText
    return text


def normalize(value: str) -> str:
    """Collapse runs of whitespace (line breaks in a cell included) to single spaces."""
    return " ".join(value.split())


def has_control(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value)
