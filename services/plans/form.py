"""The form of the plan, quoted from the source: 000, Приложение 1 «План работы
профессионального объединения педагогов» (`../shared/seeds/000_edaccb96bec8e0b3.txt`).

`DIRECTIONS` are the nine «Направления деятельности» of its «Календарно-тематическое
планирование» table, spelt exactly as the form spells them (the scan's line breaks joined);
a row may also carry the chair's own direction. They are stored as text in the plan's rows
and printed as such: the plan is a Russian document.

The labels below are English msgids whose Russian translations are the form's wording (the
DOCX test compares them with the form, quoted in `tests/test_plan_documents.py`).
"""

from __future__ import annotations

from typing import Final

from models import PlanRowKind

DIRECTIONS: Final[tuple[str, ...]] = (
    "Информационная деятельность",
    "Аналитическая деятельность",
    "Организационно-методическая деятельность",
    "Методическое обеспечение совершенствования педагогического мастерства, развития "
    "педагогического творчества",
    "Методическое сопровождение ЕГЭ и ОГЭ",
    "Методическое сопровождение реализации программ направленных на выявление и поддержку "
    "одаренных и талантливых детей, в том числе, детей с ОВЗ и оказавшихся в ТЖС",
    "Диагностическая работа",
    "Методическое сопровождение молодых учителей",
    "Методическое сопровождение по обновлению содержания образования",
)


def N_(message: str) -> str:
    """Mark a label for extraction; it is translated where it is shown."""
    return message


# The plan's fields, in the form's order («Методическая тема:», «Цель:», «Задачи»…).
FIELDS: Final[dict[str, str]] = {
    "theme": N_("Methodological theme:"),
    "goal": N_("Goal:"),
    "tasks": N_("Tasks"),
    "planned_result": N_("Planned result:"),
    "work_forms": N_("Organisational forms of work:"),
}

# The columns of the calendar table (the form's five, then the number and the kind of row
# the XLSX adds), by key.
COLUMNS: Final[dict[str, str]] = {
    "number": N_("No."),
    "direction": N_("Area of activity"),
    "topic": N_("Form of work, topic (seminar, master class, etc.)"),
    "day": N_("Date (day, month, year)"),
    "venue": N_("Venue"),
    "responsible": N_("Person responsible"),
    "kind": N_("Kind of event"),
}

# How a row's kind is written in the table and the XLSX.
KINDS: Final[dict[PlanRowKind, str]] = {
    PlanRowKind.MEETING: N_("meeting of the association"),
    PlanRowKind.SEMINAR: N_("practical seminar"),
    PlanRowKind.OTHER: N_("other event"),
}

NOT_ON_ROSTER: Final[str] = N_("not on the roster")  # «не в составе», after a typed name

# The agenda question that approves a plan, and its draft decision (the chair's wording may
# differ: these are what the bot offers), in the language of whoever adds the question.
APPROVAL_QUESTION: Final[str] = N_("On the approval of the work plan for the %(year)s school year")
APPROVAL_DECISION: Final[str] = N_("To approve the work plan for the %(year)s school year.")
