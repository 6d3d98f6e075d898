"""The DOCX and XLSX of a submitted analysis, for the methodists it is submitted to: drawn
(documents.analysis, documents.analysis_xlsx) as the recipient may read it — the figures as
they were when it was submitted — off the event loop, and stored, so a retried message sends
the same files and each goes to Telegram once, then by file_id."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import analysis, files, people
from services.errors import DomainError


async def submitted_files(
    sessionmaker: async_sessionmaker[AsyncSession],
    person_id: int | None,
    found: analysis.AnalysisState,
) -> tuple[int, int] | None:
    """Stored DOCX and XLSX of the analysis for `person_id`; None when they may no longer read
    it (no longer a methodist of the service) or it is no longer submitted."""
    from documents.analysis import docx_bytes, file_stem  # lazy: the bot rarely needs them
    from documents.analysis_xlsx import xlsx_bytes

    if person_id is None or found.submitted_at is None:
        return None
    async with sessionmaker() as session:
        actor = await people.actor_of_person(session, person_id)
        if actor is None:
            return None
        try:
            figures = await analysis.analysis(
                session, actor, found.association_id, found.submitted_at, found.school_year
            )
        except DomainError:
            return None
    docx, xlsx = await asyncio.gather(
        asyncio.to_thread(docx_bytes, figures, found.sections),
        asyncio.to_thread(xlsx_bytes, figures),
    )
    stem = file_stem(figures)
    async with sessionmaker() as session:
        docx_id = await files.store(session, f"{stem}.docx", docx)
        xlsx_id = await files.store(session, f"{stem}.xlsx", xlsx)
        await session.commit()
    return docx_id, xlsx_id
