"""The README names only commands the bot has: every `/command` it shows in backticks is
registered by a router of the application (a Command filter of a message handler)."""

from __future__ import annotations

import re
from pathlib import Path

from aiogram import Router
from aiogram.filters import Command

from handlers import build_root_router

README = Path(__file__).resolve().parent.parent / "README.md"
NAMED = re.compile(r"`/([a-z_]+)")


def registered(router: Router) -> set[str]:
    found: set[str] = set()
    for handler in router.message.handlers:
        for flt in handler.filters or ():
            if isinstance(flt.callback, Command):
                found |= {c for c in flt.callback.commands if isinstance(c, str)}
    for sub in router.sub_routers:
        found |= registered(sub)
    return found


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_every_command_the_readme_names_is_registered() -> None:
    commands = registered(build_root_router())
    named = set(NAMED.findall(README.read_text(encoding="utf-8")))
    assert {"plan", "check", "newmeeting", "protocols"} <= named
    assert named - commands == set()


def test_the_school_year_section_names_plan_check_survey_and_analysis() -> None:
    named = set(NAMED.findall(section("Учебный год")))
    assert named == {"plan", "check", "survey", "analysis"}
    assert named <= registered(build_root_router())
