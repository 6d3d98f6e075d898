"""Writes audit entries inside the caller's transaction. Ids only, never names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry
from services.permissions import Actor


def record(
    session: AsyncSession,
    actor: Actor | None,
    action: str,
    now: datetime,
    *,
    association_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            actor_person_id=actor.person_id if actor else None,
            actor_external_id=actor.external_id if actor else None,
            action=action,
            association_id=association_id,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    )
