"""`/protocols`: an association's protocols of a school year, with the other years, the
list of interested persons and the ZIP of the year for those who may export. Whoever reads
protocols of several associations (a methodist: every association of the service) picks one
first, 20 a page."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.render import render
from handlers.ui import association_picker, edit, show_page
from services import associations, protocols
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage
from ui.callbacks.protocols import (
    ProtoAction,
    ProtoCb,
    ProtoList,
    ProtoListAction,
    RecipAction,
    RecipCb,
)


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


async def archive_page(
    session: AsyncSession, actor: Actor, clock: Clock, association_id: int, year: int | None
) -> tuple[str, InlineKeyboardMarkup]:
    found = await protocols.archive(session, actor, association_id, year, clock.now())
    rows = [
        {
            "number": r.number,
            "day": formats.numeric(r.meeting_day),
            "topic": r.topic,
            "signed": r.has_signed,
            "overdue": r.overdue,
            "version": r.version,
        }
        for r in found.rows
    ]
    text = render(
        "protocols_list.html",
        archive={"association": found.association, "rows": rows},
        year_label=year_label(found.school_year),
    )
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    for r in found.rows:
        kb.button(
            text=f"№ {r.number}", callback_data=ProtoCb(action=ProtoAction.OPEN, protocol_id=r.id)
        )
    sizes += [5] * (-(-len(found.rows) // 5))
    others = [y for y in found.years if y != found.school_year][:4]
    for y in others:
        kb.button(
            text=year_label(y),
            callback_data=ProtoList(
                action=ProtoListAction.YEAR, association_id=association_id, year=y
            ),
        )
    if others:
        sizes.append(len(others))
    if found.can_export:
        kb.button(
            text=_("📨 Recipients of copies"),
            callback_data=RecipCb(action=RecipAction.LIST, association_id=association_id),
        )
        sizes.append(1)
    if found.can_zip:
        kb.button(
            text=_("🗜 ZIP of the year"),
            callback_data=ProtoList(
                action=ProtoListAction.ZIP, association_id=association_id, year=found.school_year
            ),
        )
        sizes.append(1)
    if sizes:
        kb.adjust(*sizes)
    return text, kb.as_markup()


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.READ_PROTOCOLS)
    if not found:
        raise DomainError(
            ErrorCode.NOT_REGISTERED if actor.person_id is None else ErrorCode.FORBIDDEN
        )
    if len(found) == 1:
        text, kb = await archive_page(session, actor, clock, found[0].id, None)
        await message.answer(text, reply_markup=kb)
        return
    await message.answer(
        _("Whose protocols?"), reply_markup=association_picker(found, AssocAction.PROTOCOLS)
    )


async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.READ_PROTOCOLS)
    await show_page(query, association_picker(found, AssocAction.PROTOCOLS, callback_data.page))


async def picked(
    query: CallbackQuery,
    callback_data: AssocPick,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    text, kb = await archive_page(session, actor, clock, callback_data.association_id, None)
    await query.answer()
    await query.message.answer(text, reply_markup=kb)


async def year(
    query: CallbackQuery,
    callback_data: ProtoList,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    text, kb = await archive_page(
        session, actor, clock, callback_data.association_id, callback_data.year
    )
    await query.answer()
    await edit(query.message, text, kb)


def register(router: Router) -> None:
    router.message.register(begin, Command("protocols"), StateFilter("*"))
    router.callback_query.register(picker_page, PickPage.filter(F.what == Picker.PROTOCOLS))
    router.callback_query.register(picked, AssocPick.filter(F.action == AssocAction.PROTOCOLS))
    router.callback_query.register(year, ProtoList.filter(F.action == ProtoListAction.YEAR))
