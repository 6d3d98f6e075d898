"""Approval of the annual plan at a meeting (issue 15, item 2) on SQLite and PostgreSQL: the
question «Об утверждении плана работы…» added to a draft or a published meeting, the plan's
content frozen by the notice, approval only through a decision adopted under the decision
quorum (adopted, rejected, no quorum, never voted) when the protocol is signed, an edit after
the notice kept as a new edition, a council's two steps (принят — утверждён председателем),
forged calls for another association's plan or meeting, the chair and the secretary told
through the outbox, and the DOCX heading with the protocol's number and date."""

from __future__ import annotations

import io
from datetime import time, timedelta

import pytest
from docx import Document
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from documents.plan import docx_bytes
from models import (
    AgendaItem,
    AnnualPlan,
    Association,
    AssociationKind,
    AuditEntry,
    Choice,
    MeetingForm,
    PlanStatus,
)
from services import associations, deadlines, meetings, plans, protocols
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.plans import PlanField
from tests.approval_world import (
    DAY,
    NOW,
    TITLE,
    draft_plan,
    held_and_signed,
    meeting_with_plan,
    plan_row,
    team,
    told,
)
from tests.factories import ADMIN, register
from tests.helpers import count


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def heading(content: plans.PlanContent) -> list[str]:
    """The DOCX's first four lines: the approval block, then the title."""
    document = Document(io.BytesIO(docx_bytes(content)))
    return [p.text for p in document.paragraphs if p.text.strip()][:4]


async def test_an_adopted_decision_approves_the_frozen_plan_when_the_protocol_is_signed(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, t1, _t2) = await team(session, clock)
    plan_id = await draft_plan(session, world)
    meeting_id = await meeting_with_plan(session, world, plan_id)
    [item] = (await session.scalars(select(AgendaItem))).all()
    assert item.plan_id == plan_id and item.plan_snapshot is not None
    assert item.plan_snapshot["theme"] == "Тема года"
    frozen_version = item.plan_version
    await session.commit()

    # The chair edits the plan after the notice: not what the meeting approves.
    view = await plans.get_plan(session, world.chair, plan_id)
    assert view.version == frozen_version
    view = await plans.set_field(
        session, world.chair, plan_id, view.version, PlanField.THEME, "Другая тема", NOW
    )

    # P = 4 of M = 5: the decision quorum holds (3·4 ≥ 2·5); 3 for, 1 against: adopted.
    present = [world.chair, secretary, t0, t1]
    ballot = [Choice.FOR, Choice.FOR, Choice.FOR, Choice.AGAINST]
    protocol = await held_and_signed(session, world, secretary, meeting_id, present, ballot)

    plan = await plan_row(session, plan_id)
    assert plan.status is PlanStatus.APPROVED
    assert (plan.protocol_number, plan.protocol_date) == (1, DAY)
    assert protocol.number == 1 and plan.approved_at is not None
    # What was approved is the frozen content: the DOCX of the approved edition says so,
    # and its rows and fields are the frozen ones again.
    content = await plans.plan_content(session, world.chair, plan_id)
    assert (content.theme, content.status, content.edition) == ("Тема года", PlanStatus.APPROVED, 1)
    assert (content.protocol_number, content.protocol_date) == (1, DAY)
    approved = await plans.get_plan(session, world.chair, plan_id)
    assert approved.content.theme == "Тема года" and not approved.can_edit
    assert [r.topic for r in approved.content.rows] == ["Заседание 1"]
    # The edit after the notice is edition 2, a draft that needs approval again.
    [current, kept] = await plans.editions(session, world.chair, world.association_id, 2026)
    assert (current.content.edition, current.status) == (2, PlanStatus.DRAFT)
    assert current.content.theme == "Другая тема" and current.can_edit
    assert [r.topic for r in current.content.rows] == ["Заседание 1"]
    assert kept.id == plan_id

    # The chair and the secretary are told, once each.
    chair_id, secretary_id = world.chair.person_id, secretary.person_id
    assert await told(session, plans.APPROVED) == sorted(
        [
            (chair_id, f"plan:{plan_id}:approved:person={chair_id}"),
            (secretary_id, f"plan:{plan_id}:approved:person={secretary_id}"),
        ],
        key=lambda pair: pair[0] or 0,
    )
    assert await told(session, plans.ADOPTED) == []

    # The DOCX heading: «Утверждено на заседании … Протокол № 1 от 20.12.2026».
    assert heading(content) == [
        "Утверждено на заседании",
        "РМО учителей математики",
        "Протокол № 1 от 20.12.2026",
        "План работы профессионального объединения педагогов",
    ]
    document = Document(io.BytesIO(docx_bytes(content)))
    assert "Методическая тема: Тема года" in [p.text for p in document.paragraphs]

    # A correction of the protocol, signed again: the approval stands as it was, told once.
    later = NOW + timedelta(days=25)
    corrected = await protocols.correct(session, secretary, protocol.id, "Опечатка", later)
    await protocols.sign(session, secretary, protocol.id, corrected.revision, later)
    await protocols.sign(session, world.chair, protocol.id, corrected.revision, later)
    again = await plan_row(session, plan_id)
    assert (again.status, again.approved_at) == (PlanStatus.APPROVED, plan.approved_at)
    assert len(await told(session, plans.APPROVED)) == 2
    assert await count(session, AuditEntry, AuditEntry.action == "plan.not_approved") == 0

    # Asked again, by the same protocol: refused, nothing changes.
    with pytest.raises(DomainError) as err:
        await plans.approve_by_protocol(session, world.chair, plan_id, protocol.id, NOW)
    assert err.value.code is ErrorCode.PLAN_APPROVED
    # An approved edition is not put to approval again (a change is a new edition).
    other = await meetings.create_draft(session, world.chair, world.association_id, "Ещё", NOW)
    with pytest.raises(DomainError) as err:
        await meetings.add_plan_question(
            session, world.chair, other.id, plan_id, TITLE, NOW, version=other.version
        )
    assert err.value.code is ErrorCode.PLAN_APPROVED


@pytest.mark.parametrize(
    ("case", "present", "ballot"),
    [
        # P = 4 of 5, 1 for and 3 against: rejected.
        ("rejected", 4, [Choice.FOR, Choice.AGAINST, Choice.AGAINST, Choice.AGAINST]),
        # P = 3 of 5, all for: no decision quorum (3·3 < 2·5).
        ("no_quorum", 3, [Choice.FOR, Choice.FOR, Choice.FOR]),
        # P = 4 of 5, the question never put to a vote (the keeper's text is no decision).
        ("never_voted", 4, None),
    ],
)
async def test_a_decision_not_adopted_approves_nothing(
    session: AsyncSession,
    clock: FixedClock,
    case: str,
    present: int,
    ballot: list[Choice] | None,
) -> None:
    world, secretary, (t0, t1, _t2) = await team(session, clock)
    plan_id = await draft_plan(session, world)
    meeting_id = await meeting_with_plan(session, world, plan_id)
    people = [world.chair, secretary, t0, t1][:present]
    protocol = await held_and_signed(session, world, secretary, meeting_id, people, ballot)

    plan = await plan_row(session, plan_id)
    assert plan.status is PlanStatus.DRAFT, case
    assert (plan.protocol_number, plan.protocol_date, plan.snapshot) == (None, None, None)
    # Asked by hand with that protocol: refused in the user's language, nothing changed.
    with pytest.raises(DomainError) as err:
        await plans.approve_by_protocol(session, world.chair, plan_id, protocol.id, NOW)
    assert err.value.code is ErrorCode.PLAN_NOT_ADOPTED
    plan = await plan_row(session, plan_id)
    assert plan.status is PlanStatus.DRAFT and plan.protocol_number is None
    assert await told(session, plans.APPROVED) == []
    assert await count(session, AnnualPlan) == 1


async def test_a_councils_plan_is_adopted_then_approved_by_its_chair(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, t1, _t2) = await team(session, clock)
    await session.execute(
        update(Association)
        .where(Association.id == world.association_id)
        .values(kind=AssociationKind.COUNCIL, name="Совет по методической работе")
    )
    await session.commit()
    plan_id = await draft_plan(session, world)
    meeting_id = await meeting_with_plan(session, world, plan_id)
    # Before any meeting adopted it, the chair's tap is refused.
    with pytest.raises(DomainError) as err:
        await plans.confirm(session, world.chair, plan_id, NOW)
    assert err.value.code is ErrorCode.PLAN_NOT_ADOPTED

    present = [world.chair, secretary, t0, t1]
    await held_and_signed(session, world, secretary, meeting_id, present, [Choice.FOR] * 4)
    plan = await plan_row(session, plan_id)
    assert plan.status is PlanStatus.ADOPTED  # «принят на заседании Совета»
    assert (plan.protocol_number, plan.protocol_date, plan.approved_at) == (1, DAY, None)
    chair_id = world.chair.person_id
    assert await told(session, plans.ADOPTED) == [
        (chair_id, f"plan:{plan_id}:adopted:person={chair_id}")
    ]
    assert await told(session, plans.APPROVED) == []
    notice = await plans.approval_notice(session, plan_id)
    assert notice is not None and notice.council and notice.status is PlanStatus.ADOPTED
    adopted = await plans.plan_content(session, world.chair, plan_id)
    assert heading(adopted) == [
        "Принят на заседании",
        "Совет по методической работе",
        "Протокол № 1 от 20.12.2026",
        "План работы профессионального объединения педагогов",
    ]

    # Only the chair (or the deputy acting for them) approves: not the secretary.
    with pytest.raises(DomainError) as err:
        await plans.confirm(session, secretary, plan_id, NOW)
    assert err.value.code is ErrorCode.FORBIDDEN
    later = NOW + timedelta(days=30)
    view = await plans.confirm(session, world.chair, plan_id, later)
    assert view.status is PlanStatus.APPROVED  # «утверждён председателем»
    plan = await plan_row(session, plan_id)
    assert plan.approved_at == later and plan.protocol_number == 1
    content = await plans.plan_content(session, world.chair, plan_id)
    assert content.status is PlanStatus.APPROVED and content.protocol_number == 1
    assert heading(content) == [
        "Принят на заседании",
        "Совет по методической работе",
        "Протокол № 1 от 20.12.2026",
        "Утверждён председателем",
    ]
    told_approved = await told(session, plans.APPROVED)
    assert sorted(p or 0 for p, _k in told_approved) == sorted(
        [chair_id or 0, secretary.person_id or 0]
    )
    with pytest.raises(DomainError) as err:  # a second tap
        await plans.confirm(session, world.chair, plan_id, later)
    assert err.value.code is ErrorCode.PLAN_APPROVED


async def test_forged_calls_for_another_associations_plan_or_meeting_are_refused(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, _teachers = await team(session, clock)
    plan_id = await draft_plan(session, world)
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=NOW,
    )
    stranger = await register(session, created.chair_token, 2999, clock, name="Иванов Пётр")
    theirs = await meetings.create_draft(
        session, stranger, created.association.id, "Их заседание", NOW
    )
    ours = await meetings.create_draft(session, world.chair, world.association_id, "Наше", NOW)
    their_plan = await plans.create_draft(session, stranger, created.association.id, 2026, NOW)

    cases = [
        # Another association's chair puts our plan on their meeting.
        (stranger, theirs.id, theirs.version, plan_id),
        # Our chair puts another association's plan on our meeting.
        (world.chair, ours.id, ours.version, their_plan.id),
        # Our chair puts our plan on another association's meeting.
        (world.chair, theirs.id, theirs.version, plan_id),
        # Our secretary (who edits our plan) puts it on their meeting.
        (secretary, theirs.id, theirs.version, plan_id),
    ]
    for actor, meeting_id, version, plan in cases:
        with pytest.raises(DomainError) as err:
            await meetings.add_plan_question(
                session, actor, meeting_id, plan, TITLE, NOW, version=version
            )
        assert err.value.code is ErrorCode.FORBIDDEN
    # The council chair's tap, forged by another association's chair.
    with pytest.raises(DomainError) as err:
        await plans.confirm(session, stranger, plan_id, NOW)
    assert err.value.code is ErrorCode.FORBIDDEN
    assert await count(session, AgendaItem) == 0
    assert await count(session, AnnualPlan, AnnualPlan.status != PlanStatus.DRAFT) == 0

    # The same plan twice on one agenda is refused too.
    ours = await meetings.add_plan_question(
        session, world.chair, ours.id, plan_id, TITLE, NOW, version=ours.version
    )
    with pytest.raises(DomainError) as err:
        await meetings.add_plan_question(
            session, world.chair, ours.id, plan_id, TITLE, NOW, version=ours.version
        )
    assert err.value.code is ErrorCode.PLAN_ON_AGENDA
    assert await count(session, AgendaItem) == 1


async def test_the_question_added_to_a_published_meeting_freezes_the_plan_at_once(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _secretary, _teachers = await team(session, clock)
    plan_id = await draft_plan(session, world)
    chair = world.chair
    view = await meetings.create_draft(session, chair, world.association_id, "Заседание", NOW)
    view = await meetings.set_form(
        session, chair, view.id, view.version, MeetingForm.IN_PERSON, NOW
    )
    view = await meetings.set_day(
        session, chair, view.id, view.version, deadlines.Typed(DAY, time(15, 0)), NOW
    )
    view = await meetings.set_place(session, chair, view.id, view.version, "Каб. 12", NOW)
    view = await meetings.add_question(session, chair, view.id, view.version, "Разное", NOW)
    published = await meetings.publish(session, chair, view.id, view.version, NOW)
    revision = published.view.revision
    changed = await meetings.add_plan_question(session, chair, view.id, plan_id, TITLE, NOW)
    assert [q.title for q in changed.agenda] == ["Разное", TITLE]
    assert changed.revision == revision + 1  # a changed notice goes out
    item = await session.scalar(select(AgendaItem).where(AgendaItem.plan_id == plan_id))
    assert item is not None and item.plan_snapshot is not None
    assert item.plan_snapshot["theme"] == "Тема года" and item.added_at == NOW
