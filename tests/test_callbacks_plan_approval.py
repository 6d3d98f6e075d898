"""The council chair's «approve the plan» button: the string it carries parses to the same
action and plan, and packs back byte for byte (buttons stay in chats for days)."""

from __future__ import annotations

from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb


def test_the_approve_button_keeps_its_string() -> None:
    packed = "pa:ok:42"
    parsed = PlanApprovalCb.unpack(packed)
    assert (parsed.action, parsed.plan_id) == (PlanApprovalAction.CONFIRM, 42)
    assert PlanApprovalCb(action=PlanApprovalAction.CONFIRM, plan_id=42).pack() == packed
