"""Contests: results and documents.

`ranking` (coordinator): the ranking per nomination, the places, publication and the schools'
notices; `files`: the contest's documents (coordinator) and the school's diplomas (librarian);
`filters`: the ownership checks; `words`: the documents' Russian words.
"""

from __future__ import annotations

from aiogram import Router

from handlers.contests.results import files, ranking


def get_router() -> Router:
    router = Router(name="contests_results")
    router.include_routers(ranking.get_router(), files.get_router())
    return router
