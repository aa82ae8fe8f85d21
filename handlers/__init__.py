"""Feature routers, built fresh by factories so every test can make its own."""

from __future__ import annotations

from aiogram import Router

from handlers import admin, common, fallback, onboarding, roadmap, schools


def get_routers() -> list[Router]:
    """Order matters: the fallback router must be last."""
    return [
        common.get_router(),
        onboarding.get_router(),
        admin.get_router(),
        schools.get_router(),
        roadmap.get_router(),
        fallback.get_router(),
    ]
