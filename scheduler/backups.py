"""The daily backup of an SQLite database (bot/backup.py makes the copy): at BACKUP_HOUR in
DEFAULT_TIMEZONE, into BACKUP_DIR, the BACKUP_KEEP newest daily copies kept. A failure is an
operator's alert (scheduler/alerts.py). On PostgreSQL the settings are ignored with a note in
the log: pg_dump does this job there (README, «Backups»)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import backup
from bot.config import StorageSettings
from scheduler import alerts
from scheduler.engine import Delivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyBackup:
    database: Path
    folder: Path
    keep: int
    # Where the administrators' alert is recorded (the bot's database); None: the log only.
    alerts_to: async_sessionmaker[AsyncSession] | None = None

    async def run(self, now: datetime | None = None) -> backup.Made | None:
        """Make today's copy and drop the oldest past `keep`; None (and an alert) on failure."""
        dest = backup.dated(self.folder, backup.DAILY, now)
        try:
            made = await asyncio.to_thread(backup.backup, self.database, dest)
            removed = await asyncio.to_thread(backup.prune, self.folder, backup.DAILY, self.keep)
        except (backup.BackupError, OSError) as exc:
            if self.alerts_to is None:
                log.error("%s: the daily backup failed: %s", alerts.ALERT, exc)
            else:
                await alerts.backup_failed(self.alerts_to, now or datetime.now(UTC), str(exc))
            return None
        log.info("daily backup %s (%s bytes), %s old removed", made.path, made.size, len(removed))
        return made


def daily_backup(settings: StorageSettings) -> DailyBackup | None:
    """The daily backup these settings ask for; None on PostgreSQL (with a note in the log)
    or with BACKUP_KEEP=0."""
    database = backup.sqlite_file(settings.database_url)
    if database is None:
        log.info(
            "BACKUP_DIR, BACKUP_KEEP, BACKUP_HOUR are ignored: the database is not an SQLite "
            "file (on PostgreSQL use pg_dump, README «Backups»)"
        )
        return None
    if settings.backup_keep == 0:
        log.info("daily backups are off (BACKUP_KEEP=0)")
        return None
    folder = backup.default_dir(database, settings.backup_dir)
    return DailyBackup(database, folder, settings.backup_keep)


def install(delivery: Delivery, settings: StorageSettings) -> DailyBackup | None:
    """Add the daily backup to the engine's scheduler (a job `stop` lets finish)."""
    found = daily_backup(settings)
    scheduler: AsyncIOScheduler | None = delivery.scheduler
    if found is None or scheduler is None:
        return found
    job = dataclasses.replace(found, alerts_to=delivery.sessionmaker)

    async def daily() -> None:
        async with delivery.job():
            await job.run()

    scheduler.add_job(
        daily,
        "cron",
        hour=settings.backup_hour,
        minute=0,
        timezone=settings.default_timezone,
        id="daily-backup",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
    )
    log.info(
        "daily backup at %02d:00 %s into %s, %s kept",
        settings.backup_hour,
        settings.default_timezone,
        job.folder,
        job.keep,
    )
    return job
