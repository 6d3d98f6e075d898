"""Settings: URL normalization, parsing and validation, and how `python -m bot` reports a bad one.

Every test clears the settings variables from the environment and passes `_env_file=None`, so
neither the developer's shell nor a `.env` file leaks in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import DEFAULT_DB_PATH, ROOT, Settings, normalize_database_url
from bot.startup import delays

SETTINGS_VARS = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_API_BASE",
    "REDIS_URL",
    "ADMIN_IDS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_LOCALE",
    "LOG_LEVEL",
    "STARTUP_RETRY_SECONDS",
    "STARTUP_RETRY_MAX_SECONDS",
)
TOKEN = "123456:ABC-test-token"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings names are case-insensitive: drop every spelling the shell may hold."""
    for key in list(os.environ):
        if key.upper() in SETTINGS_VARS:
            monkeypatch.delenv(key)


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    """Settings from these environment variables only (plus BOT_TOKEN unless given)."""
    env.setdefault("BOT_TOKEN", TOKEN)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)


# --- normalize_database_url ---------------------------------------------------------------


def test_sqlite_url_gets_async_driver_and_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    path = folder / "y.db"
    assert not folder.exists()
    assert normalize_database_url(f"sqlite:///{path}") == f"sqlite+aiosqlite:///{path}"
    assert folder.is_dir()
    assert not path.exists()  # only the folder: the engine creates the file


def test_sqlite_url_with_query_creates_only_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "q" / "bot.sqlite3"
    url = f"sqlite:///{path}?timeout=5"
    assert normalize_database_url(url) == f"sqlite+aiosqlite:///{path}?timeout=5"
    assert path.parent.is_dir()


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"],
)
def test_in_memory_sqlite_creates_nothing(url: str) -> None:
    normalized = normalize_database_url(url)
    assert normalized.startswith("sqlite+aiosqlite://")
    assert normalized.removeprefix("sqlite+aiosqlite://") == url.split("://", 1)[1]


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@h:5432/d",
        "postgresql://u:p@h:5432/d",
        "postgresql+psycopg2://u:p@h:5432/d",
        "postgresql+psycopg://u:p@h:5432/d",
        "  postgres://u:p@h:5432/d\n",
    ],
)
def test_postgres_urls_get_asyncpg(url: str) -> None:
    assert normalize_database_url(url) == "postgresql+asyncpg://u:p@h:5432/d"


@pytest.mark.parametrize(
    "url",
    ["postgresql+asyncpg://u:p@h:5432/d", "postgresql+asyncpg://u@h/d?ssl=require"],
)
def test_async_postgres_url_is_unchanged(url: str) -> None:
    assert normalize_database_url(url) == url


def test_async_sqlite_url_is_unchanged_but_gets_its_folder(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a' / 'b.db'}"
    assert normalize_database_url(url) == url
    assert (tmp_path / "a").is_dir()


# --- Settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["1001,1002", " 1001 ; 1002 ", "1001;1002,", "1001, ,1002", " 1001 ,\t1002 "]
)
def test_admin_ids_are_split_on_commas_and_semicolons(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    assert settings(monkeypatch, ADMIN_IDS=raw).admin_ids == [1001, 1002]


def test_single_admin_id(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, ADMIN_IDS="42").admin_ids == [42]


@pytest.mark.parametrize("raw", ["", "   ", " , ; "])
def test_empty_admin_ids(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    assert settings(monkeypatch, ADMIN_IDS=raw).admin_ids == []


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch)
    assert s.bot_token == TOKEN
    assert s.default_timezone == "Europe/Moscow"
    assert s.default_locale == "ru"
    assert s.log_level == "INFO"
    assert s.admin_ids == []
    assert s.redis_url is None
    assert s.telegram_api_base is None
    # The default is validated too: an aiosqlite URL of a file under data/.
    assert s.database_url == f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"
    assert DEFAULT_DB_PATH.parent == ROOT / "data"


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = settings(
        monkeypatch,
        DATABASE_URL="postgres://u:p@h:5432/d",
        REDIS_URL=" redis://127.0.0.1:6379/0 ",
        TELEGRAM_API_BASE="http://127.0.0.1:8081/",
        DEFAULT_TIMEZONE="Asia/Novosibirsk",
        DEFAULT_LOCALE="en",
        LOG_LEVEL="debug",
    )
    assert s.database_url == "postgresql+asyncpg://u:p@h:5432/d"
    assert s.redis_url == "redis://127.0.0.1:6379/0"
    assert s.telegram_api_base == "http://127.0.0.1:8081"
    assert s.default_timezone == "Asia/Novosibirsk"
    assert s.default_locale == "en"
    assert s.log_level == "DEBUG"


@pytest.mark.parametrize("name", ["REDIS_URL", "TELEGRAM_API_BASE"])
def test_blank_optional_urls_are_none(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    s = settings(monkeypatch, **{name: "  "})
    assert s.redis_url is None and s.telegram_api_base is None


def error_fields(exc: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in exc.errors()}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Base"),
        ("DEFAULT_TIMEZONE", "Europe/"),
        ("DEFAULT_TIMEZONE", ""),
        ("DEFAULT_LOCALE", "de"),
        ("LOG_LEVEL", "LOUD"),
        ("ADMIN_IDS", "1001,abc"),
        ("ADMIN_IDS", "@admin"),
        ("BOT_TOKEN", ""),
    ],
)
def test_bad_value_is_a_validation_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(ValidationError) as err:
        settings(monkeypatch, **{name: value})
    assert error_fields(err.value) == {name.lower()}


def test_missing_bot_token_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(_env_file=None)
    assert error_fields(err.value) == {"bot_token"}


def test_time_zone_folder_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        settings(monkeypatch, DEFAULT_TIMEZONE="Europe")


# --- python -m bot ------------------------------------------------------------------------


def run_bot(**env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` with the settings variables of the environment replaced by `env`."""
    child = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    child.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_empty_bot_token_exits_2_with_a_hint() -> None:
    # An environment variable wins over .env, so this holds even with a developer's .env.
    proc = run_bot(BOT_TOKEN="")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "BOT_TOKEN is not set" in proc.stderr
    assert "environment" in proc.stderr
    assert str(ROOT / ".env") in proc.stderr
    assert "without Telegram first: make sandbox" in proc.stderr
    # And in Russian, first (issue 19's wording).
    first = proc.stderr.splitlines()[0]
    assert first.startswith("BOT_TOKEN не задан: ")
    assert first.endswith("; чтобы попробовать без Telegram: make sandbox")
    assert str(ROOT / ".env") in first
    assert proc.stdout == ""


def test_bad_time_zone_exits_2_naming_the_setting() -> None:
    proc = run_bot(BOT_TOKEN=TOKEN, DEFAULT_TIMEZONE="Mars/Base")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "DEFAULT_TIMEZONE" in proc.stderr
    assert "Mars/Base" in proc.stderr
    assert "BOT_TOKEN is not set" not in proc.stderr
    assert proc.stdout == ""


def test_malformed_bot_token_exits_2_before_touching_anything() -> None:
    proc = run_bot(BOT_TOKEN="not a token", DEFAULT_TIMEZONE="Europe")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "does not look like a token" in proc.stderr and "Value error" not in proc.stderr
    assert "не задан" not in proc.stderr  # set, only malformed
    assert "DEFAULT_TIMEZONE" in proc.stderr  # every problem is named at once


def test_admin_ids_as_a_username_exits_2_saying_how_to_find_the_id() -> None:
    proc = run_bot(BOT_TOKEN=TOKEN, ADMIN_IDS="1001, @chair_name")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "invalid literal" not in proc.stderr
    assert "ADMIN_IDS" in proc.stderr and "numeric Telegram ids" in proc.stderr
    assert "'@chair_name'" in proc.stderr and "/start" in proc.stderr  # how to find yours
    assert proc.stdout == ""


def test_startup_retry_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = settings(monkeypatch)
    assert (defaults.startup_retry_seconds, defaults.startup_retry_max_seconds) == (1.0, 60.0)
    fast = settings(monkeypatch, STARTUP_RETRY_SECONDS="0.1", STARTUP_RETRY_MAX_SECONDS="2")
    assert (fast.startup_retry_seconds, fast.startup_retry_max_seconds) == (0.1, 2.0)
    with pytest.raises(ValidationError):
        settings(monkeypatch, STARTUP_RETRY_SECONDS="0")


def test_startup_delays_double_up_to_the_cap() -> None:
    backoff = delays(1.0, 60.0)
    assert [next(backoff) for _ in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert next(delays(5.0, 2.0)) == 2.0  # a first delay above the cap is the cap


def test_an_old_python_gets_one_sentence() -> None:
    """`python -m bot` on Python 3.10 (faked here: the check runs before any other import)."""
    fake_310 = (
        "import runpy, sys; sys.version_info = (3, 10, 13, 'final', 0); "
        "sys.version = '3.10.13 (main)'; runpy.run_module('bot', run_name='__main__')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", fake_310], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "metod-bot needs Python 3.11 or newer, and this is Python 3.10.13: "
        "install python3.11 (or newer) and recreate .venv with it."
    ]
