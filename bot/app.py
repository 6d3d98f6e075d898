"""Builds the Bot, the Dispatcher and their wiring; runs long polling until a signal."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from bot.limiter import LimiterMiddleware, Limits, RateLimiter
from bot.middlewares import (
    ActorMiddleware,
    DbSessionMiddleware,
    LocaleMiddleware,
    PerPersonOrder,
)
from handlers import build_root_router
from handlers.errors import ErrorReplyMiddleware
from handlers.ui import N_
from models import Role
from scheduler.engine import Delivery, EngineSettings
from services.clock import Clock, SystemClock
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
)


def commands_for(actor: Actor) -> tuple[tuple[str, str], ...] | None:
    """The command menu of a person with a staff role (chair, deputy, secretary, methodist,
    admin): the commands they may use; None for everybody else (the default menu)."""
    if not actor.is_staff:
        return None
    leading = {Role.CHAIR, Role.DEPUTY}
    roles = set(actor.roles.values())
    extra = list(STAFF_COMMANDS)
    if actor.is_methodist or roles - {Role.MEMBER}:
        extra += ANNOUNCE_COMMANDS  # the admin as such announces to nobody
    if actor.is_admin or actor.is_methodist or roles & leading:
        extra += REVIEWER_COMMANDS  # a secretary does not approve schools
    if actor.is_admin or actor.is_methodist:
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


def build_limiter(settings: Settings) -> RateLimiter:
    return RateLimiter(
        Limits(per_second=settings.rate_per_second, per_chat_second=settings.rate_per_chat_second)
    )


def build_bot(settings: Settings, limiter: RateLimiter | None = None) -> Bot:
    """The Bot, its every message-producing call paced by the one limiter."""
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        if settings.telegram_api_base
        else AiohttpSession()
    )
    session.middleware(LimiterMiddleware(limiter or build_limiter(settings)))
    return Bot(
        settings.bot_token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def engine_settings(settings: Settings) -> EngineSettings:
    return EngineSettings(
        tick_seconds=settings.tick_seconds,
        progress_seconds=settings.progress_seconds,
        concurrency=settings.send_concurrency,
        send_timeout=settings.send_timeout,
        lease=timedelta(seconds=settings.lease_seconds),
        default_locale=settings.default_locale,
        clock_seconds=max(15.0, settings.tick_seconds),
    )


# An abandoned wizard's state is dropped after this long (drafts live in the database).
FSM_TTL_SECONDS = 30 * 24 * 3600


def build_storage(settings: Settings, *, prefix: str = "fsm") -> BaseStorage:
    """Wizard state: in memory, or in Redis when REDIS_URL is set. Keys carry the bot's id,
    so two bots (staging and production) can share one Redis database."""
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(
            settings.redis_url,
            key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True),
            state_ttl=FSM_TTL_SECONDS,
            data_ttl=FSM_TTL_SECONDS,
        )
    return MemoryStorage()


def build_i18n(settings: Settings) -> I18n:
    return I18n(path=LOCALES_DIR, default_locale=settings.default_locale, domain=DOMAIN)


def build_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    clock: Clock | None = None,
    storage: BaseStorage | None = None,
    i18n: I18n | None = None,
) -> Dispatcher:
    dp = Dispatcher(storage=storage or build_storage(settings))
    dp["settings"] = settings
    dp["clock"] = clock or SystemClock()
    dp["admin_ids"] = list(settings.admin_ids)
    dp["sessionmaker"] = sessionmaker
    i18n = i18n or build_i18n(settings)
    dp["i18n_instance"] = i18n
    dp.update.outer_middleware(PerPersonOrder())
    dp.update.outer_middleware(DbSessionMiddleware(sessionmaker))
    dp.update.outer_middleware(ActorMiddleware(list(settings.admin_ids)))
    dp.update.outer_middleware(LocaleMiddleware(i18n))
    dp.update.outer_middleware(ErrorReplyMiddleware())
    dp.include_router(build_root_router())
    dp.startup.register(_on_startup)
    dp.shutdown.register(_on_shutdown)
    return dp


async def set_commands(
    bot: Bot,
    i18n: I18n,
    admin_ids: list[int],
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> None:
    """The default menu (a teacher's) in ru (default) and en; each admin's own menu in the
    admin's language (read from the database when `sessionmaker` is given). Other staff get
    theirs when they /start, register or change the language (handlers.commands)."""
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


async def _on_startup(bot: Bot, dispatcher: Dispatcher) -> None:
    me = await bot.me()
    log.info("bot %s started", me.id)
    i18n: I18n = dispatcher["i18n_instance"]
    await set_commands(bot, i18n, dispatcher["admin_ids"], dispatcher["sessionmaker"])
    delivery = Delivery(
        bot,
        dispatcher["sessionmaker"],
        dispatcher["clock"],
        i18n,
        engine_settings(dispatcher["settings"]),
    )
    delivery.start()
    dispatcher["delivery"] = delivery


async def _on_shutdown(dispatcher: Dispatcher) -> None:
    delivery: Delivery | None = dispatcher.workflow_data.get("delivery")
    if delivery is not None:
        await delivery.stop()


async def run(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        bot = build_bot(settings)
        dp = build_dispatcher(settings, create_sessionmaker(engine))
    except BaseException:
        await engine.dispose()
        raise
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(
            bot,
            allowed_updates=dp.resolve_used_update_types(),
            handle_signals=True,
            close_bot_session=True,
        )
    finally:
        await dp.storage.close()
        await engine.dispose()
        log.info("stopped")
