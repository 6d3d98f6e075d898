"""Apply Alembic migrations before the event loop starts (or on a shared connection)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from alembic import command
from alembic.config import Config

from bot.config import ROOT


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logging"] = False
    return cfg


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Alembic tells its context and every step at INFO («Context impl SQLiteImpl», «Will
    assume non-transactional DDL», «Running upgrade …»): kept for LOG_LEVEL=DEBUG only."""
    alembic_log = logging.getLogger("alembic")
    before = alembic_log.level
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        alembic_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_log.setLevel(before)


def upgrade(database_url: str, revision: str = "head") -> None:
    with _quiet():
        command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    with _quiet():
        command.downgrade(alembic_config(database_url), revision)
