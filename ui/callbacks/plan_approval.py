"""Putting a plan edition to approval at a meeting, and the council chair's button on «the
council adopted the plan» (002 Annex 2 §4.5, «утверждается его председателем»)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from ui.callbacks.base import Id


class PlanApprovalAction(enum.StrEnum):
    PUT = "put"  # which meeting puts the plan to approval? (meeting_id 0)
    TO = "to"  # add the question to this meeting
    CONFIRM = "ok"  # the chair approves the plan the council adopted (meeting_id 0)


class PlanApprovalCb(CallbackData, prefix="pa"):
    action: PlanApprovalAction
    plan_id: Id
    meeting_id: Id = 0
