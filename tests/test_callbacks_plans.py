"""The annual plan's callback strings (new with issue 15): each parses to its action and
packs back the same, under 64 bytes, and every action has a string here."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData

from services.plans import PlanField
from ui.callbacks.base import ID_MAX
from ui.callbacks.plans import (
    PlanAction,
    PlanCb,
    PlanFieldCb,
    PlanYearCb,
    RowPick,
    RowStep,
    Special,
    YearAction,
)

CASES: list[tuple[str, type[CallbackData], dict[str, Any]]] = [
    ("yp:open:12:3:0", PlanCb, {"action": PlanAction.OPEN, "plan_id": 12, "version": 3}),
    ("yp:edition:12:0:0", PlanCb, {"action": PlanAction.EDITION, "plan_id": 12}),
    ("yf:12:3:theme", PlanFieldCb, {"plan_id": 12, "field": PlanField.THEME}),
    ("yf:12:3:goal", PlanFieldCb, {"version": 3, "field": PlanField.GOAL}),
    ("yf:12:3:tasks", PlanFieldCb, {"field": PlanField.TASKS}),
    ("yf:12:3:planned_result", PlanFieldCb, {"field": PlanField.PLANNED_RESULT}),
    ("yf:12:3:work_forms", PlanFieldCb, {"field": PlanField.WORK_FORMS}),
    ("yp:add:12:3:0", PlanCb, {"action": PlanAction.ADD, "version": 3}),
    ("yp:rows:12:3:0", PlanCb, {"action": PlanAction.ROWS, "version": 3}),
    ("yp:row:12:3:40", PlanCb, {"action": PlanAction.ROW, "row_id": 40}),
    ("yp:up:12:3:40", PlanCb, {"action": PlanAction.UP, "row_id": 40}),
    ("yp:down:12:3:40", PlanCb, {"action": PlanAction.DOWN, "row_id": 40}),
    ("yp:del:12:3:40", PlanCb, {"action": PlanAction.DELETE, "row_id": 40}),
    ("yp:edrow:12:3:40", PlanCb, {"action": PlanAction.EDIT_ROW, "row_id": 40}),
    ("yp:docx:12:0:0", PlanCb, {"action": PlanAction.DOCX}),
    ("yp:xlsx:12:0:0", PlanCb, {"action": PlanAction.XLSX}),
    ("yp:tpl:12:0:0", PlanCb, {"action": PlanAction.TEMPLATE}),
    ("yp:imp:12:3:0", PlanCb, {"action": PlanAction.IMPORT}),
    ("yp:apply:12:3:0", PlanCb, {"action": PlanAction.APPLY}),
    ("yp:cancel:12:3:0", PlanCb, {"action": PlanAction.CANCEL}),
    ("yp:meet:12:3:40", PlanCb, {"action": PlanAction.MEET, "row_id": 40}),
    ("yp:mtg:12:3:40", PlanCb, {"action": PlanAction.MEETING, "row_id": 40}),
    ("yy:show:5:2027", PlanYearCb, {"action": YearAction.SHOW, "year": 2027}),
    ("yy:new:5:2026", PlanYearCb, {"action": YearAction.CREATE, "association_id": 5}),
    ("yy:copy:5:2026", PlanYearCb, {"action": YearAction.COPY, "year": 2026}),
    ("yy:points:5:2026", PlanYearCb, {"action": YearAction.POINTS, "year": 2026}),
    ("yr:dir:3:-", RowPick, {"step": RowStep.DIRECTION, "value": 3}),
    ("yr:dir:0:own", RowPick, {"step": RowStep.DIRECTION, "special": Special.OWN}),
    ("yr:date:0:skip", RowPick, {"step": RowStep.DATE, "special": Special.SKIP}),
    ("yr:kind:1:-", RowPick, {"step": RowStep.KIND, "value": 1}),
    ("yr:venue:77:-", RowPick, {"step": RowStep.VENUE, "value": 77}),
    ("yr:resp:9:-", RowPick, {"step": RowStep.RESPONSIBLE, "special": Special.NONE}),
    ("yr:resp:0:done", RowPick, {"step": RowStep.RESPONSIBLE, "special": Special.DONE}),
]


@pytest.mark.parametrize(("packed", "cls", "fields"), CASES, ids=[c[0] for c in CASES])
def test_strings_parse_to_the_action_and_pack_back(
    packed: str, cls: type[CallbackData], fields: dict[str, Any]
) -> None:
    parsed = cls.unpack(packed)
    for name, expected in fields.items():
        got = getattr(parsed, name)
        assert got == expected and type(got) is type(expected), (name, got)
    assert parsed.pack() == packed


def test_every_action_and_step_has_a_string() -> None:
    covered = {value for _, _, fields in CASES for value in fields.values()}
    assert set(PlanAction) | set(YearAction) | set(RowStep) | set(Special) <= covered
    assert set(PlanField) <= covered


def test_the_longest_button_fits_64_bytes() -> None:
    biggest: list[CallbackData] = [
        PlanCb(action=action, plan_id=ID_MAX, version=2**31 - 1, row_id=ID_MAX)
        for action in PlanAction
    ]
    biggest += [PlanFieldCb(plan_id=ID_MAX, version=2**31 - 1, field=field) for field in PlanField]
    assert all(len(data.pack().encode()) <= 64 for data in biggest)
