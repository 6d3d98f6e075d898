"""The annual plan of an association (000 Приложение 1; 002 Annex 4 §3.2): the draft of a
school year, its fields and calendar rows, a copy of last year's plan, editions after
approval, the content frozen for the DOCX / XLSX and for approval, an РМО's «График
заседаний», and the XLSX import (parse → preview → apply). The storage design (an
`annual_plans` row per edition, `supersedes_id`, a JSON snapshot) is explained in
`models/plan.py`."""

from services.plans.approval import (
    ApprovalNotice,
    approval_notice,
    approve_by_protocol,
    confirm,
    frozen,
    on_protocol_signed,
    plan_for_agenda,
)
from services.plans.chat import (
    Choice,
    YearCard,
    members_matching,
    parse_day,
    plan_card,
    schools_matching,
    year_card,
)
from services.plans.checks import (
    ROWS_MAX,
    PlanField,
    RowInput,
    check_direction,
    check_names,
    check_topic,
    check_venue_text,
)
from services.plans.content import PlanContent, PlanRowContent, Responsible, ScheduleEntry
from services.plans.editing import copy_from_last_year, create_draft, new_edition, set_field
from services.plans.form import (
    APPROVAL_DECISION,
    APPROVAL_QUESTION,
    COLUMNS,
    DIRECTIONS,
    FIELDS,
    KINDS,
    NOT_ON_ROSTER,
)
from services.plans.importing import (
    COLUMN_KEYS,
    ImportedRow,
    ImportPreview,
    ImportSheet,
    apply_import,
    preview_import,
)
from services.plans.kinds import ADOPTED, APPROVAL_KINDS, APPROVED
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
    "ADOPTED",
    "APPROVAL_DECISION",
    "APPROVAL_KINDS",
    "APPROVAL_QUESTION",
    "APPROVED",
    "COLUMNS",
    "COLUMN_KEYS",
    "DIRECTIONS",
    "FIELDS",
    "KINDS",
    "NOT_ON_ROSTER",
    "ROWS_MAX",
    "ApprovalNotice",
    "Choice",
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
    "YearCard",
    "add_row",
    "apply_import",
    "approval_notice",
    "approve_by_protocol",
    "check_direction",
    "check_names",
    "check_topic",
    "check_venue_text",
    "confirm",
    "copy_from_last_year",
    "create_draft",
    "current_plan",
    "delete_row",
    "edit_row",
    "editions",
    "frozen",
    "get_plan",
    "meeting_from_row",
    "meeting_schedule",
    "members_matching",
    "move_row",
    "new_edition",
    "on_protocol_signed",
    "parse_day",
    "plan_card",
    "plan_content",
    "plan_for_agenda",
    "preview_import",
    "schools_matching",
    "set_field",
    "year_card",
]
