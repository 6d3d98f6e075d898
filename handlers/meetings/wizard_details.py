"""The wizard's details: the place, the online link, materials, who presides and who keeps
the minutes."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import files
from handlers.meetings.panel import apply, draft_cb, remember
from handlers.meetings.states import Drafting
from handlers.ui import WizardText, inline
from services import meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.meetings import DraftAction, DraftCb


async def ask_text_field(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    assert isinstance(query.message, Message)
    if callback_data.action is DraftAction.PLACE:
        await remember(state, Drafting.place, view)
        await query.message.answer(
            _("Where? E.g. «МОУ СОШ № 5, кабинет 12» (up to 300 characters).")
        )
    else:
        await remember(state, Drafting.link, view)
        await query.message.answer(_("The link for online participants (starting with https://):"))


async def text_field_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    meeting_id, version, now = data["meeting_id"], data["version"], clock.now()
    if await state.get_state() == Drafting.place.state:
        change = meetings.set_place(session, actor, meeting_id, version, message.text, now)
    else:
        change = meetings.set_link(session, actor, meeting_id, version, message.text, now)
    await apply(message, session, actor, meeting_id, change, now, state=state)


async def ask_material(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    await remember(state, Drafting.material, view)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Send the file (as a document, up to 20 MB): members get it with the notice.")
    )


async def material_sent(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    data = await state.get_data()
    document = message.document
    assert document is not None
    content = await files.download(bot, document.file_id, document.file_size)
    change = meetings.add_material(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        clock.now(),
        file_id=document.file_id,
        file_name=document.file_name,
        file_size=document.file_size,
        content=content,
    )
    await apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state)


async def ask_roles(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not view.can_name_presiding(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    people = await meetings.people(session, actor, view.id)
    kb = InlineKeyboardBuilder()
    for person_id, name, role in people[:30]:
        if meetings.may_preside(role):
            kb.button(
                text=_("Presides: {name}").format(name=name)[:60],
                callback_data=draft_cb(view, DraftAction.PRESIDING, person_id),
            )
    for person_id, name, _role in people[:30]:
        kb.button(
            text=_("Minutes: {name}").format(name=name)[:60],
            callback_data=draft_cb(view, DraftAction.MINUTES, person_id),
        )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "Who presides (the chair or the deputy) and who keeps the minutes (the secretary "
            "by default, or any member)?"
        ),
        reply_markup=inline(kb, 1),
    )


async def role_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    setter = (
        meetings.set_presiding
        if callback_data.action is DraftAction.PRESIDING
        else meetings.set_minutes_keeper
    )
    assert isinstance(query.message, Message)
    change = setter(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        callback_data.person_id,
        clock.now(),
    )
    await apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


def register_fields(router: Router) -> None:
    router.callback_query.register(
        ask_text_field, DraftCb.filter(F.action.in_({DraftAction.PLACE, DraftAction.LINK}))
    )
    router.message.register(text_field_typed, Drafting.place, WizardText())
    router.message.register(text_field_typed, Drafting.link, WizardText())


def register_materials_and_roles(router: Router) -> None:
    router.callback_query.register(ask_material, DraftCb.filter(F.action == DraftAction.MATERIAL))
    router.message.register(material_sent, Drafting.material, F.document)
    router.callback_query.register(ask_roles, DraftCb.filter(F.action == DraftAction.ROLES))
    router.callback_query.register(
        role_picked, DraftCb.filter(F.action.in_({DraftAction.PRESIDING, DraftAction.MINUTES}))
    )
