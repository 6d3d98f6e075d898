"""Messages as the bot sends them, shared by handlers (previews) and the outbox sender:
a message is one or more parts, each one Telegram call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import formats
from bot.render import render, split_message, visible_length
from models import MeetingForm, QuestionKind, SurveyKind
from services import attendance, protocols, surveys
from services.announcements import Content
from services.meetings import MeetingView
from ui.callbacks.attendance import AttendAction, AttendCb, BallotCb, VoteCb
from ui.callbacks.meetings import (
    DraftAction,
    DraftCb,
    MeetingAction,
    MeetingCb,
    ProposalAction,
    ProposalCb,
)
from ui.callbacks.protocols import ProtoAction, ProtoCb, RecipAction, RecipCb
from ui.callbacks.surveys import SurveyAction, SurveyCb
from ui.common import inline

CAPTION_MAX = 1024


@dataclass(frozen=True)
class Part:
    """A text message, or a file (by Telegram's file_id, or stored bytes: uploaded once and
    then re-sent by file_id, uploaded again when Telegram no longer knows it: bot.files)
    with an optional caption."""

    text: str | None = None
    file_id: str | None = None
    file_kind: str = "document"  # document | photo
    stored_file_id: int | None = None
    caption: str | None = None
    reply_markup: InlineKeyboardMarkup | None = None


TEXT_MAX = 4096


def split_parts(parts: list[Part]) -> list[Part]:
    """A text over Telegram's limit goes as several messages, cut between lines (never inside
    a tag or an entity); the buttons stay on the last one."""
    out: list[Part] = []
    for part in parts:
        if part.text is not None and visible_length(part.text) > TEXT_MAX:
            chunks = split_message(part.text.split("\n"), limit=TEXT_MAX)
            out.extend(Part(text=chunk) for chunk in chunks[:-1])
            out.append(Part(text=chunks[-1], reply_markup=part.reply_markup))
        else:
            out.append(part)
    return out


def announcement_parts(content: Content) -> list[Part]:
    """An announcement as members get it (and as its author previews it): the header and
    the text, and the file; one message with a caption when the text fits in one."""
    text = render("announcement.html", a=content)
    if content.file_id is None:
        return [Part(text=text)]
    file = Part(
        file_id=content.file_id,
        file_kind=content.file_kind or "document",
        stored_file_id=content.stored_file_id,
    )
    if visible_length(text) <= CAPTION_MAX:
        return [replace(file, caption=text)]
    return [Part(text=text), file]


# ---------------------------------------------------------------- meetings


def form_label(form: MeetingForm) -> str:
    return {
        MeetingForm.IN_PERSON: _("in person"),
        MeetingForm.ABSENTEE: _("absentee (by ballot)"),
        MeetingForm.HYBRID: _("hybrid: in person and online"),
    }[form]


def change_label(code: str) -> str:
    return {
        "moved": _("the date or time"),
        "place": _("the place"),
        "link": _("the link"),
        "agenda": _("the agenda"),
        "ballot_deadline": _("the ballot deadline"),
    }.get(code, code)


def meeting_facts(view: MeetingView, now: datetime | None = None) -> dict[str, str | None]:
    """The meeting's moments as the reader sees them, in the association's zone."""
    locale = get_i18n().current_locale
    tz = view.timezone
    proposals = view.proposal_deadline
    open_for_proposals = proposals is not None and (now is None or now < proposals)
    last_proposal_day = (
        formats.day(proposals - timedelta(seconds=1), locale, tz)
        if proposals and open_for_proposals
        else None
    )
    notice = view.notice_deadline
    return {
        "form": form_label(view.form),
        "starts": formats.when(view.starts_at, tz, locale) if view.starts_at else None,
        "ends": formats.clock(view.ends_at, tz, locale)
        if view.starts_at and view.ends_at and view.form is not MeetingForm.ABSENTEE
        else None,
        "ballot": formats.when(view.ballot_until, tz, locale) if view.ballot_until else None,
        "city": formats.city(tz, locale),
        "proposals": last_proposal_day,
        "day": formats.numeric(view.day) if view.day else None,
        "notice": formats.numeric(notice - timedelta(seconds=1), tz) if notice else None,
    }


def rsvp_keyboard(view: MeetingView, now: datetime | None = None) -> InlineKeyboardMarkup:
    """Буду / Не смогу, and Предложить вопрос while proposals are open."""
    kb = InlineKeyboardBuilder()
    if view.has_gathering:
        kb.button(
            text=_("✅ I will come"),
            callback_data=MeetingCb(action=MeetingAction.YES, meeting_id=view.id),
        )
        kb.button(
            text=_("❌ I can't"),
            callback_data=MeetingCb(action=MeetingAction.NO, meeting_id=view.id),
        )
    if view.has_ballot:
        kb.button(text=_("🗳 Fill in the ballot"), callback_data=BallotCb(meeting_id=view.id))
    cutoff = view.proposal_deadline
    if cutoff is not None and (now is None or now < cutoff):
        kb.button(
            text=_("💬 Propose a question"),
            callback_data=MeetingCb(action=MeetingAction.PROPOSE, meeting_id=view.id),
        )
    kb.adjust(2, 1)
    return kb.as_markup()


def checkin_keyboard(view: MeetingView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if view.form is MeetingForm.HYBRID:
        kb.button(
            text=_("📍 I am in the room"),
            callback_data=AttendCb(action=AttendAction.IN, meeting_id=view.id),
        )
        kb.button(
            text=_("💻 I am online"),
            callback_data=AttendCb(action=AttendAction.ONLINE, meeting_id=view.id),
        )
    else:
        kb.button(
            text=_("✅ Check in"),
            callback_data=AttendCb(action=AttendAction.IN, meeting_id=view.id),
        )
    return kb.as_markup()


CHOICES = (("f", "✅"), ("a", "❌"), ("s", "⏸"))


def choice_label(code: str) -> str:
    return {"f": _("✅ For"), "a": _("❌ Against"), "s": _("⏸ Abstain")}[code]


def vote_keyboard(item_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, _mark in CHOICES:
        kb.button(text=choice_label(code), callback_data=VoteCb(item_id=item_id, choice=code))
    return kb.as_markup()


def ballot_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🗳 Fill in the ballot"), callback_data=BallotCb(meeting_id=meeting_id))
    return kb.as_markup()


def notice_parts(
    view: MeetingView,
    *,
    changes: list[str],
    personal: bool,
    now: datetime | None = None,
    short: bool = False,
) -> list[Part]:
    """The notice as a member (or the linked group, without personal buttons) gets it: the
    text with the agenda, then each material as a document. (The sender adds the .ics.)"""
    text = render(
        "meeting_notice.html",
        m=view,
        t=meeting_facts(view, now),
        changes=", ".join(change_label(c) for c in changes),
        personal=personal and view.has_gathering,
        short=short,
    )
    parts = [Part(text=text, reply_markup=rsvp_keyboard(view, now) if personal else None)]
    for material in [*view.materials, *(m for q in view.agenda for m in q.materials)]:
        parts.append(Part(file_id=material.file_id, stored_file_id=material.stored_file_id))
    return parts


def draft_keyboard(view: MeetingView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("📝 Open the draft"),
        callback_data=DraftCb(action=DraftAction.OPEN, meeting_id=view.id, version=view.version),
    )
    return kb.as_markup()


def confirm_keyboard(view: MeetingView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("✅ Publish as extraordinary"),
        callback_data=MeetingCb(action=MeetingAction.CONFIRM, meeting_id=view.id),
    )
    kb.button(
        text=_("👀 Open the meeting"),
        callback_data=MeetingCb(action=MeetingAction.CARD, meeting_id=view.id),
    )
    kb.adjust(1)
    return kb.as_markup()


def proposal_keyboard(proposal_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("✅ Accept"),
        callback_data=ProposalCb(action=ProposalAction.ACCEPT, proposal_id=proposal_id),
    )
    kb.button(
        text=_("✖️ Reject"),
        callback_data=ProposalCb(action=ProposalAction.REJECT, proposal_id=proposal_id),
    )
    return kb.as_markup()


def ics_description(view: MeetingView) -> str:
    """The calendar event's description: the agenda, in plain text."""
    lines = [_("Agenda") + ":"]
    lines.extend(
        f"{q.position}. {q.title}" + (f" — {q.speaker}" if q.speaker else "") for q in view.agenda
    )
    if view.online_link:
        lines.append(view.online_link)
    return "\n".join(lines)


def controls(view: MeetingView, q: attendance.QuorumView | None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if view.has_gathering:
        if q is not None and q.checkin_open:
            kb.button(
                text=_("⏹ Close check-in"),
                callback_data=AttendCb(action=AttendAction.CLOSE, meeting_id=view.id),
            )
        else:
            kb.button(
                text=_("▶️ Open check-in"),
                callback_data=AttendCb(action=AttendAction.OPEN, meeting_id=view.id),
            )
            if view.form is MeetingForm.IN_PERSON:
                kb.button(
                    text=_("🔢 Open check-in with a code"),
                    callback_data=AttendCb(action=AttendAction.OPEN_WITH_CODE, meeting_id=view.id),
                )
        kb.button(
            text=_("📋 Roll call"),
            callback_data=AttendCb(action=AttendAction.ROLL, meeting_id=view.id),
        )
    kb.button(
        text=_("👥 Quorum"), callback_data=AttendCb(action=AttendAction.QUORUM, meeting_id=view.id)
    )
    kb.button(
        text=_("🗳 Votes"), callback_data=AttendCb(action=AttendAction.VOTES, meeting_id=view.id)
    )
    return inline(kb, 2)


def quorum_text(view: MeetingView, q: attendance.QuorumView) -> str:
    locale = get_i18n().current_locale
    closes = None
    if q.checkin_closes_at is not None:
        # Always with its day: a card read the next morning does not mislead.
        closes = _("until {day}, {time}").format(
            day=formats.day(q.checkin_closes_at, locale, view.timezone),
            time=formats.clock(q.checkin_closes_at, view.timezone, locale),
        )
    return render("meeting_quorum.html", m=view, q=q, closes=closes)


def reminder_when(view: MeetingView, now: datetime) -> str:
    """«today at 15:00», «tomorrow at 15:00», or the date: from when it is sent, not from
    when it was planned (the sending window may have moved it)."""
    assert view.starts_at is not None
    locale = get_i18n().current_locale
    start, today = view.local(view.starts_at), view.local(now)
    assert start is not None and today is not None
    at = formats.clock(view.starts_at, view.timezone, locale)
    days = (start.date() - today.date()).days
    if days == 0:
        return _("today at {time}").format(time=at)
    if days == 1:
        return _("tomorrow at {time}").format(time=at)
    return formats.when(view.starts_at, view.timezone, locale)


# ---------------------------------------------------------------- protocols


def day_label(view: MeetingView) -> str:
    """«20.12.2026»: the meeting's day (an absentee one's ballot deadline), or «—»."""
    return formats.numeric(view.day) if view.day else "—"


def protocol_context(view: protocols.ProtocolView, now: datetime) -> dict[str, object]:
    """What the protocol templates need: the view, its content and its dates as text."""
    content = view.content
    locale = get_i18n().current_locale
    tz = content.timezone

    def at(moment: datetime | None) -> str | None:
        return formats.when(moment, tz, locale) if moment else None

    return {
        "p": view,
        "c": content,
        "day": formats.numeric(content.meeting_day),
        "due": formats.numeric(view.due_on),
        "overdue": view.overdue(now),
        "signed_at": at(view.signed_at),
        "issued_at": at(view.issued_at),
        "presiding_at": at(content.presiding.signed_at),
        "keeper_at": at(content.keeper.signed_at),
    }


def protocol_open_keyboard(protocol_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("📝 Open the protocol"),
        callback_data=ProtoCb(action=ProtoAction.OPEN, protocol_id=protocol_id),
    )
    return inline(kb, 1)


def protocol_make_keyboard(meeting_id: int, *, roll: bool = False) -> InlineKeyboardMarkup:
    """«Draft the protocol» of an ended meeting without one; with «Roll call» first when
    its attendance is what is missing."""
    kb = InlineKeyboardBuilder()
    if roll:
        kb.button(
            text=_("📋 Roll call"),
            callback_data=AttendCb(action=AttendAction.ROLL, meeting_id=meeting_id),
        )
    kb.button(
        text=_("📝 Draft the protocol"),
        callback_data=MeetingCb(action=MeetingAction.PROTOCOL, meeting_id=meeting_id),
    )
    return inline(kb, 1)


def protocol_stop_keyboard(association_id: int) -> InlineKeyboardMarkup:
    """Under a copy sent to an interested person: no more copies."""
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🔕 Stop sending me protocols"),
        callback_data=RecipCb(action=RecipAction.STOP, association_id=association_id),
    )
    return inline(kb, 1)


# ---------------------------------------------------------------- surveys


def survey_start_keyboard(survey_id: int, *, resume: bool = False) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("▶️ Continue") if resume else _("▶️ Start"),
        callback_data=SurveyCb(action=SurveyAction.START, survey_id=survey_id),
    )
    return inline(kb, 1)


def survey_invite_keyboard(view: surveys.SurveyView) -> InlineKeyboardMarkup:
    """A single-choice poll: its options, one tap answers; anything else: «Start»."""
    if view.kind is not SurveyKind.POLL or view.questions[0].kind is not QuestionKind.SINGLE:
        return survey_start_keyboard(view.id)
    kb = InlineKeyboardBuilder()
    for i, option in enumerate(view.questions[0].options):
        kb.button(
            text=option,
            callback_data=SurveyCb(action=SurveyAction.ONE, survey_id=view.id, pos=1, arg=i),
        )
    if view.allow_other:
        kb.button(
            text=_("✏️ Other…"),
            callback_data=SurveyCb(action=SurveyAction.OTHER, survey_id=view.id, pos=1),
        )
    return inline(kb, 1)


def survey_results_keyboard(found: surveys.Results) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sid = found.survey_id
    if not found.hidden and any(q.options for q in found.questions):
        kb.button(
            text=_("📊 Charts"), callback_data=SurveyCb(action=SurveyAction.CHART, survey_id=sid)
        )
    if not found.hidden:
        kb.button(
            text=_("📥 XLSX"), callback_data=SurveyCb(action=SurveyAction.XLSX, survey_id=sid)
        )
    if not found.closed:
        kb.button(
            text=_("⏹ Close"), callback_data=SurveyCb(action=SurveyAction.CLOSE, survey_id=sid)
        )
    kb.button(
        text=_("🔄 Refresh"), callback_data=SurveyCb(action=SurveyAction.RESULTS, survey_id=sid)
    )
    return inline(kb, 2)
