"""Contests: templates, the call, entries with door checks, the jury, results, documents."""
