"""Compliance findings (services.compliance): a finding told to the chair (still wanted while
it is open in the same occurrence), and a methodist's digest of the day (the findings of
the day still open; none left: not sent)."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from services import compliance
from services.outbox import Claimed
from ui.compliance import digest_text, finding_keyboard, finding_text


async def _views(
    sessionmaker: async_sessionmaker[AsyncSession], ids: set[int]
) -> dict[int, compliance.FindingView]:
    async with sessionmaker() as session:
        return {v.id: v for v in await compliance.finding_views(session, sorted(ids))}


def _ids(row: Claimed) -> list[int]:
    return [int(i) for i in row.params.get("finding_ids", [])]


class FindingKind:
    name = compliance.FINDING

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        views = await _views(sessionmaker, {int(r.params["finding_id"]) for r in rows})
        drop = set()
        for row in rows:
            view = views.get(int(row.params["finding_id"]))
            if view is None or not view.open or view.occurrence != int(row.params["occurrence"]):
                drop.add(row.id)
        return drop

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        view = (await _views(sessionmaker, {int(row.params["finding_id"])}))[
            int(row.params["finding_id"])
        ]
        with i18n.context(), i18n.use_locale(locale):
            return [Part(text=finding_text(view), reply_markup=finding_keyboard(view))]


class DigestKind:
    name = compliance.DIGEST

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        views = await _views(sessionmaker, {i for r in rows for i in _ids(r)})
        return {row.id for row in rows if not any(views[i].open for i in _ids(row) if i in views)}

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        views = await _views(sessionmaker, set(_ids(row)))
        still = [v for v in views.values() if v.open]
        still.sort(key=lambda v: (v.association, v.id))
        with i18n.context(), i18n.use_locale(locale):
            return [Part(text=digest_text(date.fromisoformat(str(row.params["day"])), still))]
