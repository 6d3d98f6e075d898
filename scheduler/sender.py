"""The sender: a long-lived set of worker tasks that deliver claimed outbox rows.

Each row is rendered in the recipient's language at send time, marked as started (committed)
before its first call, and its outcome committed right after. Calls go through the bot's
session, so the one limiter paces them (as bulk: a person waiting for an answer goes first).

Outcomes: delivered → sent. Blocked, or no chat → failed, the person marked unreachable, no
retry. Telegram refusing the message itself → failed (a bug; logged). 429 after the limiter
gave up → again after retry_after. 5xx or a connection that never reached Telegram → again
with exponential backoff, then failed. A call without an answer (timeout, a dropped
connection) → in doubt: the row is left `sending` and comes back when its lease runs out,
counted; it may reach the person twice, which is the one duplicate the design allows.
An outcome someone waits for (`kinds.OUTCOMES`: a broadcast's summary) that ends failed
raises the operator's alert (`alerts.outcome_lost`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiohttp import ClientConnectorError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import files
from bot.limiter import NotOurs, bulk
from bot.messages import Part, split_parts
from scheduler import alerts
from scheduler.kinds import OUTCOMES, Kind
from services import outbox, people
from services.clock import Clock
from services.outbox import Claimed, Failure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """A claimed row with where to deliver it and in which language."""

    row: Claimed
    chat_id: int | None
    locale: str
    person_reachable: bool | None = None


@dataclass
class Stats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    in_doubt: int = 0


class Sender:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        i18n: I18n,
        kinds: dict[str, Kind],
        *,
        concurrency: int = 8,
        timeout: float = 10.0,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.i18n = i18n
        self.kinds = kinds
        self.concurrency = concurrency
        self.timeout = timeout
        self.lease = lease
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self.stats = Stats()
        self._workers: list[asyncio.Task[None]] = []
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._uploads: dict[int, asyncio.Lock] = {}  # one upload per stored file at a time
        # Called when the queue runs low (the engine ticks for more at once, so a long
        # broadcast's pace does not depend on the tick's interval).
        self.on_low: Callable[[], None] | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if not self._workers:
            self._workers = [
                asyncio.create_task(self._work(), name=f"sender-{n}")
                for n in range(self.concurrency)
            ]

    async def stop(self, grace: float | None = None) -> None:
        """Let calls in flight finish (up to `grace` seconds, by default a little over the
        call timeout); rows still queued go back to pending at once (their calls never
        started, so they are not in doubt)."""
        grace = self.timeout + 2 if grace is None else grace
        queued = []
        while not self.queue.empty():
            queued.append(self.queue.get_nowait().row.id)
        if queued:
            async with self.sessionmaker() as session:
                await outbox.release(session, queued)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    def room(self) -> int:
        """How many rows the tick may claim now: enough to keep every worker busy until
        the next tick, never so many that their leases run out waiting in the queue."""
        return max(0, self.concurrency * 8 - self.queue.qsize() - self._busy)

    def submit(self, items: list[Item]) -> None:
        for item in items:
            self._idle.clear()
            self.queue.put_nowait(item)

    async def drained(self) -> None:
        """Until nothing is queued or in flight (tests and benchmarks)."""
        await self._idle.wait()

    async def _work(self) -> None:
        while True:
            item = await self.queue.get()
            if self.queue.qsize() == self.concurrency and self.on_low is not None:
                self.on_low()  # once per crossing: as the queue falls to one item per worker
            self._busy += 1
            self._idle.clear()
            try:
                await self.deliver(item)
            except Exception:  # never let one row kill a worker
                log.exception("outbox row %s: delivery failed unexpectedly", item.row.id)
            finally:
                self._busy -= 1
                if self._busy == 0 and self.queue.empty():
                    self._idle.set()

    # ------------------------------------------------------------------ one row

    async def deliver(self, item: Item) -> None:
        row = item.row
        if item.chat_id is None:
            await self._failed(row, Failure.NOT_JOINED, "no account", 0)
            return
        kind = self.kinds.get(row.kind)
        try:
            if kind is None:
                raise LookupError(f"unknown outbox kind {row.kind!r}")
            parts = split_parts(await kind.render(self.sessionmaker, self.i18n, row, item.locale))
        except Exception as exc:
            log.exception("outbox row %s: cannot render", row.id)
            await self._failed(row, Failure.REJECTED, repr(exc), 0)
            return

        async def started() -> bool:
            """Committed once the limiter grants the first call's slot, right before it: from
            here on a lost answer means "in doubt" (a wait in the limiter never does)."""
            async with self.sessionmaker() as session:
                return await outbox.mark_started(
                    session, row.id, row.attempts, self.clock.now(), self.lease
                )

        done = row.parts_done
        first: int | None = None
        try:
            with bulk(before_call=started):
                for part in parts[done:]:
                    message = await self._send(item.chat_id, part)
                    done += 1
                    first = first or message.message_id
                    if done < len(parts):
                        async with self.sessionmaker() as session:
                            await outbox.record_part(session, row.id, row.attempts, done)
        except NotOurs:
            return  # cancelled meanwhile, or reclaimed after its lease ran out
        except TelegramForbiddenError as exc:
            await self._unreachable(item, Failure.BLOCKED, exc, done)
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self._unreachable(item, Failure.NO_CHAT, exc, done)
            else:
                log.error("outbox row %s: Telegram refused the message: %s", row.id, exc.message)
                await self._failed(row, Failure.REJECTED, exc.message, done)
        except TelegramRetryAfter as exc:
            await self._retry(row, exc.message, done, after=timedelta(seconds=exc.retry_after))
        except TelegramServerError as exc:
            await self._retry(row, exc.message, done)
        except TelegramNetworkError as exc:
            if isinstance(exc.__cause__, ClientConnectorError):  # never reached Telegram
                await self._retry(row, exc.message, done)
            else:  # no answer: may have been delivered; the lease brings it back, counted
                log.warning("outbox row %s: no answer (%s): in doubt", row.id, exc.message)
                self.stats.in_doubt += 1
                if done > row.parts_done:
                    async with self.sessionmaker() as session:
                        await outbox.record_part(session, row.id, row.attempts, done)
        except TelegramAPIError as exc:
            log.error("outbox row %s: %s", row.id, exc.message)
            await self._failed(row, Failure.REJECTED, exc.message, done)
        else:
            async with self.sessionmaker() as session:
                await outbox.record_sent(
                    session, row.id, row.attempts, first, done, self.clock.now()
                )
                if item.person_reachable is False and row.person_id is not None:
                    await people.mark_reachable(session, [item.chat_id], True)
            self.stats.sent += 1

    async def _failed(self, row: Claimed, failure: Failure, error: str, done: int) -> None:
        async with self.sessionmaker() as session:
            await outbox.record_failed(session, row.id, row.attempts, failure, error, done)
        self.stats.failed += 1
        await self._lost(row, failure, error)

    async def _lost(self, row: Claimed, failure: Failure, error: str) -> None:
        """A row given up for a reason that is not the person's (blocked, never opened the
        bot): counted for the operator's alert; an outcome someone waits for, alerted too."""
        if failure in outbox.UNREACHABLE:
            return
        await alerts.given_up(self.sessionmaker, self.clock.now(), error)
        if row.kind in OUTCOMES:
            await alerts.outcome_lost(
                self.sessionmaker,
                self.clock.now(),
                kind=row.kind,
                row_id=row.id,
                chat_id=row.chat_id,
                failure=failure,
                error=error,
            )

    async def _unreachable(
        self, item: Item, failure: Failure, exc: TelegramAPIError, done: int
    ) -> None:
        await self._failed(item.row, failure, exc.message, done)
        if item.row.person_id is not None and item.chat_id is not None:
            async with self.sessionmaker() as session:
                await people.mark_reachable(session, [item.chat_id], False)

    async def _retry(
        self, row: Claimed, error: str, done: int, *, after: timedelta | None = None
    ) -> None:
        async with self.sessionmaker() as session:
            again = await outbox.record_retry(
                session,
                row.id,
                row.attempts,
                error,
                self.clock.now(),
                done,
                after=after,
                failures=row.failures,
            )
        if again:
            self.stats.retried += 1
        else:
            self.stats.failed += 1
            await self._lost(row, Failure.GAVE_UP, error)

    async def _send(self, chat_id: int, part: Part) -> Message:
        timeout = int(max(1, self.timeout))
        if part.text is not None:
            return await self.bot.send_message(
                chat_id,
                part.text,
                reply_markup=part.reply_markup,
                disable_web_page_preview=True,
                request_timeout=timeout,
            )
        if part.stored_file_id is not None:
            return await self._send_stored(chat_id, part, timeout)
        assert part.file_id is not None
        if part.file_kind == "photo":
            return await self.bot.send_photo(
                chat_id,
                part.file_id,
                caption=part.caption,
                reply_markup=part.reply_markup,
                request_timeout=timeout,
            )
        return await self.bot.send_document(
            chat_id,
            part.file_id,
            caption=part.caption,
            reply_markup=part.reply_markup,
            request_timeout=timeout,
        )

    async def _send_stored(self, chat_id: int, part: Part, seconds: int) -> Message:
        """A file with stored bytes (ours, or one a person sent): by the file_id Telegram
        gave this bot, uploaded the first time or when Telegram no longer knows it
        (bot.files). While one worker uploads it, the others wait for its file_id instead
        of uploading too."""
        assert part.stored_file_id is not None
        lock = self._uploads.setdefault(part.stored_file_id, asyncio.Lock())
        return await files.send_file(
            self.bot, self.sessionmaker, chat_id, part, upload_lock=lock, request_timeout=seconds
        )
