"""`/overview`, «🗂 Обзор»: the methodist's desk (issue 18) — every association of the
services a methodist oversees (an admin: of every service), paged by attention, a tap into
an association's card, the overview as XLSX and as a chart; needs monitoring (`needs`).
Anyone else is refused; a button of another service's association is refused and changes
nothing."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.overview import needs
from handlers.overview.text import card_keyboard, card_text, page_keyboard, page_text, pages
from handlers.ui import MENU_OVERVIEW, MenuButton, send_built, show_card
from services import databank, overview
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.overview import OverviewAction, OverviewCb


async def _show(query: CallbackQuery, text: str, kb: InlineKeyboardMarkup) -> None:
    """In place of the message the button was under (answered first: no spinner left)."""
    await query.answer()
    if isinstance(query.message, Message):
        await show_card(query.message, text, kb, in_place=True)


async def start(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await overview.overview(session, actor, clock.now())
    await state.clear()
    await message.answer(page_text(view, 0), reply_markup=page_keyboard(view, 0, 0))


async def page(
    query: CallbackQuery,
    callback_data: OverviewCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    service = callback_data.service_id or None
    view = await overview.overview(session, actor, clock.now(), service)
    number = min(callback_data.page, pages(view) - 1)  # a stale page: the last one
    await _show(
        query, page_text(view, number), page_keyboard(view, number, callback_data.service_id)
    )


async def open_card(
    query: CallbackQuery,
    callback_data: OverviewCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    service = callback_data.service_id or None
    row = await overview.card(session, actor, callback_data.association_id, clock.now(), service)
    await _show(query, card_text(row), card_keyboard(callback_data.service_id, callback_data.page))


async def export(
    query: CallbackQuery,
    callback_data: OverviewCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    from documents.overview_xlsx import xlsx_bytes  # lazy: openpyxl only when asked for

    now = clock.now()
    view = await overview.overview(session, actor, now, callback_data.service_id or None)
    locale = get_i18n().current_locale
    await send_built(query, f"overview_{now:%Y-%m-%d}.xlsx", xlsx_bytes, view, locale)


async def chart(
    query: CallbackQuery,
    callback_data: OverviewCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    from documents.overview_chart import chart_png  # lazy: matplotlib only when asked for

    now = clock.now()
    view = await overview.overview(session, actor, now, callback_data.service_id or None)
    locale = get_i18n().current_locale
    await send_built(query, f"overview_{now:%Y-%m-%d}.png", chart_png, view, locale, photo=True)


async def bank(
    query: CallbackQuery,
    callback_data: OverviewCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """The data bank of members of the service (of every service the person oversees: 0)."""
    from documents.databank_xlsx import xlsx_bytes  # lazy: openpyxl only when asked for

    now = clock.now()
    found = await databank.service_bank(session, actor, now, callback_data.service_id or None)
    locale = get_i18n().current_locale
    await send_built(query, f"data_bank_{now:%Y-%m-%d}.xlsx", xlsx_bytes, found, locale)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, Command("overview"), StateFilter("*"))
    router.message.register(start, MenuButton(MENU_OVERVIEW), StateFilter("*"))
    router.callback_query.register(page, OverviewCb.filter(F.action == OverviewAction.PAGE))
    router.callback_query.register(open_card, OverviewCb.filter(F.action == OverviewAction.OPEN))
    router.callback_query.register(export, OverviewCb.filter(F.action == OverviewAction.XLSX))
    router.callback_query.register(chart, OverviewCb.filter(F.action == OverviewAction.CHART))
    router.callback_query.register(bank, OverviewCb.filter(F.action == OverviewAction.BANK))
    needs.setup(router)
    return router
