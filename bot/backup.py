"""Backups of the SQLite database: one consistent file, made while the bot runs.

SQLite's online backup API (`sqlite3.Connection.backup`) copies the database as one reader
sees it: the main file and every transaction committed into its `-wal` file, in one step
under one read snapshot, so a live WAL database is copied whole while the bot goes on
writing. The copy is switched to `journal_mode=DELETE` (one self-contained file, no `-wal`
beside it), checked with `PRAGMA quick_check`, and renamed into place only when complete.
Stored files (protocols, ICS, materials) are rows of the database: one file is the backup.

A restore must not run under a live bot. The running bot holds an exclusive `flock` on
`<database>.lock` for as long as it lives (`bot_lock`); the kernel drops it when the process
ends however it ends (SIGKILL too), so a crashed bot never leaves a stale lock behind, and
`restore` takes the same lock without waiting: held means refused. While `restore` holds it,
a bot that starts is refused in turn. The restore itself writes through the backup API into
the database (in one transaction, WAL and all): a restore cut halfway leaves the old
database as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

DAILY, MANUAL, BEFORE_RESTORE = "daily", "manual", "before-restore"
_NAME = re.compile(r"^metod-bot-(daily|manual|before-restore)-(\d{8}T\d{6}Z)\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%SZ"
BUSY_TIMEOUT_MS = 30_000


class BackupError(Exception):
    """A backup or a restore that cannot be done; its message is one line for the operator."""


@dataclass(frozen=True)
class Made:
    path: Path
    size: int  # bytes


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite database's file; None when the database is not an SQLite file (PostgreSQL,
    an in-memory database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def is_postgresql(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def default_dir(database: Path, configured: Path | None = None) -> Path:
    """BACKUP_DIR, or `backups/` beside the database (data/backups/ by default)."""
    return configured.expanduser() if configured is not None else database.parent / "backups"


def file_name(kind: str, at: datetime) -> str:
    return f"metod-bot-{kind}-{at.astimezone(UTC).strftime(_STAMP)}.sqlite3"


def made_at(path: Path) -> tuple[str, datetime] | None:
    """(kind, time) of a backup file named by `file_name`; None for any other file."""
    found = _NAME.match(path.name)
    if found is None:
        return None
    return found[1], datetime.strptime(found[2], _STAMP).replace(tzinfo=UTC)


def listed(folder: Path, kind: str) -> list[tuple[datetime, Path]]:
    """The backups of `kind` in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        named = made_at(path)
        if named is not None and named[0] == kind and path.is_file():
            found.append((named[1], path))
    return sorted(found)


def last(folder: Path, kind: str = DAILY) -> datetime | None:
    found = listed(folder, kind)
    return found[-1][0] if found else None


def prune(folder: Path, kind: str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups of `kind`; return those deleted."""
    found = listed(folder, kind)
    gone = [path for _at, path in found[: max(0, len(found) - keep)]]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def _connect(path: Path, *, mode: str) -> sqlite3.Connection:
    """A connection that never creates the file (`mode=rw` or `ro`)."""
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _check(conn: sqlite3.Connection, what: Path) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is not an SQLite database ({exc})") from None
    if result is None or result[0] != "ok":
        raise BackupError(f"{what} is damaged: quick_check says {result[0] if result else '?'}")


def dated(folder: Path, kind: str, now: datetime | None = None) -> Path:
    """A new backup's path in `folder`: `metod-bot-<kind>-<UTC time>.sqlite3`."""
    return folder / file_name(kind, now or datetime.now(UTC))


def backup(database: Path, dest: Path) -> Made:
    """Copy the live `database` into the file `dest` (its folder created).

    A missing database creates nothing and raises; an existing `dest` is not replaced.
    """
    if not database.is_file():
        raise BackupError(f"no database at {database}: nothing to back up")
    if dest.exists():
        raise BackupError(f"{dest} already exists: choose another name")
    try:
        source = _connect(database, mode="rw")  # rw: may read a -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {database}: {exc}") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with contextlib.closing(source), contextlib.closing(sqlite3.connect(partial)) as copy:
            _check(source, database)
            source.backup(copy)  # every page in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            _check(copy, dest)
        _fsync(partial)
        os.replace(partial, dest)
        _fsync(dest.parent)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {database} failed: {exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Made(dest, dest.stat().st_size)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.lock")


@contextlib.contextmanager
def bot_lock(database: Path) -> Iterator[None]:
    """Held by whoever uses the database for long (the bot, a restore): raises BackupError
    naming the holder's pid when another process holds it. Released when the process ends."""
    database.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(database), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise BackupError(
                f"metod-bot (pid {holder}) is running on {database}: stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # drops the lock


def restore(source: Path, database: Path, save_to: Path) -> Made | None:
    """Put the backup `source` back as `database` (refused while the bot runs). The database
    it replaces is first saved into `save_to` (returned); None when there was none."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    try:
        backup_conn = _connect(source, mode="ro")
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from None
    with contextlib.closing(backup_conn):
        _check(backup_conn, source)
        try:
            backup_conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            raise BackupError(f"{source} is not a metod-bot database") from None
        with bot_lock(database):
            saved = None
            if database.is_file():
                saved = backup(database, dated(save_to, BEFORE_RESTORE))
            try:
                with contextlib.closing(sqlite3.connect(database)) as target:
                    target.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    backup_conn.backup(target)  # one transaction: all of it or nothing
                    target.execute("PRAGMA journal_mode=WAL")
                    _check(target, database)
            except sqlite3.Error as exc:
                raise BackupError(f"restore into {database} failed: {exc}") from None
    return saved
