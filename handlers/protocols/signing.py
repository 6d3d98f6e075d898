"""The two signatures on the card, and a correction of a signed protocol (a new version, to
be signed again)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.protocols.card import show_protocol
from handlers.protocols.states import ProtocolEdit
from handlers.ui import WizardText, short
from services import protocols
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.protocols import ProtoAction, ProtoCb


async def sign(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    signed = await protocols.sign(
        session, actor, callback_data.protocol_id, callback_data.revision, clock.now()
    )
    if signed.issued:
        await query.answer(
            _("Signed. Both signatures are in: the protocol goes to the members."), show_alert=True
        )
    else:
        await query.answer(
            _("Signed. It goes to the members once {name} signs too.").format(
                name=short(signed.waiting_for or "—", 60)
            ),
            show_alert=True,
        )
    await show_protocol(
        query.message, session, actor, clock, callback_data.protocol_id, in_place=True
    )


async def ask_correction(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    view.require_correct()
    await state.set_state(ProtocolEdit.correction)
    await state.update_data(protocol_id=view.id)
    await query.answer()
    await query.message.answer(
        _(
            "A signed protocol is not changed: a correction makes a new version, to be signed "
            "again and sent to the members; the signed one is kept. What needs correcting? "
            "(/cancel to leave it.)"
        )
    )


async def correction_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    protocol_id = int(data["protocol_id"])
    await protocols.correct(session, actor, protocol_id, message.text or "", clock.now())
    await state.clear()
    await show_protocol(message, session, actor, clock, protocol_id, in_place=False)


def register(router: Router) -> None:
    router.callback_query.register(sign, ProtoCb.filter(F.action == ProtoAction.SIGN))
    router.callback_query.register(ask_correction, ProtoCb.filter(F.action == ProtoAction.CORRECT))
    router.message.register(correction_typed, ProtocolEdit.correction, WizardText())
