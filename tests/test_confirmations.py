"""Every step that asks before acting («Завершить заседание сейчас?», «Удалить черновик?»,
«Удалить … из объединения?», the reason of a cancellation or a move) and every action such
a step confirms (end, discard, remove, close a survey, sign, correct) refuses a sender
without the right before showing anything (issue 20, item 2): through the Dispatcher on
SQLite and PostgreSQL, exact texts, nothing sent but the refusal, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AssociationKind, Membership
from models.base import Base
from services import associations, meetings, protocols, surveys
from services.clock import FixedClock
from services.people import load_actor
from tests.factories import ADMIN, register
from tests.flow import JsonMemoryStorage, Reply, open_flow
from tests.helpers import CHAIR, SECRETARY, TEACHERS, ended_meeting, published, seed
from ui.callbacks.meetings import DraftAction, DraftCb, MeetingAction, MeetingCb
from ui.callbacks.people import MemberAction, MemberCb
from ui.callbacks.protocols import ProtoAction, ProtoCb
from ui.callbacks.surveys import SurveyAction, SurveyCb

TEACHER = TEACHERS[0]  # a plain member (checked in at the ended meeting, signs nothing)
OTHER_CHAIR = 5001  # the chair of another association of the same service

FORBIDDEN = "У вас нет прав на это действие. Ничего не изменилось."
PUBLISHED = "Это заседание уже опубликовано: изменить его можно в /meetings."
ENDED = "Это заседание уже завершено."
SIGNERS = "Этот протокол подписывают только председательствовавший и секретарь заседания."
UNSIGNED = "Этот протокол ещё не подписан."  # a member reads signed versions only


@dataclass(frozen=True)
class Objects:
    """What the buttons name: a published meeting, a draft, an ended meeting and its
    protocol (its revision), a sent survey, the memberships of the chair and a teacher."""

    published: int
    draft: int
    draft_version: int
    ended: int
    protocol: int
    revision: int
    survey: int
    chair_membership: int
    teacher_membership: int


async def build(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> Objects:
    world = await seed(None, sm, clock)
    async with sm() as s:
        other = await associations.create_association(
            s,
            ADMIN,
            kind=AssociationKind.RMO,
            name="РМО учителей физики",
            subject="физика",
            municipality_id=world.municipality_id,
            timezone="Asia/Novosibirsk",
            now=clock.now(),
        )
        await register(s, other.chair_token, OTHER_CHAIR, clock, name="Сидорова Мария")
        chair = await load_actor(s, CHAIR, [])
        meeting = await published(s, world)
        draft = await meetings.create_draft(
            s, chair, world.association_id, "Черновик заседания", clock.now()
        )
        poll = await surveys.create_poll(
            s, chair, world.association_id, "Когда собраться?", ["Пн", "Ср"], clock.now()
        )
        await surveys.open_survey(s, chair, poll.id, poll.version, clock.now())
        protocol = await ended_meeting(s, world, clock)
        chair = await load_actor(s, CHAIR, [])
        view = await protocols.get(s, chair, protocol)
        teacher = await load_actor(s, TEACHER, [])
        ids = {
            person: await s.scalar(
                select(Membership.id).where(
                    Membership.person_id == person,
                    Membership.association_id == world.association_id,
                )
            )
            for person in (chair.person_id, teacher.person_id)
        }
    return Objects(
        published=meeting.id,
        draft=draft.id,
        draft_version=draft.version,
        ended=view.meeting_id,
        protocol=protocol,
        revision=view.revision,
        survey=poll.id,
        chair_membership=int(ids[chair.person_id] or 0),
        teacher_membership=int(ids[teacher.person_id] or 0),
    )


def meeting(action: MeetingAction, of: str) -> Callable[[Objects], str]:
    return lambda o: MeetingCb(action=action, meeting_id=getattr(o, of)).pack()


def draft(action: DraftAction, of: str) -> Callable[[Objects], str]:
    def pack(o: Objects) -> str:
        version = o.draft_version if of == "draft" else 0
        return DraftCb(action=action, meeting_id=getattr(o, of), version=version).pack()

    return pack


def member(action: MemberAction, of: str) -> Callable[[Objects], str]:
    return lambda o: MemberCb(membership_id=getattr(o, of), action=action).pack()


def close(o: Objects) -> str:
    return SurveyCb(action=SurveyAction.CLOSE, survey_id=o.survey).pack()


def sign(o: Objects) -> str:
    return ProtoCb.signing(o.protocol, o.revision).pack()


def correct(o: Objects) -> str:
    return ProtoCb(action=ProtoAction.CORRECT, protocol_id=o.protocol).pack()


END, END_OK = meeting(MeetingAction.END, "published"), meeting(MeetingAction.END_OK, "published")
CHAIR_OUT, CHAIR_OUT_OK = (
    member(MemberAction.REMOVE, "chair_membership"),
    member(MemberAction.REMOVE_OK, "chair_membership"),
)
TEACHER_OUT, TEACHER_OUT_OK = (
    member(MemberAction.REMOVE, "teacher_membership"),
    member(MemberAction.REMOVE_OK, "teacher_membership"),
)

CASES: list[tuple[str, int, Callable[[Objects], str], str]] = [
    # «🏁 Завершить заседание» and its «Да, завершить»
    ("end a member", TEACHER, END, FORBIDDEN),
    ("end another chair", OTHER_CHAIR, END, FORBIDDEN),
    ("end ok a member", TEACHER, END_OK, FORBIDDEN),
    ("end ok another chair", OTHER_CHAIR, END_OK, FORBIDDEN),
    # «Отменить» (asks the reason), «Перенести», «Место» (ask the new one)
    ("cancel a member", TEACHER, meeting(MeetingAction.CANCEL, "published"), FORBIDDEN),
    ("cancel another chair", OTHER_CHAIR, meeting(MeetingAction.CANCEL, "published"), FORBIDDEN),
    ("cancel ended, the chair", CHAIR, meeting(MeetingAction.CANCEL, "ended"), ENDED),
    ("move a member", TEACHER, meeting(MeetingAction.MOVE, "published"), FORBIDDEN),
    ("move ended, the chair", CHAIR, meeting(MeetingAction.MOVE, "ended"), ENDED),
    ("place a member", TEACHER, meeting(MeetingAction.PLACE, "published"), FORBIDDEN),
    # «🗑 Удалить черновик» and its «Да, удалить»
    ("discard a member", TEACHER, draft(DraftAction.DISCARD, "published"), FORBIDDEN),
    ("discard published, the chair", CHAIR, draft(DraftAction.DISCARD, "published"), PUBLISHED),
    ("discard another chair", OTHER_CHAIR, draft(DraftAction.DISCARD, "draft"), FORBIDDEN),
    ("discard a member's draft", TEACHER, draft(DraftAction.DISCARD, "draft"), FORBIDDEN),
    ("discard ok a member", TEACHER, draft(DraftAction.DISCARD_OK, "draft"), FORBIDDEN),
    ("discard ok another", OTHER_CHAIR, draft(DraftAction.DISCARD_OK, "draft"), FORBIDDEN),
    # «🗑 Удалить из объединения» and its «Да, удалить»
    ("remove the chair, secretary", SECRETARY, CHAIR_OUT, FORBIDDEN),
    ("remove a member", TEACHER, TEACHER_OUT, FORBIDDEN),
    ("remove another chair", OTHER_CHAIR, TEACHER_OUT, FORBIDDEN),
    ("remove ok secretary", SECRETARY, CHAIR_OUT_OK, FORBIDDEN),
    ("remove ok a member", TEACHER, TEACHER_OUT_OK, FORBIDDEN),
    ("remove ok another", OTHER_CHAIR, TEACHER_OUT_OK, FORBIDDEN),
    # «Закрыть опрос»
    ("close a member", TEACHER, close, FORBIDDEN),
    ("close another", OTHER_CHAIR, close, FORBIDDEN),
    # «✍️ Подписать», «✏️ Исправить»
    ("sign a member", TEACHER, sign, SIGNERS),
    ("sign another", OTHER_CHAIR, sign, SIGNERS),
    ("correct a member", TEACHER, correct, UNSIGNED),
    ("correct another", OTHER_CHAIR, correct, FORBIDDEN),
]


async def database(sm: async_sessionmaker[AsyncSession]) -> dict[str, list[str]]:
    """Every row of every table: equal dumps mean nothing was written."""
    async with sm() as s:
        return {
            table.name: sorted(repr(tuple(row)) for row in (await s.execute(select(table))).all())
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize(("case", "sender", "data", "refusal"), CASES, ids=[c[0] for c in CASES])
async def test_a_confirmation_refuses_whoever_may_not_act(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    case: str,
    sender: int,
    data: Callable[[Objects], str],
    refusal: str,
) -> None:
    objects = await build(sessionmaker, clock)
    before = await database(sessionmaker)
    async with open_flow(sessionmaker, clock) as flow:
        storage: Any = flow.dp.fsm.storage
        assert isinstance(storage, JsonMemoryStorage)
        reply = await flow.press_data(sender, data(objects))
        # The refusal alone: no question, no button, no edit of the message tapped.
        assert [type(call) for call in reply.calls] == [AnswerCallbackQuery]
        assert reply.alerts() == [refusal]
        assert storage.states == {} or set(storage.states.values()) == {None}
    assert await database(sessionmaker) == before


def markup(reply: Reply) -> list[tuple[str, str]]:
    """The buttons of the question a tap was answered with (sent or edited in place)."""
    found = [getattr(call, "reply_markup", None) for call in reply.calls]
    found = [m for m in found if m is not None]
    assert len(found) == 1 and isinstance(found[0], InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in found[0].inline_keyboard for b in row]


async def test_those_who_may_act_are_still_asked(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """The checks refuse no one who may act: the secretary removing a teacher and the chair
    discarding a draft are asked, with the live button, and nothing is written yet."""
    objects = await build(sm, clock)
    before = await database(sm)
    async with open_flow(sm, clock) as flow:
        reply = await flow.press_data(
            SECRETARY, member(MemberAction.REMOVE, "teacher_membership")(objects)
        )
        assert reply.texts == [
            "Удалить из объединения: Учитель Номер 0? История посещений сохранится."
        ]
        ok = MemberCb(membership_id=objects.teacher_membership, action=MemberAction.REMOVE_OK)
        assert ("Да, удалить", ok.pack()) in markup(reply)
        reply = await flow.press_data(CHAIR, draft(DraftAction.DISCARD, "draft")(objects))
        assert reply.texts == ["Удалить черновик «Черновик заседания»?"]
        confirm = draft(DraftAction.DISCARD_OK, "draft")(objects)
        assert markup(reply) == [("Да, удалить", confirm)]
    assert await database(sm) == before
