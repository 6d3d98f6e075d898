"""The alerts' SELECT builders."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from models import Identity, OperatorAlert


def states() -> Select[OperatorAlert]:
    """Every alert's state, locked for this check (PostgreSQL: a second process's check
    waits, so a crossing is counted once; SQLite's BEGIN IMMEDIATE serializes anyway)."""
    return select(OperatorAlert).order_by(OperatorAlert.name).with_for_update()


def admin_persons(chat_ids: Iterable[int]) -> Select[int, int]:
    """(Telegram id, person id) of the administrators who have a profile (their language)."""
    return select(Identity.external_id, Identity.person_id).where(
        Identity.platform == "telegram", Identity.external_id.in_(list(chat_ids))
    )
