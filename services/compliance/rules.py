"""The compliance rules of the regulations, as tables and integer arithmetic (like
services/quorum.py): what each rule is (its seed reference, who is told), the settings per
association kind with the issue's defaults, the periods, what "held" and "planned" mean, and
the findings of one association on one day — a pure function of `Facts`.

Definitions (issue 15, item 4):
- **held**: meetings ended (status «ended») whose day (the ballot deadline of an absentee
  one) falls in the period; extraordinary and absentee ones count; one whose quorum did not
  hold counts too and is named in the finding; a cancelled meeting never counts.
- **planned**: meetings dated in the period, neither ended nor cancelled, plus the rows of
  the plan (kind «заседание» or «практический семинар») dated in the period from today on
  that no meeting stands for. A row stands for the meeting it is linked to (`meeting_id`);
  an unlinked row stands for a not cancelled meeting of the same day that no other row is
  linked to (the first such row by position). A row dated before today with no meeting is
  a plan not kept: it is not "planned" any more.
- a practical seminar counts only at a school of the directory (`venue_school_id`), for the
  meeting and for the plan row alike (002 Annex 4 §3.2 «на площадках образовательных
  организаций»); elsewhere it counts as a meeting, not as the seminar.
- the **shortfall** is a finding when held + planned < the minimum, from the watch day on:
  the plan's deadline for a school year (1 October by default), 1 October (the first day of
  the last quarter) for a calendar year, the first day of the quarter's last month for a
  quarter. After the period's last day an unmet minimum is the closing finding «период
  закрыт с нарушением» (for the period just closed, until the next one closes).
- «анализ не представлен» (**no analysis**): the school year's analysis not submitted from
  its day on (30 June after the year by default), this year's and last year's; none for a
  school year in which the association held no meeting in the bot (it was not using the bot
  then: there is nothing to analyse from the data), nor for one before it existed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from models import AssociationKind, CadencePeriod, Category, MeetingStatus
from services import deadlines


def N_(message: str) -> str:
    """A msgid marked for the catalogs (translated where shown: ui.compliance)."""
    return message


PLAN_DUE = (10, 1)  # 1 October: our setting; the seed implies a plan covering September
# The annual analysis «в конце учебного года» (002 Annex 4 §5.3): by 30 June after the school
# year, our setting (a methodist may move it per kind).
ANALYSIS_DUE = (6, 30)
ROSTER_MIN = 10  # 002 Annex 4 §1.4: an РМО is formed with at least 10 teachers


class Rule(enum.StrEnum):
    MEETINGS = "meetings"  # too few meetings held + planned in the open period
    SEMINAR = "seminar"  # no practical seminar at a school held or planned
    CLOSED = "closed"  # «период закрыт с нарушением»
    NO_PLAN = "no_plan"
    ROSTER = "roster"
    CHAIR_CATEGORY = "chair_category"
    CHAIR_CATEGORY_UNKNOWN = "chair_category_unknown"  # «заполните банк данных»: a note
    NO_REASON = "no_reason"  # an extraordinary meeting without a recorded reason
    PROTOCOL_OVERDUE = "protocol_overdue"
    NO_ANALYSIS = "no_analysis"  # «анализ не представлен» after the school year


class Audience(enum.Enum):
    CHAIR = "chair"  # the chair, and the methodists in the daily digest
    METHODISTS = "methodists"  # the methodists' digest only
    REPORTED = "reported"  # already told by another module: shown in /check, never sent again


@dataclass(frozen=True)
class RuleSpec:
    source: str  # the seed reference (a msgid: services never translate)
    audience: Audience
    note: bool = False  # a note to act on, not a violation


SERVICE_SETTING = N_("a setting of the methodological service")

# The table of rules: each finding's seed reference and who is told.
RULES: Mapping[Rule, RuleSpec] = {
    Rule.MEETINGS: RuleSpec(SERVICE_SETTING, Audience.CHAIR),
    Rule.SEMINAR: RuleSpec(N_("002 Annex 4 §3.2"), Audience.CHAIR),
    Rule.CLOSED: RuleSpec(SERVICE_SETTING, Audience.CHAIR),
    Rule.NO_PLAN: RuleSpec(N_("000 Annex 1; 002 Annex 4 §3.2"), Audience.CHAIR),
    Rule.ROSTER: RuleSpec(N_("002 Annex 4 §1.4"), Audience.METHODISTS),
    Rule.CHAIR_CATEGORY: RuleSpec(N_("002 Annex 4 §3.1; 000 §5.7"), Audience.CHAIR),
    Rule.CHAIR_CATEGORY_UNKNOWN: RuleSpec(N_("002 Annex 4 §3.1, §5.1"), Audience.CHAIR, note=True),
    Rule.NO_REASON: RuleSpec(N_("002 Annex 2 §4.6"), Audience.CHAIR),
    Rule.PROTOCOL_OVERDUE: RuleSpec(N_("002 Annex 2 §4.10"), Audience.REPORTED),
    Rule.NO_ANALYSIS: RuleSpec(N_("000 Annex 2; 002 Annex 4 §5.3"), Audience.CHAIR),
}

# The minimum of meetings, by kind: the seed's clause (a minimum set by a methodist for
# another kind has none).
CADENCE_SOURCES: Mapping[AssociationKind, str] = {
    AssociationKind.RMO: N_("002 Annex 4 §3.2"),
    AssociationKind.COUNCIL: N_("002 Annex 2 §4.6"),
    AssociationKind.MMA: N_("002 Annex 3 §3.3"),
}


def source(rule: Rule, kind: AssociationKind) -> str:
    """The seed reference of a finding (a msgid)."""
    if rule in (Rule.MEETINGS, Rule.CLOSED):
        return CADENCE_SOURCES.get(kind, SERVICE_SETTING)
    return RULES[rule].source


# Categories by rank: педагог-методист and педагог-наставник at least as high as высшая.
CATEGORY_RANK: Mapping[Category, int] = {
    Category.NONE: 0,
    Category.FIRST: 1,
    Category.HIGHEST: 2,
    Category.METHODIST: 2,
    Category.MENTOR: 2,
}
CHAIR_RANK_MIN = CATEGORY_RANK[Category.FIRST]


@dataclass(frozen=True)
class KindRules:
    """The settings of one association kind (a methodist may change them per service)."""

    min_meetings: int  # 0: no minimum
    period: CadencePeriod
    min_seminars: int = 0  # practical seminars at a school per period
    plan_due: tuple[int, int] | None = PLAN_DUE  # (month, day) in the school year's first
    roster_min: int | None = None
    chair_category: bool = False  # the chair needs the first or highest category
    analysis_due: tuple[int, int] | None = None  # (month, day) after the school year


_NONE = KindRules(0, CadencePeriod.SCHOOL_YEAR)

# The defaults per kind (issue 15): a council's «в год» is read as the calendar year — the
# seed does not say which year; a methodist may set the school year instead.
DEFAULTS: Mapping[AssociationKind, KindRules] = {
    AssociationKind.RMO: KindRules(
        4,
        CadencePeriod.SCHOOL_YEAR,
        min_seminars=1,
        roster_min=ROSTER_MIN,
        chair_category=True,
        analysis_due=ANALYSIS_DUE,
    ),
    AssociationKind.GMO: KindRules(
        0, CadencePeriod.SCHOOL_YEAR, chair_category=True, analysis_due=ANALYSIS_DUE
    ),
    AssociationKind.COUNCIL: KindRules(4, CadencePeriod.CALENDAR_YEAR),
    AssociationKind.MMA: KindRules(1, CadencePeriod.QUARTER),
    AssociationKind.SHMO: _NONE,
    AssociationKind.RESOURCE_CENTRE: _NONE,
    AssociationKind.CREATIVE_GROUP: _NONE,
}


@dataclass(frozen=True)
class Period:
    kind: CadencePeriod
    first: date
    last: date

    @property
    def key(self) -> str:
        """Stored with a finding: «sy2026», «cy2026», «q2026-4»."""
        if self.kind is CadencePeriod.SCHOOL_YEAR:
            return f"sy{self.first.year}"
        if self.kind is CadencePeriod.CALENDAR_YEAR:
            return f"cy{self.first.year}"
        return f"q{self.first.year}-{(self.first.month - 1) // 3 + 1}"

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> Period:
        return period_of(self.kind, self.first - timedelta(days=1))


def period_of(kind: CadencePeriod, day: date) -> Period:
    if kind is CadencePeriod.SCHOOL_YEAR:
        first, last = deadlines.school_year_bounds(deadlines.school_year(day))
        return Period(kind, first, last)
    if kind is CadencePeriod.CALENDAR_YEAR:
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    month = (day.month - 1) // 3 * 3 + 1
    first = date(day.year, month, 1)
    return Period(kind, first, deadlines.add_months(first, 3) - timedelta(days=1))


def watch_from(period: Period, rules: KindRules) -> date:
    """From which day a shortfall in the period is a finding."""
    if period.kind is CadencePeriod.SCHOOL_YEAR:
        month, day = rules.plan_due or PLAN_DUE
        return date(period.first.year, month, day)
    if period.kind is CadencePeriod.CALENDAR_YEAR:
        return date(period.first.year, 10, 1)
    return deadlines.add_months(period.first, 2)


@dataclass(frozen=True)
class MeetingFact:
    id: int
    day: date | None  # local; None: a draft without a date
    status: MeetingStatus
    seminar: bool = False
    at_school: bool = False
    extraordinary: bool = False
    reason: bool = True  # an extraordinary meeting's reason is recorded
    valid: bool = True  # an ended meeting's quorum held
    protocol_due: date | None = None  # an ended meeting's: the copy goes out by this day
    protocol_issued: bool = False


@dataclass(frozen=True)
class RowFact:
    id: int
    day: date
    seminar: bool
    at_school: bool
    meeting_id: int | None


@dataclass(frozen=True)
class Facts:
    today: date  # local
    rules: KindRules
    meetings: tuple[MeetingFact, ...] = ()
    rows: tuple[RowFact, ...] = ()  # the meeting rows of the current plans, by position
    approved_years: frozenset[int] = frozenset()  # school years with an approved plan
    roster: int = 0  # M: active voting members
    chair_id: int | None = None
    chair_category: Category | None = None
    since: date | None = None  # the association's first day: no closing finding before
    analysed_years: frozenset[int] = frozenset()  # school years whose analysis was submitted


@dataclass(frozen=True)
class Tally:
    held: int
    planned: int
    held_seminars: int
    planned_seminars: int
    invalid: tuple[date, ...] = ()  # days of meetings held without a valid quorum

    @property
    def total(self) -> int:
        return self.held + self.planned

    @property
    def seminars(self) -> int:
        return self.held_seminars + self.planned_seminars


def match_rows(rows: tuple[RowFact, ...], meetings: tuple[MeetingFact, ...]) -> dict[int, int]:
    """Row id → the meeting it stands for: its explicit link, or else a not cancelled meeting
    of the same day that no row is linked to (the first unlinked row by position takes it)."""
    matched = {r.id: r.meeting_id for r in rows if r.meeting_id is not None}
    taken = set(matched.values())
    for row in rows:
        if row.meeting_id is not None:
            continue
        for meeting in meetings:
            if (
                meeting.id not in taken
                and meeting.status is not MeetingStatus.CANCELLED
                and meeting.day == row.day
            ):
                matched[row.id] = meeting.id
                taken.add(meeting.id)
                break
    return matched


def tally(period: Period, facts: Facts) -> Tally:
    held = planned = held_sem = planned_sem = 0
    invalid: list[date] = []
    for m in facts.meetings:
        if m.day is None or m.status is MeetingStatus.CANCELLED or not period.contains(m.day):
            continue
        at_school = m.seminar and m.at_school
        if m.status is MeetingStatus.ENDED:
            held += 1
            held_sem += at_school
            if not m.valid:
                invalid.append(m.day)
        else:
            planned += 1
            planned_sem += at_school
    matched = match_rows(facts.rows, facts.meetings)
    for row in facts.rows:
        if row.id in matched or not period.contains(row.day) or row.day < facts.today:
            continue
        planned += 1
        planned_sem += row.seminar and row.at_school
    return Tally(held, planned, held_sem, planned_sem, tuple(sorted(invalid)))


@dataclass(frozen=True)
class Found:
    rule: Rule
    period: str = ""
    object_id: int = 0
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def _cadence(period: Period, t: Tally, rules: KindRules) -> dict[str, Any]:
    return {
        "period": period.kind.value,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "held": t.held,
        "planned": t.planned,
        "minimum": rules.min_meetings,
        "seminars": t.seminars,
        "min_seminars": rules.min_seminars,
        "invalid": [d.isoformat() for d in t.invalid],
    }


def evaluate(facts: Facts) -> list[Found]:
    """The findings of one association today."""
    rules, today = facts.rules, facts.today
    found: list[Found] = []
    if rules.min_meetings or rules.min_seminars:
        current = period_of(rules.period, today)
        if today >= watch_from(current, rules):
            t = tally(current, facts)
            details = _cadence(current, t, rules)
            if t.total < rules.min_meetings:
                found.append(Found(Rule.MEETINGS, current.key, 0, details))
            if t.seminars < rules.min_seminars:
                found.append(Found(Rule.SEMINAR, current.key, 0, details))
        closed = current.previous()
        if facts.since is None or facts.since <= closed.last:
            t = tally(closed, facts)
            if t.held < rules.min_meetings or t.held_seminars < rules.min_seminars:
                found.append(Found(Rule.CLOSED, closed.key, 0, _cadence(closed, t, rules)))
    year = deadlines.school_year(today)
    plan_due = rules.plan_due
    if plan_due and today >= date(year, *plan_due) and year not in facts.approved_years:
        found.append(Found(Rule.NO_PLAN, f"sy{year}", 0, {"year": year}))
    if rules.analysis_due:
        # This school year's analysis once its day has come (30 June by default), and last
        # year's until it is submitted; none for a year the association did not exist in,
        # nor for one in which it held no meeting in the bot (it was not using the bot then:
        # there is nothing to analyse from the data, e.g. the year before the feature).
        for ended in (year - 1, year):
            analysis_day = date(ended + 1, *rules.analysis_due)
            first, last = deadlines.school_year_bounds(ended)
            existed = facts.since is None or facts.since <= last
            used = any(
                m.status is MeetingStatus.ENDED and m.day is not None and first <= m.day <= last
                for m in facts.meetings
            )
            if analysis_day <= today and existed and used and ended not in facts.analysed_years:
                found.append(Found(Rule.NO_ANALYSIS, f"sy{ended}", 0, {"year": ended}))
    if rules.roster_min is not None and facts.roster < rules.roster_min:
        found.append(
            Found(Rule.ROSTER, "", 0, {"roster": facts.roster, "minimum": rules.roster_min})
        )
    if rules.chair_category and facts.chair_id is not None:
        if facts.chair_category is None:
            found.append(Found(Rule.CHAIR_CATEGORY_UNKNOWN, "", facts.chair_id))
        elif CATEGORY_RANK[facts.chair_category] < CHAIR_RANK_MIN:
            found.append(Found(Rule.CHAIR_CATEGORY, "", facts.chair_id))
    for m in facts.meetings:
        if m.day is None or m.status in (MeetingStatus.CANCELLED, MeetingStatus.DRAFT):
            continue
        if m.extraordinary and not m.reason:
            found.append(Found(Rule.NO_REASON, "", m.id, {"day": m.day.isoformat()}))
        due = m.protocol_due
        if m.status is MeetingStatus.ENDED and due and today > due and not m.protocol_issued:
            found.append(
                Found(
                    Rule.PROTOCOL_OVERDUE,
                    "",
                    m.id,
                    {"day": m.day.isoformat(), "due": due.isoformat()},
                )
            )
    return found
