"""The plan approval through the Dispatcher: the chair puts the plan to approval at a meeting
with two taps (the question lands on its agenda), a forged button for another association's
plan is refused in Russian with nothing changed, and a council's chair gets «the council
adopted the plan» with the button that approves it."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import DOMAIN, LOCALES_DIR
from handlers.errors import error_text
from handlers.ui import short
from models import AgendaItem, AnnualPlan, Association, AssociationKind, Choice, PlanStatus
from scheduler.kinds import registry
from services import associations, meetings, plans
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.outbox import Claimed
from tests.approval_world import (
    NOW,
    draft_plan,
    held_and_signed,
    meeting_with_plan,
    team,
)
from tests.factories import ADMIN, register
from tests.flow import Flow, buttons
from tests.helpers import count
from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb


def russian(code: ErrorCode) -> str:
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    with i18n.context(), i18n.use_locale("ru"):
        return short(error_text(DomainError(code)))


async def test_the_chair_puts_the_plan_on_a_meetings_agenda_in_two_taps(
    flow: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(NOW)
    async with sm() as s:
        world, _secretary, _teachers = await team(s, clock)
        plan_id = await draft_plan(s, world)
        draft = await meetings.create_draft(s, world.chair, world.association_id, "Заседание", NOW)
        created = await associations.create_association(
            s,
            ADMIN,
            kind=AssociationKind.RMO,
            name="РМО учителей физики",
            subject="физика",
            municipality_id=world.municipality_id,
            timezone="Asia/Novosibirsk",
            now=NOW,
        )
        stranger = await register(s, created.chair_token, 2999, clock, name="Иванов Пётр")
    chair = world.chair_tg

    # A forged button: another association's chair puts our plan on their agenda.
    forged = PlanApprovalCb(action=PlanApprovalAction.TO, plan_id=plan_id, meeting_id=draft.id)
    refused = await flow.press_data(stranger.external_id or 0, forged.pack())
    assert refused.alerts() == [russian(ErrorCode.FORBIDDEN)]
    async with sm() as s:
        assert await count(s, AgendaItem) == 0

    put = PlanApprovalCb(action=PlanApprovalAction.PUT, plan_id=plan_id)
    listing = await flow.press_data(chair, put.pack())
    [asked] = listing.sent()
    assert asked.text == ("На каком заседании утвердить план? Вопрос будет внесён в его повестку.")
    assert [text for text, _data in buttons(flow.last(chair, with_buttons=True))] == [
        "дата не назначена · Заседание"
    ]
    added = await flow.press(chair, "Заседание")
    assert added.alerts() == [
        "Внесено в повестку «Заседание»: «Об утверждении плана работы на 2026/2027 учебный год»."
    ]
    async with sm() as s:
        [item] = (await s.scalars(select(AgendaItem))).all()
        assert (item.plan_id, item.title, item.draft_decision) == (
            plan_id,
            "Об утверждении плана работы на 2026/2027 учебный год",
            "Утвердить план работы на 2026/2027 учебный год.",
        )
    # The same plan again on that agenda: refused, nothing added.
    again = await flow.press_data(
        chair,
        PlanApprovalCb(action=PlanApprovalAction.TO, plan_id=plan_id, meeting_id=draft.id).pack(),
    )
    assert again.alerts() == [russian(ErrorCode.PLAN_ON_AGENDA)]
    async with sm() as s:
        assert await count(s, AgendaItem) == 1


async def test_a_councils_chair_approves_the_adopted_plan_from_the_notification(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """`clock` is the Dispatcher's; the world is built at NOW."""
    world_clock = FixedClock(NOW)
    async with sm() as s:
        world, secretary, (t0, t1, _t2) = await team(s, world_clock)
        await s.execute(
            update(Association)
            .where(Association.id == world.association_id)
            .values(kind=AssociationKind.COUNCIL, name="Совет по методической работе")
        )
        await s.commit()
        plan_id = await draft_plan(s, world)
        meeting_id = await meeting_with_plan(s, world, plan_id)
    # Before any meeting adopted it, the chair's tap is refused.
    tap = PlanApprovalCb(action=PlanApprovalAction.CONFIRM, plan_id=plan_id).pack()
    early = await flow.press_data(world.chair_tg, tap)
    assert early.alerts() == [russian(ErrorCode.PLAN_NOT_ADOPTED)]
    async with sm() as s:
        present = [world.chair, secretary, t0, t1]
        await held_and_signed(s, world, secretary, meeting_id, present, [Choice.FOR] * 4)

    # The outbox row for the chair renders as the notification with its button.
    kind = registry(clock)[plans.ADOPTED]
    row = Claimed(
        id=1,
        kind=plans.ADOPTED,
        person_id=world.chair.person_id,
        chat_id=None,
        template=plans.ADOPTED,
        params={"plan_id": plan_id},
        attempts=0,
        parts_done=0,
        group_key=f"plan:{plan_id}:approval",
    )
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    assert await kind.unwanted(sm, [row]) == set()
    [part] = await kind.render(sm, i18n, row, "ru")
    assert part.text == (
        "📋 «Совет по методической работе» принял план работы на 2026/2027 учебный год на "
        "своём заседании (протокол № 1 от 20.12.2026).\n\n"
        "План Совета утверждается его председателем (прил. 2, п. 4.5): нажмите кнопку, чтобы "
        "утвердить его."
    )
    sent = await flow.bot.send_message(world.chair_tg, part.text, reply_markup=part.reply_markup)

    refused = await flow.press(secretary.external_id or 0, "Утвердить план", sent)
    assert refused.alerts() == [russian(ErrorCode.FORBIDDEN)]
    done = await flow.press(world.chair_tg, "Утвердить план", sent)
    assert done.alerts() == ["✅ План работы на 2026/2027 учебный год утверждён."]
    async with sm() as s:
        plan = await s.get_one(AnnualPlan, plan_id)
        assert plan.status is PlanStatus.APPROVED and plan.approved_at == clock.now()
    # Once approved, the chair's notification is no longer wanted (not sent if still queued).
    assert await kind.unwanted(sm, [row]) == {1}
    approved = registry(clock)[plans.APPROVED]
    [told] = await approved.render(sm, i18n, row, "ru")
    assert told.text == (
        "✅ План работы «Совет по методической работе» на 2026/2027 учебный год утверждён.\n\n"
        "Принят на заседании Совета (протокол № 1 от 20.12.2026) и утверждён председателем.\n"
        "Любое изменение теперь создаёт новую редакцию, которую нужно утвердить снова; "
        "утверждённая сохраняется."
    )
