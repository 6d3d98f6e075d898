"""Backups of the SQLite database (issue 14): one consistent file from a live WAL database,
`python -m bot backup` without BOT_TOKEN, a restore refused while the bot runs, the daily
backup and its alert, and the admin's /backup (the file never goes through Telegram)."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendDocument
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import backup
from bot.config import ROOT, Settings, StorageSettings
from models import AlertName
from scheduler.backups import DailyBackup, daily_backup
from services import alerts as service_alerts
from services.clock import FixedClock
from tests.factories import ADMIN_ID
from tests.flow import open_flow

MARK = "последняя запись только в WAL"


def _env(**values: str) -> dict[str, str]:
    """The environment of an operator's command: no BOT_TOKEN, no .env of the checkout."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"), **values}


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def path_of(url: str) -> Path:
    found = backup.sqlite_file(url)
    assert found is not None
    return found


@pytest.fixture
def live(sqlite_url: str) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """A migrated database in WAL mode with a connection kept open (as the bot keeps one),
    its last write only in the `-wal` file: checkpoints off, so the main file lacks it."""
    database = path_of(sqlite_url)
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE IF NOT EXISTS note (text TEXT)")
    conn.execute("INSERT INTO note VALUES (?)", (MARK,))
    try:
        yield database, conn
    finally:
        conn.close()


def only_in_wal(database: Path) -> None:
    wal = database.with_name(database.name + "-wal")
    assert MARK.encode() in wal.read_bytes()
    assert MARK.encode() not in database.read_bytes()


def test_backup_of_a_live_wal_database_has_its_last_write(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    database, _conn = live
    only_in_wal(database)
    made = backup.backup(database, tmp_path / "out" / "copy.sqlite3")
    assert made.size == made.path.stat().st_size > 0
    copy = sqlite3.connect(made.path)
    assert copy.execute("SELECT text FROM note").fetchall() == [(MARK,)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    copy.close()
    # One self-contained file: no -wal, nothing partial beside it.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["copy.sqlite3"]
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(database, made.path)


def test_backup_command_needs_no_token_and_names_the_file(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    database, _conn = live
    only_in_wal(database)
    done = run_bot("backup", f"{tmp_path}/out/", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    [made] = (tmp_path / "out").iterdir()
    assert done.stdout.strip() == f"backup written: {made} ({made.stat().st_size} bytes)"
    assert backup.made_at(made) is not None
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT text FROM note").fetchall() == [(MARK,)]


def test_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    database = tmp_path / "none" / "metod.sqlite3"
    done = run_bot("backup", str(tmp_path / "out.sqlite3"), DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"metod-bot backup: no database at {database}: nothing to back up"
    ]
    assert list(tmp_path.iterdir()) == []


def test_backup_and_restore_of_postgresql_point_to_pg_dump() -> None:
    done = run_bot("backup", DATABASE_URL="postgresql://u@127.0.0.1:5432/metod")
    assert done.returncode == 1
    assert "pg_dump" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_restore_is_refused_while_the_bot_holds_the_database(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    database, conn = live
    made = backup.backup(database, tmp_path / "copy.sqlite3")
    conn.execute("INSERT INTO note VALUES ('after the backup')")
    with backup.bot_lock(database):  # what the running bot holds (bot/__main__.py)
        with pytest.raises(backup.BackupError, match=f"pid {os.getpid()}.*stop it first"):
            backup.restore(made.path, database, tmp_path / "saved")
        done = run_bot("restore", str(made.path), DATABASE_URL=f"sqlite:///{database}")
        assert done.returncode == 1
        assert done.stderr.strip() == (
            f"metod-bot restore: metod-bot (pid {os.getpid()}) is running on {database}: "
            "stop it first"
        )
        # And a bot started meanwhile is refused in one line: one process per database.
        started = run_bot(
            BOT_TOKEN="123456:TEST-token",
            DATABASE_URL=f"sqlite:///{database}",
            TELEGRAM_API_BASE="http://127.0.0.1:9",
        )
        assert started.returncode == 1
        assert "stop it first" in started.stderr and "Traceback" not in started.stderr
    assert not (tmp_path / "saved").exists()
    rows = conn.execute("SELECT text FROM note").fetchall()
    assert rows == [(MARK,), ("after the backup",)]  # untouched


def test_restore_puts_the_backup_back_and_saves_what_it_replaces(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    database, conn = live
    made = backup.backup(database, tmp_path / "copy.sqlite3")
    conn.execute("INSERT INTO note VALUES ('after the backup')")
    conn.close()
    done = run_bot("restore", str(made.path), DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert "may be sent again" in done.stdout
    with sqlite3.connect(database) as restored:
        assert restored.execute("SELECT text FROM note").fetchall() == [(MARK,)]
        assert restored.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    [saved] = backup.listed(database.parent / "backups", backup.BEFORE_RESTORE)
    with sqlite3.connect(saved[1]) as before:
        assert len(before.execute("SELECT text FROM note").fetchall()) == 2


def test_restore_refuses_a_file_that_is_not_a_backup(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    database, _conn = live
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(backup.BackupError, match="not an SQLite database"):
        backup.restore(junk, database, tmp_path / "saved")
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(backup.BackupError, match="not a metod-bot database"):
        backup.restore(empty, database, tmp_path / "saved")
    assert not (tmp_path / "saved").exists()


async def test_daily_backup_keeps_the_newest_and_alerts_on_failure(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database, _conn = live
    job = DailyBackup(database, tmp_path / "daily", keep=3)
    start = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    for day in range(5):
        assert await job.run(start + timedelta(days=day)) is not None
    kept = backup.listed(tmp_path / "daily", backup.DAILY)
    assert [at for at, _path in kept] == [start + timedelta(days=d) for d in (2, 3, 4)]
    assert backup.last(tmp_path / "daily") == start + timedelta(days=4)

    (tmp_path / "blocked").write_text("a file where the folder should be")
    failing = DailyBackup(database, tmp_path / "blocked", keep=3)
    with caplog.at_level(logging.ERROR):
        assert await failing.run(start) is None
    [alert] = [r for r in caplog.records if "OPERATOR ALERT" in r.getMessage()]
    assert alert.levelno == logging.ERROR
    assert "daily backup failed" in alert.getMessage()
    assert "\n" not in alert.getMessage() and alert.exc_info is None


async def test_a_failed_daily_backup_is_an_administrators_alert(
    live: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    database, _conn = live
    (tmp_path / "blocked").write_text("a file where the folder should be")
    failing = DailyBackup(database, tmp_path / "blocked", keep=3, alerts_to=sessionmaker)
    now = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert await failing.run(now) is None
    raised = await service_alerts.check(
        session, now, admin_ids=[1001], thresholds=service_alerts.Thresholds()
    )
    assert [a.name for a in raised] == [AlertName.BACKUP]


def test_daily_backup_settings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = tmp_path / "data" / "metod.sqlite3"
    job = daily_backup(StorageSettings(database_url=f"sqlite:///{database}", _env_file=None))
    assert job == DailyBackup(database, tmp_path / "data" / "backups", 14)  # the defaults
    other = StorageSettings(
        database_url=f"sqlite:///{database}", backup_dir=tmp_path / "b", _env_file=None
    )
    assert daily_backup(other) == DailyBackup(database, tmp_path / "b", 14)
    off = StorageSettings(database_url=f"sqlite:///{database}", backup_keep=0, _env_file=None)
    assert daily_backup(off) is None
    with caplog.at_level(logging.INFO):
        pg = StorageSettings(database_url="postgresql://u@h/db", _env_file=None)
        assert daily_backup(pg) is None
    assert any("ignored" in r.getMessage() and "pg_dump" in r.getMessage() for r in caplog.records)
    assert not (tmp_path / "data").exists()  # reading the settings creates nothing


async def test_admin_backup_answers_with_path_size_and_last_daily(
    sm: async_sessionmaker[AsyncSession], sqlite_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    database = path_of(sqlite_url)
    folder = tmp_path / "backups"
    await DailyBackup(database, folder, 14).run(datetime(2026, 11, 21, 23, 0, tzinfo=UTC))
    async with open_flow(sm, clock, database_url=sqlite_url, backup_dir=folder) as flow:
        reply = await flow.send(ADMIN_ID, "/backup")
        [made] = backup.listed(folder, backup.MANUAL)
        assert made[0] == clock.now()
        size = made[1].stat().st_size / 1_048_576
        assert reply.text == (
            f"💾 Резервная копия сделана на сервере: <code>{made[1]}</code> ({size:.1f} МБ).\n"
            "Последняя ежедневная копия: 22.11.2026 02:00.\n"
            "Файл остаётся на сервере: через Telegram он не передаётся."
        )
        assert not any(isinstance(call, SendDocument) for call in flow.session.calls)

        before = sorted(folder.iterdir())
        refused = await flow.send(ADMIN_ID + 1, "/backup")
        assert "нет прав" in refused.text
        assert sorted(folder.iterdir()) == before

    async with open_flow(sm, clock, database_url="postgresql://u@h/db") as flow:
        reply = await flow.send(ADMIN_ID, "/backup")
        assert "pg_dump" in reply.text


def test_settings_carry_the_backup_defaults() -> None:
    settings = Settings(bot_token="42:TEST", _env_file=None)
    assert (settings.backup_dir, settings.backup_keep, settings.backup_hour) == (None, 14, 2)
