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
from services.permissions import Action, Actor, Decision, Scope, decide
from ui.callbacks.common import AssocPick, PickPage
from ui.callbacks.people import InviteKindCb, RevokeLinks

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

_NEEDS = {
    InviteKind.MEMBER: Action.EDIT_ROSTER,
    InviteKind.SECRETARY: Action.INVITE_STAFF,
    InviteKind.DEPUTY: Action.INVITE_STAFF,
    InviteKind.GROUP: Action.LINK_GROUP,
}


@router.message(Command("invite"), StateFilter("*"))
@router.message(MenuButton(MENU_INVITE), StateFilter("*"))
async def begin(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) == 1:
        await _kinds(message, found[0], actor)
        return
    await message.answer(
        _("Which association do you invite to?"), reply_markup=association_picker(found, "invite")
    )


@router.callback_query(PickPage.filter(F.what == "invite"))
async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, association_picker(found, "invite", callback_data.page))


@router.callback_query(AssocPick.filter(F.action == "invite"))
async def picked(
    query: CallbackQuery, callback_data: AssocPick, session: AsyncSession, actor: Actor
) -> None:
    view = await associations.get_view(session, callback_data.association_id)
    if decide(actor, Action.EDIT_ROSTER, Scope(view.service_id, view.id)) is Decision.DENY:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    assert isinstance(query.message, Message)
    await _kinds(query.message, view, actor)


async def _kinds(message: Message, view: AssociationView, actor: Actor) -> None:
    kb = InlineKeyboardBuilder()
    kinds = [
        kind
        for kind, action in _NEEDS.items()
        if decide(actor, action, Scope(view.service_id, view.id)) is not Decision.DENY
    ]
    if decide(actor, Action.CREATE_ASSOCIATION, Scope(view.service_id)) is not Decision.DENY:
        kinds.append(InviteKind.CHAIR)
    for kind in kinds:
        kb.button(
            text=invite_label(kind),
            callback_data=InviteKindCb(association_id=view.id, kind=kind.value),
        )
    await message.answer(
        _("«{name}»: whom do you invite?").format(name=quote(view.name)),
        reply_markup=inline(kb, 1),
    )


@router.callback_query(InviteKindCb.filter())
async def make_link(
    query: CallbackQuery,
    callback_data: InviteKindCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    try:
        kind = InviteKind(callback_data.kind)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
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


@router.callback_query(RevokeLinks.filter())
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
