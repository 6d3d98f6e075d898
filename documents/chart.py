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
TITLE_WRAP = 88  # characters per title line at 11 pt: the whole width of the image
TITLE_LINE_IN = 0.22
FONT = fonts.FAMILY
COLOR = "#3b6ea5"


def bar_label(count: int, percent: float | None) -> str:
    """«12 (63.2%)»: the count and its share of those who answered."""
    if percent is None:
        return str(count)
    return f"{count} ({percent:.1f}%)".replace(".0%", "%")


def chart_figure(
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    percents: Sequence[float] | None = None,
    answered: int | None = None,
) -> Figure:
    """One horizontal bar per label, top to bottom in the given order, each with its count
    and, given `percents`, its share; the title wrapped over the image's whole width (never
    cut at its edge), «n = …» after it when `answered` is given. The figure, drawn on an Agg
    canvas (`bar_chart_png` saves it as PNG)."""
    if len(labels) != len(counts) or (percents is not None and len(percents) != len(counts)):
        raise ValueError("one count (and one percent) per label")
    fonts.matplotlib_family()
    heading = title if answered is None else f"{title} (n = {answered})"
    title_lines = textwrap.wrap(heading, TITLE_WRAP, break_long_words=True) or [" "]
    wrapped = [textwrap.fill(label, LABEL_WRAP) or " " for label in labels]
    lines = sum(max(1, w.count("\n") + 1) for w in wrapped) + 1
    title_in = 0.25 + TITLE_LINE_IN * len(title_lines)
    height = 0.9 + title_in + max(len(labels) * BAR_IN, lines * 0.22)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.text(
        0.02,
        1 - 0.12 / height,
        "\n".join(title_lines),
        fontfamily=FONT,
        fontsize=11,
        fontweight="bold",
        ha="left",
        va="top",
        parse_math=False,
    )
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, list(counts), color=COLOR, height=0.6)
    axes.set_yticks(positions, wrapped, fontfamily=FONT, fontsize=10, parse_math=False)
    axes.invert_yaxis()
    top = max(counts, default=0)
    axes.set_xlim(0, max(1, top) * 1.3)
    shares = list(percents) if percents is not None else [None] * len(counts)
    axes.bar_label(
        bars,
        labels=[bar_label(c, p) for c, p in zip(counts, shares, strict=True)],
        padding=3,
        fontfamily=FONT,
        fontsize=10,
    )
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    figure.tight_layout(rect=(0, 0, 1, 1 - title_in / height))
    return figure


def bar_chart_png(
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    percents: Sequence[float] | None = None,
    answered: int | None = None,
) -> bytes:
    """`chart_figure` as PNG bytes."""
    figure = chart_figure(title, labels, counts, percents=percents, answered=answered)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def columns_png(title: str, labels: Sequence[str], values: Sequence[int]) -> bytes:
    """Vertical columns (one per label, left to right) with their values, drawn with Pillow
    in DejaVu Sans: a few milliseconds where matplotlib takes most of a second, for a chart
    put into a document (the analysis' attendance per meeting). Deterministic bytes."""
    from pathlib import Path

    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    if len(labels) != len(values):
        raise ValueError("one value per label")
    font_path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(font_path), 13)
    small = ImageFont.truetype(str(font_path), 11)
    width, height, top, bottom, left = 800, 360, 40, 60, 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, 10), textwrap.shorten(title, TITLE_WRAP), fill="black", font=font)
    count = max(1, len(values))
    slot = (width - 2 * left) / count
    peak = max(max(values, default=0), 1)
    base = height - bottom
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        x0 = left + n * slot + slot * 0.15
        x1 = left + (n + 1) * slot - slot * 0.15
        y0 = base - (base - top - 16) * value / peak
        draw.rectangle((x0, y0, x1, base), fill=COLOR)
        draw.text(((x0 + x1) / 2, y0 - 2), str(value), fill="black", font=small, anchor="md")
        draw.text(((x0 + x1) / 2, base + 6), label, fill="black", font=small, anchor="ma")
    draw.line((left, base, width - left, base), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
