"""The overview's chart (issue 18, item 1): meetings held and average attendance of the 30
associations that need attention most (the rows come by attention already), two panels of
horizontal bars side by side, one line per association, as PNG in the documents' typeface,
drawn on the Agg canvas (no pyplot global state)."""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from documents import fonts
from documents.chart import COLOR, DPI, FONT, WIDTH_IN
from documents.i18n import translations
from services.overview import Overview


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated in the reader's language below."""
    return message


MOST = 30
TITLE = N_("Meetings held and average attendance: the associations needing attention most")
HELD = N_("Meetings held")
ATTENDANCE = N_("Average attendance, %")
NAME_WRAP = 38
ROW_IN = 0.32
ATTENDANCE_COLOR = "#c0504d"


def chart_png(view: Overview, locale: str) -> bytes:
    """One line per association (at most `MOST`, by attention); an attendance not known
    (no ended meeting) is an empty bar marked «—»."""
    gettext = translations(locale).gettext
    fonts.matplotlib_family()
    rows = view.rows[:MOST]
    names = [textwrap.shorten(r.name, NAME_WRAP, placeholder="…") for r in rows] or ["—"]
    held = [r.held for r in rows] or [0]
    attendance = [r.attendance_percent for r in rows] or [None]
    height = 1.2 + ROW_IN * len(names)
    figure = Figure(figsize=(WIDTH_IN * 1.25, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(
        textwrap.fill(gettext(TITLE), 100),
        fontfamily=FONT,
        fontsize=11,
        fontweight="bold",
        x=0.02,
        ha="left",
    )
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": (1, 1)})
    positions = list(range(len(names)))
    bars = left.barh(positions, held, color=COLOR, height=0.6)
    left.bar_label(bars, labels=[str(n) for n in held], padding=3, fontfamily=FONT, fontsize=9)
    left.set_xlim(0, max(1, *held) * 1.25)
    left.set_yticks(positions, names, fontfamily=FONT, fontsize=9)
    left.invert_yaxis()
    left.set_title(gettext(HELD), fontfamily=FONT, fontsize=10)
    shown = [a or 0 for a in attendance]
    bars = right.barh(positions, shown, color=ATTENDANCE_COLOR, height=0.6)
    right.bar_label(
        bars,
        labels=["—" if a is None else f"{a} %" for a in attendance],
        padding=3,
        fontfamily=FONT,
        fontsize=9,
    )
    right.set_xlim(0, 115)
    right.set_title(gettext(ATTENDANCE), fontfamily=FONT, fontsize=10)
    for axes in (left, right):
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.45 / height))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
