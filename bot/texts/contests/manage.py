"""Contests: texts of the manage part."""

ERRORS: dict[str, str] = {}
