"""Typed callback data: ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Pick(CallbackData, prefix="pk"):
    """A choice inside a wizard: `what` names the step, `value` the chosen id or code."""

    what: str
    value: str


class AssocPick(CallbackData, prefix="ap"):
    """An association chosen for an action (`members`, `invite`)."""

    action: str
    association_id: int


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


class Consent(CallbackData, prefix="cs"):
    agree: bool


class SchoolChoice(CallbackData, prefix="sc"):
    school_id: int


class SchoolReview(CallbackData, prefix="sr"):
    school_id: int
    approve: bool


class Lang(CallbackData, prefix="lg"):
    code: str


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class ProfileEdit(CallbackData, prefix="pf"):
    field: str


class AnnounceTarget(CallbackData, prefix="at"):
    """Where an announcement goes: an association, or (0 there) a whole service."""

    association_id: int
    service_id: int


class AnnounceCb(CallbackData, prefix="an"):
    """send, edit or discard a draft announcement."""

    action: str
    draft_id: int


class RevokeLinks(CallbackData, prefix="rv"):
    """Revoke the association's reusable member links, except the one just made (`keep`)."""

    association_id: int
    keep: int
