"""The wizard's venue school (issue 15, item 3): «🏫 Школа-площадка» asks for part of the
school's name, offers up to eight approved schools of the directory and «Не в школе»; the
pick is saved with the draft's version (a stale or forged button changes nothing)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.panel import apply, remember
from handlers.meetings.states import Drafting
from handlers.ui import WizardText, inline, quote, short
from services import meetings
from services.clock import Clock
from services.meetings import MeetingView
from services.permissions import Actor
from services.schools import SchoolView
from ui.callbacks.meetings import DraftAction, DraftCb

NOT_AT_SCHOOL = 0  # SET_VENUE's argument that clears the venue school


def _choices(meeting_id: int, version: int, found: list[SchoolView]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for school in found:
        kb.button(
            text=short(school.name, 60),
            callback_data=DraftCb(
                action=DraftAction.SET_VENUE, meeting_id=meeting_id, version=version, arg=school.id
            ),
        )
    kb.button(
        text=_("Not at a school"),
        callback_data=DraftCb(
            action=DraftAction.SET_VENUE,
            meeting_id=meeting_id,
            version=version,
            arg=NOT_AT_SCHOOL,
        ),
    )
    return inline(kb, 1)


async def ask_venue(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view: MeetingView = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    await remember(state, Drafting.venue, view)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "Type part of the school's name (e.g. «лицей 21»): a practical seminar counts "
            "only when it is held at a school of the directory."
        ),
        reply_markup=_choices(view.id, view.version, []),
    )


async def venue_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    data = await state.get_data()
    typed = (message.text or "").strip()
    found = await meetings.venue_choices(session, actor, data["meeting_id"], typed)
    if not found:
        await message.answer(
            _(
                "No school of the directory matches «{typed}». Type another part of the "
                "name, or ask the methodist to add the school to the directory."
            ).format(typed=quote(short(typed, 100))),
            reply_markup=_choices(data["meeting_id"], data["version"], []),
        )
        return
    await message.answer(
        _("Schools matching «{typed}»: pick the venue.").format(typed=quote(short(typed, 100))),
        reply_markup=_choices(data["meeting_id"], data["version"], found),
    )


async def venue_picked(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    meeting_id, now = callback_data.meeting_id, clock.now()
    change = meetings.set_venue_school(
        session, actor, meeting_id, callback_data.version, callback_data.school_id, now
    )
    asked = await state.get_state() == Drafting.venue.state
    target = query.message
    await apply(target, session, actor, meeting_id, change, now, state=state if asked else None)
    await query.answer()


def register(router: Router) -> None:
    router.callback_query.register(ask_venue, DraftCb.filter(F.action == DraftAction.VENUE))
    router.callback_query.register(venue_picked, DraftCb.filter(F.action == DraftAction.SET_VENUE))
    router.message.register(venue_typed, Drafting.venue, WizardText())
