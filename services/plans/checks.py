"""A row of the calendar table as typed (`RowInput`) and its checks, field by field, shared by
the editor and the XLSX import (which names the row and the column of each refusal).

Limits (DESIGN.md "Limits users meet"): a direction 300 characters, «Форма работы, тема» 500,
a venue 300, at most 5 people responsible, at most 150 rows; tags are refused, a lone < or >
is kept («x < 5»: shown escaped).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnnualPlanRow, Association, PlanRowKind
from services.errors import DomainError, ErrorCode
from services.plans import queries
from services.plans.form import DIRECTIONS
from services.plans.years import SchoolYear, check_day
from services.validation import TOPIC_MAX, check_name, check_text, check_title, clean_line

TOPIC_LIMIT = 500
VENUE_LIMIT = 300
RESPONSIBLE_MAX = 5
ROWS_MAX = 150


class PlanField(enum.StrEnum):
    """The plan's fields of Приложение 1, with their length limits."""

    THEME = "theme"  # «Методическая тема»
    GOAL = "goal"  # «Цель»
    TASKS = "tasks"  # «Задачи»
    PLANNED_RESULT = "planned_result"  # «Планируемый результат»
    WORK_FORMS = "work_forms"  # «Организационные формы работы»

    @property
    def limit(self) -> int:
        return _FIELD_LIMITS[self]


_FIELD_LIMITS = {
    PlanField.THEME: TOPIC_MAX,
    PlanField.GOAL: 1000,
    PlanField.TASKS: 3000,
    PlanField.PLANNED_RESULT: 2000,
    PlanField.WORK_FORMS: 2000,
}


def check_field(field: PlanField, text: str | None) -> str | None:
    """The cleaned value; an empty text clears the field."""
    if not (text or "").strip():
        return None
    if field is PlanField.THEME:
        return check_title(text, max_len=field.limit, angles=True)
    return check_text(text, max_len=field.limit, angles=True)


@dataclass(frozen=True, slots=True)
class RowInput:
    """A row as the editor or the import gives it (JSON-safe: a wizard keeps it in its
    state, the import preview holds a tuple of them)."""

    direction: str
    topic: str
    day: date | None = None
    kind: PlanRowKind = PlanRowKind.OTHER
    venue_school_id: int | None = None
    venue_text: str | None = None
    responsible_ids: tuple[int, ...] = ()
    responsible_names: tuple[str, ...] = ()

    @property
    def identity(self) -> tuple[str, str, date | None]:
        """The same row twice: same direction, same topic, same date."""
        return (self.direction.casefold(), self.topic.casefold(), self.day)

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "topic": self.topic,
            "day": self.day.isoformat() if self.day else None,
            "kind": str(self.kind),
            "venue_school_id": self.venue_school_id,
            "venue_text": self.venue_text,
            "responsible_ids": list(self.responsible_ids),
            "responsible_names": list(self.responsible_names),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowInput:
        return cls(
            direction=data["direction"],
            topic=data["topic"],
            day=date.fromisoformat(data["day"]) if data.get("day") else None,
            kind=PlanRowKind(data.get("kind", PlanRowKind.OTHER)),
            venue_school_id=data.get("venue_school_id"),
            venue_text=data.get("venue_text"),
            responsible_ids=tuple(data.get("responsible_ids", ())),
            responsible_names=tuple(data.get("responsible_names", ())),
        )

    @classmethod
    def of_row(cls, row: AnnualPlanRow) -> RowInput:
        return cls(
            row.direction,
            row.topic,
            row.day,
            row.kind,
            row.venue_school_id,
            row.venue_text,
            tuple(row.responsible_ids),
            tuple(row.responsible_names),
        )


def check_direction(text: str | None) -> str:
    """One of the form's nine, in the form's spelling (typed in any case), or the chair's
    own."""
    value = check_title(text, max_len=TOPIC_MAX, angles=True)
    for known in DIRECTIONS:
        if clean_line(known).casefold() == value.casefold():
            return known
    return value


def check_topic(text: str | None) -> str:
    return check_text(text, max_len=TOPIC_LIMIT, angles=True)


def check_venue_text(text: str | None) -> str | None:
    if not (text or "").strip():
        return None
    return check_title(text, max_len=VENUE_LIMIT, angles=True)


def check_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_name(name) for name in names)


@dataclass(frozen=True)
class Context:
    """What the checks of a plan's rows look up once: the year, the roster, the schools."""

    year: SchoolYear
    roster: dict[int, str]  # active members: person id → full name
    schools: dict[int, str]  # approved schools of the municipality: id → name
    school_keys: dict[str, int]  # normalised school name → id


async def context(session: AsyncSession, association: Association, year: SchoolYear) -> Context:
    roster = {
        pid: name or "" for pid, name in (await session.execute(queries.roster(association.id)))
    }
    found = (await session.execute(queries.schools(association.municipality_id))).all()
    return Context(
        year,
        roster,
        {sid: name for sid, name, _ in found},
        {norm: sid for sid, _, norm in found},
    )


def check_responsible(ids: tuple[int, ...], names: tuple[str, ...], ctx: Context) -> None:
    if len(ids) + len(names) > RESPONSIBLE_MAX:
        raise DomainError(ErrorCode.PLAN_TOO_MANY_RESPONSIBLE, max=RESPONSIBLE_MAX)
    if any(pid not in ctx.roster for pid in ids):
        raise DomainError(ErrorCode.PLAN_NOT_MEMBER)


def check_row(row: RowInput, ctx: Context) -> RowInput:
    """The row cleaned, or the first refusal."""
    if row.venue_school_id is not None and row.venue_school_id not in ctx.schools:
        raise DomainError(ErrorCode.PLAN_BAD_SCHOOL)
    names = check_names(row.responsible_names)
    ids = tuple(dict.fromkeys(row.responsible_ids))
    check_responsible(ids, names, ctx)
    return replace(
        row,
        direction=check_direction(row.direction),
        topic=check_topic(row.topic),
        day=check_day(row.day, ctx.year) if row.day is not None else None,
        venue_text=None if row.venue_school_id else check_venue_text(row.venue_text),
        responsible_ids=ids,
        responsible_names=names,
    )


def refuse_duplicates(rows: list[RowInput], first_position: int = 1) -> None:
    seen: dict[tuple[str, str, date | None], int] = {}
    for n, row in enumerate(rows, start=first_position):
        if row.identity in seen:
            raise DomainError(ErrorCode.PLAN_DUPLICATE_ROW, row=seen[row.identity])
        seen[row.identity] = n
