"""What the surveys keep about one person, for /mydata (152-ФЗ): every survey and poll they
were sent and whether they finished it, their named answers, the answers they keep in a
survey not finished yet, the school and subject a named needs response keeps, and the
surveys they wrote. A finished anonymous response is
linked to nobody (DOMAIN.md): only "finished" is kept about the person, and that is listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import SurveyQuestion, SurveyResponse
from services.surveys import queries
from services.surveys.tallies import cell
from services.surveys.yearend import reports_of
from services.tx import reads


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _answer(question: SurveyQuestion, value: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "question": question.text,
        "answer": cell(question, value) if value is not None else None,  # None: skipped
    }


@reads
async def personal_data(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """`surveys`: those sent to the person (answers: named ones, or those kept while
    answering); `year_end_reports`: their year-end reports (courses, experience, contests…);
    `surveys_written`: those they wrote."""
    sent = (await session.execute(queries.sent_to(person_id))).all()
    named: dict[int, list[dict[str, Any]]] = {}
    for survey_id, question, value in (
        await session.execute(queries.named_answers(person_id))
    ).all():
        named.setdefault(survey_id, []).append(_answer(question, value))
    groups = {sid: (school, subject) for sid, school, subject in
              (await session.execute(queries.named_groups(person_id))).all()}  # fmt: skip
    drafts = {d.survey_id: d for d in (await session.scalars(queries.drafts_of(person_id))).all()}
    questions: dict[int, list[SurveyQuestion]] = {}
    for q in (await session.scalars(queries.questions_in(drafts))).all():
        questions.setdefault(q.survey_id, []).append(q)
    surveys = []
    for survey, finished in sent:
        draft = drafts.get(survey.id)
        kept = (
            [
                _answer(q, draft.answers[str(q.id)])
                for q in questions.get(survey.id, [])
                if str(q.id) in (draft.answers or {})
            ]
            if draft is not None
            else []
        )
        surveys.append(
            {
                "title": survey.title,
                "kind": survey.kind.value,
                "anonymous": survey.anonymous,
                "status": survey.status.value,
                "finished": finished,
                "answers": named.get(survey.id, []),
                **(
                    {"school": groups[survey.id][0], "subject": groups[survey.id][1]}
                    if survey.id in groups
                    else {}
                ),
                "answers_not_sent_yet": kept,
            }
        )
    written = (await session.execute(queries.written_by(person_id, limit=10_000))).all()
    return {
        "surveys": surveys,
        "year_end_reports": await reports_of(session, person_id),
        "surveys_written": [
            {
                "title": s.title,
                "kind": s.kind.value,
                "anonymous": s.anonymous,
                "status": s.status.value,
                "created_at": _iso(s.created_at),
            }
            for s, _n in written
        ],
    }


async def forget_groups(session: AsyncSession, person_id: int) -> None:
    """/forget: the school and subject the person's named needs responses kept go too (their
    subject is the person's, cleared with the profile)."""
    await session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.person_id == person_id)
        .values(school_id=None, subject=None)
    )
