"""The operator's commands: `python -m bot backup [PATH]`, `python -m bot restore PATH`,
`python -m bot migrate-db --to URL`. They read only the database's settings (no BOT_TOKEN)
and end with one line: what was done, or why not (exit 1; a setting that cannot be read:
exit 2). Backup and restore never migrate the database they read; migrate-db brings the
SQLite file to the current schema before copying it (as the bot's next start would). README,
«Operator's guide», explains them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from bot import backup, migrate_db
from bot.config import StorageSettings

PG_BACKUP = "DATABASE_URL is PostgreSQL: back it up with pg_dump and restore it with pg_restore"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="metod-bot: without a command, run the bot; with one, an operator's task.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    made = commands.add_parser(
        "backup",
        help="write one consistent copy of the SQLite database (the bot may be running)",
        description="Write one consistent copy of the live SQLite database (WAL included).",
    )
    made.add_argument(
        "path",
        nargs="?",
        help="a file to write, or a folder (ending with /) for a dated name; "
        "default: BACKUP_DIR (backups/ beside the database)",
    )
    back = commands.add_parser(
        "restore",
        help="put a backup back as the database (the bot must be stopped)",
        description="Put a backup back as the SQLite database; refused while the bot runs. "
        "The database it replaces is saved first, beside the other backups.",
    )
    back.add_argument("path", help="the backup file")
    move = commands.add_parser(
        "migrate-db",
        help="copy every table from the SQLite database into an empty PostgreSQL database",
        description="Copy the whole database (DATABASE_URL, SQLite) into PostgreSQL: "
        "the bot stopped, the target empty; it is migrated to head, every table copied, "
        "sequences reset and row counts compared.",
    )
    move.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db")
    return parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        settings = StorageSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"metod-bot: {problems}", file=sys.stderr)
        return 2
    try:
        if args.command == "backup":
            line = _backup(settings, args.path)
        elif args.command == "restore":
            line = _restore(settings, Path(args.path))
        else:
            line = migrate_db.run(settings.database_url, args.to)
    except backup.BackupError as exc:
        print(f"metod-bot {args.command}: {exc}", file=sys.stderr)
        return 1
    print(line)
    return 0


def _database(settings: StorageSettings) -> Path:
    database = backup.sqlite_file(settings.database_url)
    if database is None:
        if backup.is_postgresql(settings.database_url):
            raise backup.BackupError(f"{PG_BACKUP} (README, «Backups»)")
        raise backup.BackupError("DATABASE_URL is not an SQLite file")
    return database


def _backup(settings: StorageSettings, path: str | None) -> str:
    database = _database(settings)
    if path is None or path.endswith(("/", "\\")) or Path(path).is_dir():
        folder = Path(path) if path else backup.default_dir(database, settings.backup_dir)
        dest = backup.dated(folder, backup.MANUAL)
    else:
        dest = Path(path)
    made = backup.backup(database, dest)
    return f"backup written: {made.path} ({made.size} bytes)"


def _restore(settings: StorageSettings, path: Path) -> str:
    database = _database(settings)
    saved = backup.restore(path, database, backup.default_dir(database, settings.backup_dir))
    before = f"; the database it replaced is saved as {saved.path}" if saved else ""
    return (
        f"restored {database} from {path}{before}. Start the bot: messages sent after the "
        "backup was made may be sent again"
    )
