"""Settings read from the environment (and `.env`), built in `main()`, never at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = ROOT / "data" / "metod-bot.sqlite3"


ADMIN_IDS_HELP = (
    "wants numeric Telegram ids (like 123456789), not {given!r}: send /start to the bot "
    "from that account, and it answers a person it does not know with their id"
)


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(";", ",").split(",")]
        ids = []
        for part in filter(None, parts):
            try:
                ids.append(int(part))
            except ValueError:
                raise ValueError(ADMIN_IDS_HELP.format(given=part)) from None
        return ids
    if isinstance(value, int):
        return [value]
    return value


def normalize_database_url(url: str, *, create: bool = True) -> str:
    """Accept `sqlite://`, `postgres://` and `postgresql://` forms; return async-driver URLs.

    An SQLite file's folder is created (unless `create` is False) so a fresh checkout starts
    without set-up.
    """
    url = url.strip()
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if url.startswith("sqlite+aiosqlite:///"):
        path = url[len("sqlite+aiosqlite:///") :].split("?", 1)[0]
        if path and path != ":memory:" and create:
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


class StorageSettings(BaseSettings):
    """The settings of the database and its backups: all that `python -m bot backup`,
    `restore` and `migrate-db` read (no BOT_TOKEN needed, nothing created)."""

    model_config = SettingsConfigDict(
        env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    default_timezone: str = "Europe/Moscow"
    # Daily backups of an SQLite database (ignored on PostgreSQL: pg_dump, see README).
    backup_dir: Path | None = None  # None: `backups/` beside the database file
    backup_keep: int = Field(default=14, ge=0, le=10_000)  # 0: no daily backup
    backup_hour: int = Field(default=2, ge=0, le=23)  # in DEFAULT_TIMEZONE

    @field_validator("database_url")
    @classmethod
    def _normalize_db(cls, value: str) -> str:
        return normalize_database_url(value, create=False)

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_dir(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("default_timezone")
    @classmethod
    def _valid_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a tzdata folder
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value


class Settings(StorageSettings):
    bot_token: str
    telegram_api_base: str | None = None
    redis_url: str | None = None
    admin_ids: Annotated[list[int], NoDecode, BeforeValidator(_split_ids)] = Field(
        default_factory=list
    )
    default_locale: str = "ru"
    log_level: str = "INFO"
    # Delivery engine (outbox, sender, limiter).
    tick_seconds: float = Field(default=2.0, gt=0, le=60)
    progress_seconds: float = Field(default=3.0, gt=0, le=60)
    send_concurrency: int = Field(default=8, ge=1, le=64)
    send_timeout: float = Field(default=10.0, gt=0, le=120)
    lease_seconds: int = Field(default=60, ge=5, le=3600)
    rate_per_second: int = Field(default=30, ge=1, le=1000)
    rate_per_chat_second: int = Field(default=1, ge=1, le=100)
    # Start-up: while Telegram cannot be reached, try again after this many seconds,
    # doubling each time up to the cap.
    startup_retry_seconds: float = Field(default=1.0, gt=0, le=600)
    startup_retry_max_seconds: float = Field(default=60.0, gt=0, le=3600)
    # The operator's alerts to ADMIN_IDS: a due message waiting longer than this; Telegram
    # unreachable longer than this; how often they are checked.
    alert_backlog_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    alert_telegram_minutes: float = Field(default=10.0, gt=0, le=24 * 60)
    alert_check_seconds: float = Field(default=30.0, gt=0, le=3600)
    # The data bank (issue 18): a qualification category lasts this many years from its
    # order's date; the teacher and the service's methodists are reminded this many months
    # before it ends.
    category_term_years: int = Field(default=5, ge=1, le=10)
    category_remind_months: int = Field(default=3, ge=1, le=24)
    # The sandbox (`make sandbox`): its page's port (the next free one if taken) and folder.
    sandbox_port: int = Field(default=8765, ge=1, le=65535)
    sandbox_dir: Path = ROOT / "data" / "sandbox"

    @field_validator("bot_token")
    @classmethod
    def _valid_token(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is not set")
        # Imported here: the operator's commands (bot/ops.py) read settings without aiogram.
        from aiogram.utils.token import TokenValidationError, validate_token

        try:
            validate_token(value)
        except TokenValidationError as exc:
            raise ValueError("does not look like a token from @BotFather (123456:ABC…)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _normalize_db(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("telegram_api_base", "redis_url")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") or None if value else None

    @field_validator("default_locale")
    @classmethod
    def _valid_locale(cls, value: str) -> str:
        if value not in ("ru", "en"):
            raise ValueError("must be ru or en")
        return value

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value
