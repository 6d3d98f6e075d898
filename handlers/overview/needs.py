"""«📈 Потребности» under the overview (issue 18, item 3): the needs breakdown of the
overview's services in words, its chart (PNG) and XLSX, and a paged list of the schools whose
one-page summary (DOCX) the methodist downloads to send to the school. A group under 3
answers of an anonymous survey says «недостаточно ответов». Someone else, another service's
methodist, a forged school or service: refused in the user's language, nothing sent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import quote, send_built, show_card
from services import needs
from services.clock import Clock
from services.deadlines import school_year_label
from services.needs import Breakdown, Group, Share
from services.permissions import Actor
from ui.callbacks.overview import NeedsAction, NeedsCb, OverviewAction, OverviewCb

TOP = 5  # options shown in the chat; all of them in the XLSX and the chart
SCHOOLS_PAGE = 8


def _shares(shares: tuple[Share, ...]) -> list[str]:
    return [f"• {quote(s.label)} — {s.count} ({s.percent} %)" for s in shares[:TOP]]


def _group_line(group: Group) -> str:
    return _("not enough answers") if group.hidden else str(group.answers)


def needs_text(found: Breakdown) -> str:
    total = found.total
    lines = [
        _("📈 <b>Needs</b>: {services}").format(
            services=quote(", ".join(name for _, name in found.services))
        ),
        _("School year {year}; needs surveys counted: {surveys}; answers: {answers}").format(
            year=school_year_label(found.school_year),
            surveys=found.surveys,
            answers=_group_line(total),
        ),
    ]
    if found.waiting:
        lines.append(
            _("Anonymous surveys counted once closed with 3 answers or more: {n}").format(
                n=found.waiting
            )
        )
    if total.hidden:
        return "\n".join(lines)
    if not total.answers:
        lines += ["", _("No answers to a needs survey yet.")]
        return "\n".join(lines)
    lines += ["", _("<b>Directions of support</b>"), *_shares(total.directions)]
    lines += ["", _("<b>Preferred formats</b>"), *_shares(total.formats)]
    hidden = sum(g.hidden for g in (*found.by_school, *found.by_subject))
    lines += [
        "",
        _("Schools: {schools}; subjects: {subjects} (in the XLSX)").format(
            schools=len(found.by_school), subjects=len(found.by_subject)
        ),
    ]
    if hidden:
        lines.append(_("Groups with not enough answers (figures not shown): {n}").format(n=hidden))
    return "\n".join(lines)


def needs_keyboard(service_id: int, page: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, action in (
        (_("🖼 Chart"), NeedsAction.CHART),
        (_("📊 XLSX"), NeedsAction.XLSX),
        (_("🏫 A school's summary"), NeedsAction.SCHOOLS),
    ):
        builder.button(
            text=text, callback_data=NeedsCb(action=action, service_id=service_id, page=0)
        )
    builder.button(
        text=_("◀️ Back to the overview"),
        callback_data=OverviewCb(action=OverviewAction.PAGE, service_id=service_id, page=page),
    )
    builder.adjust(2, 1, 1)
    return builder.as_markup()


def schools_keyboard(
    schools: list[tuple[int, str]], service_id: int, page: int
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    first = page * SCHOOLS_PAGE
    shown = schools[first : first + SCHOOLS_PAGE]
    for school_id, name in shown:
        builder.button(
            text=f"🏫 {name}"[:60],
            callback_data=NeedsCb(
                action=NeedsAction.SCHOOL, service_id=service_id, page=page, school_id=school_id
            ),
        )
    nav = []
    if page > 0:
        nav.append(("◀️", page - 1))
    if first + SCHOOLS_PAGE < len(schools):
        nav.append(("▶️", page + 1))
    for label, target in nav:
        builder.button(
            text=label,
            callback_data=NeedsCb(action=NeedsAction.SCHOOLS, service_id=service_id, page=target),
        )
    builder.button(
        text=_("◀️ Back to the needs"),
        callback_data=NeedsCb(action=NeedsAction.SHOW, service_id=service_id),
    )
    builder.adjust(*([1] * len(shown)), *([len(nav)] if nav else []), 1)
    return builder.as_markup()


async def _place(query: CallbackQuery, text: str, kb: InlineKeyboardMarkup) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await show_card(query.message, text, kb, in_place=True)


async def show(
    query: CallbackQuery, callback_data: NeedsCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    found = await needs.breakdown(session, actor, clock.now(), callback_data.service_id or None)
    await _place(query, needs_text(found), needs_keyboard(callback_data.service_id, 0))


async def chart(
    query: CallbackQuery, callback_data: NeedsCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    from documents.needs import chart_png  # lazy: matplotlib only when asked for

    now = clock.now()
    found = await needs.breakdown(session, actor, now, callback_data.service_id or None)
    locale = get_i18n().current_locale
    await send_built(query, f"needs_{now:%Y-%m-%d}.png", chart_png, found, locale, photo=True)


async def export(
    query: CallbackQuery, callback_data: NeedsCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    from documents.needs_xlsx import xlsx_bytes  # lazy: openpyxl only when asked for

    now = clock.now()
    found = await needs.breakdown(session, actor, now, callback_data.service_id or None)
    locale = get_i18n().current_locale
    await send_built(query, f"needs_{now:%Y-%m-%d}.xlsx", xlsx_bytes, found, locale)


async def schools(
    query: CallbackQuery, callback_data: NeedsCb, session: AsyncSession, actor: Actor
) -> None:
    found = await needs.schools(session, actor, callback_data.service_id or None)
    pages = max(1, (len(found) + SCHOOLS_PAGE - 1) // SCHOOLS_PAGE)
    page = min(callback_data.page, pages - 1)  # a stale page: the last one
    text = _("🏫 Pick a school for its one-page needs summary (DOCX); page {page} of {pages}")
    if not found:
        text = _("No school is named in the members' profiles yet.")
    await _place(
        query,
        text.format(page=page + 1, pages=pages),
        schools_keyboard(found, callback_data.service_id, page),
    )


async def school(
    query: CallbackQuery, callback_data: NeedsCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    from documents.needs import docx_bytes  # lazy: python-docx only when asked for

    now = clock.now()
    summary = await needs.school_summary(
        session, actor, now, callback_data.school_id, callback_data.service_id or None
    )
    name = f"needs_school_{summary.school_id}_{now:%Y-%m-%d}.docx"
    await send_built(query, name, docx_bytes, summary, get_i18n().current_locale, now)


def setup(router: Router) -> None:
    for handler, action in (
        (show, NeedsAction.SHOW),
        (chart, NeedsAction.CHART),
        (export, NeedsAction.XLSX),
        (schools, NeedsAction.SCHOOLS),
        (school, NeedsAction.SCHOOL),
    ):
        router.callback_query.register(handler, NeedsCb.filter(F.action == action))
