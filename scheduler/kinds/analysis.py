"""The annual analysis' way (issue 16): to each methodist of the service, «the analysis is
submitted» with its DOCX and XLSX attached and the buttons «принято» / «на доработку»
(wanted while that submission waits); to the chair who submitted it, the decision with the
comment."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.analysis_files import submitted_files
from bot.messages import Part
from models import AnalysisStatus, Association
from services import analysis
from services.deadlines import school_year_label
from services.outbox import Claimed
from ui.callbacks.analysis import AnalysisAction, AnalysisCb


async def _analysis_of(
    sessionmaker: async_sessionmaker[AsyncSession], row: Claimed
) -> tuple[analysis.AnalysisState, str]:
    """The row's analysis (still there: `unwanted` dropped the row otherwise) and the name of
    its association."""
    async with sessionmaker() as session:
        found = await analysis.decision(session, int(row.params["analysis_id"]))
        assert found is not None
        association = await session.get_one(Association, found.association_id)
        return found, association.name


class AnalysisSubmittedKind:
    name = analysis.SUBMITTED

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        gone = set()
        async with sessionmaker() as session:
            for row in rows:
                found = await analysis.decision(session, int(row.params["analysis_id"]))
                if (
                    found is None
                    or found.status is not AnalysisStatus.SUBMITTED
                    or found.round != int(row.params["round"])
                ):
                    gone.add(row.id)
        return gone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        found, name = await _analysis_of(sessionmaker, row)
        year = found.school_year
        with i18n.context(), i18n.use_locale(locale):
            text = _(
                "📊 «{association}» submitted the analysis of the school year {label}. "
                "Read it and accept it, or return it for revision with a comment."
            ).format(association=html_decoration.quote(name), label=school_year_label(year))
            kb = InlineKeyboardBuilder()
            # The decision buttons carry this submission's round: after a resubmission they
            # are refused (the methodist has not read the new one).
            submission = int(row.params.get("round", found.round))
            for label, action, arg in (
                (_("📄 DOCX"), AnalysisAction.DOCX, 0),
                (_("📊 XLSX"), AnalysisAction.XLSX, 0),
                (_("✅ Accept"), AnalysisAction.ACCEPT, submission),
                (_("↩️ Return for revision"), AnalysisAction.RETURN, submission),
            ):
                kb.button(
                    text=label,
                    callback_data=AnalysisCb(
                        action=action, association_id=found.association_id, year=year, arg=arg
                    ),
                )
            kb.adjust(2, 1, 1)
            parts = [Part(text=text, reply_markup=kb.as_markup())]
        stored = await submitted_files(sessionmaker, row.person_id, found)
        if stored is not None:
            parts += [Part(stored_file_id=file_id) for file_id in stored]
        return parts


class AnalysisDecidedKind:
    name = analysis.DECIDED

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        gone = set()
        async with sessionmaker() as session:
            for row in rows:
                found = await analysis.decision(session, int(row.params["analysis_id"]))
                if found is None or found.round != int(row.params["round"]):
                    gone.add(row.id)
        return gone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        found, name = await _analysis_of(sessionmaker, row)
        year = found.school_year
        label = school_year_label(year)
        with i18n.context(), i18n.use_locale(locale):
            quoted = html_decoration.quote(name)
            if found.status is AnalysisStatus.ACCEPTED:
                text = _(
                    "✅ The methodological service accepted the analysis of «{association}» "
                    "for {label}."
                ).format(association=quoted, label=label)
            else:
                text = _(
                    "↩️ The methodological service returned the analysis of «{association}» "
                    "for {label} for revision."
                ).format(association=quoted, label=label)
            if found.comment:
                text += "\n\n" + _("Comment: {comment}").format(
                    comment=html_decoration.quote(found.comment)
                )
            kb = InlineKeyboardBuilder()
            kb.button(
                text=_("📊 Open the analysis"),
                callback_data=AnalysisCb(
                    action=AnalysisAction.OPEN, association_id=found.association_id, year=year
                ),
            )
            return [Part(text=text, reply_markup=kb.as_markup())]
