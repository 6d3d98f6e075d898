"""Typed callback data of check-in, the roll, votes and absentee ballots.

Ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class AttendCb(CallbackData, prefix="ck"):
    """in / online (a member's check-in); open / openc (with a code) / close / roll / quorum
    (the chair's or secretary's)."""

    action: str
    meeting_id: int


class RollCb(CallbackData, prefix="rl"):
    """The secretary's roll: set one member's mark (p present, a absent, e excused, page)."""

    meeting_id: int
    person_id: int
    mark: str
    page: int = 0


class VoteCb(CallbackData, prefix="vt"):
    """A member's vote on a question (f / a / s), in the room or on the ballot."""

    item_id: int
    choice: str


class VoteAdmin(CallbackData, prefix="va"):
    """The chair's votes: open / close the vote on a question; "hand": the secretary's list
    of roll-marked members whose votes are recorded by hand."""

    action: str
    item_id: int


class HandCb(CallbackData, prefix="vh"):
    """The secretary records by hand the open vote of a member marked present on the roll."""

    item_id: int
    person_id: int
    choice: str  # f / a / s


class BallotCb(CallbackData, prefix="bl"):
    """Start (or go on with) the ballot of a meeting; with `item_id`, answer that question
    again."""

    meeting_id: int
    item_id: int = 0
