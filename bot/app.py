"""Builds the Bot, the Dispatcher and their wiring; runs long polling until a signal."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.health import TelegramHealth
from bot.i18n import DOMAIN, LOCALES_DIR
from bot.limiter import LimiterMiddleware, Limits, RateLimiter
from bot.middlewares import (
    ActorMiddleware,
    DbSessionMiddleware,
    LocaleMiddleware,
    PerPersonOrder,
)
from bot.retry import ReplyRetry
from bot.startup import wait_for_telegram
from handlers import build_root_router
from handlers.commands import set_commands
from handlers.errors import ErrorReplyMiddleware
from handlers.resume import ResumeMiddleware
from scheduler import backups
from scheduler.alerts import AlertSettings
from scheduler.engine import Delivery, EngineSettings
from services import alerts, databank
from services.clock import Clock, SystemClock

log = logging.getLogger(__name__)


def build_limiter(settings: Settings) -> RateLimiter:
    return RateLimiter(
        Limits(per_second=settings.rate_per_second, per_chat_second=settings.rate_per_chat_second),
        watch=True,  # a stalled event loop restamps the calls it held (RateLimiter.stalled)
    )


def build_bot(
    settings: Settings,
    limiter: RateLimiter | None = None,
    health: TelegramHealth | None = None,
) -> Bot:
    """The Bot, its every message-producing call paced by the one limiter; a reply, an edit
    or a callback's answer that meets a 5xx or a timeout is tried again, each time through
    the limiter (the retry middleware is registered first: it wraps the limiter)."""
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        if settings.telegram_api_base
        else AiohttpSession()
    )
    if health is not None:  # outermost: sees what a call came to after the retries
        session.middleware(health)
    session.middleware(ReplyRetry())
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
        alerts=AlertSettings(
            admin_ids=tuple(settings.admin_ids),
            thresholds=alerts.Thresholds(
                backlog=timedelta(minutes=settings.alert_backlog_minutes),
                telegram=timedelta(minutes=settings.alert_telegram_minutes),
            ),
            check_seconds=settings.alert_check_seconds,
        ),
        category_terms=databank.TermSettings(
            years=settings.category_term_years,
            remind_months=settings.category_remind_months,
        ),
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
    dp.update.outer_middleware(ResumeMiddleware())  # inside: it sees a failed reply first
    dp.include_router(build_root_router())
    dp.startup.register(_on_startup)
    dp.shutdown.register(_on_shutdown)
    return dp


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
        health=dispatcher.workflow_data.get("health"),
    )
    delivery.start()
    dispatcher["delivery"] = delivery
    backups.install(delivery, dispatcher["settings"])


async def _on_shutdown(dispatcher: Dispatcher) -> None:
    delivery: Delivery | None = dispatcher.workflow_data.get("delivery")
    if delivery is not None:
        await delivery.stop()


async def run(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        health = TelegramHealth()
        bot = build_bot(settings, health=health)
        dp = build_dispatcher(settings, create_sessionmaker(engine))
        dp["health"] = health
    except BaseException:
        await engine.dispose()
        raise
    try:
        try:
            me = await wait_for_telegram(bot, settings)
        except BaseException:
            await bot.session.close()
            raise
        if me is None:  # a signal during the retries
            await bot.session.close()
            return
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
