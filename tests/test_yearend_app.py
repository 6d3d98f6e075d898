"""The school year end to end (issue 15): the app on the fake Bot API with the injected clock.
A chair drafts the plan in the chat (/plan, «📝 Создать черновик», the theme typed; a row
added through the services) and puts it on a meeting's agenda («🗳 Вынести на
утверждение»); the meeting approves it (the vote adopted, the protocol signed by both: the
plan approved with the protocol's number and date); the plan's row becomes a meeting in one
tap; then an ММА's quarter passes without a meeting: on the first day of its last month ONE
finding reaches the chair with its button, and the digest reaches the methodist once (the
daily job run again sends nothing). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AnnualPlan,
    AnnualPlanRow,
    Association,
    AssociationKind,
    Choice,
    Meeting,
    PlanRowKind,
    PlanStatus,
)
from services import deadlines, invites, meetings, plans
from services.clock import FixedClock
from services.people import load_actor
from tests.app import running, started
from tests.approval_world import DAY, NOW, TITLE, held_and_signed
from tests.e2e import Person
from tests.factories import ADMIN, World, register
from tests.helpers import CHAIR, SECRETARY, TEACHERS, got, seed, texts

METHODIST = 6001
NAME = "РМО учителей математики"
TOPIC = "Итоги первого полугодия"
SIGNED = datetime(2026, 12, 22, 9, 0, tzinfo=UTC)  # the protocol signed (16:00 local)
MARCH_1 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Novosibirsk
QUARTER = "I квартал 2027 года: проведено заседаний: 0, запланировано: 0, а нужно не меньше 1."
DIGEST = "📋 Новые замечания проверки по положениям, 01.03.2027:"


async def meeting_draft(s: AsyncSession, world: World) -> int:
    """A meeting's draft on DAY at 15:00 local."""
    chair = world.chair
    view = await meetings.create_draft(s, chair, world.association_id, "Заседание", NOW)
    typed = deadlines.Typed(DAY, time(15, 0))
    view = await meetings.set_day(s, chair, view.id, view.version, typed, NOW)
    view = await meetings.set_place(s, chair, view.id, view.version, "Каб. 12", NOW)
    return view.id


async def test_the_plan_from_draft_to_approval_to_meetings_to_a_finding(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:
            await s.execute(
                update(Association)
                .where(Association.id == world.association_id)
                .values(kind=AssociationKind.MMA)
            )
            await s.commit()
            link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
            await register(s, link.token, METHODIST, clock, name="Методист Службы")
        tg.add_user(METHODIST, "Methodist")
        tg.open_chat(METHODIST)
        async with started(tg, sm, clock) as app:
            chair = Person(tg, CHAIR)
            # The chair drafts the plan in the chat.
            card = await chair.say("/plan", "Плана на этот учебный год пока нет.")
            card = await chair.tap(card, "📝 Создать черновик", "черновик", new=False)
            asked = await chair.tap(card, "✏️ Тема")
            assert "Методическая тема" in asked["text"]
            card = await chair.say("Функциональная грамотность", "Функциональная грамотность")
            async with sm() as s:
                plan_id = await s.scalar(select(AnnualPlan.id))
                assert plan_id is not None
                view = await plans.get_plan(s, world.chair, plan_id)
                row = plans.RowInput(
                    plans.DIRECTIONS[2], TOPIC, date(2026, 12, 25), PlanRowKind.MEETING,
                    venue_text="ИМЦ",
                )  # fmt: skip
                view = await plans.add_row(s, world.chair, plan_id, view.version, row, NOW)
                [row_id] = view.row_ids
                meeting_id = await meeting_draft(s, world)
            # The chair puts the plan to approval at that meeting, then publishes it.
            listing = await chair.tap(card, "🗳 Вынести на утверждение", "На каком заседании")
            added = await chair.tap(listing, "Заседание", "Внесено в повестку", new=False)
            assert f"«{TITLE}»" in added["text"]
            async with sm() as s:
                draft = await meetings.get(s, world.chair, meeting_id)
                assert [q.title for q in draft.agenda] == [TITLE]
                await meetings.publish(s, world.chair, meeting_id, draft.version, NOW)
            await app.settle()
            assert got(app, TEACHERS[0], TITLE) == 1  # the notice with the question
            # The meeting approves it: the vote adopted by 5 present of 6 members, the
            # protocol signed by the secretary and the chair.
            async with sm() as s:
                secretary = await load_actor(s, SECRETARY, [])
                teachers = [await load_actor(s, tg_id, []) for tg_id in TEACHERS[:3]]
                present = [world.chair, secretary, *teachers]
                await held_and_signed(
                    s, world, secretary, meeting_id, present, [Choice.FOR] * len(present)
                )
                plan = await s.get_one(AnnualPlan, plan_id, populate_existing=True)
                assert (plan.status, plan.protocol_number, plan.protocol_date) == (
                    PlanStatus.APPROVED,
                    1,
                    date(2026, 12, 20),
                )
                await s.commit()
            clock.set(SIGNED)
            await app.settle()
            approved = f"План работы «{NAME}» на 2026/2027 учебный год утверждён."
            assert got(app, CHAIR, approved) == 1 and got(app, SECRETARY, approved) == 1
            card = await chair.say("/plan", "утверждён — протокол № 1 от 20.12.2026")
            # The plan's row becomes a meeting in one tap.
            rows = await chair.tap(card, "📅 Строки и заседания", new=False)
            row_card = await chair.tap(rows, "1", TOPIC, new=False)
            panel = await chair.tap(row_card, "📅 Сделать заседанием", TOPIC)
            assert panel["message_id"] != row_card["message_id"]
            async with sm() as s:
                made = await s.scalar(select(Meeting).where(Meeting.topic == TOPIC))
                assert made is not None
                linked = await s.get_one(AnnualPlanRow, row_id)
                assert linked.meeting_id == made.id
                await s.commit()
            # The first quarter of 2027 passes without a meeting: on 1 March, one finding
            # with its button; the methodist's digest once; the job run again sends nothing.
            before = len(texts(app, CHAIR))
            clock.set(MARCH_1)
            for _run in range(2):
                await app.delivery.daily()
                await app.settle()
            assert got(app, CHAIR, QUARTER) == 1
            assert len(texts(app, CHAIR)) == before + 1
            finding = next(m for m in tg.messages(CHAIR) if QUARTER in m.get("text", ""))
            assert finding["text"] == "\n".join(
                [
                    f"⚠️ «{NAME}»",
                    QUARTER + " Запланируйте недостающие.",
                    "Основание: Положение (002), приложение 3, п. 3.3.",
                ]
            )
            [digest] = texts(app, METHODIST)
            assert digest.startswith(DIGEST) and QUARTER in digest
            asked = await chair.tap(finding, "📝 Запланировать заседание")
            assert asked["text"] == f"«{NAME}»: напишите тему заседания (до 300 знаков)."
