"""The annual plan of an association (000 Приложение 1; 002 Annex 4 §3.2): the draft of a
school year, its fields and calendar rows, a copy of last year's plan, editions after
approval, the content frozen for the DOCX / XLSX and for approval, an РМО's «График
заседаний», and the XLSX import (parse → preview → apply). The storage design (an
`annual_plans` row per edition, `supersedes_id`, a JSON snapshot) is explained in
`models/plan.py`."""

from services.plans.checks import ROWS_MAX, PlanField, RowInput
from services.plans.content import PlanContent, PlanRowContent, Responsible, ScheduleEntry
from services.plans.editing import copy_from_last_year, create_draft, new_edition, set_field
from services.plans.form import COLUMNS, DIRECTIONS, FIELDS, KINDS, NOT_ON_ROSTER
from services.plans.importing import (
    COLUMN_KEYS,
    ImportedRow,
    ImportPreview,
    ImportSheet,
    apply_import,
    preview_import,
)
from services.plans.linking import meeting_from_row
from services.plans.rows import add_row, delete_row, edit_row, move_row
from services.plans.views import (
    PlanView,
    current_plan,
    editions,
    get_plan,
    meeting_schedule,
    plan_content,
)
from services.plans.years import SchoolYear

__all__ = [
    "COLUMNS",
    "COLUMN_KEYS",
    "DIRECTIONS",
    "FIELDS",
    "KINDS",
    "NOT_ON_ROSTER",
    "ROWS_MAX",
    "ImportPreview",
    "ImportSheet",
    "ImportedRow",
    "PlanContent",
    "PlanField",
    "PlanRowContent",
    "PlanView",
    "Responsible",
    "RowInput",
    "ScheduleEntry",
    "SchoolYear",
    "add_row",
    "apply_import",
    "copy_from_last_year",
    "create_draft",
    "current_plan",
    "delete_row",
    "edit_row",
    "editions",
    "get_plan",
    "meeting_from_row",
    "meeting_schedule",
    "move_row",
    "new_edition",
    "plan_content",
    "preview_import",
    "set_field",
]
