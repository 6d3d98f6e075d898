"""Buttons already in people's chats keep working: the callback data strings the code of
commit 5225caa produced for check-in, the roll, votes and ballots parse to the same action
and fields, and packing them again gives the same bytes."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError

from models import Choice, Presence
from ui.callbacks.attendance import (
    AttendAction,
    AttendCb,
    BallotCb,
    HandCb,
    RollCb,
    RollMark,
    VoteAdmin,
    VoteAdminAction,
    VoteCb,
    VoteChoice,
)

# (the string, its class, its fields), as packed by the code of 5225caa.
TODAY: list[tuple[str, type[CallbackData], dict[str, Any]]] = [
    ("ck:in:42", AttendCb, {"action": AttendAction.IN, "meeting_id": 42}),
    ("ck:online:42", AttendCb, {"action": AttendAction.ONLINE, "meeting_id": 42}),
    ("ck:open:42", AttendCb, {"action": AttendAction.OPEN, "meeting_id": 42}),
    ("ck:openc:42", AttendCb, {"action": AttendAction.OPEN_WITH_CODE, "meeting_id": 42}),
    ("ck:close:42", AttendCb, {"action": AttendAction.CLOSE, "meeting_id": 42}),
    ("ck:roll:42", AttendCb, {"action": AttendAction.ROLL, "meeting_id": 42}),
    ("ck:quorum:42", AttendCb, {"action": AttendAction.QUORUM, "meeting_id": 42}),
    ("ck:votes:42", AttendCb, {"action": AttendAction.VOTES, "meeting_id": 42}),
    (
        "rl:42:7:p:2",
        RollCb,
        {"meeting_id": 42, "person_id": 7, "mark": RollMark.PRESENT, "page": 2},
    ),
    ("rl:42:7:a:2", RollCb, {"meeting_id": 42, "person_id": 7, "mark": RollMark.ABSENT, "page": 2}),
    (
        "rl:42:7:e:2",
        RollCb,
        {"meeting_id": 42, "person_id": 7, "mark": RollMark.EXCUSED, "page": 2},
    ),
    (
        "rl:42:7:page:2",
        RollCb,
        {"meeting_id": 42, "person_id": 7, "mark": RollMark.PAGE, "page": 2},
    ),
    (
        "rl:42:0:page:0",
        RollCb,
        {"meeting_id": 42, "person_id": 0, "mark": RollMark.PAGE, "page": 0},
    ),
    ("vt:9:f", VoteCb, {"item_id": 9, "choice": VoteChoice.FOR}),
    ("vt:9:a", VoteCb, {"item_id": 9, "choice": VoteChoice.AGAINST}),
    ("vt:9:s", VoteCb, {"item_id": 9, "choice": VoteChoice.ABSTAIN}),
    ("va:open:9", VoteAdmin, {"action": VoteAdminAction.OPEN, "item_id": 9}),
    ("va:close:9", VoteAdmin, {"action": VoteAdminAction.CLOSE, "item_id": 9}),
    ("va:hand:9", VoteAdmin, {"action": VoteAdminAction.HAND, "item_id": 9}),
    ("vh:9:7:f", HandCb, {"item_id": 9, "person_id": 7, "choice": VoteChoice.FOR}),
    ("vh:9:7:a", HandCb, {"item_id": 9, "person_id": 7, "choice": VoteChoice.AGAINST}),
    ("vh:9:7:s", HandCb, {"item_id": 9, "person_id": 7, "choice": VoteChoice.ABSTAIN}),
    ("bl:42:0", BallotCb, {"meeting_id": 42, "item_id": 0}),
    ("bl:42:9", BallotCb, {"meeting_id": 42, "item_id": 9}),
]


@pytest.mark.parametrize(("packed", "cls", "fields"), TODAY, ids=[t[0] for t in TODAY])
def test_todays_buttons_parse_to_the_same_action_and_pack_back(
    packed: str, cls: type[CallbackData], fields: dict[str, Any]
) -> None:
    data = cls.unpack(packed)
    assert data.model_dump() == fields
    for name, value in fields.items():
        assert type(getattr(data, name)) is type(value)  # an enum member, not a string
    assert data.pack() == packed
    assert cls(**fields).pack() == packed


def test_every_code_is_covered() -> None:
    seen = {value for _packed, _cls, fields in TODAY for value in fields.values()}
    for enum in (AttendAction, RollMark, VoteChoice, VoteAdminAction):
        assert set(enum) <= seen, enum


def test_codes_mean_what_they_meant() -> None:
    assert [m.presence for m in RollMark] == [
        Presence.PRESENT,
        Presence.ABSENT,
        Presence.EXCUSED,
        None,
    ]
    assert [c.choice for c in VoteChoice] == [Choice.FOR, Choice.AGAINST, Choice.ABSTAIN]
    assert [VoteChoice.of(c) for c in Choice] == list(VoteChoice)


@pytest.mark.parametrize(
    "packed", ["ck:dance:42", "rl:42:7:x:0", "vt:9:q", "va:drop:9", "ck:in:-1"]
)
def test_unknown_codes_are_not_parsed(packed: str) -> None:
    classes: dict[str, type[CallbackData]] = {
        "ck": AttendCb,
        "rl": RollCb,
        "vt": VoteCb,
        "va": VoteAdmin,
        "vh": HandCb,
    }
    cls = classes[packed[:2]]
    with pytest.raises(ValidationError):
        cls.unpack(packed)
