"""Files the bot sends (an ICS invite, a protocol): stored once by content, uploaded to
Telegram the first time and re-sent by the file_id Telegram gave it after that."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import StoredFile


async def store(session: AsyncSession, file_name: str, content: bytes) -> int:
    """The id of the stored file with this content (added if new), in the caller's
    transaction."""
    digest = hashlib.sha256(content).hexdigest()
    found = await session.scalar(select(StoredFile.id).where(StoredFile.sha256 == digest))
    if found is not None:
        return found
    stored = StoredFile(sha256=digest, file_name=file_name[:255], content=content)
    session.add(stored)
    await session.flush()
    return stored.id
