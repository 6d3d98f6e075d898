"""Files the bot sends (an ICS invite, a protocol): stored once by content, uploaded to
Telegram the first time and re-sent by the file_id Telegram gave it after that."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import StoredFile
from services.outbox import insert_for
from services.tx import reads


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
