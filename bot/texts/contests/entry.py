"""Contests: texts of the entry part."""

ERRORS: dict[str, str] = {}
