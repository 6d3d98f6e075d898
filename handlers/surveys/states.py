"""The chat states of polls, surveys and answering (their names may be stored in Redis)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class PollWizard(StatesGroup):
    question = State()
    options = State()


class SurveyWizard(StatesGroup):
    title = State()
    question = State()  # the text (and options) of a question being added
    dates = State()  # opening and closing dates, typed


class Answering(StatesGroup):
    text = State()  # a short or long answer, or «другое», typed
    scale = State()  # at a scale question: typed text gets a hint (the buttons answer it)
