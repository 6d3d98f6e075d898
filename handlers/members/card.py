"""A member's card: role, voting, personal link, removal."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.members.roster import roster_text
from handlers.ui import edit, inline, quote, role_label, short, start_link
from models import Role
from services import associations, roster
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.people import MemberAction, MemberArg, MemberCb, RosterCb


def _appoint_label(role: Role) -> str:
    """One msgid per role: Russian puts each in its own case («Назначить секретарём»)."""
    return {
        Role.MEMBER: _("Make an ordinary member"),
        Role.SECRETARY: _("Make secretary"),
        Role.DEPUTY: _("Make deputy chair"),
        Role.CHAIR: _("Make chair"),
    }[role]


def card_keyboard(
    row: roster.RosterRow, can: roster.MemberActions, page: int, association_id: int
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    member = row.membership_id
    for role in can.appoint:
        kb.button(
            text=_appoint_label(role),
            callback_data=MemberCb(
                membership_id=member,
                action=MemberAction.ROLE,
                arg=MemberArg.of_role(role),
                page=page,
            ),
        )
    if can.set_voting:
        kb.button(
            text=_("Mark as non-voting (guest)") if row.voting else _("Mark as voting"),
            callback_data=MemberCb(
                membership_id=member,
                action=MemberAction.VOTING,
                arg=MemberArg.of_voting(not row.voting),
                page=page,
            ),
        )
    if can.send_link:
        kb.button(
            text=_("🔗 Personal link"),
            callback_data=MemberCb(membership_id=member, action=MemberAction.LINK, page=page),
        )
    if can.remove:
        kb.button(
            text=_("🗑 Remove from the association"),
            callback_data=MemberCb(membership_id=member, action=MemberAction.REMOVE, page=page),
        )
    kb.button(
        text=_("⬅️ Back to the list"),
        callback_data=RosterCb(association_id=association_id, page=page),
    )
    return inline(kb, 1)


async def show_card(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    membership_id: int,
    page: int,
    row: roster.RosterRow | None = None,
) -> None:
    row = row or await roster.get_row(session, actor, membership_id)
    view = await associations.get_view(
        session, await roster.association_of(session, actor, membership_id)
    )
    text = render(
        "member_card.html",
        name=row.full_name,
        association=view.name,
        role=role_label(row.role),
        school=row.school,
        joined=row.joined,
        reachable=row.reachable,
        voting=row.voting,
    )
    await edit(
        message,
        text,
        card_keyboard(
            row, roster.member_actions(actor, row, view.service_id, view.id), page, view.id
        ),
    )


async def open_card(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    await show_card(query.message, session, actor, callback_data.membership_id, callback_data.page)
    await query.answer()


async def set_role(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    role = callback_data.arg.role
    if role is None:
        raise DomainError(ErrorCode.STALE)
    row = await roster.change_role(session, actor, callback_data.membership_id, role, clock.now())
    await query.answer(
        short(_("Done: {name} is now {role}.").format(name=row.full_name, role=role_label(role)))
    )
    assert isinstance(query.message, Message)
    await show_card(query.message, session, actor, row.membership_id, callback_data.page, row)


async def set_voting(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    row = await roster.set_voting(
        session,
        actor,
        callback_data.membership_id,
        callback_data.arg is MemberArg.VOTING,
        clock.now(),
    )
    await query.answer(_("Saved."))
    assert isinstance(query.message, Message)
    await show_card(query.message, session, actor, row.membership_id, callback_data.page, row)


async def personal_link(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    link = await roster.personal_link(session, actor, callback_data.membership_id, clock.now())
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Personal link for {name} (works once, for 30 days):").format(name=quote(link.full_name))
        + "\n"
        + await start_link(bot, link.token)
    )


async def ask_remove(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    row = await roster.row_to_remove(session, actor, callback_data.membership_id)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, remove"),
        callback_data=MemberCb(
            membership_id=row.membership_id, action=MemberAction.REMOVE_OK, page=callback_data.page
        ),
    )
    kb.button(
        text=_("No"),
        callback_data=MemberCb(
            membership_id=row.membership_id, action=MemberAction.OPEN, page=callback_data.page
        ),
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(
        query.message,
        _("Remove {name} from the association? Their attendance history is kept.").format(
            name=quote(row.full_name)
        ),
        kb.as_markup(),
    )


async def remove(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    association_id = await roster.association_of(session, actor, callback_data.membership_id)
    name = await roster.remove(session, actor, callback_data.membership_id, clock.now())
    await query.answer(short(_("{name} was removed.").format(name=name)))
    text, kb = await roster_text(session, actor, association_id, callback_data.page)
    assert isinstance(query.message, Message)
    await edit(query.message, text, kb)
