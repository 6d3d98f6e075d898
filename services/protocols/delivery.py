"""The signed protocol goes out: one copy to every active member and every interested
person of the association; the files of a signed version are stored once, so every copy and
download sends the same ones; and the sender asks which claimed rows are still wanted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Protocol, ProtocolVersion
from services import audit, outbox
from services.outbox import keys
from services.protocols import queries
from services.protocols.kinds import COPY, DRAFT, MISSING, OVERDUE, REMINDER, SIGN
from services.tx import reads, writes


@reads
async def recipients(session: AsyncSession, association_id: int) -> tuple[list[int], list[int]]:
    """Who gets the copy: every active member (person ids) and every interested person of
    the association (their chat ids)."""
    members = (await session.scalars(queries.active_members(association_id))).all()
    interested = (await session.scalars(queries.interested_chats(association_id))).all()
    return sorted(set(members)), sorted(set(interested))


async def issue(
    session: AsyncSession,
    protocol: Protocol,
    version: ProtocolVersion,
    association: Association,
    now: datetime,
) -> None:
    """In the transaction of the second signature: a copy to everyone it goes to."""
    people, chats = await recipients(session, association.id)
    params = {"protocol_id": protocol.id, "version": version.version}
    pid, ver = protocol.id, version.version
    group = keys.protocol_copy_group(protocol_id=pid, version=ver)
    rows = [
        outbox.Outgoing(
            kind=COPY,
            dedupe_key=keys.protocol_copy(protocol_id=pid, version=ver, person_id=person),
            group_key=group,
            due_at=now,
            params=params,
            person_id=person,
        )
        for person in people
    ]
    rows += [
        outbox.Outgoing(
            kind=COPY,
            dedupe_key=keys.protocol_copy_to_chat(protocol_id=pid, version=ver, chat_id=chat),
            group_key=group,
            due_at=now,
            params={**params, "association_id": association.id},
            chat_id=chat,
        )
        for chat in chats
    ]
    await outbox.enqueue(session, rows)
    audit.record(
        session,
        None,
        "protocol.issued",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
        recipients=len(people) + len(chats),
    )


# ---------------------------------------------------------------- files


@reads
async def stored_files(
    session: AsyncSession, protocol_id: int, version: int
) -> tuple[int, int] | None:
    """The stored DOCX and PDF of a signed version, once made."""
    row = (await session.execute(queries.stored_files(protocol_id, version))).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return int(row[0]), int(row[1])


@writes
async def keep_files(
    session: AsyncSession, protocol_id: int, version: int, docx_id: int, pdf_id: int
) -> None:
    """Remember the files of a signed version: its copies and downloads send the same ones."""
    found = await session.scalar(queries.version_of(protocol_id, version))
    if found is not None and found.signed_at is not None and found.docx_file_id is None:
        found.docx_file_id, found.pdf_file_id = docx_id, pdf_id


# ---------------------------------------------------------------- still wanted


@reads
async def unwanted(session: AsyncSession, rows: list[Any]) -> set[int]:
    """Claimed protocol rows no longer wanted: reminders and the overdue flag once the
    protocol is issued; the «missing» note once a draft exists; a request to sign once the
    person has signed or the draft changed; a draft note once the draft is signed."""
    meeting_ids = {int(r.params["meeting_id"]) for r in rows if "meeting_id" in r.params}
    protocol_ids = {int(r.params["protocol_id"]) for r in rows if "protocol_id" in r.params}
    by_meeting: dict[int, Protocol] = {}
    if meeting_ids:
        for protocol in (await session.scalars(queries.of_meetings(meeting_ids))).all():
            by_meeting[protocol.meeting_id] = protocol
    current: dict[int, ProtocolVersion] = {}
    if protocol_ids:
        found = (await session.execute(queries.current_versions(protocol_ids))).scalars()
        current = {v.protocol_id: v for v in found}
    cancelled_meetings = set()
    if meeting_ids:
        cancelled_meetings = set((await session.scalars(queries.cancelled(meeting_ids))).all())
    drop: set[int] = set()
    for row in rows:
        if row.kind in (REMINDER, OVERDUE):
            meeting_id = int(row.params["meeting_id"])
            issued = meeting_id in by_meeting and by_meeting[meeting_id].issued_at is not None
            if meeting_id in cancelled_meetings or issued:
                drop.add(row.id)
        elif row.kind == MISSING:
            if int(row.params["meeting_id"]) in by_meeting:
                drop.add(row.id)
        elif row.kind in (DRAFT, SIGN):
            version = current.get(int(row.params["protocol_id"]))
            if version is None or version.signed_at is not None:
                drop.add(row.id)
                continue
            if row.kind == SIGN and int(row.params.get("revision", 0)) != version.revision:
                drop.add(row.id)
    return drop
