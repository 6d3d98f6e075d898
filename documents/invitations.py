"""Calendar invitations (.ics) for meetings: one stable UID per meeting and SEQUENCE = its
revision, so a calendar updates the event it already has; a cancellation removes it."""

from __future__ import annotations

from datetime import timedelta

from documents.ics import IcsEvent, build_ics
from services.meetings import MeetingView


def meeting_ics(view: MeetingView, *, description: str, cancelled: bool = False) -> bytes:
    """The same bytes for every recipient of one revision (the file is uploaded once)."""
    start = view.starts_at or view.ballot_deadline
    assert start is not None
    end = view.ends_at or start + timedelta(minutes=view.duration_minutes)
    if end <= start:
        end = start + timedelta(minutes=30)
    # DTSTAMP: when this version was made, so a calendar takes an update or a cancellation.
    stamp = view.updated_at or view.published_at or start
    return build_ics(
        IcsEvent(
            uid=f"meeting-{view.id}@metod-bot",
            sequence=view.revision,
            start=start,
            end=end,
            summary=f"{view.association_name}: {view.topic}",
            location=view.place,
            url=view.online_link,
            description=description,
            organizer_name=view.association_name,
            cancelled=cancelled,
            stamp=stamp,
        )
    )
