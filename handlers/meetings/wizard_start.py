"""/newmeeting: continue a draft or start one for an association; its topic; open a draft."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from handlers.meetings.panel import draft_cb, show_panel
from handlers.meetings.states import Drafting
from handlers.ui import MENU_NEW_MEETING, MenuButton, WizardText, inline, quote
from models import MeetingStatus
from services import meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.common import AssocAction, AssocPick
from ui.callbacks.meetings import DraftAction, DraftCb


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    places = await meetings.associations_to_manage(session, actor)
    if not places:
        raise DomainError(ErrorCode.FORBIDDEN)
    kb = InlineKeyboardBuilder()
    for view in (await meetings.drafts(session, actor))[:10]:
        day = formats.numeric(view.day) if view.day else _("no date")
        kb.button(
            text=_("📝 Continue: {topic} ({day})").format(topic=view.topic, day=day)[:60],
            callback_data=draft_cb(view, DraftAction.OPEN),
        )
    for association_id, name in places[:20]:
        kb.button(
            text=_("➕ New meeting: {name}").format(name=name)[:60],
            callback_data=AssocPick(action=AssocAction.MEETING, association_id=association_id),
        )
    await message.answer(
        _("Meetings: continue a draft or start a new one."), reply_markup=inline(kb, 1)
    )


async def new_for(
    query: CallbackQuery,
    callback_data: AssocPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    found = dict(await meetings.associations_to_manage(session, actor))
    if callback_data.association_id not in found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await state.set_state(Drafting.topic)
    await state.update_data(association_id=callback_data.association_id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("«{name}»: the topic of the meeting (up to 300 characters)?").format(
            name=quote(found[callback_data.association_id])
        )
    )


async def topic_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.create_draft(
        session, actor, data["association_id"], message.text or "", clock.now()
    )
    await state.clear()
    await show_panel(message, actor, view, clock.now(), in_place=False)
    await message.answer(
        _("The draft is saved: it waits here (and in /newmeeting) until you publish it.")
    )


async def open_draft(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if view.status not in (
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.AWAITING_CHAIR,
    ):
        raise DomainError(ErrorCode.ALREADY_PUBLISHED)
    await query.answer()
    assert isinstance(query.message, Message)
    await show_panel(query.message, actor, view, clock.now(), in_place=False)


def register(router: Router) -> None:
    router.message.register(begin, Command("newmeeting"), StateFilter("*"))
    router.message.register(begin, MenuButton(MENU_NEW_MEETING), StateFilter("*"))
    router.callback_query.register(new_for, AssocPick.filter(F.action == AssocAction.MEETING))
    router.message.register(topic_typed, Drafting.topic, WizardText())
    router.callback_query.register(open_draft, DraftCb.filter(F.action == DraftAction.OPEN))
