"""`python -m bench.overview`: the methodist's desk (issue 18) over a centre's worth of data —
10 services, 1,000 associations, 30,000 members with a school year of meetings (four ended
with attendance and protocols, two ahead), findings, plans and needs surveys — seeded with
Core bulk inserts (not timed), on SQLite and PostgreSQL. Timed: the overview of every
association (every row computed and sorted, page one rendered), its XLSX, and one service's
overview (100 associations: `at_100`); the baseline, in the same run, is one `GROUP BY` over
the attendance table. `needs_ms`: the needs breakdown (issue 18, item 3) over every
service — the 333 anonymous needs questionnaires' 6,660 responses (20 of each association's
30 members, from 200 schools) by direction, format, subject and school.

Goal: each under 2,000 ms on SQLite, and 1,000 associations costing less than 15× what 100
do. The last line is one JSON object."""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiogram.utils.i18n import I18n
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import pg_engine, sqlite_engine
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from documents.overview_xlsx import xlsx_bytes
from handlers.overview.text import page_text
from models import (
    AnnualPlan,
    Association,
    AssociationKind,
    Attendance,
    ComplianceFinding,
    Identity,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    MethodService,
    Municipality,
    Person,
    PlanStatus,
    Presence,
    Protocol,
    Role,
    School,
    SchoolStatus,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from models.survey import QuestionKind
from services import needs, overview
from services.overview import Overview
from services.permissions import Actor

SERVICES, PER_SERVICE, MEMBERS = 10, 100, 30
SCHOOLS, ANSWERED = 20, 20  # schools per district; members of an association who answered
SUBJECTS = ("математика", "физика", "русский язык", "история", "биология")
DIRECTIONS = tuple(f"Направление {n}" for n in range(1, 9))
FORMATS = tuple(f"Формат {n}" for n in range(1, 8))
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TZ = "Asia/Novosibirsk"
ADMIN = Actor(external_id=1, is_admin=True)
CHUNK = 5_000


async def _insert(engine: AsyncEngine, model: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            await conn.execute(insert(model), rows[start : start + CHUNK])


async def seed(engine: AsyncEngine) -> None:
    rnd = random.Random(18)
    services = [{"id": s, "name": f"ИМЦ района № {s}"} for s in range(1, SERVICES + 1)]
    municipalities = [
        {"id": s, "service_id": s, "name": f"Район № {s}", "timezone": TZ}
        for s in range(1, SERVICES + 1)
    ]
    associations, persons, identities, memberships = [], [], [], []
    meetings, attendance, protocols, plans, findings, surveys, audiences = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    schools = [
        {"id": (s - 1) * SCHOOLS + n, "municipality_id": s, "name": f"МОУ СОШ № {n} района {s}",
         "norm_name": f"моу сош № {n} района {s}", "status": SchoolStatus.APPROVED}
        for s in range(1, SERVICES + 1)
        for n in range(1, SCHOOLS + 1)
    ]  # fmt: skip
    questions: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    person = meeting = 0
    for a in range(1, SERVICES * PER_SERVICE + 1):
        service = (a - 1) // PER_SERVICE + 1
        associations.append(
            {"id": a, "kind": AssociationKind.RMO, "name": f"РМО № {a:04d}", "service_id": service,
             "municipality_id": service, "timezone": TZ}
        )  # fmt: skip
        members = []
        for n in range(MEMBERS):
            person += 1
            members.append(person)
            persons.append(
                {"id": person, "full_name": f"Учитель {person:05d}", "subject": "математика",
                 "birth_year": 1970 + n if n % 2 else None,
                 "education": "высшее" if n % 3 else None,
                 "school_id": (service - 1) * SCHOOLS + person % SCHOOLS + 1}
            )  # fmt: skip
            if n % 5:
                identities.append({"person_id": person, "external_id": 10**6 + person})
            memberships.append(
                {"person_id": person, "association_id": a,
                 "role": Role.CHAIR if n == 0 else Role.MEMBER}
            )  # fmt: skip
        for k in range(6):
            meeting += 1
            ended = k < 4
            day = date(2026, 9, 15) + timedelta(days=30 * k + a % 10)
            meetings.append(
                {"id": meeting, "association_id": a, "topic": "Заседание",
                 "form": MeetingForm.IN_PERSON,
                 "status": MeetingStatus.ENDED if ended else MeetingStatus.PUBLISHED,
                 "starts_at": datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)}
            )  # fmt: skip
            if not ended:
                continue
            for p in members:
                if rnd.random() < 0.7:
                    attendance.append(
                        {"meeting_id": meeting, "person_id": p, "status": Presence.PRESENT,
                         "at": NOW}
                    )  # fmt: skip
            if k < 3 or a % 4:
                protocols.append(
                    {"meeting_id": meeting, "association_id": a, "school_year": 2026,
                     "number": k + 1, "meeting_day": day, "due_on": day + timedelta(days=30),
                     "issued_at": NOW if k < 2 else None, "created_at": NOW}
                )  # fmt: skip
        if a % 2:
            plans.append({"association_id": a, "school_year": 2026, "status": PlanStatus.APPROVED})
        if a % 7 == 0:
            findings.append(
                {"association_id": a, "rule": "meetings", "period": "sy2026", "object_id": 0,
                 "details": {}, "found_at": NOW}
            )  # fmt: skip
        if a % 3 == 0:
            surveys.append(
                {"id": a, "kind": SurveyKind.SURVEY, "status": SurveyStatus.CLOSED,
                 "title": "Профессиональные потребности и дефициты", "created_at": NOW,
                 "template": "needs", "anonymous": True}
            )  # fmt: skip
            audiences.append({"survey_id": a, "association_id": a})
            for position, options in ((1, DIRECTIONS), (2, FORMATS)):
                questions.append(
                    {"id": 2 * a + position - 1, "survey_id": a, "position": position,
                     "kind": QuestionKind.MULTIPLE, "text": f"Вопрос {position}",
                     "options": list(options)}
                )  # fmt: skip
            for p in members[:ANSWERED]:
                responses.append(
                    {"id": p, "survey_id": a, "person_id": None,
                     "school_id": (service - 1) * SCHOOLS + p % SCHOOLS + 1,
                     "subject": SUBJECTS[p % len(SUBJECTS)]}
                )  # fmt: skip
                for position, options in ((1, DIRECTIONS), (2, FORMATS)):
                    picked = sorted(rnd.sample(range(len(options)), rnd.randint(1, 3)))
                    answers.append(
                        {"response_id": p, "question_id": 2 * a + position - 1,
                         "value": {"options": picked}}
                    )  # fmt: skip
    for model, rows in (
        (MethodService, services),
        (Municipality, municipalities),
        (School, schools),
        (Association, associations),
        (Person, persons),
        (Identity, identities),
        (Membership, memberships),
        (Meeting, meetings),
        (Attendance, attendance),
        (Protocol, protocols),
        (AnnualPlan, plans),
        (ComplianceFinding, findings),
        (Survey, surveys),
        (SurveyAudience, audiences),
        (SurveyQuestion, questions),
        (SurveyResponse, responses),
        (SurveyAnswer, answers),
    ):
        await _insert(engine, model, rows)


async def measure(engine: AsyncEngine, label: str) -> dict[str, Any]:
    await seed(engine)
    sm = create_sessionmaker(engine)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)

    async def baseline() -> float:
        async with sm() as s:
            start = time.perf_counter()
            stmt = select(Attendance.meeting_id, func.count()).group_by(Attendance.meeting_id)
            (await s.execute(stmt)).all()
            return time.perf_counter() - start

    async def desk(service_id: int | None) -> tuple[float, Overview]:
        async with sm() as s:
            start = time.perf_counter()
            view = await overview.overview(s, ADMIN, NOW, service_id)
            with i18n.context(), i18n.use_locale("ru"):
                page_text(view, 0)
            return time.perf_counter() - start, view

    await desk(None)  # warm: caches, the first connection
    group_by = min([await baseline() for _ in range(3)])
    whole, view = min([await desk(None) for _ in range(3)], key=lambda r: r[0])
    one, _ = min([await desk(1) for _ in range(3)], key=lambda r: r[0])
    start = time.perf_counter()
    data = xlsx_bytes(view, "ru")
    xlsx = time.perf_counter() - start

    async def breakdown() -> tuple[float, needs.Breakdown]:
        async with sm() as s:
            start = time.perf_counter()
            found = await needs.breakdown(s, ADMIN, NOW)
            return time.perf_counter() - start, found

    needs_s, found = min([await breakdown() for _ in range(3)], key=lambda r: r[0])
    assert found.total.answers == len(range(3, SERVICES * PER_SERVICE + 1, 3)) * ANSWERED
    assert len(view.rows) == SERVICES * PER_SERVICE
    print(
        f"  {label:<10} overview {whole * 1000:6.0f} ms (100: {one * 1000:5.0f} ms, "
        f"×{whole / one:4.1f}) · xlsx {xlsx * 1000:6.0f} ms ({len(data) // 1024} KB) · "
        f"needs {needs_s * 1000:5.0f} ms · GROUP BY {group_by * 1000:5.1f} ms"
    )
    return {
        "overview_ms": round(whole * 1000, 1),
        "xlsx_ms": round(xlsx * 1000, 1),
        "needs_ms": round(needs_s * 1000, 1),
        "ratio_to_group_by": round(whole / group_by, 1),
        "at_100": {"overview_ms": round(one * 1000, 1)},
        "scale_1000_over_100": round(whole / one, 2),
    }


async def main() -> None:
    print(
        f"overview: {SERVICES} services, {SERVICES * PER_SERVICE} associations, "
        f"{SERVICES * PER_SERVICE * MEMBERS} members"
    )
    async with sqlite_engine() as engine:
        lite = await measure(engine, "sqlite")
    result: dict[str, Any] = {
        "bench": "overview",
        "engine": "sqlite",
        "associations": SERVICES * PER_SERVICE,
        "members": SERVICES * PER_SERVICE * MEMBERS,
        **lite,
    }
    async with pg_engine() as pg:
        if pg is not None:
            found = await measure(pg, "postgres")
            result["postgres"] = {k: found[k] for k in ("overview_ms", "xlsx_ms", "needs_ms")}
            result["postgres"]["at_100"] = found["at_100"]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
