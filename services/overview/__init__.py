"""The methodist's desk (issue 18, item 1): every association of a service at a glance —
one row each with its figures and a colour by attention (`rows`), computed for all of them
from a fixed number of aggregated queries (`gather`), and the use cases (`views`)."""

from services.overview.gather import analysis_accepted, is_needs_survey
from services.overview.rows import (
    SOON_DAYS,
    Colour,
    OverviewRow,
    Reason,
    Why,
    colour_of,
    reasons_of,
)
from services.overview.views import Overview, card, overview

__all__ = [
    "SOON_DAYS",
    "Colour",
    "Overview",
    "OverviewRow",
    "Reason",
    "Why",
    "analysis_accepted",
    "card",
    "colour_of",
    "is_needs_survey",
    "overview",
    "reasons_of",
]
