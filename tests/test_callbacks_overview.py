"""The overview's buttons: the strings they carry parse to the same action and ids, and pack
back byte for byte (buttons stay in chats for days)."""

from __future__ import annotations

import pytest

from ui.callbacks.overview import NeedsAction, NeedsCb, OverviewAction, OverviewCb

BUTTONS = [
    ("ov:pg:3:2:0", OverviewAction.PAGE, 3, 2, 0),
    ("ov:op:0:1:42", OverviewAction.OPEN, 0, 1, 42),
    ("ov:xl:3:0:0", OverviewAction.XLSX, 3, 0, 0),
    ("ov:ch:3:1:0", OverviewAction.CHART, 3, 1, 0),
    ("ov:bk:3:0:0", OverviewAction.BANK, 3, 0, 0),  # the data bank of members
]


@pytest.mark.parametrize(("packed", "action", "service_id", "page", "association_id"), BUTTONS)
def test_the_buttons_keep_their_strings(
    packed: str, action: OverviewAction, service_id: int, page: int, association_id: int
) -> None:
    parsed = OverviewCb.unpack(packed)
    assert (parsed.action, parsed.service_id, parsed.page, parsed.association_id) == (
        action,
        service_id,
        page,
        association_id,
    )
    cb = OverviewCb(action=action, service_id=service_id, page=page, association_id=association_id)
    assert cb.pack() == packed


NEEDS = [
    ("nd:sh:3:2:0", NeedsAction.SHOW, 3, 2, 0),
    ("nd:ch:0:0:0", NeedsAction.CHART, 0, 0, 0),
    ("nd:xl:3:0:0", NeedsAction.XLSX, 3, 0, 0),
    ("nd:ss:3:4:0", NeedsAction.SCHOOLS, 3, 4, 0),
    ("nd:sd:0:1:42", NeedsAction.SCHOOL, 0, 1, 42),
]


@pytest.mark.parametrize(("packed", "action", "service_id", "page", "school_id"), NEEDS)
def test_the_needs_buttons_keep_their_strings(
    packed: str, action: NeedsAction, service_id: int, page: int, school_id: int
) -> None:
    parsed = NeedsCb.unpack(packed)
    assert (parsed.action, parsed.service_id, parsed.page, parsed.school_id) == (
        action,
        service_id,
        page,
        school_id,
    )
    cb = NeedsCb(action=action, service_id=service_id, page=page, school_id=school_id)
    assert cb.pack() == packed
