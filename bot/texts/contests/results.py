"""Contests: texts of the results part."""

ERRORS: dict[str, str] = {}
