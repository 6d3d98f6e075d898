"""A meeting's venue school (issue 15, item 3) on SQLite and PostgreSQL: set on a draft and
on a published meeting (announced to everyone as a new place), cleared; refused with nothing
written for a stale version, an unknown, pending or another municipality's school and a
member; a practical seminar marked in the wizard counts for compliance only with its school."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, OutboxMessage
from services import associations, compliance, deadlines, meetings, schools
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.meetings import MeetingView
from services.permissions import Actor
from tests.factories import ADMIN, World, member_link, register
from tests.test_compliance import NOW, TZ, world_of

LYCEUM = "МАОУ «Лицей № 21»"
DAY = deadlines.Typed(date(2027, 2, 12), None)


async def seminar_draft(session: AsyncSession, world: World) -> MeetingView:
    chair = world.chair
    view = await meetings.create_draft(
        session, chair, world.association_id, "Практический семинар «Открытые уроки»", NOW
    )
    view = await meetings.set_day(session, chair, view.id, view.version, DAY, NOW)
    return await meetings.set_seminar(session, chair, view.id, view.version, True, NOW)


async def venue_of(session: AsyncSession, meeting_id: int) -> tuple[int | None, int]:
    meeting = await session.get_one(Meeting, meeting_id, populate_existing=True)
    await session.commit()
    return meeting.venue_school_id, meeting.version


async def refused(code: ErrorCode, call: object) -> None:
    with pytest.raises(DomainError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code is code


async def test_the_venue_school_of_a_draft_is_chosen_and_cleared(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _methodist = await world_of(session, clock)
    clock.set(NOW)
    chair = world.chair
    lyceum = await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, LYCEUM, NOW
    )
    await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, "МБОУ «СОШ № 5»", NOW
    )
    pending = await schools.resolve_typed(session, world.municipality_id, "Гимназия № 9", NOW)
    pending_id = pending.id
    await session.commit()
    elsewhere_area = await associations.create_municipality(
        session, ADMIN, world.service_id, "Кировский район", TZ, NOW
    )
    elsewhere = await schools.add_approved(
        session, ADMIN, elsewhere_area.id, world.service_id, "МАОУ «Лицей № 22»", NOW
    )
    elsewhere_id = elsewhere.id  # a refused write rolls back: the objects expire
    view = await seminar_draft(session, world)
    # Only the approved schools of the association's municipality are offered.
    found = await meetings.venue_choices(session, chair, view.id, "лицей 21")
    assert [s.name for s in found] == [LYCEUM]
    assert await meetings.venue_choices(session, chair, view.id, "гимназия 9") == []
    chosen = await meetings.set_venue_school(session, chair, view.id, view.version, lyceum.id, NOW)
    assert (chosen.venue_school_id, chosen.venue_school, chosen.place, chosen.venue) == (
        lyceum.id,
        LYCEUM,
        None,
        LYCEUM,
    )
    assert chosen.version == view.version + 1
    # The place is the school's name when none is typed: the draft is not short of a place.
    assert ErrorCode.NO_PLACE not in [p.code for p in meetings.problems(chosen, NOW)]
    before = await venue_of(session, view.id)
    assert before == (lyceum.id, chosen.version)
    # Refused, nothing written: an old version, unknown / pending / another municipality's
    # school, a member of the association.
    await refused(
        ErrorCode.DRAFT_CHANGED,
        meetings.set_venue_school(session, chair, view.id, view.version, None, NOW),
    )
    for school_id in (999_999, pending_id, elsewhere_id):
        await refused(
            ErrorCode.NOT_FOUND,
            meetings.set_venue_school(session, chair, view.id, chosen.version, school_id, NOW),
        )
    token = await member_link(session, world, clock)
    member: Actor = await register(session, token, 3001, clock, name="Смирнова Ольга Петровна")
    await refused(
        ErrorCode.FORBIDDEN,
        meetings.set_venue_school(session, member, view.id, chosen.version, None, NOW),
    )
    await refused(ErrorCode.FORBIDDEN, meetings.venue_choices(session, member, view.id, "лицей"))
    assert await venue_of(session, view.id) == before
    cleared = await meetings.set_venue_school(session, chair, view.id, chosen.version, None, NOW)
    assert (cleared.venue_school_id, cleared.venue) == (None, None)
    assert await venue_of(session, view.id) == (None, chosen.version + 1)


async def test_a_published_meetings_new_venue_school_is_announced(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _methodist = await world_of(session, clock)
    clock.set(NOW)
    chair = world.chair
    lyceum = await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, LYCEUM, NOW
    )
    view = await seminar_draft(session, world)
    view = await meetings.set_place(session, chair, view.id, view.version, "ИМЦ, ауд. 3", NOW)
    view = await meetings.add_question(session, chair, view.id, view.version, "Открытые уроки", NOW)
    published = (await meetings.publish(session, chair, view.id, view.version, NOW)).view
    assert published.revision == 1
    changed = await meetings.set_venue_school(
        session, chair, view.id, published.version, lyceum.id, NOW
    )
    assert (changed.revision, changed.venue_school_id, changed.venue) == (
        2,
        lyceum.id,
        "ИМЦ, ауд. 3",  # the place typed stays what the notice shows
    )
    notices = (
        await session.scalars(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.like(f"meeting:{view.id}:meeting_notice:rev=2:%")
            )
        )
    ).all()
    assert notices == [
        f"meeting:{view.id}:meeting_notice:rev=2:person={chair.person_id}"
    ]  # everyone (a roster of one) gets the changed notice
    # A stale button of the published meeting changes nothing.
    await refused(
        ErrorCode.DRAFT_CHANGED,
        meetings.set_venue_school(session, chair, view.id, published.version, None, NOW),
    )
    assert await venue_of(session, view.id) == (changed.venue_school_id, changed.version)


async def test_a_seminar_marked_in_the_wizard_counts_with_its_school(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _methodist = await world_of(session, clock)
    clock.set(NOW)
    chair = world.chair
    lyceum = await schools.add_approved(
        session, ADMIN, world.municipality_id, world.service_id, LYCEUM, NOW
    )
    view = await seminar_draft(session, world)
    [checked] = await compliance.check(session, chair, NOW)
    assert (checked.tally.planned, checked.tally.planned_seminars) == (1, 0)  # no school yet
    view = await meetings.set_venue_school(session, chair, view.id, view.version, lyceum.id, NOW)
    [checked] = await compliance.check(session, chair, NOW)
    assert (checked.tally.planned, checked.tally.planned_seminars) == (1, 1)
    await meetings.set_venue_school(session, chair, view.id, view.version, None, NOW)
    [checked] = await compliance.check(session, chair, NOW)
    assert checked.tally.planned_seminars == 0
