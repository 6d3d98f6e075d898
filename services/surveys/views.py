"""What the survey use cases return: plain frozen data, no session."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from models.survey import QuestionKind, SurveyKind, SurveyStatus
from services.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class QuestionView:
    id: int
    position: int
    kind: QuestionKind
    text: str
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True)
class SurveyView:
    id: int
    kind: SurveyKind
    status: SurveyStatus
    title: str
    anonymous: bool
    allow_other: bool
    locale: str
    author_id: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    version: int
    questions: tuple[QuestionView, ...]
    association_ids: tuple[int, ...]  # the audience, the first one giving time zone and window
    can_edit: bool = False  # a draft, and the person who asked may edit it (`get`)

    def question_at(self, position: int) -> QuestionView:
        """A question of the survey by its number (a button from an older card: STALE)."""
        for q in self.questions:
            if q.position == position:
                return q
        raise DomainError(ErrorCode.STALE)


@dataclass(frozen=True)
class SurveyBrief:
    id: int
    kind: SurveyKind
    status: SurveyStatus
    title: str
    anonymous: bool
    opens_at: datetime | None
    closes_at: datetime | None
    questions: int


@dataclass(frozen=True)
class Opened:
    view: SurveyView
    recipients: int
    reminders: tuple[datetime, ...]  # when the reminders are due


@dataclass(frozen=True)
class Answer:
    """An answer as given: option indexes (from 0) and «другое» for single and multiple
    choice, a scale value, or a text."""

    options: tuple[int, ...] = ()
    other: str | None = None
    scale: int | None = None
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.options:
            found["options"] = list(self.options)
        if self.other is not None:
            found["other"] = self.other
        if self.scale is not None:
            found["scale"] = self.scale
        if self.text is not None:
            found["text"] = self.text
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        return cls(
            options=tuple(int(i) for i in data.get("options", ())),
            other=data.get("other"),
            scale=data.get("scale"),
            text=data.get("text"),
        )


@dataclass(frozen=True)
class Progress:
    survey_id: int
    total: int
    answered: int  # questions answered (skipped ones not counted)
    next_position: int | None  # the first question neither answered nor skipped; None: done
    finished: bool
    accepting: bool  # open now: answers are accepted

    @property
    def ready(self) -> bool:
        """Every question answered or skipped: offer «Завершить»."""
        return self.next_position is None


@dataclass(frozen=True)
class Step:
    """One question to show: «3 из 8», the answer given before (after «Назад»)."""

    survey_id: int
    title: str
    question: QuestionView
    position: int
    total: int
    allow_other: bool
    current: Answer | None
    skipped: bool
    closes_at: datetime | None
    template: str | None = None  # the built-in template it was made from


@dataclass(frozen=True)
class Finished:
    survey_id: int
    anonymous: bool
    author_id: int | None
    live: bool  # a named poll: its author's results changed


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    percent: float  # of those who answered the question, one decimal


@dataclass(frozen=True)
class QuestionResult:
    position: int
    kind: str
    text: str
    answered: int
    options: tuple[OptionCount, ...]  # choices; for a scale the values 1-5
    other: tuple[str, ...]  # «другое» texts
    texts: tuple[str, ...]  # short and long answers
    mean: float | None  # a scale's average, two decimals


@dataclass(frozen=True)
class ResponseRow:
    number: int  # 1, 2, … in the results' own order (never the response id)
    name: str | None  # None for an anonymous survey
    cells: tuple[str, ...]  # one per question, "" when not answered


@dataclass(frozen=True)
class Results:
    survey_id: int
    kind: str
    title: str
    anonymous: bool
    locale: str
    closed: bool
    hidden: bool  # anonymous, fewer than 3 responses: nothing is shown
    responses: int  # responses the figures are made of
    received: int  # responses received so far (≥ `responses` for an anonymous survey)
    recipients: int
    questions: tuple[QuestionResult, ...]
    rows: tuple[ResponseRow, ...]
    period: str = ""  # «01.12.2026 – 10.12.2026» in the audience's time zone
    audience: tuple[str, ...] = ()  # the associations it was sent to

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Results:
        questions = tuple(
            QuestionResult(
                position=q["position"],
                kind=q["kind"],
                text=q["text"],
                answered=q["answered"],
                options=tuple(OptionCount(**o) for o in q["options"]),
                other=tuple(q["other"]),
                texts=tuple(q["texts"]),
                mean=q["mean"],
            )
            for q in data["questions"]
        )
        rows = tuple(
            ResponseRow(number=r["number"], name=r["name"], cells=tuple(r["cells"]))
            for r in data["rows"]
        )
        plain = {k: v for k, v in data.items() if k not in ("questions", "rows", "audience")}
        audience = tuple(data.get("audience", ()))
        return cls(**plain, questions=questions, rows=rows, audience=audience)


@dataclass(frozen=True)
class LiveCard:
    survey_id: int
    chat_id: int
    message_id: int
    text: str | None
    at: datetime | None
    locale: str


@dataclass(frozen=True)
class Schedule:
    """When answers are accepted, as typed by the author (`parse_schedule`): from `opens_at`
    (None: as soon as it is sent) until `closes_at`."""

    opens_at: datetime | None
    closes_at: datetime
