"""Needs monitoring across associations (issue 18, item 3): every answer of the needs
surveys sent within a methodist's services, by direction of support, preferred format,
subject and school (`gather`, from a fixed number of GROUP BY queries), with the anonymity
rule in every group (`figures.K_MIN`), and one school's summary with its teachers'
attendance (`views`)."""

from services.needs.figures import (
    K_MIN,
    Breakdown,
    Group,
    SchoolSummary,
    Share,
    percent,
)
from services.needs.views import breakdown, school_summary, schools

__all__ = [
    "K_MIN",
    "Breakdown",
    "Group",
    "SchoolSummary",
    "Share",
    "breakdown",
    "percent",
    "school_summary",
    "schools",
]
