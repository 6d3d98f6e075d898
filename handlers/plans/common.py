"""What the plan's steps share: a change saved at the version the editor saw, the card shown
after it, and a stale save answered with the current card."""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.errors import error_text
from handlers.plans.card import show_plan
from handlers.ui import short
from models import PlanStatus
from services import plans
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor


async def saved(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    plan_id: int,
    change: Awaitable[plans.PlanView],
) -> plans.PlanView | None:
    """A typed step's change; the card sent anew after it. A draft someone changed since
    the step began is not overwritten: the person is told, and gets the current card."""
    try:
        view = await change
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await state.clear()
        await message.answer(error_text(exc))
        await show_plan(message, actor, clock, session, plan_id, in_place=False)
        return None
    await state.clear()
    await show_plan(message, actor, clock, session, view.id, in_place=False)
    return view


async def tapped(
    query: CallbackQuery,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    plan_id: int,
    change: Awaitable[plans.PlanView],
) -> None:
    """A button's change; the card in place after it. A tap on an older card (or a second
    tap) is answered as an alert, the current card shown: nothing is written."""
    assert isinstance(query.message, Message)
    try:
        view = await change
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await query.answer(short(error_text(exc)), show_alert=True)
        await show_plan(query.message, actor, clock, session, plan_id, in_place=True)
        return
    await query.answer()
    await show_plan(query.message, actor, clock, session, view.id, in_place=True)


def editable(view: plans.PlanView) -> plans.PlanView:
    """The plan, if this person may change it now: a member's (or a forged) button is
    FORBIDDEN, an approved edition PLAN_APPROVED (a change is a new edition)."""
    if not view.can_edit:
        raise DomainError(
            ErrorCode.FORBIDDEN if view.status is PlanStatus.DRAFT else ErrorCode.PLAN_APPROVED
        )
    return view
