"""/check through the Dispatcher (exact texts; a plain member refused, nothing written), and
the messages of the daily check as the sender renders them: the chair's finding in plain
Russian with the rule and a button for the next step, the methodist's digest."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import DOMAIN, LOCALES_DIR
from models import ComplianceFinding, OutboxMessage
from scheduler.kinds import registry
from services import compliance, invites
from services.clock import FixedClock
from services.compliance import Rule
from services.outbox import Claimed
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons
from tests.helpers import count

TEACHER, METHODIST = 3001, 6001
NAME = "РМО учителей математики"
SEED_3_2 = "Положение (002), приложение 4, п. 3.2"
MEETINGS = (
    "2026/2027 учебный год: проведено заседаний: 0, запланировано: 0, а нужно не меньше 4. "
    "Запланируйте недостающие."
)
SEMINAR = (
    "2026/2027 учебный год: нет ни проведённого, ни запланированного практического семинара "
    "на площадке школы (нужно не меньше 1). Семинар засчитывается, когда его площадка — школа "
    "из справочника."
)
NO_PLAN = "План работы на 2026/2027 учебный год ещё не утверждён."
NO_CATEGORY = (
    "Заполните банк данных: не указана квалификационная категория руководителя "
    "(/profile → «Категория»)."
)
STATUS = [
    f"✅ Проверка: «{NAME}»",
    "⚠️ 2026/2027 учебный год: проведено заседаний: 0, запланировано: 0, нужно не меньше 4.",
    "⚠️ Практические семинары на площадке школы: 0, нужно не меньше 1.",
    "• План на 2026/2027 ещё не утверждён.",
]
FINDINGS = [
    "",
    "Замечания:",
    f"• {MEETINGS} ({SEED_3_2})",
    f"• {SEMINAR} ({SEED_3_2})",
    f"• {NO_PLAN} (Положение (000), приложение 1; Положение (002), приложение 4, п. 3.2)",
]
CATEGORY = f"• {NO_CATEGORY} (Положение (002), приложение 4, пп. 3.1, 5.1)"
ROSTER = (
    "• Действующих участников в составе: 2, а РМО создаётся не менее чем из 10 педагогов. "
    "(Положение (002), приложение 4, п. 1.4)"
)


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, METHODIST, clock, name="Методист Службы")
        return world


async def test_check_shows_the_findings_and_what_is_fine(flow: Flow, world: World) -> None:
    reply = await flow.send(world.chair_tg, "/check")
    assert reply.texts == ["\n".join([*STATUS, *FINDINGS, CATEGORY])]
    # The menu button does the same.
    again = await flow.send(world.chair_tg, "✅ Проверка")
    assert again.texts == reply.texts
    # The methodist also sees the roster (below 10 members: told to the methodists only).
    reply = await flow.send(METHODIST, "/check")
    roster_line = "⚠️ Состав: действующих участников — 2, нужно не меньше 10."
    assert reply.texts == ["\n".join([*STATUS, roster_line, *FINDINGS, ROSTER, CATEGORY])]


async def test_check_refuses_a_plain_member(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    reply = await flow.send(TEACHER, "/check")
    assert reply.texts == ["У вас нет прав на это действие. Ничего не изменилось."]
    async with sm() as s:
        assert await count(s, ComplianceFinding) == 0


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


async def test_the_chair_is_told_with_a_button_and_the_methodist_gets_a_digest(
    world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        await compliance.run_daily(s, clock.now())
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    kinds = registry(clock)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    first = next(r for r in rows if r.kind == compliance.FINDING)
    [part] = await kinds[first.kind].render(sm, i18n, claimed(first), "ru")
    assert part.text == "\n".join([f"⚠️ «{NAME}»", MEETINGS, f"Основание: {SEED_3_2}."])
    assert part.reply_markup is not None
    [[button]] = part.reply_markup.inline_keyboard
    assert (button.text, button.callback_data) == (
        "📝 Запланировать заседание",
        f"ap:meeting:{world.association_id}",
    )
    [digest] = [r for r in rows if r.kind == compliance.DIGEST]
    [part] = await kinds[digest.kind].render(sm, i18n, claimed(digest), "ru")
    assert part.text is not None
    lines = part.text.split("\n")
    assert lines[0] == "📋 Новые замечания проверки по положениям, 22.11.2026:"
    assert lines[1] == f"• «{NAME}»: {MEETINGS} ({SEED_3_2})"
    assert len(lines) == 6  # meetings, seminar, plan, roster, category: one message
    # In English, for a chair who speaks it.
    [part] = await kinds[first.kind].render(sm, i18n, claimed(first), "en")
    assert part.text == "\n".join(
        [
            f"⚠️ «{NAME}»",
            "School year 2026/2027: meetings held: 0, planned: 0, and at least 4 are needed. "
            "Plan the missing ones.",
            "Rule: 002 Annex 4 §3.2.",
        ]
    )
    # Wanted while the finding is open in the same occurrence.
    assert await kinds[first.kind].unwanted(sm, [claimed(first)]) == set()


async def test_the_finding_no_approved_plan_opens_the_plan(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        await compliance.run_daily(s, clock.now())
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        no_plan = await s.scalar(
            select(ComplianceFinding.id).where(ComplianceFinding.rule == Rule.NO_PLAN)
        )
    [row] = [r for r in rows if r.kind == compliance.FINDING and r.params["finding_id"] == no_plan]
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    [part] = await registry(clock)[row.kind].render(sm, i18n, claimed(row), "ru")
    assert part.text == "\n".join(
        [
            f"⚠️ «{NAME}»",
            NO_PLAN,
            "Основание: Положение (000), приложение 1; Положение (002), приложение 4, п. 3.2.",
        ]
    )
    assert part.reply_markup is not None
    [[button]] = part.reply_markup.inline_keyboard
    assert (button.text, button.callback_data) == (
        "📅 Открыть план",
        f"ap:plan:{world.association_id}",
    )
    [part] = await registry(clock)[row.kind].render(sm, i18n, claimed(row), "en")
    assert part.reply_markup is not None
    assert part.reply_markup.inline_keyboard[0][0].text == "📅 Open the plan"
    # The button opens the plan's card of that association, with the draft to make.
    card = await flow.press_data(world.chair_tg, str(button.callback_data))
    assert card.texts[-1].startswith(
        f"📅 <b>План работы</b> — {NAME}, 2026/2027 учебный год\n"
        "Плана на этот учебный год пока нет."
    )
    assert [text for text, _data in buttons(flow.last(world.chair_tg, True))] == [
        "📝 Создать черновик"
    ]
