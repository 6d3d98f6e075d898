"""The plan approval's buttons: the strings they carry parse to the same action and ids, and
pack back byte for byte (buttons stay in chats for days)."""

from __future__ import annotations

import pytest

from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb

BUTTONS = [
    ("pa:put:42:0", PlanApprovalAction.PUT, 0),
    ("pa:to:42:7", PlanApprovalAction.TO, 7),
    ("pa:ok:42:0", PlanApprovalAction.CONFIRM, 0),
]


@pytest.mark.parametrize(("packed", "action", "meeting_id"), BUTTONS)
def test_the_buttons_keep_their_strings(
    packed: str, action: PlanApprovalAction, meeting_id: int
) -> None:
    parsed = PlanApprovalCb.unpack(packed)
    assert (parsed.action, parsed.plan_id, parsed.meeting_id) == (action, 42, meeting_id)
    assert PlanApprovalCb(action=action, plan_id=42, meeting_id=meeting_id).pack() == packed
