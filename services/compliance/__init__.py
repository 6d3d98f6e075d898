"""Compliance with the regulations (issue 15, item 4): the rules as one table with integer
arithmetic (`rules`: settings per association kind, periods, "held" and "planned", the
findings of a day as a pure function), the facts of an association (`facts`), the findings
kept once per (association, rule, period, object) (`findings`), the daily job that tells the
chair and sends the methodists one digest a day (`daily`), /check (`views`), and a
methodist's settings per kind (`settings`)."""

from services.compliance.daily import DIGEST, FINDING, KINDS, DailyReport, run_daily
from services.compliance.facts import gather, rules_of
from services.compliance.findings import FindingView, finding_views
from services.compliance.rules import (
    CATEGORY_RANK,
    DEFAULTS,
    RULES,
    Audience,
    Facts,
    Found,
    KindRules,
    MeetingFact,
    Period,
    RowFact,
    Rule,
    Tally,
    evaluate,
    match_rows,
    period_of,
    tally,
    watch_from,
)
from services.compliance.settings import set_kind_rules
from services.compliance.views import CheckView, check

__all__ = [
    "CATEGORY_RANK",
    "DEFAULTS",
    "DIGEST",
    "FINDING",
    "KINDS",
    "RULES",
    "Audience",
    "CheckView",
    "DailyReport",
    "Facts",
    "FindingView",
    "Found",
    "KindRules",
    "MeetingFact",
    "Period",
    "RowFact",
    "Rule",
    "Tally",
    "check",
    "evaluate",
    "finding_views",
    "gather",
    "match_rows",
    "period_of",
    "rules_of",
    "run_daily",
    "set_kind_rules",
    "tally",
    "watch_from",
]
