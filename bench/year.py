"""`python -m bench.year`: the annual analysis (issue 16) of an association of 300 members
with 12 held meetings (everyone's attendance row, present or absent), a full plan and 300
year-end reports with courses, on SQLite, warm (median of 5): the analysis from data, its
DOCX with the attendance chart, against reading the same rows with one plain query per
table in the same run; and the cost per cell of the schools × meetings table at three
sizes (30 × 4, 300 × 12, 600 × 24), which should grow linearly."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.common import sqlite_engine
from bot.db import create_sessionmaker
from documents.analysis import docx_bytes
from models import (
    AnnualPlan,
    AnnualPlanRow,
    Association,
    AssociationKind,
    Attendance,
    CourseForm,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    PlanRowKind,
    PlanStatus,
    Presence,
    Role,
    School,
    SchoolStatus,
    YearCourse,
    YearReport,
)
from services import analysis, associations
from services.permissions import Actor
from tests.factories import ADMIN

NOW = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)
YEAR = 2026
RUNS = 5
SCHOOLS = 20
DIRECTIONS = ("subject", "literacy", "exams", "digital", "gifted")
VENUES = ("shmo", "pedsovet", "association", "municipal")


async def seed(session: AsyncSession, members: int, meetings: int) -> tuple[Actor, int]:
    """One association of `members` voting members in SCHOOLS schools, `meetings` held
    meetings with a row per member each, a plan with a row per meeting plus as many again,
    a year-end report with one or two courses per member. Returns a methodist and its id."""
    service = await associations.create_service(session, ADMIN, f"ИМЦ {members}", NOW)
    municipality = await associations.create_municipality(
        session, ADMIN, service.id, f"Район {members}", "Asia/Novosibirsk", NOW
    )
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name=f"РМО {members}×{meetings}",
        subject="математика",
        municipality_id=municipality.id,
        timezone="Asia/Novosibirsk",
        now=NOW,
    )
    aid = created.association.id
    school_ids = []
    for n in range(SCHOOLS):
        result = await session.execute(
            insert(School)
            .values(
                municipality_id=municipality.id,
                name=f"Школа № {n + 1} ({members})",
                norm_name=f"школа {n + 1} {members}",
                status=SchoolStatus.APPROVED,
            )
            .returning(School.id)
        )
        school_ids.append(result.scalar_one())
    people = []
    for n in range(members):
        result = await session.execute(
            insert(Person)
            .values(full_name=f"Учитель {n:04d}", school_id=school_ids[n % SCHOOLS])
            .returning(Person.id)
        )
        people.append(result.scalar_one())
    joined = datetime(2026, 8, 20, tzinfo=UTC)
    await session.execute(
        insert(Membership),
        [
            {"person_id": p, "association_id": aid, "role": Role.MEMBER, "created_at": joined}
            for p in people
        ],
    )
    first = date(2026, 9, 15)
    meeting_ids = []
    for n in range(meetings):
        day = first + timedelta(days=n * (280 // meetings))
        result = await session.execute(
            insert(Meeting)
            .values(
                association_id=aid,
                topic=f"Заседание {n + 1}",
                form=MeetingForm.IN_PERSON,
                starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
                status=MeetingStatus.ENDED,
                practical_seminar=n % 4 == 3,
            )
            .returning(Meeting.id)
        )
        meeting_ids.append(result.scalar_one())
    rows = [
        {
            "meeting_id": mid,
            "person_id": p,
            "status": Presence.PRESENT if (i + j) % 5 else Presence.ABSENT,
            "school_name": f"Школа № {i % SCHOOLS + 1} ({members})",
            "role": "member",
            "voting": True,
            "by_roll": False,
            "at": NOW,
        }
        for j, mid in enumerate(meeting_ids)
        for i, p in enumerate(people)
    ]
    for start in range(0, len(rows), 2000):
        await session.execute(insert(Attendance), rows[start : start + 2000])
    plan = await session.execute(
        insert(AnnualPlan)
        .values(
            association_id=aid,
            school_year=YEAR,
            status=PlanStatus.APPROVED,
            theme="Функциональная грамотность",
            tasks="\n".join(f"Задача {n}" for n in range(1, 6)),
        )
        .returning(AnnualPlan.id)
    )
    plan_id = plan.scalar_one()
    await session.execute(
        insert(AnnualPlanRow),
        [
            {
                "plan_id": plan_id,
                "position": n + 1,
                "direction": "Организационно-методическая деятельность",
                "topic": f"Мероприятие {n + 1}",
                "day": first + timedelta(days=n * (280 // (2 * meetings))),
                "kind": PlanRowKind.MEETING if n % 2 == 0 else PlanRowKind.OTHER,
                "responsible_ids": [],
                "responsible_names": [],
            }
            for n in range(2 * meetings)
        ],
    )
    reports = []
    for i, p in enumerate(people):
        result = await session.execute(
            insert(YearReport)
            .values(
                person_id=p,
                school_year=YEAR,
                venues=[VENUES[i % 4]] if i % 3 else [],
                diagnostics=["regional"] if i % 2 else [],
                routes=["school"] if i % 5 == 0 else [],
                contests=[["Учитель года", "участник"]] if i % 50 == 0 else [],
                open_lessons=[],
                created_at=NOW,
            )
            .returning(YearReport.id)
        )
        reports.append(result.scalar_one())
    await session.execute(
        insert(YearCourse),
        [
            {
                "report_id": r,
                "position": k + 1,
                "title": f"Курс {k}",
                "direction": DIRECTIONS[(i + k) % len(DIRECTIONS)],
                "hours": 36,
                "form": CourseForm.DISTANCE if k else CourseForm.IN_PERSON,
                "provider": "ИРО",
                "finished_on": date(2026, 11, 1),
            }
            for i, r in enumerate(reports)
            for k in range(1 + i % 2)
        ],
    )
    methodist = await session.execute(
        insert(Person).values(full_name="Методист").returning(Person.id)
    )
    pid = methodist.scalar_one()
    await session.commit()
    return Actor(external_id=1, person_id=pid, methodist_services=frozenset({service.id})), aid


async def median_ms(call: Callable[[], Awaitable[Any]]) -> float:
    await call()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def run(engine: AsyncEngine) -> dict[str, object]:
    sm = create_sessionmaker(engine)
    grids = {"30x4": (30, 4), "300x12": (300, 12), "600x24": (600, 24)}
    seeded: dict[str, tuple[Actor, int]] = {}
    async with sm() as session:
        for key, (members, meetings) in grids.items():
            seeded[key] = await seed(session, members, meetings)
    per_cell: dict[str, float] = {}
    main_ms = 0.0
    found: analysis.Analysis | None = None
    for key, (members, meetings) in grids.items():
        actor, aid = seeded[key]

        async def analyse(actor: Actor = actor, aid: int = aid) -> analysis.Analysis:
            async with sm() as session:
                return await analysis.analysis(session, actor, aid, NOW)

        ms = await median_ms(analyse)
        per_cell[key] = round(ms * 1000 / (members * meetings), 2)
        if key == "300x12":
            main_ms = ms
            found = await analyse()
    assert found is not None
    aid = found.association_id

    async def reads() -> None:
        """The same rows, one plain query per table, no computing."""
        async with sm() as session:
            members = select(Membership.person_id).where(Membership.association_id == aid)
            meetings = select(Meeting.id).where(Meeting.association_id == aid)
            reports = select(YearReport.id).where(YearReport.person_id.in_(members))
            plans = select(AnnualPlan.id).where(AnnualPlan.association_id == aid)
            for stmt in (
                select(Association.__table__).where(Association.id == aid),
                select(Membership.__table__).where(Membership.association_id == aid),
                select(Person.__table__).where(Person.id.in_(members)),
                select(Meeting.__table__).where(Meeting.association_id == aid),
                select(Attendance.__table__).where(Attendance.meeting_id.in_(meetings)),
                select(YearReport.__table__).where(YearReport.id.in_(reports)),
                select(YearCourse.__table__).where(YearCourse.report_id.in_(reports)),
                select(AnnualPlanRow.__table__).where(AnnualPlanRow.plan_id.in_(plans)),
            ):
                (await session.execute(stmt)).all()
            await session.commit()

    reads_ms = await median_ms(reads)

    async def docx() -> bytes:
        return await asyncio.to_thread(docx_bytes, found, {})

    docx_ms = await median_ms(docx)
    async with sm() as session:
        await session.execute(text("SELECT 1"))
    return {
        "bench": "year",
        "members": 300,
        "meetings": 12,
        "analysis_ms": round(main_ms, 1),
        "docx_ms": round(docx_ms, 1),
        "reads_ms": round(reads_ms, 1),
        "ratio_to_reads": round(main_ms / reads_ms, 2),
        "per_cell_us": per_cell,
    }


async def main() -> None:
    print("year: the annual analysis of 300 members × 12 meetings on SQLite (median of 5)")
    async with sqlite_engine() as engine:
        result = await run(engine)
    total = float(str(result["analysis_ms"])) + float(str(result["docx_ms"]))
    cells: dict[str, float] = result["per_cell_us"]  # type: ignore[assignment]
    print(
        f"  analysis {result['analysis_ms']} ms + DOCX {result['docx_ms']} ms = {total:.1f} ms "
        f"(goal < 1000); plain reads of the same tables {result['reads_ms']} ms, "
        f"ratio {result['ratio_to_reads']}"
    )
    print(
        f"  per cell: 30×4 {cells['30x4']} µs, 300×12 {cells['300x12']} µs, "
        f"600×24 {cells['600x24']} µs (goal: 600×24 under twice 30×4)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
