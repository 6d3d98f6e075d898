"""The system administrator (ADMIN_IDS): services, municipalities, methodists; /backup."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import backup
from bot.config import Settings
from bot.render import render
from handlers.ui import (
    WizardText,
    city_label,
    close_button,
    inline,
    invite_label,
    local_time,
    picker,
    quote,
    show_page,
    start_link,
)
from models import InviteKind
from services import associations, invites
from services.associations import TIMEZONES, check_timezone
from services.capabilities import may_back_up
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.validation import check_title
from ui.callbacks.common import Pick, Picker, PickPage, PickStep

log = logging.getLogger(__name__)


class NewService(StatesGroup):
    name = State()


class NewMunicipality(StatesGroup):
    service = State()
    name = State()
    timezone = State()


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)


async def _service_picker(
    session: AsyncSession, actor: Actor, what: PickStep, page: int = 0
) -> InlineKeyboardMarkup | None:
    """Services to choose (`Pick(what, id)`), 20 per page (`PickPage(what, page)`)."""
    found = await associations.list_services(session, actor)
    if not found:
        return None
    return picker(found, lambda s: (s.name, Pick.of_id(what, s.id)), Picker(what.value), page)


async def service_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    _admin(actor)
    what = PickStep(callback_data.what.value)
    kb = await _service_picker(session, actor, what, callback_data.page)
    if kb is None:
        raise DomainError(ErrorCode.STALE)
    await show_page(query, kb)


async def new_service(message: Message, state: FSMContext, actor: Actor) -> None:
    _admin(actor)
    await state.clear()
    await state.set_state(NewService.name)
    await message.answer(_("Name of the methodological service, e.g. «ИМЦ Ленинского района»:"))


async def service_named(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    created = await associations.create_service(session, actor, message.text or "", clock.now())
    await state.clear()
    await message.answer(
        _("✅ Service «{name}» created. Add its municipalities with /newmunicipality.").format(
            name=quote(created.name)
        )
    )


async def new_municipality(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    _admin(actor)
    await state.clear()
    kb = await _service_picker(session, actor, PickStep.SERVICE)
    if kb is None:
        await message.answer(_("Create a methodological service first: /newservice."))
        return
    await state.set_state(NewMunicipality.service)
    await message.answer(_("Which service covers the municipality?"), reply_markup=kb)


async def municipality_service(
    query: CallbackQuery, callback_data: Pick, state: FSMContext, actor: Actor
) -> None:
    _admin(actor)
    if callback_data.chosen_id is None:
        raise DomainError(ErrorCode.STALE)
    await query.answer()
    await state.update_data(service_id=callback_data.chosen_id)
    await state.set_state(NewMunicipality.name)
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("Name of the municipality, e.g. «Ленинский район»:"))


async def municipality_named(message: Message, state: FSMContext, settings: Settings) -> None:
    await state.update_data(name=check_title(message.text, max_len=150))
    await state.set_state(NewMunicipality.timezone)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Default: {tz}").format(tz=settings.default_timezone),
        callback_data=Pick(what=PickStep.MUNICIPALITY_TIMEZONE, value=settings.default_timezone),
    )
    for city, tz in TIMEZONES:
        kb.button(
            text=city_label(tz, city),
            callback_data=Pick(what=PickStep.MUNICIPALITY_TIMEZONE, value=tz),
        )
    await message.answer(
        _("The municipality's time zone? Pick a city or type an IANA name such as Asia/Omsk."),
        reply_markup=inline(kb, 1, 3),
    )


async def _create_municipality(
    message: Message,
    timezone: str,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    query: CallbackQuery | None = None,
) -> None:
    data = await state.get_data()
    created = await associations.create_municipality(
        session, actor, data["service_id"], data["name"], timezone, clock.now()
    )
    await state.clear()
    await close_button(query)
    await message.answer(
        _(
            "✅ Municipality «{name}» added ({tz}). Methodists can now create associations there."
        ).format(name=quote(created.name), tz=timezone)
    )


async def municipality_tz_chosen(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    timezone = check_timezone(callback_data.value)
    assert isinstance(query.message, Message)
    await _create_municipality(query.message, timezone, state, session, actor, clock, query)


async def municipality_tz_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    timezone = check_timezone(message.text or "")
    await _create_municipality(message, timezone, state, session, actor, clock)


async def new_methodist(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    _admin(actor)
    await state.clear()
    kb = await _service_picker(session, actor, PickStep.METHODIST_SERVICE)
    if kb is None:
        await message.answer(_("Create a methodological service first: /newservice."))
        return
    await message.answer(_("A methodist of which service?"), reply_markup=kb)


async def methodist_link(
    query: CallbackQuery,
    callback_data: Pick,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    if callback_data.chosen_id is None:
        raise DomainError(ErrorCode.STALE)
    link = await invites.create_methodist_link(session, actor, callback_data.chosen_id, clock.now())
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        render(
            "invite_link.html",
            kind=InviteKind.METHODIST.value,
            label=invite_label(InviteKind.METHODIST),
            target=link.target_name,
            url=await start_link(bot, link.token),
            expires=local_time(link.expires_at, link.timezone or settings.default_timezone),
            reusable=False,
        )
    )


async def backup_now(message: Message, actor: Actor, settings: Settings, clock: Clock) -> None:
    """A copy of the database made now, on the server: its path, size, and the time of the
    last daily one. The file itself never goes through Telegram (people's data stays on the
    operator's server)."""
    if not may_back_up(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    database = backup.sqlite_file(settings.database_url)
    if database is None:
        await message.answer(
            _(
                "The database is PostgreSQL: back it up on the server with pg_dump "
                "(README, «Backups»)."
            )
        )
        return
    folder = backup.default_dir(database, settings.backup_dir)
    dest = backup.dated(folder, backup.MANUAL, clock.now())
    try:
        made = await asyncio.to_thread(backup.backup, database, dest)
        await asyncio.to_thread(backup.prune, folder, backup.MANUAL, max(1, settings.backup_keep))
    except (backup.BackupError, OSError) as exc:
        log.error("/backup failed: %s", exc)
        await message.answer(_("❌ The backup failed: {error}").format(error=escape(str(exc))))
        return
    last = backup.last(folder, backup.DAILY)
    if settings.backup_keep == 0:
        daily = _("daily backups are off (BACKUP_KEEP=0)")
    elif last is None:
        daily = _("none yet")
    else:
        daily = local_time(last, settings.default_timezone)
    await message.answer(
        _(
            "💾 Backup made on the server: <code>{path}</code> ({size}).\n"
            "Last daily backup: {daily}.\n"
            "The file stays on the server: it is never sent through Telegram."
        ).format(
            path=escape(str(made.path)),
            size=_("{size} MB").format(size=f"{made.size / 1_048_576:.1f}"),
            daily=daily,
        )
    )


async def hint(message: Message) -> None:
    await message.answer(_("Please answer the question above (text or a button), or /cancel."))


def setup() -> Router:
    """The administrator's commands: services, municipalities, methodists' links."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(
        service_page,
        PickPage.filter(F.what.in_({Picker.SERVICE, Picker.METHODIST_SERVICE})),
    )
    router.message.register(new_service, Command("newservice"), StateFilter("*"))
    router.message.register(service_named, NewService.name, WizardText())
    router.message.register(new_municipality, Command("newmunicipality"), StateFilter("*"))
    router.callback_query.register(
        municipality_service, NewMunicipality.service, Pick.filter(F.what == PickStep.SERVICE)
    )
    router.message.register(municipality_named, NewMunicipality.name, WizardText())
    router.callback_query.register(
        municipality_tz_chosen,
        NewMunicipality.timezone,
        Pick.filter(F.what == PickStep.MUNICIPALITY_TIMEZONE),
    )
    router.message.register(municipality_tz_typed, NewMunicipality.timezone, WizardText())
    router.message.register(new_methodist, Command("newmethodist"), StateFilter("*"))
    router.message.register(backup_now, Command("backup"), StateFilter("*"))
    router.callback_query.register(
        methodist_link, Pick.filter(F.what == PickStep.METHODIST_SERVICE)
    )
    return router


def setup_hints() -> Router:
    """Included after every feature router: anything else typed inside these wizards."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(hint, StateFilter(NewService, NewMunicipality))
    return hints
