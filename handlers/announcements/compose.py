"""Announcements: compose."""

from __future__ import annotations

from aiogram import Router


def get_router() -> Router:
    return Router(name="announcements-compose")
