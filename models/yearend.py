"""The members' year-end report (issue 16, item 1): what the annual analysis needs from each
member, answered in the built-in named questionnaire «Отчёт за учебный год» and kept in the
data bank as rows per school year. A report of a school year replaces only that year's rows
(the same person answering again that year); earlier years are never touched."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class CourseForm(enum.StrEnum):
    IN_PERSON = "in_person"  # очная
    DISTANCE = "distance"  # дистанционная


class YearReport(IdMixin, Base):
    """One member's report of one school year. Lists are codes in the order of the template's
    options (services.surveys.yearend): `venues` where experience was shared, `diagnostics`
    the procedures passed, `routes` the individual routes; empty: «нет»."""

    __tablename__ = "year_reports"
    __table_args__ = (UniqueConstraint("person_id", "school_year"),)

    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    school_year: Mapped[int]  # its first calendar year: 2026 for 2026/2027
    survey_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="SET NULL")
    )
    venues: Mapped[list[str]] = mapped_column(JSON, default=list)
    diagnostics: Mapped[list[str]] = mapped_column(JSON, default=list)
    routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    contests: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[contest, result], …]
    open_lessons: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class YearCourse(IdMixin, Base):
    """A qualification course of a report: «курсы повышения квалификации»."""

    __tablename__ = "year_courses"
    __table_args__ = (UniqueConstraint("report_id", "position"),)

    report_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("year_reports.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    direction: Mapped[str] = mapped_column(String(32))  # a code of yearend.DIRECTIONS
    hours: Mapped[int]
    form: Mapped[CourseForm] = mapped_column(str_enum(CourseForm))
    provider: Mapped[str] = mapped_column(String(300))
    finished_on: Mapped[date] = mapped_column(Date)
