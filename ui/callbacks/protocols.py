"""Typed callback data of protocols, their archive and interested persons.

Ids only, well under Telegram's 64 bytes. The codes are those buttons already in people's
chats carry (tests/test_callbacks_protocols.py holds them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from ui.callbacks.base import Id

Arg = Annotated[int, Field(ge=0, le=2**31 - 1)]
"""`ProtoCb`'s third slot: a question's number or a draft's revision, by the action."""

SchoolYear = Annotated[int, Field(ge=0, le=9999)]
"""A school year by the calendar year it begins in (0: none)."""


class ProtoAction(StrEnum):
    OPEN = "open"  # the card (also «Refresh»)
    HEARD = "heard"  # «Слушали» of a question: `position`
    DECISION = "decision"  # «Решили» of a question: `position`
    SPOKE = "spoke"  # «Выступили» of a question (optional): `position`
    GUESTS = "guests"
    NO_GUESTS = "noguests"  # clear the guests
    FILES = "files"
    NO_FILES = "nofiles"  # remove the attachments
    DONE = "done"  # the end of a completing step: back to the card
    GET = "get"  # DOCX and PDF (a draft's preview, or the signed files)
    SIGN = "sign"  # sign the revision one reviewed: `revision`
    CORRECT = "correct"  # start a corrected version of a signed protocol


QUESTION_ACTIONS = frozenset({ProtoAction.HEARD, ProtoAction.DECISION, ProtoAction.SPOKE})


class ProtoCb(CallbackData, prefix="pr"):
    """An action on a protocol.

    Its third slot, `arg`, has always carried two things: a question's number (heard,
    decision) and the revision being signed (sign); 0 for the other actions. Buttons in
    people's chats hold it in that one place (`pr:sign:42:7`), and a second field would
    change every packed string (aiogram packs each field, defaults too), so the slot stays
    one bounded integer and each meaning has its own typed reading: build a button with
    `question(...)` or `signing(...)`, read it as `position` or `revision`; reading the
    meaning an action does not carry is an error, not a silent 0."""

    action: ProtoAction
    protocol_id: Id
    arg: Arg = 0

    @classmethod
    def question(cls, action: ProtoAction, protocol_id: int, position: int) -> ProtoCb:
        if action not in QUESTION_ACTIONS:
            raise ValueError(f"{action} does not name a question")
        return cls(action=action, protocol_id=protocol_id, arg=position)

    @classmethod
    def signing(cls, protocol_id: int, revision: int) -> ProtoCb:
        return cls(action=ProtoAction.SIGN, protocol_id=protocol_id, arg=revision)

    @property
    def position(self) -> int:
        """The question's number (heard, decision, spoke)."""
        if self.action not in QUESTION_ACTIONS:
            raise ValueError(f"{self.action} carries no question")
        return self.arg

    @property
    def revision(self) -> int:
        """The revision of the draft the signer reviewed (sign)."""
        if self.action is not ProtoAction.SIGN:
            raise ValueError(f"{self.action} carries no revision")
        return self.arg


class ProtoListAction(StrEnum):
    YEAR = "year"  # /protocols of another school year
    ZIP = "zip"  # the signed protocols of the year as a ZIP


class ProtoList(CallbackData, prefix="pl"):
    """/protocols: an association's school year, or its ZIP export."""

    action: ProtoListAction
    association_id: Id
    year: SchoolYear = 0


class RecipAction(StrEnum):
    LIST = "list"
    ADD = "add"  # pick from one's contacts
    RM = "rm"  # remove `chat_id`
    STOP = "stop"  # the recipient unsubscribes


class RecipCb(CallbackData, prefix="rc"):
    """Interested persons of an association; `chat_id` the one removed (rm), else 0."""

    action: RecipAction
    association_id: Id
    chat_id: Id = 0
