"""Texts of announcements: composing and sending (compose), the copy and after (history)."""
