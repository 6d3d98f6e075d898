"""Issue 20, item 1: who reviews a school a teacher typed, and what a rejection does.

A pending school is reviewed by the methodists of its service and by the chair and deputy
of the associations whose members have it; a rejection keeps the school (marked rejected),
so the teacher's profile and attendance marks keep it as typed, and tells the teacher, in
their language, with one button to the school picker."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import DOMAIN, LOCALES_DIR
from models import (
    AssociationKind,
    Attendance,
    AuditEntry,
    InviteKind,
    Meeting,
    MeetingForm,
    MeetingStatus,
    OutboxMessage,
    Person,
    Presence,
    School,
    SchoolStatus,
)
from scheduler.kinds import registry
from services import associations, invites, schools
from services.attendance import queries as attendance_queries
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.outbox import Claimed
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons
from tests.helpers import count
from ui.callbacks.common import SchoolReview

LYCEUM = "Лицей № 77 Ленинский"


@dataclass(frozen=True)
class People:
    world: World
    teacher: Actor  # a member of A who typed the lyceum
    deputy: Actor  # A's deputy
    secretary: Actor  # A's secretary: not a reviewer
    other_chair: Actor  # the chair of C, same municipality: none of C's members typed it
    methodist: Actor  # of the service
    foreign_methodist: Actor  # of another service
    school_id: int


async def people_of(session: AsyncSession, clock: FixedClock) -> People:
    world = await make_world(session, clock)
    now = clock.now()
    teacher = await register(session, await member_link(session, world, clock), 3001, clock,
                             name="Учитель Лицея", school=LYCEUM)  # fmt: skip
    staff = []
    for kind, tg in ((InviteKind.DEPUTY, 3002), (InviteKind.SECRETARY, 3003)):
        link = await invites.create_link(session, world.chair, kind, world.association_id, now)
        staff.append(await register(session, link.token, tg, clock, name=f"Сотрудник {tg}"))
    other = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.GMO,
        name="ГМО учителей физики",
        subject="физика",
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=now,
    )
    other_chair = await register(session, other.chair_token, 3004, clock, name="Физик Главный")
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, now)
    methodist = await register(session, link.token, 3005, clock, name="Методист Службы")
    foreign_service = await associations.create_service(session, ADMIN, "ИМЦ Чужой", now)
    link = await invites.create_methodist_link(session, ADMIN, foreign_service.id, now)
    foreign = await register(session, link.token, 3006, clock, name="Методист Чужой")
    school_id = await session.scalar(select(School.id).where(School.name == LYCEUM))
    assert school_id is not None
    deputy, secretary = staff
    return People(world, teacher, deputy, secretary, other_chair, methodist, foreign, school_id)


async def state(session: AsyncSession, p: People) -> tuple[object, ...]:
    """What a review may change: the school's status, the teacher's school, the outbox."""
    session.expire_all()
    school = await session.get(School, p.school_id)
    teacher = await session.get(Person, p.teacher.person_id)
    assert teacher is not None
    return (
        school.status if school else None,
        teacher.school_id,
        await count(session, OutboxMessage),
        await count(session, AuditEntry),
    )


async def test_who_reviews_a_typed_school(session: AsyncSession, clock: FixedClock) -> None:
    p = await people_of(session, clock)
    # The permission table's row, per capacity: the chair and deputy of A (the teacher's
    # association) and the service's methodists; not A's secretary, C's chair (same
    # municipality) or another service's methodist.
    reviewers = {
        "chair": p.world.chair,
        "deputy": p.deputy,
        "methodist": p.methodist,
        "admin": ADMIN,
    }
    for who, actor in reviewers.items():
        found = [s.name for s in await schools.pending_for(session, actor)]
        assert LYCEUM in found, who
    outsiders = {
        "secretary": p.secretary,
        "other chair": p.other_chair,
        "foreign methodist": p.foreign_methodist,
        "teacher": p.teacher,
    }
    before = await state(session, p)
    for who, actor in outsiders.items():
        assert LYCEUM not in [s.name for s in await schools.pending_for(session, actor)], who
        for approve in (True, False):
            with pytest.raises(DomainError) as err:
                await schools.review(session, actor, p.school_id, approve, clock.now())
            assert err.value.code is ErrorCode.FORBIDDEN, who
        assert await state(session, p) == before, who
    # The methodist approves; a second review (either way) is stale and changes nothing.
    await schools.review(session, p.methodist, p.school_id, True, clock.now())
    approved = await state(session, p)
    assert approved[0] is SchoolStatus.APPROVED
    for approve in (True, False):
        with pytest.raises(DomainError) as err:
            await schools.review(session, p.world.chair, p.school_id, approve, clock.now())
        assert err.value.code is ErrorCode.STALE
    assert await state(session, p) == approved


async def test_a_rejection_keeps_the_school_as_typed_and_tells_the_teacher(
    session: AsyncSession, clock: FixedClock
) -> None:
    p = await people_of(session, clock)
    now = clock.now()
    meeting = Meeting(
        association_id=p.world.association_id,
        topic="Заседание",
        form=MeetingForm.IN_PERSON,
        starts_at=now,
        status=MeetingStatus.ENDED,
    )
    session.add(meeting)
    await session.flush()
    session.add(
        Attendance(
            meeting_id=meeting.id,
            person_id=p.teacher.person_id,
            status=Presence.PRESENT,
            school_name=LYCEUM,
            at=now,
        )
    )
    await session.commit()
    await schools.review(session, p.deputy, p.school_id, False, now)
    rejected = await state(session, p)
    assert rejected[0] is SchoolStatus.REJECTED and rejected[1] == p.school_id
    # The attendance row as it was, and a mark made now still copies the school as typed.
    marks = (await session.scalars(select(Attendance.school_name))).all()
    assert marks == [LYCEUM]
    assert p.teacher.person_id is not None
    row = (
        await session.execute(
            attendance_queries.membership(p.world.association_id, p.teacher.person_id)
        )
    ).one()
    assert row[2] == LYCEUM
    # The teacher (and only they) is told once.
    [told] = (
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == schools.REJECTED_KIND)
        )
    ).all()
    assert told.person_id == p.teacher.person_id
    assert told.dedupe_key == f"school:{p.school_id}:rejected:person={p.teacher.person_id}"
    assert told.params == {"school": LYCEUM}
    # A double tap on «✖️», or an approval after it: stale, nothing changed.
    for approve in (False, True):
        with pytest.raises(DomainError) as err:
            await schools.review(session, p.world.chair, p.school_id, approve, now)
        assert err.value.code is ErrorCode.STALE
    assert await state(session, p) == rejected
    # Rejected schools are not waiting any more; typed again, the name waits again.
    assert LYCEUM not in [s.name for s in await schools.pending_for(session, p.methodist)]
    again = await schools.matching(session, p.world.municipality_id, LYCEUM)
    assert again is not None and again.pending


def claimed(row: OutboxMessage) -> Claimed:
    return Claimed(
        id=row.id,
        kind=row.kind,
        person_id=row.person_id,
        chat_id=row.chat_id,
        template=row.template,
        params=dict(row.params),
        attempts=0,
        parts_done=0,
        group_key=row.group_key,
    )


async def test_schools_flow_other_chair_sees_nothing_and_the_teacher_picks_again(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        p = await people_of(s, clock)
        await s.commit()
    chair_tg, other_tg, teacher_tg = p.world.chair_tg, 3004, 3001
    # The chair of C: the lyceum typed by A's teacher is not theirs to review.
    reply = await flow.send(other_tg, "/schools")
    assert LYCEUM not in reply.text and "МОУ СОШ № 5" in reply.text  # typed by C's chair
    forged = SchoolReview(school_id=p.school_id, approve=False).pack()
    async with sm() as s:
        before = await state(s, p)
    reply = await flow.press_data(other_tg, forged)
    assert reply.alerts() == ["У вас нет прав на это действие. Ничего не изменилось."]
    # A's chair sees it and rejects it; a second tap on «✖️» is refused politely.
    reply = await flow.send(chair_tg, "/schools")
    assert LYCEUM in reply.text
    listing = flow.last(chair_tg, with_buttons=True)
    [number] = [line.split(".")[0] for line in reply.text.splitlines() if LYCEUM in line]
    reply = await flow.press(chair_tg, f"✖️ {number}", listing)
    assert reply.alerts() == [f"Школа «{LYCEUM}» отклонена."]
    async with sm() as s:
        after = await state(s, p)
        [row] = (
            await s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == schools.REJECTED_KIND)
            )
        ).all()
    assert after[:2] == (SchoolStatus.REJECTED, p.school_id) and before[1] == p.school_id
    reply = await flow.press_data(chair_tg, forged, listing)
    assert reply.alerts() == ["Эта кнопка устарела. Откройте список заново."]
    async with sm() as s:
        assert await state(s, p) == after
    # The teacher's message, in Russian and in English, with one button to the picker.
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    kind = registry(clock)[row.kind]
    [part] = await kind.render(sm, i18n, claimed(row), "ru")
    assert part.text == (
        f"Школа «{LYCEUM}» в вашем профиле не подтверждена: её нет в справочнике. "
        "Пожалуйста, выберите школу из справочника или введите её заново; до тех пор в "
        "профиле остаётся школа, как вы её ввели."
    )
    assert part.reply_markup is not None
    [[button]] = part.reply_markup.inline_keyboard
    assert (button.text, button.callback_data) == ("🏫 Выбрать школу", "pf:school")
    [en] = await kind.render(sm, i18n, claimed(row), "en")
    assert en.text is not None and en.text.startswith(f"The school «{LYCEUM}» on your profile")
    reply = await flow.send(teacher_tg, "/profile")
    assert f"🏫 {LYCEUM} (не подтверждена: выберите школу заново)" in reply.text
    reply = await flow.press_data(teacher_tg, "pf:school")
    assert buttons(flow.last(teacher_tg, with_buttons=True))  # the directory's picker
