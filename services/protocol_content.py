"""What a protocol says: a snapshot of the meeting taken when the draft is made, completed by
the minutes keeper, frozen when both sign.

The snapshot is stored as JSON on the protocol's version (`to_json` / `from_json`), so a
signed protocol keeps the names it was signed with even after a member asks the bot to forget
them (DOMAIN.md, "Protocol"). `documents.protocol` draws the DOCX and the PDF from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    school: str | None = None
    online: bool = False  # took part online (a hybrid meeting)
    reason: str | None = None  # the reason of an excused absence
    declined: str | None = None  # the reason given with «Не смогу» (the roll did not mark them)


@dataclass(frozen=True, slots=True)
class Guest:
    """An invited person, entered by the secretary: never counted in the quorum."""

    name: str
    position: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The vote on a question: the tally, P of M at closing, adopted or not."""

    for_: int
    against: int
    abstain: int
    present: int
    members: int
    adopted: bool
    by_ballot: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    position: int
    title: str
    speaker: str | None
    heard: str = ""  # «Слушали»: typed by the minutes keeper
    decision: str = ""  # «Решили»: the draft decision, reworded if need be
    outcome: Outcome | None = None
    recorded: bool = False  # the minutes keeper wrote the decision (not only the draft)

    @property
    def resolved(self) -> str:
        """What is printed as «Решили»: the decision voted on or recorded by the minutes
        keeper; never a draft that was not put to a vote."""
        return self.decision if self.outcome is not None or self.recorded else ""

    @property
    def not_voted(self) -> bool:
        """A draft decision that was never put to a vote (and no decision recorded)."""
        return bool(self.decision) and not self.resolved


@dataclass(frozen=True, slots=True)
class Attachment:
    file_id: str
    name: str
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Signer:
    """One of the two who sign: the presiding person and the minutes keeper."""

    name: str
    title: str  # chair | deputy | secretary | member: printed as the signer's position
    signed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProtocolContent:
    number: int
    version: int
    meeting_day: date  # local date of the meeting (an absentee one: its ballot deadline)
    association: str
    topic: str
    form: str  # in_person | absentee | hybrid
    place: str | None
    locale: str  # the association's language: ru | en
    timezone: str
    presiding: Signer
    keeper: Signer
    members: int  # M: voting members on the roster
    present: tuple[Attendee, ...]
    absent: tuple[Attendee, ...]
    guests: tuple[Guest, ...] = ()
    questions: tuple[Question, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def present_count(self) -> int:
        return len(self.present)

    @property
    def signed(self) -> bool:
        return self.presiding.signed_at is not None and self.keeper.signed_at is not None

    def with_question(self, position: int, **changes: Any) -> ProtocolContent:
        questions = tuple(
            replace(q, **changes) if q.position == position else q for q in self.questions
        )
        return replace(self, questions=questions)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["meeting_day"] = self.meeting_day.isoformat()
        for signer in ("presiding", "keeper"):
            at = data[signer]["signed_at"]
            data[signer]["signed_at"] = at.isoformat() if at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProtocolContent:
        def signer(raw: dict[str, Any]) -> Signer:
            at = raw.get("signed_at")
            return Signer(raw["name"], raw["title"], datetime.fromisoformat(at) if at else None)

        def question(raw: dict[str, Any]) -> Question:
            outcome = raw.get("outcome")
            return Question(
                position=raw["position"],
                title=raw["title"],
                speaker=raw.get("speaker"),
                heard=raw.get("heard", ""),
                decision=raw.get("decision", ""),
                outcome=Outcome(**outcome) if outcome else None,
                recorded=bool(raw.get("recorded", False)),
            )

        return cls(
            number=data["number"],
            version=data["version"],
            meeting_day=date.fromisoformat(data["meeting_day"]),
            association=data["association"],
            topic=data["topic"],
            form=data["form"],
            place=data.get("place"),
            locale=data.get("locale", "ru"),
            timezone=data["timezone"],
            presiding=signer(data["presiding"]),
            keeper=signer(data["keeper"]),
            members=data["members"],
            present=tuple(Attendee(**a) for a in data.get("present", [])),
            absent=tuple(Attendee(**a) for a in data.get("absent", [])),
            guests=tuple(Guest(**g) for g in data.get("guests", [])),
            questions=tuple(question(q) for q in data.get("questions", [])),
            attachments=tuple(Attachment(**a) for a in data.get("attachments", [])),
        )
