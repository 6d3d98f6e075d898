"""Typed callback data of protocols, their archive and interested persons.

Ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ProtoCb(CallbackData, prefix="pr"):
    """An action on a protocol: open, heard, decision, guests, noguests, files, nofiles,
    preview, sign, correct, get (download); `arg` a question's number or the revision."""

    action: str
    protocol_id: int
    arg: int = 0


class ProtoList(CallbackData, prefix="pl"):
    """/protocols: an association's school year, or its ZIP export."""

    action: str  # year | zip
    association_id: int
    year: int = 0


class RecipCb(CallbackData, prefix="rc"):
    """Interested persons of an association: list, add (from contacts), rm, stop (the
    recipient unsubscribes)."""

    action: str
    association_id: int
    chat_id: int = 0
