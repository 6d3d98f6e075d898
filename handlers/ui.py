"""Shared pieces of the interface: the persistent menu, pickers, links, labels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.deep_linking import create_start_link, create_startgroup_link
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from bot.render import split_message
from models import AssociationKind, InviteKind, Role
from services.associations import AssociationView
from services.capabilities import may_check, may_overview, may_view_analysis
from services.permissions import Actor
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage
from ui.common import days_phrase as days_phrase
from ui.common import inline as inline

quote = html_decoration.quote  # escapes user text put into a translated HTML string


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return msgid


# Menu labels: matched in every language, since a person may switch languages.
MENU_PROFILE = N_("👤 My profile")
MENU_HELP = N_("❓ Help")
MENU_MEMBERS = N_("👥 Members")
MENU_INVITE = N_("🔗 Invite")
MENU_ANNOUNCE = N_("📣 Announcement")
MENU_MEETINGS = N_("📅 Meetings")
MENU_NEW_MEETING = N_("📝 New meeting")
MENU_PLAN = N_("📅 Plan for the year")
MENU_CHECK = N_("✅ Check")
MENU_ANALYSIS = N_("📊 Analysis of the year")
MENU_OVERVIEW = N_("🗂 Overview")
# Every persistent-menu label: a wizard never takes one of them as an answer (WizardText).
MENU_LABELS: tuple[str, ...] = (
    MENU_PROFILE,
    MENU_HELP,
    MENU_MEMBERS,
    MENU_INVITE,
    MENU_ANNOUNCE,
    MENU_MEETINGS,
    MENU_NEW_MEETING,
    MENU_PLAN,
    MENU_CHECK,
    MENU_ANALYSIS,
    MENU_OVERVIEW,
)


def _label_texts(msgids: Sequence[str]) -> set[str]:
    """The labels in every language (and the msgids themselves)."""
    i18n = get_i18n()
    return {
        text
        for msgid in msgids
        for text in (msgid, *(i18n.gettext(msgid, locale=c) for c in i18n.available_locales))
    }


class MenuButton(Filter):
    """Matches a persistent-menu button in any language."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and message.text in _label_texts([self.msgid])


class WizardText(Filter):
    """Text typed as the answer to a wizard's question: not a command (`/…`) and not a
    persistent-menu button in any language. Those reach their own handlers, which leave the
    wizard; an unknown command gets the wizard's hint (the `hints` routers, included after
    every feature router)."""

    async def __call__(self, message: Message) -> bool:
        if message.text is None:
            return False
        text = message.text.strip()  # blank text is an answer too: its handler says so
        return not text.startswith("/") and text not in _label_texts(MENU_LABELS)


def menu(actor: Actor) -> ReplyKeyboardMarkup:
    """The persistent menu: a teacher's actions without commands."""
    rows = [
        [KeyboardButton(text=_(MENU_MEETINGS))],
        [KeyboardButton(text=_(MENU_PROFILE)), KeyboardButton(text=_(MENU_HELP))],
    ]
    if actor.is_staff:
        rows.insert(0, [KeyboardButton(text=_(MENU_MEMBERS)), KeyboardButton(text=_(MENU_INVITE))])
        rows.insert(
            1, [KeyboardButton(text=_(MENU_NEW_MEETING)), KeyboardButton(text=_(MENU_ANNOUNCE))]
        )
        rows.insert(2, [KeyboardButton(text=_(MENU_PLAN))])
        if may_check(actor):
            rows[2].append(KeyboardButton(text=_(MENU_CHECK)))
        if may_view_analysis(actor):
            rows[2].append(KeyboardButton(text=_(MENU_ANALYSIS)))
        if may_overview(actor):
            rows[2].append(KeyboardButton(text=_(MENU_OVERVIEW)))
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


# Cities of the time zone picker (services.associations.TIMEZONES), by IANA name.
_CITIES: dict[str, str] = {
    "Europe/Kaliningrad": N_("Kaliningrad"),
    "Europe/Moscow": N_("Moscow"),
    "Europe/Samara": N_("Samara"),
    "Asia/Yekaterinburg": N_("Yekaterinburg"),
    "Asia/Omsk": N_("Omsk"),
    "Asia/Novosibirsk": N_("Novosibirsk"),
    "Asia/Krasnoyarsk": N_("Krasnoyarsk"),
    "Asia/Irkutsk": N_("Irkutsk"),
    "Asia/Yakutsk": N_("Yakutsk"),
    "Asia/Vladivostok": N_("Vladivostok"),
    "Asia/Magadan": N_("Magadan"),
    "Asia/Kamchatka": N_("Kamchatka"),
}


def city_label(timezone: str, fallback: str) -> str:
    """A picker city in the user's language (`fallback`: the service's own label)."""
    msgid = _CITIES.get(timezone)
    return _(msgid) if msgid else fallback


def local_time(at: datetime, timezone: str) -> str:
    """A moment as people read it where they are: date and time in `timezone`."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def role_label(role: Role) -> str:
    return {
        Role.CHAIR: _("chair"),
        Role.DEPUTY: _("deputy chair"),
        Role.SECRETARY: _("secretary"),
        Role.MEMBER: _("member"),
    }[role]


def kind_label(kind: AssociationKind) -> str:
    return {
        AssociationKind.RMO: _("district association (РМО)"),
        AssociationKind.GMO: _("city association (ГМО)"),
        AssociationKind.SHMO: _("school association (ШМО)"),
        AssociationKind.COUNCIL: _("methodological council"),
        AssociationKind.MMA: _("municipal methodological team (ММА)"),
        AssociationKind.RESOURCE_CENTRE: _("resource centre"),
        AssociationKind.CREATIVE_GROUP: _("creative group"),
    }[kind]


def invite_label(kind: InviteKind) -> str:
    return {
        InviteKind.MEMBER: _("members (reusable link)"),
        InviteKind.SECRETARY: _("secretary (single-use link)"),
        InviteKind.DEPUTY: _("deputy chair (single-use link)"),
        InviteKind.CHAIR: _("chair (single-use link)"),
        InviteKind.METHODIST: _("methodist (single-use link)"),
        InviteKind.GROUP: _("the association's group chat"),
    }[kind]


T = TypeVar("T")
PICKER_PAGE = 20  # buttons per page of a picker


def picker(
    items: Sequence[T],
    button: Callable[[T], tuple[str, CallbackData]],
    what: Picker,
    page: int = 0,
) -> InlineKeyboardMarkup:
    """One button per item, 20 per page, with ◀️ ▶️ (`PickPage(what, page)`) when there are
    more: every item is reachable, however many there are. A page past the end (the list
    shrank meanwhile) shows the last one."""
    pages = max(1, -(-len(items) // PICKER_PAGE))
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    for item in items[page * PICKER_PAGE : (page + 1) * PICKER_PAGE]:
        text, data = button(item)
        builder.button(text=text[:60], callback_data=data)
    builder.adjust(1)
    if pages > 1:
        nav = InlineKeyboardBuilder()
        if page > 0:
            nav.button(text="◀️", callback_data=PickPage(what=what, page=page - 1))
        nav.button(text=f"{page + 1} / {pages}", callback_data=PickPage(what=what, page=page))
        if page + 1 < pages:
            nav.button(text="▶️", callback_data=PickPage(what=what, page=page + 1))
        builder.attach(nav)
    return builder.as_markup()


def association_picker(
    associations: Sequence[AssociationView], action: AssocAction, page: int = 0
) -> InlineKeyboardMarkup:
    """Associations to choose for `action`; the page buttons are `PickPage` of the picker
    with the action's code."""
    return picker(
        associations,
        lambda a: (a.name, AssocPick(action=action, association_id=a.id)),
        Picker(AssocAction(action).value),
        page,
    )


async def start_link(bot: Bot, token: str) -> str:
    return await create_start_link(bot, token)


async def group_link(bot: Bot, token: str) -> str:
    return await create_startgroup_link(bot, token)


def short(text: str, limit: int = 200) -> str:
    """A callback answer (toast or alert) holds at most 200 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def edit(message: Message, text: str, kb: InlineKeyboardMarkup | None) -> None:
    """Edit a bot message only when something changed, always resending the keyboard (an
    edit without one removes it); "message is not modified" (a double tap, or another
    editor who was first) is not an error."""
    if message.html_text == text and message.reply_markup == kb:
        return
    try:
        await message.edit_text(text, reply_markup=kb)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


async def show_card(
    message: Message, text: str, kb: InlineKeyboardMarkup | None, *, in_place: bool = False
) -> None:
    """A card that may pass 4,096 characters: edited in place when asked and it fits one
    message, else sent as several messages (cut between lines) with the keyboard under the
    last one."""
    chunks = split_message(text.split("\n"))
    if in_place and len(chunks) == 1:
        await edit(message, chunks[0], kb)
        return
    for chunk in chunks[:-1]:
        await message.answer(chunk)
    await message.answer(chunks[-1], reply_markup=kb)


async def send_built(
    query: CallbackQuery,
    file_name: str,
    build: Callable[..., bytes],
    *args: Any,
    photo: bool = False,
) -> None:
    """Answer the tap, then build a document or a picture off the event loop (CPU work:
    openpyxl, python-docx, matplotlib) and send it to the chat the tap came from."""
    await query.answer()
    if not isinstance(query.message, Message):
        return
    data = await asyncio.to_thread(build, *args)
    made = BufferedInputFile(data, file_name)
    if photo:
        await query.message.answer_photo(made)
    else:
        await query.message.answer_document(made)


async def show_page(query: CallbackQuery, kb: InlineKeyboardMarkup) -> None:
    """Show another page of a picker in place (nothing to do when it is the same page)."""
    await query.answer()
    message = query.message
    if not isinstance(message, Message) or message.reply_markup == kb:
        return
    try:
        await message.edit_reply_markup(reply_markup=kb)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


async def close_button(query: CallbackQuery | None) -> None:
    """Answer the button that led here and take its keyboard away.

    Call it only after the service call of the step succeeded: a query can be answered once,
    so an error has to come first (as an alert, with the buttons still there to try again).
    """
    if query is None:
        return
    await query.answer()
    if isinstance(query.message, Message):
        await drop_buttons(query.message)


async def drop_buttons(message: Message) -> None:
    """Take the buttons off a message already answered. Tidying only: when Telegram cannot
    be reached even after the retries (bot.retry), the step goes on to its next question,
    which matters more (a step cut short here would leave the wizard without it)."""
    try:
        await message.edit_reply_markup(reply_markup=None)
    except (TelegramServerError, TelegramNetworkError, TelegramRetryAfter) as exc:
        logging.getLogger(__name__).info("buttons left on a message: %s", exc.message)


_BACKGROUND: set[asyncio.Task[Any]] = set()


def later(call: Awaitable[Any]) -> None:
    """A call the person does not need at once (removing the buttons of a message already
    answered): it waits for the limiter in the background, never holding up the handler."""

    async def run() -> None:
        try:
            await call
        except TelegramAPIError as exc:
            logging.getLogger(__name__).info("background call failed: %s", exc.message)

    task = asyncio.create_task(run())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)
