"""The select builders of the data bank."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, select

from models import (
    Association,
    Membership,
    MethodService,
    Person,
    School,
    YearCourse,
    YearReport,
)
from services.databank import completeness

Scope = Select[int]


def people(association_ids: Scope, school_year: int) -> Select[Person, str | None, int, int, str]:
    """The active members of the associations (data kept): the person, the school's name,
    the filled answers, one row per membership with the association's id and name."""
    return (
        select(
            Person,
            School.name,
            completeness.filled(school_year),
            Association.id,
            Association.name,
        )
        .join(Membership, Membership.person_id == Person.id)
        .join(Association, Association.id == Membership.association_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(
            Membership.association_id.in_(association_ids),
            Membership.active,
            Person.forgotten_at.is_(None),
        )
        .order_by(Person.full_name, Person.id, Association.name)
    )


def of_association(association_id: int) -> Select[int]:
    return select(Association.id).where(Association.id == association_id)


def of_services(service_ids: Collection[int]) -> Select[int]:
    return select(Association.id).where(Association.service_id.in_(list(service_ids)))


def all_services() -> Select[int, str]:
    return select(MethodService.id, MethodService.name).order_by(MethodService.id)


def reports(person_ids: Collection[int], first_year: int) -> Select[YearReport]:
    return (
        select(YearReport)
        .where(YearReport.person_id.in_(list(person_ids)), YearReport.school_year >= first_year)
        .order_by(YearReport.school_year, YearReport.id)
    )


def courses(report_ids: Collection[int]) -> Select[YearCourse]:
    return (
        select(YearCourse)
        .where(YearCourse.report_id.in_(list(report_ids)))
        .order_by(YearCourse.report_id, YearCourse.position)
    )
