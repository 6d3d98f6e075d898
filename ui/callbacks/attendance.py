"""Typed callback data of check-in, the roll, votes and absentee ballots.

Ids only, well under Telegram's 64 bytes. The codes of every enum are the ones buttons
already in people's chats carry (tests/test_callbacks_attendance.py)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from models import Choice, Presence
from ui.callbacks.base import Id, Page


class AttendAction(enum.StrEnum):
    IN = "in"  # a member: «I am in the room» / «Check in»
    ONLINE = "online"  # a member of a hybrid meeting: «I am online»
    OPEN = "open"  # the chair or secretary: open check-in
    OPEN_WITH_CODE = "openc"  # open check-in with a code shown in the room
    CLOSE = "close"
    ROLL = "roll"
    QUORUM = "quorum"
    VOTES = "votes"


class AttendCb(CallbackData, prefix="ck"):
    """A member's check-in, or the chair's or secretary's controls of a meeting."""

    action: AttendAction
    meeting_id: Id


class RollMark(enum.StrEnum):
    PRESENT = "p"
    ABSENT = "a"
    EXCUSED = "e"
    PAGE = "page"  # no mark: turn the roll's page

    @property
    def presence(self) -> Presence | None:
        return _PRESENCE.get(self)


_PRESENCE = {
    RollMark.PRESENT: Presence.PRESENT,
    RollMark.ABSENT: Presence.ABSENT,
    RollMark.EXCUSED: Presence.EXCUSED,
}


class RollCb(CallbackData, prefix="rl"):
    """The secretary's roll: set one member's mark, or show a page (`person_id` 0)."""

    meeting_id: Id
    person_id: Id
    mark: RollMark
    page: Page = 0


class VoteChoice(enum.StrEnum):
    """A vote as a button carries it."""

    FOR = "f"
    AGAINST = "a"
    ABSTAIN = "s"

    @property
    def choice(self) -> Choice:
        return _CHOICE[self]

    @classmethod
    def of(cls, choice: Choice) -> VoteChoice:
        return next(code for code, value in _CHOICE.items() if value is choice)


_CHOICE = {
    VoteChoice.FOR: Choice.FOR,
    VoteChoice.AGAINST: Choice.AGAINST,
    VoteChoice.ABSTAIN: Choice.ABSTAIN,
}


class VoteCb(CallbackData, prefix="vt"):
    """A member's vote on a question, in the room or on the ballot."""

    item_id: Id
    choice: VoteChoice


class VoteAdminAction(enum.StrEnum):
    OPEN = "open"  # the chair opens the vote on a question
    CLOSE = "close"  # the chair closes it
    HAND = "hand"  # the secretary's list of roll-marked members whose votes go by hand


class VoteAdmin(CallbackData, prefix="va"):
    """The chair's (and secretary's) controls of the vote on a question."""

    action: VoteAdminAction
    item_id: Id


class HandCb(CallbackData, prefix="vh"):
    """The secretary records by hand the open vote of a member marked present on the roll."""

    item_id: Id
    person_id: Id
    choice: VoteChoice


class BallotCb(CallbackData, prefix="bl"):
    """Start (or go on with) the ballot of a meeting; with `item_id`, answer that question
    again."""

    meeting_id: Id
    item_id: Id = 0
