"""The command menus: the default one (a teacher's, set at start-up by `set_commands`) and
the menu of one person's chat.

A person with a staff role gets a menu of their own chat with their commands, in their
language, when they /start, finish registering or change the language (`refresh_menu`); one
who lost every staff role has it deleted at their next /start, and /forget deletes it too.

Below every feature router and above nothing of the application: `bot.app` calls
`set_commands` at start-up, the handlers call `refresh_menu`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n, get_i18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.ui import N_
from services.capabilities import (
    may_announce,
    may_check,
    may_create_associations,
    may_overview,
    may_review_schools,
)
from services.people import load_actor
from services.permissions import Actor

log = logging.getLogger(__name__)

# (command, msgid of its description). The default menu, in ru and en: what a teacher can do.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and main menu")),
    ("help", N_("What I can do for you")),
    ("profile", N_("Your profile")),
    ("protocols", N_("Protocols of your association")),
    ("surveys", N_("Surveys: answer, and results of yours")),
    ("language", N_("Русский / English")),
    ("mydata", N_("Your stored data as a file")),
    ("forget", N_("Delete your personal data")),
    ("cancel", N_("Stop the current action")),
)
# Staff menus add these after /profile (a menu of the person's own chat, in their language).
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("members", N_("Roster of the association")),
    ("invite", N_("Invite links")),
    ("plan", N_("Work plan for the school year")),
)
CHECK_COMMANDS: tuple[tuple[str, str], ...] = (
    ("check", N_("Checks of the regulations: what is missing")),
)
OVERVIEW_COMMANDS: tuple[tuple[str, str], ...] = (
    ("overview", N_("Every association of the service at a glance")),
)
ANNOUNCE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("announce", N_("Announcement to the members")),
    ("poll", N_("Quick poll of the members")),
    ("survey", N_("Survey: needs, satisfaction, your own questions")),
)
REVIEWER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("schools", N_("School directory, new schools to approve")),
)
CREATOR_COMMANDS: tuple[tuple[str, str], ...] = (("newassociation", N_("Create an association")),)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("newservice", N_("Create a methodological service")),
    ("newmunicipality", N_("Add a municipality")),
    ("newmethodist", N_("Link for a methodist")),
    ("centre", N_("Group a service under a centre")),
    ("backup", N_("Back up the database now")),
)


def commands_for(actor: Actor) -> tuple[tuple[str, str], ...] | None:
    """The command menu of a person with a staff role (chair, deputy, secretary, methodist,
    admin): the commands they may use; None for everybody else (the default menu)."""
    if not actor.is_staff:
        return None
    extra = list(STAFF_COMMANDS)
    if may_check(actor):
        extra += CHECK_COMMANDS
    if may_overview(actor):
        extra += OVERVIEW_COMMANDS
    if may_announce(actor):
        extra += ANNOUNCE_COMMANDS  # the admin as such announces to nobody
    if may_review_schools(actor):
        extra += REVIEWER_COMMANDS  # a secretary does not approve schools
    if may_create_associations(actor):
        extra += CREATOR_COMMANDS
    if actor.is_admin:
        extra += ADMIN_COMMANDS
    return (*COMMANDS[:3], *extra, *COMMANDS[3:])


def bot_commands(commands: Sequence[tuple[str, str]], i18n: I18n, locale: str) -> list[BotCommand]:
    return [BotCommand(command=c, description=i18n.gettext(d, locale=locale)) for c, d in commands]


async def set_person_commands(
    bot: Bot, actor: Actor, chat_id: int, i18n: I18n, locale: str | None
) -> None:
    """The menu of one person's private chat: their staff commands in their language, or,
    without a staff role, no menu of their own (the default one shows)."""
    commands = commands_for(actor)
    scope = BotCommandScopeChat(chat_id=chat_id)
    if commands is None:
        await bot.delete_my_commands(scope=scope)
        return
    if locale not in i18n.available_locales:
        locale = i18n.default_locale
    await bot.set_my_commands(bot_commands(commands, i18n, locale), scope=scope)


async def set_commands(
    bot: Bot,
    i18n: I18n,
    admin_ids: list[int],
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> None:
    """The default menu (a teacher's) in ru (default) and en; each admin's own menu in the
    admin's language (read from the database when `sessionmaker` is given). Other staff get
    theirs when they /start, register or change the language (`refresh_menu`)."""
    for locale in i18n.available_locales:
        commands = bot_commands(COMMANDS, i18n, locale)
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=locale)
        if locale == i18n.default_locale:
            await bot.set_my_commands(commands, scope=BotCommandScopeDefault())
    for admin_id in admin_ids:
        actor = Actor(external_id=admin_id, is_admin=True)
        if sessionmaker is not None:
            async with sessionmaker() as session:
                actor = await load_actor(session, admin_id, admin_ids)
        try:
            await set_person_commands(bot, actor, admin_id, i18n, actor.locale)
        except TelegramAPIError as exc:  # the admin has not opened the bot yet
            log.info("admin %s: commands not set yet (%s)", admin_id, exc.message)


async def refresh_menu(bot: Bot, actor: Actor, chat_id: int, locale: str | None = None) -> None:
    """Set (or delete) the person's own menu; `locale` defaults to the update's language.

    The menu is a convenience: a refusal from Telegram is logged, never shown to the person.
    """
    i18n = get_i18n()
    try:
        await set_person_commands(bot, actor, chat_id, i18n, locale or i18n.current_locale)
    except TelegramAPIError as exc:
        log.warning("chat %s: command menu not updated (%s)", chat_id, exc.message)
