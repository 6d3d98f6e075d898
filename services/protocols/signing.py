"""The two signatures (the presiding person and the minutes keeper, each on the revision
they reviewed), freezing and issuing once both are in, and a correction of a signed
protocol as a new version to be signed again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import ProtocolVersion
from services import audit, outbox, plans
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Actor, may_edit_protocol
from services.protocol_content import ProtocolContent
from services.protocols.delivery import issue
from services.protocols.kinds import SIGN
from services.protocols.views import ProtocolView, load_parts, make_view, signs_as
from services.tx import writes
from services.validation import check_text

CORRECTION_MAX = 1000


@dataclass(frozen=True)
class Signed:
    view: ProtocolView
    issued: bool  # both have signed: frozen and sent
    waiting_for: str | None  # the other signer's name, while they have not signed


@writes
async def sign(
    session: AsyncSession, actor: Actor, protocol_id: int, revision: int, now: datetime
) -> Signed:
    """The presiding person and the keeper each sign the text they reviewed (`revision`);
    once both have, the version is frozen and its copy goes to the members and the
    interested persons."""
    protocol, version, association = await load_parts(session, protocol_id, lock=True)
    if version.signed_at is not None:
        raise DomainError(ErrorCode.PROTOCOL_SIGNED)
    roles = signs_as(actor, protocol)
    if not roles:
        raise DomainError(ErrorCode.NOT_SIGNER)
    if version.revision != revision:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    content = ProtocolContent.from_json(version.content)
    empty = [q.position for q in content.questions if not q.heard.strip()]
    if empty:
        raise DomainError(ErrorCode.PROTOCOL_INCOMPLETE, questions=empty)
    if "presiding" in roles and content.presiding.signed_at is None:
        content = replace(content, presiding=replace(content.presiding, signed_at=now))
        version.presiding_signed_at = now
    if "keeper" in roles and content.keeper.signed_at is None:
        content = replace(content, keeper=replace(content.keeper, signed_at=now))
        version.keeper_signed_at = now
    version.content = content.to_json()
    audit.record(
        session,
        actor,
        "protocol.signed",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
        signs_as=list(roles),
    )
    issued = content.signed
    waiting = None
    if issued:
        version.signed_at = now
        protocol.issued_at = protocol.issued_at or now
        await issue(session, protocol, version, association, now)
        await plans.on_protocol_signed(session, protocol, content, now)  # issue 15: the plan
    else:
        other_id, other = (
            (protocol.keeper_id, content.keeper)
            if content.keeper.signed_at is None
            else (protocol.presiding_id, content.presiding)
        )
        waiting = other.name
        if other_id is not None:
            await outbox.enqueue(
                session,
                [
                    outbox.Outgoing(
                        kind=SIGN,
                        dedupe_key=keys.protocol_sign(
                            protocol_id=protocol.id,
                            version=version.version,
                            revision=version.revision,
                        ),
                        group_key=keys.protocol_group(protocol.meeting_id),
                        due_at=now,
                        params={"protocol_id": protocol.id, "revision": version.revision},
                        person_id=other_id,
                    )
                ],
            )
    await session.flush()
    return Signed(make_view(actor, protocol, version, association), issued, waiting)


@writes
async def correct(
    session: AsyncSession, actor: Actor, protocol_id: int, reason: str, now: datetime
) -> ProtocolView:
    """A correction of a signed protocol: a new version, to be signed again; the signed one
    is kept as it was."""
    text = check_text(reason, max_len=CORRECTION_MAX)
    protocol, version, association = await load_parts(session, protocol_id, lock=True)
    if not may_edit_protocol(actor, association.id, protocol.keeper_id):
        raise DomainError(ErrorCode.FORBIDDEN)
    if version.signed_at is None:
        raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
    content = ProtocolContent.from_json(version.content)
    content = replace(
        content,
        version=version.version + 1,
        presiding=replace(content.presiding, signed_at=None),
        keeper=replace(content.keeper, signed_at=None),
    )
    protocol.current_version = version.version + 1
    new = ProtocolVersion(
        protocol_id=protocol.id,
        version=protocol.current_version,
        content=content.to_json(),
        correction=text,
        created_by_id=actor.person_id,
    )
    session.add(new)
    audit.record(
        session,
        actor,
        "protocol.correction",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=new.version,
    )
    await session.flush()
    return make_view(actor, protocol, new, association)
