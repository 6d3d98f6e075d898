"""`python -m bot`: read settings, compile locales, migrate, then long-poll until SIGTERM.

`python -m bot backup|restore|migrate-db …`: the operator's commands (bot/ops.py).
`python -m bot sandbox`: the sandbox, without Telegram (sandbox/run.py).
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - the one sentence an old Python gets
    sys.exit(
        "metod-bot needs Python 3.11 or newer, and this is Python "
        + sys.version.split()[0]
        + ": install python3.11 (or newer) and recreate .venv with it."
    )

import asyncio
import contextlib
import logging

from pydantic import ValidationError

from bot.config import ROOT, Settings

HELP = f"""metod-bot cannot start: {{problem}}.

Set it in the environment or in {ROOT / ".env"} (copy .env.example){{example}}
Then run `make run` again. Every setting is listed in README.md."""
TOKEN_EXAMPLE = """, for example:
  BOT_TOKEN=123456:ABC...   (the token @BotFather gave you)
To try the bot without Telegram first: make sandbox (or python -m bot sandbox)"""
# The same in Russian, first: whoever reads the terminal may read only that.
NO_TOKEN_RU = (
    "BOT_TOKEN не задан: укажите токен от @BotFather в окружении или в {env}; "
    "чтобы попробовать без Telegram: make sandbox\n"
)


def load_settings() -> Settings | None:
    try:
        return Settings()  # values come from the environment
    except ValidationError as exc:
        problems, token, missing = [], False, False
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]).upper()
            error["msg"] = error["msg"].removeprefix("Value error, ")
            if name == "BOT_TOKEN":
                token = True
                missing = error["type"] == "missing" or "is not set" in error["msg"]
                problems.append("BOT_TOKEN is not set" if missing else f"BOT_TOKEN {error['msg']}")
            else:
                problems.append(f"{name}: {error['msg']}")
        example = TOKEN_EXAMPLE if token else "."
        if missing:
            print(NO_TOKEN_RU.format(env=ROOT / ".env"), file=sys.stderr)
        print(HELP.format(problem="; ".join(problems), example=example), file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["sandbox"]:
        from sandbox.run import main as sandbox_main

        return sandbox_main(args[1:])
    if args:
        from bot import ops

        return ops.main(args)
    settings = load_settings()
    if settings is None:
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler logs every run of the few-second tick, and a skipped run when the previous
    # one is still busy (normal under load: runs coalesce): keep its errors only.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    # Alembic tells its plugins, its context and every step at INFO: DEBUG only.
    if logging.root.level > logging.DEBUG:
        logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.root.level))
    from bot import backup, i18n, migrate
    from bot.app import run
    from bot.startup import StartupRefused

    for path in i18n.compile_catalogs():
        logging.getLogger("bot").info("compiled %s", path.name)
    database = backup.sqlite_file(settings.database_url)
    with contextlib.ExitStack() as held:
        if database is not None:
            # Held while the bot runs: `python -m bot restore` is refused meanwhile.
            try:
                held.enter_context(backup.bot_lock(database))
            except backup.BackupError as exc:
                print(f"metod-bot cannot start: {exc}.", file=sys.stderr)
                return 1
        migrate.upgrade(settings.database_url)
        try:
            asyncio.run(run(settings))
        except StartupRefused as exc:
            print(f"metod-bot cannot start: {exc}.", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
