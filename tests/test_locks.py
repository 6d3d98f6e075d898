"""The dependency locks: `make run` installs the runtime lock alone (no pytest, ruff, mypy),
`make test` and `make bench` the development lock; both pin every package with `==` and the
hashes of its files; the runtime pins are the development lock's; the Makefile's stamps and
CI's cached environment key on both files."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from bot.config import ROOT

RUNTIME, DEV = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
TOOLS = {
    "pytest",
    "pytest-asyncio",
    "pytest-xdist",
    "ruff",
    "mypy",
    "pypdf",
    "pypdfium2",
    "icalendar",
}
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """{name: (version, hashes)} of a pip-compile lock with `--generate-hashes`."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = REQUIREMENT.match(line)
        assert found, f"{path.name}: not a pinned requirement: {line!r}"
        name = canonical(found.group(1))
        assert name not in pins, f"{path.name}: {name} twice"
        hashes = frozenset(HASH.findall(line))
        assert hashes, f"{path.name}: {name} has no --hash"
        pins[name] = (found.group(2), hashes)
    return pins


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonical(re.split(r"[\[~=<>!; ]", spec, maxsplit=1)[0]) for spec in specs}


def test_the_runtime_lock_has_no_development_tool() -> None:
    runtime = parse(RUNTIME)
    assert declared() <= set(runtime)
    assert TOOLS & set(runtime) == set()
    assert declared("dev") <= TOOLS  # a new development tool is named here too


def test_the_development_lock_is_the_runtime_lock_plus_the_tools() -> None:
    runtime, dev = parse(RUNTIME), parse(DEV)
    assert declared() | declared("dev") <= set(dev)
    for name, pin in runtime.items():
        assert dev.get(name) == pin, f"{name}: runtime {pin[0]}, development {dev.get(name)}"


def test_hashes_cover_more_than_this_machines_wheel() -> None:
    """pip-compile hashes every file PyPI publishes for a version: a package with compiled
    wheels has one per platform (greenlet, lxml, aiohttp...), not only this machine's."""
    dev = parse(DEV)
    for name in ("greenlet", "lxml", "aiohttp", "asyncpg"):
        assert len(dev[name][1]) > 10, f"{name}: {len(dev[name][1])} hashes"


def make_dry_run(target: str, tmp_path: Path) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_the_runtime_lock_only(tmp_path: Path) -> None:
    commands = make_dry_run("run", tmp_path)
    assert "--require-hashes -r requirements.lock" in commands
    assert "requirements-dev.lock" not in commands


@pytest.mark.parametrize("target", ["unit", "lint", "typecheck", "bench"])
def test_make_test_and_bench_install_the_development_lock(target: str, tmp_path: Path) -> None:
    commands = make_dry_run(target, tmp_path)
    assert "--require-hashes -r requirements-dev.lock" in commands


def test_the_stamps_and_the_ci_cache_key_on_both_locks(tmp_path: Path) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LOCKS := requirements.lock requirements-dev.lock" in makefile
    assert "$(LOCK_HASH)" in makefile.split("RUN_STAMP :=", 1)[1].splitlines()[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    hash_line = next(line for line in ci.splitlines() if line.startswith("hash="))
    assert "'requirements.lock'" in hash_line and "'requirements-dev.lock'" in hash_line
    assert '"$cache/.installed-dev-$hash"' in ci
