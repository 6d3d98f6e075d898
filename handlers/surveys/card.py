"""The draft's card: what it asks, to whom, until when, and its buttons (the editor)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.render import render
from handlers.surveys.common import (
    CLOSE_IN_DAYS,
    kind_labels,
    when,
    zone_of,
)
from handlers.ui import show_card
from models import QuestionKind, SurveyKind
from services.surveys import SurveyView
from ui.callbacks.surveys import EditAction, SurveyEdit


async def editor_card(session: AsyncSession, view: SurveyView) -> tuple[str, InlineKeyboardMarkup]:
    zone = await zone_of(session, view)
    text = render(
        "survey_editor.html",
        view=view,
        closes=when(view, zone),
        opens=formats.when(view.opens_at, zone, get_i18n().current_locale)
        if view.opens_at
        else None,
        audience=len(view.association_ids),
        kinds=kind_labels(),
    )
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    sid, version = view.id, view.version

    def button(
        label: str, action: EditAction, arg: int = 0, value: QuestionKind | None = None
    ) -> None:
        kb.button(
            text=label,
            callback_data=SurveyEdit(
                action=action, survey_id=sid, arg=arg, value=value, version=version
            ),
        )

    if view.kind is SurveyKind.SURVEY:
        for kind in QuestionKind:
            button("➕ " + kind_labels()[kind.value], EditAction.ADD, value=kind)
        sizes += [2, 2, 1]
        for q in view.questions:  # a question's own actions are one tap further
            button(f"🔧 {q.position}", EditAction.QUESTION, arg=q.position)
        sizes += [6] * (-(-len(view.questions) // 6))
    else:
        [q] = view.questions
        button(
            _("Several answers: yes")
            if q.kind is QuestionKind.MULTIPLE
            else _("Several answers: no"),
            EditAction.MULTIPLE,
        )
        button(_("«Other»: yes") if view.allow_other else _("«Other»: no"), EditAction.OTHER)
        sizes.append(2)
    button(_("🕶 Anonymous") if view.anonymous else _("👤 Named"), EditAction.ANONYMOUS)
    button(_("👥 To: {n}").format(n=len(view.association_ids)), EditAction.AUDIENCE)
    sizes.append(2)
    for days in CLOSE_IN_DAYS:
        button(_("⏳ {n} d.").format(n=days), EditAction.DAYS, arg=days)
    sizes.append(len(CLOSE_IN_DAYS))
    button(_("📅 Opening and closing dates"), EditAction.DATES)
    sizes.append(1)
    button(_("📤 Send"), EditAction.SEND)
    button(_("🗑 Discard"), EditAction.DROP)
    sizes.append(2)
    kb.adjust(*sizes)
    return text, kb.as_markup()


async def show_editor(
    message: Message, session: AsyncSession, view: SurveyView, *, in_place: bool = True
) -> None:
    text, kb = await editor_card(session, view)
    await show_card(message, text, kb, in_place=in_place)
