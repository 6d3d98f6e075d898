"""The annual plan's refusals in the user's language (kept apart from `handlers.errors`,
which merges them into its table): each wrong cell of an imported XLSX named by row and
column, with its own reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _

from services import plans
from services.errors import ErrorCode

Text = Callable[[dict[str, Any]], str]


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def _f(text: str, params: Mapping[str, Any]) -> str:
    return text.format_map(_Params(params))


def _columns(keys: Any) -> str:
    """Column keys of the plan's table as «Header», «Header» in the user's language."""
    labels = plans.COLUMNS
    if not isinstance(keys, list | tuple) or not keys:
        return "—"
    return ", ".join(f"«{_(labels[k]) if k in labels else k}»" for k in keys)


def _plan_cells(p: Mapping[str, Any], reason: Callable[[Mapping[str, Any]], str]) -> str:
    """Every wrong cell of an imported plan, by row and column, each with its reason."""
    lines = [_("Nothing was imported: correct these cells and send the file again.")]
    for cell in p.get("errors") or []:
        lines.append(
            _f(
                _("Row {row}, column {column} ({header}): {reason}"),
                {
                    **cell,
                    "header": _columns([cell.get("field")]),
                    "reason": reason(cell),
                },
            )
        )
    if p.get("more"):
        lines.append(_f(_("…and {more} more."), p))
    return "\n".join(lines)


def plan_texts(reason: Callable[[Mapping[str, Any]], str]) -> dict[ErrorCode, Text]:
    """`reason` renders a cell's own error (its `reason` code and `reason_params`)."""
    return {
        ErrorCode.PLAN_EXISTS: lambda p: _f(
            _("There is already a plan for the {year} school year: open it with /plan."), p
        ),
        ErrorCode.PLAN_APPROVED: lambda p: _(
            "This version of the plan is approved and no longer changes. A change makes a new "
            "version, which is approved again; the approved one is kept."
        ),
        ErrorCode.PLAN_IS_DRAFT: lambda p: _(
            "This plan is still a draft: change it directly, no new version is needed."
        ),
        ErrorCode.PLAN_BAD_YEAR: lambda p: _f(
            _("A plan can be made for the school years from {first} to {last}."), p
        ),
        ErrorCode.PLAN_NO_PREVIOUS: lambda p: _f(
            _("There is no plan for the {year} school year to copy from."), p
        ),
        ErrorCode.PLAN_DATE_OUTSIDE_YEAR: lambda p: _f(
            _("The date must fall within the {year} school year: from {first} to {last}."), p
        ),
        ErrorCode.PLAN_TOO_MANY_ROWS: lambda p: _f(_("At most {max} rows in the plan."), p),
        ErrorCode.PLAN_DUPLICATE_ROW: lambda p: _f(
            _("The same row (direction, topic and date) is already in the plan: row {row}."), p
        ),
        ErrorCode.PLAN_NOT_MEMBER: lambda p: _(
            "This person is not on the association's roster: type the name instead."
        ),
        ErrorCode.PLAN_BAD_SCHOOL: lambda p: _(
            "This school is not in the directory of the association's municipality."
        ),
        ErrorCode.PLAN_TOO_MANY_RESPONSIBLE: lambda p: _f(
            _("At most {max} people responsible for one row."), p
        ),
        ErrorCode.PLAN_BAD_KIND: lambda p: _(
            "Unknown kind of event: write «meeting of the association», «practical seminar» or "
            "«other event», or leave the cell empty."
        ),
        ErrorCode.PLAN_XLSX_UNREADABLE: lambda p: _(
            "This file cannot be read as an Excel workbook (.xlsx). Download the plan's template, "
            "fill it in and send it again."
        ),
        ErrorCode.PLAN_XLSX_COLUMNS: lambda p: _f(
            _(
                "This is not the plan's template: its first row must hold the columns {expected}. "
                "The file has {found}."
            ),
            {"expected": _columns(p.get("expected")), "found": _columns(p.get("found"))},
        ),
        ErrorCode.PLAN_XLSX_EMPTY: lambda p: _(
            "The file has no rows of the plan under its header."
        ),
        ErrorCode.PLAN_BAD_DAY: lambda p: _("I could not read the date. Type it as 15.10.2026."),
        ErrorCode.PLAN_ROW_NOT_MEETING: lambda p: _(
            "Only a row with a date and the kind «meeting of the association» or «practical "
            "seminar» becomes a meeting."
        ),
        ErrorCode.PLAN_ROW_LINKED: lambda p: _(
            "This row of the plan already has its meeting: open it in /newmeeting or /meetings."
        ),
        ErrorCode.PLAN_IMPORT_INVALID: lambda p: _plan_cells(p, reason),
    }
