"""/invite: member links (reusable), secretary and deputy links (single-use), group chat link."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.render import render
from handlers.ui import (
    MENU_INVITE,
    MenuButton,
    association_picker,
    group_link,
    inline,
    invite_label,
    local_time,
    quote,
    short,
    show_page,
    start_link,
)
from models import InviteKind
from services import associations, invites
from services.associations import AssociationView
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage
from ui.callbacks.people import InviteKindCb, RevokeLinks


async def begin(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) == 1:
        await _kinds(message, found[0], actor)
        return
    await message.answer(
        _("Which association do you invite to?"),
        reply_markup=association_picker(found, AssocAction.INVITE),
    )


async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, association_picker(found, AssocAction.INVITE, callback_data.page))


async def picked(
    query: CallbackQuery, callback_data: AssocPick, session: AsyncSession, actor: Actor
) -> None:
    view = await associations.get_view(session, callback_data.association_id)
    if not invites.may_invite(actor, view.service_id, view.id):
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    assert isinstance(query.message, Message)
    await _kinds(query.message, view, actor)


async def _kinds(message: Message, view: AssociationView, actor: Actor) -> None:
    kb = InlineKeyboardBuilder()
    for kind in invites.kinds_for(actor, view.service_id, view.id):
        kb.button(
            text=invite_label(kind), callback_data=InviteKindCb(association_id=view.id, kind=kind)
        )
    await message.answer(
        _("«{name}»: whom do you invite?").format(name=quote(view.name)),
        reply_markup=inline(kb, 1),
    )


async def make_link(
    query: CallbackQuery,
    callback_data: InviteKindCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    kind = callback_data.kind
    link = await invites.create_link(
        session, actor, kind, callback_data.association_id, clock.now()
    )
    url = await (
        group_link(bot, link.token) if kind is InviteKind.GROUP else start_link(bot, link.token)
    )
    kb = None
    if link.reusable:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("Revoke old member links"),
            callback_data=RevokeLinks(
                association_id=callback_data.association_id, keep=link.invite_id
            ),
        )
        kb = builder.as_markup()
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        render(
            "invite_link.html",
            kind=kind.value,
            label=invite_label(kind),
            target=link.target_name,
            url=url,
            expires=local_time(link.expires_at, link.timezone or settings.default_timezone),
            reusable=link.reusable,
        ),
        reply_markup=kb,
    )


async def revoke_links(
    query: CallbackQuery,
    callback_data: RevokeLinks,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    count = await invites.revoke_member_links(
        session, actor, callback_data.association_id, clock.now(), keep_id=callback_data.keep
    )
    text = (
        _("Old member links revoked: {count}. The link above still works.").format(count=count)
        if count
        else _("No other member link was active. The link above still works.")
    )
    await query.answer(short(text), show_alert=True)
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(begin, Command("invite"), StateFilter("*"))
    router.message.register(begin, MenuButton(MENU_INVITE), StateFilter("*"))
    router.callback_query.register(picker_page, PickPage.filter(F.what == Picker.INVITE))
    router.callback_query.register(picked, AssocPick.filter(F.action == AssocAction.INVITE))
    router.callback_query.register(make_link, InviteKindCb.filter())
    router.callback_query.register(revoke_links, RevokeLinks.filter())
    return router
