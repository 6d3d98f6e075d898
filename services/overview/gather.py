"""The overview's figures for every association in a scope, from a fixed number of queries
(each aggregated with GROUP BY or listed once for all), then assembled in memory with the
compliance package's own definitions: its settings per kind (`rules_of`), periods, "held"
and "planned" (`tally`), and an overdue protocol (`evaluate`'s PROTOCOL_OVERDUE)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnalysisStatus, MeetingForm, MeetingStatus, PlanRowKind
from services import compliance, deadlines
from services.compliance import Facts, MeetingFact, RowFact, Rule
from services.databank import completeness
from services.overview import queries
from services.overview.rows import OverviewRow, reasons_of
from services.surveys import NEEDS, TemplateKey

# A questionnaire counts as the needs survey when its title names needs or deficits: the
# built-in template's title in either language (services.surveys.templates.NEEDS), or a
# methodist's own «Диагностика потребностей…». Surveys keep no template mark.
MeetingRow = tuple[
    int, int, MeetingForm, MeetingStatus, datetime | None, datetime | None, bool, bool
]
NEEDS_WORDS = ("потребност", "дефицит", "needs", "deficit")


def analysis_accepted(status: AnalysisStatus | None) -> bool | None:
    """Whether the analysis of the last school year (the one written at its end and submitted
    to the service, services.analysis) is accepted; None: none was begun («—»)."""
    return None if status is None else status is AnalysisStatus.ACCEPTED


def is_needs_survey(title: str, template: str | None = None) -> bool:
    """A needs survey: made from the built-in template; one made before the template was
    recorded (or by hand) is known by its title."""
    if template is not None:
        return template == TemplateKey.NEEDS
    folded = title.casefold()
    return NEEDS.title.casefold() in folded or any(w in folded for w in NEEDS_WORDS)


def _percent(part: int, whole: int) -> int | None:
    return None if whole <= 0 else (200 * part + whole) // (2 * whole)  # rounded half up


async def gather(session: AsyncSession, scope: queries.Scope, now: datetime) -> list[OverviewRow]:
    """Every association of the scope, in id order (the caller sorts by attention)."""
    found = (await session.scalars(queries.associations(scope))).all()
    if not found:
        return []
    service_ids = {a.service_id for a in found}
    names = dict((await session.execute(queries.services(service_ids))).all())
    districts = dict((await session.execute(queries.districts(scope))).all())
    settings = {
        (s.service_id, s.kind): s
        for s in (await session.scalars(queries.settings(service_ids))).all()
    }
    chairs: dict[int, str | None] = {}
    for aid, name, _ in await session.execute(queries.chairs(scope)):
        chairs.setdefault(aid, name)
    members = {
        row[0]: row[1:]
        for row in (await session.execute(queries.members(scope, completeness.school_year_of(now))))
    }
    meetings: dict[int, list[MeetingRow]] = defaultdict(list)
    for m in await session.execute(queries.meetings(scope)):
        meetings[m[1]].append(m)
    protocols = {
        mid: (due, issued) for mid, due, issued in (await session.execute(queries.protocols(scope)))
    }
    present = dict((await session.execute(queries.present_in_person(scope))).all())
    present.update((await session.execute(queries.present_by_ballot(scope))).all())
    findings: dict[int, int] = defaultdict(int)
    for aid, rule, n in await session.execute(queries.open_findings(scope)):
        if rule in Rule.__members__.values() and not compliance.RULES[Rule(rule)].note:
            findings[aid] += n
    days = [deadlines.local_day(now, a.timezone) for a in found]
    years = {deadlines.school_year(d) for d in days}
    span = sorted({y for year in years for y in (year - 1, year, year + 1)})
    current: dict[tuple[int, int], int] = {}  # (association, school year) → current edition
    for pid, aid, year, _ in await session.execute(queries.plans(scope, span)):
        current.setdefault((aid, year), pid)
    live = set(current.values())
    rows: dict[int, list[RowFact]] = defaultdict(list)
    for r in (await session.scalars(queries.plan_rows(scope, span))).all():
        if r.plan_id in live and r.day is not None:
            seminar = r.kind is PlanRowKind.SEMINAR
            fact = RowFact(r.id, r.day, seminar, r.venue_school_id is not None, r.meeting_id)
            rows[r.plan_id].append(fact)
    approved: dict[int, set[int]] = defaultdict(set)
    for aid, year in await session.execute(queries.approved(scope)):
        approved[aid].add(year)
    first_day = min(deadlines.school_year_bounds(y)[0] for y in years)
    since = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), now.tzinfo)
    surveys: dict[int, list[tuple[str, str | None, datetime]]] = defaultdict(list)
    for aid, title, template, created in await session.execute(queries.surveys_sent(scope, since)):
        surveys[aid].append((title, template, created))
    last_years = {year - 1 for year in years}
    analyses = {
        (aid, year): status
        for aid, year, status in await session.execute(queries.analyses(scope, last_years))
    }

    out = []
    for association, today in zip(found, days, strict=True):
        aid = association.id
        roster, voting, joined, kept, filled = members.get(aid, (0, 0, 0, 0, 0))
        rules = compliance.rules_of(
            association.kind, settings.get((association.service_id, association.kind))
        )
        year = deadlines.school_year(today)
        year_first, year_last = deadlines.school_year_bounds(year)
        facts_meetings: list[MeetingFact] = []
        shares: list[tuple[int, int]] = []
        last: date | None = None
        upcoming: list[date] = []
        for mid, _, form, status, starts_at, ballot, seminar, at_school in meetings.get(aid, []):
            moment = ballot if form is MeetingForm.ABSENTEE else starts_at
            day = deadlines.local_day(moment, association.timezone) if moment else None
            due, issued = None, False
            if status is MeetingStatus.ENDED and day is not None:
                due, issued = protocols.get(
                    mid, (deadlines.add_months(day, association.protocol_months), False)
                )
                last = day if last is None or day > last else last
                if year_first <= day <= year_last:
                    shares.append((int(present.get(mid, 0)), int(voting or 0)))
                if not issued and due >= today:
                    upcoming.append(due)
            facts_meetings.append(
                MeetingFact(
                    id=mid,
                    day=day,
                    status=status,
                    seminar=bool(seminar),
                    at_school=bool(at_school),
                    protocol_due=due,
                    protocol_issued=issued,
                )
            )
        plan_rows = tuple(
            fact
            for y in (year - 1, year, year + 1)
            for fact in rows.get(current.get((aid, y), 0), [])
        )
        facts = Facts(
            today=today,
            rules=rules,
            meetings=tuple(facts_meetings),
            rows=plan_rows,
            approved_years=frozenset(approved.get(aid, set())),
        )
        period = compliance.period_of(rules.period, today)
        t = compliance.tally(period, facts)
        overdue = sum(f.rule is Rule.PROTOCOL_OVERDUE for f in compliance.evaluate(facts))
        plan_ok = year in facts.approved_years
        plan_due = date(year, *rules.plan_due) if rules.plan_due else None
        watch = compliance.watch_from(period, rules)
        short = rules.min_meetings > 0 and t.total < rules.min_meetings
        needs = any(
            is_needs_survey(title, template)
            and deadlines.local_day(created, association.timezone) >= year_first
            for title, template, created in surveys.get(aid, [])
        )
        mean = None
        valid_shares = [(p, m) for p, m in shares if m > 0]
        if valid_shares:
            total = sum(100 * p / m for p, m in valid_shares) / len(valid_shares)
            mean = int(total + 0.5)
        out.append(
            OverviewRow(
                association_id=aid,
                service_id=association.service_id,
                service=names.get(association.service_id, ""),
                name=association.name,
                kind=association.kind,
                chair=chairs.get(aid),
                joined=int(joined or 0),
                roster=int(roster or 0),
                voting=int(voting or 0),
                bank_percent=completeness.percent(int(filled or 0), int(kept or 0)),
                held=t.held,
                planned=t.planned,
                minimum=rules.min_meetings,
                attendance_percent=mean,
                last_meeting=last,
                protocols_overdue=overdue,
                open_findings=findings.get(aid, 0),
                needs_survey=needs,
                plan_approved=plan_ok,
                analysis_accepted=analysis_accepted(analyses.get((aid, year - 1))),
                reasons=reasons_of(
                    today,
                    open_findings=findings.get(aid, 0),
                    overdue=overdue,
                    protocol_due=min(upcoming, default=None),
                    plan_approved=plan_ok,
                    plan_due=plan_due,
                    minimum_watch=watch if short else None,
                    needs_survey=needs,
                ),
                district=districts.get(aid, ""),
            )
        )
    return out


def sort_by_attention(rows: list[OverviewRow]) -> list[OverviewRow]:
    return sorted(rows, key=lambda r: r.attention)
