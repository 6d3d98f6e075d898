"""One row of the overview and its colour, as a pure function of the row's figures.

The colour (issue 18): **red** — an open compliance finding (a note such as «заполните банк
данных» is not one) or a protocol overdue; **amber** — a deadline within 14 days (a
protocol's copy, the plan, the watch day of the period's minimum while held + planned fall
short), or the plan or the needs survey missing before its deadline (the needs survey's is
the school year's end); **green** — none of these. Each reason is kept as a code with its
figure, worded in the reader's language by the handler."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from models import AssociationKind

SOON_DAYS = 14


class Colour(enum.IntEnum):
    """Ordered by attention: red first."""

    RED = 0
    AMBER = 1
    GREEN = 2


class Reason(enum.StrEnum):
    FINDINGS = "findings"  # count: open findings
    PROTOCOL_OVERDUE = "protocol_overdue"  # count: protocols overdue
    PROTOCOL_SOON = "protocol_soon"  # day: the nearest protocol due within 14 days
    PLAN_SOON = "plan_soon"  # day: the plan's deadline within 14 days, not approved
    PLAN_MISSING = "plan_missing"  # day: not approved, its deadline ahead
    MINIMUM_SOON = "minimum_soon"  # day: watched from then, held + planned < the minimum
    NEEDS_MISSING = "needs_missing"  # no needs survey sent this school year


RED_REASONS = frozenset({Reason.FINDINGS, Reason.PROTOCOL_OVERDUE})


@dataclass(frozen=True)
class Why:
    reason: Reason
    count: int = 0
    day: date | None = None


@dataclass(frozen=True)
class OverviewRow:
    association_id: int
    service_id: int
    service: str
    name: str
    kind: AssociationKind
    chair: str | None
    joined: int  # members who have opened the bot
    roster: int  # active members on the roster
    voting: int  # M
    bank_percent: int | None  # None: nobody's data kept
    held: int
    planned: int
    minimum: int
    attendance_percent: int | None  # None: no ended meeting this school year
    last_meeting: date | None
    protocols_overdue: int
    open_findings: int
    needs_survey: bool
    plan_approved: bool
    analysis_accepted: bool | None  # last school year's; None: none begun («—»)
    reasons: tuple[Why, ...]
    district: str = ""  # the association's municipality (a centre's overview shows it)

    @property
    def colour(self) -> Colour:
        return colour_of(self.reasons)

    @property
    def attention(self) -> tuple[int, int, str, int]:
        """Sort key: red first, then amber, then green; more reasons first; then by name."""
        return (self.colour, -len(self.reasons), self.name.casefold(), self.association_id)


def colour_of(reasons: tuple[Why, ...]) -> Colour:
    if any(w.reason in RED_REASONS for w in reasons):
        return Colour.RED
    return Colour.AMBER if reasons else Colour.GREEN


def reasons_of(
    today: date,
    *,
    open_findings: int,
    overdue: int,
    protocol_due: date | None,  # the nearest due day of a protocol not yet sent, not past
    plan_approved: bool,
    plan_due: date | None,  # this school year's plan deadline (None: no plan rule)
    minimum_watch: date | None,  # the period's watch day, if held + planned fall short
    needs_survey: bool,
) -> tuple[Why, ...]:
    """The reasons of a row, red ones first."""
    soon = date.fromordinal(today.toordinal() + SOON_DAYS)
    found: list[Why] = []
    if open_findings:
        found.append(Why(Reason.FINDINGS, count=open_findings))
    if overdue:
        found.append(Why(Reason.PROTOCOL_OVERDUE, count=overdue))
    if protocol_due is not None and today <= protocol_due <= soon:
        found.append(Why(Reason.PROTOCOL_SOON, day=protocol_due))
    if not plan_approved and plan_due is not None and today <= plan_due:
        found.append(
            Why(Reason.PLAN_SOON if plan_due <= soon else Reason.PLAN_MISSING, day=plan_due)
        )
    if minimum_watch is not None and today <= minimum_watch <= soon:
        found.append(Why(Reason.MINIMUM_SOON, day=minimum_watch))
    if not needs_survey:
        found.append(Why(Reason.NEEDS_MISSING))
    return tuple(found)
