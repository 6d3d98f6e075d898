"""Compliance with the regulations (issue 15, item 4) and a plan row becoming a meeting
(item 3), on SQLite and PostgreSQL: the periods by kind (an РМО's school year turning at
1 September local time, a council's calendar year, an ММА's quarter), "held" and "planned"
as defined in services/compliance/rules.py, a practical seminar counting only at a school,
each finding told to the chair once (again only after it cleared and came back), the
methodists' digest once a day, the settings per kind, and the rules on the chair's
category, an extraordinary meeting's reason and a late protocol (reported elsewhere)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AnnualPlanRow,
    Association,
    AssociationKind,
    Attendance,
    CadencePeriod,
    Category,
    ComplianceFinding,
    Meeting,
    MeetingForm,
    MeetingStatus,
    OutboxMessage,
    Person,
    PlanRowKind,
    Presence,
)
from services import associations, compliance, deadlines, invites, plans, schools
from services.clock import FixedClock
from services.compliance import Facts, KindRules, MeetingFact, RowFact, Rule
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.plans import RowInput
from tests.factories import ADMIN, World, make_world, register
from tests.helpers import count

TZ = "Asia/Novosibirsk"  # UTC+7
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 on 1 December in Novosibirsk
ENDED, PUBLISHED = MeetingStatus.ENDED, MeetingStatus.PUBLISHED
RMO = compliance.DEFAULTS[AssociationKind.RMO]
INFO = plans.DIRECTIONS[0]


# ---------------------------------------------------------------- the rules, pure


def facts(today: date, rules: KindRules = RMO, **kw: object) -> Facts:
    return Facts(today=today, rules=rules, **kw)  # type: ignore[arg-type]


def rules_of(found: list[compliance.Found]) -> list[tuple[Rule, str]]:
    return [(f.rule, f.period) for f in found]


def test_periods_by_kind() -> None:
    sy = compliance.period_of(CadencePeriod.SCHOOL_YEAR, date(2026, 9, 1))
    assert (sy.first, sy.last, sy.key) == (date(2026, 9, 1), date(2027, 8, 31), "sy2026")
    assert compliance.period_of(CadencePeriod.SCHOOL_YEAR, date(2026, 8, 31)).key == "sy2025"
    cy = compliance.period_of(CadencePeriod.CALENDAR_YEAR, date(2026, 9, 1))
    assert (cy.first, cy.last, cy.key) == (date(2026, 1, 1), date(2026, 12, 31), "cy2026")
    q = compliance.period_of(CadencePeriod.QUARTER, date(2026, 11, 30))
    assert (q.first, q.last, q.key) == (date(2026, 10, 1), date(2026, 12, 31), "q2026-4")
    assert q.previous().key == "q2026-3"
    # The shortfall is watched from the plan's deadline, 1 October, the quarter's last month.
    assert compliance.watch_from(sy, RMO) == date(2026, 10, 1)
    assert compliance.watch_from(cy, RMO) == date(2026, 10, 1)
    assert compliance.watch_from(q, RMO) == date(2026, 12, 1)


def test_defaults_per_kind() -> None:
    d = compliance.DEFAULTS
    assert (d[AssociationKind.RMO].min_meetings, d[AssociationKind.RMO].min_seminars) == (4, 1)
    assert d[AssociationKind.RMO].period is CadencePeriod.SCHOOL_YEAR
    assert d[AssociationKind.RMO].roster_min == 10
    assert d[AssociationKind.COUNCIL].min_meetings == 4
    assert d[AssociationKind.COUNCIL].period is CadencePeriod.CALENDAR_YEAR
    assert (d[AssociationKind.MMA].min_meetings, d[AssociationKind.MMA].period) == (
        1,
        CadencePeriod.QUARTER,
    )
    for kind in (AssociationKind.SHMO, AssociationKind.RESOURCE_CENTRE):
        assert (d[kind].min_meetings, d[kind].min_seminars) == (0, 0)
    assert d[AssociationKind.GMO].chair_category and not d[AssociationKind.SHMO].chair_category
    # педагог-методист and педагог-наставник rank as high as высшая.
    rank = compliance.CATEGORY_RANK
    assert rank[Category.METHODIST] == rank[Category.MENTOR] == rank[Category.HIGHEST]


def test_held_and_planned_as_defined() -> None:
    today = date(2026, 12, 1)
    meetings = (
        MeetingFact(1, date(2026, 10, 5), ENDED),  # held
        MeetingFact(2, date(2026, 11, 5), ENDED, valid=False),  # held, named: no quorum
        MeetingFact(3, date(2026, 11, 20), MeetingStatus.CANCELLED),  # never
        MeetingFact(4, date(2027, 2, 10), PUBLISHED),  # planned
        MeetingFact(5, date(2027, 3, 10), MeetingStatus.DRAFT),  # planned
        MeetingFact(6, date(2026, 8, 20), ENDED),  # the last school year
    )
    rows = (
        RowFact(10, date(2027, 2, 10), False, False, 4),  # linked: the meeting counts
        RowFact(11, date(2027, 3, 10), False, False, None),  # same day as meeting 5
        RowFact(12, date(2027, 4, 10), False, False, None),  # planned
        RowFact(13, date(2026, 11, 25), False, False, None),  # gone by without a meeting
        RowFact(14, date(2026, 11, 20), False, False, None),  # the cancelled one's day
    )
    f = facts(today, meetings=meetings, rows=rows)
    assert compliance.match_rows(rows, meetings) == {10: 4, 11: 5}
    t = compliance.tally(compliance.period_of(CadencePeriod.SCHOOL_YEAR, today), f)
    assert (t.held, t.planned, t.invalid) == (2, 3, (date(2026, 11, 5),))


def test_a_seminar_counts_only_at_a_school() -> None:
    today = date(2026, 12, 1)
    sy = compliance.period_of(CadencePeriod.SCHOOL_YEAR, today)
    elsewhere = MeetingFact(1, date(2026, 10, 5), ENDED, seminar=True, at_school=False)
    at_school = MeetingFact(1, date(2026, 10, 5), ENDED, seminar=True, at_school=True)
    t = compliance.tally(sy, facts(today, meetings=(elsewhere,)))
    assert (t.held, t.seminars) == (1, 0)
    t = compliance.tally(sy, facts(today, meetings=(at_school,)))
    assert (t.held, t.held_seminars) == (1, 1)
    row_elsewhere = RowFact(7, date(2027, 2, 1), True, False, None)
    row_at_school = RowFact(7, date(2027, 2, 1), True, True, None)
    assert compliance.tally(sy, facts(today, rows=(row_elsewhere,))).seminars == 0
    assert compliance.tally(sy, facts(today, rows=(row_at_school,))).planned_seminars == 1
    found = compliance.evaluate(
        facts(today, meetings=(elsewhere,), approved_years=frozenset({2026}))
    )
    assert (Rule.SEMINAR, "sy2026") in rules_of(found)
    found = compliance.evaluate(
        facts(today, meetings=(at_school,), approved_years=frozenset({2026}))
    )
    assert (Rule.SEMINAR, "sy2026") not in rules_of(found)


def test_an_rmo_is_watched_from_the_plans_deadline_and_closed_at_the_years_end() -> None:
    four = tuple(MeetingFact(i, date(2026, 9 + i, 5), ENDED) for i in range(3))
    approved = frozenset({2026})
    # 30 September: not yet; 1 October: three of four, no seminar.
    analysed = frozenset({2025})  # last year's analysis went to the methodists
    assert compliance.evaluate(
        facts(date(2026, 9, 30), meetings=four, roster=12, analysed_years=analysed)
    ) == [compliance.Found(Rule.CLOSED, "sy2025")]
    found = compliance.evaluate(
        facts(date(2026, 10, 1), meetings=four, approved_years=approved, roster=12,
              since=date(2026, 9, 1))
    )  # fmt: skip
    assert rules_of(found) == [(Rule.MEETINGS, "sy2026"), (Rule.SEMINAR, "sy2026")]
    assert found[0].details["held"] == 3 and found[0].details["minimum"] == 4
    # 1 September 2027: the year closed with a violation (three held, no seminar).
    found = compliance.evaluate(
        facts(date(2027, 9, 1), meetings=four, approved_years=approved, roster=12,
              since=date(2026, 9, 1))
    )  # fmt: skip
    assert rules_of(found) == [(Rule.CLOSED, "sy2026"), (Rule.NO_ANALYSIS, "sy2026")]


def test_the_analysis_not_submitted_after_its_day() -> None:
    """«Анализ не представлен»: from 30 June after the school year (a setting) until it is
    submitted; not for a year the association did not exist in or held no meeting in the
    bot in; not for a council."""
    since = date(2026, 9, 1)
    held = (MeetingFact(1, date(2026, 10, 5), ENDED),)

    def no_analysis(today: date, **kw: object) -> list[tuple[Rule, str]]:
        given: dict[str, Any] = {"since": since, "roster": 12, "meetings": held, **kw}
        found = compliance.evaluate(facts(today, **given))
        return [f for f in rules_of(found) if f[0] is Rule.NO_ANALYSIS]

    assert no_analysis(date(2027, 6, 29)) == []
    assert no_analysis(date(2027, 6, 30)) == [(Rule.NO_ANALYSIS, "sy2026")]
    assert no_analysis(date(2027, 10, 1)) == [(Rule.NO_ANALYSIS, "sy2026")]  # still missing
    assert no_analysis(date(2027, 6, 30), analysed_years=frozenset({2026})) == []
    assert no_analysis(date(2027, 6, 30), since=date(2027, 9, 1)) == []
    later = KindRules(4, CadencePeriod.SCHOOL_YEAR, analysis_due=(8, 15))
    assert no_analysis(date(2027, 8, 14), rules=later) == []
    assert no_analysis(date(2027, 8, 15), rules=later) == [(Rule.NO_ANALYSIS, "sy2026")]
    council = compliance.DEFAULTS[AssociationKind.COUNCIL]
    assert no_analysis(date(2027, 7, 1), rules=council) == []
    # A year without a meeting held in the bot (the bot not used yet, e.g. the year before
    # the feature): nothing to analyse from the data, no finding — a cancelled or a merely
    # published meeting is not held.
    assert no_analysis(date(2027, 6, 30), meetings=()) == []
    assert no_analysis(date(2027, 6, 30), since=None, meetings=()) == []
    idle = (
        MeetingFact(2, date(2026, 11, 5), MeetingStatus.CANCELLED),
        MeetingFact(3, date(2027, 5, 5), MeetingStatus.PUBLISHED),
        MeetingFact(4, date(2027, 9, 5), ENDED),  # next school year's
    )
    assert no_analysis(date(2027, 10, 1), meetings=idle) == []
    # Held only last year: last year's finding stays, this year's is not raised.
    assert no_analysis(date(2028, 7, 1), since=None) == [(Rule.NO_ANALYSIS, "sy2026")]


def test_a_council_counts_the_calendar_year_and_an_mma_the_quarter() -> None:
    council = compliance.DEFAULTS[AssociationKind.COUNCIL]
    # Two school years, one calendar year: February and October 2026 both count in 2026.
    held = (MeetingFact(1, date(2026, 2, 10), ENDED), MeetingFact(2, date(2026, 10, 10), ENDED))
    f = facts(date(2026, 12, 1), council, meetings=held, approved_years=frozenset({2026}),
              since=date(2026, 1, 1))  # fmt: skip
    [found] = compliance.evaluate(f)
    assert (found.rule, found.period, found.details["held"]) == (Rule.MEETINGS, "cy2026", 2)
    f = facts(date(2027, 1, 5), council, meetings=held, approved_years=frozenset({2026}),
              since=date(2026, 1, 1))  # fmt: skip
    assert rules_of(compliance.evaluate(f)) == [(Rule.CLOSED, "cy2026")]
    mma = compliance.DEFAULTS[AssociationKind.MMA]
    ok = frozenset({2026})
    # The quarter's last month is watched: 30 November nothing, 1 December a finding.
    assert compliance.evaluate(facts(date(2026, 11, 30), mma, approved_years=ok,
                                     since=date(2026, 10, 1))) == []  # fmt: skip
    f = facts(date(2026, 12, 1), mma, approved_years=ok, since=date(2026, 10, 1))
    assert rules_of(compliance.evaluate(f)) == [(Rule.MEETINGS, "q2026-4")]
    planned = (MeetingFact(1, date(2026, 12, 20), PUBLISHED),)
    f = facts(date(2026, 12, 1), mma, meetings=planned, approved_years=ok, since=date(2026, 10, 1))
    assert compliance.evaluate(f) == []
    # 1 January: the quarter closed without a meeting held (the planned one never ended).
    f = facts(date(2027, 1, 1), mma, meetings=planned, approved_years=ok, since=date(2026, 10, 1))
    assert rules_of(compliance.evaluate(f)) == [(Rule.CLOSED, "q2026-4")]


def test_the_other_rules() -> None:
    today = date(2026, 12, 1)
    none = KindRules(0, CadencePeriod.SCHOOL_YEAR, plan_due=None, roster_min=10,
                     chair_category=True)  # fmt: skip
    f = facts(today, none, roster=9, chair_id=5, chair_category=Category.NONE)
    assert rules_of(compliance.evaluate(f)) == [(Rule.ROSTER, ""), (Rule.CHAIR_CATEGORY, "")]
    f = facts(today, none, roster=10, chair_id=5, chair_category=None)
    [note] = compliance.evaluate(f)
    assert (note.rule, note.object_id) == (Rule.CHAIR_CATEGORY_UNKNOWN, 5)
    assert compliance.RULES[note.rule].note
    for category in (Category.FIRST, Category.HIGHEST, Category.METHODIST, Category.MENTOR):
        assert compliance.evaluate(facts(today, none, roster=10, chair_id=5,
                                         chair_category=category)) == []  # fmt: skip
    meetings = (
        MeetingFact(1, date(2026, 11, 2), ENDED, extraordinary=True, reason=False,
                    protocol_due=date(2026, 12, 2)),
        MeetingFact(2, date(2026, 10, 2), ENDED, protocol_due=date(2026, 11, 2)),
        MeetingFact(3, date(2026, 10, 9), ENDED, protocol_due=date(2026, 11, 9),
                    protocol_issued=True),
    )  # fmt: skip
    f = facts(today, KindRules(0, CadencePeriod.SCHOOL_YEAR, plan_due=None), meetings=meetings)
    assert [(x.rule, x.object_id) for x in compliance.evaluate(f)] == [
        (Rule.NO_REASON, 1),
        (Rule.PROTOCOL_OVERDUE, 2),
    ]
    assert compliance.RULES[Rule.PROTOCOL_OVERDUE].audience is compliance.Audience.REPORTED
    assert compliance.RULES[Rule.ROSTER].audience is compliance.Audience.METHODISTS


# ---------------------------------------------------------------- on both engines


async def world_of(session: AsyncSession, clock: FixedClock) -> tuple[World, Actor]:
    """The РМО of the factories (its chair alone on the roster) and a methodist."""
    world = await make_world(session, clock)
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    methodist = await register(session, link.token, 6001, clock, name="Методист Службы")
    return world, methodist


async def add_meeting(
    session: AsyncSession,
    world: World,
    day: date,
    status: MeetingStatus = ENDED,
    *,
    at: time = time(15, 0),
    tz: str = TZ,
    **fields: object,
) -> int:
    meeting = Meeting(
        association_id=world.association_id,
        topic="Заседание",
        form=MeetingForm.IN_PERSON,
        starts_at=deadlines.at_local(day, at, tz),
        status=status,
        **fields,
    )
    session.add(meeting)
    await session.flush()
    if status is ENDED:  # the chair came: the quorum of a roster of one holds
        session.add(
            Attendance(
                meeting_id=meeting.id,
                person_id=world.chair.person_id,
                status=Presence.PRESENT,
                at=NOW,
            )
        )
    await session.commit()
    return meeting.id


async def outbox_rows(session: AsyncSession, kind: str) -> list[OutboxMessage]:
    found = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    )
    return list(found.all())


async def test_each_finding_is_told_once_and_the_digest_once_a_day(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, methodist = await world_of(session, clock)
    clock.set(NOW)
    await session.execute(
        update(Person).where(Person.id == world.chair.person_id).values(category=Category.FIRST)
    )
    await session.commit()
    for day in (date(2026, 10, 5), date(2026, 11, 5)):
        await add_meeting(session, world, day)
    await add_meeting(session, world, date(2027, 2, 10), PUBLISHED)
    report = await compliance.run_daily(session, NOW)
    # Three of four (a seminar missing), no approved plan, a roster of one (the methodist's),
    # the protocol of 5 October not sent by 5 November.
    kept = (await session.scalars(select(ComplianceFinding).order_by(ComplianceFinding.id))).all()
    assert [(f.rule, f.period, f.occurrence) for f in kept] == [
        ("meetings", "sy2026", 1),
        ("seminar", "sy2026", 1),
        ("no_plan", "sy2026", 1),
        ("roster", "", 1),
        ("protocol_overdue", "", 1),  # reported by the protocols package: not sent again
    ]
    assert kept[0].details["held"] == 2 and kept[0].details["planned"] == 1
    to_chair = await outbox_rows(session, compliance.FINDING)
    assert [(r.person_id, r.dedupe_key) for r in to_chair] == [
        (world.chair.person_id, f"compliance:{world.association_id}:finding={f.id}:n=1:"
                                f"person={world.chair.person_id}")
        for f in kept[:3]
    ]  # fmt: skip
    [digest] = await outbox_rows(session, compliance.DIGEST)
    assert digest.person_id == methodist.person_id
    assert digest.dedupe_key == f"compliance_digest:2026-12-01:person={methodist.person_id}"
    assert digest.params["finding_ids"] == [f.id for f in kept[:4]]
    assert (report.opened, report.messages, report.digests) == (5, 3, 1)
    # The same day again, and the next day: nothing new is sent.
    await compliance.run_daily(session, NOW + timedelta(hours=2))
    clock.set(NOW + timedelta(days=1))
    again = await compliance.run_daily(session, clock.now())
    assert (again.opened, again.messages, again.digests) == (0, 0, 0)
    assert await count(session, OutboxMessage) == 4
    # A planned meeting more: the shortfall clears; the meeting cancelled: it comes back,
    # told once more (its second occurrence), and the methodist's digest of that day.
    extra = await add_meeting(session, world, date(2027, 3, 10), PUBLISHED)
    cleared = await compliance.run_daily(session, clock.now())
    assert cleared.cleared == 1
    await session.execute(
        update(Meeting).where(Meeting.id == extra).values(status=MeetingStatus.CANCELLED)
    )
    await session.commit()
    clock.set(NOW + timedelta(days=2))
    back = await compliance.run_daily(session, clock.now())
    assert (back.opened, back.messages, back.digests) == (1, 1, 1)
    await session.refresh(kept[0])
    assert (kept[0].occurrence, kept[0].cleared_at) == (2, None)
    last = (await outbox_rows(session, compliance.FINDING))[-1]
    assert last.dedupe_key.endswith(f"finding={kept[0].id}:n=2:person={world.chair.person_id}")
    digests = await outbox_rows(session, compliance.DIGEST)
    assert [d.dedupe_key for d in digests] == [
        f"compliance_digest:2026-12-01:person={methodist.person_id}",
        f"compliance_digest:2026-12-03:person={methodist.person_id}",
    ]


async def test_the_school_year_turns_at_1_september_local_time(
    session: AsyncSession, clock: FixedClock
) -> None:
    """02:00 on 1 September in Vladivostok is 31 August in UTC: the new school year."""
    world, _methodist = await world_of(session, clock)
    vladivostok = "Asia/Vladivostok"
    await session.execute(
        update(Association)
        .where(Association.id == world.association_id)
        .values(timezone=vladivostok)
    )
    await session.commit()
    await add_meeting(session, world, date(2027, 9, 1), at=time(2, 0), tz=vladivostok)
    await add_meeting(session, world, date(2027, 8, 31), at=time(23, 0), tz=vladivostok)
    association = await session.get_one(Association, world.association_id)
    now = datetime(2027, 9, 2, 0, 0, tzinfo=UTC)
    checked = await compliance.check(session, world.chair, now)
    assert (checked[0].period.key, checked[0].tally.held) == ("sy2027", 1)
    found = {(f.rule, f.period): f for f in checked[0].findings}
    closed = found[(Rule.CLOSED, "sy2026")]
    assert closed.details["held"] == 1
    assert association.timezone == vladivostok


async def test_a_setting_per_kind_gives_a_kind_without_a_minimum_one(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, methodist = await world_of(session, clock)
    await session.execute(
        update(Association)
        .where(Association.id == world.association_id)
        .values(kind=AssociationKind.SHMO)
    )
    await session.commit()
    [view] = await compliance.check(session, world.chair, NOW)
    assert [f.rule for f in view.findings] == [Rule.NO_PLAN]  # no minimum of meetings
    quarterly = KindRules(2, CadencePeriod.QUARTER)
    with pytest.raises(DomainError) as refused:
        await compliance.set_kind_rules(
            session, world.chair, world.service_id, AssociationKind.SHMO, quarterly, NOW
        )
    assert refused.value.code is ErrorCode.FORBIDDEN
    await compliance.set_kind_rules(
        session, methodist, world.service_id, AssociationKind.SHMO, quarterly, NOW
    )
    [view] = await compliance.check(session, world.chair, NOW)
    assert [(f.rule, f.period) for f in view.findings] == [
        (Rule.MEETINGS, "q2026-4"),
        (Rule.NO_PLAN, "sy2026"),
    ]


async def test_a_plan_row_becomes_a_meeting_draft_once(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _methodist = await world_of(session, clock)
    clock.set(NOW)
    chair = world.chair
    school = await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, "МАОУ «Лицей № 21»", NOW
    )
    plan = await plans.create_draft(session, chair, world.association_id, 2026, NOW)
    rows = [
        RowInput(INFO, "Практический семинар «Открытые уроки»", date(2027, 2, 12),
                 PlanRowKind.SEMINAR, venue_school_id=school.id),
        RowInput(INFO, "Круглый стол", date(2027, 3, 12), PlanRowKind.OTHER),
        RowInput(INFO, "Заседание без даты", None, PlanRowKind.MEETING),
    ]  # fmt: skip
    for row in rows:
        plan = await plans.add_row(session, chair, plan.id, plan.version, row, NOW)
    seminar_row, other_row, undated_row = plan.row_ids
    view = await plans.meeting_from_row(session, chair, plan.id, seminar_row, NOW)
    meeting = await session.get_one(Meeting, view.id)
    assert (meeting.topic, meeting.status, meeting.form) == (
        "Практический семинар «Открытые уроки»",
        MeetingStatus.DRAFT,
        MeetingForm.IN_PERSON,
    )
    assert meeting.starts_at == deadlines.at_local(date(2027, 2, 12), time(15, 0), TZ)
    assert (meeting.practical_seminar, meeting.venue_school_id, meeting.place) == (
        True,
        school.id,
        "МАОУ «Лицей № 21»",
    )
    linked = await session.get_one(AnnualPlanRow, seminar_row)
    assert linked.meeting_id == meeting.id
    # Refused, nothing written: the row again, a row not a meeting, a row without a date,
    # another association's chair (a forged button).
    before = await count(session, Meeting)
    for row_id, code in (
        (seminar_row, ErrorCode.PLAN_ROW_LINKED),
        (other_row, ErrorCode.PLAN_ROW_NOT_MEETING),
        (undated_row, ErrorCode.PLAN_ROW_NOT_MEETING),
    ):
        with pytest.raises(DomainError) as refused:
            await plans.meeting_from_row(session, chair, plan.id, row_id, NOW)
        assert refused.value.code is code
    other = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=world.municipality_id,
        timezone=TZ,
        now=NOW,
    )
    stranger = await register(session, other.chair_token, 2900, clock, name="Физиков Олег")
    with pytest.raises(DomainError) as refused:
        await plans.meeting_from_row(session, stranger, plan.id, other_row, NOW)
    assert refused.value.code is ErrorCode.FORBIDDEN
    assert await count(session, Meeting) == before
    # The seminar at the school is planned: the check counts it once (row and meeting).
    [checked] = await compliance.check(session, chair, NOW)
    assert (checked.tally.planned, checked.tally.planned_seminars) == (1, 1)
    # Its meeting cancelled, the row may become a meeting again.
    await session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(status=MeetingStatus.CANCELLED)
    )
    await session.commit()
    again = await plans.meeting_from_row(session, chair, plan.id, seminar_row, NOW)
    assert again.id != meeting.id
    await session.refresh(linked)
    assert linked.meeting_id == again.id
