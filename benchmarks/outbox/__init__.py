"""Reminder planning at republic scale, and draining the outbox against a rate-limited fake API.

Run from the project root::

    .venv/bin/python -m benchmarks.outbox                   # everything (most of an hour)
    .venv/bin/python -m benchmarks.outbox --quick           # 300 schools, drain 500
    .venv/bin/python -m benchmarks.outbox --part planning   # planning only
    .venv/bin/python -m benchmarks.outbox --scales 300,1500 # skip the 7,500-school cases
    .venv/bin/python -m benchmarks.outbox --write           # also update RESULTS-outbox.md

``planning`` measures one ``plan_reminders`` pass, ``drain`` the real bot sending the outbox,
``report`` renders the tables; ``__main__`` runs them.
"""
