"""Who receives the draft (the audience picker) and when it accepts answers (dates typed)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.card import show_editor
from handlers.surveys.common import AUDIENCE_SHOWN, zone_of
from handlers.surveys.states import SurveyWizard
from handlers.ui import WizardText, edit, quote
from services import associations, surveys
from services.clock import Clock
from services.permissions import Action, Actor
from services.surveys import SurveyView
from ui.callbacks.surveys import EditAction, SurveyEdit


def audience_card(
    view: SurveyView, found: list[associations.AssociationView], actor: Actor
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    chosen = set(view.association_ids)
    shown = found[:AUDIENCE_SHOWN]
    for a in shown:
        mark = "✅ " if a.id in chosen else "⬜ "
        kb.button(
            text=mark + a.name[:50],
            callback_data=SurveyEdit(
                action=EditAction.AUDIENCE_TOGGLE, survey_id=view.id, arg=a.id, version=view.version
            ),
        )
    services_ = surveys.whole_services(actor, (a.service_id for a in found))
    for service_id in services_:
        kb.button(
            text=_("🏛 Every association of the service"),
            callback_data=SurveyEdit(
                action=EditAction.AUDIENCE_SERVICE,
                survey_id=view.id,
                arg=service_id,
                version=view.version,
            ),
        )
    kb.button(
        text=_("✅ Done"),
        callback_data=SurveyEdit(action=EditAction.BACK, survey_id=view.id, version=view.version),
    )
    kb.adjust(1)
    text = _("Who receives «{title}»? Tap associations to add or remove them.").format(
        title=quote(view.title)
    )
    if len(found) > len(shown):
        text += "\n" + _("Only the first {n} are listed.").format(n=len(shown))
    return text, kb.as_markup()


async def audience(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    if callback_data.action is EditAction.BACK:
        await query.answer()
        await show_editor(query.message, session, view)
        return
    if callback_data.action is EditAction.AUDIENCE_TOGGLE:
        chosen = list(view.association_ids)
        if callback_data.association_id in chosen:
            chosen.remove(callback_data.association_id)
        else:
            chosen.append(callback_data.association_id)
        view = await surveys.set_audience(
            session, actor, view.id, callback_data.version, clock.now(), association_ids=chosen
        )
    elif callback_data.action is EditAction.AUDIENCE_SERVICE:
        view = await surveys.set_audience(
            session,
            actor,
            view.id,
            callback_data.version,
            clock.now(),
            service_id=callback_data.service_id,
        )
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    text, kb = audience_card(view, found, actor)
    await query.answer()
    await edit(query.message, text, kb)


async def ask_dates(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    await state.set_state(SurveyWizard.dates)
    await state.update_data(survey_id=view.id)
    await query.answer()
    await query.message.answer(
        _(
            "Type when answers are accepted: «01.12 — 10.12» (from the morning of the first "
            "day to the end of the second), or only the last day «10.12», or with times "
            "«01.12 09:00 — 10.12 18:00»."
        )
    )


async def dates_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await surveys.get(session, actor, int(data["survey_id"]))
    zone = await zone_of(session, view)
    now = clock.now()
    typed = surveys.parse_schedule(message.text or "", zone, now)
    view = await surveys.set_schedule(
        session,
        actor,
        view.id,
        view.version,
        now,
        opens_at=typed.opens_at,
        closes_at=typed.closes_at,
    )
    await state.clear()
    await show_editor(message, session, view, in_place=False)


def register(router: Router) -> None:
    router.callback_query.register(
        audience,
        SurveyEdit.filter(
            F.action.in_(
                {
                    EditAction.AUDIENCE,
                    EditAction.AUDIENCE_TOGGLE,
                    EditAction.AUDIENCE_SERVICE,
                    EditAction.BACK,
                }
            )
        ),
    )
    router.callback_query.register(ask_dates, SurveyEdit.filter(F.action == EditAction.DATES))
    router.message.register(dates_typed, SurveyWizard.dates, WizardText())
