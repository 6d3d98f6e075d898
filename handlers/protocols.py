"""Protocols in the chat: the card of a draft with what is left to do, «Слушали» typed in one
or several messages, decisions reworded, invited guests, attached files, a preview as DOCX
and PDF, the two signatures, a correction of a signed protocol, and `/protocols`: the
archive by school year with downloads and a ZIP of the year."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import formats, protocol_files
from bot.messages import protocol_context, protocol_make_keyboard
from bot.render import render
from documents.archive import zip_parts
from handlers.ui import (
    WizardText,
    association_picker,
    edit,
    inline,
    menu,
    quote,
    short,
    show_card,
    show_page,
)
from models import MeetingForm
from services import associations, meetings, protocols
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.protocol_content import Question
from services.protocols import ProtocolView
from ui.callbacks.common import AssocPick, PickPage
from ui.callbacks.meetings import MeetingCb
from ui.callbacks.protocols import ProtoCb, ProtoList, RecipCb

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")
hints.message.filter(F.chat.type == "private")

QUESTION_BUTTONS = 4  # per row: «Слушали 1» … and «Решили 1» …


class ProtocolEdit(StatesGroup):
    heard = State()  # «Слушали» of one question: messages joined until «Done»
    decision = State()
    guests = State()
    files = State()
    correction = State()  # why a signed protocol is corrected
    recipients = State()  # picking interested persons from one's contacts


# ---------------------------------------------------------------- the card


def _keyboard(view: ProtocolView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if view.can_edit:
        questions = view.content.questions
        for q in questions:
            kb.button(
                text=_("Heard {n}").format(n=q.position) + (" ✅" if q.heard else " ✏️"),
                callback_data=ProtoCb(action="heard", protocol_id=view.id, arg=q.position),
            )
        sizes += _rows(len(questions))
        for q in questions:
            kb.button(
                text=_("Resolved {n}").format(n=q.position),
                callback_data=ProtoCb(action="decision", protocol_id=view.id, arg=q.position),
            )
        sizes += _rows(len(questions))
        kb.button(text=_("🎫 Guests"), callback_data=ProtoCb(action="guests", protocol_id=view.id))
        kb.button(text=_("📎 Files"), callback_data=ProtoCb(action="files", protocol_id=view.id))
        sizes.append(2)
    if view.unsigned_by_me:
        kb.button(
            text=_("✍️ Sign"),
            callback_data=ProtoCb(action="sign", protocol_id=view.id, arg=view.revision),
        )
        sizes.append(1)
    kb.button(
        text=_("📄 DOCX and PDF") if view.signed else _("📄 Preview as DOCX and PDF"),
        callback_data=ProtoCb(action="get", protocol_id=view.id),
    )
    sizes.append(1)
    if view.can_correct:
        kb.button(text=_("✏️ Correct"), callback_data=ProtoCb(action="correct", protocol_id=view.id))
        sizes.append(1)
    kb.button(text=_("🔄 Refresh"), callback_data=ProtoCb(action="open", protocol_id=view.id))
    sizes.append(1)
    kb.adjust(*sizes)
    return kb.as_markup()


def _rows(n: int) -> list[int]:
    full, rest = divmod(n, QUESTION_BUTTONS)
    return [QUESTION_BUTTONS] * full + ([rest] if rest else [])


async def _card(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    protocol_id: int,
    *,
    in_place: bool,
) -> ProtocolView:
    view = await protocols.get(session, actor, protocol_id)
    text = render("protocol_card.html", **protocol_context(view, clock.now()))
    kb = _keyboard(view)
    await show_card(message, text, kb, in_place=in_place)
    return view


@router.callback_query(ProtoCb.filter(F.action == "open"))
async def open_protocol(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    await _card(query.message, session, actor, clock, callback_data.protocol_id, in_place=True)
    await query.answer()


@router.callback_query(MeetingCb.filter(F.action == "protocol"))
async def meeting_protocol(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«📝 Protocol» of an ended meeting: its protocol, drafted now if it had none."""
    assert isinstance(query.message, Message)
    found = await protocols.of_meeting(session, actor, callback_data.meeting_id)
    if found is None:
        try:
            found = (await protocols.make(session, actor, callback_data.meeting_id, clock.now())).id
        except DomainError as error:
            if error.code not in (ErrorCode.NO_ATTENDANCE, ErrorCode.NO_BALLOTS):
                raise
            view = await meetings.get(session, actor, callback_data.meeting_id)
            await query.answer()
            kb = protocol_make_keyboard(view.id, roll=error.code is ErrorCode.NO_ATTENDANCE)
            text = render(
                "protocol_missing.html",
                m=view,
                day=formats.numeric(view.day) if view.day else "—",
                absentee=view.form is MeetingForm.ABSENTEE,
            )
            await query.message.answer(text, reply_markup=kb)
            return
    await _card(query.message, session, actor, clock, found, in_place=False)
    await query.answer()


# ---------------------------------------------------------------- completing the draft


def _done_keyboard(protocol_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Done"), callback_data=ProtoCb(action="done", protocol_id=protocol_id))
    return inline(kb, 1)


async def _editable(session: AsyncSession, actor: Actor, protocol_id: int) -> ProtocolView:
    """The draft, for one who may complete it (a signed one is refused as such)."""
    view = await protocols.get(session, actor, protocol_id)
    if not view.can_edit:
        raise DomainError(ErrorCode.PROTOCOL_SIGNED if view.signed else ErrorCode.FORBIDDEN)
    return view


async def _question(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int
) -> tuple[ProtocolView, Question]:
    view = await _editable(session, actor, protocol_id)
    for q in view.content.questions:
        if q.position == position:
            return view, q
    raise DomainError(ErrorCode.STALE)


@router.callback_query(ProtoCb.filter(F.action == "heard"))
async def ask_heard(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view, q = await _question(session, actor, callback_data.protocol_id, callback_data.arg)
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
    if q.heard:
        lines.append(_("Now: {text}").format(text=quote(q.heard[:300])))
        lines.append(_("What you send replaces it."))
    await query.message.answer("\n\n".join(lines), reply_markup=_done_keyboard(view.id))


@router.message(ProtocolEdit.heard, WizardText())
async def heard_part(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    parts = [*data.get("parts", []), message.text or ""]
    total = sum(len(p) for p in parts) + len(parts) - 1
    if total > protocols.HEARD_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=protocols.HEARD_MAX, length=total)
    await state.update_data(parts=parts)
    await message.answer(
        _("Received: {length} characters in {count} messages. Send more, or tap «Done».").format(
            length=total, count=len(parts)
        ),
        reply_markup=_done_keyboard(int(data["protocol_id"])),
    )


@router.callback_query(ProtoCb.filter(F.action == "decision"))
async def ask_decision(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view, q = await _question(session, actor, callback_data.protocol_id, callback_data.arg)
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


@router.message(ProtocolEdit.decision, WizardText())
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
    await _card(message, session, actor, clock, protocol_id, in_place=False)


@router.callback_query(ProtoCb.filter(F.action == "guests"))
async def ask_guests(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await _editable(session, actor, callback_data.protocol_id)
    await state.set_state(ProtocolEdit.guests)
    await state.update_data(protocol_id=view.id)
    await query.answer()
    kb = InlineKeyboardBuilder()
    if view.content.guests:
        kb.button(
            text=_("🧹 Clear the list"),
            callback_data=ProtoCb(action="noguests", protocol_id=view.id),
        )
    kb.button(text=_("✅ Done"), callback_data=ProtoCb(action="done", protocol_id=view.id))
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


@router.message(ProtocolEdit.guests, WizardText())
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
        reply_markup=_done_keyboard(protocol_id),
    )


@router.callback_query(ProtoCb.filter(F.action == "noguests"))
async def clear_guests(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await protocols.clear_guests(session, actor, callback_data.protocol_id, clock.now())
    await query.answer(_("The list of guests is cleared."))


@router.callback_query(ProtoCb.filter(F.action == "files"))
async def ask_files(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await _editable(session, actor, callback_data.protocol_id)
    await state.set_state(ProtocolEdit.files)
    await state.update_data(protocol_id=view.id)
    await query.answer()
    kb = InlineKeyboardBuilder()
    if view.content.attachments:
        kb.button(
            text=_("🧹 Remove the files"),
            callback_data=ProtoCb(action="nofiles", protocol_id=view.id),
        )
    kb.button(text=_("✅ Done"), callback_data=ProtoCb(action="done", protocol_id=view.id))
    await query.message.answer(
        _(
            "Send the files to attach to the protocol (a presentation, a list of participants), "
            "up to {max} files of 20 MB each. They go with its copy."
        ).format(max=protocols.ATTACHMENTS_MAX),
        reply_markup=inline(kb, 1),
    )


@router.message(ProtocolEdit.files, F.document)
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
        reply_markup=_done_keyboard(protocol_id),
    )


@router.callback_query(ProtoCb.filter(F.action == "nofiles"))
async def clear_files(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await protocols.clear_attachments(session, actor, callback_data.protocol_id, clock.now())
    await query.answer(_("The files are removed from the protocol."))


@router.callback_query(ProtoCb.filter(F.action == "done"))
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
    if current == ProtocolEdit.heard.state and int(data.get("protocol_id", 0)) == (
        callback_data.protocol_id
    ):
        parts = [p for p in data.get("parts", []) if p.strip()]
        if not parts:
            await query.answer(_("Nothing was sent yet: send the text first."), show_alert=True)
            return
        await protocols.set_heard(
            session,
            actor,
            callback_data.protocol_id,
            int(data["position"]),
            "\n".join(parts),
            clock.now(),
        )
        await query.answer(_("Saved."))
    else:
        await query.answer()
    await state.clear()
    await _card(query.message, session, actor, clock, callback_data.protocol_id, in_place=False)


# ---------------------------------------------------------------- files, signatures


@router.callback_query(ProtoCb.filter(F.action == "get"))
async def get_files(
    query: CallbackQuery,
    callback_data: ProtoCb,
    session: AsyncSession,
    actor: Actor,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The protocol as DOCX and PDF: a signed one as stored (the same files the members got),
    a draft drawn now, marked as a draft in the caption."""
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    await query.answer(_("Preparing the files…"))
    docx_name, pdf_name = protocol_files.names(view.content)
    if view.signed:
        docx, pdf = await protocol_files.signed_bytes(sessionmaker, view)
        caption = None
    else:
        docx, pdf = await protocol_files.draw(view.content)
        caption = _("Draft, not signed yet.")
    await query.message.answer_document(BufferedInputFile(docx, docx_name), caption=caption)
    await query.message.answer_document(BufferedInputFile(pdf, pdf_name), caption=caption)
    for attachment in view.content.attachments if view.signed else ():
        await query.message.answer_document(attachment.file_id)


@router.callback_query(ProtoCb.filter(F.action == "sign"))
async def sign(
    query: CallbackQuery, callback_data: ProtoCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    signed = await protocols.sign(
        session, actor, callback_data.protocol_id, callback_data.arg, clock.now()
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
    await _card(query.message, session, actor, clock, callback_data.protocol_id, in_place=True)


@router.callback_query(ProtoCb.filter(F.action == "correct"))
async def ask_correction(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    if not view.can_correct:
        raise DomainError(ErrorCode.FORBIDDEN)
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


@router.message(ProtocolEdit.correction, WizardText())
async def correction_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    protocol_id = int(data["protocol_id"])
    await protocols.correct(session, actor, protocol_id, message.text or "", clock.now())
    await state.clear()
    await _card(message, session, actor, clock, protocol_id, in_place=False)


# ---------------------------------------------------------------- the archive


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


async def _archive(
    session: AsyncSession, actor: Actor, clock: Clock, association_id: int, year: int | None
) -> tuple[str, InlineKeyboardMarkup]:
    found = await protocols.archive(session, actor, association_id, year, clock.now())
    rows = [
        {
            "number": r.number,
            "day": formats.numeric(r.meeting_day),
            "topic": r.topic,
            "signed": r.signed or r.issued,
            "overdue": r.overdue,
            "version": r.version,
        }
        for r in found.rows
    ]
    text = render(
        "protocols_list.html",
        a={"association": found.association, "rows": rows},
        year_label=_year_label(found.school_year),
    )
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    for r in found.rows:
        kb.button(text=f"№ {r.number}", callback_data=ProtoCb(action="open", protocol_id=r.id))
    sizes += [5] * (-(-len(found.rows) // 5))
    others = [y for y in found.years if y != found.school_year][:4]
    for y in others:
        kb.button(
            text=_year_label(y),
            callback_data=ProtoList(action="year", association_id=association_id, year=y),
        )
    if others:
        sizes.append(len(others))
    if found.can_export:
        kb.button(
            text=_("📨 Recipients of copies"),
            callback_data=RecipCb(action="list", association_id=association_id),
        )
        sizes.append(1)
    if found.can_export and any(r.signed or r.issued for r in found.rows):
        kb.button(
            text=_("🗜 ZIP of the year"),
            callback_data=ProtoList(
                action="zip", association_id=association_id, year=found.school_year
            ),
        )
        sizes.append(1)
    if sizes:
        kb.adjust(*sizes)
    return text, kb.as_markup()


@router.message(Command("protocols"), StateFilter("*"))
async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.PARTICIPATE)
    if not found:
        raise DomainError(
            ErrorCode.NOT_REGISTERED if actor.person_id is None else ErrorCode.FORBIDDEN
        )
    if len(found) == 1:
        text, kb = await _archive(session, actor, clock, found[0].id, None)
        await message.answer(text, reply_markup=kb)
        return
    await message.answer(_("Whose protocols?"), reply_markup=association_picker(found, "protocols"))


@router.callback_query(PickPage.filter(F.what == "protocols"))
async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.PARTICIPATE)
    await show_page(query, association_picker(found, "protocols", callback_data.page))


@router.callback_query(AssocPick.filter(F.action == "protocols"))
async def picked(
    query: CallbackQuery,
    callback_data: AssocPick,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    text, kb = await _archive(session, actor, clock, callback_data.association_id, None)
    await query.answer()
    await query.message.answer(text, reply_markup=kb)


@router.callback_query(ProtoList.filter(F.action == "year"))
async def year(
    query: CallbackQuery,
    callback_data: ProtoList,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    text, kb = await _archive(
        session, actor, clock, callback_data.association_id, callback_data.year
    )
    await query.answer()
    await edit(query.message, text, kb)


@router.callback_query(ProtoList.filter(F.action == "zip"))
async def export(
    query: CallbackQuery,
    callback_data: ProtoList,
    session: AsyncSession,
    actor: Actor,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A school year's signed protocols as DOCX and PDF in a ZIP (split under 50 MB)."""
    assert isinstance(query.message, Message)
    views = await protocols.signed_of_year(
        session, actor, callback_data.association_id, callback_data.year
    )
    if not views:
        raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
    await query.answer(_("Preparing the archive…"))
    entries: list[tuple[str, bytes]] = []
    for view in views:
        docx, pdf = await protocol_files.signed_bytes(sessionmaker, view)
        docx_name, pdf_name = protocol_files.names(view.content)
        entries += [(docx_name, docx), (pdf_name, pdf)]
    parts = zip_parts(entries)
    label = _year_label(callback_data.year).replace("/", "-")
    for n, part in enumerate(parts, start=1):
        suffix = f"_{n}" if len(parts) > 1 else ""
        await query.message.answer_document(
            BufferedInputFile(part, f"protocols_{label}{suffix}.zip"),
            caption=_("Protocols of {year}: {count}").format(
                year=_year_label(callback_data.year), count=len(views)
            ),
        )


# ---------------------------------------------------------------- interested persons

PICK_REQUEST = 1  # request_id of the «choose from contacts» button


def _recipients_view(
    association_id: int, found: list[protocols.Recipient]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _(
            "<b>Recipients of copies</b>: interested persons outside the association (a school "
            "director, the methodological centre). Each signed protocol goes to them too."
        )
    ]
    kb = InlineKeyboardBuilder()
    for n, r in enumerate(found, start=1):
        lines.append(f"{n}. {quote(r.name)}")
        kb.button(
            text=_("✖️ {n}").format(n=n),
            callback_data=RecipCb(action="rm", association_id=association_id, chat_id=r.chat_id),
        )
    if not found:
        lines.append(_("Nobody yet."))
    kb.button(
        text=_("➕ Add from my contacts"),
        callback_data=RecipCb(action="add", association_id=association_id),
    )
    kb.adjust(*([5] * (-(-len(found) // 5))), 1)
    return "\n".join(lines), kb.as_markup()


@router.callback_query(RecipCb.filter(F.action == "list"))
async def show_recipients(
    query: CallbackQuery, callback_data: RecipCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    found = await protocols.recipient_list(session, actor, callback_data.association_id)
    await query.answer()
    text, kb = _recipients_view(callback_data.association_id, found)
    await query.message.answer(text, reply_markup=kb)


@router.callback_query(RecipCb.filter(F.action == "rm"))
async def remove_recipient(
    query: CallbackQuery, callback_data: RecipCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    found = await protocols.remove_recipient(
        session, actor, callback_data.association_id, callback_data.chat_id, clock.now()
    )
    await query.answer(_("Removed."))
    text, kb = _recipients_view(callback_data.association_id, found)
    await edit(query.message, text, kb)


@router.callback_query(RecipCb.filter(F.action == "add"))
async def ask_recipients(
    query: CallbackQuery,
    callback_data: RecipCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    await protocols.recipient_list(session, actor, callback_data.association_id)  # the right
    await state.set_state(ProtocolEdit.recipients)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [
                KeyboardButton(
                    text=_("👤 Choose from contacts"),
                    request_users=KeyboardButtonRequestUsers(
                        request_id=PICK_REQUEST,
                        user_is_bot=False,
                        max_quantity=10,
                        request_name=True,
                    ),
                )
            ]
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await query.message.answer(
        _(
            "Tap «Choose from contacts» below and pick up to 10 people. They get each signed "
            "protocol in this chat once they have opened the bot. /cancel to stop."
        ),
        reply_markup=keyboard,
    )


@router.message(ProtocolEdit.recipients, F.users_shared)
async def recipients_shared(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert message.users_shared is not None
    data = await state.get_data()
    association_id = int(data["association_id"])
    shared = [
        (u.user_id, " ".join(p for p in (u.first_name, u.last_name) if p) or None)
        for u in message.users_shared.users
    ]
    found = await protocols.add_recipients(session, actor, association_id, shared, clock.now())
    await state.clear()
    await message.answer(_("Added."), reply_markup=menu(actor))
    text, kb = _recipients_view(association_id, found)
    await message.answer(text, reply_markup=kb)


@router.callback_query(RecipCb.filter(F.action == "stop"))
async def stop_copies(query: CallbackQuery, callback_data: RecipCb, session: AsyncSession) -> None:
    """An interested person asks for no more copies of this association's protocols."""
    await protocols.unsubscribe(session, query.from_user.id, callback_data.association_id)
    await query.answer(_("You will get no more protocols of this association."), show_alert=True)
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)


@hints.message(
    StateFilter(
        ProtocolEdit.heard, ProtocolEdit.decision, ProtocolEdit.guests, ProtocolEdit.correction
    )
)
async def text_hint(message: Message) -> None:
    await message.answer(_("Please send text, or /cancel."))


@hints.message(StateFilter(ProtocolEdit.recipients))
async def recipients_hint(message: Message) -> None:
    await message.answer(_("Tap «Choose from contacts» on the keyboard below, or /cancel."))


@hints.message(StateFilter(ProtocolEdit.files))
async def files_hint(message: Message) -> None:
    await message.answer(_("Please send a file as a document, or tap «Done»."))
