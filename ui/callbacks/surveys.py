"""Typed callback data of surveys and polls: answering, results and the editor.

Ids only, well under Telegram's 64 bytes. The packed strings are those of the buttons already
in people's chats (tests/test_callbacks_surveys.py holds them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from models.survey import QuestionKind
from services.surveys.templates import TemplateKey
from ui.callbacks.base import ID_MAX, Id

Position = Annotated[int, Field(ge=0, le=1_000)]
"""A question's number in its survey (1…; 0: none)."""

Choice = Annotated[int, Field(ge=0, le=1_000)]
"""The value an answer button gives: an option's index (from 0) or a scale value (1-5)."""

Version = Annotated[int, Field(ge=0, le=ID_MAX)]
"""The draft's version the card was made from (a tap on an older card is refused)."""


class SurveyAction(StrEnum):
    """Answering and results."""

    START = "start"  # begin, or resume where the person stopped
    GO = "go"  # «Back»: the question at `pos`
    ONE = "one"  # single choice: option `arg`
    SCALE = "scale"  # scale value `arg`
    TOGGLE = "tog"  # multiple choice: tick or untick option `arg`
    MANY = "many"  # multiple choice: «Next», the ticks are the answer
    OTHER = "other"  # «Other…»: type an answer
    SKIP = "skip"
    FINISH = "finish"
    RESULTS = "res"
    CHART = "chart"
    XLSX = "xlsx"
    CLOSE = "close"
    EDIT = "edit"  # the author's draft from /surveys


class SurveyCb(CallbackData, prefix="sv"):
    """`pos` the question (0: none); `arg` the value the button gives (`Choice`: an option's
    index for one/tog, a scale value for scale; 0 otherwise)."""

    action: SurveyAction
    survey_id: Id
    pos: Position = 0
    arg: Choice = 0


class EditAction(StrEnum):
    """The author's draft."""

    TEMPLATE = "tpl"  # a new draft from template `value` for association `arg`
    BLANK = "blank"  # a new empty draft for association `arg`
    ADD = "add"  # add a question of kind `value`
    QUESTION = "q"  # question `arg`'s own actions
    REWORD = "text"  # new wording of question `arg`
    UP = "up"  # move question `arg` one place up
    REQUIRED = "req"  # question `arg` required or optional
    DELETE = "del"  # delete question `arg`
    MULTIPLE = "multi"  # a poll: one or several answers
    OTHER = "other"  # a poll: «Other» allowed or not
    ANONYMOUS = "anon"
    DAYS = "days"  # closes `arg` days from now
    AUDIENCE = "aud"  # the audience picker
    AUDIENCE_TOGGLE = "audt"  # association `arg` in or out of the audience
    AUDIENCE_SERVICE = "audall"  # every association of service `arg`
    DATES = "dates"  # type the dates
    BACK = "back"  # back to the draft's card
    SEND = "send"
    DROP = "drop"


class SurveyEdit(CallbackData, prefix="se"):
    """Each field has one meaning whatever the action:

    - `arg`: the one object the action names, an `Id` (0: none). Which object is fixed by the
      action (an association, a service, a question by its number, a number of days) and read
      through the properties below, so a handler never reinterprets it.
    - `value`: the code the action carries, self-describing: a `QuestionKind` (add) or a
      `TemplateKey` (tpl); empty otherwise. The codes of the two sets differ, so a packed
      string parses back to the same member.
    """

    action: EditAction
    survey_id: Id
    arg: Id = 0
    value: QuestionKind | TemplateKey | None = None
    version: Version = 0

    @property
    def association_id(self) -> int:
        """tpl, blank, audt."""
        return self.arg

    @property
    def service_id(self) -> int:
        """audall."""
        return self.arg

    @property
    def position(self) -> int:
        """q, text, up, req, del, back: the question's number."""
        return self.arg

    @property
    def days(self) -> int:
        """days."""
        return self.arg

    @property
    def kind(self) -> QuestionKind | None:
        """add: the kind of question to add."""
        return self.value if isinstance(self.value, QuestionKind) else None

    @property
    def template(self) -> TemplateKey | None:
        """tpl: the template to start from."""
        return self.value if isinstance(self.value, TemplateKey) else None
