"""The FSM states of the meetings flows (their names are stored: never rename them)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Answering(StatesGroup):
    reason = State()  # why «Не смогу» (optional)
    proposal = State()  # a proposed question
    move = State()  # a new date for a published meeting
    move_reason = State()  # an extraordinary reason for a late move
    place = State()
    cancel = State()  # the reason of a cancellation
    question = State()  # a question added to a published agenda


class Drafting(StatesGroup):
    topic = State()
    date = State()
    time = State()
    place = State()
    link = State()
    question = State()
    speaker = State()
    decision = State()
    material = State()
    reason = State()  # the extraordinary reason, at publication
    why = State()  # the extraordinary reason, set on the panel
    venue = State()  # part of the venue school's name
