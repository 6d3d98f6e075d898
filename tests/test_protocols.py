"""Protocols on SQLite and PostgreSQL: the draft made when a meeting ends (numbered per
association and school year, restarting on 1 September local), the snapshot of attendance
and votes, the due date in calendar months, reminders and the overdue flag planned and
dropped once issued, completing, the two signatures, freezing, a correction as a new
version, the copy to every member, a meeting without attendance, /forget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Choice,
    InviteKind,
    MeetingForm,
    OutboxMessage,
    Presence,
    Protocol,
    ProtocolVersion,
)
from services import attendance, deadlines, invites, meetings, people, protocols, votes
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.outbox import Claimed
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TZ = "Asia/Novosibirsk"  # UTC+7
SECRETARY_TG = 4001


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def team(
    session: AsyncSession, clock: FixedClock, teachers: int = 3
) -> tuple[World, Actor, list[Actor]]:
    """The chair, a secretary and `teachers` members (with schools)."""
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    secretary = await register(
        session, link.token, SECRETARY_TG, clock, name="Секретарёва Ольга Павловна"
    )
    token = await member_link(session, world, clock)
    members = [
        await register(
            session, token, 3001 + n, clock, name=f"Учитель Номер {n}", school=f"МОУ СОШ № {n + 1}"
        )
        for n in range(teachers)
    ]
    return world, secretary, members


async def meeting(
    session: AsyncSession,
    world: World,
    day: date,
    at: time = time(15, 0),
    form: MeetingForm = MeetingForm.IN_PERSON,
    questions: int = 1,
) -> meetings.MeetingView:
    chair = world.chair
    view = await meetings.create_draft(session, chair, world.association_id, f"Тема {day}", NOW)
    view = await meetings.set_form(session, chair, view.id, view.version, form, NOW)
    view = await meetings.set_day(
        session, chair, view.id, view.version, deadlines.Typed(day, at), NOW
    )
    if form is not MeetingForm.ABSENTEE:
        view = await meetings.set_place(session, chair, view.id, view.version, "Каб. 12", NOW)
    for n in range(1, questions + 1):
        view = await meetings.add_question(
            session, chair, view.id, view.version, f"Вопрос {n}", NOW, draft_decision=f"Решение {n}"
        )
    return (await meetings.publish(session, chair, view.id, view.version, NOW)).view


def start_of(view: meetings.MeetingView) -> datetime:
    assert view.starts_at is not None
    return view.starts_at


async def held(
    session: AsyncSession, view: meetings.MeetingView, present: list[Actor]
) -> Protocol | None:
    """The meeting begins, `present` check in, it ends after its 90 minutes."""
    start = start_of(view)
    await meetings.run_clock(session, start)
    for actor in present:
        await attendance.check_in(session, actor, view.id, start + timedelta(minutes=1))
    await meetings.run_clock(session, start + timedelta(minutes=90))
    found = await session.scalar(select(Protocol).where(Protocol.meeting_id == view.id))
    await session.commit()
    return found


@dataclass(frozen=True)
class Row:
    """An outbox row as read (kept usable after its session has committed)."""

    id: int
    kind: str
    person_id: int | None
    params: dict[str, Any]
    due_at: datetime
    group_key: str


async def outbox_rows(session: AsyncSession, kind: str) -> list[Row]:
    found = [
        Row(r.id, r.kind, r.person_id, dict(r.params), r.due_at, r.group_key)
        for r in (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        ).all()
    ]
    await session.commit()
    return found


def claimed(row: Row) -> Claimed:
    return Claimed(
        id=row.id,
        kind=row.kind,
        person_id=row.person_id,
        chat_id=None,
        template=row.kind,
        params=row.params,
        attempts=0,
        parts_done=0,
        group_key=row.group_key,
    )


async def test_draft_when_the_meeting_ends(session: AsyncSession, clock: FixedClock) -> None:
    world, secretary, (t0, t1, t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20), questions=2)
    start = start_of(view)
    await meetings.run_clock(session, start)
    for actor in (world.chair, secretary, t0):
        await attendance.check_in(session, actor, view.id, start + timedelta(minutes=1))
    await attendance.roll(
        session, secretary, view.id, t1.person_id or 0, Presence.EXCUSED, start, "больничный"
    )
    q1, _q2 = (q.id for q in view.agenda)
    await votes.open_vote(session, world.chair, q1, start + timedelta(minutes=5))
    for actor, choice in ((world.chair, Choice.FOR), (secretary, Choice.FOR), (t0, Choice.AGAINST)):
        await votes.cast(session, actor, q1, choice, start + timedelta(minutes=6))
    await votes.close_vote(session, world.chair, q1, start + timedelta(minutes=7))
    assert await session.scalar(select(Protocol.id)) is None  # not before the end
    await meetings.run_clock(session, start + timedelta(minutes=90))

    protocol = await session.scalar(select(Protocol))
    assert protocol is not None
    assert (protocol.number, protocol.school_year) == (1, 2026)
    assert protocol.due_on == date(2027, 1, 20)
    assert protocol.keeper_id == secretary.person_id
    assert protocol.presiding_id == world.chair.person_id
    await session.commit()
    view_of = await protocols.get(session, secretary, protocol.id)
    content = view_of.content
    assert (content.number, content.meeting_day, content.members) == (1, date(2026, 12, 20), 5)
    assert [a.name for a in content.present] == [
        "Петров Сергей Иванович",
        "Секретарёва Ольга Павловна",
        "Учитель Номер 0",
    ]
    assert content.present[2].school == "МОУ СОШ № 1"
    absent = {a.name: a.reason for a in content.absent}
    assert absent == {"Учитель Номер 1": "больничный", "Учитель Номер 2": None}
    assert (content.presiding.name, content.presiding.title) == ("Петров Сергей Иванович", "chair")
    assert (content.keeper.name, content.keeper.title) == (
        "Секретарёва Ольга Павловна",
        "secretary",
    )
    first, second = content.questions
    assert first.outcome is not None and second.outcome is None
    assert (first.outcome.for_, first.outcome.against, first.outcome.abstain) == (2, 1, 0)
    # P = 3 of M = 5: valid (2·3 ≥ 5), decisions not (3·3 < 2·5): not adopted.
    assert (first.outcome.present, first.outcome.members, first.outcome.adopted) == (3, 5, False)
    assert first.decision == "Решение 1" and first.heard == ""
    assert view_of.can_edit and view_of.signs_as == ("keeper",)

    # The keeper is sent the draft; reminders at +7, +21, +28 days (10:00 local) go to the
    # keeper and the chair; the overdue flag the day after the due day to the chair.
    [draft] = await outbox_rows(session, protocols.DRAFT)
    assert draft.person_id == secretary.person_id and draft.due_at == start + timedelta(minutes=90)
    reminders = await outbox_rows(session, protocols.REMINDER)
    local = {(r.due_at.astimezone(ZoneInfo(TZ)), r.person_id) for r in reminders}
    expected = {
        (datetime(2026, 12, 20 + 7, 10, 0, tzinfo=ZoneInfo(TZ)), p)
        for p in (secretary.person_id, world.chair.person_id)
    }
    assert expected <= local and len(reminders) == 6
    days = sorted({r.due_at.astimezone(ZoneInfo(TZ)).date() for r in reminders})
    assert days == [date(2026, 12, 27), date(2027, 1, 10), date(2027, 1, 17)]
    [overdue] = await outbox_rows(session, protocols.OVERDUE)
    assert overdue.person_id == world.chair.person_id
    assert overdue.due_at.astimezone(ZoneInfo(TZ)).date() == date(2027, 1, 21)

    # A member sees no draft; the signed one only.
    with pytest.raises(DomainError) as err:
        await protocols.get(session, t2, protocol.id)
    assert err.value.code is ErrorCode.PROTOCOL_NOT_SIGNED


async def test_numbering_restarts_on_the_first_of_september_local(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _secretary, _members = await team(session, clock, teachers=0)
    chair = world.chair
    numbers = []
    # 06:00 in Novosibirsk on 1 September is still 31 August in UTC: the new school year.
    for day, at in (
        (date(2026, 12, 20), time(15, 0)),
        (date(2027, 5, 20), time(15, 0)),
        (date(2027, 9, 1), time(6, 0)),
        (date(2027, 10, 5), time(15, 0)),
    ):
        view = await meeting(session, world, day, at)
        protocol = await held(session, view, [chair])
        assert protocol is not None
        numbers.append((protocol.school_year, protocol.number))
    assert numbers == [(2026, 1), (2026, 2), (2027, 1), (2027, 2)]


async def test_due_date_follows_calendar_months(session: AsyncSession, clock: FixedClock) -> None:
    world, _secretary, _members = await team(session, clock, teachers=0)
    view = await meeting(session, world, date(2027, 1, 31))
    protocol = await held(session, view, [world.chair])
    assert protocol is not None and protocol.due_on == date(2027, 2, 28)
    assert deadlines.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


async def complete(session: AsyncSession, keeper: Actor, protocol_id: int, now: datetime) -> int:
    view = await protocols.get(session, keeper, protocol_id)
    for q in view.content.questions:
        view = await protocols.set_heard(
            session, keeper, protocol_id, q.position, f"Доклад по вопросу {q.position}.", now
        )
    return view.revision


async def test_completing_signing_freezing_and_a_correction(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, t1, t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20), questions=2)
    protocol = await held(session, view, [world.chair, secretary, t0, t1])
    assert protocol is not None
    later = start_of(view) + timedelta(days=2)
    pid = protocol.id

    # Bad input changes nothing.
    for actor, code in ((t0, ErrorCode.FORBIDDEN), (world.chair, ErrorCode.FORBIDDEN)):
        with pytest.raises(DomainError) as err:
            await protocols.set_heard(session, actor, pid, 1, "Текст", later)
        assert err.value.code is code
    with pytest.raises(DomainError) as err:
        await protocols.set_heard(session, secretary, pid, 1, "<b>жирный</b>", later)
    assert err.value.code is ErrorCode.HTML_NOT_ALLOWED
    kept = await protocols.set_heard(session, secretary, pid, 1, "средний балл > 4, но < 5", later)
    assert kept.content.questions[0].heard == "средний балл > 4, но < 5"  # not a tag
    with pytest.raises(DomainError) as err:
        await protocols.set_heard(session, secretary, pid, 1, "x" * 16_001, later)
    assert err.value.code is ErrorCode.TEXT_TOO_LONG
    with pytest.raises(DomainError) as err:
        await protocols.add_guests(session, secretary, pid, "просто имя без должности", later)
    assert err.value.code is ErrorCode.GUEST_FORMAT
    draft = await protocols.get(session, secretary, pid)
    with pytest.raises(DomainError) as err:
        await protocols.sign(session, secretary, pid, draft.revision, later)
    assert err.value.code is ErrorCode.PROTOCOL_INCOMPLETE
    assert err.value.params["questions"] == [2]  # 1 has its «Слушали» above

    revision = await complete(session, secretary, pid, later)
    view_of = await protocols.add_guests(
        session, secretary, pid, "Иванова Анна Петровна — методист ИМЦ", later
    )
    revision = view_of.revision
    view_of = await protocols.set_decision(session, secretary, pid, 1, "Утвердить план.", later)
    assert view_of.content.questions[0].decision == "Утвердить план."
    assert view_of.content.guests[0].position == "методист ИМЦ"
    with pytest.raises(DomainError) as err:  # signing what one has not seen
        await protocols.sign(session, secretary, pid, revision, later)
    assert err.value.code is ErrorCode.DRAFT_CHANGED
    with pytest.raises(DomainError) as err:
        await protocols.sign(session, t2, pid, view_of.revision, later)
    assert err.value.code is ErrorCode.NOT_SIGNER

    first = await protocols.sign(session, secretary, pid, view_of.revision, later)
    assert not first.issued and first.waiting_for == "Петров Сергей Иванович"
    [request] = await outbox_rows(session, protocols.SIGN)
    assert request.person_id == world.chair.person_id
    assert await outbox_rows(session, protocols.COPY) == []
    # An edit after one signature withdraws it: the other signed text has changed.
    edited = await protocols.set_heard(session, secretary, pid, 2, "Уточнённый доклад.", later)
    assert edited.content.keeper.signed_at is None
    with_unwanted = await protocols.unwanted(session, [claimed(request)])
    assert with_unwanted == {request.id}  # asked to sign a text that changed
    await protocols.sign(session, secretary, pid, edited.revision, later)
    done = await protocols.sign(session, world.chair, pid, edited.revision, later)
    assert done.issued and done.view.signed
    assert done.view.content.presiding.signed_at == later

    copies = await outbox_rows(session, protocols.COPY)
    members = {world.chair.person_id, secretary.person_id, t0.person_id, t1.person_id, t2.person_id}
    assert {c.person_id for c in copies} == members and len(copies) == 5
    # Reminders and the overdue flag are no longer wanted once issued.
    pending = await outbox_rows(session, protocols.REMINDER) + await outbox_rows(
        session, protocols.OVERDUE
    )
    dropped = await protocols.unwanted(session, [claimed(r) for r in pending])
    assert dropped == {r.id for r in pending}

    # Frozen: no edit, no signature; a correction is a new version, the signed one kept.
    with pytest.raises(DomainError) as err:
        await protocols.set_heard(session, secretary, pid, 1, "Другое", later)
    assert err.value.code is ErrorCode.PROTOCOL_SIGNED
    with pytest.raises(DomainError) as err:
        await protocols.correct(session, t0, pid, "опечатка", later)
    assert err.value.code is ErrorCode.FORBIDDEN
    corrected = await protocols.correct(session, secretary, pid, "опечатка в фамилии", later)
    assert corrected.version == 2 and not corrected.signed and corrected.correction
    assert corrected.content.presiding.signed_at is None
    member_view = await protocols.get(session, t0, pid)
    assert member_view.version == 1 and member_view.signed  # members see the signed one
    await protocols.sign(session, secretary, pid, corrected.revision, later)
    await protocols.sign(session, world.chair, pid, corrected.revision, later)
    versions = (
        await session.execute(
            select(ProtocolVersion.version, ProtocolVersion.signed_at).where(
                ProtocolVersion.protocol_id == pid
            )
        )
    ).all()
    await session.commit()
    assert sorted(v for v, at in versions if at is not None) == [1, 2]
    assert len(await outbox_rows(session, protocols.COPY)) == 10


async def test_a_meeting_without_attendance_gets_no_draft_until_the_roll_is_marked(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, _t1, _t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20))
    start = start_of(view)
    await meetings.run_clock(session, start)
    # The chair and the secretary count as present once check-in opens; the roll says
    # they were not there after all: nobody attended.
    for actor in (world.chair, secretary):
        await attendance.roll(
            session, secretary, view.id, actor.person_id or 0, Presence.ABSENT, start
        )
    assert await held(session, view, []) is None
    [missing] = await outbox_rows(session, protocols.MISSING)
    assert missing.person_id == secretary.person_id
    assert missing.params["missing"] == ErrorCode.NO_ATTENDANCE.value
    after = start_of(view) + timedelta(hours=3)
    with pytest.raises(DomainError) as err:
        await protocols.make(session, secretary, view.id, after)
    assert err.value.code is ErrorCode.NO_ATTENDANCE
    with pytest.raises(DomainError) as err:
        await protocols.make(session, t0, view.id, after)
    assert err.value.code is ErrorCode.FORBIDDEN
    # The roll is completed after the end, then the draft is made.
    for actor in (world.chair, t0):
        await attendance.roll(
            session, secretary, view.id, actor.person_id or 0, Presence.PRESENT, after
        )
    made = await protocols.make(session, secretary, view.id, after)
    assert made.number == 1 and made.content.present_count == 2
    assert await protocols.unwanted(session, [claimed(missing)]) == {missing.id}
    again = await protocols.make(session, secretary, view.id, after)
    assert again.id == made.id
    with pytest.raises(DomainError) as err:  # drafted: the roll is closed
        await attendance.roll(
            session, secretary, view.id, secretary.person_id or 0, Presence.PRESENT, after
        )
    assert err.value.code is ErrorCode.MEETING_ENDED


async def test_an_absentee_meeting_records_those_who_answered_the_ballot(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, t1, _t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20), form=MeetingForm.ABSENTEE)
    [item] = [q.id for q in view.agenda]
    for actor in (world.chair, secretary, t0, t1):
        await votes.cast(session, actor, item, Choice.FOR, NOW + timedelta(days=1))
    assert view.ballot_deadline is not None
    await meetings.run_clock(session, view.ballot_deadline)
    protocol = await session.scalar(select(Protocol))
    await session.commit()
    assert protocol is not None
    content = (await protocols.get(session, secretary, protocol.id)).content
    assert content.present_count == 4 and len(content.absent) == 1
    [question] = content.questions
    assert question.outcome is not None and question.outcome.by_ballot
    assert (question.outcome.for_, question.outcome.present, question.outcome.adopted) == (
        4,
        4,
        True,
    )


async def test_forget_leaves_the_signed_protocol_as_issued(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, _t1, _t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20))
    protocol = await held(session, view, [world.chair, secretary, t0])
    assert protocol is not None
    later = start_of(view) + timedelta(days=1)
    revision = await complete(session, secretary, protocol.id, later)
    await protocols.sign(session, secretary, protocol.id, revision, later)
    await protocols.sign(session, world.chair, protocol.id, revision, later)
    await people.forget(session, t0, later)
    content = (await protocols.get(session, secretary, protocol.id)).content
    assert "Учитель Номер 0" in [a.name for a in content.present]


def test_content_survives_json(clock: FixedClock) -> None:
    from services.protocol_content import (
        Attendee,
        Guest,
        Outcome,
        ProtocolContent,
        Question,
        Signer,
    )

    content = ProtocolContent(
        number=3,
        version=1,
        meeting_day=date(2026, 12, 20),
        association="РМО",
        topic="Тема",
        form="in_person",
        place=None,
        locale="ru",
        timezone=TZ,
        presiding=Signer("А", "chair", NOW),
        keeper=Signer("Б", "secretary"),
        members=5,
        present=(Attendee("В", "Школа", online=True),),
        absent=(Attendee("Г", reason="болезнь"),),
        guests=(Guest("Д", "методист"),),
        questions=(Question(1, "Вопрос", "В", "слушали", "решили", Outcome(3, 0, 1, 4, 5, True)),),
    )
    data: dict[str, Any] = content.to_json()
    assert ProtocolContent.from_json(data) == content


async def test_interested_persons_get_the_copy_and_can_stop_it(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, _t1, _t2) = await team(session, clock)
    aid = world.association_id
    with pytest.raises(DomainError) as err:  # a member manages no list
        await protocols.add_recipients(session, t0, aid, [(7001, "Кто-то")], NOW)
    assert err.value.code is ErrorCode.FORBIDDEN
    found = await protocols.add_recipients(
        session, secretary, aid, [(7001, "<b>Директор</b> Школы"), (7002, None), (7001, "x")], NOW
    )
    assert [(r.chat_id, r.name) for r in found] == [(7001, "bДиректор/b Школы"), (7002, "id 7002")]
    again = await protocols.add_recipients(session, world.chair, aid, [(7001, "Снова")], NOW)
    assert len(again) == 2  # not twice
    view = await meeting(session, world, date(2026, 12, 20))
    protocol = await held(session, view, [world.chair, secretary])
    assert protocol is not None
    later = start_of(view) + timedelta(days=1)
    revision = await complete(session, secretary, protocol.id, later)
    await protocols.sign(session, secretary, protocol.id, revision, later)
    await protocols.sign(session, world.chair, protocol.id, revision, later)
    copies = await outbox_rows(session, protocols.COPY)
    chats = sorted(c.params.get("association_id", 0) for c in copies if c.person_id is None)
    assert len(copies) == 5 + 2 and chats == [aid, aid]
    assert await protocols.unsubscribe(session, 7001, aid)
    left = await protocols.remove_recipient(session, secretary, aid, 7002, later)
    assert left == []


async def test_a_methodist_opens_the_overdue_protocol_and_the_archive(
    session: AsyncSession, clock: FixedClock
) -> None:

    world, _secretary, (t0, _t1, _t2) = await team(session, clock)
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, NOW)
    methodist = await register(session, link.token, 6001, clock, name="Методистова Нина")
    view = await meeting(session, world, date(2026, 12, 20))
    protocol = await held(session, view, [world.chair, t0])
    assert protocol is not None
    [flag] = [
        r
        for r in await outbox_rows(session, protocols.OVERDUE)
        if r.person_id == methodist.person_id
    ]
    assert flag.params["meeting_id"] == view.id
    seen = await protocols.get(session, methodist, protocol.id)
    assert seen.number == 1 and not seen.can_edit and seen.signs_as == ()
    archive = await protocols.archive(session, methodist, world.association_id, None, NOW)
    assert [r.number for r in archive.rows] == [1] and archive.can_export


async def test_spoke_is_optional_and_the_snapshot_keeps_kind_fractions_and_place(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, secretary, (t0, t1, _t2) = await team(session, clock)
    view = await meeting(session, world, date(2026, 12, 20), questions=2)
    protocol = await held(session, view, [world.chair, secretary, t0, t1])
    assert protocol is not None
    pid = protocol.id
    later = clock.now() + timedelta(days=1)
    draft = await protocols.get(session, secretary, pid)
    assert draft.content.kind == "rmo"
    assert (draft.content.validity, draft.content.decision) == ((1, 2), (2, 3))
    assert draft.content.city  # the association's municipality, under the title
    spoke = await protocols.set_spoke(session, secretary, pid, 2, "Петрова Н.С. предложила.", later)
    assert [q.spoke for q in spoke.content.questions] == ["", "Петрова Н.С. предложила."]
    with pytest.raises(DomainError) as err:
        await protocols.set_spoke(session, t0, pid, 2, "Текст", later)
    assert err.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as err:
        await protocols.set_spoke(session, secretary, pid, 2, "<b>жирный</b>", later)
    assert err.value.code is ErrorCode.HTML_NOT_ALLOWED
    cleared = await protocols.set_spoke(session, secretary, pid, 2, "-", later)
    assert [q.spoke for q in cleared.content.questions] == ["", ""]
