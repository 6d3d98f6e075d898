"""The operator's alerts to the administrators (services.alerts), in the administrator's
language; rendered from the row alone, always wanted."""

from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from models import AlertName
from services import alerts
from services.outbox import Claimed


def _when(value: object) -> str:
    if not isinstance(value, str):
        return "—"
    return datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M UTC")


def alert_text(params: dict[str, object]) -> str:
    """The alert's text in the current locale (inside `i18n.use_locale`)."""
    name = AlertName(str(params["alert"]))
    since, count = _when(params.get("since")), params.get("count", 0)
    detail = html_decoration.quote(str(params.get("detail") or "—"))
    if name is AlertName.BACKLOG:
        text = _(
            "Delivery is behind: {count} messages have been waiting longer than {minutes} min "
            "(the oldest since {since}). Check the bot's log and whether Telegram answers."
        ).format(count=count, minutes=params.get("minutes"), since=since)
    elif name is AlertName.TELEGRAM:
        text = _(
            "Telegram has not been answering the bot since {since} (longer than {minutes} "
            "min). Messages wait in the outbox and go out once it answers again."
        ).format(since=since, minutes=params.get("minutes"))
    elif name is AlertName.GIVEN_UP:
        text = _(
            "The bot gave up on {count} messages after its retries (Telegram's errors, or no "
            "answer). The last error: {detail}"
        ).format(count=count, detail=detail)
    elif name is AlertName.OUTCOME_LOST:
        text = _(
            "{count} outcome messages (a broadcast's summary to the person who started it) "
            "could not be delivered. The last error: {detail}"
        ).format(count=count, detail=detail)
    else:
        text = _("The daily backup failed: {detail}").format(detail=detail)
    return "⚠️ <b>" + _("Operator alert") + "</b>\n" + text


class OperatorAlertKind:
    name = alerts.KIND

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
        with i18n.context(), i18n.use_locale(locale):
            return [Part(text=alert_text(dict(row.params)))]
