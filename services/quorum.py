"""The formulas of DOMAIN.md, "Quorum and decisions", in integers (fractions num/den).

M: the established number of members — active voting members on the roster, joined or not.
P: distinct active voting members taking part — marked present (in the room or online, by
   check-in or the secretary's roll) at an in-person meeting; at an absentee or hybrid one,
   those who answered the ballot.
The meeting is valid iff P·den ≥ M·num with the validity fraction (1/2 by default); decisions
can be taken iff P·den ≥ M·num with the decision fraction (2/3); a decision is adopted iff
decisions can be taken and За > Против + Воздержался (a tie is not adopted).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fraction:
    num: int
    den: int

    def holds(self, part: int, whole: int) -> bool:
        """part / whole ≥ num / den, in integers."""
        return part * self.den >= whole * self.num

    def needed(self, whole: int) -> int:
        """The least part that satisfies it: ⌈whole · num / den⌉."""
        return -(-whole * self.num // self.den)

    def __str__(self) -> str:
        return f"{self.num}/{self.den}"


@dataclass(frozen=True)
class Quorum:
    present: int  # P
    members: int  # M
    validity: Fraction
    decision: Fraction

    @property
    def valid(self) -> bool:
        return self.members > 0 and self.validity.holds(self.present, self.members)

    @property
    def decisions(self) -> bool:
        return self.members > 0 and self.decision.holds(self.present, self.members)


@dataclass(frozen=True)
class Tally:
    for_: int
    against: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.for_ + self.against + self.abstain


def adopted(quorum: Quorum, tally: Tally) -> bool:
    """Adopted iff decisions can be taken and За > Против + Воздержался."""
    return quorum.decisions and tally.for_ > tally.against + tally.abstain
