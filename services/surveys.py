"""Surveys (DOMAIN.md, "Surveys"): quick polls and questionnaires sent to the members of one
or more associations, answered one question at a time, with results for their author.

Who: the author (SEND_SURVEYS on every association of the audience) edits, opens, closes and
sees results; the recipients (PARTICIPATE in an association of the audience) answer. Every
call re-checks this: a well-formed id of someone else's survey is refused (FORBIDDEN).

Anonymity that holds (models/survey.py): answers wait in the person's draft; finishing writes
a response under a random id with no time, deletes the draft and keeps only "finished", in
one transaction; no audit entry is written for answering. Results of an anonymous survey are
shown once 3 have answered and then change only when the survey closes or 3 more have
answered (`Survey.results_snapshot`), so no one can subtract one view from the next.

Outbox: an invitation per recipient when the survey opens (at `opens_at` if later), and
reminders to those who have not finished two days before closing and on the last day, in the
sending window of the first association of the audience; each is dropped at claim time once
the person has finished or the survey has closed (`unwanted`), and the dedupe key makes sure
no one is reminded twice.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Membership, OutboxMessage, OutboxStatus, Person
from models.survey import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyDraft,
    SurveyKind,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from services import audit, deadlines, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import atomic, read_only
from services.validation import check_text, check_title

# Outbox kinds; params {"survey_id": …}
INVITE = "survey_invite"  # to each recipient when the survey opens
REMINDER = "survey_reminder"  # to those who have not finished; params also {"stage": 1 | 2}
KINDS = (INVITE, REMINDER)

QUESTIONS_MAX = 50
OPTIONS_MIN, OPTIONS_MAX = 2, 10
TEXT_MAX = 300  # a question, an option, a short answer, «другое»
LONG_MAX = 4_000
SCALE_MIN, SCALE_MAX = 1, 5
ANONYMITY_MIN = 3  # anonymous results: shown from 3 responses, then refreshed every 3 more
REMIND_BEFORE = timedelta(days=2)  # stage 1: two days before closing
REMIND_AT = time(10, 0)  # stage 2: on the last day, at this local time
REMIND_GAP = timedelta(hours=12)  # no reminder closer than this to the invitation or another
_CHUNK = 1000


def N_(message: str) -> str:
    """Marks an English msgid for extraction (babel -k N_); the caller translates it."""
    return message


Translate = Callable[[str], str]


def group_key(survey_id: int) -> str:
    return f"survey:{survey_id}"


# ---------------------------------------------------------------- templates


@dataclass(frozen=True)
class TemplateQuestion:
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Template:
    key: str
    title: str  # msgid
    anonymous: bool
    questions: tuple[TemplateQuestion, ...]


_Q = TemplateQuestion
_SINGLE, _MULTIPLE, _SCALE = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE
_SHORT, _LONG = QuestionKind.SHORT, QuestionKind.LONG

NEEDS = Template(
    key="needs",
    title=N_("Professional needs and deficits"),
    anonymous=False,
    questions=(
        _Q(
            _MULTIPLE,
            N_("In which directions would you like methodological support?"),
            (
                N_("Updated federal standards and work programmes"),
                N_("Functional literacy"),
                N_("Students with special educational needs"),
                N_("Gifted students and olympiads"),
                N_("Preparing students for state exams"),
                N_("Assessment of learning results"),
                N_("Digital tools and distance learning"),
                N_("Upbringing and class management"),
            ),
        ),
        _Q(
            _MULTIPLE,
            N_("Which formats of support suit you best?"),
            (
                N_("Seminars and workshops"),
                N_("Open lessons"),
                N_("Master classes"),
                N_("Individual consultations"),
                N_("Webinars"),
                N_("Mentoring"),
                N_("Materials for self-study"),
            ),
        ),
        _Q(
            _SCALE,
            N_("How confident do you feel in your professional work? (1 — not at all, 5 — fully)"),
        ),
        _Q(_SHORT, N_("Which seminar topics would you like at our meetings?"), required=False),
        _Q(
            _SINGLE,
            N_("Are you ready to share your experience with colleagues?"),
            (
                N_("Yes, with an open lesson or a master class"),
                N_("Yes, with a talk at a meeting"),
                N_("Yes, by publishing my materials"),
                N_("Not yet"),
            ),
        ),
        _Q(_LONG, N_("What difficulties do you meet in your work most often?"), required=False),
    ),
)

SATISFACTION = Template(
    key="satisfaction",
    title=N_("Satisfaction with the association's work"),
    anonymous=True,
    questions=(
        _Q(
            _SCALE,
            N_(
                "How satisfied are you with the association's work overall? "
                "(1 — not at all, 5 — fully)"
            ),
        ),
        _Q(
            _SCALE,
            N_("How useful were the meetings for your practice? (1 — not at all, 5 — very)"),
        ),
        _Q(
            _SINGLE,
            N_("Did the association's work help you solve your professional problems?"),
            (N_("Yes"), N_("Partly"), N_("No")),
        ),
        _Q(
            _MULTIPLE,
            N_("Which forms of work were the most effective?"),
            (
                N_("Meetings and seminars"),
                N_("Open lessons"),
                N_("Master classes"),
                N_("Consultations"),
                N_("Sharing of materials"),
                N_("Joint projects"),
            ),
        ),
        _Q(
            _SCALE,
            N_("How well are you informed about the association's work? (1 — poorly, 5 — fully)"),
        ),
        _Q(_LONG, N_("What would you suggest improving next year?"), required=False),
    ),
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (NEEDS, SATISFACTION)}


# ---------------------------------------------------------------- views


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
        plain = {k: v for k, v in data.items() if k not in ("questions", "rows")}
        return cls(**plain, questions=questions, rows=rows)


# ---------------------------------------------------------------- loading and rights


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def _survey(session: AsyncSession, survey_id: int, *, lock: bool = False) -> Survey:
    survey = await session.get(Survey, survey_id, with_for_update=lock)
    if survey is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return survey


async def _audience(session: AsyncSession, survey_id: int) -> list[Association]:
    found = await session.scalars(
        select(Association)
        .join(SurveyAudience, SurveyAudience.association_id == Association.id)
        .where(SurveyAudience.survey_id == survey_id)
        .order_by(SurveyAudience.id)
    )
    return list(found.all())


async def _questions(session: AsyncSession, survey_id: int) -> list[SurveyQuestion]:
    found = await session.scalars(
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )
    return list(found.all())


def _may_send(actor: Actor, audience: Sequence[Association]) -> bool:
    return bool(audience) and all(
        decide(actor, Action.SEND_SURVEYS, _scope(a)) is not Decision.DENY for a in audience
    )


async def _managed(
    session: AsyncSession, actor: Actor, survey_id: int, *, lock: bool = False
) -> tuple[Survey, list[Association]]:
    """The survey, for its author who may still send surveys to its whole audience."""
    survey = await _survey(session, survey_id, lock=lock)
    audience = await _audience(session, survey.id)
    if (
        actor.person_id is None
        or survey.author_id != actor.person_id
        or not _may_send(actor, audience)
    ):
        raise DomainError(ErrorCode.FORBIDDEN)
    return survey, audience


async def _editable(
    session: AsyncSession, actor: Actor, survey_id: int, version: int
) -> tuple[Survey, list[Association]]:
    survey, audience = await _managed(session, actor, survey_id, lock=True)
    if survey.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    if survey.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    return survey, audience


def _question_view(q: SurveyQuestion) -> QuestionView:
    return QuestionView(q.id, q.position, q.kind, q.text, q.required, tuple(q.options or ()))


async def _view(session: AsyncSession, survey: Survey) -> SurveyView:
    questions = await _questions(session, survey.id)
    audience = await _audience(session, survey.id)
    return SurveyView(
        id=survey.id,
        kind=survey.kind,
        status=survey.status,
        title=survey.title,
        anonymous=survey.anonymous,
        allow_other=survey.allow_other,
        locale=survey.locale,
        author_id=survey.author_id,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        version=survey.version,
        questions=tuple(_question_view(q) for q in questions),
        association_ids=tuple(a.id for a in audience),
    )


def _brief(survey: Survey, questions: int) -> SurveyBrief:
    return SurveyBrief(
        survey.id,
        survey.kind,
        survey.status,
        survey.title,
        survey.anonymous,
        survey.opens_at,
        survey.closes_at,
        questions,
    )


async def _touch(
    session: AsyncSession, actor: Actor, survey: Survey, what: str, now: datetime
) -> SurveyView:
    survey.version += 1
    audit.record(session, actor, f"survey.{what}", now, object_type="survey", object_id=survey.id)
    await session.flush()
    view = await _view(session, survey)
    await session.commit()
    return view


# ---------------------------------------------------------------- creating and editing


def _check_options(options: Sequence[str]) -> list[str]:
    cleaned = [check_title(o, max_len=TEXT_MAX, angles=True) for o in options]
    if len(cleaned) < OPTIONS_MIN:
        raise DomainError(ErrorCode.TOO_FEW_OPTIONS, min=OPTIONS_MIN)
    if len(cleaned) > OPTIONS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_OPTIONS, max=OPTIONS_MAX)
    return cleaned


def _check_question(kind: QuestionKind, text: str, options: Sequence[str]) -> tuple[str, list[str]]:
    value = check_title(text, max_len=TEXT_MAX, angles=True)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return value, _check_options(options)
    return value, []


async def _new(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    kind: SurveyKind,
    title: str,
    now: datetime,
    *,
    anonymous: bool,
    allow_other: bool = False,
    locale: str | None = None,
) -> Survey:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.SEND_SURVEYS, _scope(association))
    survey = Survey(
        author_id=actor.person_id,
        kind=kind,
        status=SurveyStatus.DRAFT,
        title=check_title(title, max_len=TEXT_MAX, angles=True),
        anonymous=anonymous,
        allow_other=allow_other,
        locale=locale or actor.locale or association.locale,
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    session.add(SurveyAudience(survey_id=survey.id, association_id=association.id))
    audit.record(
        session,
        actor,
        "survey.drafted",
        now,
        association_id=association.id,
        object_type="survey",
        object_id=survey.id,
        kind=kind.value,
    )
    return survey


@atomic
async def create_survey(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    title: str,
    now: datetime,
    *,
    anonymous: bool = False,
    locale: str | None = None,
) -> SurveyView:
    """An empty questionnaire draft for an association's members (the audience can widen)."""
    survey = await _new(
        session,
        actor,
        association_id,
        SurveyKind.SURVEY,
        title,
        now,
        anonymous=anonymous,
        locale=locale,
    )
    view = await _view(session, survey)
    await session.commit()
    return view


@atomic
async def create_from_template(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    key: str,
    translate: Translate,
    now: datetime,
    *,
    locale: str | None = None,
) -> SurveyView:
    """A questionnaire draft from a built-in template, its texts rendered by `translate` (the
    author's language); editable before it is sent."""
    template = TEMPLATES.get(key)
    if template is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    survey = await _new(
        session,
        actor,
        association_id,
        SurveyKind.SURVEY,
        translate(template.title),
        now,
        anonymous=template.anonymous,
        locale=locale,
    )
    for position, q in enumerate(template.questions, start=1):
        text, options = _check_question(
            q.kind, translate(q.text), [translate(o) for o in q.options]
        )
        session.add(
            SurveyQuestion(
                survey_id=survey.id,
                position=position,
                kind=q.kind,
                text=text,
                required=q.required,
                options=options,
            )
        )
    await session.flush()
    view = await _view(session, survey)
    await session.commit()
    return view


@atomic
async def create_poll(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    question: str,
    options: Sequence[str],
    now: datetime,
    *,
    multiple: bool = False,
    allow_other: bool = False,
    anonymous: bool = False,
    locale: str | None = None,
) -> SurveyView:
    """A quick poll: one question, 2-10 options, single or multiple choice, optionally
    «другое» with a text. A draft: `open_survey` sends it."""
    kind = QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE
    text, cleaned = _check_question(kind, question, options)
    survey = await _new(
        session,
        actor,
        association_id,
        SurveyKind.POLL,
        text,
        now,
        anonymous=anonymous,
        allow_other=allow_other,
        locale=locale,
    )
    session.add(
        SurveyQuestion(survey_id=survey.id, position=1, kind=kind, text=text, options=cleaned)
    )
    await session.flush()
    view = await _view(session, survey)
    await session.commit()
    return view


@atomic
async def get(session: AsyncSession, actor: Actor, survey_id: int) -> SurveyView:
    """The survey as its author edits or follows it."""
    await read_only(session)
    survey, _aud = await _managed(session, actor, survey_id)
    view = await _view(session, survey)
    await session.commit()
    return view


@atomic
async def load(session: AsyncSession, survey_id: int) -> SurveyView:
    """For the sender (invitations, reminders): the survey without anyone's rights."""
    await read_only(session)
    view = await _view(session, await _survey(session, survey_id))
    await session.commit()
    return view


async def _renumber(session: AsyncSession, ordered: list[SurveyQuestion]) -> None:
    """Positions 1…n in this order, through negative ones: (survey, position) is unique."""
    for n, q in enumerate(ordered, start=1):
        q.position = -n
    await session.flush()
    for n, q in enumerate(ordered, start=1):
        q.position = n
    await session.flush()


def _at(questions: list[SurveyQuestion], position: int) -> SurveyQuestion:
    for q in questions:
        if q.position == position:
            return q
    raise DomainError(ErrorCode.NOT_FOUND)


@atomic
async def add_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    kind: QuestionKind,
    text: str,
    now: datetime,
    *,
    options: Sequence[str] = (),
    required: bool = True,
) -> SurveyView:
    """A question at the end of a questionnaire (a poll keeps its one question)."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    questions = await _questions(session, survey.id)
    limit = 1 if survey.kind is SurveyKind.POLL else QUESTIONS_MAX
    if len(questions) >= limit:
        raise DomainError(ErrorCode.TOO_MANY_QUESTIONS, max=limit)
    value, cleaned = _check_question(kind, text, options)
    session.add(
        SurveyQuestion(
            survey_id=survey.id,
            position=len(questions) + 1,
            kind=kind,
            text=value,
            required=required,
            options=cleaned,
        )
    )
    return await _touch(session, actor, survey, "question_added", now)


@atomic
async def update_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    position: int,
    now: datetime,
    *,
    text: str | None = None,
    kind: QuestionKind | None = None,
    options: Sequence[str] | None = None,
    required: bool | None = None,
) -> SurveyView:
    """Change a question's text, type, options or whether it is required."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    question = _at(await _questions(session, survey.id), position)
    new_kind = kind or question.kind
    if survey.kind is SurveyKind.POLL and new_kind not in (
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
    ):
        raise DomainError(ErrorCode.BAD_OPTION)
    value, cleaned = _check_question(
        new_kind,
        question.text if text is None else text,
        list(question.options or ()) if options is None else options,
    )
    question.kind, question.text, question.options = new_kind, value, cleaned
    if required is not None:
        question.required = required
    if survey.kind is SurveyKind.POLL:
        survey.title = value
    return await _touch(session, actor, survey, "question_changed", now)


@atomic
async def remove_question(
    session: AsyncSession, actor: Actor, survey_id: int, version: int, position: int, now: datetime
) -> SurveyView:
    survey, _aud = await _editable(session, actor, survey_id, version)
    questions = await _questions(session, survey.id)
    question = _at(questions, position)
    if survey.kind is SurveyKind.POLL:
        raise DomainError(ErrorCode.NO_QUESTIONS)
    await session.delete(question)
    await session.flush()
    await _renumber(session, [q for q in questions if q is not question])
    return await _touch(session, actor, survey, "question_removed", now)


@atomic
async def move_question(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    position: int,
    to: int,
    now: datetime,
) -> SurveyView:
    """Put the question at `position` at `to` (1…n); the others keep their order."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    questions = await _questions(session, survey.id)
    question = _at(questions, position)
    if not 1 <= to <= len(questions):
        raise DomainError(ErrorCode.NOT_FOUND)
    ordered = [q for q in questions if q is not question]
    ordered.insert(to - 1, question)
    await _renumber(session, ordered)
    return await _touch(session, actor, survey, "question_moved", now)


@atomic
async def set_settings(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    title: str | None = None,
    anonymous: bool | None = None,
    allow_other: bool | None = None,
) -> SurveyView:
    """Title (a questionnaire's), anonymous or named, «другое» allowed in choices."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    if title is not None and survey.kind is SurveyKind.SURVEY:
        survey.title = check_title(title, max_len=TEXT_MAX, angles=True)
    if anonymous is not None:
        survey.anonymous = anonymous
    if allow_other is not None:
        survey.allow_other = allow_other
    return await _touch(session, actor, survey, "settings", now)


@atomic
async def set_schedule(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> SurveyView:
    """When answers are accepted: from `opens_at` (None or past: as soon as it is sent)
    until `closes_at` (None: until the author closes it; no reminders then)."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    if opens_at is not None and opens_at <= now:
        opens_at = None
    if closes_at is not None:
        if closes_at <= now:
            raise DomainError(ErrorCode.DATE_IN_PAST)
        if opens_at is not None and closes_at <= opens_at:
            raise DomainError(ErrorCode.BAD_DATE)
    survey.opens_at, survey.closes_at = opens_at, closes_at
    return await _touch(session, actor, survey, "schedule", now)


@atomic
async def set_audience(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    version: int,
    now: datetime,
    *,
    association_ids: Sequence[int] = (),
    service_id: int | None = None,
) -> SurveyView:
    """Who receives it: the members of these associations (SEND_SURVEYS on each; the first
    gives time zone and sending window), or with `service_id` every association of a
    methodological service (its methodists and admins)."""
    survey, _aud = await _editable(session, actor, survey_id, version)
    if service_id is not None:
        if not (actor.is_admin or service_id in actor.methodist_services):
            raise DomainError(ErrorCode.FORBIDDEN)
        chosen = list(
            (
                await session.scalars(
                    select(Association)
                    .where(Association.service_id == service_id)
                    .order_by(Association.id)
                )
            ).all()
        )
    else:
        chosen = []
        for association_id in dict.fromkeys(association_ids):
            association = await session.get(Association, association_id)
            if association is None:
                raise DomainError(ErrorCode.NOT_FOUND)
            chosen.append(association)
    if not chosen:
        raise DomainError(ErrorCode.NO_RECIPIENTS)
    for association in chosen:
        require(actor, Action.SEND_SURVEYS, _scope(association))
    await session.execute(delete(SurveyAudience).where(SurveyAudience.survey_id == survey.id))
    for association in chosen:
        session.add(SurveyAudience(survey_id=survey.id, association_id=association.id))
    return await _touch(session, actor, survey, "audience", now)


# ---------------------------------------------------------------- opening and closing


def reminder_times(
    start: datetime, closes_at: datetime, association: Association, now: datetime
) -> list[tuple[int, datetime]]:
    """(stage, due) of the reminders: stage 1 two days before closing, stage 2 on the last
    (local) day, each moved into the sending window; one that would come within 12 hours of
    the invitation or of the later reminder, or not before closing, is left out."""
    tz = association.timezone
    window = (association.send_from_minute, association.send_until_minute)
    last_day = deadlines.local_day(closes_at - timedelta(microseconds=1), tz)
    last = min(deadlines.at_local(last_day, REMIND_AT, tz), closes_at - timedelta(hours=2))
    planned: list[tuple[int, datetime]] = []
    for stage, moment in ((2, last), (1, closes_at - REMIND_BEFORE)):
        due = outbox.reminder_due(moment, now, tz, *window, event=closes_at)
        if due < start + REMIND_GAP or due >= closes_at:
            continue
        if planned and due > planned[0][1] - REMIND_GAP:
            continue
        planned.append((stage, due))
    return sorted(planned, key=lambda p: p[1])


@atomic
async def open_survey(
    session: AsyncSession, actor: Actor, survey_id: int, version: int, now: datetime
) -> Opened:
    """Send it: every active member of the audience becomes a recipient and gets an
    invitation (at `opens_at` if later), and reminders are planned before closing. The
    questions are frozen from now on."""
    survey, audience = await _editable(session, actor, survey_id, version)
    if not await _questions(session, survey.id):
        raise DomainError(ErrorCode.NO_QUESTIONS)
    if survey.closes_at is not None and survey.closes_at <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    people = list(
        (
            await session.scalars(
                select(Membership.person_id)
                .where(Membership.association_id.in_([a.id for a in audience]), Membership.active)
                .distinct()
                .order_by(Membership.person_id)
            )
        ).all()
    )
    if not people:
        raise DomainError(ErrorCode.NO_RECIPIENTS)
    start = max(now, survey.opens_at or now)
    survey.status = SurveyStatus.OPEN
    survey.opens_at = start
    survey.version += 1
    for at in range(0, len(people), _CHUNK):
        await session.execute(
            insert(SurveyRecipient),
            [{"survey_id": survey.id, "person_id": p} for p in people[at : at + _CHUNK]],
        )
    rows = [
        outbox.Outgoing(
            kind=INVITE,
            dedupe_key=f"survey:{survey.id}:invite:{person}",
            group_key=group_key(survey.id),
            due_at=start,
            params={"survey_id": survey.id},
            person_id=person,
        )
        for person in people
    ]
    reminders: list[tuple[int, datetime]] = []
    if survey.closes_at is not None:
        reminders = reminder_times(start, survey.closes_at, audience[0], now)
    for stage, due in reminders:
        rows.extend(
            outbox.Outgoing(
                kind=REMINDER,
                dedupe_key=f"survey:{survey.id}:remind:{stage}:{person}",
                group_key=group_key(survey.id),
                due_at=due,
                params={"survey_id": survey.id, "stage": stage},
                person_id=person,
            )
            for person in people
        )
    await outbox.enqueue(session, rows)
    audit.record(
        session,
        actor,
        "survey.opened",
        now,
        association_id=audience[0].id,
        object_type="survey",
        object_id=survey.id,
        recipients=len(people),
    )
    await session.flush()
    view = await _view(session, survey)
    await session.commit()
    return Opened(view, len(people), tuple(due for _stage, due in reminders))


async def _close(session: AsyncSession, survey: Survey, now: datetime) -> None:
    """Closed: no more answers; unfinished drafts are deleted (answers never sent are not
    kept) and the invitations and reminders still waiting are cancelled."""
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    survey.version += 1
    await session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey.id))
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.group_key == group_key(survey.id),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
    )
    await session.flush()


@atomic
async def close(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> SurveyView:
    """The author closes it before (or without) its closing time."""
    survey, audience = await _managed(session, actor, survey_id, lock=True)
    if survey.status is SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_NOT_OPEN)
    if survey.status is SurveyStatus.CLOSED:
        raise DomainError(ErrorCode.SURVEY_CLOSED)
    await _close(session, survey, now)
    audit.record(
        session,
        actor,
        "survey.closed",
        now,
        association_id=audience[0].id if audience else None,
        object_type="survey",
        object_id=survey.id,
    )
    view = await _view(session, survey)
    await session.commit()
    return view


@atomic
async def close_due(session: AsyncSession, now: datetime) -> list[int]:
    """For the scheduler: close every open survey whose closing time has come."""
    due = list(
        (
            await session.scalars(
                select(Survey)
                .where(
                    Survey.status == SurveyStatus.OPEN,
                    Survey.closes_at.is_not(None),
                    Survey.closes_at <= now,
                )
                .order_by(Survey.id)
                .with_for_update()
            )
        ).all()
    )
    for survey in due:
        await _close(session, survey, now)
        audit.record(session, None, "survey.closed", now, object_type="survey", object_id=survey.id)
    await session.commit()
    return [s.id for s in due]


# ---------------------------------------------------------------- answering


def _accepting(survey: Survey, now: datetime) -> ErrorCode | None:
    if survey.status is SurveyStatus.CLOSED or (
        survey.closes_at is not None and now >= survey.closes_at
    ):
        return ErrorCode.SURVEY_CLOSED
    if survey.status is SurveyStatus.DRAFT or (survey.opens_at and now < survey.opens_at):
        return ErrorCode.SURVEY_NOT_OPEN
    return None


async def _answering(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    now: datetime,
    *,
    write: bool,
) -> tuple[Survey, SurveyRecipient | None]:
    """The survey for someone who may answer it: a recipient, or a member of its audience
    who joined after it was sent (made a recipient when `write`). Raises unless it accepts
    answers now and the person has not finished."""
    survey = await _survey(session, survey_id)
    if actor.person_id is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    audience = await _audience(session, survey.id)
    member = any(
        decide(actor, Action.PARTICIPATE, _scope(a)) is not Decision.DENY for a in audience
    )
    recipient = await _recipient(session, survey.id, actor.person_id, lock=write)
    if not member or (recipient is None and survey.status is not SurveyStatus.OPEN):
        raise DomainError(ErrorCode.FORBIDDEN)
    refused = _accepting(survey, now)
    if refused is not None:
        raise DomainError(refused)
    if recipient is None and write:
        await session.execute(
            outbox.insert_for(session)(SurveyRecipient)
            .values(survey_id=survey.id, person_id=actor.person_id)
            .on_conflict_do_nothing(index_elements=["survey_id", "person_id"])
        )
        recipient = await _recipient(session, survey.id, actor.person_id, lock=True)
    if recipient is not None and recipient.finished:
        raise DomainError(ErrorCode.ALREADY_FINISHED)
    return survey, recipient


async def _recipient(
    session: AsyncSession, survey_id: int, person_id: int, *, lock: bool
) -> SurveyRecipient | None:
    statement = select(SurveyRecipient).where(
        SurveyRecipient.survey_id == survey_id, SurveyRecipient.person_id == person_id
    )
    if lock:
        statement = statement.with_for_update()
    found: SurveyRecipient | None = await session.scalar(statement)
    return found


async def _draft(
    session: AsyncSession, survey_id: int, person_id: int, *, create: bool
) -> SurveyDraft | None:
    if create:
        await session.execute(
            outbox.insert_for(session)(SurveyDraft)
            .values(survey_id=survey_id, person_id=person_id, answers={}, position=1)
            .on_conflict_do_nothing(index_elements=["survey_id", "person_id"])
        )
    statement = select(SurveyDraft).where(
        SurveyDraft.survey_id == survey_id, SurveyDraft.person_id == person_id
    )
    if create:
        statement = statement.with_for_update()
    found: SurveyDraft | None = await session.scalar(statement)
    return found


def _check_answer(question: SurveyQuestion, allow_other: bool, answer: Answer) -> Answer:
    """The answer as it will be kept, or a DomainError saying what is wrong with it."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if answer.scale is not None or answer.text is not None:
            raise DomainError(ErrorCode.BAD_OPTION)
        count = len(question.options or ())
        chosen = tuple(sorted(set(answer.options)))
        if any(not 0 <= i < count for i in chosen):
            raise DomainError(ErrorCode.BAD_OPTION)
        other = None
        if answer.other is not None:
            if not allow_other:
                raise DomainError(ErrorCode.BAD_OPTION)
            other = check_title(answer.other, max_len=TEXT_MAX, angles=True)
        given = len(chosen) + (other is not None)
        if given == 0 or (kind is QuestionKind.SINGLE and given > 1):
            raise DomainError(ErrorCode.BAD_OPTION)
        return Answer(options=chosen, other=other)
    if answer.options or answer.other is not None:
        raise DomainError(ErrorCode.BAD_OPTION)
    if kind is QuestionKind.SCALE:
        if answer.text is not None or answer.scale is None:
            raise DomainError(ErrorCode.SCALE_RANGE, min=SCALE_MIN, max=SCALE_MAX)
        if isinstance(answer.scale, bool) or not SCALE_MIN <= answer.scale <= SCALE_MAX:
            raise DomainError(ErrorCode.SCALE_RANGE, min=SCALE_MIN, max=SCALE_MAX)
        return Answer(scale=int(answer.scale))
    if answer.scale is not None:
        raise DomainError(ErrorCode.BAD_OPTION)
    if kind is QuestionKind.SHORT:
        return Answer(text=check_title(answer.text, max_len=TEXT_MAX, angles=True))
    return Answer(text=check_text(answer.text, max_len=LONG_MAX, angles=True))


def _progress(
    survey: Survey,
    questions: list[SurveyQuestion],
    answers: dict[str, Any],
    finished: bool,
    now: datetime,
) -> Progress:
    pending = [q.position for q in questions if str(q.id) not in answers]
    return Progress(
        survey_id=survey.id,
        total=len(questions),
        answered=sum(1 for q in questions if answers.get(str(q.id)) is not None),
        next_position=None if finished or not pending else pending[0],
        finished=finished,
        accepting=_accepting(survey, now) is None,
    )


async def _record(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    position: int,
    answer: Answer | None,
    now: datetime,
) -> tuple[Survey, list[SurveyQuestion], SurveyDraft]:
    """Keep one answer (None: skipped) in the person's draft."""
    assert actor.person_id is not None
    survey, _rec = await _answering(session, actor, survey_id, now, write=True)
    questions = await _questions(session, survey.id)
    question = _at(questions, position)
    if answer is None:
        if question.required:
            raise DomainError(ErrorCode.ANSWER_REQUIRED, position=position)
        kept = None
    else:
        kept = _check_answer(question, survey.allow_other, answer).to_json()
    draft = await _draft(session, survey.id, actor.person_id, create=True)
    assert draft is not None
    answers = {**(draft.answers or {}), str(question.id): kept}
    draft.answers = answers
    pending = [q.position for q in questions if str(q.id) not in answers]
    draft.position = pending[0] if pending else position
    await session.flush()
    return survey, questions, draft


@atomic
async def answer(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    position: int,
    value: Answer,
    now: datetime,
) -> Progress:
    """Keep the answer to question `position` (again after «Назад»: it replaces the earlier
    one) and say where to go next."""
    survey, questions, draft = await _record(session, actor, survey_id, position, value, now)
    progress = _progress(survey, questions, draft.answers, False, now)
    await session.commit()
    return progress


@atomic
async def skip(
    session: AsyncSession, actor: Actor, survey_id: int, position: int, now: datetime
) -> Progress:
    """«Пропустить» an optional question (a required one: ANSWER_REQUIRED)."""
    survey, questions, draft = await _record(session, actor, survey_id, position, None, now)
    progress = _progress(survey, questions, draft.answers, False, now)
    await session.commit()
    return progress


@atomic
async def progress(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> Progress:
    """Where this person stands: to resume at `next_position`, «3 из 8», or finished."""
    await read_only(session)
    survey = await _survey(session, survey_id)
    if actor.person_id is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    audience = await _audience(session, survey.id)
    member = any(
        decide(actor, Action.PARTICIPATE, _scope(a)) is not Decision.DENY for a in audience
    )
    recipient = await _recipient(session, survey.id, actor.person_id, lock=False)
    if recipient is None and not (member and survey.status is SurveyStatus.OPEN):
        raise DomainError(ErrorCode.FORBIDDEN)
    questions = await _questions(session, survey.id)
    draft = await _draft(session, survey.id, actor.person_id, create=False)
    finished = recipient is not None and recipient.finished
    found = _progress(survey, questions, draft.answers if draft else {}, finished, now)
    await session.commit()
    return found


@atomic
async def step(
    session: AsyncSession, actor: Actor, survey_id: int, position: int, now: datetime
) -> Step:
    """Question `position` to show, with the answer given before, if any. «Назад» is the
    step at `position - 1`; resuming is the step at `progress(…).next_position`."""
    await read_only(session)
    survey, _rec = await _answering(session, actor, survey_id, now, write=False)
    assert actor.person_id is not None
    questions = await _questions(session, survey.id)
    question = _at(questions, position)
    draft = await _draft(session, survey.id, actor.person_id, create=False)
    answers = draft.answers if draft else {}
    key = str(question.id)
    given = answers.get(key)
    found = Step(
        survey_id=survey.id,
        title=survey.title,
        question=_question_view(question),
        position=position,
        total=len(questions),
        allow_other=survey.allow_other,
        current=Answer.from_json(given) if given is not None else None,
        skipped=key in answers and given is None,
        closes_at=survey.closes_at,
    )
    await session.commit()
    return found


def response_id() -> int:
    """A random positive 63-bit id: unrelated to when, or by whom, a response was made."""
    return secrets.randbelow(2**63 - 1) + 1


async def _finish(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> Finished:
    assert actor.person_id is not None
    survey, recipient = await _answering(session, actor, survey_id, now, write=True)
    assert recipient is not None
    questions = await _questions(session, survey.id)
    draft = await _draft(session, survey.id, actor.person_id, create=False)
    answers = draft.answers if draft else {}
    for q in questions:
        if q.required and answers.get(str(q.id)) is None:
            raise DomainError(ErrorCode.ANSWER_REQUIRED, position=q.position)
    rid = response_id()
    await session.execute(
        insert(SurveyResponse).values(
            id=rid,
            survey_id=survey.id,
            person_id=None if survey.anonymous else actor.person_id,
        )
    )
    given = [
        {"response_id": rid, "question_id": q.id, "value": answers[str(q.id)]}
        for q in questions
        if answers.get(str(q.id)) is not None
    ]
    if given:
        await session.execute(insert(SurveyAnswer), given)
    if draft is not None:
        await session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft.id))
    recipient.finished = True
    await session.flush()
    if survey.anonymous and session.get_bind().dialect.name == "postgresql":
        await _reshuffle(session, survey.id)
    live = survey.kind is SurveyKind.POLL and not survey.anonymous
    return Finished(survey.id, survey.anonymous, survey.author_id, live)


async def _reshuffle(session: AsyncSession, survey_id: int) -> None:
    """PostgreSQL stamps every row with the transaction that wrote it (`xmin`) and appends
    new rows in order: the finishing transaction also marks the person finished, so a new
    response's `xmin` and place would name its author. Rewriting all of the survey's
    responses and answers in this transaction, in random order, gives them one `xmin` and
    a shuffled physical order (the old versions are dead tuples that VACUUM removes)."""
    responses = (
        await session.execute(
            select(SurveyResponse.id, SurveyResponse.person_id).where(
                SurveyResponse.survey_id == survey_id
            )
        )
    ).all()
    ids = [r.id for r in responses]
    answers = (
        await session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value).where(
                SurveyAnswer.response_id.in_(ids)
            )
        )
    ).all()
    await session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
    await session.execute(delete(SurveyResponse).where(SurveyResponse.id.in_(ids)))
    shuffle = random.SystemRandom().shuffle
    rows = [{"id": r.id, "survey_id": survey_id, "person_id": r.person_id} for r in responses]
    shuffle(rows)
    await session.execute(insert(SurveyResponse), rows)
    given = [
        {"response_id": a.response_id, "question_id": a.question_id, "value": a.value}
        for a in answers
    ]
    shuffle(given)
    for start in range(0, len(given), _CHUNK):
        await session.execute(insert(SurveyAnswer), given[start : start + _CHUNK])


@atomic
async def finish(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> Finished:
    """«Завершить»: every required question must be answered (else ANSWER_REQUIRED with the
    first one's position). In one transaction the draft becomes a response under a random
    id, without a time, and — anonymous — without the person; the draft is deleted and only
    "finished" is kept."""
    found = await _finish(session, actor, survey_id, now)
    await session.commit()
    return found


@atomic
async def vote(
    session: AsyncSession, actor: Actor, survey_id: int, value: Answer, now: datetime
) -> Finished:
    """A poll's one answer and its finish, in one transaction."""
    await _record(session, actor, survey_id, 1, value, now)
    found = await _finish(session, actor, survey_id, now)
    await session.commit()
    return found


# ---------------------------------------------------------------- lists


@atomic
async def open_for(session: AsyncSession, actor: Actor, now: datetime) -> list[SurveyBrief]:
    """Surveys this person was sent, open now and not finished (the menu's «Опросы»)."""
    await read_only(session)
    if actor.person_id is None:
        await session.commit()
        return []
    counts = (
        select(SurveyQuestion.survey_id, func.count().label("n"))
        .group_by(SurveyQuestion.survey_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Survey, counts.c.n)
            .join(SurveyRecipient, SurveyRecipient.survey_id == Survey.id)
            .join(counts, counts.c.survey_id == Survey.id)
            .where(
                SurveyRecipient.person_id == actor.person_id,
                SurveyRecipient.finished.is_(False),
                Survey.status == SurveyStatus.OPEN,
            )
            .order_by(Survey.id)
        )
    ).all()
    found = [_brief(s, n) for s, n in rows if _accepting(s, now) is None]
    await session.commit()
    return found


@atomic
async def mine(session: AsyncSession, actor: Actor, limit: int = 20) -> list[SurveyBrief]:
    """The surveys this person wrote, newest first."""
    await read_only(session)
    if actor.person_id is None:
        await session.commit()
        return []
    counts = (
        select(SurveyQuestion.survey_id, func.count().label("n"))
        .group_by(SurveyQuestion.survey_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Survey, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.survey_id == Survey.id)
            .where(Survey.author_id == actor.person_id)
            .order_by(Survey.id.desc())
            .limit(limit)
        )
    ).all()
    found = [_brief(s, int(n)) for s, n in rows]
    await session.commit()
    return found


# ---------------------------------------------------------------- results


def _percent(count: int, of: int) -> float:
    return round(100 * count / of, 1) if of else 0.0


async def _compute(session: AsyncSession, survey: Survey, received: int) -> Results:
    questions = await _questions(session, survey.id)
    responses = (
        await session.execute(
            select(SurveyResponse.id, Person.full_name)
            .outerjoin(Person, Person.id == SurveyResponse.person_id)
            .where(SurveyResponse.survey_id == survey.id)
            # Anonymous: the random ids give an order that says nothing about who or when.
            .order_by(
                SurveyResponse.id if survey.anonymous else Person.full_name, SurveyResponse.id
            )
        )
    ).all()
    values: dict[tuple[int, int], dict[str, Any]] = {
        (rid, qid): value
        for rid, qid, value in (
            await session.execute(
                select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value)
                .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                .where(SurveyResponse.survey_id == survey.id)
            )
        ).all()
    }
    recipients = await session.scalar(
        select(func.count())
        .select_from(SurveyRecipient)
        .where(SurveyRecipient.survey_id == survey.id)
    )
    results: list[QuestionResult] = []
    for q in questions:
        given = [
            Answer.from_json(values[(rid, q.id)]) for rid, _ in responses if (rid, q.id) in values
        ]
        options: tuple[OptionCount, ...] = ()
        other: tuple[str, ...] = ()
        texts: tuple[str, ...] = ()
        mean = None
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            labels = list(q.options or ())
            options = tuple(
                OptionCount(label, n, _percent(n, len(given)))
                for i, label in enumerate(labels)
                for n in [sum(1 for a in given if i in a.options)]
            )
            other = tuple(a.other for a in given if a.other is not None)
        elif q.kind is QuestionKind.SCALE:
            scores = [a.scale for a in given if a.scale is not None]
            options = tuple(
                OptionCount(str(v), n, _percent(n, len(given)))
                for v in range(SCALE_MIN, SCALE_MAX + 1)
                for n in [scores.count(v)]
            )
            mean = round(sum(scores) / len(scores), 2) if scores else None
        else:
            texts = tuple(a.text for a in given if a.text is not None)
        results.append(
            QuestionResult(
                q.position, q.kind.value, q.text, len(given), options, other, texts, mean
            )
        )
    rows = tuple(
        ResponseRow(
            number=n,
            name=None if survey.anonymous else (name or "—"),
            cells=tuple(_cell(q, values.get((rid, q.id))) for q in questions),
        )
        for n, (rid, name) in enumerate(responses, start=1)
    )
    return Results(
        survey_id=survey.id,
        kind=survey.kind.value,
        title=survey.title,
        anonymous=survey.anonymous,
        locale=survey.locale,
        closed=survey.status is SurveyStatus.CLOSED,
        hidden=False,
        responses=len(responses),
        received=received,
        recipients=int(recipients or 0),
        questions=tuple(results),
        rows=rows,
    )


def _cell(question: SurveyQuestion, value: dict[str, Any] | None) -> str:
    if value is None:
        return ""
    given = Answer.from_json(value)
    if question.kind is QuestionKind.SCALE:
        return str(given.scale)
    if question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
        return given.text or ""
    labels = list(question.options or ())
    parts = [labels[i] for i in given.options if 0 <= i < len(labels)]
    if given.other is not None:
        parts.append(given.other)
    return "; ".join(parts)


@atomic
async def results(session: AsyncSession, actor: Actor, survey_id: int) -> Results:
    """For the author: counts and % per option and scale value, free texts, one row per
    response (for the XLSX). A named survey: live. An anonymous one: `hidden` below 3
    responses; after that the figures change only once the survey has closed or 3 more
    responses have come (the snapshot last shown is kept and returned meanwhile)."""
    survey, _aud = await _managed(session, actor, survey_id, lock=True)
    received = int(
        await session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
        )
        or 0
    )
    closed = survey.status is SurveyStatus.CLOSED
    if not survey.anonymous:
        found = await _compute(session, survey, received)
        await session.commit()
        return found
    if received < ANONYMITY_MIN:
        recipients = await session.scalar(
            select(func.count())
            .select_from(SurveyRecipient)
            .where(SurveyRecipient.survey_id == survey.id)
        )
        await session.commit()
        return Results(
            survey_id=survey.id,
            kind=survey.kind.value,
            title=survey.title,
            anonymous=True,
            locale=survey.locale,
            closed=closed,
            hidden=True,
            responses=0,
            received=received,
            recipients=int(recipients or 0),
            questions=(),
            rows=(),
        )
    shown = survey.results_shown_count
    snapshot = survey.results_snapshot
    if (
        snapshot is None
        or received >= shown + ANONYMITY_MIN
        or (closed and (received != shown or not snapshot.get("closed")))
    ):
        found = await _compute(session, survey, received)
        survey.results_snapshot = found.to_json()
        survey.results_shown_count = received
        await session.flush()
        await session.commit()
        return found
    kept = Results.from_json(snapshot)
    await session.commit()
    return Results.from_json({**kept.to_json(), "received": received})


# ---------------------------------------------------------------- the sender


async def unwanted(session: AsyncSession, rows: list[Any]) -> set[int]:
    """Claimed survey rows no longer wanted: any once the survey has closed, once the
    person has finished it, or once they have left its audience (closing also cancels the
    rows still pending)."""
    mine_ = [r for r in rows if r.kind in KINDS and "survey_id" in r.params]
    survey_ids = {int(r.params["survey_id"]) for r in mine_}
    if not survey_ids:
        return set()
    surveys = {
        sid: status
        for sid, status in (
            await session.execute(select(Survey.id, Survey.status).where(Survey.id.in_(survey_ids)))
        ).all()
    }
    people = {r.person_id for r in mine_ if r.person_id is not None}
    finished = {
        (sid, pid)
        for sid, pid in (
            await session.execute(
                select(SurveyRecipient.survey_id, SurveyRecipient.person_id).where(
                    SurveyRecipient.survey_id.in_(survey_ids),
                    SurveyRecipient.person_id.in_(people),
                    SurveyRecipient.finished,
                )
            )
        ).all()
    }
    # Still in the audience: an active member of one of the survey's associations.
    members = {
        (sid, pid)
        for sid, pid in (
            await session.execute(
                select(SurveyAudience.survey_id, Membership.person_id)
                .join(Membership, Membership.association_id == SurveyAudience.association_id)
                .where(
                    SurveyAudience.survey_id.in_(survey_ids),
                    Membership.person_id.in_(people),
                    Membership.active,
                )
            )
        ).all()
    }
    drop: set[int] = set()
    for row in mine_:
        sid = int(row.params["survey_id"])
        found = surveys.get(sid)
        pair = (sid, row.person_id)
        if found is not SurveyStatus.OPEN or pair in finished or pair not in members:
            drop.add(row.id)
    await session.commit()
    return drop


# ---------------------------------------------------------------- a named poll's live card


@dataclass(frozen=True)
class LiveCard:
    survey_id: int
    chat_id: int
    message_id: int
    text: str | None
    at: datetime | None
    locale: str


@atomic
async def set_card(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: datetime,
) -> None:
    """The author's results message of a named poll, to be kept up to date."""
    survey, _aud = await _managed(session, actor, survey_id, lock=True)
    survey.card_chat_id, survey.card_message_id = chat_id, message_id
    survey.card_text, survey.card_at = text, now
    await session.commit()


@atomic
async def live_cards(session: AsyncSession) -> list[LiveCard]:
    """Named polls whose results card may need an edit: open ones, and those closed since
    their card was last edited."""
    await read_only(session)
    rows = (
        await session.scalars(
            select(Survey).where(
                Survey.kind == SurveyKind.POLL,
                Survey.anonymous.is_(False),
                Survey.card_message_id.is_not(None),
                # open, or closed since its card was last edited (a last edit: «closed»)
                (Survey.status == SurveyStatus.OPEN)
                | (
                    (Survey.status == SurveyStatus.CLOSED)
                    & (Survey.card_at.is_(None) | (Survey.closed_at > Survey.card_at))
                ),
            )
        )
    ).all()
    found = [
        LiveCard(
            s.id,
            int(s.card_chat_id or 0),
            int(s.card_message_id or 0),
            s.card_text,
            s.card_at,
            s.locale,
        )
        for s in rows
    ]
    await session.commit()
    return found


@atomic
async def card_results(session: AsyncSession, survey_id: int) -> Results:
    """A named poll's figures for its live card (never an anonymous survey's)."""
    survey = await _survey(session, survey_id)
    if survey.anonymous:
        raise DomainError(ErrorCode.FORBIDDEN)
    received = int(
        await session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
        )
        or 0
    )
    found = await _compute(session, survey, received)
    await session.commit()
    return found


@atomic
async def record_card(session: AsyncSession, survey_id: int, text: str, now: datetime) -> None:
    await session.execute(
        update(Survey).where(Survey.id == survey_id).values(card_text=text, card_at=now)
    )
    await session.commit()


@atomic
async def brief(session: AsyncSession, actor: Actor, survey_id: int) -> SurveyBrief:
    """The survey's title and kind, for someone who may answer it or its author."""
    await read_only(session)
    survey = await _survey(session, survey_id)
    audience = await _audience(session, survey.id)
    allowed = survey.author_id == actor.person_id or any(
        decide(actor, Action.PARTICIPATE, _scope(a)) is not Decision.DENY for a in audience
    )
    if actor.person_id is None or not allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    questions = len(await _questions(session, survey.id))
    found = _brief(survey, questions)
    await session.commit()
    return found


@atomic
async def discard(session: AsyncSession, actor: Actor, survey_id: int, now: datetime) -> None:
    """The author drops a draft that was never sent."""
    survey, _aud = await _managed(session, actor, survey_id, lock=True)
    if survey.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    await session.delete(survey)
    audit.record(session, actor, "survey.discarded", now, object_type="survey", object_id=survey_id)
    await session.commit()


@atomic
async def zones(session: AsyncSession, survey_ids: Sequence[int]) -> dict[int, str]:
    """Each survey's time zone: its first audience association's (dates are shown in it)."""
    await read_only(session)
    found: dict[int, str] = {}
    if survey_ids:
        rows = await session.execute(
            select(SurveyAudience.survey_id, Association.timezone)
            .join(Association, Association.id == SurveyAudience.association_id)
            .where(SurveyAudience.survey_id.in_(list(survey_ids)))
            .order_by(SurveyAudience.survey_id, Association.id)
        )
        for survey_id, zone in rows.all():
            found.setdefault(int(survey_id), zone)
    await session.commit()
    return found
