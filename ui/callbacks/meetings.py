"""Typed callback data of meetings: notices, proposals, the wizard's draft, the agenda and the
date picker. Ids only, well under Telegram's 64 bytes.

`DraftCb.arg` keeps its place on the wire (buttons already sent carry it) but has exactly one
type per action: a time for SET_TIME (packed `HHMM`), a form for SET_FORM, minutes for
SET_DURATION, an agenda item's id for QUESTION_DECISION / QUESTION_REMOVE, a person's id for
PRESIDING / MINUTES, a school's id for SET_VENUE (0: none), a `SpeakerPick` for SPEAKER
(packed `item-person`), nothing for the rest.
It is parsed by the action when the button is unpacked (a malformed one never reaches a
handler) and read through the typed properties (`at`, `form`, `minutes`, `item_id`,
`person_id`, `school_id`, `speaker`)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time
from typing import Annotated, Any, Self

from aiogram.filters.callback_data import CallbackData
from pydantic import Field, StringConstraints, ValidationInfo, field_serializer, field_validator

from models import MeetingForm
from ui.callbacks.base import ID_MAX, Id

Version = Annotated[int, Field(ge=0, le=ID_MAX)]
"""A draft's version the button was made for (a stale button cannot overwrite a newer draft)."""


class MeetingAction(enum.StrEnum):
    OPEN = "open"  # from /meetings: a manager's card, or the notice for a member
    CARD = "card"  # the manager's card, refreshed in place
    YES = "yes"  # Буду
    NO = "no"  # Не смогу
    PROPOSE = "propose"  # propose a question
    REMIND = "remind"  # remind those who have not answered
    MOVE = "move"
    PLACE = "place"
    AGENDA = "agenda"  # change the published agenda
    END = "end"  # asks to confirm
    END_OK = "endok"
    CANCEL = "cancel"
    CONFIRM = "confirm"  # the chair publishes an extraordinary meeting
    DECLINE = "decline"  # the chair does not call it
    PROTOCOL = "protocol"  # the ended meeting's protocol (handled by the protocols flow)


class MeetingCb(CallbackData, prefix="mt"):
    """An action on a meeting: members answer or propose, managers change it."""

    action: MeetingAction
    meeting_id: Id


class ProposalAction(enum.StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    KEEP = "keep"  # move the ballot deadline to keep its days
    DEFER = "defer"  # take the question to the next meeting


class ProposalCb(CallbackData, prefix="pp"):
    action: ProposalAction
    proposal_id: Id


class DraftAction(enum.StrEnum):
    OPEN = "open"
    DAY = "day"  # asks for the date (calendar or typed)
    SET_TIME = "settime"  # arg: time
    FORM = "form"  # asks for the form
    SET_FORM = "setform"  # arg: MeetingForm
    DURATION = "dur"  # asks for the duration
    SET_DURATION = "setdur"  # arg: minutes
    PLACE = "place"
    LINK = "link"
    QUESTION = "q"  # add a question
    QUESTIONS = "qs"  # the list of questions
    QUESTION_DECISION = "qdec"  # arg: item id
    QUESTION_REMOVE = "qdel"  # arg: item id
    SPEAKER = "spk"  # arg: SpeakerPick
    NO_DECISION = "nodec"
    MATERIAL = "mat"
    SEMINAR = "sem"
    VENUE = "venue"  # asks for part of the venue school's name
    SET_VENUE = "setvenue"  # arg: a school's id (0: not at a school)
    EXTRAORDINARY = "xo"
    ROLES = "roles"  # who presides, who keeps the minutes
    PRESIDING = "pres"  # arg: person id
    MINUTES = "mins"  # arg: person id
    PUBLISH = "pub"
    PLAN = "plan"  # publish on a day
    DISCARD = "del"  # asks to confirm
    DISCARD_OK = "delok"


@dataclass(frozen=True)
class SpeakerPick:
    """A question's speaker picked from the members (person 0: no speaker)."""

    item_id: int
    person_id: int


DraftArg = time | MeetingForm | int | SpeakerPick | None

_ITEM_ACTIONS = frozenset({DraftAction.QUESTION_DECISION, DraftAction.QUESTION_REMOVE})
_PERSON_ACTIONS = frozenset({DraftAction.PRESIDING, DraftAction.MINUTES})
_SCHOOL_ACTIONS = frozenset({DraftAction.SET_VENUE})
_NUMBER_ACTIONS = (
    frozenset({DraftAction.SET_DURATION}) | _ITEM_ACTIONS | _PERSON_ACTIONS | _SCHOOL_ACTIONS
)
_HHMM = re.compile(r"^([01][0-9]|2[0-3])([0-5][0-9])$")
_PAIR = re.compile(r"^([0-9]{1,19})-([0-9]{1,19})$")
_NUMBER = re.compile(r"^[0-9]{1,19}$")


def _number(value: object) -> int:
    if isinstance(value, str) and _NUMBER.match(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ID_MAX:
        return value
    raise ValueError(f"not an id or a number: {value!r}")


def _draft_arg(action: DraftAction, value: object) -> DraftArg:
    """The one meaning `arg` has for `action`, from the wire or from the code."""
    if action is DraftAction.SET_TIME:
        if isinstance(value, str) and (match := _HHMM.match(value)):
            return time(int(match.group(1)), int(match.group(2)))
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        raise ValueError(f"not a time: {value!r}")
    if action is DraftAction.SET_FORM:
        return MeetingForm(str(value))
    if action in _NUMBER_ACTIONS:
        return _number(value)
    if action is DraftAction.SPEAKER:
        if isinstance(value, SpeakerPick):
            return SpeakerPick(_number(value.item_id), _number(value.person_id))
        if isinstance(value, str) and (match := _PAIR.match(value)):
            return SpeakerPick(_number(match.group(1)), _number(match.group(2)))
        raise ValueError(f"not a speaker pick: {value!r}")
    if value not in (None, ""):
        raise ValueError(f"{action.value} takes no argument")
    return None


class DraftCb(CallbackData, prefix="dr"):
    """A step of the meeting wizard on one draft; `version` is the draft's version the
    button was made for, so a stale button cannot overwrite a newer draft."""

    action: DraftAction
    meeting_id: Id
    version: Version
    arg: DraftArg = None

    @field_validator("arg", mode="before")
    @classmethod
    def _parse_arg(cls, value: Any, info: ValidationInfo) -> DraftArg:
        action = info.data.get("action")
        if not isinstance(action, DraftAction):
            raise ValueError("no valid action")
        return _draft_arg(action, value)

    @field_serializer("arg")
    def _pack_arg(self, value: DraftArg) -> str:
        if value is None:
            return ""
        if isinstance(value, time):
            return f"{value.hour:02d}{value.minute:02d}"
        if isinstance(value, SpeakerPick):
            return f"{value.item_id}-{value.person_id}"
        if isinstance(value, MeetingForm):
            return value.value
        return str(value)

    def _expect(self, kind: type[Any], actions: frozenset[DraftAction]) -> Any:
        if self.action not in actions or not isinstance(self.arg, kind):
            raise TypeError(f"{self.action.value} carries no {kind.__name__}")
        return self.arg

    @property
    def at(self) -> time:
        """SET_TIME: the time picked."""
        found: time = self._expect(time, frozenset({DraftAction.SET_TIME}))
        return found

    @property
    def form(self) -> MeetingForm:
        """SET_FORM: the form picked."""
        found: MeetingForm = self._expect(MeetingForm, frozenset({DraftAction.SET_FORM}))
        return found

    @property
    def minutes(self) -> int:
        """SET_DURATION: the duration picked."""
        found: int = self._expect(int, frozenset({DraftAction.SET_DURATION}))
        return found

    @property
    def item_id(self) -> int:
        """QUESTION_DECISION, QUESTION_REMOVE: the agenda item."""
        found: int = self._expect(int, _ITEM_ACTIONS)
        return found

    @property
    def person_id(self) -> int:
        """PRESIDING, MINUTES: the person picked."""
        found: int = self._expect(int, _PERSON_ACTIONS)
        return found

    @property
    def school_id(self) -> int | None:
        """SET_VENUE: the school picked (None: not at a school)."""
        found: int = self._expect(int, _SCHOOL_ACTIONS)
        return found or None

    @property
    def speaker(self) -> SpeakerPick:
        """SPEAKER: the question and its speaker."""
        found: SpeakerPick = self._expect(SpeakerPick, frozenset({DraftAction.SPEAKER}))
        return found


class AgendaAction(enum.StrEnum):
    REMOVE = "remove"
    ADD = "add"


class AgendaCb(CallbackData, prefix="ag"):
    """Remove (or start adding) a question of a published meeting."""

    action: AgendaAction
    meeting_id: Id
    item_id: Id = 0


# ---------------------------------------------------------------- the date picker


class CalendarAction(enum.StrEnum):
    DAY = "day"  # a day is picked (year-month-day)
    MONTH = "month"  # show another month (year-month)
    IGNORE = "ignore"  # a label, an empty cell or an unavailable day


MAX_SCOPE = 12

CalendarScope = Annotated[str, StringConstraints(pattern=rf"^[A-Za-z0-9_\-.]{{1,{MAX_SCOPE}}}$")]
"""Which picker of which wizard a calendar belongs to (the wizard's own short code)."""


class CalendarStep(enum.StrEnum):
    """The meeting wizard's two calendars (their `scope`)."""

    MEETING_DAY = "d"
    PUBLICATION_DAY = "p"


_LEGACY_SCOPE = re.compile(r"^([dp])([0-9a-z]{1,13})\.([0-9a-z]{1,13})$")


def _legacy_scope(scope: str) -> list[str]:
    """Calendars sent before issue 12 had no id fields: the meeting wizard packed its step,
    the draft and its version into the scope in base 36 (`d` + id + `.` + version, e.g.
    `drs.11` = the meeting day of draft 1000 at version 37). Read back into scope, object_id
    and version; new buttons carry them in their own fields, in decimal."""
    match = _LEGACY_SCOPE.match(scope)
    if match is None:
        return [scope, "0", "0"]
    step, meeting, version = match.groups()
    return [step, str(int(meeting, 36)), str(int(version, 36))]


class CalendarCb(CallbackData, prefix="cal"):
    """A calendar tap: `day` is 0 when unused; `scope` names the picker; `object_id` and
    `version` the object it edits and the version the button was made for (0: unused)."""

    action: CalendarAction
    year: Annotated[int, Field(ge=1, le=9999)]
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=0, le=31)]
    scope: CalendarScope
    object_id: Id = 0
    version: Version = 0

    @classmethod
    def unpack(cls, value: str) -> Self:
        parts = value.split(cls.__separator__)
        if len(parts) == 6:  # a calendar sent before issue 12 (no id fields)
            value = cls.__separator__.join([*parts[:5], *_legacy_scope(parts[5])])
        return super().unpack(value)
