"""The delivery engine: APScheduler (UTC) with the outbox tick, the progress job and the daily
job, and the sender the tick hands claimed rows to. Started in the Dispatcher's startup.

The jobs are this engine's own bound methods in APScheduler's in-memory job store: nothing is
pickled and no module global holds the engine (two engines in one process, as in the tests,
never see each other's). A persistent job store would have to pickle live objects: don't.

The tick never runs a broadcast itself: it requeues rows whose lease ran out, claims as many
due rows as the sender has room for, drops those their kind no longer wants, finds where and
in which language to deliver the rest, and queues them. It is cheap when there is nothing to
do: two index probes, no write lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages, retry
from bot.health import TelegramHealth
from bot.render import render
from scheduler import alerts as ops
from scheduler import live
from scheduler.kinds import Kind, registry
from scheduler.kinds.summary import what
from scheduler.live import Call
from scheduler.sender import Item, Sender
from services import (
    attendance,
    broadcasts,
    compliance,
    databank,
    housekeeping,
    meetings,
    outbox,
    people,
    surveys,
)
from services.clock import Clock

log = logging.getLogger(__name__)
# The starter's handler sends the progress message right after its rows commit; past this,
# a broadcast still without one (the handler's call failed, or the process died) gets one
# from the engine.
PROGRESS_GRACE = timedelta(seconds=5)
# How long a finished broadcast's final progress edit is retried (5xx, no answer) before the
# broadcast is marked finished without it; its summary goes either way.
FINAL_EDIT_PATIENCE = timedelta(minutes=2)
TICK_JOB = "outbox-tick"


@dataclass(frozen=True)
class EngineSettings:
    tick_seconds: float = 2.0
    progress_seconds: float = 3.0
    concurrency: int = 8
    send_timeout: float = 10.0
    lease: timedelta = timedelta(seconds=60)
    default_locale: str = "ru"
    daily_hour_utc: int = 3  # 06:00 in Moscow, before anyone's working day
    clock_seconds: float = 15.0  # scheduled publications and meetings that are over
    alerts: ops.AlertSettings = field(default_factory=ops.AlertSettings)
    category_terms: databank.TermSettings = field(default_factory=databank.TermSettings)


@dataclass(frozen=True)
class TickReport:
    requeued: int = 0
    in_doubt: int = 0
    claimed: int = 0
    cancelled: int = 0


class Delivery:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        i18n: I18n,
        settings: EngineSettings | None = None,
        kinds: dict[str, Kind] | None = None,
        health: TelegramHealth | None = None,
    ) -> None:
        self.bot = bot
        self.health = health
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.i18n = i18n
        self.settings = settings or EngineSettings()
        self.kinds = kinds or registry(clock)
        self.sender = Sender(
            bot,
            sessionmaker,
            clock,
            i18n,
            self.kinds,
            concurrency=self.settings.concurrency,
            timeout=self.settings.send_timeout,
            lease=self.settings.lease,
        )
        self.scheduler: AsyncIOScheduler | None = None
        self._jobs_running = 0
        self._jobs_idle = asyncio.Event()
        self._jobs_idle.set()
        self._final_since: dict[int, datetime] = {}  # broadcast id: final edit failing since
        self._ticking = False
        self._tick_again = False  # rows were enqueued while a tick ran: tick once more

    @contextlib.asynccontextmanager
    async def job(self) -> AsyncIterator[None]:
        """Around each scheduled job, so `stop` lets a running one finish instead of
        cancelling it halfway (APScheduler's shutdown cancels what is running)."""
        self._jobs_running += 1
        self._jobs_idle.clear()
        try:
            yield
        finally:
            self._jobs_running -= 1
            if self._jobs_running == 0:
                self._jobs_idle.set()

    # ------------------------------------------------------------------ lifecycle

    def start(self, *, schedule: bool = True) -> None:
        """Start the sender; with `schedule`, APScheduler runs the jobs (tests that drive
        the tick by hand pass False)."""
        self.sender.start()
        if not schedule:
            return
        scheduler = AsyncIOScheduler(timezone=UTC)  # the in-memory job store: nothing pickled
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
        every = {
            TICK_JOB: (self._ticks, self.settings.tick_seconds),
            "broadcast-progress": (self.progress, self.settings.progress_seconds),
            "meeting-clock": (self.meeting_clock, self.settings.clock_seconds),
            "operator-alerts": (self.check_alerts, self.settings.alerts.check_seconds),
        }
        for job_id, (job, seconds) in every.items():
            scheduler.add_job(
                self._run, "interval", args=(job,), seconds=seconds, id=job_id, **common
            )
        scheduler.add_job(
            self._run,
            "cron",
            args=(self.daily,),
            hour=self.settings.daily_hour_utc,
            minute=0,
            id="daily",
            **common,
        )
        scheduler.start()
        self.scheduler = scheduler
        outbox.wake.listen(self.sessionmaker, self.wake)
        self.sender.on_low = self.wake

    def wake(self) -> None:
        """Rows were committed to the outbox in this process, or the sender's queue runs
        low: tick now rather than at the next interval (a tick already running ticks once
        more when it ends)."""
        if self.scheduler is None:
            return
        if self._ticking:
            self._tick_again = True
            return
        self.scheduler.modify_job(TICK_JOB, next_run_time=datetime.now(UTC))

    async def _ticks(self) -> None:
        """The scheduled tick, again while `wake` asked for one during the last."""
        self._ticking = True
        try:
            again = True
            while again:
                self._tick_again = False
                await self.tick()
                again = self._tick_again
        finally:
            self._ticking = False

    async def _run(self, job: Callable[[], Awaitable[object]]) -> None:
        """What APScheduler calls: one of this engine's jobs, inside `job()`."""
        async with self.job():
            await job()

    async def stop(self, grace: float = 10.0) -> None:
        if self.scheduler is not None:
            self.scheduler.pause()  # no new runs; the running ones finish
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._jobs_idle.wait(), grace)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        await self.sender.stop()

    # ------------------------------------------------------------------ jobs

    async def tick(self) -> TickReport:
        now = self.clock.now()
        async with self.sessionmaker() as session:
            if not await outbox.anything_to_do(session, now):
                return TickReport()
        async with self.sessionmaker() as session:
            requeued, in_doubt, given_up = await outbox.recover(session, now)
        if given_up:
            await ops.given_up(self.sessionmaker, now, outbox.NO_ANSWER_GIVEN_UP, count=given_up)
        if in_doubt:
            log.warning("%s outbox rows came back after their lease: in doubt", in_doubt)
        async with self.sessionmaker() as session:
            claimed = await outbox.claim(session, now, self.sender.room(), self.settings.lease)
        if not claimed:
            return TickReport(requeued, in_doubt)
        unwanted: set[int] = set()
        broken: set[int] = set()
        for name in {row.kind for row in claimed}:
            kind = self.kinds.get(name)
            if kind is not None:
                rows = [row for row in claimed if row.kind == name]
                try:
                    unwanted |= await kind.unwanted(self.sessionmaker, rows)
                except Exception:  # one bad kind (or row) must not hold up the others
                    log.exception(
                        "outbox kind %s: cannot check rows %s", name, [r.id for r in rows]
                    )
                    broken |= {row.id for row in rows}
        if broken:
            async with self.sessionmaker() as session:
                for row in claimed:
                    if row.id in broken:
                        await outbox.record_failed(
                            session, row.id, row.attempts, outbox.Failure.REJECTED, "unchecked"
                        )
            unwanted |= broken
        if unwanted - broken:
            async with self.sessionmaker() as session:
                await outbox.cancel(session, unwanted - broken)
        wanted = [row for row in claimed if row.id not in unwanted]
        async with self.sessionmaker() as session:
            targets = await people.delivery_targets(
                session, [row.person_id for row in wanted if row.person_id is not None]
            )
        items = []
        for row in wanted:
            target = targets.get(row.person_id) if row.person_id is not None else None
            items.append(
                Item(
                    row=row,
                    chat_id=row.chat_id
                    if row.chat_id is not None
                    else (target.chat_id if target else None),
                    locale=(target.locale if target and target.locale else None)
                    or self.settings.default_locale,
                    person_reachable=target.reachable if target else None,
                )
            )
        self.sender.submit(items)
        return TickReport(requeued, in_doubt, len(claimed), len(unwanted))

    async def progress(self) -> int:
        """Edit each running broadcast's progress message when its figures changed (at most
        every `progress_seconds`); when a group is done, the summary; and the live quorum
        cards. Returns edits made. Its calls are not retried by bot.retry: the next round
        tries again."""
        with retry.unattended():
            edits = await self.live_cards() + await self.poll_cards()
            return edits + await self._progress()

    async def poll_cards(self) -> int:
        """Named polls' results cards in their authors' chats: edited when the figures
        changed, at most every `progress_seconds`."""
        now = self.clock.now()
        every = timedelta(seconds=self.settings.progress_seconds)
        async with self.sessionmaker() as session:
            cards = await surveys.live_cards(session)
        edits = 0
        for card in cards:
            if card.at is not None and now - card.at < every:
                continue
            async with self.sessionmaker() as session:
                found = await surveys.card_results(session, card.survey_id)
            with self.i18n.context(), self.i18n.use_locale(card.locale):
                text = render("survey_results.html", r=found)
                markup = messages.survey_results_keyboard(found)
            if text == card.text:
                continue
            edits += await live.edit(self.bot, card.chat_id, card.message_id, text, markup)
            async with self.sessionmaker() as session:
                await surveys.record_card(session, card.survey_id, text, now)
        return edits

    async def _progress(self) -> int:
        """Each running broadcast: its progress message (sent here when its starter's
        handler never got to it), edited as the figures change; when the group is done, the
        final edit, then finished with its summary enqueued (an outbox row: retried, kept
        across a restart, sent once)."""
        now = self.clock.now()
        every = timedelta(seconds=self.settings.progress_seconds)
        async with self.sessionmaker() as session:
            running = await broadcasts.unfinished(session)
        edits = 0
        for b in running:
            async with self.sessionmaker() as session:
                status = await outbox.group_status(session, b.group_key)
            with self.i18n.context(), self.i18n.use_locale(b.locale):
                text = render(
                    "broadcast_progress.html",
                    s=status,
                    total=b.total,
                    done=status.done,
                    what=what(b.group_key),
                )
            message_id, last_text = b.message_id, b.last_text
            if message_id is None:
                if now - b.created_at < PROGRESS_GRACE:
                    continue  # its starter's handler is sending it
                call, message_id = await self._progress_message(b, text)
                if call is Call.DONE:
                    edits += 1
                    last_text = text
                elif call is Call.AGAIN and not self._patience_over(b.id, now, status.done):
                    continue  # next round
            recent = b.last_edit_at is not None and now - b.last_edit_at < every
            if not status.done:
                if text == last_text or recent:
                    continue
                if message_id is not None:
                    edits += await live.edit(self.bot, b.chat_id, message_id, text)
                async with self.sessionmaker() as session:
                    await broadcasts.record_progress(session, b.id, text, now, finished=False)
                continue
            if message_id is not None and text != last_text:
                call = await live.call_edit(self.bot, b.chat_id, message_id, text)
                if call is Call.AGAIN and not self._patience_over(b.id, now, True):
                    continue  # the final edit again next round, then finished
                edits += call is Call.DONE
            # Whoever marks it finished enqueues the summary; another process, or this one
            # after a restart, finds it finished (and the summary's key taken).
            async with self.sessionmaker() as session:
                await broadcasts.finish(session, b.id, text, now)
            self._final_since.pop(b.id, None)
        return edits

    def _patience_over(self, broadcast_id: int, now: datetime, done: bool) -> bool:
        """A finished group's last call about its progress message failed again: True once
        it has failed for `FINAL_EDIT_PATIENCE` (then the broadcast is finished without it)."""
        if not done:
            return False
        since = self._final_since.setdefault(broadcast_id, now)
        if now - since < FINAL_EDIT_PATIENCE:
            return False
        log.warning("broadcast %s: finished without its final progress edit", broadcast_id)
        return True

    async def _progress_message(
        self, b: broadcasts.BroadcastView, text: str
    ) -> tuple[Call, int | None]:
        """Send a broadcast's progress message and record it; when its starter's handler
        recorded one meanwhile, ours is deleted and theirs kept."""
        try:
            sent = await self.bot.send_message(b.chat_id, text)
        except TelegramAPIError as exc:
            call = live.failure(exc)
            log.warning("broadcast %s: progress message not sent: %s", b.id, exc.message)
            return call, None
        async with self.sessionmaker() as session:
            if await broadcasts.set_message(session, b.id, sent.message_id, text):
                return Call.DONE, sent.message_id
        with contextlib.suppress(TelegramAPIError):
            await self.bot.delete_message(b.chat_id, sent.message_id)
        async with self.sessionmaker() as session:
            found = await broadcasts.get(session, b.id)
        return Call.DONE, found.message_id if found is not None else None

    async def live_cards(self) -> int:
        """The chairs' quorum cards: edited when their figures changed, at most every
        `progress_seconds` (never from a handler: nobody waits for it)."""
        now = self.clock.now()
        every = timedelta(seconds=self.settings.progress_seconds)
        async with self.sessionmaker() as session:
            cards = await attendance.live_cards(session, now)
        edits = 0
        for card in cards:
            if card.at is not None and now - card.at < every:
                continue
            async with self.sessionmaker() as session:
                view = await meetings.load(session, card.meeting_id)
            with self.i18n.context(), self.i18n.use_locale(card.locale):
                text = messages.quorum_text(view, card.quorum)
                markup = messages.controls(view, card.quorum)
            if text == card.text:
                continue
            edits += await live.edit(self.bot, card.chat_id, card.message_id, text, markup)
            async with self.sessionmaker() as session:
                await attendance.record_card(session, card.meeting_id, text, now)
        return edits

    async def meeting_clock(self) -> meetings.ClockReport:
        """Publish the meetings planned for now; end those whose time is over; close the
        surveys whose closing time has come."""
        async with self.sessionmaker() as session:
            report = await meetings.run_clock(session, self.clock.now())
        async with self.sessionmaker() as session:
            closed = await surveys.close_due(session, self.clock.now())
        if closed:
            log.info("surveys closed %s", closed)
        if report.published or report.ended:
            log.info("meetings published %s, ended %s", report.published, report.ended)
        return report

    async def check_alerts(self) -> list[ops.Raised]:  # the operator's alerts
        return await ops.check(self.sessionmaker, self.clock, self.settings.alerts, self.health)

    async def daily(self) -> dict[str, int]:
        """Once a day: housekeeping, the regulations' compliance checks, the reminders of
        categories whose term ends soon."""
        async with self.sessionmaker() as session:
            done = await housekeeping.purge(session, self.clock.now())
        async with self.sessionmaker() as session:
            checked = await compliance.run_daily(session, self.clock.now())
        async with self.sessionmaker() as session:
            terms = await databank.remind_category_terms(
                session, self.clock.now(), self.settings.category_terms
            )
        done = {
            **done,
            "findings": checked.opened,
            "findings_cleared": checked.cleared,
            "category_terms": terms,
        }
        log.info("daily: %s", done)
        return done
