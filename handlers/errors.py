"""Turns domain errors into a clear answer in the user's language; nothing leaks a traceback."""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject, Update
from aiogram.utils.i18n import gettext as _

from bot.retry import already_answered, answers
from handlers.approval_errors import approval_texts
from handlers.bank_errors import bank_texts
from handlers.centre_errors import centre_texts
from handlers.plan_errors import plan_texts
from handlers.ui import days_phrase, short
from handlers.year_errors import year_texts
from services.errors import DomainError, ErrorCode

log = logging.getLogger(__name__)


class _Params(dict[str, Any]):
    """Error parameters; one that is missing shows as «…» instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "…"


def _f(text: str, params: Mapping[str, Any]) -> str:
    return text.format_map(_Params(params))


def _with_days(p: Mapping[str, Any]) -> dict[str, Any]:
    """`days` as a phrase with its noun: «5 дней», «2 дня»."""
    found = dict(p)
    if isinstance(found.get("days"), int):
        found["days"] = days_phrase(found["days"])
    return found


def _reason(p: Mapping[str, Any]) -> str:
    """The inner error of a bad roster line, with its own parameters (min, max, length)."""
    try:
        code = ErrorCode(str(p.get("reason")))
    except ValueError:
        return ""
    params = p.get("reason_params")
    return error_text(DomainError(code, **(params if isinstance(params, Mapping) else {})))


_TEXTS: dict[ErrorCode, Callable[[dict[str, Any]], str]] = {
    ErrorCode.FORBIDDEN: lambda p: _("You don't have the rights to do this. Nothing was changed."),
    ErrorCode.NOT_FOUND: lambda p: _("This was not found. It may have been deleted."),
    ErrorCode.NOT_REGISTERED: lambda p: _(
        "You have not joined yet. Open the invite link your association's chair sent you."
    ),
    ErrorCode.INVITE_UNKNOWN: lambda p: _(
        "This invite link is not valid. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_EXPIRED: lambda p: _(
        "This invite link has expired. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_USED: lambda p: _(
        "This invite link has already been used. Ask the person who sent it for a new one."
    ),
    ErrorCode.INVITE_WRONG_PLACE: lambda p: _(
        "This link is for adding the bot to a group chat, not for a private chat."
    ),
    ErrorCode.ALREADY_MEMBER: lambda p: (
        _("You are already a methodist of this service. Nothing to do.")
        if p.get("methodist")
        else _("You are already a member of this association. Nothing to do.")
    ),
    ErrorCode.ALREADY_BOUND: lambda p: _("This person has already joined the bot."),
    ErrorCode.NAME_EMPTY: lambda p: _("The name is empty. Please type it."),
    ErrorCode.NAME_TOO_SHORT: lambda p: _f(
        _("That is too short for a name: at least {min} characters with letters, please."),
        p,
    ),
    ErrorCode.NAME_TOO_LONG: lambda p: _f(
        _("That is too long: at most {max} characters, you sent {length}."),
        p,
    ),
    ErrorCode.HTML_NOT_ALLOWED: lambda p: _(
        "Please don't use the characters < and > (HTML) here. Type plain text."
    ),
    ErrorCode.TEXT_EMPTY: lambda p: _("The text is empty. Please type it."),
    ErrorCode.TEXT_TOO_LONG: lambda p: _f(
        _("That is too long: at most {max} characters, you sent {length}."),
        p,
    ),
    ErrorCode.BAD_NUMBER: lambda p: _f(
        _("Please type a whole number from {min} to {max}."),
        p,
    ),
    ErrorCode.TOO_MANY_LINES: lambda p: _f(
        _("Too many lines: at most {max} at a time. Send the rest in the next message."),
        p,
    ),
    ErrorCode.BAD_TIMEZONE: lambda p: _(
        "Unknown time zone. Pick a city or type an IANA name such as Asia/Omsk."
    ),
    ErrorCode.DUPLICATE_NAME: lambda p: _("That name is already taken. Choose another one."),
    ErrorCode.LAST_CHAIR: lambda p: _(
        "The association must keep a chair: invite or appoint a new chair first."
    ),
    ErrorCode.ROSTER_TOO_BIG: lambda p: _f(
        _("Too many lines: at most {rows} people (1 MB) at a time."),
        p,
    ),
    ErrorCode.ROSTER_EMPTY: lambda p: _("No names found. Send one person per line."),
    ErrorCode.ROSTER_BAD_LINE: lambda p: _f(
        _("Line {line}: {reason} Nothing was added; correct the line and send the list again."),
        {**p, "reason": _reason(p)},
    ),
    ErrorCode.ROSTER_BAD_QUOTES: lambda p: _("A quotation mark is opened and never closed."),
    ErrorCode.ROSTER_NOT_TEXT: lambda p: _(
        "This is not a CSV or text file; nothing was added. In Excel or Google Sheets choose "
        "«Save as» / «Download» → CSV and send that file, or paste the lines here."
    ),
    ErrorCode.GROUP_ALREADY_LINKED: lambda p: _(
        "This group is already linked to another association."
    ),
    ErrorCode.CONSENT_REQUIRED: lambda p: _(
        "Without consent to the processing of personal data the bot cannot register you."
    ),
    ErrorCode.STALE: lambda p: _("This button is out of date. Open the list again."),
    ErrorCode.ALREADY_SENT: lambda p: _("This has already been sent. Nothing was sent twice."),
    ErrorCode.NO_RECIPIENTS: lambda p: _(
        "There is nobody to send it to yet: the roster has no other members."
    ),
    # Meetings.
    ErrorCode.BAD_DATE: lambda p: _(
        "I could not read the date. Type it as 25.12 or 25.12.2026, optionally with the time: "
        "25.12 15:00."
    ),
    ErrorCode.BAD_TIME: lambda p: _("I could not read the time. Type it as 15:30."),
    ErrorCode.TIME_WITHOUT_DATE: lambda p: _(
        "That is a time without a date: pick the day first, or type both: 25.12 15:00."
    ),
    ErrorCode.DATE_IN_PAST: lambda p: _("That moment has already passed. Choose a later one."),
    ErrorCode.DATE_TOO_FAR: lambda p: _f(
        _("Meetings are planned up to the end of next school year ({latest})."), p
    ),
    ErrorCode.BAD_LINK: lambda p: _("That is not a link: it must start with https://."),
    ErrorCode.BAD_DURATION: lambda p: _("The duration must be from 15 minutes to 10 hours."),
    ErrorCode.PRESIDING_ROLE: lambda p: _("Only the chair or a deputy chair can preside."),
    ErrorCode.ALREADY_PUBLISHED: lambda p: _(
        "This meeting has already been published: change it from /meetings."
    ),
    ErrorCode.DRAFT_CHANGED: lambda p: _(
        "Someone else has just changed this draft; nothing of yours was saved. Here is the "
        "current version: make your change again."
    ),
    ErrorCode.AGENDA_FULL: lambda p: _f(_("At most {max} questions (and files) per meeting."), p),
    ErrorCode.FILE_TOO_BIG: lambda p: _f(_("The file is too big: at most {max_mb} MB."), p),
    ErrorCode.NO_DATE: lambda p: _("set the date and time"),
    ErrorCode.NO_PLACE: lambda p: _("set the place"),
    ErrorCode.NO_LINK: lambda p: _("set the link for online participants"),
    ErrorCode.NO_AGENDA: lambda p: _("add at least one agenda question"),
    ErrorCode.NO_DRAFT_DECISION: lambda p: _f(
        _("write the draft decision of question(s) {questions}: the ballot votes on it"),
        {"questions": ", ".join(str(q) for q in p.get("questions", []))},
    ),
    ErrorCode.NOTICE_LATE: lambda p: _f(
        _(
            "Too late for a regular meeting: the notice must reach members {days} before "
            "the day of the meeting, by the end of {day}."
        ),
        _with_days(p),
    ),
    ErrorCode.MEETING_CANCELLED: lambda p: _("This meeting has been cancelled."),
    ErrorCode.MEETING_ENDED: lambda p: _("This meeting has already ended."),
    ErrorCode.NOT_PUBLISHED: lambda p: _("This meeting has not been published yet."),
    ErrorCode.CHAIR_MUST_DECIDE: lambda p: _(
        "This is the chair's decision: the chair or the deputy chair must do it."
    ),
    ErrorCode.PROPOSALS_CLOSED: lambda p: _f(
        _(
            "Proposals for this meeting were accepted until the end of {day} ({days} before "
            "the meeting): it is too late now. Ask the chair directly."
        ),
        _with_days(p),
    ),
    ErrorCode.ALREADY_DECIDED: lambda p: _("This proposal has already been decided."),
    ErrorCode.NOT_BEGUN: lambda p: _("The meeting has not begun yet."),
    ErrorCode.NOT_AWAITING: lambda p: _("This meeting no longer waits for the chair's decision."),
    # At the meeting: check-in, the roll, open votes, ballots.
    ErrorCode.NO_GATHERING: lambda p: _(
        "An absentee meeting has no gathering: there is no check-in, members fill in the ballot."
    ),
    ErrorCode.CHECKIN_NOT_OPEN: lambda p: _(
        "Check-in has not opened yet: it opens when the meeting begins."
    ),
    ErrorCode.CHECKIN_CLOSED: lambda p: _(
        "Check-in is over. If you are at the meeting, ask the secretary to mark you."
    ),
    ErrorCode.NEED_CODE: lambda p: _("Type the code shown in the room:"),
    ErrorCode.WRONG_CODE: lambda p: _(
        "That is not the code shown in the room. Type it again, or /cancel."
    ),
    ErrorCode.NOT_PRESENT: lambda p: _(
        "Only members marked present vote. Check in first, or ask the secretary to mark you."
    ),
    ErrorCode.NOT_VOTING: lambda p: _(
        "You take part without a vote: votes are for voting members."
    ),
    ErrorCode.VOTE_NOT_OPEN: lambda p: _("The vote on this question has not been opened yet."),
    ErrorCode.VOTE_CLOSED: lambda p: _("The vote on this question is closed. Nothing was changed."),
    ErrorCode.NO_DECISION: lambda p: _(
        "This question has no draft decision: there is nothing to vote on."
    ),
    ErrorCode.BALLOT_CLOSED: lambda p: _("The ballot is closed: answers are no longer accepted."),
    ErrorCode.NOT_ON_ROLL: lambda p: _(
        "Votes are recorded by hand only for members the roll marked present; those who "
        "checked in themselves vote in the bot."
    ),
    ErrorCode.BY_BALLOT: lambda p: _(
        "This meeting decides by ballot, not by an open vote in the room."
    ),
    # Protocols.
    ErrorCode.NO_ATTENDANCE: lambda p: _(
        "The protocol needs the attendance: nobody was marked present at this meeting. Mark "
        "who attended in the roll call first."
    ),
    ErrorCode.NO_BALLOTS: lambda p: _(
        "The protocol needs the votes: nobody answered this meeting's ballot."
    ),
    ErrorCode.MEETING_NOT_ENDED: lambda p: _(
        "The meeting has not ended yet: its protocol is drafted when it ends."
    ),
    ErrorCode.PROTOCOL_SIGNED: lambda p: _(
        "This protocol is signed and can no longer be changed. A correction makes a new "
        "version: «✏️ Correct» on its card."
    ),
    ErrorCode.PROTOCOL_NOT_SIGNED: lambda p: _("This protocol has not been signed yet."),
    ErrorCode.NOT_SIGNER: lambda p: _(
        "Only the person who presided and the minutes keeper sign this protocol."
    ),
    ErrorCode.PROTOCOL_INCOMPLETE: lambda p: _f(
        _("Before signing, fill in «Heard» for questions {questions}."),
        {"questions": ", ".join(str(q) for q in p.get("questions", []))},
    ),
    ErrorCode.GUEST_FORMAT: lambda p: _f(
        _("«{line}»: write a guest as name — position, one per line."),
        p,
    ),
    # Surveys.
    ErrorCode.SURVEY_CLOSED: lambda p: _("This survey is closed: answers are no longer accepted."),
    ErrorCode.SURVEY_NOT_OPEN: lambda p: _("This survey has not opened yet."),
    ErrorCode.SCALE_RANGE: lambda p: _f(_("Choose a value from {min} to {max}."), p),
    ErrorCode.BAD_OPTION: lambda p: _("There is no such option. Nothing was changed."),
    ErrorCode.ANSWER_REQUIRED: lambda p: _f(
        _("Question {position} is required: please answer it first."), p
    ),
    ErrorCode.TOO_FEW_OPTIONS: lambda p: _f(_("At least {min} options, please."), p),
    ErrorCode.TOO_MANY_OPTIONS: lambda p: _f(_("At most {max} options."), p),
    ErrorCode.TOO_MANY_QUESTIONS: lambda p: _f(_("At most {max} questions."), p),
    ErrorCode.NO_QUESTIONS: lambda p: _("Add at least one question first."),
    ErrorCode.SURVEY_SENT: lambda p: _(
        "This survey has already been sent: its questions and settings no longer change."
    ),
    ErrorCode.ALREADY_FINISHED: lambda p: _("You have already finished this survey. Thank you!"),
}
_TEXTS.update(plan_texts(_reason))  # the annual plan's refusals
_TEXTS.update(year_texts())  # the year-end report and the annual analysis
_TEXTS.update(approval_texts())  # its approval at a meeting
_TEXTS.update(centre_texts())  # centres over services
_TEXTS.update(bank_texts(_reason))  # the data bank of members


def error_text(error: DomainError) -> str:
    text = _TEXTS.get(error.code)
    if text is None:  # a code without a text yet: still a clear answer, never a crash
        return _("This cannot be done. Nothing was changed.")
    return text(error.params)


class ErrorReplyMiddleware(BaseMiddleware):
    """Outer middleware on updates, inside the locale (only `ResumeMiddleware` is further
    in): answers errors in the user's language.

    A domain error gets its clear message; anything else is logged with ids only and the
    user is told nothing was changed (the session rolls back when it closes). A callback is
    answered once: one the handler answered already (`bot.retry.answers`) gets the error as
    a message instead of an alert, and no second silent answer after a failed call.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        with answers() as answered:
            try:
                return await handler(event, data)
            except DomainError as exc:
                await _answer(event, data, error_text(exc), answered)
            except TelegramAPIError as exc:
                log.warning("update %s: Telegram refused a call: %s", event.update_id, exc)
                query = event.callback_query
                if query is not None and query.id not in answered:  # no spinner may hang
                    await _release(query)
            except Exception as exc:
                user = data.get("event_from_user")
                log.error(
                    "update %s from user %s failed: %s",
                    event.update_id,
                    user.id if user else None,
                    type(exc).__name__,
                    exc_info=exc,
                )
                await _answer(
                    event,
                    data,
                    _("Something went wrong; nothing was changed. Please try again."),
                    answered,
                )
        return None


async def _release(query: CallbackQuery) -> None:
    """Answer a callback silently if nobody has yet."""
    with contextlib.suppress(TelegramAPIError):  # answered already, or too old: no spinner
        await query.answer()


async def _answer(update: Update, data: dict[str, Any], text: str, answered: set[str]) -> None:
    """The error as an alert on the button; if the handler had answered the callback
    already (a query is answered once), as a message in the chat instead."""
    try:
        query = update.callback_query
        if query is not None:
            if query.id not in answered:
                try:
                    await query.answer(short(text), show_alert=True)
                    return
                except TelegramBadRequest as exc:  # answered by a call whose answer was lost
                    if not already_answered(exc):
                        raise
            bot: Bot | None = data.get("bot")
            if bot is not None:
                chat_id = query.message.chat.id if query.message else query.from_user.id
                await bot.send_message(chat_id, html.escape(text, quote=False))
        elif update.message is not None:
            await update.message.answer(html.escape(text, quote=False))
    except TelegramAPIError as exc:  # the answer itself failed: log, never raise
        log.warning("could not answer update %s: %s", update.update_id, exc)
