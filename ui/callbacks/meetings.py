"""Typed callback data of meetings: notices, proposals, the wizard's draft and the agenda.

Ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MeetingCb(CallbackData, prefix="mt"):
    """An action on a meeting: yes / no / propose (members), card / remind / end / cancel /
    move / place / confirm (managers)."""

    action: str
    meeting_id: int


class ProposalCb(CallbackData, prefix="pp"):
    """accept / reject a proposal; keep (move the ballot deadline) / defer (next meeting)."""

    action: str
    proposal_id: int


class DraftCb(CallbackData, prefix="dr"):
    """A step of the meeting wizard on one draft; `version` is the draft's version the
    button was made for, so a stale button cannot overwrite a newer draft."""

    action: str
    meeting_id: int
    version: int
    arg: str = ""


class AgendaCb(CallbackData, prefix="ag"):
    """Remove (or start adding) a question of a published meeting."""

    action: str
    meeting_id: int
    item_id: int = 0
