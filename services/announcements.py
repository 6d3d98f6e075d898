"""Announcements (`/announce`): a chair, deputy or secretary writes to the association's
members; a methodist to one association or to every association of the service. The draft
lives in the database; sending enqueues one outbox row per member (a teacher in several of
the service's associations gets one copy) and a broadcast whose progress the author sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementService,
    AnnouncementStatus,
    Association,
    Broadcast,
    Membership,
    MethodService,
    Person,
)
from services import audit, centres, files, outbox
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import reads, writes

KIND = "announcement"
TEXT_MAX = 3500  # leaves room for the header within Telegram's 4,096
FILE_KINDS = ("document", "photo")


@dataclass(frozen=True)
class Target:
    """Where an announcement goes: one association, or a whole service (`service` set); a
    centre's (services.centres): the services chosen of it (none: all of them), the chairs
    only or every member."""

    association_id: int | None
    service_id: int | None
    name: str
    services: tuple[int, ...] | None = None  # a centre's choice; () is refused
    chairs_only: bool = False


@dataclass(frozen=True)
class Content:
    """What a member receives: who it is from, where from, the text, the file."""

    id: int
    association_id: int | None
    service_id: int | None
    target_name: str
    whole_service: bool
    author: str | None
    text: str | None
    file_id: str | None
    file_kind: str | None
    file_name: str | None
    status: AnnouncementStatus
    recipients: int | None
    stored_file_id: int | None = None  # the file's bytes, when kept
    chairs_only: bool = False
    services: tuple[int, ...] | None = None  # a centre's services chosen (None: all)


def check_text(text: str | None) -> str | None:
    """Free text of an announcement: kept as typed (escaped when shown), 1-3,500 chars."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > TEXT_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=TEXT_MAX, length=len(value))
    return value


@reads
async def targets(session: AsyncSession, actor: Actor) -> list[Target]:
    """Associations the actor may announce to, then (a methodist's) whole services."""
    found: list[Target] = []
    if actor.methodist_services:
        services = await session.execute(
            select(MethodService.id, MethodService.name)
            .where(MethodService.id.in_(actor.methodist_services))
            .order_by(MethodService.name)
        )
        found.extend(Target(None, sid, name) for sid, name in services.all())
    rows = await session.execute(
        select(Association.id, Association.service_id, Association.name)
        .where(
            Association.id.in_(list(actor.roles))
            | Association.service_id.in_(actor.methodist_services)
        )
        .order_by(Association.name, Association.id)
    )
    found.extend(
        Target(aid, None, name)
        for aid, sid, name in rows.all()
        if decide(actor, Action.ANNOUNCE, Scope(sid, aid)) is not Decision.DENY
    )
    return found


async def _require_target(
    session: AsyncSession, actor: Actor, association_id: int | None, service_id: int | None
) -> str:
    if association_id is not None:
        association = await session.get(Association, association_id)
        if association is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        require(actor, Action.ANNOUNCE, Scope(association.service_id, association.id))
        return association.name
    if service_id is None or service_id not in actor.methodist_services:
        raise DomainError(ErrorCode.FORBIDDEN)
    service = await session.get(MethodService, service_id)
    if service is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return service.name


@writes
async def save_draft(
    session: AsyncSession,
    actor: Actor,
    target: Target,
    now: datetime,
    *,
    text: str | None,
    file_id: str | None = None,
    file_kind: str | None = None,
    file_name: str | None = None,
    content: bytes | None = None,
) -> int:
    """The author's draft (one at a time: a new one replaces an older unsent one)."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    await _require_target(session, actor, target.association_id, target.service_id)
    chosen: tuple[int, ...] = ()
    if target.services is not None and target.service_id is not None:
        chosen = await centres.check_selection(session, actor, target.service_id, target.services)
    body = check_text(text)
    if body is None and file_id is None:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if file_kind is not None and file_kind not in FILE_KINDS:
        raise ValueError(f"unknown file kind {file_kind!r}")
    await session.execute(
        delete(Announcement).where(
            Announcement.author_id == actor.person_id,
            Announcement.status == AnnouncementStatus.DRAFT,
        )
    )
    draft = Announcement(
        author_id=actor.person_id,
        association_id=target.association_id,
        service_id=target.service_id,
        text=body,
        file_id=file_id,
        file_kind=file_kind,
        file_name=(file_name or "")[:255] or None,
        stored_file_id=await files.keep(session, file_name, content) if file_id else None,
        status=AnnouncementStatus.DRAFT,
        chairs_only=target.chairs_only and target.association_id is None,
    )
    session.add(draft)
    await session.flush()
    session.add_all(AnnouncementService(announcement_id=draft.id, service_id=s) for s in chosen)
    audit.record(
        session,
        actor,
        "announcement.drafted",
        now,
        association_id=target.association_id,
        object_type="announcement",
        object_id=draft.id,
    )
    return draft.id


async def _content(session: AsyncSession, announcement: Announcement) -> Content:
    if announcement.association_id is not None:
        association = await session.get_one(Association, announcement.association_id)
        target_name, whole = association.name, False
    else:
        assert announcement.service_id is not None
        service = await session.get_one(MethodService, announcement.service_id)
        target_name, whole = service.name, True
    author = await session.get(Person, announcement.author_id) if announcement.author_id else None
    chosen = (
        await session.scalars(
            select(AnnouncementService.service_id).where(
                AnnouncementService.announcement_id == announcement.id
            )
        )
    ).all()
    return Content(
        id=announcement.id,
        association_id=announcement.association_id,
        service_id=announcement.service_id,
        target_name=target_name,
        whole_service=whole,
        author=author.full_name if author else None,
        text=announcement.text,
        file_id=announcement.file_id,
        file_kind=announcement.file_kind,
        file_name=announcement.file_name,
        status=announcement.status,
        recipients=announcement.recipients,
        stored_file_id=announcement.stored_file_id,
        chairs_only=announcement.chairs_only,
        services=tuple(sorted(chosen)) or None,
    )


@reads
async def content(session: AsyncSession, announcement_id: int) -> Content:
    """What members receive (for rendering at send time)."""
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return await _content(session, announcement)


async def _own_draft(session: AsyncSession, actor: Actor, draft_id: int) -> Announcement:
    draft = await session.get(Announcement, draft_id, with_for_update=True)
    if draft is None or draft.author_id is None or draft.author_id != actor.person_id:
        raise DomainError(ErrorCode.STALE)
    return draft


@reads
async def latest_draft(session: AsyncSession, actor: Actor) -> int | None:
    """The author's unsent draft, to offer to continue it after a pause or a restart."""
    if actor.person_id is None:
        return None
    found = await session.scalar(
        select(Announcement.id)
        .where(
            Announcement.author_id == actor.person_id,
            Announcement.status == AnnouncementStatus.DRAFT,
        )
        .order_by(Announcement.id.desc())
        .limit(1)
    )
    return found


async def _reached(
    session: AsyncSession, announcement: Announcement, among: set[int] | None = None
) -> set[int]:
    """Everyone the announcement reaches, once each (the author too, if a member); of the
    people `among` only, when given."""
    if announcement.association_id is None:
        audience = await centres.audience(session, announcement)
        if among is not None:
            audience = audience.where(Membership.person_id.in_(among))
        return {pid for pid, _ in (await session.execute(audience)).all()}
    members = (
        select(Membership.person_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.active, Person.forgotten_at.is_(None))
        .where(Membership.association_id == announcement.association_id)
    )
    if among is not None:
        members = members.where(Membership.person_id.in_(among))
    return set((await session.scalars(members)).all())


async def _recipient_ids(session: AsyncSession, announcement: Announcement) -> list[int]:
    ids = sorted(await _reached(session, announcement))
    return [pid for pid in ids if pid != announcement.author_id]


@reads
async def preview(session: AsyncSession, actor: Actor, draft_id: int) -> Content:
    """The draft as members will see it, with how many will receive it."""
    draft = await _own_draft(session, actor, draft_id)
    if draft.status is not AnnouncementStatus.DRAFT:
        raise DomainError(ErrorCode.ALREADY_SENT)
    await _require_target(session, actor, draft.association_id, draft.service_id)
    await centres.check_stored(session, actor, draft)
    result = await _content(session, draft)
    count = len(await _recipient_ids(session, draft))
    return Content(**{**result.__dict__, "recipients": count})


@writes
async def discard(session: AsyncSession, actor: Actor, draft_id: int) -> None:
    draft = await _own_draft(session, actor, draft_id)
    if draft.status is not AnnouncementStatus.DRAFT:
        raise DomainError(ErrorCode.ALREADY_SENT)
    await session.delete(draft)


@dataclass(frozen=True)
class Sent:
    announcement_id: int
    recipients: int
    group_key: str
    broadcast_id: int


def group_key(announcement_id: int) -> str:
    return keys.announcement_group(announcement_id)


@writes
async def send(
    session: AsyncSession,
    actor: Actor,
    draft_id: int,
    now: datetime,
    *,
    progress_chat_id: int,
    locale: str,
) -> Sent:
    """Send the draft: one outbox row per member, due now, and the author's broadcast
    record, in one transaction. A second tap finds it sent and changes nothing."""
    draft = await _own_draft(session, actor, draft_id)
    if draft.status is not AnnouncementStatus.DRAFT:
        raise DomainError(ErrorCode.ALREADY_SENT)
    await _require_target(session, actor, draft.association_id, draft.service_id)
    await centres.check_stored(session, actor, draft)
    recipients = await _recipient_ids(session, draft)
    if not recipients:
        raise DomainError(ErrorCode.NO_RECIPIENTS)
    key = group_key(draft.id)
    announcement_id = draft.id
    await outbox.fan_out(
        session,
        recipients,
        kind=KIND,
        template="announcement.html",
        params={"announcement_id": announcement_id},
        group_key=key,
        dedupe_key=lambda pid: keys.announcement(announcement_id=announcement_id, person_id=pid),
        due_at=now,
    )
    draft.status = AnnouncementStatus.SENT
    draft.sent_at = now
    draft.recipients = len(recipients)
    broadcast = Broadcast(
        group_key=key,
        started_by_id=actor.person_id,
        chat_id=progress_chat_id,
        locale=locale,
        total=len(recipients),
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    audit.record(
        session,
        actor,
        "announcement.sent",
        now,
        association_id=draft.association_id,
        object_type="announcement",
        object_id=draft.id,
        recipients=len(recipients),
        service_id=draft.service_id,
    )
    return Sent(draft.id, len(recipients), key, broadcast.id)


@reads
async def still_members(
    session: AsyncSession, pairs: list[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Of (announcement id, person id) pairs, those whose person still belongs to the
    announcement's association (or service, or centre's chosen services) and has not
    deleted their data."""
    found: set[tuple[int, int]] = set()
    for announcement_id in sorted({a for a, _ in pairs}):
        announcement = await session.get(Announcement, announcement_id)
        if announcement is not None:
            among = {p for a, p in pairs if a == announcement_id}
            reached = await _reached(session, announcement, among)
            found |= {(announcement_id, p) for p in reached}
    return found & set(pairs)
