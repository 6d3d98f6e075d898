"""The fields of Приложение 1 edited one at a time: «✏️ …» on the card asks for the text,
the next message is saved at the version the card showed («-» clears the field)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.plans.common import editable, saved
from handlers.plans.states import PlanEdit
from handlers.ui import WizardText, quote
from services import plans
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.plans import PlanFieldCb

CLEAR = "-"


async def ask_field(
    query: CallbackQuery,
    callback_data: PlanFieldCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    field = callback_data.field
    view = await plans.get_plan(session, actor, callback_data.plan_id)
    editable(view)
    await state.set_state(PlanEdit.field)
    await state.set_data(
        {"plan_id": view.id, "version": callback_data.version, "field": field.value}
    )
    await query.answer()
    current = getattr(view.content, field.value)
    lines = [
        _(
            "<b>{label}</b> type the new text (at most {limit} characters), «-» to clear it, "
            "or /cancel."
        ).format(label=_(plans.FIELDS[field.value]), limit=field.limit)
    ]
    if current:
        lines.append(_("Now: {text}").format(text=quote(current[:1000])))
    await query.message.answer("\n\n".join(lines))


async def field_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    value = None if text == CLEAR else text
    if value is None and text != CLEAR:
        await message.answer(_("Please type the text, «-» to clear the field, or /cancel."))
        return
    await saved(
        message,
        state,
        session,
        actor,
        clock,
        data["plan_id"],
        plans.set_field(
            session,
            actor,
            data["plan_id"],
            data["version"],
            plans.PlanField(data["field"]),
            value,
            clock.now(),
        ),
    )


def register(router: Router) -> None:
    router.callback_query.register(ask_field, PlanFieldCb.filter())
    router.message.register(field_typed, PlanEdit.field, WizardText())
