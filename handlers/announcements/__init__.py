"""Announcements: the coordinator composes and sends (/announce); everyone reads, answers and
looks back (/announcements)."""

from __future__ import annotations

from aiogram import Router

from handlers.announcements import compose, history


def get_router() -> Router:
    router = Router(name="announcements")
    router.include_routers(compose.get_router(), history.get_router())
    return router
