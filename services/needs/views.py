"""The use cases of needs monitoring (issue 18, item 3): the breakdown across every needs
survey of the services a methodist oversees (the overview's own list of them, so a centre's
methodist gets its services too), the schools to pick from, and one school's summary.
FORBIDDEN for anyone but the service's methodists and the admins; a school not among the
scope's is NOT_FOUND."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services import deadlines
from services.errors import DomainError, ErrorCode
from services.needs import queries
from services.needs.figures import Breakdown, SchoolSummary, percent
from services.needs.gather import by_school, by_subject, gather, of_school, whole_of
from services.overview import queries as overview_queries
from services.overview.views import overseen
from services.permissions import Actor
from services.tx import reads


def _year(now: datetime) -> tuple[int, datetime, datetime]:
    """The school year of `now` (UTC) and its bounds as moments, [first, last)."""
    year = deadlines.school_year(now.astimezone(UTC).date())
    first, last = deadlines.school_year_bounds(year)
    start = datetime.combine(first, time.min, UTC)
    return year, start, datetime.combine(last + timedelta(days=1), time.min, UTC)


async def _scope(
    session: AsyncSession, actor: Actor, service_id: int | None
) -> tuple[list[int], tuple[tuple[int, str], ...]]:
    allowed = await overseen(session, actor)
    if service_id is not None:
        if service_id not in allowed:
            raise DomainError(ErrorCode.FORBIDDEN)
        allowed = [service_id]
    if not allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    named = (await session.execute(overview_queries.services(allowed))).all()
    return allowed, tuple(sorted(((i, n) for i, n in named), key=lambda s: (s[1].casefold(), s[0])))


@reads
async def breakdown(
    session: AsyncSession, actor: Actor, now: datetime, service_id: int | None = None
) -> Breakdown:
    """Every needs survey sent this school year to the associations of one service (or of
    every service the actor oversees), by direction, format, subject and school."""
    allowed, named = await _scope(session, actor, service_id)
    year, start, _end = _year(now)
    found = await gather(session, overview_queries.of_services(allowed), start)
    return Breakdown(
        services=named,
        school_year=year,
        surveys=found.surveys,
        waiting=found.waiting,
        total=whole_of(found),
        by_subject=by_subject(found),
        by_school=by_school(found),
    )


@reads
async def schools(
    session: AsyncSession, actor: Actor, service_id: int | None = None
) -> list[tuple[int, str]]:
    """The schools of the scope's members, by name: (id, name)."""
    allowed, _named = await _scope(session, actor, service_id)
    rows = (
        await session.execute(queries.member_schools(overview_queries.of_services(allowed)))
    ).all()
    ids = [school for school, _ in rows if school is not None]
    names = (await session.execute(queries.school_names(ids))).all() if ids else []
    return sorted(names, key=lambda s: (s[1].casefold(), s[0]))


@reads
async def school_summary(
    session: AsyncSession,
    actor: Actor,
    now: datetime,
    school_id: int,
    service_id: int | None = None,
) -> SchoolSummary:
    """One school's teachers in the scope: their needs (the school's group of the breakdown,
    hidden below 3 answers of anonymous surveys) and their attendance this school year —
    the overview's P over M (present in person, or by ballot at an absentee or hybrid
    meeting; active voting members), summed over the school's teachers and the ended
    meetings of their associations."""
    allowed, named = await _scope(session, actor, service_id)
    scope = overview_queries.of_services(allowed)
    teachers = dict((await session.execute(queries.member_schools(scope))).all())
    if school_id not in teachers:
        raise DomainError(ErrorCode.NOT_FOUND)
    names = dict((await session.execute(queries.school_names([school_id]))).all())
    year, start, end = _year(now)
    found = await gather(session, scope, start)
    expected = dict((await session.execute(queries.expected(scope, start, end))).all())
    present = dict((await session.execute(queries.present_in_person(scope, start, end))).all())
    ballots = dict((await session.execute(queries.present_by_ballot(scope, start, end))).all())
    p = int(present.get(school_id, 0)) + int(ballots.get(school_id, 0))
    name = names.get(school_id, "")
    return SchoolSummary(
        school_id=school_id,
        school=name,
        services=tuple(n for _, n in named),
        school_year=year,
        teachers=int(teachers[school_id]),
        attendance_percent=percent(p, int(expected.get(school_id, 0))),
        needs=of_school(found, school_id, name),
    )
