"""The council chair's button on «the council adopted the plan»: approve it (002 Annex 2 §4.5,
«утверждается его председателем»)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from ui.callbacks.base import Id


class PlanApprovalAction(enum.StrEnum):
    CONFIRM = "ok"  # the chair approves the plan the council adopted


class PlanApprovalCb(CallbackData, prefix="pa"):
    action: PlanApprovalAction
    plan_id: Id
