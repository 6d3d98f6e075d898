"""What the needs breakdown returns: shares of a question's options, a group of answers (the
whole scope, a subject or a school) with its anonymity rule, a school's one-page summary."""

from __future__ import annotations

from dataclasses import dataclass

from services.surveys import ANONYMITY_MIN

# A group holding answers of an anonymous survey shows its figures only from this many of
# them (the surveys package's own rule): «недостаточно ответов» below it.
K_MIN = ANONYMITY_MIN


def percent(part: int, whole: int) -> int | None:
    """An integer percentage rounded half up (as the overview's); None of nothing."""
    return None if whole <= 0 else (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class Share:
    label: str  # an option as the survey put it
    count: int  # answers that chose it
    percent: int  # of the group's answers to the question, rounded half up


@dataclass(frozen=True)
class Group:
    """The answers of a group. `hidden`: it holds 1 or 2 answers of anonymous surveys, so
    nothing but «недостаточно ответов» is shown (its count, shares and percentages are
    emptied here, not merely not printed)."""

    name: str  # the school's or the subject's name; "" not stated
    school_id: int | None
    answers: int  # responses (0 when hidden)
    hidden: bool
    directions: tuple[Share, ...]
    formats: tuple[Share, ...]


@dataclass(frozen=True)
class Breakdown:
    services: tuple[tuple[int, str], ...]  # (id, name) of the scope, by name
    school_year: int  # its first calendar year
    surveys: int  # needs surveys counted
    waiting: int  # anonymous ones not counted yet: open, or under 3 responses
    total: Group
    by_subject: tuple[Group, ...]  # by name; "" (not stated) last
    by_school: tuple[Group, ...]  # by name; "" (not stated) last


@dataclass(frozen=True)
class SchoolSummary:
    """One school's page: its teachers' needs and their attendance."""

    school_id: int
    school: str
    services: tuple[str, ...]
    school_year: int
    teachers: int  # active members of the scope's associations from this school
    attendance_percent: int | None  # None: no ended meeting this school year
    needs: Group
