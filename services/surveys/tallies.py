"""Results for the author: counts and percentages, free texts, one row per response; the
anonymity rule (shown from 3 responses, then changed only every 3 more or at closing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import QuestionKind, Survey, SurveyQuestion, SurveyStatus
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import queries
from services.surveys.access import audience_of, load_survey, managed, questions_of, zone_of
from services.surveys.common import ANONYMITY_MIN, SCALE_MAX, SCALE_MIN
from services.surveys.views import Answer, OptionCount, QuestionResult, ResponseRow, Results
from services.tx import reads, writes


def percent(count: int, of: int) -> float:
    return round(100 * count / of, 1) if of else 0.0


def period(survey: Survey, timezone: str) -> str:
    """«01.12.2026 – 10.12.2026»: from its opening (or creation) to its closing, local."""

    def day(moment: datetime | None) -> str:
        if moment is None:
            return "…"
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")

    return (
        f"{day(survey.opens_at or survey.created_at)} – {day(survey.closed_at or survey.closes_at)}"
    )


async def compute(session: AsyncSession, survey: Survey, received: int) -> Results:
    questions = await questions_of(session, survey.id)
    audience = await audience_of(session, survey.id)
    responses = (
        await session.execute(queries.responses(survey.id, anonymous=survey.anonymous))
    ).all()
    values: dict[tuple[int, int], dict[str, Any]] = {
        (rid, qid): value
        for rid, qid, value in (await session.execute(queries.answer_values(survey.id))).all()
    }
    recipients = await session.scalar(queries.recipient_count(survey.id))
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
                OptionCount(label, n, percent(n, len(given)))
                for i, label in enumerate(labels)
                for n in [sum(1 for a in given if i in a.options)]
            )
            other = tuple(a.other for a in given if a.other is not None)
        elif q.kind is QuestionKind.SCALE:
            scores = [a.scale for a in given if a.scale is not None]
            options = tuple(
                OptionCount(str(v), n, percent(n, len(given)))
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
            cells=tuple(cell(q, values.get((rid, q.id))) for q in questions),
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
        period=period(survey, zone_of(audience)),
        audience=tuple(a.name for a in audience),
    )


def cell(question: SurveyQuestion, value: dict[str, Any] | None) -> str:
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


@writes
async def results(session: AsyncSession, actor: Actor, survey_id: int) -> Results:
    """For the author: counts and % per option and scale value, free texts, one row per
    response (for the XLSX). A named survey: live. An anonymous one: `hidden` below 3
    responses; after that the figures change only once the survey has closed or 3 more
    responses have come (the snapshot last shown is kept and returned meanwhile)."""
    survey, _aud = await managed(session, actor, survey_id, lock=True)
    received = int(await session.scalar(queries.response_count(survey.id)) or 0)
    closed = survey.status is SurveyStatus.CLOSED
    if not survey.anonymous:
        return await compute(session, survey, received)
    if received < ANONYMITY_MIN:
        recipients = await session.scalar(queries.recipient_count(survey.id))
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
        found = await compute(session, survey, received)
        survey.results_snapshot = found.to_json()
        survey.results_shown_count = received
        await session.flush()
        return found
    kept = Results.from_json(snapshot)
    return Results.from_json({**kept.to_json(), "received": received})


@reads
async def card_results(session: AsyncSession, survey_id: int) -> Results:
    """A named poll's figures for its live card (never an anonymous survey's)."""
    survey = await load_survey(session, survey_id)
    if survey.anonymous:
        raise DomainError(ErrorCode.FORBIDDEN)
    received = int(await session.scalar(queries.response_count(survey.id)) or 0)
    return await compute(session, survey, received)


@reads
async def figures(session: AsyncSession, survey_id: int) -> Results | None:
    """A survey's figures for another document (the annual analysis), keeping its anonymity
    rule: a named survey live; an anonymous one only from 3 responses, and while open only
    as last shown to its author (the snapshot), so no figure changes by one response; None
    when nothing may be shown."""
    survey = await load_survey(session, survey_id)
    received = int(await session.scalar(queries.response_count(survey.id)) or 0)
    if not survey.anonymous:
        return await compute(session, survey, received)
    if received < ANONYMITY_MIN:
        return None
    if survey.status is SurveyStatus.CLOSED:
        return await compute(session, survey, received)
    snapshot = survey.results_snapshot
    return None if snapshot is None else Results.from_json(snapshot)
