"""Sent announcements: the history, the report, receipts, questions, edits (/announcements)."""
