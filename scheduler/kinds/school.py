"""A school a teacher typed was rejected (issue 20): the teacher is told, in their language,
with one button to choose their school from the directory (or type it again). Rendered from
the row alone (the school's name as typed); always wanted."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from services import schools
from services.outbox import Claimed
from ui.callbacks.people import ProfileEdit, ProfileField


class SchoolRejectedKind:
    name = schools.REJECTED_KIND

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
            text = _(
                "The school «{school}» on your profile was not confirmed: it is not in the "
                "directory. Please choose your school from the directory or type it again; "
                "until then your profile keeps it as you typed it."
            ).format(school=html_decoration.quote(str(row.params["school"])))
            kb = InlineKeyboardBuilder()
            kb.button(
                text=_("🏫 Choose my school"), callback_data=ProfileEdit(field=ProfileField.SCHOOL)
            )
            return [Part(text=text, reply_markup=kb.as_markup())]
