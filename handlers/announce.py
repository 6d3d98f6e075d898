"""/announce: a chair, deputy, secretary or methodist writes to the members (a methodist: to
one association or to every association of the service; a centre's: to all its associations
or the services ticked, to the chairs or to every member), previews it exactly as members will
see it, and sends it through the outbox; the author then sees the progress and a summary.

The draft lives in the database and the preview's buttons carry its id, so a restart loses
nothing: /announce offers the unsent draft again."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import files
from bot.config import Settings
from bot.messages import Part, announcement_parts, split_parts
from bot.render import render
from handlers.centres import audience_keyboard, audience_text
from handlers.ui import MENU_ANNOUNCE, MenuButton, WizardText, inline, later, quote
from services import announcements, broadcasts, centres, outbox
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.common import (
    AnnounceAction,
    AnnounceCb,
    AnnounceTarget,
    AudienceAction,
    AudienceCb,
)


class Announce(StatesGroup):
    text = State()


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, settings: Settings
) -> None:
    await state.clear()
    found = await announcements.targets(session, actor)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    draft = await announcements.latest_draft(session, actor)
    if draft is not None:
        await message.answer(_("You have an unsent announcement. Here it is:"))
        await _preview(message, session, actor, draft, settings)
        return
    if len(found) == 1:
        await _chosen(message, state, session, actor, found[0])
        return
    kb = InlineKeyboardBuilder()
    for target in found[:50]:
        label = (
            _("🏛 All associations of «{name}»").format(name=target.name)
            if target.service_id is not None
            else target.name
        )
        kb.button(
            text=label[:60],
            callback_data=AnnounceTarget(
                association_id=target.association_id or 0, service_id=target.service_id or 0
            ),
        )
    await message.answer(_("Whom is the announcement for?"), reply_markup=inline(kb, 1))


async def _chosen(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    target: announcements.Target,
) -> None:
    """A centre's whole-service target first asks which services and whom (issue 18)."""
    options = (
        await centres.choices(session, actor, target.service_id)
        if target.service_id is not None
        else []
    )
    if not options:
        await _ask_text(message, state, target)
        return
    chosen = [i for i, _ in options]
    await state.update_data(
        audience_centre=target.service_id, name=target.name, chosen=chosen, chairs_only=False
    )
    await message.answer(
        audience_text(target.name, chosen, False),
        reply_markup=audience_keyboard(target.service_id or 0, options, chosen, False),
    )


async def audience(
    query: CallbackQuery,
    callback_data: AudienceCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """The ✅ toggles, «all», the chairs only, and «Next» of a centre's announcement."""
    data = await state.get_data()
    centre_id = callback_data.centre_id
    options = await centres.choices(session, actor, centre_id)
    if not options:
        raise DomainError(ErrorCode.FORBIDDEN)
    if data.get("audience_centre") != centre_id:
        raise DomainError(ErrorCode.STALE)
    ids = [i for i, _ in options]
    chosen: list[int] = [i for i in data.get("chosen", []) if i in ids]
    chairs_only = bool(data.get("chairs_only"))
    action = callback_data.action
    if action is AudienceAction.TOGGLE:
        if callback_data.service_id not in ids:
            raise DomainError(ErrorCode.FORBIDDEN)
        if callback_data.service_id in chosen:
            chosen.remove(callback_data.service_id)
        else:
            chosen.append(callback_data.service_id)
    elif action is AudienceAction.ALL:
        chosen = list(ids)
    elif action is AudienceAction.CHAIRS:
        chairs_only = not chairs_only
    else:
        if not chosen:
            raise DomainError(ErrorCode.SELECTION_EMPTY)
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_reply_markup(reply_markup=None)
        name = str(data.get("name", ""))
        target = announcements.Target(
            None, centre_id, name, services=tuple(sorted(chosen)), chairs_only=chairs_only
        )
        await _ask_text(query.message, state, target)
        return
    await state.update_data(chosen=chosen, chairs_only=chairs_only)
    await query.answer()
    assert isinstance(query.message, Message)
    name = str(data.get("name", ""))
    await query.message.edit_text(
        audience_text(name, chosen, chairs_only),
        reply_markup=audience_keyboard(centre_id, options, chosen, chairs_only),
    )


async def _ask_text(message: Message, state: FSMContext, target: announcements.Target) -> None:
    await state.set_state(Announce.text)
    await state.update_data(
        association_id=target.association_id,
        service_id=target.service_id,
        name=target.name,
        services=list(target.services) if target.services is not None else None,
        chairs_only=target.chairs_only,
    )
    await message.answer(
        _(
            "Write the announcement for «{name}»: text (up to 3,500 characters), or a file "
            "or a photo with a caption. You will see it before it is sent. /cancel to stop."
        ).format(name=quote(target.name))
    )


async def target_chosen(
    query: CallbackQuery,
    callback_data: AnnounceTarget,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    found = await announcements.targets(session, actor)
    chosen = [
        t
        for t in found
        if (t.association_id or 0) == callback_data.association_id
        and (t.service_id or 0) == callback_data.service_id
    ]
    if not chosen:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    assert isinstance(query.message, Message)
    await _chosen(query.message, state, session, actor, chosen[0])


async def written(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    data = await state.get_data()
    services = data.get("services")
    target = announcements.Target(
        data.get("association_id"),
        data.get("service_id"),
        "",
        services=tuple(services) if services is not None else None,
        chairs_only=bool(data.get("chairs_only")),
    )
    file_id = file_kind = file_name = None
    size: int | None = None
    if message.document is not None:
        file_id, file_kind = message.document.file_id, "document"
        file_name, size = message.document.file_name, message.document.file_size
    elif message.photo:
        file_id, file_kind = message.photo[-1].file_id, "photo"
        file_name, size = "photo.jpg", message.photo[-1].file_size
    content = await files.download(bot, file_id, size) if file_id else None
    draft = await announcements.save_draft(
        session,
        actor,
        target,
        clock.now(),
        text=message.text if message.text is not None else message.caption,
        file_id=file_id,
        file_kind=file_kind,
        file_name=file_name,
        content=content,
    )
    await state.clear()
    await _preview(message, session, actor, draft, settings)


async def hint(message: Message) -> None:
    await message.answer(
        _("Please send the announcement as text, or a file or a photo with a caption; /cancel.")
    )


def _controls(draft_id: int, recipients: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    labels = {
        AnnounceAction.SEND: _("📤 Send to {count}").format(count=recipients),
        AnnounceAction.EDIT: _("✏️ Write again"),
        AnnounceAction.DISCARD: _("✖️ Discard"),
    }
    for action, label in labels.items():
        kb.button(text=label, callback_data=AnnounceCb(action=action, draft_id=draft_id))
    return inline(kb, 1, 2)


async def _send_part(message: Message, part: Part) -> None:
    if part.text is not None:
        await message.answer(part.text, disable_web_page_preview=True)
    elif part.file_kind == "photo":
        assert part.file_id is not None
        await message.answer_photo(part.file_id, caption=part.caption)
    else:
        assert part.file_id is not None
        await message.answer_document(part.file_id, caption=part.caption)


def duration(seconds: int) -> str:
    """«≈ 40 с», «≈ 2 мин»: whole minutes rounded up from a minute on."""
    if seconds < 60:
        return _("≈ {n} s").format(n=seconds)
    return _("≈ {n} min").format(n=-(-seconds // 60))


async def _preview(
    message: Message, session: AsyncSession, actor: Actor, draft_id: int, settings: Settings
) -> None:
    """The announcement exactly as members will see it, then the buttons; for a whole
    service or a centre, whom and how long sending takes at Telegram's pace."""
    content = await announcements.preview(session, actor, draft_id)
    for part in split_parts(announcement_parts(content)):
        await _send_part(message, part)
    count = content.recipients or 0
    lines = [_("⬆️ This is how members will see it. Recipients: {count}.").format(count=count)]
    if content.whole_service:
        seconds = centres.send_seconds(count, settings.rate_per_second)
        lines.append(
            _("To: {who}. Sending takes {time} at Telegram's pace.").format(
                who=_("the chairs only") if content.chairs_only else _("every member"),
                time=duration(seconds),
            )
        )
    await message.answer("\n".join(lines), reply_markup=_controls(draft_id, count))


async def send(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    sent = await announcements.send(
        session,
        actor,
        callback_data.draft_id,
        clock.now(),
        progress_chat_id=query.message.chat.id,
        locale=get_i18n().current_locale,
    )
    await query.answer(_("Sending…"))
    later(query.message.edit_reply_markup(reply_markup=None))
    progress = await query.message.answer(
        render(
            "broadcast_progress.html",
            s=outbox.GroupStatus(sent.recipients, 0, sent.recipients, 0, 0, 0, 0),
            total=sent.recipients,
            done=False,
            what=_("announcement"),
        )
    )
    if not await broadcasts.set_message(session, sent.broadcast_id, progress.message_id):
        later(progress.delete())  # the engine sent one meanwhile: one progress message


async def edit(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    content = await announcements.preview(session, actor, callback_data.draft_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await _ask_text(
        query.message,
        state,
        announcements.Target(
            content.association_id,
            content.service_id,
            content.target_name,
            services=content.services,
            chairs_only=content.chairs_only,
        ),
    )


async def discard(
    query: CallbackQuery, callback_data: AnnounceCb, session: AsyncSession, actor: Actor
) -> None:
    await announcements.discard(session, actor, callback_data.draft_id)
    await query.answer(_("Discarded."))
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("The announcement was discarded."), reply_markup=None)


def setup() -> Router:
    """/announce: target, text, preview, send (or write again, or discard)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(begin, MenuButton(MENU_ANNOUNCE), StateFilter("*"))
    router.message.register(begin, Command("announce"), StateFilter("*"))
    router.callback_query.register(target_chosen, AnnounceTarget.filter())
    router.callback_query.register(audience, AudienceCb.filter())
    router.message.register(written, Announce.text, F.document | F.photo)
    router.message.register(written, Announce.text, WizardText())
    router.callback_query.register(send, AnnounceCb.filter(F.action == AnnounceAction.SEND))
    router.callback_query.register(edit, AnnounceCb.filter(F.action == AnnounceAction.EDIT))
    router.callback_query.register(discard, AnnounceCb.filter(F.action == AnnounceAction.DISCARD))
    return router


def setup_hints() -> Router:
    """Included after every feature router: anything else sent instead of the text."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(hint, Announce.text)
    return hints
