"""A row of the plan becomes a meeting in one tap (issue 15, item 3) through the real
Dispatcher, on SQLite: in the rows of the draft or of the approved plan, a row with a date
and the kind заседание / практический семинар gets «📅 Сделать заседанием», which makes the
meeting's draft (topic, date, form, venue filled in) and opens its panel; the linked row
then shows its meeting. A second tap, another association's or a member's forged button, a
row of another kind and a button of an edition no longer current change nothing. The
compliance finding «no approved plan» opens the plan's card with «📅 Открыть план»."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AnnualPlan, AnnualPlanRow, Meeting, MeetingStatus, PlanRowKind, PlanStatus
from services import plans, schools
from services.clock import FixedClock
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons

CHAIR, MEMBER = 2001, 3001
FORBIDDEN = "У вас нет прав на это действие. Ничего не изменилось."
LINKED = "По этой строке плана заседание уже создано: откройте его в /newmeeting или /meetings."
NOT_MEETING = (
    "Заседанием становится только строка с датой и видом «заседание объединения» или "
    "«практический семинар»."
)
STALE = "Эта кнопка устарела. Откройте список заново."
SCHOOL = "МАОУ «Лицей № 21»"


def labels(flow: Flow, chat: int) -> list[str]:
    return [text for text, _data in buttons(flow.last(chat, with_buttons=True))]


async def written(sm: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    """Meetings and the rows' links: equal snapshots mean nothing was written."""
    async with sm() as s:
        meetings = await s.scalar(select(func.count()).select_from(Meeting))
        links = (
            await s.execute(
                select(AnnualPlanRow.id, AnnualPlanRow.meeting_id).order_by(AnnualPlanRow.id)
            )
        ).all()
        await s.commit()
        return meetings, repr(links)


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        await register(s, token, MEMBER, clock, name="Смирнова Ольга Петровна")
        return world


async def plan_with_rows(
    sm: async_sessionmaker[AsyncSession], world: World, clock: FixedClock
) -> tuple[int, tuple[int, ...]]:
    """A draft with a seminar at a school (25.01.2027) and a dated row of another kind."""
    async with sm() as s:
        school = await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, SCHOOL, clock.now()
        )
        chair = world.chair
        view = await plans.create_draft(s, chair, world.association_id, 2026, clock.now())
        seminar = plans.RowInput(
            plans.DIRECTIONS[2],
            "Семинар «Смысловое чтение»",
            date(2027, 1, 25),
            PlanRowKind.SEMINAR,
            venue_school_id=school.id,
        )
        view = await plans.add_row(s, chair, view.id, view.version, seminar, clock.now())
        other = plans.RowInput(plans.DIRECTIONS[0], "Анализ ВПР", date(2027, 2, 10))
        view = await plans.add_row(s, chair, view.id, view.version, other, clock.now())
        return view.id, view.row_ids


async def test_a_row_of_the_draft_becomes_a_meeting_in_one_tap(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid, (seminar, other) = await plan_with_rows(sm, world, clock)
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "↕️ Строки")
    await flow.press(CHAIR, "2")  # the row of another kind: no meeting of it
    assert labels(flow, CHAIR) == ["⬆️", "✏️ Заполнить заново", "🗑 Удалить", "◀️ Строки"]
    await flow.press(CHAIR, "◀️ Строки")
    opened = await flow.press(CHAIR, "1")
    assert opened.texts == [
        "<i>Организационно-методическая деятельность</i>\n"
        "1. 25.01.2027 — Семинар «Смысловое чтение»"
    ]
    assert labels(flow, CHAIR) == [
        "⬇️",
        "✏️ Заполнить заново",
        "🗑 Удалить",
        "📅 Сделать заседанием",
        "◀️ Строки",
    ]
    row_screen = flow.last(CHAIR, with_buttons=True)
    made = await flow.press(CHAIR, "📅 Сделать заседанием")
    assert made.alerts() == [
        "Черновик заседания создан по строке плана: проверьте его и опубликуйте."
    ]
    assert "Семинар «Смысловое чтение»" in made.texts[-1]
    async with sm() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        assert (meeting.topic, meeting.practical_seminar, meeting.place) == (
            "Семинар «Смысловое чтение»",
            True,
            SCHOOL,
        )
        assert meeting.venue_school_id is not None
        row = await s.get_one(AnnualPlanRow, seminar)
        assert row.meeting_id == meeting.id
        meeting_id = meeting.id
        await s.commit()
    before = await written(sm)
    # The same button again: refused, no second meeting.
    again = await flow.press(CHAIR, "📅 Сделать заседанием", row_screen)
    assert again.alerts() == [LINKED]
    # A row of another kind, forged; a member's and a stranger's taps.
    forged = await flow.press_data(CHAIR, f"yp:meet:{pid}:0:{other}")
    assert forged.alerts() == [NOT_MEETING]
    member = await flow.press_data(MEMBER, f"yp:meet:{pid}:0:{seminar}")
    assert member.alerts() == [FORBIDDEN]
    assert (await flow.press_data(MEMBER, f"yp:rows:{pid}:0:0")).alerts() == [FORBIDDEN]
    stranger = await flow.press_data(2999, f"yp:meet:{pid}:0:{seminar}")
    assert stranger.alerts() == [FORBIDDEN]
    assert await written(sm) == before
    # The linked row shows its meeting, which opens the draft's panel.
    await flow.send(CHAIR, "/plan")
    listed = await flow.press(CHAIR, "↕️ Строки")
    assert listed.texts[-1].endswith(
        "1. 25.01.2027 — Семинар «Смысловое чтение» 📅\n2. 10.02.2027 — Анализ ВПР"
    )
    shown = await flow.press(CHAIR, "1")
    assert shown.texts[-1].endswith("📅 По этой строке уже создано заседание.")
    assert "📅 Открыть заседание" in labels(flow, CHAIR)
    panel = await flow.press(CHAIR, "📅 Открыть заседание")
    assert "Семинар «Смысловое чтение»" in panel.texts[-1]
    assert f":{meeting_id}:" in "".join(data for _t, data in buttons(flow.last(CHAIR, True)))
    assert await written(sm) == before
    # Its meeting cancelled: the row may become a meeting again, linked to the new one.
    async with sm() as s:
        await s.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(status=MeetingStatus.CANCELLED)
        )
        await s.commit()
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "↕️ Строки")
    shown = await flow.press(CHAIR, "1")
    assert shown.texts[-1].endswith(
        "Заседание, созданное по этой строке, отменено: строку можно снова сделать заседанием."
    )
    assert "📅 Сделать заседанием" in labels(flow, CHAIR)
    remade = await flow.press(CHAIR, "📅 Сделать заседанием")
    assert remade.alerts() == [
        "Черновик заседания создан по строке плана: проверьте его и опубликуйте."
    ]
    async with sm() as s:
        row = await s.get_one(AnnualPlanRow, seminar)
        assert row.meeting_id is not None and row.meeting_id != meeting_id
        await s.commit()


async def test_the_approved_plan_makes_meetings_and_an_old_edition_is_stale(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid, (seminar, _other) = await plan_with_rows(sm, world, clock)
    async with sm() as s:
        await s.execute(
            update(AnnualPlan)
            .where(AnnualPlan.id == pid)
            .values(status=PlanStatus.APPROVED, protocol_number=3, protocol_date=date(2026, 10, 20))
        )
        await s.commit()
    await flow.send(CHAIR, "/plan")
    assert labels(flow, CHAIR) == [
        "🆕 Новая редакция",
        "📅 Строки и заседания",
        "📄 DOCX",
        "📊 XLSX",
        "🔄 Обновить",
    ]
    listed = await flow.press(CHAIR, "📅 Строки и заседания")
    assert listed.texts[-1].startswith(
        "<b>Строки плана</b>: нажмите номер строки, чтобы сделать её заседанием."
    )
    await flow.press(CHAIR, "1")
    assert labels(flow, CHAIR) == ["📅 Сделать заседанием", "◀️ Строки"]
    row_screen = flow.last(CHAIR, with_buttons=True)
    # A member reads the plan: no such button on the card.
    await flow.send(MEMBER, "/plan")
    assert "📅 Строки и заседания" not in labels(flow, MEMBER)
    # A new edition: the approved one's button is stale, nothing written.
    async with sm() as s:
        await plans.new_edition(s, world.chair, pid, clock.now())
    before = await written(sm)
    stale = await flow.press(CHAIR, "📅 Сделать заседанием", row_screen)
    assert stale.alerts() == [STALE]
    assert await written(sm) == before
    assert seminar


async def test_the_buttons_in_english(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await plan_with_rows(sm, world, clock)
    flow.languages[CHAIR] = "en"
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "↕️ Rows")
    await flow.press(CHAIR, "1")
    assert labels(flow, CHAIR)[-2:] == ["📅 Make it a meeting", "◀️ Rows"]
    made = await flow.press(CHAIR, "📅 Make it a meeting")
    assert made.alerts() == ["The meeting's draft is made of the row: check it and publish it."]
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "↕️ Rows")
    shown = await flow.press(CHAIR, "1")
    assert shown.texts[-1].endswith("📅 A meeting is made of this row.")
    assert labels(flow, CHAIR)[-2:] == ["📅 Open the meeting", "◀️ Rows"]
