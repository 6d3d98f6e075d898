"""The DOCX and PDF of a protocol: drawn from its content (documents.protocol) off the event
loop, and, for a signed version, stored once so every copy and download sends the same
files (uploaded to Telegram once, then by file_id)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import files, protocols
from services.protocol_content import ProtocolContent

_locks: dict[tuple[int, int], asyncio.Lock] = {}


async def draw(content: ProtocolContent) -> tuple[bytes, bytes]:
    """DOCX and PDF bytes, made in a worker thread (a long protocol takes a moment)."""
    from documents.protocol import docx_bytes, pdf_bytes  # lazy: ~40 MB the bot rarely needs

    return await asyncio.gather(
        asyncio.to_thread(docx_bytes, content), asyncio.to_thread(pdf_bytes, content)
    )


def names(content: ProtocolContent) -> tuple[str, str]:
    """«Протокол №3 от 20.12.2026 — РМО учителей математики.docx» and «….pdf»: the names a
    secretary files them under (Telegram sends a document's name as UTF-8; a ZIP entry's
    name is UTF-8 too)."""
    from documents.protocol import file_title

    title = file_title(content)
    return f"{title}.docx", f"{title}.pdf"


def ascii_names(content: ProtocolContent) -> tuple[str, str]:
    """`protocol_3_2026-12-20.docx` and `….pdf`: inside a ZIP, where an older unpacker (the
    one built into Windows) garbles names that are not ASCII."""
    from documents.protocol import file_stem

    stem = file_stem(content)
    return f"{stem}.docx", f"{stem}.pdf"


async def signed_files(
    sessionmaker: async_sessionmaker[AsyncSession], view: protocols.ProtocolView
) -> tuple[int, int]:
    """The stored DOCX and PDF of a signed version, made the first time they are needed."""
    key = (view.id, view.version)
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:
        async with sessionmaker() as session:
            found = await protocols.stored_files(session, view.id, view.version)
        if found is not None:
            return found
        docx, pdf = await draw(view.content)
        docx_name, pdf_name = names(view.content)
        async with sessionmaker() as session:
            docx_id = await files.store(session, docx_name, docx)
            pdf_id = await files.store(session, pdf_name, pdf)
            await session.commit()
        async with sessionmaker() as session:
            await protocols.keep_files(session, view.id, view.version, docx_id, pdf_id)
        async with sessionmaker() as session:
            kept = await protocols.stored_files(session, view.id, view.version)
        _locks.pop(key, None)
        return kept or (docx_id, pdf_id)


async def signed_bytes(
    sessionmaker: async_sessionmaker[AsyncSession], view: protocols.ProtocolView
) -> tuple[bytes, bytes]:
    """The DOCX and PDF of a signed version as the members got them."""
    docx_id, pdf_id = await signed_files(sessionmaker, view)
    async with sessionmaker() as session:
        stored = await files.contents(session, [docx_id, pdf_id])
    return stored[docx_id], stored[pdf_id]
