"""Polls and questionnaires (DOMAIN.md, "Surveys"): a survey is sent to the members of one or
more associations; its questions are frozen once it opens.

Anonymity is a property of the schema, not of a query. While a person answers, their answers
sit in a personal draft (`SurveyDraft`). On finishing, the draft becomes a `SurveyResponse`
whose id is a random 63-bit number (never a sequence) and which has no time of its own; for an
anonymous survey its `person_id` stays NULL and the draft is deleted in the same transaction.
What remains about the person is `SurveyRecipient.finished` (for reminders), which has no time
either. `SurveyAnswer` has no id of its own (its key is the response and the question) and on
SQLite is a WITHOUT ROWID table, so no hidden rowid records the order responses arrived in.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, str_enum


class SurveyKind(enum.StrEnum):
    POLL = "poll"  # one question, 2-10 options, results live for a named poll
    SURVEY = "survey"  # a questionnaire


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"  # being edited by its author
    OPEN = "open"  # sent (answers accepted from `opens_at`, if set, until `closes_at`)
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"  # 1-5
    SHORT = "short"  # up to 300 characters
    LONG = "long"  # up to 4,000 characters


class Survey(IdMixin, Base):
    """A survey's header; which associations it goes to is `SurveyAudience`."""

    __tablename__ = "surveys"

    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[SurveyKind] = mapped_column(str_enum(SurveyKind))
    status: Mapped[SurveyStatus] = mapped_column(
        str_enum(SurveyStatus), default=SurveyStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    allow_other: Mapped[bool] = mapped_column(default=False, server_default=false())  # «другое»
    locale: Mapped[str] = mapped_column(String(8), default="ru", server_default="ru")
    # The built-in template it was made from (services.surveys.templates.TemplateKey), kept
    # where answers mean more than figures: the year-end report's go to the data bank.
    template: Mapped[str | None] = mapped_column(String(16))
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Anonymous results: how many responses the author was last shown, and what they saw.
    results_shown_count: Mapped[int] = mapped_column(default=0, server_default="0")
    results_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # each edit: +1
    created_at: Mapped[datetime]
    # A named poll's live results card in its author's chat (edited when the figures change).
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    card_text: Mapped[str | None] = mapped_column(Text)
    card_at: Mapped[datetime | None]


class SurveyAudience(IdMixin, Base):
    """An association whose members receive the survey; the first one (lowest id) gives the
    time zone and the sending window for reminders."""

    __tablename__ = "survey_audiences"
    __table_args__ = (UniqueConstraint("survey_id", "association_id"),)

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )


class SurveyQuestion(IdMixin, Base):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # 1, 2, …
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(default=True, server_default=true())
    options: Mapped[list[str]] = mapped_column(JSON, default=list)


class SurveyRecipient(IdMixin, Base):
    """A person the survey was sent to. `finished` is all that is kept of their answering an
    anonymous survey: no time, and rows are made all at once when the survey opens."""

    __tablename__ = "survey_recipients"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    finished: Mapped[bool] = mapped_column(default=False, server_default=false())


class SurveyDraft(IdMixin, Base):
    """A person's answers while they answer: question id (as a string) → the answer as
    given, or None for a skipped optional question; deleted when they finish."""

    __tablename__ = "survey_drafts"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=1, server_default="1")  # where they stopped


class SurveyResponse(Base):
    """A finished response. The id is drawn with `secrets` (random, not a sequence: no
    sequence exists on PostgreSQL, and on SQLite the id is the rowid itself); no time column.
    `person_id` is NULL for an anonymous survey; a named response stays linked to the person's
    tombstone after /forget (the row is emptied, never deleted), which clears its school and
    subject.

    A needs survey's response (template «needs») also keeps the answerer's school and subject
    as they were when they finished (never who they are): the methodist's needs breakdown by
    school and subject (services.needs) reads them, and shows a group of an anonymous survey
    only from 3 responses. Every other response leaves them NULL."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    survey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("persons.id", ondelete="SET NULL")
    )
    school_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("schools.id", ondelete="SET NULL")
    )
    subject: Mapped[str | None] = mapped_column(String(300))


class SurveyAnswer(Base):
    """One answer of a response, as given: {"options": [0, 2], "other": "…"}, {"scale": 4}
    or {"text": "…"}. Keyed by (response, question): no id that could record an order."""

    __tablename__ = "survey_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    response_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
