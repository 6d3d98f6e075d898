"""A survey's invitation (a single-choice poll's with its options as buttons: one tap
answers) and its reminders to those who have not finished (services.surveys)."""

from __future__ import annotations

import time

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import formats, messages
from bot.messages import Part
from bot.render import render
from models import SurveyKind as SurveyKindModel
from services import surveys
from services.outbox import Claimed

from .base import Cache


class SurveyMessageKind:
    """What both share: what is still wanted, and the survey loaded once for a broadcast."""

    name: str
    TTL = 20.0  # seconds: a broadcast renders the same survey for every recipient

    def __init__(self) -> None:
        self._views: Cache[int, tuple[float, surveys.SurveyView, str | None]] = Cache()

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await surveys.unwanted(session, rows)

    async def _view(
        self, sessionmaker: async_sessionmaker[AsyncSession], survey_id: int
    ) -> tuple[surveys.SurveyView, str | None]:
        found = self._views.get(survey_id)
        if found is not None and time.monotonic() - found[0] < self.TTL:
            return found[1], found[2]
        async with sessionmaker() as session:
            view = await surveys.load(session, survey_id)
        async with sessionmaker() as session:
            zone = (await surveys.zones(session, [survey_id])).get(survey_id)
        self._views.put(survey_id, (time.monotonic(), view, zone))
        return view, zone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        view, zone = await self._view(sessionmaker, int(row.params["survey_id"]))
        with i18n.context(), i18n.use_locale(locale):
            closes = (
                formats.when(view.closes_at, zone or "Europe/Moscow", locale)
                if view.closes_at
                else None
            )
            return [self.part(view, closes)]

    def part(self, view: surveys.SurveyView, closes: str | None) -> Part:
        raise NotImplementedError


class SurveyInviteKind(SurveyMessageKind):
    name = surveys.INVITE

    def part(self, view: surveys.SurveyView, closes: str | None) -> Part:
        poll = view.kind is SurveyKindModel.POLL
        text = render("survey_invite.html", v=view, poll=poll, closes=closes, author=None)
        return Part(text=text, reply_markup=messages.survey_invite_keyboard(view))


class SurveyReminderKind(SurveyMessageKind):
    name = surveys.REMINDER

    def part(self, view: surveys.SurveyView, closes: str | None) -> Part:
        text = render("survey_reminder.html", v=view, closes=closes)
        return Part(text=text, reply_markup=messages.survey_start_keyboard(view.id, resume=True))
