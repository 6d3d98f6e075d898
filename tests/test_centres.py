"""Centres over services (issue 18, item 2), on SQLite and PostgreSQL: a centre's methodist
sees exactly the associations of its services and its own, a grouped service's methodist
neither the centre's nor a sibling's; one level, no cycles; a centre's announcement counts
each person once, estimates the time at Telegram's pace, refuses an empty selection, and
reports per service and per association."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementService,
    InviteKind,
    Membership,
    OutboxMessage,
    OutboxStatus,
)
from services import announcements, associations, centres, invites, overview, people
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.outbox import Failure, keys
from services.people import load_actor
from tests.centre_world import centre_world
from tests.factories import ADMIN, ADMIN_ID, register

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


async def refused(code: ErrorCode, call: object) -> None:
    with pytest.raises(DomainError) as err:
        await call  # type: ignore[misc]
    assert err.value.code is code


async def test_a_centres_methodist_sees_its_services_and_its_own(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await centre_world(session, clock)
    units = (w.centre, w.north, w.south)
    assert w.centre_methodist.methodist_services == {u.service_id for u in units}
    assert w.north_methodist.methodist_services == {w.north.service_id}
    seen = await overview.overview(session, w.centre_methodist, NOW)
    assert {r.association_id for r in seen.rows} == {u.association_id for u in units}
    assert {s for s, _ in seen.services} == {u.service_id for u in units}
    assert {(r.service, r.district) for r in seen.rows} == {
        ("ММЦ г. Бугуруслан", "г. Бугуруслан"),
        ("ИМЦ Асекеевского района", "Асекеевский район"),
        ("ИМЦ Абдулинского района", "Абдулинский район"),
    }
    row = await overview.card(session, w.centre_methodist, w.south.association_id, NOW)
    assert row.district == "Абдулинский район"
    # A grouped service's methodist: their own service only.
    theirs = await overview.overview(session, w.north_methodist, NOW)
    assert [r.association_id for r in theirs.rows] == [w.north.association_id]
    for call in (
        overview.overview(session, w.north_methodist, NOW, w.centre.service_id),
        overview.overview(session, w.north_methodist, NOW, w.south.service_id),
        overview.card(session, w.north_methodist, w.centre.association_id, NOW),
        overview.card(session, w.north_methodist, w.south.association_id, NOW),
    ):
        await refused(ErrorCode.FORBIDDEN, call)
    targets = await announcements.targets(session, w.north_methodist)
    assert {(t.association_id, t.service_id) for t in targets} == {
        (None, w.north.service_id),
        (w.north.association_id, None),
    }
    # Detached, the service leaves the centre's methodist's view at their next update.
    await centres.set_centre(session, ADMIN, w.south.service_id, None, NOW)
    again = await load_actor(session, 3900, [ADMIN_ID])
    assert again.methodist_services == {w.centre.service_id, w.north.service_id}
    await refused(ErrorCode.FORBIDDEN, overview.card(session, again, w.south.association_id, NOW))


async def test_one_level_and_no_cycles(session: AsyncSession, clock: FixedClock) -> None:
    w = await centre_world(session, clock)
    other = await associations.create_service(session, ADMIN, "ИМЦ Северного района", NOW)
    for service, centre in (
        (w.north.service_id, w.north.service_id),  # itself
        (other.id, w.north.service_id),  # under a grouped service
        (w.centre.service_id, other.id),  # a centre under another
        (w.centre.service_id, w.north.service_id),  # a cycle
    ):
        await refused(
            ErrorCode.CENTRE_NESTED, centres.set_centre(session, ADMIN, service, centre, NOW)
        )
    await refused(
        ErrorCode.FORBIDDEN,
        centres.set_centre(session, w.centre_methodist, other.id, w.centre.service_id, NOW),
    )
    lines = {s.id: s for s in await centres.services(session, ADMIN)}
    assert lines[w.centre.service_id].groups == 2 and lines[w.centre.service_id].centre is None
    assert lines[other.id].centre_id is None
    assert await centres.candidates(session, ADMIN, w.centre.service_id) == []
    assert {s.id for s in await centres.candidates(session, ADMIN, other.id)} == {
        w.centre.service_id
    }


def test_the_time_at_telegrams_pace() -> None:
    assert centres.send_seconds(0, 30) == 0
    assert centres.send_seconds(1, 30) == 1
    assert centres.send_seconds(30, 30) == 1
    assert centres.send_seconds(31, 30) == 2
    assert centres.send_seconds(3_600, 30) == 120
    assert centres.send_seconds(100, 10) == 10


async def _draft(
    session: AsyncSession,
    actor: object,
    centre_id: int,
    chosen: tuple[int, ...] | None,
    chairs: bool,
) -> int:
    target = announcements.Target(None, centre_id, "", services=chosen, chairs_only=chairs)
    return await announcements.save_draft(session, actor, target, NOW, text="Семинар ММЦ")  # type: ignore[arg-type]


async def test_recipients_once_each_and_an_empty_selection(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await centre_world(session, clock)
    # The north's member joins the south's РМО too: one person, counted once.
    link = await invites.create_link(
        session, w.south.chair, InviteKind.MEMBER, w.south.association_id, NOW
    )
    await register(session, link.token, 3201, clock, name="Участник 3201")
    me = w.centre_methodist
    everyone = await _draft(session, me, w.centre.service_id, None, False)
    assert (await announcements.preview(session, me, everyone)).recipients == 6
    picked = (w.north.service_id, w.south.service_id)
    chairs = await _draft(session, me, w.centre.service_id, picked, True)
    seen = await announcements.preview(session, me, chairs)
    assert seen.recipients == 2 and seen.chairs_only and seen.services == tuple(sorted(picked))
    members = await _draft(session, me, w.centre.service_id, (w.north.service_id,), False)
    assert (await announcements.preview(session, me, members)).recipients == 2
    # Refused, nothing created: no service chosen; a service not of the centre; another
    # service's methodist choosing the centre's services.
    before = await session.scalar(select(func.count()).select_from(Announcement))
    other = await associations.create_service(session, ADMIN, "ИМЦ Северного района", NOW)
    for code, actor, chosen in (
        (ErrorCode.SELECTION_EMPTY, me, ()),
        (ErrorCode.FORBIDDEN, me, (other.id,)),
        (ErrorCode.FORBIDDEN, w.north_methodist, (w.north.service_id,)),
    ):
        await refused(code, _draft(session, actor, w.centre.service_id, chosen, False))
    assert await session.scalar(select(func.count()).select_from(Announcement)) == before


async def test_the_delivery_report_per_service_and_association(
    session: AsyncSession, clock: FixedClock
) -> None:
    w = await centre_world(session, clock)
    me = w.centre_methodist
    picked = (w.north.service_id, w.south.service_id)
    draft = await _draft(session, me, w.centre.service_id, picked, False)
    sent = await announcements.send(session, me, draft, NOW, progress_chat_id=3900, locale="ru")
    assert sent.recipients == 4
    assert await session.scalar(
        select(func.count()).select_from(AnnouncementService)
        .where(AnnouncementService.announcement_id == draft)
    ) == 2  # fmt: skip
    outcomes = {
        w.north.chair.person_id: (OutboxStatus.SENT, None),
        w.north.member.person_id: (OutboxStatus.FAILED, Failure.BLOCKED.value),
        w.south.chair.person_id: (OutboxStatus.FAILED, Failure.REJECTED.value),
        w.south.member.person_id: (OutboxStatus.SENT, None),
    }
    for person, (status, code) in outcomes.items():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.group_key == keys.announcement_group(draft))
            .where(OutboxMessage.person_id == person)
            .values(status=status, error_code=code)
        )
    report = await centres.delivery_report(session, draft)
    assert [(r.tally, r.associations) for r in report] == [
        (
            centres.Tally("ИМЦ Абдулинского района", 1, 1, 0),
            (centres.Tally("РМО учителей математики Абдулино", 1, 1, 0),),
        ),
        (
            centres.Tally("ИМЦ Асекеевского района", 1, 0, 1),
            (centres.Tally("РМО учителей математики Асекеево", 1, 0, 1),),
        ),
    ]
    # One who left since and one who deleted their data still count where they were.
    await session.execute(
        update(Membership)
        .where(Membership.person_id == w.north.member.person_id)
        .values(active=False)
    )
    await session.commit()
    await people.forget(session, w.south.chair, NOW)
    assert await centres.delivery_report(session, draft) == report
    # An announcement to one association has no such report (its summary says it all).
    single = announcements.Target(w.north.association_id, None, "")
    one = await announcements.save_draft(session, me, single, NOW, text="Только Асекеево")
    assert await centres.delivery_report(session, one) == []


async def test_a_draft_to_a_service_detached_since_is_refused(
    session: AsyncSession, clock: FixedClock
) -> None:
    """The stored selection is checked again at preview and send: a service detached from
    the centre after the draft was saved is not reached (STALE, nothing enqueued)."""
    w = await centre_world(session, clock)
    me = w.centre_methodist
    draft = await _draft(session, me, w.centre.service_id, (w.south.service_id,), False)
    assert (await announcements.preview(session, me, draft)).recipients == 2
    await centres.set_centre(session, ADMIN, w.south.service_id, None, NOW)
    me = await load_actor(session, 3900, [ADMIN_ID])
    await refused(ErrorCode.STALE, announcements.preview(session, me, draft))
    await refused(
        ErrorCode.STALE,
        announcements.send(session, me, draft, NOW, progress_chat_id=3900, locale="ru"),
    )
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    kept = await session.get_one(Announcement, draft)
    await session.refresh(kept)
    assert kept.sent_at is None
