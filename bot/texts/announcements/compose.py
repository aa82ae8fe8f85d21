"""Composing and sending an announcement (/announce)."""
