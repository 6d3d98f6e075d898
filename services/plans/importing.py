"""Importing the calendar table from the XLSX the bot exports as a template: parse → preview
→ apply.

`documents.plan_xlsx.read_sheet` reads the file (its size, its columns) into an
`ImportSheet` of raw cells; `preview_import` checks every cell and either refuses the whole
file with every wrong cell named by row and column (PLAN_IMPORT_INVALID, nothing written) or
returns an `ImportPreview` to show; `apply_import` replaces the draft's rows with the
preview's, at the version the preview was made from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from models import PlanRowKind, PlanStatus
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.plans import queries
from services.plans.access import editable, load_plan, touch
from services.plans.checks import (
    RESPONSIBLE_MAX,
    ROWS_MAX,
    Context,
    RowInput,
    check_direction,
    check_names,
    check_row,
    check_topic,
    check_venue_text,
    context,
    refuse_duplicates,
)
from services.plans.rows import replace_rows
from services.plans.views import PlanView, build_view
from services.plans.years import SchoolYear, check_day
from services.schools import normalize_school
from services.tx import reads, writes

T = TypeVar("T")
ERRORS_SHOWN = 20  # the refusal names at most this many cells
_SPLIT = re.compile(r"[;\n]+")
_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
# The sheet's columns, by key, in the template's order (letters A…G).
COLUMN_KEYS = ("number", "direction", "topic", "day", "venue", "responsible", "kind")


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One non-empty line of the sheet, as read: `line` is its row number in the sheet."""

    line: int
    direction: str
    topic: str
    day: date | str | None  # a date cell, or the text typed
    venue: str
    responsible: tuple[str, ...]
    kind: PlanRowKind | None  # None: the text in `kind_text` is not a known kind
    kind_text: str = ""


@dataclass(frozen=True, slots=True)
class ImportSheet:
    rows: tuple[ImportedRow, ...]


@dataclass(frozen=True)
class ImportPreview:
    plan_id: int
    version: int  # the draft's version the preview was made from
    rows: tuple[RowInput, ...]
    replaces: int  # rows the draft has now (the import replaces them)
    off_roster: tuple[str, ...] = field(default=())  # typed names not found on the roster
    venues_typed: int = 0  # venues not found in the school directory (kept as text)


def _column(key: str) -> str:
    return chr(ord("A") + COLUMN_KEYS.index(key))


def _parse_day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.BAD_DATE) from None


class _Collector:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def cell(self, line: int, key: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except DomainError as exc:
            self.add(line, key, exc)
            return None

    def add(self, line: int, key: str, exc: DomainError) -> None:
        self.errors.append(
            {
                "row": line,
                "column": _column(key),
                "field": key,
                "reason": exc.code.value,
                "reason_params": dict(exc.params),
            }
        )


def _responsible(typed: tuple[str, ...], ctx: Context) -> tuple[tuple[int, ...], tuple[str, ...]]:
    by_name = {name.casefold(): pid for pid, name in ctx.roster.items() if name}
    ids: list[int] = []
    names: list[str] = []
    for text in typed:
        for part in _SPLIT.split(text):
            name = " ".join(part.split())
            if not name:
                continue
            pid = by_name.get(name.casefold())
            if pid is not None:
                ids.append(pid)
            else:
                names.append(name)
    if len(ids) + len(names) > RESPONSIBLE_MAX:
        raise DomainError(ErrorCode.PLAN_TOO_MANY_RESPONSIBLE, max=RESPONSIBLE_MAX)
    return tuple(dict.fromkeys(ids)), check_names(tuple(names))


def _row(item: ImportedRow, ctx: Context, errors: _Collector) -> RowInput | None:
    line = item.line
    direction = errors.cell(line, "direction", lambda: check_direction(item.direction))
    topic = errors.cell(line, "topic", lambda: check_topic(item.topic))
    day = errors.cell(line, "day", lambda: _parse_day(item.day))
    if day is not None:
        typed = day
        day = errors.cell(line, "day", lambda: check_day(typed, ctx.year))
    venue = errors.cell(line, "venue", lambda: check_venue_text(item.venue))
    school_id = ctx.school_keys.get(normalize_school(venue)) if venue else None
    people = errors.cell(line, "responsible", lambda: _responsible(item.responsible, ctx))
    if item.kind is None:
        errors.add(line, "kind", DomainError(ErrorCode.PLAN_BAD_KIND))
    if direction is None or topic is None or people is None or item.kind is None:
        return None
    return RowInput(
        direction=direction,
        topic=topic,
        day=day,
        kind=item.kind,
        venue_school_id=school_id,
        venue_text=None if school_id else venue,
        responsible_ids=people[0],
        responsible_names=people[1],
    )


def check_sheet(sheet: ImportSheet, ctx: Context) -> list[RowInput]:
    """Every row checked; any wrong cell refuses the whole file, naming each."""
    if not sheet.rows:
        raise DomainError(ErrorCode.PLAN_XLSX_EMPTY)
    if len(sheet.rows) > ROWS_MAX:
        raise DomainError(ErrorCode.PLAN_TOO_MANY_ROWS, max=ROWS_MAX)
    errors = _Collector()
    found: list[RowInput] = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for item in sheet.rows:
        row = _row(item, ctx, errors)
        if row is None:
            continue
        if row.identity in seen:
            errors.add(
                item.line,
                "topic",
                DomainError(ErrorCode.PLAN_DUPLICATE_ROW, row=seen[row.identity]),
            )
            continue
        seen[row.identity] = item.line
        found.append(row)
    if errors.errors:
        raise DomainError(
            ErrorCode.PLAN_IMPORT_INVALID,
            errors=errors.errors[:ERRORS_SHOWN],
            more=max(0, len(errors.errors) - ERRORS_SHOWN),
        )
    return found


@reads
async def preview_import(
    session: AsyncSession, actor: Actor, plan_id: int, sheet: ImportSheet
) -> ImportPreview:
    plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN)
    if plan.status is not PlanStatus.DRAFT:
        raise DomainError(ErrorCode.PLAN_APPROVED)
    ctx = await context(session, association, SchoolYear(plan.school_year))
    rows = check_sheet(sheet, ctx)
    current = await session.scalar(queries.row_count(plan.id))
    return ImportPreview(
        plan_id=plan.id,
        version=plan.version,
        rows=tuple(rows),
        replaces=int(current or 0),
        off_roster=tuple(dict.fromkeys(n for r in rows for n in r.responsible_names)),
        venues_typed=sum(1 for r in rows if r.venue_text),
    )


@writes
async def apply_import(
    session: AsyncSession, actor: Actor, preview: ImportPreview, now: datetime
) -> PlanView:
    """The draft's rows replaced by the preview's, if the draft has not changed since."""
    plan, association = await editable(session, actor, preview.plan_id, preview.version)
    ctx = await context(session, association, SchoolYear(plan.school_year))
    rows = [check_row(row, ctx) for row in preview.rows]  # the roster may have changed
    refuse_duplicates(rows)
    await replace_rows(session, plan, rows)
    touch(plan, now)
    await session.flush()
    return await build_view(session, actor, plan, association)
