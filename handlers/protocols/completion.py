"""Completing the draft in the chat: «Слушали» typed in one or several messages (joined on
«Done»), a decision reworded, invited guests, attached files; each step ends on the card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.protocols.card import show_protocol
from handlers.protocols.states import ProtocolEdit
from handlers.ui import WizardText, inline, quote, short
from services import protocols
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.protocols import ProtoAction, ProtoCb


def done_keyboard(protocol_id: int, spoke_of: int = 0) -> InlineKeyboardMarkup:
    """«Done»; under «Слушали» also «Выступили» of the same question (optional)."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("✅ Done"), callback_data=ProtoCb(action=ProtoAction.DONE, protocol_id=protocol_id)
    )
    if spoke_of:
        kb.button(
            text=_("🗣 Also spoke (optional)"),
            callback_data=ProtoCb.question(ProtoAction.SPOKE, protocol_id, spoke_of),
        )
    return inline(kb, 1)


async def ask_heard(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    q = view.question(callback_data.position)
    await state.set_state(ProtocolEdit.heard)
    await state.update_data(protocol_id=view.id, position=q.position, parts=[])
    await query.answer()
    lines = [
        _("<b>Heard</b> on question {n}: {title}").format(n=q.position, title=quote(q.title)),
        _(
            "Send what was heard (the speaker's report, the discussion). A long text may come "
            "in several messages: they are joined. Tap «Done» when you have finished."
        ),
    ]
    lines.append(
        _(
            "Start with whom you heard and what they said: «M.P. Ivanova, teacher at School "
            "No. 1, who …»."
        )
    )
    if q.speaker:
        lines.append(
            _("The speaker «{speaker}» is printed on its own line above your text.").format(
                speaker=quote(q.speaker)
            )
        )
    if q.heard:
        lines.append(_("Now: {text}").format(text=quote(q.heard[:300])))
        lines.append(_("What you send replaces it."))
    await query.message.answer(
        "\n\n".join(lines), reply_markup=done_keyboard(view.id, spoke_of=q.position)
    )


async def ask_spoke(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«Выступили»: who else spoke on the question, optional. «Слушали» messages typed just
    before (its «Done» not tapped yet) are saved first, not dropped."""
    assert isinstance(query.message, Message)
    data = await state.get_data()
    heard = protocols.join_heard(data.get("parts", []))
    if (
        await state.get_state() == ProtocolEdit.heard.state
        and heard is not None
        and int(data.get("protocol_id", 0)) == callback_data.protocol_id
        and int(data.get("position", 0)) == callback_data.position
    ):
        await protocols.set_heard(
            session, actor, callback_data.protocol_id, callback_data.position, heard, clock.now()
        )
    view = await protocols.get(session, actor, callback_data.protocol_id)
    q = view.question(callback_data.position)
    await state.set_state(ProtocolEdit.spoke)
    await state.update_data(protocol_id=view.id, position=q.position, parts=[])
    await query.answer()
    lines = [
        _("<b>Also spoke</b> on question {n}: {title}").format(n=q.position, title=quote(q.title)),
        _(
            "Send who else spoke and what they said (optional): «N.S. Petrova proposed …». "
            "Several messages are joined; «-» removes it. Tap «Done» when you have finished."
        ),
    ]
    if q.spoke:
        lines.append(_("Now: {text}").format(text=quote(q.spoke[:300])))
    await query.message.answer("\n\n".join(lines), reply_markup=done_keyboard(view.id))


async def heard_part(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    parts = [*data.get("parts", []), message.text or ""]
    total = protocols.heard_length(parts)
    await state.update_data(parts=parts)
    await message.answer(
        _("Received: {length} characters in {count} messages. Send more, or tap «Done».").format(
            length=total, count=len(parts)
        ),
        reply_markup=done_keyboard(int(data["protocol_id"])),
    )


async def ask_decision(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    q = view.question(callback_data.position)
    await query.answer()
    text = "\n\n".join(
        [
            _("<b>Resolved</b> on question {n}: {title}").format(
                n=q.position, title=quote(q.title)
            ),
            _("Now: {text}").format(text=quote(short(q.decision or "—", 1000))),
            _(
                "Send the decision's wording (one message). The tally of the vote stays as "
                "it was voted. /cancel leaves it as it is."
            ),
        ]
    )
    await query.message.answer(text)
    await state.set_state(ProtocolEdit.decision)  # once the question is on the screen
    await state.update_data(protocol_id=view.id, position=q.position)


async def decision_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    protocol_id = int(data["protocol_id"])
    await protocols.set_decision(
        session, actor, protocol_id, int(data["position"]), message.text or "", clock.now()
    )
    await state.clear()
    await message.answer(_("The decision is saved."))
    await show_protocol(message, session, actor, clock, protocol_id, in_place=False)


async def ask_guests(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    view.require_edit()
    await state.set_state(ProtocolEdit.guests)
    await state.update_data(protocol_id=view.id)
    await query.answer()
    kb = InlineKeyboardBuilder()
    if view.content.guests:
        kb.button(
            text=_("🧹 Clear the list"),
            callback_data=ProtoCb(action=ProtoAction.NO_GUESTS, protocol_id=view.id),
        )
    kb.button(
        text=_("✅ Done"), callback_data=ProtoCb(action=ProtoAction.DONE, protocol_id=view.id)
    )
    lines = [
        _(
            "<b>Invited guests</b> (not members: they are not counted in the quorum). Send one "
            "per line: name — position, e.g. «Иванова Анна Петровна — методист ИМЦ»."
        )
    ]
    if view.content.guests:
        lines.append(
            _("Now: {names}").format(
                names=quote("; ".join(f"{g.name} — {g.position}" for g in view.content.guests))
            )
        )
    await query.message.answer("\n\n".join(lines), reply_markup=inline(kb, 1))


async def guests_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    protocol_id = int(data["protocol_id"])
    view = await protocols.add_guests(session, actor, protocol_id, message.text or "", clock.now())
    await message.answer(
        _("Guests in the protocol: {count}. Send more, or tap «Done».").format(
            count=len(view.content.guests)
        ),
        reply_markup=done_keyboard(protocol_id),
    )


async def clear_guests(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await protocols.clear_guests(session, actor, callback_data.protocol_id, clock.now())
    await query.answer(_("The list of guests is cleared."))


async def ask_files(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    view.require_edit()
    await state.set_state(ProtocolEdit.files)
    await state.update_data(protocol_id=view.id)
    await query.answer()
    kb = InlineKeyboardBuilder()
    if view.content.attachments:
        kb.button(
            text=_("🧹 Remove the files"),
            callback_data=ProtoCb(action=ProtoAction.NO_FILES, protocol_id=view.id),
        )
    kb.button(
        text=_("✅ Done"), callback_data=ProtoCb(action=ProtoAction.DONE, protocol_id=view.id)
    )
    await query.message.answer(
        _(
            "Send the files to attach to the protocol (a presentation, a list of participants), "
            "up to {max} files of 20 MB each. They go with its copy."
        ).format(max=protocols.ATTACHMENTS_MAX),
        reply_markup=inline(kb, 1),
    )


async def file_sent(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert message.document is not None
    data = await state.get_data()
    protocol_id = int(data["protocol_id"])
    document = message.document
    view = await protocols.attach(
        session,
        actor,
        protocol_id,
        document.file_id,
        document.file_name or "file",
        document.file_size,
        clock.now(),
    )
    await message.answer(
        _("Attached: {name}. Files: {count}. Send more, or tap «Done».").format(
            name=quote(view.content.attachments[-1].name), count=len(view.content.attachments)
        ),
        reply_markup=done_keyboard(protocol_id),
    )


async def clear_files(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await protocols.clear_attachments(session, actor, callback_data.protocol_id, clock.now())
    await query.answer(_("The files are removed from the protocol."))


async def done(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«Done»: the «Слушали» messages are joined and saved; the other steps saved as they
    came. Then the card again."""
    assert isinstance(query.message, Message)
    current = await state.get_state()
    data = await state.get_data()
    joined = current in (ProtocolEdit.heard.state, ProtocolEdit.spoke.state)
    if joined and int(data.get("protocol_id", 0)) == callback_data.protocol_id:
        heard = protocols.join_heard(data.get("parts", []))
        if heard is None:
            await query.answer(_("Nothing was sent yet: send the text first."), show_alert=True)
            return
        save = protocols.set_heard if current == ProtocolEdit.heard.state else protocols.set_spoke
        await save(
            session, actor, callback_data.protocol_id, int(data["position"]), heard, clock.now()
        )
        await query.answer(_("Saved."))
    else:
        await query.answer()
    await state.clear()
    await show_protocol(
        query.message, session, actor, clock, callback_data.protocol_id, in_place=False
    )


def register(router: Router) -> None:
    on = router.callback_query.register
    text = router.message.register
    on(ask_heard, ProtoCb.filter(F.action == ProtoAction.HEARD))
    text(heard_part, ProtocolEdit.heard, WizardText())
    on(ask_spoke, ProtoCb.filter(F.action == ProtoAction.SPOKE))
    text(heard_part, ProtocolEdit.spoke, WizardText())
    on(ask_decision, ProtoCb.filter(F.action == ProtoAction.DECISION))
    text(decision_typed, ProtocolEdit.decision, WizardText())
    on(ask_guests, ProtoCb.filter(F.action == ProtoAction.GUESTS))
    text(guests_typed, ProtocolEdit.guests, WizardText())
    on(clear_guests, ProtoCb.filter(F.action == ProtoAction.NO_GUESTS))
    on(ask_files, ProtoCb.filter(F.action == ProtoAction.FILES))
    text(file_sent, ProtocolEdit.files, F.document)
    on(clear_files, ProtoCb.filter(F.action == ProtoAction.NO_FILES))
    on(done, ProtoCb.filter(F.action == ProtoAction.DONE))
