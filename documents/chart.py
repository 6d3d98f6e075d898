"""Bar charts as PNG for survey results: horizontal bars with their counts, in the documents'
typeface (documents.fonts, shipped with the project), a fixed width of 800 px, drawn with the
Agg canvas directly (no pyplot global state, safe in a server)."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from documents import fonts

WIDTH_IN, DPI = 8.0, 100  # 800 px wide
BAR_IN = 0.45  # height per bar
LABEL_WRAP = 34
TITLE_WRAP = 70
FONT = fonts.FAMILY
COLOR = "#3b6ea5"


def bar_chart_png(title: str, labels: Sequence[str], counts: Sequence[int]) -> bytes:
    """One horizontal bar per label, top to bottom in the given order, each with its count."""
    if len(labels) != len(counts):
        raise ValueError("one count per label")
    fonts.matplotlib_family()
    wrapped = [textwrap.fill(label, LABEL_WRAP) or " " for label in labels]
    lines = sum(max(1, w.count("\n") + 1) for w in wrapped)
    height = 1.3 + max(len(labels) * BAR_IN, lines * 0.22)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, list(counts), color=COLOR, height=0.6)
    axes.set_yticks(positions, wrapped, fontfamily=FONT, fontsize=9, parse_math=False)
    axes.invert_yaxis()
    top = max(counts, default=0)
    axes.set_xlim(0, max(1, top) * 1.15)
    axes.bar_label(bars, labels=[str(c) for c in counts], padding=3, fontfamily=FONT, fontsize=9)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_title(
        textwrap.fill(title, TITLE_WRAP), fontfamily=FONT, fontsize=11, loc="left", parse_math=False
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
