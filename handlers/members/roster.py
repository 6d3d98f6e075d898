"""/members: the roster of an association, paginated."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.ui import association_picker, edit, role_label, send_built, show_page
from services import associations, databank, roster
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.common import AssocAction, AssocPick, PickPage
from ui.callbacks.people import BankExport, MemberAction, MemberCb, RosterAdd, RosterCb

PER_PAGE = 10


async def begin(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) == 1:
        text, kb = await roster_text(session, actor, found[0].id, 0)
        await message.answer(text, reply_markup=kb)
        return
    await message.answer(
        _("Whose roster?"), reply_markup=association_picker(found, AssocAction.MEMBERS)
    )


async def roster_text(
    session: AsyncSession, actor: Actor, association_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    data = await roster.roster_page(session, actor, association_id, page, PER_PAGE)
    text = render(
        "roster.html",
        r=data,
        rows=[
            {
                "n": data.page * PER_PAGE + i + 1,
                "name": row.full_name,
                "role": role_label(row.role),
                "school": row.school,
                "joined": row.joined,
                "reachable": row.reachable,
                "voting": row.voting,
            }
            for i, row in enumerate(data.rows)
        ],
    )
    kb = InlineKeyboardBuilder()
    for i, row in enumerate(data.rows):
        kb.button(
            text=f"{data.page * PER_PAGE + i + 1}. {row.full_name}"[:60],
            callback_data=MemberCb(
                membership_id=row.membership_id, action=MemberAction.OPEN, page=data.page
            ),
        )
    kb.adjust(1)
    nav = InlineKeyboardBuilder()
    if data.page > 0:
        nav.button(
            text="◀️", callback_data=RosterCb(association_id=association_id, page=data.page - 1)
        )
    if data.page + 1 < data.pages:
        nav.button(
            text="▶️", callback_data=RosterCb(association_id=association_id, page=data.page + 1)
        )
    kb.attach(nav)
    kb.row()
    kb.button(text=_("➕ Add people"), callback_data=RosterAdd(association_id=association_id))
    if data.may_export_bank:
        kb.button(
            text=_("⬇️ Data bank XLSX"), callback_data=BankExport(association_id=association_id)
        )
    return text, kb.as_markup()


async def bank(
    query: CallbackQuery,
    callback_data: BankExport,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """The association's data bank of members as XLSX (its chair, deputy, methodists)."""
    from documents.databank_xlsx import xlsx_bytes  # lazy: openpyxl only when asked for

    now = clock.now()
    found = await databank.association_bank(session, actor, callback_data.association_id, now)
    locale = get_i18n().current_locale
    await send_built(query, f"data_bank_{now:%Y-%m-%d}.xlsx", xlsx_bytes, found, locale)


async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, association_picker(found, AssocAction.MEMBERS, callback_data.page))


async def picked(
    query: CallbackQuery, callback_data: AssocPick, session: AsyncSession, actor: Actor
) -> None:
    text, kb = await roster_text(session, actor, callback_data.association_id, 0)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(text, reply_markup=kb)


async def turn_page(
    query: CallbackQuery, callback_data: RosterCb, session: AsyncSession, actor: Actor
) -> None:
    text, kb = await roster_text(session, actor, callback_data.association_id, callback_data.page)
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(query.message, text, kb)
