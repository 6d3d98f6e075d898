"""The one typeface of the project's documents: Liberation Serif, shipped in documents/fonts/
(SIL Open Font License 1.1: documents/fonts/LICENSE). It is metric-compatible with Times New
Roman, which the DOCX files name (Word has it; LibreOffice substitutes this same font), so a
PDF, a chart and a DOCX look alike and break lines alike, on any machine, with nothing
borrowed from matplotlib's bundled fonts."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Liberation Serif"  # the shipped font, the fallback the DOCX names
DOCX_FAMILY = "Times New Roman"
FILES = {
    "": FONT_DIR / "LiberationSerif-Regular.ttf",
    "B": FONT_DIR / "LiberationSerif-Bold.ttf",
    "I": FONT_DIR / "LiberationSerif-Italic.ttf",
}


@lru_cache(maxsize=1)
def matplotlib_family() -> str:
    """Registers the shipped font with matplotlib (once) and returns its family name."""
    from matplotlib import font_manager

    for path in FILES.values():
        font_manager.fontManager.addfont(str(path))
    return FAMILY


_TIMES = re.compile(rb'(<w:font w:name="Times New Roman">)(\s*)(?!<w:altName)')
_ALT = f'<w:altName w:val="{FAMILY}"/>'.encode()


def _with_alt(match: re.Match[bytes]) -> bytes:
    return match.group(1) + match.group(2) + _ALT + match.group(2)


def docx_fallback(document: Any) -> None:
    """The DOCX's font table says Times New Roman's alternative is the shipped font
    (`w:altName`), for a reader that lacks Times New Roman."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            part._blob = _TIMES.sub(_with_alt, part.blob, count=1)
