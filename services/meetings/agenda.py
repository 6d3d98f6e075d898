"""The agenda of a draft (questions with speakers and draft decisions, materials) and the
agenda of a published meeting (a manager adds or removes a question: a changed notice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AgendaItem, Material
from services import files
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import editable, published_meeting
from services.meetings.changes import announce_change
from services.meetings.draft import touch
from services.meetings.rules import FILE_MAX, MAX_AGENDA, check_decision
from services.meetings.views import MeetingView
from services.permissions import Actor
from services.tx import writes
from services.validation import check_name, check_title


@writes
async def add_question(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    title: str,
    now: datetime,
    *,
    speaker_id: int | None = None,
    speaker_name: str | None = None,
    draft_decision: str | None = None,
) -> MeetingView:
    meeting, association = await editable(session, actor, meeting_id, version)
    count = int(await session.scalar(queries.agenda_count(meeting.id)) or 0)
    if count >= MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
    last = await session.scalar(queries.last_position(meeting.id))
    session.add(
        AgendaItem(
            meeting_id=meeting.id,
            position=(last or 0) + 1,
            title=check_title(title, angles=True),
            speaker_id=await speaker_of(session, association.id, speaker_id),
            speaker_name=check_name(speaker_name) if speaker_name else None,
            draft_decision=check_decision(draft_decision),
        )
    )
    return await touch(session, meeting, now)


async def speaker_of(
    session: AsyncSession, association_id: int, person_id: int | None
) -> int | None:
    if person_id is None:
        return None
    if await session.scalar(queries.role_of(association_id, person_id)) is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return person_id


@writes
async def edit_question(
    session: AsyncSession,
    /,
    actor: Actor,
    meeting_id: int,
    version: int,
    item_id: int,
    now: datetime,
    **changes: Any,
) -> MeetingView:
    """Change a question of a draft: title, speaker (id or typed name), draft decision."""
    meeting, association = await editable(session, actor, meeting_id, version)
    item = await session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(ErrorCode.STALE)
    if "title" in changes:
        item.title = check_title(changes["title"], angles=True)
    if "speaker_id" in changes:
        item.speaker_id = await speaker_of(session, association.id, changes["speaker_id"])
        item.speaker_name = None
    if "speaker_name" in changes:
        item.speaker_name = check_name(changes["speaker_name"]) if changes["speaker_name"] else None
        item.speaker_id = None
    if "draft_decision" in changes:
        item.draft_decision = check_decision(changes["draft_decision"])
    return await touch(session, meeting, now)


@writes
async def remove_question(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, item_id: int, now: datetime
) -> MeetingView:
    meeting, _association = await editable(session, actor, meeting_id, version)
    item = await session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(ErrorCode.STALE)
    await session.delete(item)
    await session.flush()
    rest = (await session.scalars(queries.agenda_of(meeting.id))).all()
    for n, other in enumerate(rest, start=1):  # positions stay 1..n (unique: move up first)
        other.position = -n
    await session.flush()
    for other in rest:
        other.position = -other.position
    return await touch(session, meeting, now)


@writes
async def add_material(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    now: datetime,
    *,
    file_id: str,
    file_name: str | None,
    file_size: int | None,
    agenda_item_id: int | None = None,
    content: bytes | None = None,
) -> MeetingView:
    """A material; `content`, its bytes when the bot could download them, is kept so it is
    sent again from them when Telegram stops knowing `file_id` (a new token)."""
    meeting, _association = await editable(session, actor, meeting_id, version)
    if file_size is not None and file_size > FILE_MAX:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=FILE_MAX // (1024 * 1024))
    if agenda_item_id is not None:
        item = await session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise DomainError(ErrorCode.STALE)
    count = int(await session.scalar(queries.material_count(meeting.id)) or 0)
    if count >= MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
    session.add(
        Material(
            meeting_id=meeting.id,
            agenda_item_id=agenda_item_id,
            file_id=file_id,
            file_name=(file_name or "")[:255] or None,
            file_size=file_size,
            stored_file_id=await files.keep(session, file_name, content),
        )
    )
    return await touch(session, meeting, now)


@writes
async def change_agenda(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    add: str | None = None,
    remove_item_id: int | None = None,
) -> MeetingView:
    """Add or remove a question of a published meeting: everyone gets the changed notice
    (proposals' own path is accept or reject; this is the chair's or secretary's edit)."""
    meeting, association = await published_meeting(session, actor, meeting_id)
    items = list((await session.scalars(queries.agenda_of(meeting.id))).all())
    if add is not None:
        if len(items) >= MAX_AGENDA:
            raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=len(items) + 1,
                title=check_title(add, angles=True),
                added_at=now,
            )
        )
    elif remove_item_id is not None:
        target = next((i for i in items if i.id == remove_item_id), None)
        if target is None:
            raise DomainError(ErrorCode.STALE)
        if len(items) == 1:
            raise DomainError(ErrorCode.NO_AGENDA)
        await session.delete(target)
        await session.flush()
        rest = [i for i in items if i.id != remove_item_id]
        for n, item in enumerate(rest, start=1):
            item.position = -n
        await session.flush()
        for item in rest:
            item.position = -item.position
    else:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    await session.flush()
    return await announce_change(session, actor, meeting, association, now, ["agenda"])
