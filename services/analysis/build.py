"""Gathering the year's facts of one association and computing the analysis (one plain query
per table for the whole year, then the pure functions of `tables`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, CadencePeriod, CourseForm, Meeting, MeetingForm, MeetingStatus
from services import compliance, deadlines, plans, surveys
from services.analysis import queries
from services.analysis.tables import (
    MeetingFacts,
    ReportFacts,
    attendance_table,
    courses_table,
    diagnostics_table,
    experience_table,
)
from services.analysis.views import (
    Analysis,
    Contest,
    Count,
    Formats,
    OptionFigure,
    PlanRowLine,
    Question,
    QuestionFigure,
    SurveyFigures,
)
from services.permissions import Actor

FORMS = (MeetingForm.IN_PERSON, MeetingForm.ABSENTEE, MeetingForm.HYBRID)


def meeting_day(meeting: Meeting, timezone: str) -> date | None:
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return deadlines.local_day(moment, timezone) if moment else None


def tenths(total: int, count: int) -> int | None:
    """total / count in tenths, half up, in integers."""
    return None if count <= 0 else (20 * total + count) // (2 * count)


async def survey_figures(
    session: AsyncSession, association: Association, template: str, first: date, last: date
) -> list[SurveyFigures]:
    """The year's surveys of a template sent to the association: how many answered, and
    their figures where the survey's anonymity allows (services.surveys.figures)."""
    found = []
    tz = association.timezone
    for survey in (await session.scalars(queries.surveys_of(association.id, template))).all():
        day = deadlines.local_day(survey.opens_at or survey.created_at, tz)
        if not first <= day <= last:
            continue
        total, finished = (await session.execute(queries.recipients(survey.id))).one()
        results = await surveys.figures(session, survey.id)
        questions: list[QuestionFigure] = []
        for q in results.questions if results else ():
            if q.kind == "scale":
                total_score = sum(int(o.label) * o.count for o in q.options)
                questions.append(
                    QuestionFigure(
                        q.text, q.answered, average_tenths=tenths(total_score, q.answered)
                    )
                )
            elif q.kind in ("single", "multiple"):
                options = tuple(OptionFigure(o.label, o.count, q.answered) for o in q.options)
                questions.append(QuestionFigure(q.text, q.answered, options=options))
        found.append(
            SurveyFigures(
                survey.id,
                survey.title,
                int(total),
                int(finished),
                tuple(questions),
                results is not None,
            )
        )
    return found


def only(figures: list[SurveyFigures], scale: bool) -> tuple[SurveyFigures, ...]:
    """The same surveys with only their scale questions (satisfaction) or only their choice
    questions (effectiveness)."""
    return tuple(
        SurveyFigures(
            f.survey_id,
            f.title,
            f.recipients,
            f.respondents,
            tuple(
                q
                for q in f.questions
                if (q.average_tenths is not None) == scale and (scale or q.options)
            ),
            f.shown,
        )
        for f in figures
    )


async def compute(
    session: AsyncSession,
    actor: Actor,
    association: Association,
    year: int,
    now: datetime,
    measures: bool | None = None,
) -> Analysis:
    tz = association.timezone
    first, last = deadlines.school_year_bounds(year)
    today = deadlines.local_day(now, tz)
    day = min(today, last)

    roster_rows = (await session.execute(queries.roster(association.id))).all()
    since = {pid: deadlines.local_day(created, tz) for pid, created, _school in roster_rows}
    profile_school = {pid: school or "" for pid, _created, school in roster_rows}
    roster_now = frozenset(pid for pid, joined in since.items() if joined <= day)

    held = []
    for meeting in (await session.scalars(queries.held_meetings(association.id))).all():
        mday = meeting_day(meeting, tz)
        if mday is not None and first <= mday <= last:
            held.append((meeting, mday))
    ids = [m.id for m, _d in held]
    present: dict[int, set[int]] = defaultdict(set)
    schools: dict[int, dict[int, str]] = defaultdict(dict)
    # Voting members at each meeting by its own rows (a mark, a ballot): one who left the
    # association or was forgotten since still counts in that meeting's roster and cell.
    members_then: dict[int, set[int]] = defaultdict(set)
    ever: dict[int, date] = {}  # a guest (never a member) is never counted
    for member, joined_at, was_at in (
        await session.execute(queries.memberships(association.id))
    ).all():
        ever[member] = deadlines.local_day(joined_at, tz)
        profile_school.setdefault(member, was_at or "")
    if ids:
        for mid, pid, school, voting in (await session.execute(queries.schools_at(ids))).all():
            if pid is not None and school:
                schools[mid][pid] = school
            if pid is not None and voting:
                members_then[mid].add(pid)
        in_person = {m.id for m, _d in held if m.form is MeetingForm.IN_PERSON}
        for mid, pid, _school in (await session.execute(queries.present(ids))).all():
            if mid in in_person and pid is not None:
                present[mid].add(pid)
        for mid, pid in (await session.execute(queries.ballot_voters(ids))).all():
            if pid is not None:
                members_then[mid].add(pid)  # a ballot is a voting member's
            if mid not in in_person and pid is not None:
                present[mid].add(pid)
    facts = [
        MeetingFacts(
            id=m.id,
            day=mday,
            roster=frozenset(pid for pid, joined in since.items() if joined <= mday)
            | {pid for pid in members_then[m.id] if pid in ever and ever[pid] <= mday},
            present=frozenset(present[m.id]),
            schools=schools[m.id],
        )
        for m, mday in held
    ]
    attendance = attendance_table(facts, profile_school)
    formats = Formats(
        by_form=tuple((form, sum(1 for m, _d in held if m.form is form)) for form in FORMS),
        by_kind=(
            Count("meeting", sum(1 for m, _d in held if not m.practical_seminar)),
            Count("seminar", sum(1 for m, _d in held if m.practical_seminar)),
            Count("extraordinary", sum(1 for m, _d in held if m.extraordinary)),
        ),
        held=len(held),
    )

    reports = (await session.scalars(queries.reports(year, roster_now))).all() if roster_now else []
    by_report: dict[int, list[tuple[str, CourseForm]]] = defaultdict(list)
    if reports:
        for course in (await session.scalars(queries.courses([r.id for r in reports]))).all():
            by_report[course.report_id].append((course.direction, course.form))
    report_facts = [
        ReportFacts(
            person_id=r.person_id,
            venues=tuple(r.venues or ()),
            diagnostics=tuple(r.diagnostics or ()),
            routes=tuple(r.routes or ()),
            directions=frozenset(d for d, _f in by_report[r.id]),
            forms=frozenset(f for _d, f in by_report[r.id]),
        )
        for r in reports
    ]
    names = (
        dict((await session.execute(queries.names([r.person_id for r in reports]))).all())
        if reports
        else {}
    )
    ordered = sorted(reports, key=lambda r: ((names.get(r.person_id) or "").casefold(), r.id))
    contests = tuple(
        Contest(names.get(r.person_id) or "—", str(c[0]), str(c[1]))
        for r in ordered
        for c in r.contests or ()
    )
    lessons = tuple(
        Contest(names.get(r.person_id) or "—", str(lesson), "")
        for r in ordered
        for lesson in r.open_lessons or ()
    )

    satisfaction = await survey_figures(
        session, association, surveys.TemplateKey.SATISFACTION, first, last
    )
    needs = await survey_figures(session, association, surveys.TemplateKey.NEEDS, first, last)

    # The plan: its rows from services.plans, "held" and "planned" from services.compliance.
    # Theme, goal and tasks of the approved edition (the one submitting attaches, as the
    # meeting approved it), never a later draft.
    approved = await session.scalar(queries.approved_plan(association.id, year))
    content = await plans.plan_content(session, actor, approved) if approved is not None else None
    found = await compliance.gather(session, association, now)
    period = compliance.Period(CadencePeriod.SCHOOL_YEAR, first, last)
    matched = compliance.match_rows(found.rows, found.meetings)
    ended = {m.id for m in found.meetings if m.status is MeetingStatus.ENDED}
    missing = [
        r.id
        for r in found.rows
        if period.contains(r.day) and r.day <= day and matched.get(r.id) not in ended
    ]
    unrealised = tuple(
        PlanRowLine(row.position, row.day, row.direction, row.topic)
        for row in ((await session.scalars(queries.plan_rows(missing))).all() if missing else [])
    )
    tally = compliance.tally(period, found)
    tasks = tuple(
        line.strip()
        for line in ((content.tasks if content else None) or "").splitlines()
        if line.strip()
    )
    questions = tuple(
        Question(protocol.meeting_day, protocol.number, item.position, item.title)
        for protocol, item in (
            await session.execute(queries.protocol_questions(association.id, year))
        ).all()
    )
    return Analysis(
        association_id=association.id,
        association=association.name,
        locale=association.locale,
        school_year=year,
        day=day,
        roster=len(roster_now),
        attendance=attendance,
        formats=formats,
        effectiveness=only(satisfaction, scale=False),
        satisfaction=only(satisfaction, scale=True),
        unrealised=unrealised,
        courses=courses_table(report_facts, len(roster_now)),
        experience=experience_table(report_facts, len(roster_now)),
        contests=contests,
        open_lessons=lessons,
        diagnostics=diagnostics_table(report_facts, bool(needs), measures),
        theme=content.theme if content else None,
        goal=content.goal if content else None,
        tasks=tasks,
        questions=questions,
        needs=tuple(needs),
        held=tally.held,
        planned=tally.planned,
    )
