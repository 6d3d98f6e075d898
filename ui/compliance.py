"""The wording of compliance findings (services.compliance), shared by the chair's message,
the methodists' digest (scheduler/kinds/compliance.py) and /check (handlers/compliance):
what is wrong in plain words, the rule with its seed reference, a button for the next step."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from models import CadencePeriod, Category
from services.compliance import CheckView, FindingView, Rule
from ui.callbacks.common import AssocAction, AssocPick
from ui.callbacks.meetings import MeetingAction, MeetingCb
from ui.callbacks.people import ProfileEdit, ProfileField
from ui.common import inline

quote = html_decoration.quote  # association names are typed by people

ROMAN = ("I", "II", "III", "IV")


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def period_label(kind: str, first: date) -> str:
    """«2026/2027 учебный год», «2026 год», «IV квартал 2026 года»."""
    if kind == CadencePeriod.SCHOOL_YEAR:
        return _("School year {label}").format(label=f"{first.year}/{first.year + 1}")
    if kind == CadencePeriod.CALENDAR_YEAR:
        return _("Year {year}").format(year=first.year)
    quarter = ROMAN[(first.month - 1) // 3]
    return _("Quarter {quarter} of {year}").format(quarter=quarter, year=first.year)


def _period(details: dict[str, Any]) -> str:
    return period_label(str(details["period"]), date.fromisoformat(str(details["first"])))


def category_label(category: Category | None) -> str:
    if category is None:
        return "—"
    return {
        Category.NONE: _("no category"),
        Category.FIRST: _("first category"),
        Category.HIGHEST: _("highest category"),
        Category.METHODIST: _("teacher-methodologist"),
        Category.MENTOR: _("teacher-mentor"),
    }[category]


def what(view: FindingView) -> str:
    """What is wrong, in one or two sentences."""
    d = view.details
    rule = view.rule
    if rule is Rule.MEETINGS:
        text = _(
            "{period}: meetings held: {held}, planned: {planned}, and at least {minimum} are "
            "needed. Plan the missing ones."
        ).format(period=_period(d), held=d["held"], planned=d["planned"], minimum=d["minimum"])
    elif rule is Rule.SEMINAR:
        text = _(
            "{period}: no practical seminar at a school is held or planned (at least "
            "{minimum} needed). A seminar counts when its venue is a school of the directory."
        ).format(period=_period(d), minimum=d["min_seminars"])
    elif rule is Rule.CLOSED:
        text = _(
            "The period is closed with a violation: {period}, meetings held: {held} of at "
            "least {minimum}; practical seminars at a school: {seminars} of {min_seminars}."
        ).format(
            period=_period(d),
            held=d["held"],
            minimum=d["minimum"],
            seminars=d["seminars"],
            min_seminars=d["min_seminars"],
        )
    elif rule is Rule.NO_PLAN:
        year = int(d["year"])
        text = _("The plan for the school year {label} is not approved yet.").format(
            label=f"{year}/{year + 1}"
        )
    elif rule is Rule.NO_ANALYSIS:
        year = int(d["year"])
        text = _(
            "The analysis of the school year {label} is not submitted to the methodological "
            "service (/analysis)."
        ).format(label=f"{year}/{year + 1}")
    elif rule is Rule.ROSTER:
        text = _(
            "The roster has {roster} active members; an РМО is formed with at least {minimum} "
            "teachers."
        ).format(roster=d["roster"], minimum=d["minimum"])
    elif rule is Rule.CHAIR_CATEGORY:
        text = _(
            "The chair has no qualification category; the chair of an РМО or ГМО has the first "
            "or the highest one (and three years in the speciality)."
        )
    elif rule is Rule.CHAIR_CATEGORY_UNKNOWN:
        text = _(
            "Fill in the data bank: the chair's qualification category is not given "
            "(/profile → «Category»)."
        )
    elif rule is Rule.NO_REASON:
        text = _("The extraordinary meeting of {day} has no recorded reason.").format(
            day=_day(str(d["day"]))
        )
    else:
        text = _("The protocol of the meeting of {day} was due to the members by {due}.").format(
            day=_day(str(d["day"])), due=_day(str(d["due"]))
        )
    invalid = d.get("invalid") or []
    if rule in (Rule.MEETINGS, Rule.CLOSED) and invalid:
        text += " " + _("Held without a valid quorum (counted): {days}.").format(
            days=", ".join(_day(str(day)) for day in invalid)
        )
    return text


def finding_text(view: FindingView) -> str:
    """The chair's message: the association, what is wrong, the rule."""
    mark = "📝" if view.note else "⚠️"
    return "\n".join(
        (
            f"{mark} «{quote(view.association)}»",
            what(view),
            _("Rule: {source}.").format(source=_(view.source)),
        )
    )


def finding_keyboard(view: FindingView) -> InlineKeyboardMarkup | None:
    kb = InlineKeyboardBuilder()
    if view.rule in (Rule.MEETINGS, Rule.SEMINAR, Rule.CLOSED):
        kb.button(
            text=_("📝 Plan a meeting"),
            callback_data=AssocPick(action=AssocAction.MEETING, association_id=view.association_id),
        )
    elif view.rule is Rule.NO_PLAN:
        kb.button(
            text=_("📅 Open the plan"),
            callback_data=AssocPick(action=AssocAction.PLAN, association_id=view.association_id),
        )
    elif view.rule is Rule.NO_REASON:
        kb.button(
            text=_("📅 Open the meeting"),
            callback_data=MeetingCb(action=MeetingAction.OPEN, meeting_id=view.object_id),
        )
    elif view.rule in (Rule.CHAIR_CATEGORY, Rule.CHAIR_CATEGORY_UNKNOWN):
        kb.button(
            text=_("🏅 My category"),
            callback_data=ProfileEdit(field=ProfileField.CATEGORY),
        )
    else:
        return None
    return inline(kb, 1)


DIGEST_MAX = 30  # findings in one digest


def digest_text(day: date, views: list[FindingView]) -> str:
    lines = [
        _("📋 New findings of the regulations' checks, {day}:").format(day=day.strftime("%d.%m.%Y"))
    ]
    for view in views[:DIGEST_MAX]:
        lines.append(f"• «{quote(view.association)}»: {what(view)} ({_(view.source)})")
    if len(views) > DIGEST_MAX:
        lines.append(_("…and {n} more: /check").format(n=len(views) - DIGEST_MAX))
    return "\n".join(lines)


def _cadence_line(view: CheckView) -> str | None:
    rules, t, period = view.rules, view.tally, view.period
    label = period_label(period.kind.value, period.first)
    if not rules.min_meetings:
        return _(
            "• {period}: meetings held: {held}, planned: {planned}; no minimum is set."
        ).format(period=label, held=t.held, planned=t.planned)
    mark = "✅" if t.total >= rules.min_meetings else "⚠️"
    return _(
        "{mark} {period}: meetings held: {held}, planned: {planned}, at least {minimum}."
    ).format(mark=mark, period=label, held=t.held, planned=t.planned, minimum=rules.min_meetings)


def check_text(view: CheckView) -> str:
    lines = [_("✅ Check: «{name}»").format(name=quote(view.name))]
    cadence = _cadence_line(view)
    if cadence:
        lines.append(cadence)
    rules = view.rules
    if rules.min_seminars:
        mark = "✅" if view.tally.seminars >= rules.min_seminars else "⚠️"
        lines.append(
            _("{mark} Practical seminars at a school: {count}, at least {minimum}.").format(
                mark=mark, count=view.tally.seminars, minimum=rules.min_seminars
            )
        )
    if rules.plan_due:
        label = f"{view.plan_year}/{view.plan_year + 1}"
        if view.plan_approved:
            lines.append(_("✅ The plan for {label} is approved.").format(label=label))
        else:
            lines.append(_("• The plan for {label} is not approved yet.").format(label=label))
    if rules.roster_min and view.methodist:
        mark = "✅" if view.roster >= rules.roster_min else "⚠️"
        lines.append(
            _("{mark} Roster: {roster} active members, at least {minimum}.").format(
                mark=mark, roster=view.roster, minimum=rules.roster_min
            )
        )
    if rules.chair_category and view.has_chair and view.chair_category is not None:
        lines.append(
            _("• The chair's category: {category}.").format(
                category=category_label(view.chair_category)
            )
        )
    lines.append("")
    if view.findings:
        lines.append(_("Findings:"))
        for finding in view.findings:
            lines.append(f"• {what(finding)} ({_(finding.source)})")
    else:
        lines.append(_("No findings: everything checked is in order."))
    return "\n".join(lines)
