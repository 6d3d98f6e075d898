"""«📊 Анализ года» in the persistent menu only for those who may view an analysis (a
methodist, a chair, deputy or secretary): not for the admin as such, who has no such right."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import gettext as _

from bot.app import build_i18n
from bot.config import Settings
from handlers.ui import MENU_ANALYSIS, MENU_MEMBERS, menu
from models import Role
from services.permissions import Actor

ADMIN = Actor(external_id=1, is_admin=True)
METHODIST = Actor(external_id=2, person_id=2, methodist_services=frozenset({1}))
CHAIR = Actor(external_id=3, person_id=3, roles={10: Role.CHAIR})
SECRETARY = Actor(external_id=4, person_id=4, roles={10: Role.SECRETARY})


def labels(actor: Actor) -> tuple[list[str], str, str]:
    i18n = build_i18n(Settings(bot_token="42:TEST", _env_file=None))
    with i18n.context(), i18n.use_locale("ru"):
        kb = menu(actor)
        return [b.text for row in kb.keyboard for b in row], _(MENU_ANALYSIS), _(MENU_MEMBERS)


@pytest.mark.parametrize(
    ("actor", "shown"), [(ADMIN, False), (METHODIST, True), (CHAIR, True), (SECRETARY, True)]
)
def test_the_analysis_button_follows_the_right_to_view_it(actor: Actor, shown: bool) -> None:
    found, analysis, members = labels(actor)
    assert analysis == "📊 Анализ года" and members in found  # a staff menu either way
    assert (analysis in found) is shown
