"""Meetings (заседания): the draft and the published notice, the agenda, materials, answers
(Буду / Не смогу) and agenda proposals from members."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class MeetingForm(enum.StrEnum):
    IN_PERSON = "in_person"  # очная
    ABSENTEE = "absentee"  # заочная: its "day" is the ballot deadline
    HYBRID = "hybrid"  # гибридная


class MeetingStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # publication planned for `publish_at`
    AWAITING_CHAIR = "awaiting_chair"  # extraordinary, asked by the secretary or a methodist
    PUBLISHED = "published"
    ENDED = "ended"
    CANCELLED = "cancelled"


class Meeting(IdMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 1440", name="duration"),
        CheckConstraint("revision >= 0 AND version >= 1", name="counters"),
    )

    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(300))
    form: Mapped[MeetingForm] = mapped_column(str_enum(MeetingForm))
    # In person and hybrid: when it starts. Absentee: None until set; its day is the ballot
    # deadline.
    starts_at: Mapped[datetime | None]
    duration_minutes: Mapped[int] = mapped_column(default=90, server_default="90")
    place: Mapped[str | None] = mapped_column(String(300))
    # A school of the directory the meeting is held at: a practical seminar counts only there
    # (002 Annex 4 §3.2 «на площадках образовательных организаций»).
    venue_school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="SET NULL")
    )
    online_link: Mapped[str | None] = mapped_column(String(500))
    ballot_deadline: Mapped[datetime | None]
    extraordinary: Mapped[bool] = mapped_column(default=False, server_default="0")
    extraordinary_reason: Mapped[str | None] = mapped_column(String(1000))
    practical_seminar: Mapped[bool] = mapped_column(default=False, server_default="0")
    presiding_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    minutes_keeper_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.DRAFT, index=True
    )
    publish_at: Mapped[datetime | None]
    # Published revisions: 1 at publication, +1 at each change members are told of (the
    # notice's dedupe keys and the ICS SEQUENCE carry it). `version` guards drafts against
    # two editors saving at once.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    published_at: Mapped[datetime | None]
    proposals_closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(1000))
    ended_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    requested_by_id: Mapped[int | None] = mapped_column(  # who asked the chair to confirm
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime | None]
    # Check-in: opened at the start (or early, by the chair or secretary), closed by itself
    # after `checkin_minutes` or by the chair; an optional code shown at the venue.
    checkin_opened_at: Mapped[datetime | None]
    checkin_closes_at: Mapped[datetime | None]
    checkin_closed_at: Mapped[datetime | None]
    checkin_code: Mapped[str | None] = mapped_column(String(8))
    # The chair's live quorum card: edited as people check in (at most every few seconds).
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_text: Mapped[str | None] = mapped_column(Text)
    card_at: Mapped[datetime | None]


class AgendaItem(IdMixin, Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    speaker_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    speaker_name: Mapped[str | None] = mapped_column(String(150))  # typed, or a guest
    draft_decision: Mapped[str | None] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("agenda_proposals.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime | None]  # when a proposal was accepted into a published agenda
    # The vote on this question's draft decision: open in the room, or by ballot until the
    # ballot deadline; the result is fixed at closing (P taken at that moment).
    vote_opened_at: Mapped[datetime | None]
    vote_closed_at: Mapped[datetime | None]
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    vote_present: Mapped[int | None]  # P at closing
    vote_members: Mapped[int | None]  # M at closing
    vote_adopted: Mapped[bool | None]
    # «Об утверждении плана работы на …»: the plan edition this question approves, and the
    # plan's content frozen when the notice carrying the question goes out (what is approved).
    plan_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("annual_plans.id", ondelete="SET NULL"), index=True
    )
    plan_version: Mapped[int | None]
    plan_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Material(IdMixin, Base):
    """A file for the meeting (or one agenda question), sent with the notice."""

    __tablename__ = "meeting_materials"

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    # Its bytes (kept when it arrived, up to Telegram's 20 MB download limit): sent again
    # from them when Telegram no longer knows the file_id (a new bot token). None: by file_id.
    stored_file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class RsvpAnswer(enum.StrEnum):
    YES = "yes"  # Буду
    NO = "no"  # Не смогу


class Rsvp(IdMixin, Base):
    __tablename__ = "meeting_rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[RsvpAnswer] = mapped_column(str_enum(RsvpAnswer))
    reason: Mapped[str | None] = mapped_column(String(300))
    answered_at: Mapped[datetime]


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEFERRED = "deferred"  # accepted for the next meeting (its draft takes it in)


class AgendaProposal(IdMixin, Base):
    """A member's proposal of an additional agenda question (until the proposal cutoff)."""

    __tablename__ = "agenda_proposals"

    meeting_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(String(300))
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    # Its bytes (kept when it arrived, up to Telegram's 20 MB download limit): sent again
    # from them when Telegram no longer knows the file_id (a new bot token). None: by file_id.
    stored_file_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus), default=ProposalStatus.PENDING
    )
    comment: Mapped[str | None] = mapped_column(String(1000))
    decided_by_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
