"""A service whose members answered the needs questionnaire (issue 18, item 3), built through
the services: three teachers of «МОУ СОШ № 5» (mathematics), two of «МОУ Гимназия № 1»
(physics) — so the gymnasium and physics are groups of two — and one of «МОУ СОШ № 12»
(chemistry), without whom the gymnasium's figures would be the whole less the lyceum's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.i18n import translations
from models import School
from services import surveys
from services.clock import FixedClock
from services.permissions import Actor
from services.surveys import Answer
from tests.factories import World, make_world, member_link, register

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
LYCEUM, GYMNASIUM, THIRD = "МОУ СОШ № 5", "МОУ Гимназия № 1", "МОУ СОШ № 12"
# (school, subject, directions, formats) of each teacher who answers.
ANSWERS = (
    (LYCEUM, "математика", (0, 1), (0,)),
    (LYCEUM, "математика", (0,), (0, 3)),
    (LYCEUM, "математика", (1, 4), (4,)),
    (GYMNASIUM, "физика", (0,), (0,)),
    (GYMNASIUM, "физика", (2,), (1,)),
    (THIRD, "химия", (3,), (2,)),
)


@dataclass
class NeedsWorld:
    world: World
    teachers: list[Actor]
    survey_id: int
    schools: dict[str, int]


async def needs_world(
    session: AsyncSession,
    clock: FixedClock,
    *,
    anonymous: bool = True,
    close: bool = True,
    third: bool = True,
) -> NeedsWorld:
    answers = ANSWERS if third else ANSWERS[:-1]
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teachers = [
        await register(session, token, 3001 + n, clock, name=f"Учитель {n}", school=school,
                       subject=subject)
        for n, (school, subject, _d, _f) in enumerate(answers)
    ]  # fmt: skip
    ru = translations("ru").gettext
    now = clock.now()
    view = await surveys.create_from_template(
        session, world.chair, world.association_id, "needs", ru, now
    )
    if not anonymous:
        view = await surveys.set_settings(
            session, world.chair, view.id, view.version, now, anonymous=False
        )
    view = await surveys.set_schedule(
        session,
        world.chair,
        view.id,
        view.version,
        now,
        opens_at=None,
        closes_at=now + timedelta(days=7),
    )
    view = (await surveys.open_survey(session, world.chair, view.id, view.version, now)).view
    for teacher, (_school, _subject, directions, formats) in zip(teachers, answers, strict=True):
        for position, value in (
            (1, Answer(options=directions)),
            (2, Answer(options=formats)),
            (3, Answer(scale=4)),
            (5, Answer(options=(3,))),
        ):
            await surveys.answer(session, teacher, view.id, position, value, now)
        await surveys.finish(session, teacher, view.id, now)
    if close:
        await surveys.close(session, world.chair, view.id, now)
    found = (await session.execute(select(School.name, School.id))).all()
    return NeedsWorld(world, teachers, view.id, {name: sid for name, sid in found})
