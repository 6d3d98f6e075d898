"""The compliance messages are HTML: a name people typed is escaped in them."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import I18n

from bot.i18n import DOMAIN, LOCALES_DIR
from models import AssociationKind
from services.compliance import FindingView, Rule
from ui.compliance import digest_text, finding_text

NAME = "РМО <b>учителей</b> & «Школа»"
ESCAPED = "РМО &lt;b&gt;учителей&lt;/b&gt; &amp; «Школа»"


def test_an_association_name_is_escaped_in_the_finding_and_the_digest() -> None:
    view = FindingView(
        id=1,
        association_id=7,
        association=NAME,
        kind=AssociationKind.RMO,
        rule=Rule.NO_PLAN,
        period="2026",
        object_id=0,
        details={"year": 2026},
    )
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    with i18n.context(), i18n.use_locale("ru"):
        finding = finding_text(view)
        digest = digest_text(date(2026, 10, 2), [view])
    assert f"«{ESCAPED}»" in finding and NAME not in finding
    assert f"«{ESCAPED}»" in digest and NAME not in digest
