"""Roster import of 2,000 people: the bulk path (`services.roster.add_people`: a multi-row
INSERT per table) against the row-by-row ORM path it replaced (flush per person, a school
lookup per row, an invite and an audit row each), in the same run, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.common import pg_engine, sqlite_engine, timed
from bot.db import create_sessionmaker
from models import Association, InviteKind, Membership, Person, Role
from services import invites, roster, schools
from services.clock import FixedClock
from services.permissions import Actor
from tests.factories import make_world

ROWS = 2000
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def entries(tag: str) -> list[roster.RosterEntry]:
    text = "\n".join(f"Учитель {tag} {i}; Школа № {i % 40}; предмет {i % 9}" for i in range(ROWS))
    return roster.parse_roster(text)


async def row_by_row(
    session: AsyncSession, actor: Actor, association_id: int, rows: list[roster.RosterEntry]
) -> int:
    """The reference: what add_people did before it went bulk."""
    assoc = await session.get_one(Association, association_id)
    for entry in rows:
        school_id = None
        if entry.school:
            school = await schools.resolve_typed(session, assoc.municipality_id, entry.school, NOW)
            school_id = school.id
        person = Person(full_name=entry.full_name, school_id=school_id, subject=entry.subject)
        session.add(person)
        await session.flush()
        session.add(Membership(person_id=person.id, association_id=assoc.id, role=Role.MEMBER))
        await invites.issue(
            session, actor, InviteKind.MEMBER, NOW, association_id=assoc.id, person_id=person.id
        )
    await session.commit()
    return len(rows)


async def measure(engine: AsyncEngine, label: str, results: dict[str, object]) -> None:
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        world = await make_world(session, FixedClock(NOW))
    baseline_rows, bulk_rows = entries("А"), entries("Б")

    async def baseline() -> None:
        async with sessionmaker() as session:
            await row_by_row(session, world.chair, world.association_id, baseline_rows)

    async def bulk() -> None:
        async with sessionmaker() as session:
            added = await roster.add_people(
                session, world.chair, world.association_id, bulk_rows, NOW
            )
            assert len(added.links) == ROWS

    slow = await timed(baseline)
    fast = await timed(bulk)
    results[label] = {
        "row_by_row_ms": round(slow * 1000),
        "bulk_ms": round(fast * 1000),
        "ratio": round(slow / fast, 1),
    }
    print(
        f"  {label:<10} row by row {slow * 1000:8.0f} ms   bulk {fast * 1000:7.0f} ms   "
        f"bulk is {slow / fast:5.1f}x faster   ({ROWS} people, links and memberships)"
    )


async def main() -> None:
    print(f"roster import: {ROWS} people")
    results: dict[str, object] = {"bench": "roster", "rows": ROWS}
    async with sqlite_engine() as engine:
        await measure(engine, "SQLite", results)
    async with pg_engine() as pg:
        if pg is not None:
            await measure(pg, "PostgreSQL", results)
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
