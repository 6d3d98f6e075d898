"""The overview's wording: a page of rows by attention, an association's card, the reasons
in words, «—» where a figure is not known (no analysis of last year begun)."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.ui import kind_label, quote
from services.overview import Colour, Overview, OverviewRow, Reason, Why
from ui.callbacks.overview import NeedsAction, NeedsCb, OverviewAction, OverviewCb

PAGE_SIZE = 8
DASH = "—"
DOT = {Colour.RED: "🔴", Colour.AMBER: "🟠", Colour.GREEN: "🟢"}


def _day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else DASH


def _percent(value: int | None) -> str:
    return DASH if value is None else f"{value} %"


def _yes(value: bool | None) -> str:
    return DASH if value is None else (_("yes") if value else _("no"))


def reason_text(why: Why) -> str:
    day = _day(why.day)
    return {
        Reason.FINDINGS: lambda: _("open findings: {n}").format(n=why.count),
        Reason.PROTOCOL_OVERDUE: lambda: _("protocols overdue: {n}").format(n=why.count),
        Reason.PROTOCOL_SOON: lambda: _("a protocol is due by {day}").format(day=day),
        Reason.PLAN_SOON: lambda: _("the plan is due by {day}, not approved").format(day=day),
        Reason.PLAN_MISSING: lambda: _("no approved plan yet (due by {day})").format(day=day),
        Reason.MINIMUM_SOON: lambda: _(
            "too few meetings held and planned; checked from {day}"
        ).format(day=day),
        Reason.NEEDS_MISSING: lambda: _("no needs survey this school year"),
    }[why.reason]()


def reasons_line(row: OverviewRow) -> str:
    if not row.reasons:
        return _("all in order")
    return "; ".join(reason_text(w) for w in row.reasons)


def where_line(row: OverviewRow) -> str:
    return _("🏛 {service} · 📍 {district}").format(
        service=quote(row.service), district=quote(row.district or DASH)
    )


def pages(view: Overview) -> int:
    return max(1, (len(view.rows) + PAGE_SIZE - 1) // PAGE_SIZE)


def page_text(view: Overview, page: int) -> str:
    rows = view.rows
    colours = [r.colour for r in rows]
    title = ", ".join(name for _, name in view.services)
    lines = [
        _("🗂 <b>Overview</b>: {services}").format(services=quote(title)),
        _("Associations: {n} (🔴 {red} · 🟠 {amber} · 🟢 {green}); page {page} of {pages}").format(
            n=len(rows),
            red=colours.count(Colour.RED),
            amber=colours.count(Colour.AMBER),
            green=colours.count(Colour.GREEN),
            page=page + 1,
            pages=pages(view),
        ),
    ]
    if not rows:
        lines += ["", _("No associations yet.")]
    first = page * PAGE_SIZE
    several = len(view.services) > 1  # a centre's (or the admin's): say where each one is
    for number, row in enumerate(rows[first : first + PAGE_SIZE], start=first + 1):
        lines += [
            "",
            f"{number}. {DOT[row.colour]} <b>{quote(row.name)}</b>",
            *([where_line(row)] if several else []),
            _(
                "meetings {held} + {planned} of {minimum} · attendance {attendance} · "
                "data bank {bank}"
            ).format(
                held=row.held,
                planned=row.planned,
                minimum=row.minimum or DASH,
                attendance=_percent(row.attendance_percent),
                bank=_percent(row.bank_percent),
            ),
            reasons_line(row),
        ]
    return "\n".join(lines)


def page_keyboard(view: Overview, page: int, service_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    first = page * PAGE_SIZE
    shown = view.rows[first : first + PAGE_SIZE]
    for number, row in enumerate(shown, start=first + 1):
        builder.button(
            text=f"{number}. {DOT[row.colour]} {row.name}"[:60],
            callback_data=OverviewCb(
                action=OverviewAction.OPEN,
                service_id=service_id,
                page=page,
                association_id=row.association_id,
            ),
        )
    nav = []
    if page > 0:
        nav.append(("◀️", page - 1))
    if page + 1 < pages(view):
        nav.append(("▶️", page + 1))
    for label, target in nav:
        builder.button(
            text=label,
            callback_data=OverviewCb(
                action=OverviewAction.PAGE, service_id=service_id, page=target
            ),
        )
    builder.button(
        text=_("📊 XLSX"),
        callback_data=OverviewCb(action=OverviewAction.XLSX, service_id=service_id, page=page),
    )
    builder.button(
        text=_("🖼 Chart"),
        callback_data=OverviewCb(action=OverviewAction.CHART, service_id=service_id, page=page),
    )
    builder.button(
        text=_("📈 Needs"),
        callback_data=NeedsCb(action=NeedsAction.SHOW, service_id=service_id, page=page),
    )
    builder.button(
        text=_("⬇️ Data bank XLSX"),
        callback_data=OverviewCb(action=OverviewAction.BANK, service_id=service_id, page=page),
    )
    builder.adjust(*([1] * len(shown)), *([len(nav)] if nav else []), 2, 2)
    return builder.as_markup()


def card_text(row: OverviewRow) -> str:
    lines = [
        f"{DOT[row.colour]} <b>{quote(row.name)}</b>",
        _("Service: {service}").format(service=quote(row.service)),
        _("District: {district}").format(district=quote(row.district or DASH)),
        _("Kind: {kind}").format(kind=kind_label(row.kind)),
        _("Chair: {chair}").format(chair=quote(row.chair) if row.chair else DASH),
        _("Members: {joined} joined of {roster} on the roster; voting (M): {voting}").format(
            joined=row.joined, roster=row.roster, voting=row.voting
        ),
        _("Data bank filled: {bank}").format(bank=_percent(row.bank_percent)),
        _("Meetings: held {held}, planned {planned}, minimum {minimum}").format(
            held=row.held, planned=row.planned, minimum=row.minimum or DASH
        ),
        _("Average attendance this school year: {attendance}").format(
            attendance=_percent(row.attendance_percent)
        ),
        _("Last meeting: {day}").format(day=_day(row.last_meeting)),
        _("Protocols overdue: {n}").format(n=row.protocols_overdue),
        _("Open findings: {n}").format(n=row.open_findings),
        _("Needs survey this school year: {answer}").format(answer=_yes(row.needs_survey)),
        _("Plan approved: {answer}").format(answer=_yes(row.plan_approved)),
        _("Analysis accepted: {answer}").format(answer=_yes(row.analysis_accepted)),
        "",
        _("Attention: {reasons}").format(reasons=reasons_line(row)),
    ]
    return "\n".join(lines)


def card_keyboard(service_id: int, page: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("◀️ Back to the overview"),
        callback_data=OverviewCb(action=OverviewAction.PAGE, service_id=service_id, page=page),
    )
    return builder.as_markup()
