"""The rules of invite links: how long each kind lives, which role it grants, the ranks."""

from __future__ import annotations

import secrets
from datetime import timedelta

from models import InviteKind, Role

TTL: dict[InviteKind, timedelta] = {
    InviteKind.CHAIR: timedelta(days=3),
    InviteKind.DEPUTY: timedelta(days=3),
    InviteKind.SECRETARY: timedelta(days=3),
    InviteKind.METHODIST: timedelta(days=3),
    InviteKind.GROUP: timedelta(days=1),
    InviteKind.MEMBER: timedelta(days=30),
}
PERSONAL_TTL = timedelta(days=30)
ROLE_OF: dict[InviteKind, Role] = {
    InviteKind.CHAIR: Role.CHAIR,
    InviteKind.DEPUTY: Role.DEPUTY,
    InviteKind.SECRETARY: Role.SECRETARY,
    InviteKind.MEMBER: Role.MEMBER,
}
RANK: dict[Role, int] = {Role.MEMBER: 0, Role.SECRETARY: 1, Role.DEPUTY: 2, Role.CHAIR: 3}


def new_token() -> str:
    """22 URL-safe characters: fits Telegram's 64-character deep-link payload."""
    return secrets.token_urlsafe(16)
