"""A person's profile: view, name, subject, language, the data bank of members."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Category, Person, SchoolStatus
from services import audit
from services.errors import DomainError, ErrorCode
from services.people import queries
from services.people.actor import Me, MembershipView, require_person
from services.permissions import Actor
from services.tx import reads, writes
from services.validation import check_name, check_number, check_text, check_title

LOCALES = ("ru", "en")


@dataclass(frozen=True)
class Profile:
    person_id: int
    full_name: str
    school: str | None
    school_pending: bool
    subject: str | None
    locale: str | None
    memberships: list[MembershipView]
    methodist_of: list[str]
    # Data bank of members (DOMAIN.md; 002 Annex 4 §5.1): all optional.
    education: str | None = None
    speciality: str | None = None
    total_experience_years: int | None = None
    teaching_experience_years: int | None = None
    birth_year: int | None = None
    age: int | None = None  # in the current year, from the birth year
    category: Category | None = None
    awards: str | None = None
    titles: str | None = None
    category_order_date: date | None = None  # the order that set the category
    category_order_number: str | None = None
    school_rejected: bool = False  # kept as typed until another is chosen (issue 20)


@reads
async def get_profile(
    session: AsyncSession, actor: Actor, now: datetime | None = None, me: Me | None = None
) -> Profile:
    """The person's profile; with `now`, the age too (from the birth year). With `me` (what
    this update loaded of its sender) the memberships and posts come from there: one
    statement instead of three."""
    person_id = require_person(actor)
    person, school, status = (await session.execute(queries.person_with_school(person_id))).one()
    if me is not None and me.actor.person_id == person_id:
        memberships, methodist_of = list(me.memberships), list(me.methodist_of)
    else:
        found = await session.execute(queries.active_memberships(person_id))
        memberships = [MembershipView(aid, name, role) for aid, name, role in found.all()]
        methodist_of = list((await session.scalars(queries.methodist_services(person_id))).all())
    return Profile(
        person_id=person_id,
        full_name=person.full_name or "",
        school=school,
        school_pending=status is SchoolStatus.PENDING,
        school_rejected=status is SchoolStatus.REJECTED,
        subject=person.subject,
        locale=person.locale,
        memberships=memberships,
        methodist_of=methodist_of,
        education=person.education,
        speciality=person.speciality,
        total_experience_years=person.total_experience_years,
        teaching_experience_years=person.teaching_experience_years,
        birth_year=person.birth_year,
        age=now.year - person.birth_year if now and person.birth_year else None,
        category=person.category,
        awards=person.awards,
        titles=person.titles,
        category_order_date=person.category_order_date,
        category_order_number=person.category_order_number,
    )


@writes
async def update_name(session: AsyncSession, actor: Actor, text: str, now: datetime) -> str:
    person = await session.get_one(Person, require_person(actor))
    person.full_name = check_name(text)
    audit.record(session, actor, "person.name", now, object_type="person", object_id=person.id)
    return person.full_name


@writes
async def update_subject(session: AsyncSession, actor: Actor, text: str, now: datetime) -> str:
    person = await session.get_one(Person, require_person(actor))
    person.subject = check_title(text)
    audit.record(session, actor, "person.subject", now, object_type="person", object_id=person.id)
    return person.subject


@writes
async def set_locale(session: AsyncSession, actor: Actor, locale: str) -> None:
    if locale not in LOCALES:
        raise DomainError(ErrorCode.NOT_FOUND)
    person = await session.get_one(Person, require_person(actor))
    person.locale = locale


class Detail(enum.StrEnum):
    """A typed field of the data bank of members (the category is chosen with buttons)."""

    EDUCATION = "education"
    SPECIALITY = "speciality"
    TOTAL_EXPERIENCE = "total_experience_years"
    TEACHING_EXPERIENCE = "teaching_experience_years"
    BIRTH_YEAR = "birth_year"
    AWARDS = "awards"
    TITLES = "titles"
    ORDER_DATE = "category_order_date"  # the order that set the category (DD.MM.YYYY)
    ORDER_NUMBER = "category_order_number"


YEARS_MAX = 60  # total and teaching experience, in years
BIRTH_YEAR_MIN = 1940
MIN_AGE = 16  # the latest birth year is the current year minus this
LONG_TEXT_MAX = 1000  # awards, titles: plain text of several lines
ORDER_YEARS_BACK = 30  # an order older than this is a typo (a category lasts 5 years)
ORDER_NUMBER_MAX = 32  # «123-к», «01-02/345»: an order's number is short
_ORDER_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ORDER_NUMBER = re.compile(r"[\w][\w\s./\\-]*", re.UNICODE)


def check_order_date(text: str | None, today: date) -> date:
    """The category's order date: DD.MM.YYYY, not in the future, at most 30 years back."""
    first = date(today.year - ORDER_YEARS_BACK, 1, 1)
    refused = DomainError(ErrorCode.ORDER_DATE, first=f"{first:%d.%m.%Y}", last=f"{today:%d.%m.%Y}")
    match = _ORDER_DATE.fullmatch((text or "").strip())
    if match is None:
        raise refused
    try:
        day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError as exc:
        raise refused from exc
    if not first <= day <= today:
        raise refused
    return day


def check_order_number(text: str | None) -> str:
    """The category's order number, «№» dropped: letters, digits, `-`, `/`, `.`; up to 32."""
    value = " ".join((text or "").replace("№", " ").split())
    if not value or len(value) > ORDER_NUMBER_MAX or not _ORDER_NUMBER.fullmatch(value):
        raise DomainError(ErrorCode.ORDER_NUMBER, max=ORDER_NUMBER_MAX)
    if not any(c.isdigit() for c in value):
        raise DomainError(ErrorCode.ORDER_NUMBER, max=ORDER_NUMBER_MAX)
    return value


def check_detail(field: Detail, text: str | None, now: datetime) -> str | int | date:
    """Validate a typed data-bank value (DESIGN.md "Limits users meet")."""
    if field is Detail.ORDER_DATE:
        # a day or so ahead of UTC is allowed: the teacher's calendar may be east of it
        return check_order_date(text, (now + timedelta(hours=14)).date())
    if field is Detail.ORDER_NUMBER:
        return check_order_number(text)
    if field in (Detail.EDUCATION, Detail.SPECIALITY):
        return check_title(text)
    if field in (Detail.AWARDS, Detail.TITLES):
        return check_text(text, max_len=LONG_TEXT_MAX)
    if field is Detail.BIRTH_YEAR:
        return check_number(text, low=BIRTH_YEAR_MIN, high=now.year - MIN_AGE)
    return check_number(text, low=0, high=YEARS_MAX)


@writes
async def set_detail(
    session: AsyncSession, actor: Actor, field: Detail, text: str | None, now: datetime
) -> str | int | date | None:
    """Set one data-bank field from typed text, or clear it (`text` None). Returns the value."""
    person = await session.get_one(Person, require_person(actor))
    value = None if text is None else check_detail(field, text, now)
    setattr(person, field.value, value)
    audit.record(
        session,
        actor,
        "person.detail",
        now,
        object_type="person",
        object_id=person.id,
        field=field.value,
        cleared=value is None,
    )
    return value


@writes
async def set_category(
    session: AsyncSession, actor: Actor, category: Category | None, now: datetime
) -> None:
    """The qualification category: none, first or highest; None clears it (not stated).
    Another category than before drops the order's date and number (a new order set it)."""
    person = await session.get_one(Person, require_person(actor))
    if category != person.category or category in (None, Category.NONE):
        person.category_order_date = None
        person.category_order_number = None
    person.category = category
    audit.record(
        session,
        actor,
        "person.detail",
        now,
        object_type="person",
        object_id=person.id,
        field="category",
        cleared=category is None,
    )
