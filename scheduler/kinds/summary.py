"""A broadcast's summary to the one who started it: how many were reached, and who was not
and why (rendered when it is sent, in the starter's language); a centre's announcement adds
its figures per service and per association (issue 18). Always wanted; a summary the
outbox gives up on raises the operator's alert (`scheduler.alerts`)."""

from __future__ import annotations

import html

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from bot.render import render, split_message
from services import broadcasts, centres, outbox
from services.outbox import Claimed, keys


def reason(code: str) -> str:
    """Why one person was not reached, as the starter reads it."""
    try:
        failure = outbox.Failure(code)
    except ValueError:
        failure = outbox.Failure.GAVE_UP
    return {
        outbox.Failure.BLOCKED: _("blocked the bot"),
        outbox.Failure.NO_CHAT: _("has never opened the bot, or the chat is gone"),
        outbox.Failure.NOT_JOINED: _("has not joined the bot yet"),
        outbox.Failure.REJECTED: _("Telegram refused the message"),
        outbox.Failure.GAVE_UP: _("Telegram did not answer after several tries"),
        outbox.Failure.NO_ANSWER: _(
            "Telegram did not answer several times (the message may have arrived)"
        ),
    }[failure]


def tally_line(t: centres.Tally) -> str:
    return _("delivered {delivered}, failed {failed}, blocked {blocked}").format(
        delivered=t.delivered, failed=t.failed, blocked=t.blocked
    )


def report_lines(reports: list[centres.ServiceReport]) -> list[str]:
    """A centre's announcement: the figures per service, then under it only the associations
    where someone was not reached, the others in one line (a centre of a thousand
    associations would otherwise fill a dozen messages)."""
    if not reports:
        return []
    lines = ["", _("<b>By service and association:</b>")]
    for report in reports:
        lines.append(f"🏛 <b>{html.escape(report.tally.name)}</b>: {tally_line(report.tally)}")
        missed = [t for t in report.associations if t.failed or t.blocked]
        lines += [f"  • {html.escape(t.name)}: {tally_line(t)}" for t in missed]
        rest = len(report.associations) - len(missed)
        if rest and missed:
            lines.append(
                "  • "
                + ngettext(
                    "the other {n} association: all delivered",
                    "the other {n} associations: all delivered",
                    rest,
                ).format(n=rest)
            )
        elif rest:
            lines.append(
                "  • "
                + ngettext(
                    "{n} association: all delivered", "{n} associations: all delivered", rest
                ).format(n=rest)
            )
    return lines


async def _report(session: AsyncSession, group_key: str) -> list[centres.ServiceReport]:
    parsed = keys.parse(group_key)
    found = parsed.fields.get("announcement_id") if parsed is not None else None
    if parsed is None or parsed.name != "announcement_group" or not isinstance(found, int):
        return []
    return await centres.delivery_report(session, found)


def what(group_key: str) -> str:
    """What a broadcast sent, by its group key."""
    subject = keys.subject_of(group_key)
    return {"announcement": _("announcement"), "meeting": _("meeting notice")}.get(subject, subject)


class SummaryKind:
    name = broadcasts.SUMMARY_KIND

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        return set()

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        async with sessionmaker() as session:
            found = await broadcasts.get(session, int(row.params["broadcast_id"]))
            if found is None:
                raise LookupError(f"broadcast {row.params['broadcast_id']} is gone")
            status = await outbox.group_status(session, found.group_key)
            unreached = await broadcasts.unreached(session, found.group_key)
            report = await _report(session, found.group_key)
        with i18n.context(), i18n.use_locale(found.locale):  # the starter's language
            head = render(
                "broadcast_summary.html",
                s=status,
                total=found.total,
                what=what(found.group_key).capitalize(),
                unreached=unreached,
            )
            lines = [head] + [
                f"• {html.escape(u.name) if u.name else _('(data deleted)')} — {reason(u.code)}"
                for u in unreached
            ]
            lines += report_lines(report)
        return [Part(text=chunk) for chunk in split_message(lines)]
