"""The annual plan of an association (000 Приложение 1, «План работы профессионального
объединения педагогов»; 002 Annex 4 §3.2 for an РМО's «график проведения его заседаний»).

One row of `annual_plans` per **edition** of the plan of a school year. The current plan of
(association, school year) is its highest edition; an approved edition is never edited again:
a change after approval starts edition + 1 (`supersedes_id` names the approved one it
replaces), which needs approval again, and the approved one is kept with its rows as they
were. `version` is the optimistic-concurrency counter of the editable edition (like a
meeting draft's): every change checks the version the editor saw and adds one.

`snapshot` is the frozen content (`services.plans.content.PlanContent` as JSON) of the
edition a meeting approved: the content frozen on the question «Об утверждении плана
работы…» (`agenda_items.plan_snapshot`) when its notice was published, copied here with the
protocol's number and date when that protocol is signed (`services/plans/approval.py`), so
later edits never change what was approved.

Rows are the «Календарно-тематическое планирование» table. A row's `kind` marks the
meetings (заседание, практический семинар): an РМО's «График заседаний» is built from them,
and a later part links such a row to the meeting it becomes (`meeting_id`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"  # a council's plan «принят на заседании Совета», before the chair's
    APPROVED = "approved"  # «утверждён»: frozen


class PlanRowKind(enum.StrEnum):
    MEETING = "meeting"  # заседание
    SEMINAR = "seminar"  # практический семинар (002 Annex 4 §3.2)
    OTHER = "other"


class AnnualPlan(IdMixin, Base):
    __tablename__ = "annual_plans"
    __table_args__ = (
        UniqueConstraint("association_id", "school_year", "edition"),
        CheckConstraint("edition >= 1 AND version >= 1", name="counters"),
    )

    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    school_year: Mapped[int]  # its first calendar year: 2026 for 2026/2027
    edition: Mapped[int] = mapped_column(default=1, server_default="1")
    supersedes_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("annual_plans.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[PlanStatus] = mapped_column(
        str_enum(PlanStatus), default=PlanStatus.DRAFT, server_default="draft"
    )
    # The fields of Приложение 1, in its order.
    theme: Mapped[str | None] = mapped_column(String(300))  # «Методическая тема»
    goal: Mapped[str | None] = mapped_column(Text)  # «Цель»
    tasks: Mapped[str | None] = mapped_column(Text)  # «Задачи»
    planned_result: Mapped[str | None] = mapped_column(Text)  # «Планируемый результат»
    work_forms: Mapped[str | None] = mapped_column(Text)  # «Организационные формы работы»
    # «Утверждено на заседании … Протокол № … от …»: filled by the approval.
    protocol_number: Mapped[int | None]
    protocol_date: Mapped[date | None] = mapped_column(Date)
    adopted_at: Mapped[datetime | None]  # a council's «принят»
    approved_at: Mapped[datetime | None]
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime | None]


class AnnualPlanRow(IdMixin, Base):
    """A row of «Календарно-тематическое планирование»."""

    __tablename__ = "annual_plan_rows"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    plan_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("annual_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    # «Направление деятельности»: one of the form's nine (services.plans.form.DIRECTIONS,
    # stored in the form's spelling) or the chair's own.
    direction: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(500))  # «Форма работы, тема»
    day: Mapped[date | None] = mapped_column(Date)  # «Дата (число, месяц, год)»
    kind: Mapped[PlanRowKind] = mapped_column(
        str_enum(PlanRowKind), default=PlanRowKind.OTHER, server_default="other"
    )
    # «Площадка»: a school of the directory, or free text (ИМЦ, online…).
    venue_school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="SET NULL")
    )
    venue_text: Mapped[str | None] = mapped_column(String(300))
    # «Ответственный исполнитель»: roster members (person ids, in order) and free-text names
    # of people outside the roster (shown «не в составе»).
    responsible_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    responsible_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    meeting_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="SET NULL")
    )
