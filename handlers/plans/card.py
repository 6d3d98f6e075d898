"""The plan's card: `/plan` and «📅 План на год» open the current school year's plan of the
person's association (a picker first when there are several), with the buttons their right
allows: make the draft (empty or a copy of last year's), edit it, start a new edition of an
approved plan, download it."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.render import render
from handlers.plan_approval import put_button
from handlers.plans import points
from handlers.ui import MENU_PLAN, MenuButton, association_picker, show_card, show_page
from models import PlanRowKind, PlanStatus
from services import associations, plans
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage
from ui.callbacks.plans import PlanAction, PlanCb, PlanFieldCb, PlanYearCb, YearAction


def field_button(field: plans.PlanField) -> str:
    return {
        plans.PlanField.THEME: _("✏️ Theme"),
        plans.PlanField.GOAL: _("✏️ Goal"),
        plans.PlanField.TASKS: _("✏️ Tasks"),
        plans.PlanField.PLANNED_RESULT: _("✏️ Result"),
        plans.PlanField.WORK_FORMS: _("✏️ Forms of work"),
    }[field]


def kind_label(kind: Any) -> str:
    return _(plans.KINDS[kind])


def responsible_text(row: plans.PlanRowContent) -> str:
    note = _(plans.NOT_ON_ROSTER)
    return "; ".join(r.name if r.on_roster else f"{r.name} ({note})" for r in row.responsible)


def makes_meeting(row: plans.PlanRowContent) -> bool:
    """A row a meeting is made of (services.plans.meeting_from_row): a date and the kind
    заседание or практический семинар."""
    return row.day is not None and row.kind in (PlanRowKind.MEETING, PlanRowKind.SEMINAR)


def card_text(card: plans.YearCard) -> str:
    plan = card.plan
    context: dict[str, Any] = {"card": card, "plan": None}
    if plan is not None:
        content = plan.content
        context.update(
            plan=content,
            status=str(content.status),
            current=plan.is_current,
            protocol_day=formats.numeric(content.protocol_date) if content.protocol_date else "—",
            fields=[
                {"label": _(plans.FIELDS[f.value]), "value": getattr(content, f.value)}
                for f in plans.PlanField
            ],
            groups=[
                {
                    "direction": direction,
                    "rows": [
                        {
                            "position": row.position,
                            "day": formats.numeric(row.day) if row.day else "—",
                            "topic": row.topic,
                            "kind": kind_label(row.kind),
                            "venue": row.venue,
                            "responsible": responsible_text(row),
                        }
                        for row in rows
                    ],
                }
                for direction, rows in groupby(
                    sorted(content.rows, key=lambda r: _direction_order(r.direction)),
                    key=lambda r: r.direction,
                )
            ],
        )
    return render("plan_card.html", **context)


def _direction_order(direction: str) -> tuple[int, str]:
    """The form's nine in the form's order, the chair's own after them by name."""
    if direction in plans.DIRECTIONS:
        return plans.DIRECTIONS.index(direction), ""
    return len(plans.DIRECTIONS), direction


def card_keyboard(card: plans.YearCard, *, offer_points: bool = False) -> InlineKeyboardMarkup:
    """`offer_points`: last year's analysis has conclusions to draft this plan from."""
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if offer_points:
        kb.add(points.button(card))
        sizes.append(1)
    plan = card.plan
    year = card.year.start_year
    if plan is None:
        if card.may_edit:
            kb.button(
                text=_("📝 Make the draft"),
                callback_data=PlanYearCb(
                    action=YearAction.CREATE, association_id=card.association_id, year=year
                ),
            )
            sizes.append(1)
            if card.previous_exists:
                kb.button(
                    text=_("📋 Copy the plan of {year}").format(
                        year=plans.SchoolYear(year - 1).label
                    ),
                    callback_data=PlanYearCb(
                        action=YearAction.COPY, association_id=card.association_id, year=year
                    ),
                )
                sizes.append(1)
    else:
        pid, version = plan.id, plan.version

        def cb(action: PlanAction) -> PlanCb:
            return PlanCb(action=action, plan_id=pid, version=version)

        if plan.can_edit:
            for field in plans.PlanField:
                kb.button(
                    text=field_button(field),
                    callback_data=PlanFieldCb(plan_id=pid, version=version, field=field),
                )
            sizes += [3, 2]
            kb.button(text=_("➕ Add a row"), callback_data=cb(PlanAction.ADD))
            if plan.row_ids:
                kb.button(text=_("↕️ Rows"), callback_data=cb(PlanAction.ROWS))
            sizes.append(2 if plan.row_ids else 1)
            kb.button(text=_("📥 Load from XLSX"), callback_data=cb(PlanAction.IMPORT))
            kb.button(text=_("📄 XLSX template"), callback_data=cb(PlanAction.TEMPLATE))
            sizes.append(2)
            kb.add(put_button(pid))  # «Put to approval at a meeting» (handlers.plan_approval)
            sizes.append(1)
        elif card.may_edit and plan.is_current and plan.status is not PlanStatus.DRAFT:
            kb.button(text=_("🆕 New edition"), callback_data=cb(PlanAction.EDITION))
            sizes.append(1)
        if not plan.can_edit and plan.can_meet and any(map(makes_meeting, plan.content.rows)):
            kb.button(text=_("📅 Rows and meetings"), callback_data=cb(PlanAction.ROWS))
            sizes.append(1)
        kb.button(text="📄 DOCX", callback_data=cb(PlanAction.DOCX))
        kb.button(text="📊 XLSX", callback_data=cb(PlanAction.XLSX))
        kb.button(text=_("🔄 Refresh"), callback_data=cb(PlanAction.OPEN))
        sizes.append(3)
    if card.other_year is not None:
        kb.button(
            text=_("📅 School year {year}").format(year=card.other_year.label),
            callback_data=PlanYearCb(
                action=YearAction.SHOW,
                association_id=card.association_id,
                year=card.other_year.start_year,
            ),
        )
        sizes.append(1)
    kb.adjust(*sizes)
    return kb.as_markup()


async def show(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    card: plans.YearCard,
    *,
    in_place: bool,
) -> None:
    offer = await points.offered(session, actor, card)
    await show_card(
        message, card_text(card), card_keyboard(card, offer_points=offer), in_place=in_place
    )


async def show_plan(
    message: Message,
    actor: Actor,
    clock: Clock,
    session: AsyncSession,
    plan_id: int,
    *,
    in_place: bool,
) -> None:
    card = await plans.plan_card(session, actor, plan_id, clock.now())
    await show(message, session, actor, card, in_place=in_place)


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    """`/plan`: the plan of the person's association, or the picker of them."""
    await state.clear()
    found = await associations.associations_for(session, actor, Action.VIEW_PLAN)
    if not found:
        raise DomainError(
            ErrorCode.NOT_REGISTERED if actor.person_id is None else ErrorCode.FORBIDDEN
        )
    if len(found) == 1:
        card = await plans.year_card(session, actor, found[0].id, None, clock.now())
        await show(message, session, actor, card, in_place=False)
        return
    await message.answer(_("Whose plan?"), reply_markup=association_picker(found, AssocAction.PLAN))


async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.VIEW_PLAN)
    await show_page(query, association_picker(found, AssocAction.PLAN, callback_data.page))


async def picked(
    query: CallbackQuery,
    callback_data: AssocPick,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    card = await plans.year_card(session, actor, callback_data.association_id, None, clock.now())
    await query.answer()
    await show(query.message, session, actor, card, in_place=False)


async def year_action(
    query: CallbackQuery,
    callback_data: PlanYearCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """Another school year's card, or its draft made (empty, or last year's copied)."""
    assert isinstance(query.message, Message)
    aid, year, now = callback_data.association_id, callback_data.year, clock.now()
    if callback_data.action is YearAction.CREATE:
        view = await plans.create_draft(session, actor, aid, year, now)
        note = _("The draft is made: fill it in with the buttons below.")
    elif callback_data.action is YearAction.POINTS:
        await points.send(query, session, actor, aid, year)
        return
    elif callback_data.action is YearAction.COPY:
        view = await plans.copy_from_last_year(session, actor, aid, year, now)
        note = _("Last year's plan is copied, its dates a year later: check and edit it.")
    else:
        card = await plans.year_card(session, actor, aid, year, now)
        await query.answer()
        await show(query.message, session, actor, card, in_place=True)
        return
    await state.clear()
    await query.answer(note)
    await show_plan(query.message, actor, clock, session, view.id, in_place=True)


async def plan_action(
    query: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«🔄 Refresh» (the card in place) and «🆕 New edition»."""
    assert isinstance(query.message, Message)
    plan_id, note = callback_data.plan_id, None
    if callback_data.action is PlanAction.EDITION:
        plan_id = (await plans.new_edition(session, actor, plan_id, clock.now())).id
        note = _("A new edition is made: change it, then have it approved again.")
    card = await plans.plan_card(session, actor, plan_id, clock.now())
    await query.answer(note)
    await state.clear()
    await show(query.message, session, actor, card, in_place=True)


def register(router: Router) -> None:
    router.message.register(begin, Command("plan"), StateFilter("*"))
    router.message.register(begin, MenuButton(MENU_PLAN), StateFilter("*"))
    router.callback_query.register(picker_page, PickPage.filter(F.what == Picker.PLAN))
    router.callback_query.register(picked, AssocPick.filter(F.action == AssocAction.PLAN))
    router.callback_query.register(year_action, PlanYearCb.filter())
    router.callback_query.register(
        plan_action, PlanCb.filter(F.action.in_({PlanAction.OPEN, PlanAction.EDITION}))
    )
