"""The fonts of the PDFs the bot draws: DejaVu Sans (Cyrillic), shipped inside matplotlib.

No system font is assumed and the repository carries no font file: matplotlib, a dependency
of the project, ships DejaVu Sans in its data directory (``matplotlib.get_data_path()``, the
public way to find it). The fonts are registered with reportlab once per process.

The files are registered as they are: reportlab embeds only the glyphs a PDF uses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


class FontMissing(RuntimeError):
    """The font files are not where matplotlib says its data is (a broken installation)."""


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


_LOCK = threading.Lock()  # PDFs are drawn in worker threads
_registered: Fonts | None = None


def font_dir() -> Path:
    """matplotlib's TrueType folder (imported here: matplotlib is heavy and few need it)."""
    import matplotlib  # noqa: PLC0415

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_files() -> dict[str, Path]:
    """The font name → its file, each checked to exist."""
    folder = font_dir()
    files = {name: folder / file_name for name, file_name in _FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise FontMissing(
            "DejaVu Sans is not found in matplotlib's data: "
            + ", ".join(missing)
            + " (reinstall matplotlib)"
        )
    return files


def register_fonts() -> Fonts:
    """Register DejaVu Sans and DejaVu Sans Bold with reportlab (once); their names.

    The family is registered too, so ``<b>`` in a reportlab Paragraph picks the bold face.
    """
    global _registered  # noqa: PLW0603
    with _LOCK:
        if _registered is None:
            known = set(pdfmetrics.getRegisteredFontNames())
            for name, path in font_files().items():
                if name not in known:
                    pdfmetrics.registerFont(TTFont(name, str(path)))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
            )
            _registered = Fonts(regular=REGULAR, bold=BOLD)
        return _registered
