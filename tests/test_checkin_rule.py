"""The check-in rule (services.attendance.rules.CHECKIN_RULE) run case by case against its
two evaluators on the database: the fast path's single INSERT … SELECT and the Python check
(what the slow path raises). Every combination of what the rule looks at — membership,
status, check-in window, form, tap, code — gives the same answer from both; and the table
gives the answers of the check-in as written before it became a table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Attendance, Meeting, MeetingForm, MeetingStatus, Membership, Presence
from services import attendance, meetings, roster
from services.attendance import queries
from services.attendance.checkin import fast_check_in
from services.attendance.rules import CHECKIN_RULE, Facts, Tap, Window, refusal, window
from services.clock import FixedClock
from services.errors import ErrorCode
from tests.factories import make_world
from tests.helpers import published

NOW = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)

# (opened, closes, closed): not opened, open (with or without a closing time), closed by
# hand, by its time, or exactly at it.
WINDOWS = (
    (None, None, None),
    (None, NOW + timedelta(hours=1), NOW - timedelta(minutes=1)),
    (NOW - timedelta(minutes=5), None, None),
    (NOW - timedelta(minutes=5), NOW + timedelta(hours=1), None),
    (NOW - timedelta(minutes=5), NOW + timedelta(hours=1), NOW - timedelta(minutes=1)),
    (NOW - timedelta(hours=2), NOW - timedelta(minutes=1), None),
    (NOW - timedelta(hours=2), NOW, None),
)
# (the meeting's code, what was typed)
CODES = (
    (None, None),
    (None, "1234"),
    ("1234", None),
    ("1234", "1234"),
    ("1234", " 1234 "),
    ("1234", "0000"),
)


def before_the_table(
    facts: Facts, now: datetime, online: bool, code: str | None
) -> ErrorCode | None:
    """The slow path's checks as written before the rule became a table (commit 5225caa)."""
    if not facts.member:
        return ErrorCode.FORBIDDEN
    status, opened, closes, closed = facts.status, facts.opened_at, facts.closes_at, facts.closed_at
    if status is MeetingStatus.CANCELLED:
        return ErrorCode.MEETING_CANCELLED
    if opened is None or status is not MeetingStatus.PUBLISHED:
        return ErrorCode.CHECKIN_NOT_OPEN
    if closed is not None or (closes is not None and now >= closes):
        return ErrorCode.CHECKIN_CLOSED
    if online and facts.form is not MeetingForm.HYBRID:
        return ErrorCode.STALE
    if facts.code is not None and not online:
        if code is None:
            return ErrorCode.NEED_CODE
        if code.strip() != facts.code:
            return ErrorCode.WRONG_CODE
    return None


def test_the_table_ends_with_the_allowing_case() -> None:
    assert CHECKIN_RULE[-1].outcome is None
    assert all(case.outcome is not None for case in CHECKIN_RULE[:-1])


def test_the_table_gives_the_answers_of_the_checks_it_replaced() -> None:
    for member, status, (opened, closes, closed), form, online, (
        secret,
        typed,
    ) in itertools.product(
        (True, False), MeetingStatus, WINDOWS, MeetingForm, (False, True), CODES
    ):
        facts = Facts(member, status, form, opened, closes, closed, secret)
        tap = Tap.ONLINE if online else Tap.IN_ROOM
        assert refusal(facts, NOW, tap, typed) == before_the_table(facts, NOW, online, typed), (
            facts,
            tap,
            typed,
        )


async def test_every_case_gives_the_same_answer_in_sql_and_in_python(
    session: AsyncSession,
) -> None:
    clock = FixedClock(NOW - timedelta(days=20))
    world = await make_world(session, clock)
    added = await roster.add_people(
        session,
        world.chair,
        world.association_id,
        [roster.RosterEntry(name, None, None) for name in ("Участник А", "Участник Б")],
        clock.now(),
    )
    member, former = (link.person_id for link in added.links)
    await session.execute(
        update(Membership).where(Membership.person_id == former).values(active=False)
    )
    view = await meetings.create_draft(
        session, world.chair, world.association_id, "Тема", clock.now()
    )
    await session.commit()
    by_window: dict[Window, list[tuple[datetime | None, ...]]] = {}
    for opened, closes, closed in WINDOWS:
        by_window.setdefault(window(opened, closes, closed, NOW), []).append(
            (opened, closes, closed)
        )
    assert set(by_window) == set(Window)
    # Every combination of the table's values once; each value stored in turn in its
    # different ways (a window closed by hand or by its time, a code typed with spaces…).
    checked = 0
    for n, (status, shut, form, secret) in enumerate(
        itertools.product(MeetingStatus, Window, MeetingForm, ("1234", None))
    ):
        ways = by_window[shut]
        opened, closes, closed = ways[n % len(ways)]
        await session.execute(
            update(Meeting)
            .where(Meeting.id == view.id)
            .values(
                status=status,
                form=form,
                checkin_opened_at=opened,
                checkin_closes_at=closes,
                checkin_closed_at=closed,
                checkin_code=secret,
            )
        )
        await session.commit()
        typings = [None, ("1234", " 1234 ")[n % 2], "0000"] if secret else [(None, "0")[n % 2]]
        for person_id in (member, former):
            row = (await session.execute(queries.checkin_facts(view.id, person_id))).first()
            await session.commit()
            facts = (
                Facts(True, *row[:6])
                if row is not None
                else Facts(False, status, form, opened, closes, closed, secret)
            )
            assert (facts.member, facts.code) == (person_id == member, secret)
            for tap, typed in itertools.product(Tap, typings):
                python = refusal(facts, NOW, tap, typed)
                sql = await fast_check_in(session, person_id, view.id, NOW, tap, typed)
                assert sql == (python is None), (facts, tap, typed, python)
                if sql:
                    await session.execute(delete(Attendance))
                    await session.commit()
                checked += 1
    # status × window × form × member × tap × code (none set, not typed, right, wrong)
    assert checked == len(MeetingStatus) * len(Window) * len(MeetingForm) * 2 * 2 * 4
    assert await attendance.voting_count(session, world.association_id) == 2


async def test_the_presiding_and_the_keeper_are_present_once_check_in_opens(
    session: AsyncSession,
) -> None:
    """Beside the table: the one presiding and the one keeping the minutes of a gathering
    count as present from the moment check-in opens (their marks are written then); a tap
    of theirs is a double tap, the roll can still correct them, a reopening keeps that."""
    clock = FixedClock(NOW - timedelta(days=20))
    world = await make_world(session, clock)
    added = await roster.add_people(
        session,
        world.chair,
        world.association_id,
        [roster.RosterEntry(name, None, None) for name in ("Участник А", "Участник Б")],
        clock.now(),
    )
    keeper_id, other_id = (link.person_id for link in added.links)
    view = await published(session, world)
    # The minutes keeper named on the meeting (no secretary in this association).
    await session.execute(
        update(Meeting).where(Meeting.id == view.id).values(minutes_keeper_id=keeper_id)
    )
    await session.commit()
    assert await marks_of(session, view.id) == {}
    await attendance.open_checkin(session, world.chair, view.id, NOW)
    chair_id = world.chair.person_id or 0
    assert await marks_of(session, view.id) == {
        chair_id: (Presence.PRESENT, False),
        keeper_id: (Presence.PRESENT, False),
    }
    assert await attendance.check_in(session, world.chair, view.id, NOW) == attendance.CheckedIn(
        Presence.PRESENT, already=True
    )
    await attendance.roll(session, world.chair, view.id, keeper_id, Presence.ABSENT, NOW)
    await attendance.open_checkin(session, world.chair, view.id, NOW, code=True)  # again
    marks = await marks_of(session, view.id)
    assert marks[keeper_id] == (Presence.ABSENT, True) and other_id not in marks
    q = await attendance.quorum(session, world.chair, view.id, NOW)
    assert (q.quorum.present, q.quorum.members) == (1, 3)


async def test_an_absentee_meeting_marks_nobody_present(session: AsyncSession) -> None:
    world = await make_world(session, FixedClock(NOW - timedelta(days=20)))
    view = await published(session, world, MeetingForm.ABSENTEE)
    await meetings.run_clock(session, NOW + timedelta(days=30))
    assert await marks_of(session, view.id) == {}


async def marks_of(session: AsyncSession, meeting_id: int) -> dict[int, tuple[Presence, bool]]:
    rows = (await session.scalars(queries.marks(meeting_id))).all()
    await session.commit()
    return {r.person_id or 0: (r.status, r.by_roll) for r in rows}
