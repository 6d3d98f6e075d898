"""What a protocol says: a snapshot of the meeting taken when the draft is made, completed by
the minutes keeper, frozen when both sign.

The snapshot is stored as JSON on the protocol's version (`to_json` / `from_json`), so a
signed protocol keeps the names it was signed with even after a member asks the bot to forget
them (DOMAIN.md, "Protocol"). `documents.protocol` draws the DOCX and the PDF from it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from services.quorum import Fraction, Quorum


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
    spoke: str = ""  # «Выступили»: who else spoke, optional

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
    kind: str = "rmo"  # the association's kind (models.AssociationKind): the wording
    validity: tuple[int, int] = (1, 2)  # the association's fractions when the draft was made
    decision: tuple[int, int] = (2, 3)
    city: str | None = None  # the place of compilation, printed under the title

    @property
    def present_count(self) -> int:
        return len(self.present)

    def quorum_of(self, present: int, members: int) -> Quorum:
        """services.quorum's verdict for P of M with this association's fractions."""
        return Quorum(present, members, Fraction(*self.validity), Fraction(*self.decision))

    @property
    def quorum(self) -> Quorum:
        """The meeting's quorum: those present (or who answered the ballot) of M."""
        return self.quorum_of(self.present_count, self.members)

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
                spoke=raw.get("spoke", ""),
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
            kind=data.get("kind", "rmo"),
            validity=_fraction(data.get("validity"), (1, 2)),
            decision=_fraction(data.get("decision"), (2, 3)),
            city=data.get("city"),
        )


def _fraction(raw: Any, default: tuple[int, int]) -> tuple[int, int]:
    """A stored [num, den] (a version saved before fractions were kept: the defaults)."""
    if isinstance(raw, list | tuple) and len(raw) == 2:
        return int(raw[0]), int(raw[1])
    return default


# --- «И.О. Фамилия» ------------------------------------------------------------------------

_PATRONYMIC = re.compile(r"(ич|вна|чна|ична|инична|оглы|кызы|улы|гызы)$", re.IGNORECASE)
_PATRONYMIC_WORDS = {"оглы", "кызы", "улы", "гызы"}
_SURNAME = re.compile(
    r"(ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|ской|ых|их|ко|енко|ук|юк|ян"
    r"|дзе|швили)$",
    re.IGNORECASE,
)
# Given names that end like a surname («Ирина» like «Пушкина»).
_GIVEN = frozenset(
    [
        "ирина",
        "марина",
        "галина",
        "алина",
        "полина",
        "кристина",
        "ангелина",
        "валентина",
        "нина",
        "арина",
        "карина",
        "регина",
        "алевтина",
        "зарина",
        "дина",
        "эвелина",
        "каролина",
        "георгин",
        "валентин",
        "вениамин",
        "константин",
    ]
)


def _surname_like(word: str) -> bool:
    return bool(_SURNAME.search(word)) and word.lower() not in _GIVEN


def _initial(word: str) -> str:
    """«Анна-Мария» → «А.-М.»; «С.» stays «С.»; «С.И.» stays «С.И.»."""
    if "." in word:
        return word
    parts = [p for p in word.split("-") if p]
    return "-".join(p[0].upper() + "." for p in parts)


def initials(full_name: str) -> str:
    """A signer's name as a Russian paper signs it, «И.О. Фамилия».

    The roster writes «Фамилия Имя Отчество»; a name typed «Имя Отчество Фамилия» (the
    patronymic second) or «Имя Фамилия» (the second word a surname) is read that way. Hyphens
    stay in initials and surnames («Анна-Мария Петровна Иванова-Смирнова» → «А.-М.П.
    Иванова-Смирнова»), «ё» stays, a one-word name is printed as it is, and initials already
    typed («Петров С. И.») are only moved in front.
    """
    words = [w for w in full_name.split() if any(ch.isalpha() for ch in w)]
    if len(words) < 2:
        return " ".join(words)
    # Initials already typed: «Петров С. И.», «Петров С.И.», «С.И. Петров».
    if all("." in w for w in words[1:]):
        return "".join(words[1:]) + " " + words[0]
    if "." in words[0]:
        dotted = [w for w in words if "." in w]
        rest = [w for w in words if "." not in w]
        return "".join(dotted) + " " + " ".join(rest)
    # A patronymic of two words («Мамед оглы») counts as one.
    if len(words) >= 4 and words[-1].lower() in _PATRONYMIC_WORDS:
        words = [*words[:-2], words[-2] + " " + words[-1]]
    if len(words) == 3 and _PATRONYMIC.search(words[1]):
        given, patronymic, surname = words
        return f"{_initial(given)}{_initial(patronymic.split()[0])} {surname}"
    given_first = words[0].lower() in _GIVEN and words[1].lower() not in _GIVEN
    if len(words) == 2 and (
        given_first or (_surname_like(words[1]) and not _surname_like(words[0]))
    ):
        return f"{_initial(words[0])} {words[1]}"
    surname, given, *others = words
    letters = _initial(given) + "".join(_initial(w.split()[0]) for w in others[:1])
    return f"{letters} {surname}"
