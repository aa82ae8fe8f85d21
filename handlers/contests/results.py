"""Contests: the results part (filled in by its owner)."""

from __future__ import annotations

from aiogram import Router


def get_router() -> Router:
    return Router(name="contests_results")
