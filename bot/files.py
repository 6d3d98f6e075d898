"""Files through Telegram that outlive a bot token.

A Telegram `file_id` belongs to one bot: with a new token every file_id the old one was given
answers 400 «wrong file identifier». So the bytes of the files people send (meeting materials,
proposal attachments, announcement files) are downloaded when they arrive (`download`) and
kept in `stored_files`, like the bot's own protocols and .ics files; `send_file` sends by the
last file_id that worked and, when Telegram no longer knows it, uploads the bytes again and
remembers the file_id Telegram gives for them.

Telegram lets a bot download files up to 20 MB (`getFile`): a bigger file is kept by its
file_id only (materials and proposals refuse it anyway) and is lost with the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import BufferedInputFile, InputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
from services import files

log = logging.getLogger(__name__)

DOWNLOAD_MAX = 20 * 1024 * 1024  # the Bot API's getFile limit
# How Telegram says it does not know a file_id (another bot's, or an old token's).
_UNKNOWN_FILE = (
    "wrong file identifier",
    "wrong remote file identifier",
    "file reference expired",
    "file_reference",
    "invalid file_id",
    "file_id_invalid",
)


def unknown_file(exc: TelegramAPIError) -> bool:
    return isinstance(exc, TelegramBadRequest) and any(
        words in exc.message.lower() for words in _UNKNOWN_FILE
    )


async def download(bot: Bot, file_id: str, size: int | None) -> bytes | None:
    """The bytes of a file a person sent, to keep; None above the 20 MB download limit or
    when Telegram cannot give them now (the file is then kept by its file_id only)."""
    if size is not None and size > DOWNLOAD_MAX:
        log.info("file over 20 MB: kept by file_id only (lost with a new token)")
        return None
    try:
        data = await bot.download(file_id, timeout=60)
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        log.warning("file not downloaded, kept by file_id only: %s", exc)
        return None
    return data.read() if data is not None else None


def _sent_file_id(message: Message) -> str | None:
    if message.document is not None:
        return message.document.file_id
    if message.photo:
        return message.photo[-1].file_id
    return None


async def _send(
    bot: Bot, chat_id: int, part: Part, file: str | InputFile, **kwargs: Any
) -> Message:
    if part.file_kind == "photo":
        return await bot.send_photo(
            chat_id, file, caption=part.caption, reply_markup=part.reply_markup, **kwargs
        )
    return await bot.send_document(
        chat_id, file, caption=part.caption, reply_markup=part.reply_markup, **kwargs
    )


async def send_file(
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: int,
    part: Part,
    *,
    upload_lock: asyncio.Lock | None = None,
    **kwargs: Any,
) -> Message:
    """Send a file part: by file_id (the last one Telegram gave this bot for the stored bytes,
    else the part's own); uploaded from the stored bytes when there is no file_id yet or
    Telegram no longer knows it, and the new file_id remembered. Under `upload_lock` one
    sender uploads while the others wait, then use the file_id it got."""
    stored = await _load(sessionmaker, part.stored_file_id)
    tried = (stored.telegram_file_id if stored else None) or part.file_id
    if tried is not None:
        try:
            return await _send(bot, chat_id, part, tried, **kwargs)
        except TelegramBadRequest as exc:
            if stored is None or not unknown_file(exc):
                raise
            log.warning(
                "stored file %s: Telegram no longer knows its file_id (%s): uploading it again",
                stored.id,
                exc.message,
            )
    if stored is None:
        raise ValueError("a file part with neither a file_id nor stored bytes")
    async with upload_lock or contextlib.nullcontext():
        fresh = await _load(sessionmaker, stored.id) or stored
        if fresh.telegram_file_id is not None and fresh.telegram_file_id != tried:
            with contextlib.suppress(TelegramBadRequest):  # uploaded meanwhile by another
                return await _send(bot, chat_id, part, fresh.telegram_file_id, **kwargs)
        upload = BufferedInputFile(stored.content, filename=stored.file_name)
        message = await _send(bot, chat_id, part, upload, **kwargs)
        new = _sent_file_id(message)
        if new is not None:
            async with sessionmaker() as session:
                await files.remember(session, stored.id, new)
        return message


async def _load(
    sessionmaker: async_sessionmaker[AsyncSession], stored_file_id: int | None
) -> files.FileBytes | None:
    if stored_file_id is None:
        return None
    async with sessionmaker() as session:
        return await files.load(session, stored_file_id)
