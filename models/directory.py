"""Methodological services, the municipalities they cover, and the school directory."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class MethodService(IdMixin, Base):
    """A methodological service (ММС, ИМЦ, ММЦ, resource centre). A centre (an ММЦ, a
    regional centre) groups services: each grouped one points at it by `centre_id`; a centre
    is a service itself, with associations and methodists of its own (issue 18, item 2).
    One level only: a centre is never grouped (services.centres keeps that)."""

    __tablename__ = "services"

    name: Mapped[str] = mapped_column(String(150), unique=True)
    centre_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("services.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Municipality(IdMixin, Base):
    __tablename__ = "municipalities"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("services.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(150))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class SchoolStatus(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"  # kept so its teachers' profiles and marks keep the name typed


class School(IdMixin, Base):
    """A school (ОО) of a municipality; one typed by a teacher waits for approval."""

    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("municipality_id", "norm_name"),)

    municipality_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    norm_name: Mapped[str] = mapped_column(String(150))
    status: Mapped[SchoolStatus] = mapped_column(str_enum(SchoolStatus))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
