"""Where the project's data files are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_file(name: str) -> Path:
    """A relative path is taken from the working directory, else from the project root."""
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = ROOT / path
    return path
