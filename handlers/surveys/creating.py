"""`/survey`: from a built-in template or from scratch, then the draft's card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.card import editor_card
from handlers.surveys.common import DEFAULT_SURVEY_DAYS, closing_in
from handlers.surveys.states import SurveyWizard
from handlers.ui import WizardText, association_picker, inline, show_card
from services import associations, surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.surveys import TemplateKey
from ui.callbacks.common import AssocAction, AssocPick
from ui.callbacks.surveys import EditAction, SurveyEdit


async def survey_begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) > 1:
        await message.answer(
            _("To whom?"), reply_markup=association_picker(found, AssocAction.SURVEY)
        )
        return
    await message.answer(
        _("📋 New survey. Start from a template or from scratch:"),
        reply_markup=templates_keyboard(found[0].id),
    )


def templates_keyboard(association_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🎯 Professional needs and deficits"),
        callback_data=SurveyEdit(
            action=EditAction.TEMPLATE, survey_id=0, arg=association_id, value=TemplateKey.NEEDS
        ),
    )
    kb.button(
        text=_("⭐ Satisfaction with the association's work"),
        callback_data=SurveyEdit(
            action=EditAction.TEMPLATE,
            survey_id=0,
            arg=association_id,
            value=TemplateKey.SATISFACTION,
        ),
    )
    kb.button(
        text=_("📋 Year-end report (named)"),
        callback_data=SurveyEdit(
            action=EditAction.TEMPLATE,
            survey_id=0,
            arg=association_id,
            value=TemplateKey.YEAREND,
        ),
    )
    kb.button(
        text=_("✏️ From scratch"),
        callback_data=SurveyEdit(action=EditAction.BLANK, survey_id=0, arg=association_id),
    )
    return inline(kb, 1)


async def survey_association(query: CallbackQuery, callback_data: AssocPick) -> None:
    assert isinstance(query.message, Message)
    await query.answer()
    await query.message.answer(
        _("📋 New survey. Start from a template or from scratch:"),
        reply_markup=templates_keyboard(callback_data.association_id),
    )


async def from_template(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.create_from_template(
        session,
        actor,
        callback_data.association_id,
        callback_data.template or "",  # none: NOT_FOUND, as for an unknown template
        _,
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await closing_in(session, actor, view, DEFAULT_SURVEY_DAYS, clock)
    await query.answer()
    text, kb = await editor_card(session, view)
    await show_card(query.message, text, kb)


async def blank(query: CallbackQuery, callback_data: SurveyEdit, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    await state.set_state(SurveyWizard.title)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    await query.message.answer(_("The survey's title:"))


async def survey_title(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await surveys.create_survey(
        session,
        actor,
        int(data["association_id"]),
        message.text or "",
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await closing_in(session, actor, view, DEFAULT_SURVEY_DAYS, clock)
    await state.clear()
    text, kb = await editor_card(session, view)
    await message.answer(text, reply_markup=kb)


def register(router: Router) -> None:
    router.message.register(survey_begin, Command("survey"), StateFilter("*"))
    router.callback_query.register(
        survey_association, AssocPick.filter(F.action == AssocAction.SURVEY)
    )
    router.callback_query.register(
        from_template, SurveyEdit.filter(F.action == EditAction.TEMPLATE)
    )
    router.callback_query.register(blank, SurveyEdit.filter(F.action == EditAction.BLANK))
    router.message.register(survey_title, SurveyWizard.title, WizardText())
