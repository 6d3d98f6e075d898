"""Buttons already in people's chats keep working: every string the base commit's code
(5225caa) produced for the meetings' callback classes parses to the same action and fields,
and packs back byte for byte. Old calendars (base-36 scope) parse to the same day and step."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData

from models import MeetingForm
from ui.callbacks.meetings import (
    AgendaAction,
    AgendaCb,
    CalendarAction,
    CalendarCb,
    CalendarStep,
    DraftAction,
    DraftCb,
    MeetingAction,
    MeetingCb,
    ProposalAction,
    ProposalCb,
    SpeakerPick,
)

M = MeetingAction
D = DraftAction

# (the string 5225caa packed, the class, the fields it must parse to)
CASES: list[tuple[str, type[CallbackData], dict[str, Any]]] = [
    ("mt:open:42", MeetingCb, {"action": M.OPEN, "meeting_id": 42}),
    ("mt:card:42", MeetingCb, {"action": M.CARD, "meeting_id": 42}),
    ("mt:yes:42", MeetingCb, {"action": M.YES, "meeting_id": 42}),
    ("mt:no:42", MeetingCb, {"action": M.NO, "meeting_id": 42}),
    ("mt:propose:42", MeetingCb, {"action": M.PROPOSE, "meeting_id": 42}),
    ("mt:remind:42", MeetingCb, {"action": M.REMIND, "meeting_id": 42}),
    ("mt:move:42", MeetingCb, {"action": M.MOVE, "meeting_id": 42}),
    ("mt:place:42", MeetingCb, {"action": M.PLACE, "meeting_id": 42}),
    ("mt:agenda:42", MeetingCb, {"action": M.AGENDA, "meeting_id": 42}),
    ("mt:end:42", MeetingCb, {"action": M.END, "meeting_id": 42}),
    ("mt:endok:42", MeetingCb, {"action": M.END_OK, "meeting_id": 42}),
    ("mt:cancel:42", MeetingCb, {"action": M.CANCEL, "meeting_id": 42}),
    ("mt:confirm:42", MeetingCb, {"action": M.CONFIRM, "meeting_id": 42}),
    ("mt:decline:42", MeetingCb, {"action": M.DECLINE, "meeting_id": 42}),
    ("mt:protocol:42", MeetingCb, {"action": M.PROTOCOL, "meeting_id": 42}),
    ("pp:accept:7", ProposalCb, {"action": ProposalAction.ACCEPT, "proposal_id": 7}),
    ("pp:reject:7", ProposalCb, {"action": ProposalAction.REJECT, "proposal_id": 7}),
    ("pp:keep:7", ProposalCb, {"action": ProposalAction.KEEP, "proposal_id": 7}),
    ("pp:defer:7", ProposalCb, {"action": ProposalAction.DEFER, "proposal_id": 7}),
    *[
        (f"dr:{action.value}:42:3:", DraftCb, {"action": action, "arg": None})
        for action in (
            D.OPEN,
            D.DAY,
            D.FORM,
            D.DURATION,
            D.PLACE,
            D.LINK,
            D.QUESTION,
            D.QUESTIONS,
            D.MATERIAL,
            D.SEMINAR,
            D.EXTRAORDINARY,
            D.ROLES,
            D.PUBLISH,
            D.PLAN,
            D.DISCARD,
            D.DISCARD_OK,
            D.NO_DECISION,
        )
    ],
    ("dr:settime:42:3:0900", DraftCb, {"action": D.SET_TIME, "arg": time(9, 0)}),
    ("dr:settime:42:3:1530", DraftCb, {"action": D.SET_TIME, "arg": time(15, 30)}),
    ("dr:setform:42:3:in_person", DraftCb, {"action": D.SET_FORM, "arg": MeetingForm.IN_PERSON}),
    ("dr:setform:42:3:absentee", DraftCb, {"action": D.SET_FORM, "arg": MeetingForm.ABSENTEE}),
    ("dr:setform:42:3:hybrid", DraftCb, {"action": D.SET_FORM, "arg": MeetingForm.HYBRID}),
    ("dr:setdur:42:3:90", DraftCb, {"action": D.SET_DURATION, "arg": 90}),
    ("dr:spk:42:3:11-5", DraftCb, {"action": D.SPEAKER, "arg": SpeakerPick(11, 5)}),
    ("dr:spk:42:3:11-0", DraftCb, {"action": D.SPEAKER, "arg": SpeakerPick(11, 0)}),
    ("dr:qdec:42:3:11", DraftCb, {"action": D.QUESTION_DECISION, "arg": 11}),
    ("dr:qdel:42:3:11", DraftCb, {"action": D.QUESTION_REMOVE, "arg": 11}),
    ("dr:pres:42:3:5", DraftCb, {"action": D.PRESIDING, "arg": 5}),
    ("dr:mins:42:3:5", DraftCb, {"action": D.MINUTES, "arg": 5}),
    (
        "ag:remove:42:11",
        AgendaCb,
        {"action": AgendaAction.REMOVE, "meeting_id": 42, "item_id": 11},
    ),
    ("ag:add:42:0", AgendaCb, {"action": AgendaAction.ADD, "meeting_id": 42, "item_id": 0}),
]


@pytest.mark.parametrize(("packed", "cls", "fields"), CASES, ids=[c[0] for c in CASES])
def test_todays_buttons_parse_to_the_same_action(
    packed: str, cls: type[CallbackData], fields: dict[str, Any]
) -> None:
    data = cls.unpack(packed)
    for name, value in fields.items():
        got = getattr(data, name)
        assert got == value and type(got) is type(value), (name, got, value)
    if cls is DraftCb:
        assert isinstance(data, DraftCb) and (data.meeting_id, data.version) == (42, 3)
    assert data.pack() == packed


def test_draft_arguments_read_through_their_one_type() -> None:
    assert DraftCb.unpack("dr:settime:42:3:1530").at == time(15, 30)
    assert DraftCb.unpack("dr:setform:42:3:hybrid").form is MeetingForm.HYBRID
    assert DraftCb.unpack("dr:setdur:42:3:90").minutes == 90
    assert DraftCb.unpack("dr:qdel:42:3:11").item_id == 11
    assert DraftCb.unpack("dr:mins:42:3:5").person_id == 5
    assert DraftCb.unpack("dr:spk:42:3:11-0").speaker == SpeakerPick(11, 0)
    with pytest.raises(TypeError):
        _ = DraftCb.unpack("dr:qdel:42:3:11").person_id  # an item, not a person
    with pytest.raises(TypeError):
        _ = DraftCb.unpack("dr:pub:42:3:").at


@pytest.mark.parametrize(
    "forged",
    [
        "dr:settime:42:3:2460",  # no such time
        "dr:settime:42:3:15:30",
        "dr:setform:42:3:online",
        "dr:setdur:42:3:x",
        "dr:spk:42:3:11",
        "dr:qdel:42:3:",
        "dr:pub:42:3:5",  # publishing takes no argument
        "dr:publish:42:3:",  # an unknown action
        "mt:yess:42",
        "mt:yes:-1",
        "pp:accept:x",
        "ag:remove:42:-5",
    ],
)
def test_forged_buttons_do_not_parse(forged: str) -> None:
    classes: dict[str, type[CallbackData]] = {
        "dr": DraftCb,
        "mt": MeetingCb,
        "pp": ProposalCb,
        "ag": AgendaCb,
    }
    cls = classes[forged[:2]]
    with pytest.raises((TypeError, ValueError)):
        cls.unpack(forged)


def test_new_draft_buttons_pack_as_before() -> None:
    assert DraftCb(action=D.SET_TIME, meeting_id=42, version=3, arg=time(9, 0)).pack() == (
        "dr:settime:42:3:0900"
    )
    pick = SpeakerPick(11, 5)
    assert DraftCb(action=D.SPEAKER, meeting_id=42, version=3, arg=pick).pack() == (
        "dr:spk:42:3:11-5"
    )
    form = MeetingForm.ABSENTEE
    assert DraftCb(action=D.SET_FORM, meeting_id=42, version=3, arg=form).pack() == (
        "dr:setform:42:3:absentee"
    )
    with pytest.raises(ValueError):
        DraftCb(action=D.SET_TIME, meeting_id=42, version=3, arg=90)


# Calendars of 5225caa: the wizard's step, the draft and its version in a base-36 scope
# (`drs.11` = the meeting day of draft 1000 at version 37; `p16.3` = the publication day of
# draft 42 at version 3). They parse to the same day and step; new buttons carry the ids in
# their own fields, in decimal.
OLD_CALENDARS = [
    ("cal:day:2026:12:25:drs.11", CalendarAction.DAY, 25, CalendarStep.MEETING_DAY, 1000, 37),
    ("cal:month:2026:12:0:drs.11", CalendarAction.MONTH, 0, CalendarStep.MEETING_DAY, 1000, 37),
    ("cal:ignore:2026:12:0:drs.11", CalendarAction.IGNORE, 0, CalendarStep.MEETING_DAY, 1000, 37),
    ("cal:day:2026:12:25:p16.3", CalendarAction.DAY, 25, CalendarStep.PUBLICATION_DAY, 42, 3),
    ("cal:month:2026:12:0:p16.3", CalendarAction.MONTH, 0, CalendarStep.PUBLICATION_DAY, 42, 3),
    ("cal:ignore:2026:12:0:p16.3", CalendarAction.IGNORE, 0, CalendarStep.PUBLICATION_DAY, 42, 3),
]


@pytest.mark.parametrize(
    ("packed", "action", "day", "step", "meeting_id", "version"),
    OLD_CALENDARS,
    ids=[c[0] for c in OLD_CALENDARS],
)
def test_old_calendar_buttons_parse_to_the_same_day_and_step(
    packed: str,
    action: CalendarAction,
    day: int,
    step: CalendarStep,
    meeting_id: int,
    version: int,
) -> None:
    data = CalendarCb.unpack(packed)
    assert data.action is action
    assert (data.year, data.month, data.day) == (2026, 12, day)
    assert data.scope == step
    assert (data.object_id, data.version) == (meeting_id, version)
    # The same tap made today: ids in decimal, in their own fields.
    new = f"cal:{action.value}:2026:12:{day}:{step.value}:{meeting_id}:{version}"
    assert data.pack() == new
    assert CalendarCb.unpack(new) == data


def test_other_calendar_scopes_keep_no_ids() -> None:
    data = CalendarCb.unpack("cal:day:2028:2:3:meeting")
    assert (data.scope, data.object_id, data.version) == ("meeting", 0, 0)
    assert data.pack() == "cal:day:2028:2:3:meeting:0:0"
