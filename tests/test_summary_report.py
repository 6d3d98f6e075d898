"""A centre's delivery report in the broadcast's summary (issue 18, review finding 11): every
service on its line, under it only the associations where someone was not reached and the
others in one line — a centre of a thousand associations stays one message — in Russian and
English."""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from bot.i18n import DOMAIN, LOCALES_DIR
from bot.render import split_message
from scheduler.kinds.summary import report_lines
from services.centres import ServiceReport, Tally


def _reports(size: int) -> list[ServiceReport]:
    north = tuple(Tally(f"РМО № {n:04}", 3) for n in range(size))
    failing = (Tally("РМО учителей физики", 2, 1, 0), Tally("РМО учителей химии", 1, 0, 2))
    return [
        ServiceReport(Tally("ИМЦ Абдулинского района", 3 * size), north),
        ServiceReport(Tally("ИМЦ Асекеевского района", 9, 1, 2), failing + north[:3]),
    ]


def lines(locale: str, size: int = 3) -> list[str]:
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    with i18n.context(), i18n.use_locale(locale):
        return report_lines(_reports(size))


def test_only_the_associations_with_someone_unreached_are_listed() -> None:
    assert lines("ru") == [
        "",
        "<b>По службам и объединениям:</b>",
        "🏛 <b>ИМЦ Абдулинского района</b>: доставлено 9, не доставлено 0, заблокировали бота 0",
        "  • 3 объединения: всё доставлено",
        "🏛 <b>ИМЦ Асекеевского района</b>: доставлено 9, не доставлено 1, заблокировали бота 2",
        "  • РМО учителей физики: доставлено 2, не доставлено 1, заблокировали бота 0",
        "  • РМО учителей химии: доставлено 1, не доставлено 0, заблокировали бота 2",
        "  • остальные 3 объединения: всё доставлено",
    ]
    english = lines("en")
    assert english[3] == "  • 3 associations: all delivered"
    assert english[-1] == "  • the other 3 associations: all delivered"


def test_a_thousand_associations_fit_one_message() -> None:
    found = lines("ru", 1_000)
    assert "  • 1000 объединений: всё доставлено" in found
    assert len(split_message(["Итоги рассылки", *found])) == 1
