"""Announcements: compose, address, send through the outbox, and hear back."""
