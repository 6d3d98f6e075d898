"""The annual analysis of an association (issue 16, items 2-3): the figures are computed
from data each time (services.analysis), so only what people write is kept here — the
chair's sections as drafts, their answer «меры … приняты» — and the analysis' way to the
methodological service: submitted, accepted («принято») or returned «на доработку» with a
comment. `round` counts submissions (the outbox keys carry it: each submission and each
decision is told once); `version` is the drafts' optimistic-concurrency counter."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class AnalysisStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waits for a methodist
    ACCEPTED = "accepted"  # «принято»: frozen
    RETURNED = "returned"  # «на доработку»: the chair edits and submits again


class AnnualAnalysis(IdMixin, Base):
    __tablename__ = "annual_analyses"
    __table_args__ = (UniqueConstraint("association_id", "school_year"),)

    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    school_year: Mapped[int]  # its first calendar year: 2026 for 2026/2027
    status: Mapped[AnalysisStatus] = mapped_column(
        str_enum(AnalysisStatus), default=AnalysisStatus.DRAFT, server_default="draft"
    )
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # key → the text
    measures: Mapped[bool | None]  # «меры … по устранению дефицитов»: да / нет
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    round: Mapped[int] = mapped_column(default=0, server_default="0")  # submissions so far
    plan_id: Mapped[int | None] = mapped_column(  # the approved plan submitted with it
        BigId, ForeignKey("annual_plans.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    comment: Mapped[str | None] = mapped_column(String(1000))  # the methodist's
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
