"""The annual plan's services on SQLite and PostgreSQL (issue 15, part A): the school year in
the association's time zone, the draft and its fields, rows (add, edit, move, delete), the
checks (limits, HTML, dates outside the year, the same row twice, roster, schools), the
version guard, copying last year's plan, a new edition after approval keeping the approved
one, the РМО's «График заседаний», the JSON snapshot, and rights (members and methodists
read, another association's chair is refused)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AnnualPlan,
    AnnualPlanRow,
    AssociationKind,
    InviteKind,
    Meeting,
    MeetingForm,
    PlanRowKind,
    PlanStatus,
)
from services import associations, invites, plans, schools
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.plans import RowInput
from services.plans import years as plan_years
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.helpers import count

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk: school year 2026
TZ = "Asia/Novosibirsk"
INFO, ANALYTIC = plans.DIRECTIONS[0], plans.DIRECTIONS[1]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@dataclass
class Team:
    world: World
    member: Actor
    secretary: Actor
    methodist: Actor
    stranger: Actor  # the chair of another association of the same service
    school_id: int


async def team(session: AsyncSession, clock: FixedClock) -> Team:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    member = await register(session, token, 3001, clock, name="Смирнова Ольга Петровна")
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, NOW
    )
    secretary = await register(session, link.token, 3002, clock, name="Орлова Мария Ивановна")
    school = await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, "МАОУ «Лицей № 21»", NOW
    )
    other = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=world.municipality_id,
        timezone=TZ,
        now=NOW,
    )
    stranger = await register(session, other.chair_token, 2900, clock, name="Физиков Олег")
    methodist = Actor(external_id=5000, methodist_services=frozenset({world.service_id}))
    return Team(world, member, secretary, methodist, stranger, school.id)


def row(topic: str, day: date | None = None, **fields: object) -> RowInput:
    return RowInput(direction=str(fields.pop("direction", INFO)), topic=topic, day=day, **fields)  # type: ignore[arg-type]


async def refused(code: ErrorCode, coro: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await coro  # type: ignore[misc]
    assert caught.value.code is code, caught.value
    return caught.value


def test_the_school_year_turns_at_1_september_local_time() -> None:
    # 1 September 00:00 in Novosibirsk (UTC+7) is 31 August 17:00 UTC.
    assert plan_years.of_moment(datetime(2026, 8, 31, 16, 59, tzinfo=UTC), TZ).start_year == 2025
    assert plan_years.of_moment(datetime(2026, 8, 31, 17, 0, tzinfo=UTC), TZ).start_year == 2026
    year = plans.SchoolYear(2026)
    assert year.label == "2026/2027"
    assert (year.first_day, year.last_day) == (date(2026, 9, 1), date(2027, 8, 31))
    assert year.starts_at(TZ) == datetime(2026, 8, 31, 17, 0, tzinfo=UTC)
    assert year.ends_at(TZ) == datetime(2027, 8, 31, 17, 0, tzinfo=UTC)
    assert plan_years.next_year_day(date(2028, 2, 29)) == date(2029, 2, 28)


async def test_a_chair_drafts_the_plan_with_the_forms_fields_and_rows(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, assoc = t.world.chair, t.world.association_id
    plan = await plans.create_draft(session, chair, assoc, 2026, NOW)
    assert (plan.status, plan.content.edition, plan.version, plan.can_edit) == (
        PlanStatus.DRAFT,
        1,
        1,
        True,
    )
    texts = {
        plans.PlanField.THEME: "Функциональная грамотность на уроках математики",
        plans.PlanField.GOAL: "Повышение профессиональной компетентности педагогов",
        plans.PlanField.TASKS: "1. Изучить опыт коллег\n2. Провести семинары",
        plans.PlanField.PLANNED_RESULT: "Рост результатов ОГЭ",
        plans.PlanField.WORK_FORMS: "Семинары, мастер-классы, открытые уроки",
    }
    for field, text in texts.items():
        plan = await plans.set_field(session, chair, plan.id, plan.version, field, text, NOW)
    assert plan.version == 6
    assert plan.content.tasks == "1. Изучить опыт коллег\n2. Провести семинары"
    member_id = t.member.person_id
    assert member_id is not None
    plan = await plans.add_row(
        session,
        chair,
        plan.id,
        plan.version,
        row(
            "Заседание 1. Анализ ОГЭ",
            date(2026, 9, 25),
            direction="информационная   деятельность",  # typed: the form's spelling kept
            kind=PlanRowKind.MEETING,
            venue_text="ИМЦ",
            responsible_ids=(member_id,),
            responsible_names=("Гостева Анна Сергеевна",),
        ),
        NOW,
    )
    plan = await plans.add_row(
        session,
        t.secretary,  # the secretary edits too
        plan.id,
        plan.version,
        row(
            "Практический семинар с открытыми уроками",
            date(2027, 2, 12),
            direction="Проектная деятельность",  # the chair's own direction
            kind=PlanRowKind.SEMINAR,
            venue_school_id=t.school_id,
        ),
        NOW,
    )
    plan = await plans.add_row(
        session,
        chair,
        plan.id,
        plan.version,
        row("Заседание 2", date(2026, 11, 20), kind=PlanRowKind.MEETING),
        NOW,
    )
    plan = await plans.add_row(session, chair, plan.id, plan.version, row("Мониторинг"), NOW)
    rows = plan.content.rows
    assert [r.position for r in rows] == [1, 2, 3, 4]
    assert rows[0].direction == INFO
    assert rows[0].responsible == (
        plans.Responsible("Смирнова Ольга Петровна", member_id),
        plans.Responsible("Гостева Анна Сергеевна"),
    )
    assert [r.on_roster for r in rows[0].responsible] == [True, False]
    assert (rows[1].direction, rows[1].venue) == ("Проектная деятельность", "МАОУ «Лицей № 21»")
    # The РМО's «График заседаний»: the meeting rows by date, with their form.
    schedule = await plans.meeting_schedule(session, t.member, plan.id)
    assert [(e.day, e.topic, e.kind) for e in schedule] == [
        (date(2026, 9, 25), "Заседание 1. Анализ ОГЭ", PlanRowKind.MEETING),
        (date(2026, 11, 20), "Заседание 2", PlanRowKind.MEETING),
        (date(2027, 2, 12), "Практический семинар с открытыми уроками", PlanRowKind.SEMINAR),
    ]
    # Move the last row first, delete the second: positions stay 1..n.
    plan = await plans.move_row(session, chair, plan.id, plan.version, plan.row_ids[3], 1, NOW)
    assert [r.topic for r in plan.content.rows] == [
        "Мониторинг",
        "Заседание 1. Анализ ОГЭ",
        "Практический семинар с открытыми уроками",
        "Заседание 2",
    ]
    plan = await plans.delete_row(session, chair, plan.id, plan.version, plan.row_ids[1], NOW)
    assert [(r.position, r.topic) for r in plan.content.rows] == [
        (1, "Мониторинг"),
        (2, "Практический семинар с открытыми уроками"),
        (3, "Заседание 2"),
    ]
    plan = await plans.edit_row(
        session,
        chair,
        plan.id,
        plan.version,
        plan.row_ids[0],
        row("Мониторинг качества", date(2027, 5, 15), direction=ANALYTIC),
        NOW,
    )
    assert (plan.content.rows[0].topic, plan.content.rows[0].direction) == (
        "Мониторинг качества",
        ANALYTIC,
    )
    # Members read it (without the right to edit).
    seen = await plans.get_plan(session, t.member, plan.id)
    assert (seen.content, seen.can_edit) == (plan.content, False)


async def test_refusals_name_the_reason_and_change_nothing(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, assoc = t.world.chair, t.world.association_id
    plan = await plans.create_draft(session, chair, assoc, 2026, NOW)
    plan = await plans.add_row(
        session, chair, plan.id, plan.version, row("Семинар", date(2026, 10, 1)), NOW
    )
    version = plan.version
    await refused(ErrorCode.PLAN_EXISTS, plans.create_draft(session, chair, assoc, 2026, NOW))
    error = await refused(
        ErrorCode.PLAN_BAD_YEAR, plans.create_draft(session, chair, assoc, 2028, NOW)
    )
    assert error.params == {"first": "2025/2026", "last": "2027/2028"}
    await refused(
        ErrorCode.DRAFT_CHANGED,
        plans.set_field(session, chair, plan.id, version - 1, plans.PlanField.GOAL, "Цель", NOW),
    )
    await refused(
        ErrorCode.TEXT_TOO_LONG,
        plans.set_field(session, chair, plan.id, version, plans.PlanField.THEME, "т" * 301, NOW),
    )
    await refused(
        ErrorCode.HTML_NOT_ALLOWED,
        plans.set_field(session, chair, plan.id, version, plans.PlanField.GOAL, "<b>Цель</b>", NOW),
    )
    error = await refused(
        ErrorCode.PLAN_DATE_OUTSIDE_YEAR,
        plans.add_row(
            session, chair, plan.id, version, row("Летний лагерь", date(2027, 9, 1)), NOW
        ),
    )
    assert error.params == {"year": "2026/2027", "first": "01.09.2026", "last": "31.08.2027"}
    error = await refused(
        ErrorCode.PLAN_DUPLICATE_ROW,
        plans.add_row(session, chair, plan.id, version, row("семинар", date(2026, 10, 1)), NOW),
    )
    assert error.params == {"row": 1}
    await refused(
        ErrorCode.PLAN_NOT_MEMBER,
        plans.add_row(
            session,
            chair,
            plan.id,
            version,
            row("Другое", responsible_ids=(t.stranger.person_id,)),
            NOW,
        ),
    )
    await refused(
        ErrorCode.PLAN_BAD_SCHOOL,
        plans.add_row(
            session, chair, plan.id, version, row("Другое", venue_school_id=t.school_id + 99), NOW
        ),
    )
    await refused(
        ErrorCode.PLAN_TOO_MANY_RESPONSIBLE,
        plans.add_row(
            session,
            chair,
            plan.id,
            version,
            row("Другое", responsible_names=tuple(f"Гость Номер {n}" for n in "абвгде")),
            NOW,
        ),
    )
    await refused(
        ErrorCode.TEXT_TOO_LONG,
        plans.add_row(session, chair, plan.id, version, row("т" * 501), NOW),
    )
    # A lone «<» is kept (a maths topic), shown escaped wherever it is shown.
    plan = await plans.set_field(
        session, chair, plan.id, version, plans.PlanField.THEME, "Неравенства x < 5", NOW
    )
    assert plan.content.theme == "Неравенства x < 5"
    assert await count(session, AnnualPlanRow) == 1
    assert await count(session, AnnualPlan) == 1


async def test_rights_members_and_methodists_read_outsiders_are_refused(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, assoc = t.world.chair, t.world.association_id
    plan = await plans.create_draft(session, chair, assoc, 2026, NOW)
    plan = await plans.add_row(session, chair, plan.id, plan.version, row("Семинар"), NOW)
    row_id, version = plan.row_ids[0], plan.version
    for reader in (t.member, t.methodist):
        view = await plans.get_plan(session, reader, plan.id)
        assert view.can_edit is False
        await refused(
            ErrorCode.FORBIDDEN,
            plans.set_field(session, reader, plan.id, version, plans.PlanField.GOAL, "Цель", NOW),
        )
    await refused(ErrorCode.FORBIDDEN, plans.create_draft(session, t.member, assoc, 2027, NOW))
    # Another association's chair, with a forged button for our plan: refused everywhere.
    stranger = t.stranger
    await refused(ErrorCode.FORBIDDEN, plans.get_plan(session, stranger, plan.id))
    await refused(ErrorCode.FORBIDDEN, plans.plan_content(session, stranger, plan.id))
    await refused(ErrorCode.FORBIDDEN, plans.meeting_schedule(session, stranger, plan.id))
    await refused(ErrorCode.FORBIDDEN, plans.current_plan(session, stranger, assoc, 2026))
    await refused(
        ErrorCode.FORBIDDEN,
        plans.set_field(session, stranger, plan.id, version, plans.PlanField.GOAL, "Цель", NOW),
    )
    await refused(
        ErrorCode.FORBIDDEN, plans.add_row(session, stranger, plan.id, version, row("Чужое"), NOW)
    )
    await refused(
        ErrorCode.FORBIDDEN, plans.delete_row(session, stranger, plan.id, version, row_id, NOW)
    )
    await refused(
        ErrorCode.FORBIDDEN, plans.copy_from_last_year(session, stranger, assoc, 2027, NOW)
    )
    # The stranger's own plan, and our row id sent against it: not found there.
    (stranger_assoc,) = stranger.roles
    own = await plans.create_draft(session, stranger, stranger_assoc, 2026, NOW)
    await refused(
        ErrorCode.NOT_FOUND, plans.delete_row(session, stranger, own.id, own.version, row_id, NOW)
    )
    await refused(ErrorCode.NOT_FOUND, plans.get_plan(session, chair, 10_000))
    assert await count(session, AnnualPlanRow) == 1
    after = await plans.get_plan(session, chair, plan.id)
    assert (after.version, after.content.goal) == (version, None)


async def _approve(session: AsyncSession, plan_id: int) -> None:
    """What the approval at a meeting (a later part) does to an edition."""
    await session.execute(
        update(AnnualPlan)
        .where(AnnualPlan.id == plan_id)
        .values(
            status=PlanStatus.APPROVED,
            protocol_number=1,
            protocol_date=date(2025, 8, 28),
            approved_at=datetime(2025, 8, 28, 10, 0, tzinfo=UTC),
        )
    )
    await session.commit()


async def _meeting(session: AsyncSession, association_id: int) -> int:
    meeting = Meeting(association_id=association_id, topic="Заседание", form=MeetingForm.IN_PERSON)
    session.add(meeting)
    await session.commit()
    return meeting.id


async def test_a_change_after_approval_is_a_new_edition_and_the_approved_one_is_kept(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, assoc = t.world.chair, t.world.association_id
    plan = await plans.create_draft(session, chair, assoc, 2026, NOW)
    plan = await plans.set_field(
        session, chair, plan.id, plan.version, plans.PlanField.THEME, "Тема", NOW
    )
    plan = await plans.add_row(
        session,
        chair,
        plan.id,
        plan.version,
        row("Заседание", date(2026, 12, 20), kind=PlanRowKind.MEETING),
        NOW,
    )
    meeting_id = await _meeting(session, assoc)
    await session.execute(update(AnnualPlanRow).values(meeting_id=meeting_id))
    await session.commit()
    await refused(ErrorCode.PLAN_IS_DRAFT, plans.new_edition(session, chair, plan.id, NOW))
    await _approve(session, plan.id)
    approved = await plans.get_plan(session, chair, plan.id)
    assert (approved.status, approved.can_edit) == (PlanStatus.APPROVED, False)
    await refused(
        ErrorCode.PLAN_APPROVED,
        plans.set_field(
            session, chair, plan.id, approved.version, plans.PlanField.THEME, "Другая", NOW
        ),
    )
    await refused(ErrorCode.FORBIDDEN, plans.new_edition(session, t.member, plan.id, NOW))
    sheet = plans.ImportSheet(
        (plans.ImportedRow(2, INFO, "Тема", None, "", (), PlanRowKind.OTHER),)
    )
    await refused(ErrorCode.PLAN_APPROVED, plans.preview_import(session, chair, plan.id, sheet))
    second = await plans.new_edition(session, chair, plan.id, NOW)
    assert (second.content.edition, second.status, second.can_edit) == (2, PlanStatus.DRAFT, True)
    assert second.content.rows[0].meeting_id == meeting_id  # the same meetings: links kept
    second = await plans.set_field(
        session, chair, second.id, second.version, plans.PlanField.THEME, "Новая тема", NOW
    )
    await refused(ErrorCode.STALE, plans.new_edition(session, chair, plan.id, NOW))
    editions = await plans.editions(session, t.member, assoc, 2026)
    assert [(e.content.edition, e.status, e.content.theme, e.is_current) for e in editions] == [
        (2, PlanStatus.DRAFT, "Новая тема", True),
        (1, PlanStatus.APPROVED, "Тема", False),
    ]
    current = await plans.current_plan(session, chair, assoc, 2026)
    assert current is not None and current.id == second.id
    stored = await session.get(AnnualPlan, second.id)
    assert stored is not None and stored.supersedes_id == plan.id
    await session.commit()


async def test_last_years_plan_is_copied_in_one_call(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair, assoc = t.world.chair, t.world.association_id
    await refused(
        ErrorCode.PLAN_NO_PREVIOUS, plans.copy_from_last_year(session, chair, assoc, 2026, NOW)
    )
    old = await plans.create_draft(session, chair, assoc, 2025, NOW)
    for field, text in (
        (plans.PlanField.THEME, "Тема прошлого года"),
        (plans.PlanField.GOAL, "Цель"),
    ):
        old = await plans.set_field(session, chair, old.id, old.version, field, text, NOW)
    old = await plans.add_row(
        session,
        chair,
        old.id,
        old.version,
        row(
            "Заседание",
            date(2025, 10, 15),
            kind=PlanRowKind.MEETING,
            venue_school_id=t.school_id,
            responsible_names=("Гостева Анна",),
        ),
        NOW,
    )
    old = await plans.add_row(
        session, chair, old.id, old.version, row("Семинар", date(2026, 8, 31)), NOW
    )
    old = await plans.add_row(session, chair, old.id, old.version, row("Без даты"), NOW)
    meeting_id = await _meeting(session, assoc)
    await session.execute(update(AnnualPlanRow).values(meeting_id=meeting_id))
    await session.commit()
    await _approve(session, old.id)
    # A later draft edition of last year is not what is copied: the approved one is.
    draft = await plans.new_edition(session, chair, old.id, NOW)
    await plans.set_field(
        session, chair, draft.id, draft.version, plans.PlanField.THEME, "Черновик", NOW
    )
    copy = await plans.copy_from_last_year(session, chair, assoc, 2026, NOW)
    content = copy.content
    assert (content.school_year, content.edition, content.status) == (2026, 1, PlanStatus.DRAFT)
    assert (content.theme, content.goal) == ("Тема прошлого года", "Цель")
    assert [(r.topic, r.day, r.meeting_id, r.venue) for r in content.rows] == [
        ("Заседание", date(2026, 10, 15), None, "МАОУ «Лицей № 21»"),
        ("Семинар", date(2027, 8, 31), None, None),
        ("Без даты", None, None, None),
    ]
    assert content.rows[0].responsible == (plans.Responsible("Гостева Анна"),)
    await refused(
        ErrorCode.PLAN_EXISTS, plans.copy_from_last_year(session, chair, assoc, 2026, NOW)
    )


async def test_the_snapshot_round_trips_through_json(
    session: AsyncSession, clock: FixedClock
) -> None:
    t = await team(session, clock)
    chair = t.world.chair
    plan = await plans.create_draft(session, chair, t.world.association_id, 2026, NOW)
    plan = await plans.set_field(
        session, chair, plan.id, plan.version, plans.PlanField.TASKS, "Первая\nВторая", NOW
    )
    plan = await plans.add_row(
        session,
        chair,
        plan.id,
        plan.version,
        row(
            "Семинар",
            date(2027, 3, 3),
            kind=PlanRowKind.SEMINAR,
            venue_school_id=t.school_id,
            responsible_ids=(t.member.person_id,),
            responsible_names=("Гость Иван",),
        ),
        NOW,
    )
    content = await plans.plan_content(session, chair, plan.id)
    assert content.chair == "Петров Сергей Иванович"
    data = json.loads(json.dumps(content.to_json()))
    assert plans.PlanContent.from_json(data) == content
    # Frozen on the edition (as the approval will), it is what the documents print, even
    # after the member's name changes.
    await session.execute(update(AnnualPlan).values(snapshot=data))
    await session.commit()
    frozen = await plans.plan_content(session, t.member, plan.id)
    assert frozen == content
