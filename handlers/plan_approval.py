"""The council chair's tap on «the council adopted the plan»: the plan is approved by the
chair (002 Annex 2 §4.5). The /plan screens are `handlers/plans` (they show the approval);
this is the button of the notification."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import edit, short
from services import plans
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb


async def approve(
    query: CallbackQuery,
    callback_data: PlanApprovalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await plans.confirm(session, actor, callback_data.plan_id, clock.now())
    done = _("✅ The work plan for the {year} school year is approved.").format(
        year=view.content.year_label
    )
    await query.answer(short(done))
    if isinstance(query.message, Message):
        await edit(query.message, (query.message.html_text or "") + "\n\n" + done, None)


def setup() -> Router:
    router = Router(name="plan_approval")
    router.callback_query.register(
        approve, PlanApprovalCb.filter(F.action == PlanApprovalAction.CONFIRM)
    )
    return router
