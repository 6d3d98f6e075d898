"""Who may import whom (DESIGN.md, "Layers and folders"), read from the source: the entry
point alone imports the application's wiring (`bot.app`), the command menus live below it,
documents and the shared presentation import no bot, handlers or scheduler."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from bot.config import ROOT

PACKAGES = ("bot", "documents", "handlers", "models", "scheduler", "services", "ui")


def modules(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (a function's body too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def importers(target: str, *packages: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in modules(*packages)
        if any(name == target or name.startswith(f"{target}.") for name in imported(path))
    ]


def test_only_the_entry_point_imports_the_application_wiring() -> None:
    assert importers("bot.app", *PACKAGES) == ["bot/__main__.py"]


def test_the_command_menus_sit_below_the_application() -> None:
    assert not {"bot.app", "bot.__main__"} & imported(ROOT / "handlers" / "commands.py")


def test_shared_presentation_imports_no_bot_handlers_or_scheduler() -> None:
    for layer in ("bot", "handlers", "scheduler"):
        assert importers(layer, "ui") == [], layer
    assert importers("handlers", "bot") == ["bot/app.py"]  # it includes the routers


def test_documents_import_no_handlers_or_scheduler_and_no_bot_but_for_the_protocol() -> None:
    assert importers("handlers", "documents") == []
    assert importers("scheduler", "documents") == []
    # documents/protocol.py's ROOT is the protocols branch's to move; then this list is empty
    assert set(importers("bot", "documents")) <= {"documents/protocol.py"}
