"""A named poll's live results card in its author's chat, kept up to date by the scheduler."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models.survey import Survey
from services.permissions import Actor
from services.surveys import queries
from services.surveys.access import managed
from services.surveys.views import LiveCard
from services.tx import reads, writes


@writes
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
    survey, _aud = await managed(session, actor, survey_id, lock=True)
    survey.card_chat_id, survey.card_message_id = chat_id, message_id
    survey.card_text, survey.card_at = text, now


@reads
async def card_text(
    session: AsyncSession, survey_id: int, chat_id: int, message_id: int
) -> str | None:
    """The text last put on this message as the survey's live card; None when the message is
    not its live card."""
    survey = await session.get(Survey, survey_id)
    if survey is None or (survey.card_chat_id, survey.card_message_id) != (chat_id, message_id):
        return None
    return survey.card_text


@reads
async def live_cards(session: AsyncSession) -> list[LiveCard]:
    """Named polls whose results card may need an edit: open ones, and those closed since
    their card was last edited."""
    rows = (await session.scalars(queries.live_polls())).all()
    return [
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


@writes
async def record_card(session: AsyncSession, survey_id: int, text: str, now: datetime) -> None:
    await session.execute(
        update(Survey).where(Survey.id == survey_id).values(card_text=text, card_at=now)
    )
