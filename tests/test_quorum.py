"""DOMAIN.md's formulas, table-driven: validity 1/2, decisions 2/3, adoption by majority of
votes cast (an abstention is a vote cast; a tie is not adopted)."""

from __future__ import annotations

import pytest

from services.quorum import Fraction, Quorum, Tally, adopted

HALF, TWO_THIRDS = Fraction(1, 2), Fraction(2, 3)


@pytest.mark.parametrize(
    ("present", "members", "valid", "decisions"),
    [
        (7, 10, True, True),  # DOMAIN.md's example: 7 of 10
        (5, 10, True, False),  # exactly half: valid; 15 < 20: no decisions
        (4, 10, False, False),
        (6, 9, True, True),  # 18 ≥ 18
        (5, 9, True, False),  # 10 ≥ 9 valid; 15 < 18
        (1, 1, True, True),
        (0, 0, False, False),  # nobody on the roster: nothing is valid
        (2, 3, True, True),
        (1, 3, False, False),
    ],
)
def test_validity_and_decision_quorum(
    present: int, members: int, valid: bool, decisions: bool
) -> None:
    q = Quorum(present, members, HALF, TWO_THIRDS)
    assert (q.valid, q.decisions) == (valid, decisions)


@pytest.mark.parametrize(
    ("tally", "present", "members", "result"),
    [
        (Tally(5, 1, 1), 7, 10, True),
        (Tally(3, 2, 1), 7, 10, False),  # 3 = 2 + 1: a tie is not adopted
        (Tally(4, 1, 2), 7, 10, True),
        (Tally(4, 0, 4), 8, 10, False),  # abstentions count as votes cast
        (Tally(5, 0, 0), 5, 10, False),  # unanimous, but no decision quorum (15 < 20)
        (Tally(0, 0, 0), 7, 10, False),
    ],
)
def test_adoption(tally: Tally, present: int, members: int, result: bool) -> None:
    assert adopted(Quorum(present, members, HALF, TWO_THIRDS), tally) is result


def test_needed() -> None:
    assert HALF.needed(10) == 5 and TWO_THIRDS.needed(10) == 7 and TWO_THIRDS.needed(9) == 6
    assert str(TWO_THIRDS) == "2/3"
