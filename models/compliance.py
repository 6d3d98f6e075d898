"""Compliance with the regulations (issue 15, item 4): the settings per association kind that
a methodist may change, and the findings of the daily check.

A finding is one (association, rule, period, object): a period such as «sy2026» (the school
year 2026/2027), «cy2026» or «q2026-4», empty for a rule without one; an object such as a
meeting or a person, 0 for the association itself. A finding is told once: `occurrence`
counts its openings (it goes into the outbox key), `cleared_at` is set when the check no
longer finds it, and a later finding of the same key opens it again with occurrence + 1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.association import AssociationKind, CadencePeriod
from models.base import Base, BigId, IdMixin, str_enum


class ComplianceSetting(IdMixin, Base):
    """A methodist's settings for the associations of one kind in the service; a kind
    without a row uses the defaults of services.compliance.rules.DEFAULTS."""

    __tablename__ = "compliance_settings"
    __table_args__ = (UniqueConstraint("service_id", "kind"),)

    service_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AssociationKind] = mapped_column(str_enum(AssociationKind))
    min_meetings: Mapped[int]  # 0: no minimum
    period: Mapped[CadencePeriod] = mapped_column(str_enum(CadencePeriod))
    min_seminars: Mapped[int]  # practical seminars at a school per period
    plan_due_month: Mapped[int | None]  # None: no plan rule
    plan_due_day: Mapped[int | None]
    # The annual analysis is due by this (month, day) after its school year (issue 16);
    # None: the kind's default.
    analysis_due_month: Mapped[int | None]
    analysis_due_day: Mapped[int | None]
    roster_min: Mapped[int | None]
    chair_category: Mapped[bool]
    updated_at: Mapped[datetime | None]


class ComplianceFinding(IdMixin, Base):
    __tablename__ = "compliance_findings"
    __table_args__ = (UniqueConstraint("association_id", "rule", "period", "object_id"),)

    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column(BigId)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurrence: Mapped[int] = mapped_column(default=1, server_default="1")
    found_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
