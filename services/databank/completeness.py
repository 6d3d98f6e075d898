"""The one definition of the data bank's completeness (002 Annex 4 §5.1), used by the
overview's column and by the data bank's export alike.

A person's bank has `FIELDS` answers: name, place of work, subject, education, speciality,
total and teaching experience, year of birth (the age), the qualification category, awards,
titles, and the year-end report (its courses and contests). «Нет» is an answer, not a gap:
awards or titles typed as «нет», the category «без категории», and a year-end report with
no courses and no contests all count as filled. A category above «без категории» counts
only with the date and the number of the order that set it. The year-end report counts when
there is one of this school year or the last (the report of a year is made at its end)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_
from sqlalchemy.orm import InstrumentedAttribute

from models import Category, Person, YearReport
from services import deadlines

FIELDS = 12


def school_year_of(now: datetime) -> int:
    """The school year whose report (or the last year's) counts: that of `now`'s UTC day."""
    return deadlines.school_year(now.date())


def _text(column: InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
    return and_(column.is_not(None), func.trim(column) != "")


def answered(school_year: int) -> list[ColumnElement[bool]]:
    """One condition per field of the bank: is it answered for the person (`Person` in the
    FROM clause)? `school_year` is the current one (its first calendar year)."""
    category = or_(
        Person.category == Category.NONE,
        and_(
            Person.category.is_not(None),
            Person.category_order_date.is_not(None),
            _text(Person.category_order_number),
        ),
    )
    report = exists().where(
        YearReport.person_id == Person.id, YearReport.school_year >= school_year - 1
    )
    return [
        _text(Person.full_name),
        Person.school_id.is_not(None),
        _text(Person.subject),
        _text(Person.education),
        _text(Person.speciality),
        Person.total_experience_years.is_not(None),
        Person.teaching_experience_years.is_not(None),
        Person.birth_year.is_not(None),
        category,
        _text(Person.awards),
        _text(Person.titles),
        report,
    ]


def filled(school_year: int) -> ColumnElement[int]:
    """How many of the person's `FIELDS` answers are given (0 for a forgotten person)."""
    kept = Person.forgotten_at.is_(None)
    return sum(
        (case((and_(kept, cond), 1), else_=0) for cond in answered(school_year)),
        literal(0),
    )


def percent(filled_fields: int, people: int) -> int | None:
    """Filled answers over `people` × `FIELDS`, as a whole percentage rounded half up;
    None when nobody's data is kept."""
    total = people * FIELDS
    if total <= 0:
        return None
    return (200 * filled_fields + total) // (2 * total)
