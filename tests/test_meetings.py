"""Meetings on SQLite and PostgreSQL: drafts and concurrent editors, the five-day rule and
extraordinary meetings, notices, reminders and the final agenda in the outbox, answers,
proposals, changes, cancellation, the meeting clock, and what is still wanted at send time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.invitations import meeting_ics
from models import (
    Association,
    AssociationKind,
    InviteKind,
    MeetingForm,
    MeetingStatus,
    OutboxMessage,
    OutboxStatus,
    ProposalStatus,
    RsvpAnswer,
)
from services import associations, deadlines, invites, meetings, outbox, roster
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.meetings import Kind, MeetingView
from services.people import load_actor
from services.permissions import Actor
from tests.factories import World, make_world, member_link, register

TZ = "Asia/Novosibirsk"  # the factories' association
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk, 1 December


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def teachers(
    session: AsyncSession, world: World, clock: FixedClock, n: int = 3
) -> list[Actor]:
    token = await member_link(session, world, clock)
    return [
        await register(session, token, 3001 + i, clock, name=f"Учитель Номер {i}") for i in range(n)
    ]


async def secretary(session: AsyncSession, world: World, clock: FixedClock) -> Actor:
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    return await register(session, link.token, 4001, clock, name="Секретарь Объединения")


async def ready_draft(
    session: AsyncSession,
    world: World,
    actor: Actor,
    clock: FixedClock,
    day: date = date(2026, 12, 20),
    form: MeetingForm = MeetingForm.IN_PERSON,
) -> meetings.MeetingView:
    view = await meetings.create_draft(
        session, actor, world.association_id, "Функциональная грамотность", clock.now()
    )
    now = clock.now()
    view = await meetings.set_form(session, actor, view.id, view.version, form, now)
    view = await meetings.set_day(
        session, actor, view.id, view.version, deadlines.Typed(day, time(15, 0)), now
    )
    view = await meetings.set_place(
        session, actor, view.id, view.version, "МОУ СОШ № 5, каб. 12", now
    )
    if form is MeetingForm.HYBRID:
        view = await meetings.set_link(
            session, actor, view.id, view.version, "https://meet.example/rmo", now
        )
    return await meetings.add_question(
        session,
        actor,
        view.id,
        view.version,
        "О плане работы на второе полугодие",
        now,
        speaker_id=world.chair.person_id,
        draft_decision="Утвердить план работы.",
    )


async def rows(session: AsyncSession, kind: Kind | str, status: OutboxStatus | None = None) -> int:
    stmt = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == str(kind))
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    n = int(await session.scalar(stmt) or 0)
    await session.commit()
    return n


async def test_publish_in_time_enqueues_notices_reminders_and_final_agenda(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock)
    view = await ready_draft(session, world, world.chair, clock)
    # The rule: 20.12 with 5 notice days → by the end of 15.12 local.
    assert view.notice_deadline == datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
    assert view.day == date(2026, 12, 20)
    published = await meetings.publish(session, world.chair, view.id, view.version, clock.now())
    assert published.outcome is meetings.Outcome.PUBLISHED and published.recipients == 4
    assert published.view.revision == 1
    assert await rows(session, Kind.NOTICE) == 4  # the chair and three teachers
    assert await rows(session, Kind.REMINDER) == 8  # a day and two hours before, each
    assert await rows(session, Kind.FINAL_AGENDA) == 4
    due = {
        d
        for (d,) in (
            await session.execute(
                select(OutboxMessage.due_at).where(OutboxMessage.kind == Kind.REMINDER.value)
            )
        ).all()
    }
    # 15:00 local on 20.12 is 08:00 UTC: a day before (08:00 UTC on 19.12 = 15:00 local)
    # and two hours before (13:00 local), both inside the 08:00-21:00 window.
    assert due == {
        datetime(2026, 12, 19, 8, 0, tzinfo=UTC),
        datetime(2026, 12, 20, 6, 0, tzinfo=UTC),
    }
    # Publishing twice (a double tap on an old preview) is refused and adds nothing.
    with pytest.raises(DomainError) as err:
        await meetings.publish(session, world.chair, view.id, view.version, clock.now())
    assert err.value.code in (ErrorCode.ALREADY_PUBLISHED, ErrorCode.DRAFT_CHANGED)
    assert await rows(session, Kind.NOTICE) == 4


async def test_late_regular_meeting_is_refused_then_extraordinary(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock, 1)
    sec = await secretary(session, world, clock)
    view = await ready_draft(session, world, sec, clock, day=date(2026, 12, 4))
    with pytest.raises(DomainError) as err:
        await meetings.publish(session, sec, view.id, view.version, clock.now())
    assert err.value.code is ErrorCode.NOTICE_LATE
    assert err.value.params == {"day": "29.11.2026", "days": 5}
    assert await rows(session, Kind.NOTICE) == 0
    # The secretary asks for an extraordinary meeting: the chair confirms first.
    asked = await meetings.publish(
        session, sec, view.id, view.version, clock.now(), extraordinary_reason="Срочный вопрос"
    )
    assert asked.outcome is meetings.Outcome.AWAITING_CHAIR
    assert await rows(session, Kind.CONFIRM) == 1 and await rows(session, Kind.NOTICE) == 0
    with pytest.raises(DomainError):
        await meetings.confirm_extraordinary(session, sec, view.id, clock.now())
    done = await meetings.confirm_extraordinary(session, world.chair, view.id, clock.now())
    assert done.outcome is meetings.Outcome.PUBLISHED and done.view.extraordinary
    assert done.view.extraordinary_reason == "Срочный вопрос"
    assert await rows(session, Kind.NOTICE) == 3  # chair, teacher, secretary


async def test_two_editors_saving_one_draft(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    view = await meetings.create_draft(session, world.chair, world.association_id, "Тема", NOW)
    first = await meetings.set_topic(
        session, world.chair, view.id, view.version, "Тема первого", NOW
    )
    with pytest.raises(DomainError) as err:  # the second editor saw the older version
        await meetings.set_topic(session, world.chair, view.id, view.version, "Тема второго", NOW)
    assert err.value.code is ErrorCode.DRAFT_CHANGED
    current = await meetings.get(session, world.chair, view.id)
    assert current.topic == "Тема первого" and current.version == first.version


@pytest.mark.parametrize(
    ("setter", "value", "code"),
    [
        (meetings.set_topic, "", ErrorCode.TEXT_EMPTY),
        (meetings.set_topic, "т" * 301, ErrorCode.TEXT_TOO_LONG),
        (
            meetings.set_day,
            deadlines.Typed(date(2026, 12, 1), time(9, 0)),
            ErrorCode.DATE_IN_PAST,
        ),
        (meetings.set_time, time(9, 0), ErrorCode.TIME_WITHOUT_DATE),
        (meetings.set_link, "javascript:alert(1)", ErrorCode.BAD_LINK),
        (meetings.set_duration, 5, ErrorCode.BAD_DURATION),
    ],
)
async def test_bad_draft_values_change_nothing(
    session: AsyncSession,
    clock: FixedClock,
    setter: Callable[..., Awaitable[MeetingView]],
    value: object,
    code: ErrorCode,
) -> None:
    world = await make_world(session, clock)
    view = await meetings.create_draft(session, world.chair, world.association_id, "Тема", NOW)
    with pytest.raises(DomainError) as err:
        await setter(session, world.chair, view.id, view.version, value, NOW)
    assert err.value.code is code
    again = await meetings.get(session, world.chair, view.id)
    assert again.version == view.version and again.topic == "Тема"


async def test_publication_needs_an_agenda_and_limits_hold(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    view = await meetings.create_draft(session, world.chair, world.association_id, "Тема", NOW)
    with pytest.raises(DomainError) as err:
        await meetings.publish(session, world.chair, view.id, view.version, NOW)
    assert err.value.code is ErrorCode.NO_DATE
    view = await meetings.set_day(
        session,
        world.chair,
        view.id,
        view.version,
        deadlines.Typed(date(2026, 12, 20), time(15, 0)),
        NOW,
    )
    view = await meetings.set_place(session, world.chair, view.id, view.version, "Каб. 1", NOW)
    problems = [p.code for p in meetings.problems(view, NOW)]
    assert problems == [ErrorCode.NO_AGENDA]
    for n in range(meetings.MAX_AGENDA):
        view = await meetings.add_question(
            session, world.chair, view.id, view.version, f"Вопрос {n + 1}", NOW
        )
    with pytest.raises(DomainError) as err:
        await meetings.add_question(session, world.chair, view.id, view.version, "Лишний", NOW)
    assert err.value.code is ErrorCode.AGENDA_FULL
    with pytest.raises(DomainError) as err:
        await meetings.add_material(
            session,
            world.chair,
            view.id,
            view.version,
            NOW,
            file_id="f",
            file_name="big.zip",
            file_size=21 * 1024 * 1024,
        )
    assert err.value.code is ErrorCode.FILE_TOO_BIG


async def test_absentee_meeting_needs_draft_decisions_and_has_no_reminders(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock, 2)
    view = await meetings.create_draft(session, world.chair, world.association_id, "Заочно", NOW)
    view = await meetings.set_form(
        session, world.chair, view.id, view.version, MeetingForm.ABSENTEE, NOW
    )
    view = await meetings.set_day(
        session,
        world.chair,
        view.id,
        view.version,
        deadlines.Typed(date(2026, 12, 18), time(18, 0)),
        NOW,
    )
    view = await meetings.add_question(session, world.chair, view.id, view.version, "Вопрос", NOW)
    assert [p.code for p in meetings.problems(view, NOW)] == [ErrorCode.NO_DRAFT_DECISION]
    item = view.agenda[0].id
    view = await meetings.edit_question(
        session, world.chair, view.id, view.version, item, NOW, draft_decision="Принять."
    )
    assert view.day == date(2026, 12, 18) and view.starts_at is None
    done = await meetings.publish(session, world.chair, view.id, view.version, NOW)
    assert done.outcome is meetings.Outcome.PUBLISHED
    assert await rows(session, Kind.REMINDER) == 0


async def test_answers_proposals_and_what_is_still_wanted(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    one, two, three = await teachers(session, world, clock)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    # Буду / Не смогу; a double tap changes nothing; a reason is kept.
    await meetings.answer(session, one, view.id, RsvpAnswer.YES, NOW)
    await meetings.answer(session, one, view.id, RsvpAnswer.YES, NOW)
    await meetings.answer(session, two, view.id, RsvpAnswer.NO, NOW, "курсы повышения")
    card = await meetings.card(session, world.chair, view.id)
    assert [a.name for a in card.coming] == ["Учитель Номер 0"]
    assert [(a.name, a.reason) for a in card.not_coming] == [("Учитель Номер 1", "курсы повышения")]
    assert {a.name for a in card.unanswered} == {"Учитель Номер 2", "Петров Сергей Иванович"}
    with pytest.raises(DomainError):
        await meetings.card(session, one, view.id)  # a member sees no card

    # Claim everything due at the reminders' times: the one who said Не смогу gets none.
    claimed = await outbox.claim(session, datetime(2026, 12, 21, tzinfo=UTC), 100, timedelta(1))
    reminders = [r for r in claimed if r.kind == Kind.REMINDER.value]
    dropped = await meetings.unwanted(session, reminders)
    assert {r.person_id for r in reminders if r.id in dropped} == {two.person_id}
    finals = [r for r in claimed if r.kind == Kind.FINAL_AGENDA.value]
    assert await meetings.unwanted(session, finals) == {r.id for r in finals}  # unchanged

    # A proposal before the cutoff, accepted: the final agenda is now wanted.
    proposal = await meetings.propose(session, three, view.id, "О конкурсе «Учитель года»", NOW)
    assert await rows(session, "meeting_proposal") == 1  # the chair (no secretary here)
    decided = await meetings.decide_proposal(session, world.chair, proposal.id, True, NOW)
    assert decided.proposal.status is ProposalStatus.ACCEPTED and not decided.needs_ballot_choice
    with pytest.raises(DomainError) as err:
        await meetings.decide_proposal(session, world.chair, proposal.id, False, NOW)
    assert err.value.code is ErrorCode.ALREADY_DECIDED
    assert await meetings.unwanted(session, finals) == set()
    assert await rows(session, "meeting_proposal_decided") == 1
    # After the cutoff (the end of 18.12 local) proposals are refused with the rule.
    late = datetime(2026, 12, 18, 17, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as err:
        await meetings.propose(session, three, view.id, "Поздно", late)
    assert err.value.code is ErrorCode.PROPOSALS_CLOSED
    assert err.value.params["day"] == "18.12.2026"


async def test_reschedule_moves_reminders_and_cancel_stops_everything(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock, 2)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    moved = await meetings.reschedule(
        session, world.chair, view.id, deadlines.Typed(date(2026, 12, 22), time(14, 0)), NOW
    )
    assert moved.revision == 2
    assert await rows(session, Kind.REMINDER, OutboxStatus.PENDING) == 6  # 3 people × 2
    assert await rows(session, Kind.REMINDER, OutboxStatus.CANCELLED) == 6
    assert await rows(session, Kind.NOTICE, OutboxStatus.PENDING) == 3  # the changed notice
    # A move too late for the rule needs a reason (and the chair's decision).
    with pytest.raises(DomainError) as err:
        await meetings.reschedule(
            session, world.chair, view.id, deadlines.Typed(date(2026, 12, 3), None), NOW
        )
    assert err.value.code is ErrorCode.NOTICE_LATE
    cancelled = await meetings.cancel(session, world.chair, view.id, "Карантин", NOW)
    assert cancelled.status is MeetingStatus.CANCELLED
    assert await rows(session, Kind.REMINDER, OutboxStatus.PENDING) == 0
    assert await rows(session, Kind.CANCELLED, OutboxStatus.PENDING) == 3
    # Буду on a cancelled meeting: refused.
    member = await load_actor(session, 3001, [])
    with pytest.raises(DomainError) as err:
        await meetings.answer(session, member, view.id, RsvpAnswer.YES, NOW)
    assert err.value.code is ErrorCode.MEETING_CANCELLED


async def test_meeting_clock_publishes_on_the_day_and_ends_meetings(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock, 1)
    view = await ready_draft(session, world, world.chair, clock)
    planned = await meetings.schedule(
        session, world.chair, view.id, view.version, date(2026, 12, 10), NOW
    )
    assert planned.status is MeetingStatus.SCHEDULED
    with pytest.raises(DomainError) as err:  # 16.12 is after the notice deadline
        await meetings.schedule(
            session, world.chair, view.id, planned.version, date(2026, 12, 16), NOW
        )
    assert err.value.code is ErrorCode.NOTICE_LATE
    report = await meetings.run_clock(session, datetime(2026, 12, 10, 1, 0, tzinfo=UTC))
    assert report.published == []  # 09:00 local is 02:00 UTC
    report = await meetings.run_clock(session, datetime(2026, 12, 10, 2, 0, tzinfo=UTC))
    assert report.published == [view.id]
    assert await rows(session, Kind.NOTICE) == 2
    # It ends by itself after its duration (15:00 + 90 min local = 09:30 UTC).
    report = await meetings.run_clock(session, datetime(2026, 12, 20, 9, 29, tzinfo=UTC))
    assert report.ended == []
    report = await meetings.run_clock(session, datetime(2026, 12, 20, 9, 30, tzinfo=UTC))
    assert report.ended == [view.id]
    assert (await meetings.get(session, world.chair, view.id)).status is MeetingStatus.ENDED


async def test_newcomer_gets_the_current_notice_once(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    [roster_row] = (
        await roster.add_people(
            session,
            world.chair,
            world.association_id,
            [roster.RosterEntry("Ещё Не В Боте", None, None)],
            NOW,
        )
    ).links
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    # The broadcast could not reach the roster person: no account yet.
    [row] = [
        r
        for r in await outbox.claim(session, NOW, 100, timedelta(minutes=1))
        if r.person_id == roster_row.person_id
    ]
    await outbox.record_failed(session, row.id, row.attempts, outbox.Failure.NOT_JOINED, "-")
    [late] = await teachers(session, world, clock, 1)  # a newcomer joins by the member link
    await invites.redeem(
        session,
        roster_row.token,
        3999,
        invites.Registration(consent=True, school_typed="Школа № 5", subject="физика"),
        NOW,
    )  # the roster person opens their personal link

    async def notices(person_id: int | None) -> list[OutboxStatus]:
        found = await session.scalars(
            select(OutboxMessage.status).where(
                OutboxMessage.kind == Kind.NOTICE.value, OutboxMessage.person_id == person_id
            )
        )
        statuses = list(found.all())
        await session.commit()
        return statuses

    assert await notices(late.person_id) == [OutboxStatus.PENDING]
    assert await notices(roster_row.person_id) == [OutboxStatus.PENDING]
    # Joining again (another link) adds nothing.
    assert (
        await meetings.notices_for_newcomer(session, late.person_id or 0, world.association_id, NOW)
        == 0
    )


async def test_forged_calls_for_another_association(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    created = await associations.create_association(
        session,
        Actor(external_id=1001, is_admin=True),
        kind=AssociationKind.GMO,
        name="ГМО химиков",
        subject="химия",
        municipality_id=world.municipality_id,
        timezone=TZ,
        now=NOW,
    )
    stranger = await register(session, created.chair_token, 2998, clock, name="Чужой Председатель")
    for call in (
        meetings.answer(session, stranger, view.id, RsvpAnswer.YES, NOW),
        meetings.propose(session, stranger, view.id, "Чужой вопрос", NOW),
        meetings.card(session, stranger, view.id),
        meetings.cancel(session, stranger, view.id, "нет", NOW),
    ):
        with pytest.raises(DomainError) as err:
            await call
        assert err.value.code is ErrorCode.FORBIDDEN
    assert (await session.get_one(Association, world.association_id)).id == world.association_id


async def test_the_agenda_of_a_published_meeting_changes_with_a_notice(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    await teachers(session, world, clock, 1)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    changed = await meetings.change_agenda(
        session, world.chair, view.id, NOW, add="О наставничестве"
    )
    assert changed.revision == 2 and [q.title for q in changed.agenda][-1] == "О наставничестве"
    assert await rows(session, Kind.NOTICE, OutboxStatus.PENDING) == 2  # the changed notice only
    first = changed.agenda[0].id
    again = await meetings.change_agenda(session, world.chair, view.id, NOW, remove_item_id=first)
    assert [q.position for q in again.agenda] == [1] and again.revision == 3
    with pytest.raises(DomainError) as err:  # the last question stays
        await meetings.change_agenda(
            session, world.chair, view.id, NOW, remove_item_id=again.agenda[0].id
        )
    assert err.value.code is ErrorCode.NO_AGENDA
    member = await load_actor(session, 3001, [])
    with pytest.raises(DomainError) as err:
        await meetings.change_agenda(session, member, view.id, NOW, add="Мой вопрос")
    assert err.value.code is ErrorCode.FORBIDDEN


async def test_a_change_keeps_the_reminders_for_the_new_revision(
    session: AsyncSession, clock: FixedClock
) -> None:
    """Fixing the place must not silence the reminders (they carry the revision)."""
    world = await make_world(session, clock)
    await teachers(session, world, clock, 2)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    changed = await meetings.change_place(session, world.chair, view.id, NOW, place="Актовый зал")
    claimed = await outbox.claim(session, datetime(2026, 12, 21, tzinfo=UTC), 200, timedelta(1))
    reminders = [r for r in claimed if r.kind == Kind.REMINDER.value]
    assert len(reminders) == 6 and all(r.params["revision"] == changed.revision for r in reminders)
    assert await meetings.unwanted(session, reminders) == set()


async def test_a_secretary_cannot_schedule_an_extraordinary_meeting_past_the_chair(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    sec = await secretary(session, world, clock)
    view = await ready_draft(session, world, sec, clock, day=date(2026, 12, 4))
    asked = await meetings.publish(
        session, sec, view.id, view.version, NOW, extraordinary_reason="Срочно"
    )
    assert asked.outcome is meetings.Outcome.AWAITING_CHAIR
    with pytest.raises(DomainError) as err:
        await meetings.schedule(session, sec, view.id, asked.view.version, date(2026, 12, 2), NOW)
    assert err.value.code is ErrorCode.CHAIR_MUST_DECIDE
    declined = await meetings.decline_extraordinary(session, world.chair, view.id, NOW)
    assert declined.status is MeetingStatus.DRAFT and not declined.extraordinary
    assert await rows(session, Kind.DECISION) == 1  # the secretary is told


async def test_a_deferred_question_joins_the_next_draft(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    [teacher] = await teachers(session, world, clock, 1)
    view = await ready_draft(session, world, world.chair, clock, form=MeetingForm.HYBRID)
    view = await meetings.edit_question(
        session, world.chair, view.id, view.version, view.agenda[0].id, NOW, draft_decision="Да"
    )
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    proposal = await meetings.propose(session, teacher, view.id, "О наставничестве", NOW)
    decided = await meetings.decide_proposal(session, world.chair, proposal.id, True, NOW)
    assert decided.needs_ballot_choice
    sec = await secretary(session, world, clock)
    with pytest.raises(DomainError) as err:  # the chair chooses, not the secretary
        await meetings.defer_to_next(session, sec, proposal.id, NOW)
    assert err.value.code is ErrorCode.CHAIR_MUST_DECIDE
    await meetings.defer_to_next(session, world.chair, proposal.id, NOW)
    another = await meetings.propose(session, teacher, view.id, "О конкурсе", NOW)
    await meetings.decide_proposal(session, world.chair, another.id, True, NOW)  # position 2
    current = await meetings.get(session, world.chair, view.id)
    assert [q.position for q in current.agenda] == [1, 2]
    draft = await meetings.create_draft(
        session, world.chair, world.association_id, "Следующее", NOW
    )
    assert [q.title for q in draft.agenda] == ["О наставничестве"]


async def test_ending_before_the_start_is_refused(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    with pytest.raises(DomainError) as err:
        await meetings.end(session, world.chair, view.id, NOW)
    assert err.value.code is ErrorCode.NOT_BEGUN
    ended = await meetings.end(
        session, world.chair, view.id, datetime(2026, 12, 20, 8, 30, tzinfo=UTC)
    )
    assert ended.status is MeetingStatus.ENDED


async def test_calendar_files_of_a_published_then_cancelled_meeting(
    session: AsyncSession, clock: FixedClock
) -> None:
    """The invitation is PUBLISH; the cancellation is CANCEL of the same UID with SEQUENCE + 1,
    read back by the icalendar library (RFC 5546: a calendar drops the event it has)."""
    world = await make_world(session, clock)
    view = await ready_draft(session, world, world.chair, clock)
    await meetings.publish(session, world.chair, view.id, view.version, NOW)
    published = await meetings.load(session, view.id)
    await meetings.cancel(session, world.chair, view.id, "Карантин", NOW)
    cancelled = await meetings.load(session, view.id)

    def event(data: bytes) -> tuple[str, icalendar.Component]:
        calendar = icalendar.Calendar.from_ical(data)
        (vevent,) = [c for c in calendar.walk() if c.name == "VEVENT"]
        return str(calendar["METHOD"]), vevent

    method, invitation = event(meeting_ics(published, description="Повестка"))
    assert method == "PUBLISH" and str(invitation["STATUS"]) == "CONFIRMED"
    method, cancellation = event(meeting_ics(cancelled, description="", cancelled=True))
    assert method == "CANCEL" and str(cancellation["STATUS"]) == "CANCELLED"
    assert str(cancellation["UID"]) == str(invitation["UID"]) == f"meeting-{view.id}@metod-bot"
    assert int(str(cancellation["SEQUENCE"])) == int(str(invitation["SEQUENCE"])) + 1
