"""Check-in, the roll, quorum, open votes and ballots on SQLite and PostgreSQL, including
double taps and 200 check-ins sent at once (asyncio.gather, separate sessions)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    AssociationKind,
    Attendance,
    Choice,
    InviteKind,
    MeetingForm,
    Membership,
    Presence,
    Vote,
)
from services import associations, attendance, invites, meetings, votes
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.people import load_actor
from services.permissions import Actor
from tests.factories import make_world, register
from tests.helpers import NOW, START, count, members, published


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def test_checkin_opens_at_the_start_and_closes_an_hour_later(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    [one] = await members(session, world, clock, 1)
    view = await published(session, world)
    with pytest.raises(DomainError) as err:
        await attendance.check_in(session, one, view.id, START - timedelta(minutes=5))
    assert err.value.code is ErrorCode.CHECKIN_NOT_OPEN
    report = await meetings.run_clock(session, START)
    assert report.checkin_opened == [view.id]
    result = await attendance.check_in(session, one, view.id, START + timedelta(minutes=2))
    assert result == attendance.CheckedIn(Presence.PRESENT, already=False)
    again = await attendance.check_in(session, one, view.id, START + timedelta(minutes=3))
    mine = await count(session, Attendance, Attendance.person_id == one.person_id)
    assert again.already and mine == 1
    with pytest.raises(DomainError) as err:
        await attendance.check_in(session, one, view.id, START + timedelta(minutes=60))
    assert err.value.code is ErrorCode.CHECKIN_CLOSED


async def test_double_taps_sent_at_once_give_one_row(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessionmaker() as s:
        world = await make_world(s, clock)
        people = await members(s, world, clock, 3)
        view = await published(s, world)
        await attendance.open_checkin(s, world.chair, view.id, NOW)

    async def tap(actor: Actor) -> attendance.CheckedIn:
        async with sessionmaker() as s:
            return await attendance.check_in(s, actor, view.id, NOW)

    results = await asyncio.gather(*(tap(p) for p in people for _ in range(4)))
    assert sum(not r.already for r in results) == 3
    async with sessionmaker() as s:
        assert await count(s, Attendance) == 3 + 1  # and the chair, presiding


async def test_two_hundred_checkins_at_once_give_two_hundred_rows(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessionmaker() as s:
        world = await make_world(s, clock)
        people = await members(s, world, clock, 200)
        view = await published(s, world)
        await attendance.open_checkin(s, world.chair, view.id, NOW)

    async def tap(actor: Actor) -> None:
        async with sessionmaker() as s:
            await attendance.check_in(s, actor, view.id, NOW)

    await asyncio.gather(*(tap(p) for p in people))
    async with sessionmaker() as s:
        assert await count(s, Attendance) == 200 + 1  # and the chair, presiding
        q = await attendance.quorum(s, world.chair, view.id, NOW)
    assert (q.quorum.present, q.quorum.members) == (201, 201) and q.quorum.decisions


async def test_code_roll_and_quorum(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    people = await members(session, world, clock, 5)
    guest = people[4]
    membership = await session.scalar(
        select(Membership).where(Membership.person_id == guest.person_id)
    )
    assert membership is not None
    membership.voting = False  # a guest: checks in, never counts
    await session.commit()
    view = await published(session, world)
    meeting = await attendance.open_checkin(session, world.chair, view.id, NOW, code=True)
    code = meeting.checkin_code
    assert code is not None and len(code) == 4
    with pytest.raises(DomainError) as err:
        await attendance.check_in(session, people[0], view.id, NOW)
    assert err.value.code is ErrorCode.NEED_CODE
    with pytest.raises(DomainError) as err:
        await attendance.check_in(
            session, people[0], view.id, NOW, code="0000" if code != "0000" else "1111"
        )
    assert err.value.code is ErrorCode.WRONG_CODE
    await attendance.check_in(session, people[0], view.id, NOW, code=code)
    await attendance.check_in(session, guest, view.id, NOW, code=code)
    # The secretary's roll: a late arrival without a phone, an absence, an excuse.
    await attendance.roll(
        session, world.chair, view.id, people[1].person_id or 0, Presence.PRESENT, NOW
    )
    await attendance.roll(
        session, world.chair, view.id, people[2].person_id or 0, Presence.ABSENT, NOW
    )
    await attendance.roll(
        session, world.chair, view.id, people[3].person_id or 0, Presence.EXCUSED, NOW, "болезнь"
    )
    q = await attendance.quorum(session, world.chair, view.id, NOW)
    # M: chair + 4 voting members = 5; P: the chair presiding (present since check-in
    # opened) and 2 voting present (the guest does not count).
    assert (q.quorum.present, q.quorum.members, q.checked_in) == (3, 5, 4)
    assert q.quorum.valid and not q.quorum.decisions
    register = {r.name: r for r in await attendance.register(session, world.chair, view.id)}
    assert register["Участник 003"].status is Presence.EXCUSED
    assert register["Участник 003"].reason == "болезнь"
    chair = register["Петров Сергей Иванович"]
    assert (chair.status, chair.by_roll) == (Presence.PRESENT, False)
    with pytest.raises(DomainError):  # a member cannot call the roll
        await attendance.roll(
            session, people[0], view.id, people[2].person_id or 0, Presence.PRESENT, NOW
        )


async def test_open_vote_counts_present_voters_at_closing(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    people = await members(session, world, clock, 5)
    view = await published(session, world)
    await attendance.open_checkin(session, world.chair, view.id, NOW)
    chair = await load_actor(session, world.chair_tg, [])
    for actor in (chair, *people[:4]):
        await attendance.check_in(session, actor, view.id, NOW)
    item = view.agenda[0].id
    with pytest.raises(DomainError) as err:
        await votes.cast(session, people[0], item, Choice.FOR, NOW)
    assert err.value.code is ErrorCode.VOTE_NOT_OPEN
    asked = await votes.open_vote(session, world.chair, item, NOW)
    assert asked == 5
    for actor, choice in zip(
        (chair, *people[:4]),
        (Choice.FOR, Choice.FOR, Choice.FOR, Choice.AGAINST, Choice.AGAINST),
        strict=True,
    ):
        await votes.cast(session, actor, item, choice, NOW)
    await votes.cast(session, people[3], item, Choice.FOR, NOW)  # changed before closing
    with pytest.raises(DomainError) as err:  # absent: may not vote
        await votes.cast(session, people[4], item, Choice.FOR, NOW)
    assert err.value.code is ErrorCode.NOT_PRESENT
    result = await votes.close_vote(session, world.chair, item, NOW)
    # P = 5 of M = 6: valid, decisions (15 ≥ 12); За 4 > Против 1: adopted.
    assert (result.tally.for_, result.tally.against, result.tally.abstain) == (4, 1, 0)
    assert (result.quorum.present, result.quorum.members, result.adopted) == (5, 6, True)
    with pytest.raises(DomainError) as err:
        await votes.cast(session, people[0], item, Choice.AGAINST, NOW)
    assert err.value.code is ErrorCode.VOTE_CLOSED
    assert await count(session, Vote) == 5


async def test_secretary_records_a_hand_vote_for_a_roll_marked_member(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, NOW
    )
    secretary = await register(session, link.token, 4001, clock, name="Секретарь Объединения")
    people = await members(session, world, clock, 2)
    view = await published(session, world)
    await attendance.open_checkin(session, world.chair, view.id, NOW)
    await attendance.check_in(session, people[0], view.id, NOW)
    await attendance.roll(
        session, secretary, view.id, people[1].person_id or 0, Presence.PRESENT, NOW
    )
    item = view.agenda[0].id
    with pytest.raises(DomainError) as err:
        await votes.by_hand_rows(session, secretary, item)
    assert err.value.code is ErrorCode.VOTE_NOT_OPEN
    await votes.open_vote(session, world.chair, item, NOW)
    listed = await votes.by_hand_rows(session, secretary, item)
    assert [(r.person_id, r.choice) for r in listed] == [(people[1].person_id, None)]
    with pytest.raises(DomainError):  # a member has no such list
        await votes.by_hand_rows(session, people[0], item)
    with pytest.raises(DomainError) as err:  # checked in by themselves: they vote themselves
        await votes.record_by_hand(
            session, secretary, item, people[0].person_id or 0, Choice.FOR, NOW
        )
    assert err.value.code is ErrorCode.NOT_ON_ROLL
    await votes.record_by_hand(
        session, secretary, item, people[1].person_id or 0, Choice.ABSTAIN, NOW
    )
    hand = await session.scalar(select(Vote).where(Vote.person_id == people[1].person_id))
    assert hand is not None and hand.by_hand_id == secretary.person_id
    listed = await votes.by_hand_rows(session, secretary, item)
    assert [r.choice for r in listed] == [Choice.ABSTAIN]
    with pytest.raises(DomainError):  # the secretary does not start or close votes
        await votes.close_vote(session, secretary, item, NOW)


async def test_absentee_ballot_and_its_results(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    people = await members(session, world, clock, 3)
    view = await published(session, world, MeetingForm.ABSENTEE)
    ballot = await votes.ballot(session, people[0], view.id, NOW)
    assert [q.position for q in ballot] == [1, 2] and all(q.answer is None for q in ballot)
    for actor in people[:2]:
        for q in ballot:
            await votes.cast(session, actor, q.item_id, Choice.FOR, NOW)
    await votes.cast(session, people[2], ballot[0].item_id, Choice.AGAINST, NOW)
    with pytest.raises(DomainError) as err:  # no open votes at an absentee meeting
        await votes.open_vote(session, world.chair, ballot[0].item_id, NOW)
    assert err.value.code is ErrorCode.BY_BALLOT
    deadline = view.ballot_deadline
    assert deadline is not None
    with pytest.raises(DomainError) as err:
        await votes.cast(session, people[2], ballot[1].item_id, Choice.FOR, deadline)
    assert err.value.code is ErrorCode.BALLOT_CLOSED
    report = await meetings.run_clock(session, deadline)
    assert report.ended == [view.id]
    results = await votes.results(session, view.id)
    # P = 3 who answered, of M = 4 (with the chair): valid; decisions need 3·3 ≥ 8: yes.
    assert [(r.tally.for_, r.tally.against) for r in results] == [(2, 1), (2, 0)]
    assert [r.adopted for r in results] == [True, True]
    assert results[0].quorum.present == 3 and results[0].quorum.members == 4


async def test_forged_checkin_for_another_associations_meeting(
    session: AsyncSession, clock: FixedClock
) -> None:
    world = await make_world(session, clock)
    view = await published(session, world)
    await attendance.open_checkin(session, world.chair, view.id, NOW)
    created = await associations.create_association(
        session,
        Actor(external_id=1001, is_admin=True),
        kind=AssociationKind.GMO,
        name="ГМО химиков",
        subject="химия",
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=NOW,
    )
    outsider = await register(session, created.chair_token, 2998, clock, name="Чужой Председатель")
    before = await count(session, Attendance), await count(session, Vote)
    for call in (
        attendance.check_in(session, outsider, view.id, NOW),
        attendance.roll(
            session, outsider, view.id, world.chair.person_id or 0, Presence.ABSENT, NOW
        ),
        votes.open_vote(session, outsider, view.agenda[0].id, NOW),
        votes.cast(session, outsider, view.agenda[0].id, Choice.FOR, NOW),
    ):
        with pytest.raises(DomainError) as err:
            await call
        assert err.value.code is ErrorCode.FORBIDDEN
    assert (await count(session, Attendance), await count(session, Vote)) == before
