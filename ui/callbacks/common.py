"""Typed callback data of shared pickers, the school directory and announcements.

Ids only, well under Telegram's 64 bytes."""

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


class PickPage(CallbackData, prefix="pgn"):
    """Another page of a long picker; `what` names the picker (`members`, `mun`…)."""

    what: str
    page: int


class SchoolReview(CallbackData, prefix="sr"):
    school_id: int
    approve: bool


class DirectoryAdd(CallbackData, prefix="da"):
    """Add schools to a municipality's directory (0: ask which municipality first)."""

    municipality_id: int


class DirectoryDone(CallbackData, prefix="dd"):
    """Stop adding schools to the directory."""

    municipality_id: int


class AnnounceTarget(CallbackData, prefix="at"):
    """Where an announcement goes: an association, or (0 there) a whole service."""

    association_id: int
    service_id: int


class AnnounceCb(CallbackData, prefix="an"):
    """send, edit or discard a draft announcement."""

    action: str
    draft_id: int
