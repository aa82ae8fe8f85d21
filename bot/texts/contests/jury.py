"""Contests: texts of the jury part."""

ERRORS: dict[str, str] = {}
