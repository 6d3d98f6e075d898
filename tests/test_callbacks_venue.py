"""The wizard's venue-school buttons (issue 15, item 3): their strings are stored in chats,
so they never change; a forged one does not parse."""

from __future__ import annotations

import pytest

from ui.callbacks.meetings import DraftAction, DraftCb

D = DraftAction


def test_venue_buttons_pack_and_parse() -> None:
    asked = DraftCb(action=D.VENUE, meeting_id=42, version=3)
    assert asked.pack() == "dr:venue:42:3:"
    picked = DraftCb(action=D.SET_VENUE, meeting_id=42, version=3, arg=7)
    assert picked.pack() == "dr:setvenue:42:3:7"
    none = DraftCb(action=D.SET_VENUE, meeting_id=42, version=3, arg=0)
    assert none.pack() == "dr:setvenue:42:3:0"
    assert DraftCb.unpack("dr:venue:42:3:").action is D.VENUE
    assert DraftCb.unpack("dr:setvenue:42:3:7").school_id == 7
    assert DraftCb.unpack("dr:setvenue:42:3:0").school_id is None  # «Не в школе»
    with pytest.raises(TypeError):
        _ = DraftCb.unpack("dr:setvenue:42:3:7").person_id  # a school, not a person
    with pytest.raises(TypeError):
        _ = DraftCb.unpack("dr:mins:42:3:5").school_id


@pytest.mark.parametrize(
    "forged",
    ["dr:setvenue:42:3:", "dr:setvenue:42:3:x", "dr:setvenue:42:3:-7", "dr:venue:42:3:7"],
)
def test_forged_venue_buttons_do_not_parse(forged: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        DraftCb.unpack(forged)
