"""Centres over services (issue 18, item 2). `/centre` (the administrator's): pick a service,
then the centre that groups it (or detach it); and the keyboard of a centre's announcement:
the services chosen with ✅ toggles, the chairs only or every member."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import inline, picker, quote, show_page
from services import centres
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.common import (
    AudienceAction,
    AudienceCb,
    CentreCb,
    Pick,
    Picker,
    PickPage,
    PickStep,
)


def _label(line: centres.ServiceLine) -> str:
    if line.groups:
        return _("{name} — centre of {n}").format(name=line.name, n=line.groups)
    if line.centre:
        return f"{line.name} → {line.centre}"
    return line.name


async def _services(
    session: AsyncSession, actor: Actor, page: int = 0
) -> InlineKeyboardMarkup | None:
    found = await centres.services(session, actor)
    if not found:
        return None
    return picker(
        found,
        lambda s: (_label(s), Pick.of_id(PickStep.CENTRE_SERVICE, s.id)),
        Picker.CENTRE_SERVICE,
        page,
    )


async def start(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    kb = await _services(session, actor)  # FORBIDDEN for anyone but the administrator
    if kb is None:
        await message.answer(_("Create a methodological service first: /newservice."))
        return
    await message.answer(
        _(
            "A centre (an ММЦ, a regional centre) groups services: its methodists see every "
            "association of the services it groups. Which service should join a centre, or "
            "leave one?"
        ),
        reply_markup=kb,
    )


async def page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    kb = await _services(session, actor, callback_data.page)
    if kb is None:
        raise DomainError(ErrorCode.STALE)
    await show_page(query, kb)


async def service_chosen(
    query: CallbackQuery, callback_data: Pick, session: AsyncSession, actor: Actor
) -> None:
    if callback_data.chosen_id is None:
        raise DomainError(ErrorCode.STALE)
    service_id = callback_data.chosen_id
    options = await centres.candidates(session, actor, service_id)
    me = next(s for s in await centres.services(session, actor) if s.id == service_id)
    await query.answer()
    assert isinstance(query.message, Message)
    if me.groups:
        await query.message.answer(
            _("«{name}» is a centre of {n} services itself: it cannot join another.").format(
                name=quote(me.name), n=me.groups
            )
        )
        return
    kb = InlineKeyboardBuilder()
    for option in options[:40]:
        kb.button(
            text=option.name[:60],
            callback_data=CentreCb(service_id=service_id, centre_id=option.id),
        )
    if me.centre_id is not None:
        kb.button(
            text=_("✖️ Leave «{name}»").format(name=me.centre or "")[:60],
            callback_data=CentreCb(service_id=service_id, centre_id=0),
        )
    await query.message.answer(
        _("Which centre groups «{name}»?").format(name=quote(me.name)), reply_markup=inline(kb, 1)
    )


async def centre_chosen(
    query: CallbackQuery,
    callback_data: CentreCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    centre = callback_data.centre_id or None
    await centres.set_centre(session, actor, callback_data.service_id, centre, clock.now())
    lines = {s.id: s for s in await centres.services(session, actor)}
    service = lines[callback_data.service_id]
    await query.answer()
    assert isinstance(query.message, Message)
    if centre is None:
        text = _("✅ «{name}» belongs to no centre now.").format(name=quote(service.name))
    else:
        text = _("✅ «{name}» is grouped by the centre «{centre}» now.").format(
            name=quote(service.name), centre=quote(lines[centre].name)
        )
    await query.message.edit_text(text, reply_markup=None)


# ---------------------------------------------------------------- a centre's announcement


def audience_text(name: str, chosen: Sequence[int], chairs_only: bool) -> str:
    who = _("the chairs only") if chairs_only else _("every member")
    return _(
        "An announcement of the centre «{name}». Tick the services it goes to (✅), choose "
        "who receives it, then «Next».\nServices chosen: {n}. Recipients: {who}."
    ).format(name=quote(name), n=len(chosen), who=who)


def audience_keyboard(
    centre_id: int,
    options: Sequence[tuple[int, str]],
    chosen: Sequence[int],
    chairs_only: bool,
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for service_id, name in options[:40]:
        mark = "✅" if service_id in chosen else "▫️"
        kb.button(
            text=f"{mark} {name}"[:60],
            callback_data=AudienceCb(
                action=AudienceAction.TOGGLE, centre_id=centre_id, service_id=service_id
            ),
        )
    kb.button(
        text=_("☑️ All services"),
        callback_data=AudienceCb(action=AudienceAction.ALL, centre_id=centre_id),
    )
    kb.button(
        text=_("👤 Chairs only: yes") if chairs_only else _("👥 Chairs only: no"),
        callback_data=AudienceCb(action=AudienceAction.CHAIRS, centre_id=centre_id),
    )
    kb.button(
        text=_("➡️ Next"), callback_data=AudienceCb(action=AudienceAction.NEXT, centre_id=centre_id)
    )
    return inline(kb, *([1] * min(len(options), 40)), 2, 1)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, Command("centre"), StateFilter("*"))
    router.callback_query.register(page, PickPage.filter(F.what == Picker.CENTRE_SERVICE))
    router.callback_query.register(service_chosen, Pick.filter(F.what == PickStep.CENTRE_SERVICE))
    router.callback_query.register(centre_chosen, CentreCb.filter())
    return router
