"""«📋 Выводы анализа …» on the card of a plan being drafted: what the chair wrote in the
analysis of the year before — «Вывод», «Рекомендации», «Предложения …» (services.analysis
.points) — sent as a starting list to draft the plan from. The button is offered only where
it has something to give and the plan can still be changed."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import split_message
from handlers.analysis import SECTION_TITLES, section_title
from handlers.ui import quote
from services import analysis, plans
from services.deadlines import school_year_label
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.plans import PlanYearCb, YearAction


async def offered(session: AsyncSession, actor: Actor, card: plans.YearCard) -> bool:
    """Whether the card offers last year's conclusions: the plan is still to be made or a
    draft the actor may change, and the analysis of the year before has any of them."""
    if not card.may_edit or (card.plan is not None and not card.plan.can_edit):
        return False
    try:
        found = await analysis.plan_points(
            session, actor, card.association_id, card.year.start_year
        )
    except DomainError as error:
        if error.code is ErrorCode.FORBIDDEN:
            return False
        raise
    return not found.empty


def button(card: plans.YearCard) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("📋 Conclusions of the analysis {year}").format(
            year=school_year_label(card.year.start_year - 1)
        ),
        callback_data=PlanYearCb(
            action=YearAction.POINTS,
            association_id=card.association_id,
            year=card.year.start_year,
        ).pack(),
    )


async def send(
    query: CallbackQuery, session: AsyncSession, actor: Actor, association_id: int, year: int
) -> None:
    """The starting list as messages (each section whole, split only between messages)."""
    assert isinstance(query.message, Message)
    found = await analysis.plan_points(session, actor, association_id, year)
    if found.empty:
        await query.answer(
            _(
                "The analysis of the school year {year} has no conclusion, recommendations "
                "or proposals written."
            ).format(year=school_year_label(found.school_year)),
            show_alert=True,
        )
        return
    await query.answer()
    head = _("<b>From the analysis of the school year {year}</b> — to draft the plan of {next}:")
    lines = [head.format(year=school_year_label(found.school_year), next=school_year_label(year))]
    for name, text in found.sections:
        heading = section_title(SECTION_TITLES[name], found.school_year)
        lines += ["", f"<b>{quote(heading)}</b>", quote(text)]
    for chunk in split_message(lines):
        await query.message.answer(chunk)
