"""What a person at a meeting is asked to type."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class AtMeeting(StatesGroup):
    code = State()  # the code shown at the venue
    excuse = State()  # the reason of an excused absence (the roll)
