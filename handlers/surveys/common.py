"""What the survey screens share: defaults, the question kinds' labels, dates in the
survey's time zone."""

from __future__ import annotations

from datetime import timedelta

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from models import QuestionKind
from services import surveys
from services.clock import Clock
from services.permissions import Actor
from services.surveys import Step, SurveyView

CLOSE_IN_DAYS = (1, 3, 7, 14)
DEFAULT_POLL_DAYS = 3
DEFAULT_SURVEY_DAYS = 7
AUDIENCE_SHOWN = 40
DEFAULT_ZONE = "Europe/Moscow"  # a survey always has an audience; this is a fallback


def kind_labels() -> dict[str, str]:
    return {
        QuestionKind.SINGLE.value: _("one option"),
        QuestionKind.MULTIPLE.value: _("several options"),
        QuestionKind.SCALE.value: _("scale 1–5"),
        QuestionKind.SHORT.value: _("short text"),
        QuestionKind.LONG.value: _("long text"),
    }


def when(view: SurveyView | Step, timezone: str | None = None) -> str | None:
    closes = view.closes_at
    if closes is None:
        return None
    return formats.when(closes, timezone or DEFAULT_ZONE, get_i18n().current_locale)


async def zone_of(session: AsyncSession, view: SurveyView) -> str:
    return (await surveys.zones(session, [view.id])).get(view.id, DEFAULT_ZONE)


async def closing_in(
    session: AsyncSession, actor: Actor, view: SurveyView, days: int, clock: Clock
) -> SurveyView:
    """A new draft closes `days` from now unless its author changes that."""
    now = clock.now()
    return await surveys.set_schedule(
        session,
        actor,
        view.id,
        view.version,
        now,
        opens_at=None,
        closes_at=now + timedelta(days=days),
    )
