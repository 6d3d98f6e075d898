"""The protocol flows' FSM states (their names may sit in Redis: never renamed)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ProtocolEdit(StatesGroup):
    heard = State()  # «Слушали» of one question: messages joined until «Done»
    decision = State()
    guests = State()
    files = State()
    correction = State()  # why a signed protocol is corrected
    recipients = State()  # picking interested persons from one's contacts
    spoke = State()  # «Выступили» of one question (optional): messages joined until «Done»
