"""The analysis' buttons: the strings they carry parse to the same action and ids and pack
back byte for byte (the methodist's buttons stay in chats for days); every action covered;
a year outside the range or an unknown code is refused."""

from __future__ import annotations

import pytest

from ui.callbacks.analysis import AnalysisAction, AnalysisCb

A = AnalysisAction
BUTTONS = [
    ("ya:open:5:2026:0", A.OPEN, 0),
    ("ya:docx:5:2026:0", A.DOCX, 0),
    ("ya:xlsx:5:2026:0", A.XLSX, 0),
    ("ya:secs:5:2026:0", A.SECTIONS, 0),
    ("ya:sec:5:2026:12", A.SECTION, 12),
    ("ya:my:5:2026:0", A.MEASURES_YES, 0),
    ("ya:mn:5:2026:0", A.MEASURES_NO, 0),
    ("ya:send:5:2026:0", A.SUBMIT, 0),
    ("ya:ok:5:2026:1", A.ACCEPT, 1),
    ("ya:back:5:2026:3", A.RETURN, 3),
]


@pytest.mark.parametrize(("packed", "action", "arg"), BUTTONS)
def test_the_buttons_keep_their_strings(packed: str, action: AnalysisAction, arg: int) -> None:
    parsed = AnalysisCb.unpack(packed)
    assert (parsed.action, parsed.association_id, parsed.year, parsed.arg) == (
        action,
        5,
        2026,
        arg,
    )
    assert AnalysisCb(action=action, association_id=5, year=2026, arg=arg).pack() == packed


def test_each_action_is_covered() -> None:
    assert {action for _p, action, _a in BUTTONS} == set(AnalysisAction)


@pytest.mark.parametrize(
    "forged", ["ya:open:5:1999:0", "ya:zap:5:2026:0", "ya:sec:5:2026:-1", "ya:ok:5:2026:100001"]
)
def test_forged_strings_are_refused(forged: str) -> None:
    with pytest.raises(ValueError):
        AnalysisCb.unpack(forged)
