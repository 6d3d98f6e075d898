"""A broadcast's summary to the one who started it: how many were reached, and who was not
and why (rendered when it is sent, in the starter's language). Always wanted; a summary the
outbox gives up on raises the operator's alert (`scheduler.alerts`)."""

from __future__ import annotations

import html

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from bot.render import render, split_message
from services import broadcasts, outbox
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
        return [Part(text=chunk) for chunk in split_message(lines)]
