"""The outbox keys of the school year's paperwork: the annual plan's approval, compliance
findings and the methodists' digest, the annual analysis. Part of `keys` (re-exported there:
callers write `keys.plan_adopted(...)`); the same rules hold: a format never changes, and
`tests/test_outbox_keys.py` holds each as a literal."""

from __future__ import annotations

from datetime import date

from .key_format import register

_PLAN_APPROVAL_GROUP = register("plan_approval_group", "plan:{plan_id}:approval")
_COMPLIANCE_GROUP = register("compliance_group", "compliance:{association_id}")
_DIGEST_GROUP = register("compliance_digest_group", "compliance_digest:{day}")
_ANALYSIS_GROUP = register("analysis_group", "analysis:{analysis_id}")
_CATEGORY_TERM_GROUP = register("category_term_group", "category_term:{day}")
_CATEGORY_TERM = register(
    "category_term", "category_term:person={person_id}:order={order_date}:to={recipient_id}"
)
_PLAN_ADOPTED = register("plan_adopted", "plan:{plan_id}:adopted:person={person_id}")
_PLAN_APPROVED = register("plan_approved", "plan:{plan_id}:approved:person={person_id}")
_COMPLIANCE = register(
    "compliance_finding",
    "compliance:{association_id}:finding={finding_id}:n={occurrence}:person={person_id}",
)
_DIGEST = register("compliance_digest", "compliance_digest:{day}:person={person_id}")
_ANALYSIS_SUBMITTED = register(
    "analysis_submitted", "analysis:{analysis_id}:submitted:{round}:person={person_id}"
)
_ANALYSIS_DECIDED = register(
    "analysis_decided", "analysis:{analysis_id}:decided:{round}:person={person_id}"
)


# ---------------------------------------------------------------- the annual plan


def plan_approval_group(plan_id: int) -> str:
    """The messages of an edition's approval: adopted (a council's chair asked to approve),
    approved (the chair and the secretary told)."""
    return _PLAN_APPROVAL_GROUP.build(plan_id=plan_id)


def plan_adopted(*, plan_id: int, person_id: int) -> str:
    return _PLAN_ADOPTED.build(plan_id=plan_id, person_id=person_id)


def plan_approved(*, plan_id: int, person_id: int) -> str:
    return _PLAN_APPROVED.build(plan_id=plan_id, person_id=person_id)


def analysis_group(analysis_id: int) -> str:
    """An annual analysis' way to the methodists and back (issue 16)."""
    return _ANALYSIS_GROUP.build(analysis_id=analysis_id)


def analysis_submitted(*, analysis_id: int, round: int, person_id: int) -> str:
    """To each methodist of the service, once per submission."""
    return _ANALYSIS_SUBMITTED.build(analysis_id=analysis_id, round=round, person_id=person_id)


def analysis_decided(*, analysis_id: int, round: int, person_id: int) -> str:
    """To the chair who submitted it: «принято» or «на доработку», once per submission."""
    return _ANALYSIS_DECIDED.build(analysis_id=analysis_id, round=round, person_id=person_id)


# ---------------------------------------------------------------- compliance


def compliance_group(association_id: int) -> str:
    return _COMPLIANCE_GROUP.build(association_id=association_id)


def compliance_finding(
    *, association_id: int, finding_id: int, occurrence: int, person_id: int
) -> str:
    """A finding told to the chair: once per opening (`occurrence`) of the finding."""
    ids = {"association_id": association_id, "finding_id": finding_id}
    return _COMPLIANCE.build(**ids, occurrence=occurrence, person_id=person_id)


def compliance_digest_group(day: date) -> str:
    return _DIGEST_GROUP.build(day=day)


def compliance_digest(*, day: date, person_id: int) -> str:
    """A methodist's digest of the day: one a day."""
    return _DIGEST.build(day=day, person_id=person_id)


# ---------------------------------------------------------------- the data bank


def category_term_group(day: date) -> str:
    """The category reminders enqueued by one day's run (issue 18, item 4)."""
    return _CATEGORY_TERM_GROUP.build(day=day)


def category_term(*, person_id: int, order_date: date, recipient_id: int) -> str:
    """A category's term ends soon: to the teacher and to each methodist of their services,
    once per (person, order date)."""
    return _CATEGORY_TERM.build(
        person_id=person_id, order_date=order_date, recipient_id=recipient_id
    )
