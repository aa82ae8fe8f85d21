"""The fonts of the PDFs the bot draws: DejaVu Sans (Cyrillic), shipped inside matplotlib.

No system font is assumed and the repository carries no font file: matplotlib, a dependency
of the project, ships DejaVu Sans in its data directory (``matplotlib.get_data_path()``, the
public way to find it). The fonts are registered with reportlab once per process.

DejaVu's glyphs carry TrueType hinting instructions (for screens at small sizes), which make
up half of every font subset reportlab embeds in a PDF. A printed diploma does not need them,
so they are dropped once, in memory, with fontTools (matplotlib's own dependency): every glyph
stays (Bashkir letters too), and a diploma's PDF is about half the size and drawn about twice
as fast (benchmarks/contests.py). Should that ever fail, the file is registered as it is.

reportlab keeps one face per PostScript name: whichever font named DejaVuSans is registered
first in a process is the one drawn, so every PDF of the bot registers through here.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

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


def without_hinting(path: Path) -> BinaryIO:
    """The font with every glyph but without hinting instructions and layout tables."""
    from fontTools import subset  # noqa: PLC0415
    from fontTools.ttLib import TTFont as FontFile  # noqa: PLC0415

    font = FontFile(str(path))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "MATH", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def _source(path: Path) -> BinaryIO | str:
    try:
        return without_hinting(path)
    except Exception:  # a fontTools change must not cost the bot its PDFs
        logger.warning("could not drop the hinting of %s; using it as it is", path, exc_info=True)
        return str(path)


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
                    pdfmetrics.registerFont(TTFont(name, _source(path)))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
            )
            _registered = Fonts(regular=REGULAR, bold=BOLD)
        return _registered
