"""A qualification category's term ends soon (issue 18, item 4): to the teacher («your
category ends on …, please apply for attestation») and to the methodists of their services
(«… of Иванова А. П. ends on …»), in the recipient's language. The row keeps ids and dates
only (the person, the order's date, the term's end): the name, category and order number are
read when it is sent; wanted while the order is still the person's (not forgotten, no newer
order), and a row whose person was forgotten meanwhile is refused at rendering."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from models import Category
from services import databank
from services.outbox import Claimed


def _category(code: str) -> str:
    labels = {
        Category.FIRST.value: _("first category"),
        Category.HIGHEST.value: _("highest category"),
        Category.METHODIST.value: _("teacher-methodologist"),
        Category.MENTOR.value: _("teacher-mentor"),
    }
    return labels.get(code, code)


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


class CategoryTermKind:
    name = databank.CATEGORY_TERM

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        gone = set()
        async with sessionmaker() as session:
            for row in rows:
                order = date.fromisoformat(str(row.params["order_date"]))
                if not await databank.still_current(session, int(row.params["person_id"]), order):
                    gone.add(row.id)
        return gone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        p = row.params
        async with sessionmaker() as session:
            found = await databank.term_details(
                session, int(p["person_id"]), date.fromisoformat(str(p["order_date"]))
            )
        if found is None:
            raise LookupError("the order is no longer the person's (forgotten or replaced)")
        with i18n.context(), i18n.use_locale(locale):
            values = {
                "category": _category(found.category.value),
                "number": html_decoration.quote(found.order_number or "—"),
                "order_date": _day(str(p["order_date"])),
                "ends": _day(str(p["ends"])),
                "name": html_decoration.quote(found.name),
            }
            if p.get("to_self"):
                text = _(
                    "⏳ Your qualification category ({category}, order № {number} of "
                    "{order_date}) ends on {ends}. Please apply for attestation in time; "
                    "when a new order sets it, enter its date and number in /profile."
                ).format(**values)
            else:
                text = _(
                    "⏳ The qualification category of {name} ({category}, order № {number} of "
                    "{order_date}) ends on {ends}."
                ).format(**values)
            return [Part(text=text)]
