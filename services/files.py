"""Files the bot sends (an ICS invite, a protocol) and files people send (meeting materials,
proposal attachments, announcement files): stored once by content, uploaded to Telegram the
first time (or sent by the author's file_id) and re-sent by the file_id Telegram gave this
bot after that; uploaded again from the bytes when Telegram no longer knows that file_id
(a new bot token). The bytes are in the database: one database file stays one backup."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import StoredFile
from services.outbox import insert_for
from services.tx import reads, writes


async def store(session: AsyncSession, file_name: str, content: bytes) -> int:
    """The id of the stored file with this content, added if new, in the caller's
    transaction. Two senders storing the same file at once both get the one row (the
    second INSERT yields to the first instead of failing on the unique hash)."""
    digest = hashlib.sha256(content).hexdigest()
    found = await session.scalar(select(StoredFile.id).where(StoredFile.sha256 == digest))
    if found is not None:
        return found
    await session.execute(
        insert_for(session)(StoredFile)
        .values(sha256=digest, file_name=file_name[:255], content=content)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    stored = await session.scalar(select(StoredFile.id).where(StoredFile.sha256 == digest))
    assert stored is not None
    return stored


@reads
async def contents(session: AsyncSession, ids: list[int]) -> dict[int, bytes]:
    """The bytes of stored files (to send as a download or put in a ZIP)."""
    rows = await session.execute(
        select(StoredFile.id, StoredFile.content).where(StoredFile.id.in_(ids))
    )
    return {int(i): bytes(c) for i, c in rows.all()}


@dataclass(frozen=True)
class FileBytes:
    id: int
    file_name: str
    content: bytes
    telegram_file_id: str | None  # the last file_id Telegram gave this bot for it


@reads
async def load(session: AsyncSession, stored_file_id: int) -> FileBytes | None:
    found = await session.get(StoredFile, stored_file_id)
    if found is None:
        return None
    return FileBytes(found.id, found.file_name, bytes(found.content), found.telegram_file_id)


@writes
async def remember(session: AsyncSession, stored_file_id: int, telegram_file_id: str) -> None:
    """The file_id Telegram gave this bot for the stored file (its first upload, or an upload
    again after Telegram stopped knowing the old one): the next sends use it."""
    await session.execute(
        update(StoredFile)
        .where(StoredFile.id == stored_file_id)
        .values(telegram_file_id=telegram_file_id)
    )


async def keep(session: AsyncSession, file_name: str | None, content: bytes | None) -> int | None:
    """A file a person sent, stored by content in the caller's transaction (None: no bytes,
    it is kept by Telegram's file_id only)."""
    if content is None:
        return None
    return await store(session, file_name or "file", content)
