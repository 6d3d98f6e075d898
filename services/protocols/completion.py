"""Completing the draft (the minutes keeper): «Слушали» of each question, «Решили»
reworded, invited guests, attached files. Every change withdraws a signature given to the
earlier text (the revision grows: a request to sign it no longer holds)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Protocol, ProtocolVersion
from services import audit
from services.errors import DomainError, ErrorCode
from services.permissions import Actor, may_edit_protocol
from services.protocol_content import Attachment, Guest, ProtocolContent, Question
from services.protocols.views import ProtocolView, load_parts, make_view
from services.tx import writes
from services.validation import check_name, check_text, check_title, clean_line

HEARD_MAX = 16_000  # «Слушали»: several messages joined
DECISION_MAX = 4_000
GUESTS_MAX = 30
ATTACHMENTS_MAX = 10
ATTACHMENT_MAX_MB = 20
POSITION_MAX = 150


def heard_length(parts: list[str]) -> int:
    """The length of «Слушали» typed in several messages once joined; over the limit it is
    refused as soon as the message that passes it comes."""
    total = sum(len(p) for p in parts) + len(parts) - 1
    if total > HEARD_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=HEARD_MAX, length=total)
    return total


def join_heard(parts: list[str]) -> str | None:
    """«Слушали» from the messages as typed, one per line; None when none had text."""
    kept = [p for p in parts if p.strip()]
    return "\n".join(kept) if kept else None


async def editable(
    session: AsyncSession, actor: Actor, protocol_id: int
) -> tuple[Protocol, ProtocolVersion, Association, ProtocolContent]:
    protocol, version, association = await load_parts(session, protocol_id, lock=True)
    if not may_edit_protocol(actor, association.id, protocol.keeper_id):
        raise DomainError(ErrorCode.FORBIDDEN)
    if version.signed_at is not None:
        raise DomainError(ErrorCode.PROTOCOL_SIGNED)
    return protocol, version, association, ProtocolContent.from_json(version.content)


async def save(
    session: AsyncSession,
    actor: Actor,
    protocol: Protocol,
    version: ProtocolVersion,
    association: Association,
    content: ProtocolContent,
    what: str,
    now: datetime,
) -> ProtocolView:
    """A change to the draft: a signature given to the earlier text no longer holds."""
    content = replace(
        content,
        presiding=replace(content.presiding, signed_at=None),
        keeper=replace(content.keeper, signed_at=None),
    )
    version.content = content.to_json()
    version.revision += 1
    version.presiding_signed_at = version.keeper_signed_at = None
    audit.record(
        session,
        actor,
        f"protocol.{what}",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
    )
    await session.flush()
    return make_view(actor, protocol, version, association)


def question_at(content: ProtocolContent, position: int) -> Question:
    for question in content.questions:
        if question.position == position:
            return question
    raise DomainError(ErrorCode.STALE)


@writes
async def set_heard(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int, text: str, now: datetime
) -> ProtocolView:
    """«Слушали» of one question (the keeper's messages joined)."""
    value = check_text(text, max_len=HEARD_MAX, angles=True)
    protocol, version, association, content = await editable(session, actor, protocol_id)
    question_at(content, position)
    content = content.with_question(position, heard=value)
    return await save(session, actor, protocol, version, association, content, "heard", now)


@writes
async def set_spoke(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int, text: str, now: datetime
) -> ProtocolView:
    """«Выступили» of one question (optional; the keeper's messages joined, "-" clears it)."""
    value = "" if text.strip() == "-" else check_text(text, max_len=HEARD_MAX, angles=True)
    protocol, version, association, content = await editable(session, actor, protocol_id)
    question_at(content, position)
    content = content.with_question(position, spoke=value)
    return await save(session, actor, protocol, version, association, content, "spoke", now)


@writes
async def set_decision(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int, text: str, now: datetime
) -> ProtocolView:
    """«Решили» reworded, or recorded for a question not put to a vote (the tally stays as
    voted)."""
    value = check_text(text, max_len=DECISION_MAX, angles=True)
    protocol, version, association, content = await editable(session, actor, protocol_id)
    question_at(content, position)
    content = content.with_question(position, decision=value, recorded=True)
    return await save(session, actor, protocol, version, association, content, "decision", now)


def parse_guests(text: str) -> list[Guest]:
    """Invited guests, one per line: «Name — position» (or «Name, position»)."""
    guests = []
    for raw in (text or "").splitlines():
        line = clean_line(raw)
        if not line:
            continue
        for separator in (" — ", " – ", " - ", ";", ","):
            if separator in line:
                name, position = line.split(separator, 1)
                break
        else:
            raise DomainError(ErrorCode.GUEST_FORMAT, line=line[:60])
        guests.append(
            Guest(check_name(name), check_title(clean_line(position), max_len=POSITION_MAX))
        )
    if not guests:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    return guests


@writes
async def add_guests(
    session: AsyncSession, actor: Actor, protocol_id: int, text: str, now: datetime
) -> ProtocolView:
    guests = parse_guests(text)
    protocol, version, association, content = await editable(session, actor, protocol_id)
    combined = (*content.guests, *guests)
    if len(combined) > GUESTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=GUESTS_MAX)
    content = replace(content, guests=combined)
    return await save(session, actor, protocol, version, association, content, "guests", now)


@writes
async def clear_guests(
    session: AsyncSession, actor: Actor, protocol_id: int, now: datetime
) -> ProtocolView:
    protocol, version, association, content = await editable(session, actor, protocol_id)
    content = replace(content, guests=())
    return await save(session, actor, protocol, version, association, content, "guests", now)


@writes
async def attach(
    session: AsyncSession,
    actor: Actor,
    protocol_id: int,
    file_id: str,
    name: str,
    size: int | None,
    now: datetime,
) -> ProtocolView:
    """A file attached to the protocol (an appendix), sent with its copy."""
    if size is not None and size > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=ATTACHMENT_MAX_MB)
    protocol, version, association, content = await editable(session, actor, protocol_id)
    if len(content.attachments) >= ATTACHMENTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=ATTACHMENTS_MAX)
    label = check_title(clean_line(name) or "file", max_len=200, angles=True)
    content = replace(content, attachments=(*content.attachments, Attachment(file_id, label, size)))
    return await save(session, actor, protocol, version, association, content, "attached", now)


@writes
async def clear_attachments(
    session: AsyncSession, actor: Actor, protocol_id: int, now: datetime
) -> ProtocolView:
    protocol, version, association, content = await editable(session, actor, protocol_id)
    content = replace(content, attachments=())
    return await save(session, actor, protocol, version, association, content, "attached", now)
