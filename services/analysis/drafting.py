"""What the chair writes (issue 16, item 3): the sections of the analysis the form leaves to
the chair, kept as drafts in the database (at most SECTION_MAX characters, no HTML), the
answer «меры … приняты», and the way to the methodists: submitted (with the approved plan),
accepted («принято») or returned «на доработку» with a comment the chair gets. The figures
are computed again each time they are read, until the analysis is submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AnalysisStatus, AnnualAnalysis, Association
from services import audit, outbox
from services.analysis import queries
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import reads, writes
from services.validation import check_text

SECTION_MAX = 4_000
COMMENT_MAX = 1_000
SUBMITTED = "analysis_submitted"  # to each methodist of the service; params {analysis_id, round}
DECIDED = "analysis_decided"  # to the chair who submitted it; params {analysis_id, round}
KINDS = (SUBMITTED, DECIDED)

# The sections the chair writes, in the form's order (their headings: documents.analysis).
SECTIONS = (
    "attendance",  # «Основные выводы по посещаемости, проблемы, пути решения»
    "unrealised",  # «Нереализованные задачи, темы, направления, нерешённые проблемы»
    "mastery",  # «Итоги работы … по совершенствованию профессионального мастерства …»
    "gifted",  # «Работа … с одарёнными детьми»
    "content",  # «Работа по обновлению содержания образования»
    "documents",  # the «Документы» column of the diagnostics table
    "partnership",  # «Социальное партнёрство»
    "openness",  # «Информационная открытость»
    "tasks",  # the tasks table: «Мероприятия … Результат … Продукт»
    "tasks_conclusions",  # «Выводы по реализации поставленных задач …»
    "conclusion",  # «Вывод»
    "recommendations",  # «Рекомендации»
    "proposals",  # «Предложения в план работы Управления образования …»
)


@dataclass(frozen=True)
class AnalysisState:
    """What is kept of a year's analysis (None: nothing written yet)."""

    id: int
    association_id: int
    school_year: int
    status: AnalysisStatus
    sections: dict[str, str]
    measures: bool | None
    version: int
    round: int
    comment: str | None
    submitted_at: datetime | None
    submitted_by_id: int | None

    @property
    def editable(self) -> bool:
        return self.status in (AnalysisStatus.DRAFT, AnalysisStatus.RETURNED)


def state_of(row: AnnualAnalysis) -> AnalysisState:
    return AnalysisState(
        id=row.id,
        association_id=row.association_id,
        school_year=row.school_year,
        status=row.status,
        sections=dict(row.sections or {}),
        measures=row.measures,
        version=row.version,
        round=row.round,
        comment=row.comment,
        submitted_at=row.submitted_at,
        submitted_by_id=row.submitted_by_id,
    )


async def association_for(
    session: AsyncSession, actor: Actor, association_id: int, action: Action
) -> Association:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, action, Scope(association.service_id, association.id))
    return association


async def kept(
    session: AsyncSession, association_id: int, year: int, *, lock: bool = False
) -> AnnualAnalysis | None:
    found: AnnualAnalysis | None = await session.scalar(
        queries.kept(association_id, year, lock=lock)
    )
    return found


async def editable(
    session: AsyncSession, actor: Actor, association_id: int, year: int, now: datetime
) -> AnnualAnalysis:
    """The year's analysis for the chair to change (made on the first change)."""
    await association_for(session, actor, association_id, Action.WRITE_ANALYSIS)
    row = await kept(session, association_id, year, lock=True)
    if row is None:
        row = AnnualAnalysis(
            association_id=association_id,
            school_year=year,
            status=AnalysisStatus.DRAFT,
            sections={},
            created_at=now,
        )
        session.add(row)
        await session.flush()
    if row.status is AnalysisStatus.SUBMITTED:
        raise DomainError(ErrorCode.ANALYSIS_SUBMITTED)
    if row.status is AnalysisStatus.ACCEPTED:
        raise DomainError(ErrorCode.ANALYSIS_ACCEPTED)
    return row


@reads
async def state(
    session: AsyncSession, actor: Actor, association_id: int, year: int
) -> AnalysisState | None:
    await association_for(session, actor, association_id, Action.VIEW_ANALYSIS)
    row = await kept(session, association_id, year)
    return None if row is None else state_of(row)


@writes
async def write_section(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    year: int,
    key: str,
    text: str,
    now: datetime,
) -> AnalysisState:
    """Keep the chair's text of one section (a draft until submitted)."""
    if key not in SECTIONS:
        raise DomainError(ErrorCode.ANALYSIS_SECTION)
    value = check_text(text, max_len=SECTION_MAX)
    row = await editable(session, actor, association_id, year, now)
    row.sections = {**(row.sections or {}), key: value}
    row.version += 1
    row.updated_at = now
    await session.flush()
    return state_of(row)


@writes
async def set_measures(
    session: AsyncSession, actor: Actor, association_id: int, year: int, value: bool, now: datetime
) -> AnalysisState:
    """«Меры, мероприятия, адресные рекомендации … для устранения выявленных дефицитов»."""
    row = await editable(session, actor, association_id, year, now)
    row.measures = value
    row.version += 1
    row.updated_at = now
    await session.flush()
    return state_of(row)


@writes
async def submit(
    session: AsyncSession, actor: Actor, association_id: int, year: int, now: datetime
) -> AnalysisState:
    """The chair submits the analysis (with the approved plan of the year, if any): each
    methodist of the service gets it, once per submission."""
    row = await editable(session, actor, association_id, year, now)
    association = await session.get_one(Association, association_id)
    row.status = AnalysisStatus.SUBMITTED
    row.round += 1
    row.submitted_at = now
    row.submitted_by_id = actor.person_id
    row.plan_id = await session.scalar(queries.approved_plan(association_id, year))
    row.comment = None
    row.decided_at = row.decided_by_id = None
    row.version += 1
    await session.flush()
    methodists = (await session.scalars(queries.methodists(association.service_id))).all()
    await outbox.fan_out(
        session,
        methodists,
        kind=SUBMITTED,
        group_key=keys.analysis_group(row.id),
        dedupe_key=lambda pid: keys.analysis_submitted(
            analysis_id=row.id, round=row.round, person_id=pid
        ),
        due_at=now,
        params={"analysis_id": row.id, "round": row.round},
    )
    audit.record(
        session,
        actor,
        "analysis.submitted",
        now,
        association_id=association_id,
        object_type="analysis",
        object_id=row.id,
        round=row.round,
    )
    return state_of(row)


@writes
async def review(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    year: int,
    accept: bool,
    comment: str | None,
    now: datetime,
    round: int | None = None,
) -> AnalysisState:
    """A methodist of the association's service: «принято», or «на доработку» with a
    comment (required); the chair who submitted it is told, once per submission. With
    `round` (a button's), a decision on another submission is refused, nothing changed."""
    association = await association_for(session, actor, association_id, Action.REVIEW_ANALYSIS)
    row = await kept(session, association_id, year, lock=True)
    if row is None or row.status is not AnalysisStatus.SUBMITTED:
        raise DomainError(ErrorCode.ANALYSIS_NOT_SUBMITTED)
    if round is not None and round != row.round:
        raise DomainError(ErrorCode.ANALYSIS_ROUND)
    text = None
    if comment is not None and comment.strip():
        text = check_text(comment, max_len=COMMENT_MAX)
    if not accept and text is None:
        raise DomainError(ErrorCode.ANALYSIS_COMMENT_REQUIRED)
    row.status = AnalysisStatus.ACCEPTED if accept else AnalysisStatus.RETURNED
    row.comment = text
    row.decided_at = now
    row.decided_by_id = actor.person_id
    row.version += 1
    await session.flush()
    if row.submitted_by_id is not None:
        await outbox.fan_out(
            session,
            [row.submitted_by_id],
            kind=DECIDED,
            group_key=keys.analysis_group(row.id),
            dedupe_key=lambda pid: keys.analysis_decided(
                analysis_id=row.id, round=row.round, person_id=pid
            ),
            due_at=now,
            params={"analysis_id": row.id, "round": row.round},
        )
    audit.record(
        session,
        actor,
        "analysis.accepted" if accept else "analysis.returned",
        now,
        association_id=association.id,
        object_type="analysis",
        object_id=row.id,
        round=row.round,
    )
    return state_of(row)


@reads
async def decision(session: AsyncSession, analysis_id: int) -> AnalysisState | None:
    """For the outbox: the analysis as it stands (None: gone)."""
    row = await session.get(AnnualAnalysis, analysis_id)
    return None if row is None else state_of(row)


@dataclass(frozen=True)
class Rights:
    write: bool  # the chair's sections, «меры», submitting
    review: bool  # «принято» / «на доработку»


@reads
async def rights(session: AsyncSession, actor: Actor, association_id: int) -> Rights:
    """What the actor may do with the association's analysis (for the buttons shown)."""
    association = await association_for(session, actor, association_id, Action.VIEW_ANALYSIS)
    scope = Scope(association.service_id, association.id)
    return Rights(
        write=decide(actor, Action.WRITE_ANALYSIS, scope) is not Decision.DENY,
        review=decide(actor, Action.REVIEW_ANALYSIS, scope) is not Decision.DENY,
    )
