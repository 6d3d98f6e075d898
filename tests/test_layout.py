"""The tree keeps its shape: layers import only downwards, modules stay small enough to read,
callbacks are typed. Read from the source, so a violation names its file and line."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import tomllib
from enum import Enum
from pathlib import Path

from aiogram.filters.callback_data import CallbackData

import ui.callbacks

ROOT = Path(__file__).resolve().parent.parent
LINE_LIMIT = 450
OURS = {"bot", "documents", "handlers", "models", "sandbox", "scheduler", "services", "ui"}


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _violations(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in _modules(*folders):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top in forbidden:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_services_and_models_know_no_telegram_and_no_upper_layer() -> None:
    assert _violations(("services", "models"), ("aiogram", "handlers", "bot", "scheduler")) == []


def test_scheduler_imports_no_handlers() -> None:
    assert _violations(("scheduler",), ("handlers",)) == []


def test_documents_import_no_bot_handlers_or_scheduler() -> None:
    assert _violations(("documents",), ("bot", "handlers", "scheduler")) == []


def test_ui_imports_no_handlers_bot_or_scheduler() -> None:
    assert _violations(("ui",), ("handlers", "bot", "scheduler")) == []


def _importers(target: str, *folders: str) -> list[str]:
    """The modules under `folders` that import `target` or a module inside it, at any depth
    (a function's body too)."""
    found = []
    for path in _modules(*folders):
        names = {module for _line, module in _imports(path)}
        if any(name == target or name.startswith(f"{target}.") for name in names):
            found.append(str(path.relative_to(ROOT)))
    return found


def test_only_the_entry_point_imports_the_application_wiring() -> None:
    assert _importers("bot.app", *sorted(OURS)) == ["bot/__main__.py", "sandbox/runtime.py"]


def test_the_sandbox_runs_on_the_runtime_install() -> None:
    """`make sandbox` installs no development tool: the sandbox imports none, nor the tests."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = {
        re.split(r"[~=<>!\[ ]", spec)[0].lower().replace("-", "_")
        for spec in project["project"]["optional-dependencies"]["dev"]
    }
    assert "pytest" in dev
    forbidden = tuple(dev | {"tests", "_pytest"})
    assert _violations(("sandbox",), forbidden) == []
    assert _importers("sandbox", "bot", "handlers", "services", "scheduler") == ["bot/__main__.py"]


def test_the_command_menus_sit_below_the_application() -> None:
    assert _importers("bot.app", "handlers") == []
    assert _importers("handlers", "bot") == ["bot/app.py"]  # it includes the routers


def test_no_module_is_past_the_line_limit() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in _modules("services", "handlers", "scheduler", "bot", "ui")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT
    ]
    assert long == []


def test_no_private_attribute_of_a_router_is_touched() -> None:
    touched = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _modules("bot", "handlers", "tests")
        if path.name != "test_layout.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "_parent_router" in line
    ]
    assert touched == []


def test_no_private_name_is_imported_across_packages() -> None:
    bad = []
    for path in _modules("services", "handlers", "scheduler", "bot", "documents", "ui"):
        own = path.relative_to(ROOT).parts[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            package = tuple(node.module.split("."))
            if package[0] not in OURS:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and package[: len(own)] != own:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}")
    assert bad == []


APP = ("services", "handlers", "scheduler", "bot", "documents", "ui")
KEYS = {
    ROOT / "services" / "outbox" / name for name in ("keys.py", "keys_year.py", "key_format.py")
}
OUTBOX = ROOT / "services" / "outbox"
# The first segment of every outbox key (keys.subject_of); a literal starting with one of them
# followed by ":" is a key built by hand.
_KEY_START = re.compile(r"^(meeting|survey|protocol|announcement):")


def _literal_start(node: ast.AST) -> str | None:
    """The text a string literal or f-string starts with (an f-string's leading constant)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def test_outbox_keys_are_built_only_in_the_keys_module() -> None:
    """One format change must not leave a copy behind: no key literal, no f-string key and no
    `.split(":")` of a key anywhere but services/outbox/keys.py (with keys_year.py, the
    school year's keys) and its machinery, key_format.py."""
    bad = []
    for path in _modules(*APP):
        if path in KEYS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = _literal_start(node)
            if isinstance(node, ast.expr) and text is not None and _KEY_START.match(text):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {text!r}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"split", "rsplit"}
                and node.args
                and _literal_start(node.args[0]) == ":"
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} split(':')")
    assert bad == []


def test_outbox_rows_are_written_only_by_the_outbox_package() -> None:
    """The outbox table belongs to services/outbox/: no other module of the application names
    `OutboxMessage` (so no insert, update or delete of its rows can hide elsewhere)."""
    bad = []
    for path in _modules(*APP):
        if OUTBOX in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Name) and node.id == "OutboxMessage") or (
                isinstance(node, ast.alias) and node.name == "OutboxMessage"
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


def _callback_classes() -> list[type[CallbackData]]:
    classes = []
    for info in pkgutil.iter_modules(ui.callbacks.__path__):
        module = importlib.import_module(f"ui.callbacks.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            ours = cls.__module__ == module.__name__
            if issubclass(cls, CallbackData) and cls is not CallbackData and ours:
                classes.append(cls)
    return classes


def test_no_callback_field_is_a_bare_str() -> None:
    bare = [
        f"{cls.__name__}.{name}"
        for cls in _callback_classes()
        for name, field in cls.model_fields.items()
        if field.annotation is str and not field.metadata
    ]
    assert bare == []


def test_callback_actions_are_enums() -> None:
    plain = [
        f"{cls.__name__}.action"
        for cls in _callback_classes()
        if "action" in cls.model_fields
        and not (
            inspect.isclass(cls.model_fields["action"].annotation)
            and issubclass(cls.model_fields["action"].annotation, Enum)
        )
    ]
    assert plain == []


def test_no_filter_compares_a_string_action() -> None:
    compared = re.compile(r"""F\.(action|what|field|mark|choice|kind)\s*(==|!=)\s*["']""")
    also = re.compile(r"""F\.(action|what|field|mark|choice|kind)\.in_\(\s*[\[{(]\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _modules("handlers", "bot")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if compared.search(line) or also.search(line)
    ]
    assert found == []
