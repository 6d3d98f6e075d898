"""A plan put to approval at a meeting, and the council chair's approval (issue 15, item 2).

`put_button` is the plan screen's button (the /plan screens are `handlers/plans`): it lists
the association's drafts and published meetings, and a tap adds «Об утверждении плана работы
на …» to the chosen one in one call. The notification «the council adopted the plan» carries
the chair's button (002 Annex 2 §4.5)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from handlers.ui import edit, inline, quote, short
from models import MeetingStatus
from services import meetings, plans
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.plan_approval import PlanApprovalAction, PlanApprovalCb


def put_button(plan_id: int) -> InlineKeyboardButton:
    """«Put to approval at a meeting», for the plan's screen."""
    return InlineKeyboardButton(
        text=_("🗳 Put to approval at a meeting"),
        callback_data=PlanApprovalCb(action=PlanApprovalAction.PUT, plan_id=plan_id).pack(),
    )


def _label(view: meetings.MeetingView, locale: str) -> str:
    moment = view.starts_at or view.ballot_deadline
    day = formats.day(moment, locale, view.timezone) if moment else _("no date yet")
    return short(f"{day} · {view.topic}", 60)


async def choose_meeting(
    query: CallbackQuery, callback_data: PlanApprovalCb, session: AsyncSession, actor: Actor
) -> None:
    found = await meetings.meetings_for_plan(session, actor, callback_data.plan_id)
    await query.answer()
    assert isinstance(query.message, Message)
    if not found:
        await query.message.answer(
            _("The association has no draft or upcoming meeting: create one with /newmeeting.")
        )
        return
    locale = get_i18n().current_locale
    builder = InlineKeyboardBuilder()
    for view in found:
        builder.button(
            text=_label(view, locale),
            callback_data=PlanApprovalCb(
                action=PlanApprovalAction.TO, plan_id=callback_data.plan_id, meeting_id=view.id
            ),
        )
    await query.message.answer(
        _("Which meeting puts the plan to approval? The question goes on its agenda."),
        reply_markup=inline(builder, 1),
    )


async def add_to_meeting(
    query: CallbackQuery,
    callback_data: PlanApprovalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    plan = await plans.get_plan(session, actor, callback_data.plan_id)
    meeting = await meetings.get(session, actor, callback_data.meeting_id)
    year = {"year": plan.content.year_label}
    view = await meetings.add_plan_question(
        session,
        actor,
        meeting.id,
        plan.id,
        _(plans.APPROVAL_QUESTION) % year,
        clock.now(),
        version=meeting.version,
        draft_decision=_(plans.APPROVAL_DECISION) % year,
    )
    done = _("Added to the agenda of «{topic}»: «{title}».").format(
        topic=quote(view.topic), title=_(plans.APPROVAL_QUESTION) % year
    )
    if view.status is MeetingStatus.PUBLISHED:
        done += "\n" + _("Everyone gets the changed notice; the plan's content is fixed by it.")
    await query.answer(short(done))
    assert isinstance(query.message, Message)
    await edit(query.message, done, None)


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
        choose_meeting, PlanApprovalCb.filter(F.action == PlanApprovalAction.PUT)
    )
    router.callback_query.register(
        add_to_meeting, PlanApprovalCb.filter(F.action == PlanApprovalAction.TO)
    )
    router.callback_query.register(
        approve, PlanApprovalCb.filter(F.action == PlanApprovalAction.CONFIRM)
    )
    return router
