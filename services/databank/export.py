"""The data bank of members as a table (002 Annex 4 §5.1): one entry per person with the
profile's answers, the age, the category with its order, and the completeness
(`completeness`); the courses and contests of their year-end reports of this school year and
the last. For an association (its chair, deputy; the service's methodists; the admins) or
for services (their methodists, the admins): every member of every association, once, with
the associations named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Category, CourseForm, MethodService, Person
from services.databank import completeness, queries
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import reads


@dataclass(frozen=True)
class Entry:
    person_id: int
    full_name: str
    school: str | None
    subject: str | None
    education: str | None
    speciality: str | None
    total_experience_years: int | None
    teaching_experience_years: int | None
    birth_year: int | None
    age: int | None  # this year, from the year of birth
    category: Category | None
    order_date: date | None
    order_number: str | None
    awards: str | None
    titles: str | None
    associations: tuple[str, ...]
    filled: int  # of completeness.FIELDS
    percent: int


@dataclass(frozen=True)
class CourseRow:
    person_id: int
    full_name: str
    school_year: int
    title: str
    direction: str  # a code of services.surveys.yearend.DIRECTIONS
    hours: int
    form: CourseForm
    provider: str
    finished_on: date


@dataclass(frozen=True)
class ContestRow:
    person_id: int
    full_name: str
    school_year: int
    contest: str
    result: str


@dataclass(frozen=True)
class DataBank:
    title: str  # the association's name, or the services' names
    school_year: int  # the current one; reports of it and of the last count
    entries: tuple[Entry, ...]
    courses: tuple[CourseRow, ...]
    contests: tuple[ContestRow, ...]
    percent: int | None  # over every entry (completeness.percent)


async def _bank(session: AsyncSession, title: str, scope: queries.Scope, now: datetime) -> DataBank:
    year = completeness.school_year_of(now)
    found: dict[int, tuple[Person, str | None, int, list[str]]] = {}
    for person, school, filled, _aid, name in (
        await session.execute(queries.people(scope, year))
    ).all():
        if person.id in found:
            found[person.id][3].append(name)
        else:
            found[person.id] = (person, school, int(filled or 0), [name])
    entries = []
    for person_id, (p, school, filled, names) in found.items():
        entries.append(
            Entry(
                person_id=person_id,
                full_name=p.full_name or "",
                school=school,
                subject=p.subject,
                education=p.education,
                speciality=p.speciality,
                total_experience_years=p.total_experience_years,
                teaching_experience_years=p.teaching_experience_years,
                birth_year=p.birth_year,
                age=now.year - p.birth_year if p.birth_year else None,
                category=p.category,
                order_date=p.category_order_date,
                order_number=p.category_order_number,
                awards=p.awards,
                titles=p.titles,
                associations=tuple(names),
                filled=filled,
                percent=completeness.percent(filled, 1) or 0,
            )
        )
    names_of = {e.person_id: e.full_name for e in entries}
    reports = (await session.scalars(queries.reports(list(names_of), year - 1))).all()
    contests = [
        ContestRow(r.person_id, names_of[r.person_id], r.school_year, str(c[0]), str(c[1]))
        for r in reports
        for c in r.contests or ()
    ]
    report_of = {r.id: r for r in reports}
    courses = [
        CourseRow(
            person_id=report_of[c.report_id].person_id,
            full_name=names_of[report_of[c.report_id].person_id],
            school_year=report_of[c.report_id].school_year,
            title=c.title,
            direction=c.direction,
            hours=c.hours,
            form=c.form,
            provider=c.provider,
            finished_on=c.finished_on,
        )
        for c in (await session.scalars(queries.courses(list(report_of)))).all()
    ]
    courses.sort(key=lambda c: (c.full_name.casefold(), c.person_id, c.school_year))
    contests.sort(key=lambda c: (c.full_name.casefold(), c.person_id, c.school_year))
    return DataBank(
        title=title,
        school_year=year,
        entries=tuple(entries),
        courses=tuple(courses),
        contests=tuple(contests),
        percent=completeness.percent(sum(e.filled for e in entries), len(entries)),
    )


@reads
async def association_bank(
    session: AsyncSession, actor: Actor, association_id: int, now: datetime
) -> DataBank:
    """The bank of one association. FORBIDDEN but for its chair and deputy, the service's
    methodists and the admins; NOT_FOUND for no such association."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.EXPORT_DATA_BANK, Scope(association.service_id, association.id))
    return await _bank(session, association.name, queries.of_association(association.id), now)


@reads
async def service_bank(
    session: AsyncSession, actor: Actor, now: datetime, service_id: int | None = None
) -> DataBank:
    """Every member of every association of a service (`service_id`), or of every service
    the actor may export (None), once each. FORBIDDEN for another service's methodist."""
    named = (await session.execute(queries.all_services())).all()
    allowed = [
        (sid, name)
        for sid, name in named
        if decide(actor, Action.EXPORT_DATA_BANK, Scope(sid)) is Decision.ALLOW
    ]
    if service_id is not None:
        if await session.get(MethodService, service_id) is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        allowed = [(sid, name) for sid, name in allowed if sid == service_id]
    if not allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    title = ", ".join(name for _sid, name in allowed)
    return await _bank(session, title, queries.of_services([sid for sid, _ in allowed]), now)
