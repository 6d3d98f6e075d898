"""Typed callback data of onboarding, the profile, invites and the roster.

Ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Consent(CallbackData, prefix="cs"):
    agree: bool


class SchoolChoice(CallbackData, prefix="sc"):
    school_id: int


class Lang(CallbackData, prefix="lg"):
    code: str


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class ProfileEdit(CallbackData, prefix="pf"):
    field: str


class ProfileSet(CallbackData, prefix="pv"):
    """A profile field set by a button: the category (`none`, `first`, `highest`), or
    `-`: clear the field."""

    field: str
    value: str


class ProfileSchool(CallbackData, prefix="ps"):
    """A school of the directory chosen in /profile."""

    school_id: int


class InviteKindCb(CallbackData, prefix="ik"):
    association_id: int
    kind: str


class RosterCb(CallbackData, prefix="rs"):
    association_id: int
    page: int


class MemberCb(CallbackData, prefix="mb"):
    """An action on one membership: open, role, voting, link, remove, remove_ok."""

    membership_id: int
    action: str
    arg: str = ""
    page: int = 0


class RosterAdd(CallbackData, prefix="ra"):
    association_id: int


class RevokeLinks(CallbackData, prefix="rv"):
    """Revoke the association's reusable member links, except the one just made (`keep`)."""

    association_id: int
    keep: int
