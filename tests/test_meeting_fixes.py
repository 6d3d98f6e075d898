"""Defects met at meetings (issue 13, item 4): ending a meeting whose check-in was opened
early, the presiding person and the minutes keeper counted present, the protocol's
questions never voted on and its reasons of absence, the quorum card and the panel after a
change, and the onboarding's wording."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from documents.protocol import render_text
from models import (
    Choice,
    InviteKind,
    MeetingStatus,
    Person,
    Presence,
    Protocol,
    RsvpAnswer,
    School,
    SchoolStatus,
)
from services import attendance, deadlines, invites, meetings, protocols, votes
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.protocol_content import ProtocolContent
from tests.factories import ADMIN_ID, World, make_world, member_link, register
from tests.flow import Flow, buttons, open_flow
from tests.helpers import NOW, START, members, published
from ui.callbacks.attendance import AttendAction, AttendCb
from ui.callbacks.meetings import MeetingAction, MeetingCb
from ui.callbacks.protocols import ProtoAction, ProtoCb

EARLY = START - timedelta(minutes=40)  # 14:20 local: check-in opened early, held at once


@pytest.fixture
async def early(sm: async_sessionmaker[AsyncSession]) -> AsyncIterator[Flow]:
    async with open_flow(sm, FixedClock(EARLY)) as running:
        yield running


async def test_a_meeting_with_check_in_opened_early_can_be_ended(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        view = await published(s, world)
    chair = world.chair_tg
    card = MeetingCb(action=MeetingAction.OPEN, meeting_id=view.id).pack()
    end = MeetingCb(action=MeetingAction.END, meeting_id=view.id).pack()

    # Before check-in and before the start, the button that cannot work is not offered.
    await early.press_data(chair, card)
    assert not [t for t, _d in buttons(early.last(chair, with_buttons=True)) if "🏁" in t]
    refused = await early.press_data(chair, end)  # an old card's button
    assert refused.alerts() == ["Заседание ещё не началось."]

    async with sm() as s:
        await attendance.open_checkin(s, world.chair, view.id, EARLY)
    await early.press_data(chair, card)
    await early.press(chair, "🏁 Завершить заседание")
    done = await early.press(chair, "🏁 Да, завершить")
    assert done.alerts() == ["Заседание завершено."]
    async with sm() as s:
        assert (await meetings.get(s, world.chair, view.id)).status is MeetingStatus.ENDED


async def test_ending_needs_check_in_or_the_start(session: AsyncSession) -> None:
    world = await make_world(session, FixedClock(NOW))
    view = await published(session, world)
    with pytest.raises(DomainError) as err:
        await meetings.end(session, world.chair, view.id, EARLY)
    assert err.value.code is ErrorCode.NOT_BEGUN
    await attendance.open_checkin(session, world.chair, view.id, EARLY)
    ended = await meetings.end(session, world.chair, view.id, EARLY + timedelta(minutes=30))
    assert ended.status is MeetingStatus.ENDED


async def twelve(session: AsyncSession) -> tuple[World, Actor, list[Actor]]:
    """An association of 12 voting members: the chair, a secretary and ten teachers."""
    clock = FixedClock(NOW)
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, NOW
    )
    secretary = await register(session, link.token, 4001, clock, name="Секретарёва Ольга")
    return world, secretary, await members(session, world, clock, 10)


async def test_the_presiding_and_the_keeper_count_in_quorum_votes_and_protocol(
    session: AsyncSession,
) -> None:
    world, secretary, teachers = await twelve(session)
    view = await published(session, world)
    await meetings.run_clock(session, START)  # check-in opens at the start
    for teacher in teachers[:7]:
        await attendance.check_in(session, teacher, view.id, START)
    q = await attendance.quorum(session, world.chair, view.id, START)
    assert (q.quorum.present, q.quorum.members, q.checked_in) == (9, 12, 9)
    assert q.quorum.valid and q.quorum.decisions
    item = view.agenda[0].id
    await votes.open_vote(session, world.chair, item, START)
    for voter in (world.chair, secretary, *teachers[:4]):
        await votes.cast(session, voter, item, Choice.FOR, START)
    result = await votes.close_vote(session, world.chair, item, START)
    assert (result.quorum.present, result.quorum.members, result.adopted) == (9, 12, True)
    await meetings.end(session, world.chair, view.id, START + timedelta(minutes=30))
    pid = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == view.id))
    await session.commit()
    assert pid is not None
    protocol = await protocols.get(session, secretary, pid)
    present = {a.name for a in protocol.content.present}
    absent = {a.name for a in protocol.content.absent}
    assert {"Петров Сергей Иванович", "Секретарёва Ольга"} <= present
    assert len(present) == 9 and len(absent) == 3
    assert protocol.content.presiding.name == "Петров Сергей Иванович"
    assert protocol.content.keeper.name == "Секретарёва Ольга"


async def test_a_question_never_voted_on_is_not_printed_as_decided_and_reasons_of_absence(
    session: AsyncSession,
) -> None:
    world, secretary, teachers = await twelve(session)
    view = await published(session, world)  # two questions, each with a draft decision
    sick, busy, _away, overruled = teachers[6:]
    await meetings.answer(session, sick, view.id, RsvpAnswer.NO, NOW, reason="болезнь")
    await meetings.answer(session, busy, view.id, RsvpAnswer.NO, NOW, reason="курсы")
    await meetings.answer(session, overruled, view.id, RsvpAnswer.NO, NOW, reason="отпуск")
    await meetings.run_clock(session, START)
    await attendance.roll(session, secretary, view.id, busy.person_id or 0, Presence.EXCUSED, START)
    await attendance.roll(
        session, secretary, view.id, overruled.person_id or 0, Presence.ABSENT, START
    )
    for teacher in teachers[:6]:
        await attendance.check_in(session, teacher, view.id, START)
    first = view.agenda[0].id
    await votes.open_vote(session, world.chair, first, START)
    await votes.cast(session, world.chair, first, Choice.FOR, START)
    await votes.close_vote(session, world.chair, first, START)
    await meetings.end(session, world.chair, view.id, START + timedelta(minutes=30))
    pid = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == view.id))
    await session.commit()
    assert pid is not None
    content = (await protocols.get(session, secretary, pid)).content
    reasons = {a.name: (a.reason, a.declined) for a in content.absent}
    assert reasons == {
        "Участник 006": (None, "болезнь"),  # «Не смогу», not marked on the roll
        "Участник 007": ("курсы", None),  # excused on the roll, its reason from «Не смогу»
        "Участник 008": (None, None),  # no answer
        "Участник 009": (None, None),  # the roll marked them absent: it overrides
    }
    voted, never = content.questions
    assert (voted.resolved, never.resolved) == ("Решение 1", "")
    assert never.not_voted and never.decision == "Решение 2"
    text = flat(render_text(content))
    assert "РЕШИЛИ: Решение 1" in text and "Решение 2" not in text
    assert "Вопрос на голосование не ставился, решение не принималось." in text
    assert "Участник 006 (сообщил(а), что не сможет прийти: болезнь)" in text
    assert "Участник 007 (по уважительной причине: курсы)" in text
    assert "Участник 009 (" not in text
    # The minutes keeper records the decision taken without a vote: it is printed.
    recorded = await protocols.set_decision(
        session, secretary, pid, 2, "Принять к сведению.", START + timedelta(hours=1)
    )
    text = flat(render_text(recorded.content))
    assert "РЕШИЛИ: Принять к сведению." in text and "не ставился" not in text
    # A snapshot stored before (no «recorded», no «declined») still reads, and its draft
    # never voted on is not printed as a decision either.
    old = recorded.content.to_json()
    for raw in old["questions"]:
        del raw["recorded"]
    for raw in old["absent"]:
        del raw["declined"]
    again = ProtocolContent.from_json(old)
    assert again.questions[1].decision == "Принять к сведению." and again.questions[1].not_voted


def flat(text: str) -> str:
    return " ".join(text.replace("#lp ", "").replace("|", " ").split())


async def test_the_quorum_card_is_one_card_edited_with_its_day_and_closed_votes_titled(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        view = await published(s, world)
    chair = world.chair_tg
    await early.press_data(chair, AttendCb(action=AttendAction.QUORUM, meeting_id=view.id).pack())
    card = early.last(chair, with_buttons=True)
    assert card.text is not None and "регистрация закрыта" in card.text
    opened = await early.press(chair, "▶️ Открыть регистрацию", card)
    assert not opened.sent()  # no second card: this one is edited
    card = early.session.sent[chair][card.message_id]
    assert card.text is not None
    assert "Отметились: 1 · регистрация открыта (до 20 декабря, 16:00)" in card.text
    labels = [label for label, _data in buttons(card)]
    assert "⏹ Закрыть регистрацию" in labels and "▶️ Открыть регистрацию" not in labels
    closed = await early.press(chair, "⏹ Закрыть регистрацию", card)
    assert not closed.sent()
    card = early.session.sent[chair][card.message_id]
    assert card.text is not None and "регистрация закрыта" in card.text
    refreshed = await early.press(chair, "👥 Кворум", card)  # on the card: refreshed in place
    assert not refreshed.sent() and refreshed.answered_callback()
    # The votes panel keeps a closed question's title.
    async with sm() as s:
        await votes.open_vote(s, world.chair, view.agenda[0].id, EARLY)
        await votes.close_vote(s, world.chair, view.agenda[0].id, EARLY)
    panel = await early.press_data(
        chair, AttendCb(action=AttendAction.VOTES, meeting_id=view.id).pack()
    )
    assert panel.texts[0].split("\n")[1:] == [
        "1. Вопрос 1 — закрыто: за 0, против 0, воздержались 0 — не принято",
        "2. Вопрос 2",
    ]


async def test_the_panel_says_published_after_publishing(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        draft = await meetings.create_draft(s, world.chair, world.association_id, "Тема", NOW)
        draft = await meetings.set_day(
            s,
            world.chair,
            draft.id,
            draft.version,
            deadlines.Typed(date(2026, 12, 30), time(15, 0)),
            NOW,
        )
        draft = await meetings.set_place(s, world.chair, draft.id, draft.version, "Каб. 12", NOW)
        await meetings.add_question(
            s, world.chair, draft.id, draft.version, "Вопрос", NOW, draft_decision="Решение"
        )
    chair = world.chair_tg
    await early.send(chair, "/newmeeting")
    await early.press(chair, "Тема")
    panel = early.last(chair, with_buttons=True)
    assert panel.text is not None and panel.text.startswith("📝 <b>Черновик заседания</b>")
    await early.press(chair, "📤", panel)
    for _turn in range(5):  # the panel is edited in the background
        await asyncio.sleep(0)
    panel = early.session.sent[chair][panel.message_id]
    assert panel.text is not None and panel.text.startswith(
        "📢 <b>Заседание опубликовано</b> — участники видят:"
    )
    assert "Черновик" not in panel.text and not buttons(panel)


# ------------------------------------------------------------------ onboarding's wording


async def test_a_new_municipality_is_asked_its_own_time_zone(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        await make_world(s, FixedClock(NOW))
    await early.send(ADMIN_ID, "/newmunicipality")
    await early.press(ADMIN_ID, "ИМЦ Ленинского района")
    asked = await early.send(ADMIN_ID, "Советский район")
    assert asked.texts == [
        "Часовой пояс муниципалитета? Выберите город или введите название в формате IANA, "
        "например Asia/Omsk."
    ]


async def test_a_school_typed_again_by_another_teacher_is_matched(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        token = await member_link(s, world, FixedClock(NOW))
    new = "Я добавлю «МОУ Лицей № 9» как новую школу; председатель или методист её подтвердит."
    waiting = "«МОУ Лицей № 9» уже в списке и ждёт подтверждения председателя или методиста."
    for teacher, name, typed, said in (
        (3001, "Учитель Первый", "МОУ Лицей № 9", new),
        (3002, "Учитель Второй", "лицей №9", waiting),  # the same school, typed another way
    ):
        await early.send(teacher, f"/start {token}")
        await early.press(teacher, "✅")
        await early.send(teacher, name)
        reply = await early.send(teacher, typed)
        assert reply.texts[0] == said, reply.texts
        await early.send(teacher, "физика")
    async with sm() as s:
        found = (await s.scalars(select(School).where(School.name.like("%Лицей%")))).all()
        people = (await s.scalars(select(Person).where(Person.full_name.like("Учитель%")))).all()
    assert [(school.name, school.status) for school in found] == [
        ("МОУ Лицей № 9", SchoolStatus.PENDING)
    ]
    assert {person.school_id for person in people} == {found[0].id}
    # The same in /profile.
    await early.send(3002, "/profile")
    await early.press(3002, "🏫 Школа")
    reply = await early.send(3002, "Лицей № 9")
    assert reply.texts[0] == waiting, reply.texts


async def test_heard_says_how_to_start_and_that_the_speaker_is_apart(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world, _secretary, teachers = await twelve(s)
        view = await meetings.create_draft(s, world.chair, world.association_id, "Тема", NOW)
        view = await meetings.set_day(
            s,
            world.chair,
            view.id,
            view.version,
            deadlines.Typed(date(2026, 12, 20), time(15, 0)),
            NOW,
        )
        view = await meetings.set_place(s, world.chair, view.id, view.version, "Каб. 12", NOW)
        view = await meetings.add_question(
            s, world.chair, view.id, view.version, "Вопрос", NOW, speaker_id=teachers[0].person_id
        )
        await meetings.publish(s, world.chair, view.id, view.version, NOW)
        await meetings.run_clock(s, START)
        await meetings.end(s, world.chair, view.id, START + timedelta(minutes=30))
        pid = await s.scalar(select(Protocol.id).where(Protocol.meeting_id == view.id))
    assert pid is not None
    asked = await early.press_data(4001, ProtoCb.question(ProtoAction.HEARD, pid, 1).pack())
    parts = asked.texts[0].split("\n\n")
    assert parts[2] == (  # whom they heard, in the accusative, in front (issue 17)
        "Начните с того, кого слушали, в винительном падеже, и что он(а) сообщил(а): "
        "«Иванову М.П., учителя МОУ СОШ № 1, которая …»."
    )
    assert parts[3] == "Докладчик «Участник 000» печатается отдельной строкой над вашим текстом."


async def test_the_protocol_card_shows_a_question_never_voted_on_as_such(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        view = await published(s, world)  # the chair presides and keeps the minutes
        await attendance.open_checkin(s, world.chair, view.id, EARLY)
        await votes.open_vote(s, world.chair, view.agenda[0].id, EARLY)
        await votes.cast(s, world.chair, view.agenda[0].id, Choice.FOR, EARLY)
        await votes.close_vote(s, world.chair, view.agenda[0].id, EARLY)
        await meetings.end(s, world.chair, view.id, EARLY)
        pid = await s.scalar(select(Protocol.id).where(Protocol.meeting_id == view.id))
    assert pid is not None
    card = await early.press_data(
        world.chair_tg, ProtoCb(action=ProtoAction.OPEN, protocol_id=pid).pack()
    )
    text = card.texts[0]
    assert "Решили: Решение 1\n   За 1, против 0, воздержались 0 — ✅ принято" in text, text
    assert "На голосование не ставился; проект решения: <i>Решение 2</i>" in text, text
    assert "Решили: Решение 2" not in text
