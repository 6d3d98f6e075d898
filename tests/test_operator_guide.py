"""The README's «Operator's guide» names only commands that a test runs (issue 14).

Every command it names is found here and accounted for: the bot's commands (`/newservice`…)
are sent by a test; `python -m bot …` lines parse with the real parser and each subcommand
is run by a test; `make` targets exist and `make backup` is run here; the `pg_dump` and
`pg_restore` lines are run here against the machine's PostgreSQL; the unit file passes
`systemd-analyze verify` where systemd exists. What is left is the system's own tools
(`git`, `systemctl`, `journalctl`…), listed by name below so a new one cannot slip in."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot import backup, migrate
from bot.config import ROOT
from bot.ops import parser
from tests.conftest import _admin_execute, in_thread, pg_server_url, unavailable
from tests.test_backup import path_of

README = ROOT / "README.md"
UNIT = ROOT / "deploy" / "metod-bot.service"
TESTS = ROOT / "tests"

# `python -m bot <subcommand>`: the tests that run it as a process.
SUBCOMMANDS = {
    "backup": ("test_backup.py", "test_e2e_backup.py"),
    "restore": ("test_backup.py", "test_e2e_backup.py"),
    "migrate-db": ("test_migrate_db.py",),
}
# The system's own tools the guide names (installing, systemd, logs, PostgreSQL's tools).
SYSTEM = {"git", "cd", "cp", "useradd", "chown", "chmod", "systemctl", "journalctl"}
RUN_HERE = {"make", "pg_dump", "pg_restore", "systemd-analyze"}


def guide() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Operator's guide\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def shell_lines() -> list[list[str]]:
    """Each command line of the guide's ```sh blocks, as words (comments dropped)."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", guide(), flags=re.S):
        for line in block.splitlines():
            for command in line.split("#", 1)[0].split("&&"):
                words = shlex.split(command.replace("<the repository>", "REPO"))
                if words:
                    lines.append(words[1:] if words[0] == "sudo" else words)
    return lines


def bot_commands() -> set[str]:
    return set(re.findall(r"`/([a-z_]+)", guide()))


def python_m_bot() -> list[list[str]]:
    found = [words[3:] for words in shell_lines() if words[1:3] == ["-m", "bot"]]
    found += [shlex.split(m) for m in re.findall(r"`python -m bot ([^`]+)`", guide())]
    return found


def test_the_guide_names_only_what_is_accounted_for() -> None:
    tools = {Path(words[0]).name for words in shell_lines() if words[1:3] != ["-m", "bot"]}
    assert tools - SYSTEM - RUN_HERE == set()
    assert {"make", "pg_dump", "pg_restore", "systemd-analyze", "systemctl"} <= tools
    assert {"backup", "restore", "migrate-db"} <= {words[0] for words in python_m_bot()}


@pytest.mark.parametrize("command", sorted(bot_commands()))
def test_each_bot_command_of_the_guide_is_sent_by_a_test(command: str) -> None:
    literal = re.compile(rf"""["']/{command}(?:["' ])""")
    senders = [
        path.name
        for path in TESTS.glob("test_*.py")
        if path.name != "test_operator_guide.py" and literal.search(path.read_text("utf-8"))
    ]
    assert senders, f"/{command} is in the guide but no test sends it"


def test_each_python_m_bot_line_parses_and_is_run_by_a_test() -> None:
    for words in python_m_bot():
        args = parser().parse_args(words)  # the guide's exact arguments
        for test_file in SUBCOMMANDS[args.command]:
            source = (TESTS / test_file).read_text(encoding="utf-8")
            assert f'"{args.command}"' in source, (args.command, test_file)


def test_help_of_every_subcommand() -> None:
    for command in SUBCOMMANDS:
        done = subprocess.run(
            [sys.executable, "-m", "bot", command, "--help"],
            cwd=ROOT,
            env={"PATH": os.environ.get("PATH", "")},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and f"python -m bot {command}" in done.stdout


def test_make_targets_of_the_guide_exist_and_make_backup_runs(
    sqlite_url: str, tmp_path: Path
) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = {words[1] for words in shell_lines() if words[0] == "make" and len(words) > 1}
    assert targets == {"run", "backup", "venv"}
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    database = path_of(sqlite_url)
    # STAMP= : the environment is there already, nothing to install.
    done = subprocess.run(
        ["make", "-s", "backup", f"TO={tmp_path}/copies/", "STAMP="],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    [made] = (tmp_path / "copies").iterdir()
    assert done.stdout.strip().startswith(f"backup written: {made}")
    assert backup.made_at(made) is not None


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_the_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8")
    for line in ("Restart=always", "EnvironmentFile=/opt/metod-bot/.env"):
        assert line in text.splitlines()
    stop = int(re.search(r"^TimeoutStopSec=(\d+)$", text, flags=re.M)[1])  # type: ignore[index]
    assert stop > 10 + 20  # the engine's stop grace, then the sender's calls
    assert "ExecStart=/opt/metod-bot/.venv/bin/python -m bot" in text
    # Verified as installed here: the checkout's paths, the current user (verify checks
    # that ExecStart is executable).
    here = text.replace("/opt/metod-bot/.venv/bin/python", sys.executable)
    here = here.replace("/opt/metod-bot", str(ROOT))
    user = shutil.which("id") and subprocess.check_output(["id", "-un"], text=True).strip()
    here = re.sub(r"^(User|Group)=.*$", f"\\1={user}", here, flags=re.M)
    unit = tmp_path / "metod-bot.service"
    unit.write_text(here, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # no warning either


@pytest.fixture
def pg_pair() -> Iterator[tuple[str, str]]:
    """Two new databases on the machine's PostgreSQL: one to dump, one to restore into."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    server = make_url(pg_server_url())
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    names = [f"metod_dump_{uuid.uuid4().hex[:8]}", f"metod_back_{uuid.uuid4().hex[:8]}"]
    try:
        for name in names:
            in_thread(_admin_execute(dsn, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    try:
        urls = [
            server.set(drivername="postgresql", database=n).render_as_string(hide_password=False)
            for n in names
        ]
        yield urls[0], urls[1]
    finally:
        for name in names:
            in_thread(_admin_execute(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_the_pg_dump_and_pg_restore_lines_run(pg_pair: tuple[str, str], tmp_path: Path) -> None:
    source, target = pg_pair
    migrate.upgrade(source)
    in_thread(
        _admin_execute(source, "INSERT INTO services (name) VALUES ('ИМЦ Ленинского района')")
    )
    lines = {words[0]: words for words in shell_lines() if words[0] in ("pg_dump", "pg_restore")}
    example = "postgresql://metod@127.0.0.1:5432/metod"
    for tool, url in (("pg_dump", source), ("pg_restore", target)):
        words = [w.replace(example, url) for w in lines[tool]]
        assert url in " ".join(words)
        done = subprocess.run(words, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (tool, done.stderr)

    async def names() -> list[str]:
        conn = await asyncpg.connect(target)
        try:
            return [r[0] for r in await conn.fetch("SELECT name FROM services")]
        finally:
            await conn.close()

    assert in_thread(names()) == ["ИМЦ Ленинского района"]
