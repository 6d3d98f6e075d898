"""The annual plan's approval (issue 15): to a council's chair, «the council adopted the plan»
with the button to approve it (still wanted while the plan waits for the chair); to the chair
and the secretary, «the plan is approved»."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from bot.render import render
from models import PlanStatus
from services import plans
from services.outbox import Claimed
from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb


def approve_keyboard(plan_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Approve the plan"),
        callback_data=PlanApprovalCb(action=PlanApprovalAction.CONFIRM, plan_id=plan_id),
    )
    return builder.as_markup()


class PlanKind:
    """Either message: `name` is the row's kind, `template` its text."""

    def __init__(self, name: str, template: str, waiting: PlanStatus | None) -> None:
        self.name = name
        self.template = template
        self.waiting = waiting  # still wanted only while the plan has this status

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        gone = set()
        async with sessionmaker() as session:
            for row in rows:
                notice = await plans.approval_notice(session, int(row.params["plan_id"]))
                if notice is None or (self.waiting and notice.status is not self.waiting):
                    gone.add(row.id)
        return gone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        plan_id = int(row.params["plan_id"])
        async with sessionmaker() as session:
            notice = await plans.approval_notice(session, plan_id)
        assert notice is not None  # `unwanted` drops a row whose plan is gone
        with i18n.context(), i18n.use_locale(locale):
            text = render(self.template, notice=notice)
            markup = approve_keyboard(plan_id) if self.waiting else None
            return [Part(text=text, reply_markup=markup)]


def plan_kinds() -> list[PlanKind]:
    return [
        PlanKind(plans.ADOPTED, "plan_adopted.html", PlanStatus.ADOPTED),
        PlanKind(plans.APPROVED, "plan_approved.html", None),
    ]
