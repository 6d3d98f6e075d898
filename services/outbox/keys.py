"""Every outbox key, in one place: group keys (a broadcast, a meeting's reminders), dedupe keys
(one message to one recipient, never twice) and the prefixes that cancel several groups.

The formats are stored data: rows already in the database carry them, and the unique dedupe
key is what keeps a notice from going out twice. A format here must never change (a changed
one would slip past the unique index); `tests/test_outbox_keys.py` holds each one as a
literal. Each format is written once, as a `str.format` pattern, and both builds and parses.

The first segment of a key (``meeting``, ``announcement``, ``protocol``, ``survey``) is what
the key is about: `subject_of`.
"""

from __future__ import annotations

from datetime import date

from .key_format import FORMATS as FORMATS
from .key_format import Format as Format
from .key_format import Parsed as Parsed
from .key_format import parse as parse
from .key_format import register
from .key_format import subject_of as subject_of
from .keys_year import analysis_decided as analysis_decided
from .keys_year import analysis_group as analysis_group
from .keys_year import analysis_submitted as analysis_submitted
from .keys_year import category_term as category_term
from .keys_year import category_term_group as category_term_group
from .keys_year import compliance_digest as compliance_digest
from .keys_year import compliance_digest_group as compliance_digest_group
from .keys_year import compliance_finding as compliance_finding
from .keys_year import compliance_group as compliance_group
from .keys_year import plan_adopted as plan_adopted
from .keys_year import plan_approval_group as plan_approval_group
from .keys_year import plan_approved as plan_approved

# ---------------------------------------------------------------- group keys

_ANNOUNCEMENT_GROUP = register("announcement_group", "announcement:{announcement_id}")
_BROADCAST_GROUP = register("broadcast_group", "broadcast:{broadcast_id}")
_SURVEY_GROUP = register("survey_group", "survey:{survey_id}")
_PROTOCOL_GROUP = register("protocol_group", "protocol:meeting:{meeting_id}")
_PROTOCOL_COPY_GROUP = register("protocol_copy_group", "protocol:{protocol_id}:v{version}")
_NOTICE_GROUP = register("meeting_notice_group", "meeting:{meeting_id}:notice:{revision}")
_CANCELLED_GROUP = register("meeting_cancelled_group", "meeting:{meeting_id}:cancelled:{revision}")
_CHAT_GROUP = register("meeting_chat_group", "meeting:{meeting_id}:group:{revision}")
_REMINDERS_GROUP = register("meeting_reminders_group", "meeting:{meeting_id}:reminders")
_BALLOT_REMINDERS_GROUP = register(
    "meeting_ballot_reminders_group", "meeting:{meeting_id}:ballot_reminders"
)
_FINAL_GROUP = register("meeting_final_agenda_group", "meeting:{meeting_id}:final")
_CONFIRM_GROUP = register("meeting_confirm_group", "meeting:{meeting_id}:confirm")
_DRAFT_GROUP = register("meeting_draft_deadline_group", "meeting:{meeting_id}:draft")
_DECISION_GROUP = register("meeting_decision_group", "meeting:{meeting_id}:decision")
_NUDGE_GROUP = register("meeting_nudge_group", "meeting:{meeting_id}:nudge")
_PROPOSALS_GROUP = register("meeting_proposals_group", "meeting:{meeting_id}:proposals")
_CHECKIN_GROUP = register("meeting_checkin_group", "meeting:{meeting_id}:checkin")
_VOTE_GROUP = register("meeting_vote_group", "meeting:{meeting_id}:vote:{item_id}")
_RESULT_GROUP = register("meeting_vote_result_group", "meeting:{meeting_id}:result:{item_id}")
_BALLOT_RESULTS_GROUP = register(
    "meeting_ballot_results_group", "meeting:{meeting_id}:ballot_results"
)
_SCHOOL_GROUP = register("school_group", "school:{school_id}")

# ---------------------------------------------------------------- dedupe keys

_ANNOUNCEMENT = register("announcement", "announcement:{announcement_id}:person={person_id}")
_BROADCAST_SUMMARY = register("broadcast_summary", "broadcast:{broadcast_id}:summary")
_SURVEY_INVITE = register("survey_invite", "survey:{survey_id}:invite:{person_id}")
_SURVEY_REMINDER = register("survey_reminder", "survey:{survey_id}:remind:{stage}:{person_id}")
_PROTOCOL_DRAFT = register("protocol_draft", "protocol:{protocol_id}:draft")
_PROTOCOL_REMINDER = register(
    "protocol_reminder", "protocol:meeting:{meeting_id}:remind:{after}:{person_id}"
)
_PROTOCOL_OVERDUE = register(
    "protocol_overdue", "protocol:meeting:{meeting_id}:overdue:{person_id}"
)
_PROTOCOL_MISSING = register("protocol_missing", "protocol:meeting:{meeting_id}:missing")
_PROTOCOL_SIGN = register("protocol_sign", "protocol:{protocol_id}:v{version}:r{revision}:sign")
_PROTOCOL_COPY = register("protocol_copy", "protocol:{protocol_id}:v{version}:copy:{person_id}")
_PROTOCOL_COPY_CHAT = register(
    "protocol_copy_to_chat", "protocol:{protocol_id}:v{version}:copy:chat:{chat_id}"
)
_NOTICE = register(
    "meeting_notice", "meeting:{meeting_id}:meeting_notice:rev={revision}:person={person_id}"
)
_NOTICE_CHAT = register(
    "meeting_notice_to_chat", "meeting:{meeting_id}:meeting_notice:rev={revision}:chat={chat_id}"
)
_CANCELLED = register(
    "meeting_cancelled",
    "meeting:{meeting_id}:meeting_cancelled:rev={revision}:person={person_id}",
)
_CANCELLED_CHAT = register(
    "meeting_cancelled_to_chat",
    "meeting:{meeting_id}:meeting_cancelled:rev={revision}:chat={chat_id}",
)
_REMINDER = register(
    "meeting_reminder",
    "meeting:{meeting_id}:reminder:{minutes}:rev={revision}:person={person_id}",
)
_BALLOT_REMINDER = register(
    "meeting_ballot_reminder",
    "meeting:{meeting_id}:ballotrem:{days}:rev={revision}:person={person_id}",
)
_FINAL = register(
    "meeting_final_agenda", "meeting:{meeting_id}:final:rev={revision}:person={person_id}"
)
_CONFIRM = register(
    "meeting_confirm", "meeting:{meeting_id}:confirm:v={version}:person={person_id}"
)
_DRAFT_DEADLINE = register(
    "meeting_draft_deadline", "meeting:{meeting_id}:draftdl:{day}:{before}:person={person_id}"
)
_DECISION = register("meeting_decision", "meeting:{meeting_id}:decision:v={version}")
_NUDGE = register("meeting_nudge", "meeting:{meeting_id}:nudge:{day}:person={person_id}")
_PROPOSAL = register(
    "meeting_proposal", "meeting:{meeting_id}:proposal={proposal_id}:person={person_id}"
)
_PROPOSAL_DECIDED = register(
    "meeting_proposal_decided", "meeting:{meeting_id}:decided={proposal_id}"
)
_CHECKIN = register("meeting_checkin", "meeting:{meeting_id}:checkin:person={person_id}")
_VOTE = register("meeting_vote", "meeting:{meeting_id}:vote:{item_id}:person={person_id}")
_VOTE_RESULT = register(
    "meeting_vote_result", "meeting:{meeting_id}:result:{item_id}:person={person_id}"
)
_BALLOT_RESULTS = register(
    "meeting_ballot_results", "meeting:{meeting_id}:ballot_results:person={person_id}"
)
_SCHOOL_REJECTED = register("school_rejected", "school:{school_id}:rejected:person={person_id}")


# ---------------------------------------------------------------- announcements, surveys


def broadcast_group(broadcast_id: int) -> str:
    """The messages about a broadcast to the one who started it (not its members' group)."""
    return _BROADCAST_GROUP.build(broadcast_id=broadcast_id)


def broadcast_summary(broadcast_id: int) -> str:
    """A broadcast's summary to the one who started it: one, however often it is finished."""
    return _BROADCAST_SUMMARY.build(broadcast_id=broadcast_id)


def announcement_group(announcement_id: int) -> str:
    return _ANNOUNCEMENT_GROUP.build(announcement_id=announcement_id)


def announcement(*, announcement_id: int, person_id: int) -> str:
    return _ANNOUNCEMENT.build(announcement_id=announcement_id, person_id=person_id)


def survey_group(survey_id: int) -> str:
    return _SURVEY_GROUP.build(survey_id=survey_id)


def survey_invite(*, survey_id: int, person_id: int) -> str:
    return _SURVEY_INVITE.build(survey_id=survey_id, person_id=person_id)


def survey_reminder(*, survey_id: int, stage: int, person_id: int) -> str:
    return _SURVEY_REMINDER.build(survey_id=survey_id, stage=stage, person_id=person_id)


# ---------------------------------------------------------------- protocols


def protocol_group(meeting_id: int) -> str:
    """Every message about a meeting's protocol until it is signed (by meeting)."""
    return _PROTOCOL_GROUP.build(meeting_id=meeting_id)


def protocol_copy_group(*, protocol_id: int, version: int) -> str:
    """The signed copies of one version of a protocol."""
    return _PROTOCOL_COPY_GROUP.build(protocol_id=protocol_id, version=version)


def protocol_draft(protocol_id: int) -> str:
    return _PROTOCOL_DRAFT.build(protocol_id=protocol_id)


def protocol_reminder(*, meeting_id: int, after: int, person_id: int) -> str:
    return _PROTOCOL_REMINDER.build(meeting_id=meeting_id, after=after, person_id=person_id)


def protocol_overdue(*, meeting_id: int, person_id: int) -> str:
    return _PROTOCOL_OVERDUE.build(meeting_id=meeting_id, person_id=person_id)


def protocol_missing(meeting_id: int) -> str:
    return _PROTOCOL_MISSING.build(meeting_id=meeting_id)


def protocol_sign(*, protocol_id: int, version: int, revision: int) -> str:
    return _PROTOCOL_SIGN.build(protocol_id=protocol_id, version=version, revision=revision)


def protocol_copy(*, protocol_id: int, version: int, person_id: int) -> str:
    return _PROTOCOL_COPY.build(protocol_id=protocol_id, version=version, person_id=person_id)


def protocol_copy_to_chat(*, protocol_id: int, version: int, chat_id: int) -> str:
    return _PROTOCOL_COPY_CHAT.build(protocol_id=protocol_id, version=version, chat_id=chat_id)


# ---------------------------------------------------------------- meetings: prefixes


def meeting_prefix(meeting_id: int) -> str:
    """Every group of a meeting (``meeting:12:`` matches no group of meeting 120)."""
    return f"meeting:{int(meeting_id)}:"


def notice_prefix(meeting_id: int) -> str:
    """The notice groups of every revision of a meeting."""
    return f"meeting:{int(meeting_id)}:notice:"


def chat_notice_prefix(meeting_id: int) -> str:
    """The linked group chat's notice groups of every revision of a meeting."""
    return f"meeting:{int(meeting_id)}:group:"


# ---------------------------------------------------------------- meetings: notices


def notice_group(meeting_id: int, revision: int) -> str:
    return _NOTICE_GROUP.build(meeting_id=meeting_id, revision=revision)


def cancelled_group(meeting_id: int, revision: int) -> str:
    return _CANCELLED_GROUP.build(meeting_id=meeting_id, revision=revision)


def chat_notice_group(meeting_id: int, revision: int) -> str:
    """The notice (or cancellation) of a revision to the association's linked group chat."""
    return _CHAT_GROUP.build(meeting_id=meeting_id, revision=revision)


def notice(*, meeting_id: int, revision: int, person_id: int) -> str:
    """The notice of a revision to a member (a newcomer gets the same key: never twice)."""
    return _NOTICE.build(meeting_id=meeting_id, revision=revision, person_id=person_id)


def notice_to_chat(*, meeting_id: int, revision: int, chat_id: int) -> str:
    return _NOTICE_CHAT.build(meeting_id=meeting_id, revision=revision, chat_id=chat_id)


def cancelled(*, meeting_id: int, revision: int, person_id: int) -> str:
    return _CANCELLED.build(meeting_id=meeting_id, revision=revision, person_id=person_id)


def cancelled_to_chat(*, meeting_id: int, revision: int, chat_id: int) -> str:
    return _CANCELLED_CHAT.build(meeting_id=meeting_id, revision=revision, chat_id=chat_id)


# ---------------------------------------------------------------- meetings: the clock


def reminders_group(meeting_id: int) -> str:
    return _REMINDERS_GROUP.build(meeting_id=meeting_id)


def reminder(*, meeting_id: int, minutes: int, revision: int, person_id: int) -> str:
    return _REMINDER.build(
        meeting_id=meeting_id, minutes=minutes, revision=revision, person_id=person_id
    )


def ballot_reminders_group(meeting_id: int) -> str:
    return _BALLOT_REMINDERS_GROUP.build(meeting_id=meeting_id)


def ballot_reminder(*, meeting_id: int, days: int, revision: int, person_id: int) -> str:
    return _BALLOT_REMINDER.build(
        meeting_id=meeting_id, days=days, revision=revision, person_id=person_id
    )


def final_agenda_group(meeting_id: int) -> str:
    return _FINAL_GROUP.build(meeting_id=meeting_id)


def final_agenda(*, meeting_id: int, revision: int, person_id: int) -> str:
    return _FINAL.build(meeting_id=meeting_id, revision=revision, person_id=person_id)


def draft_deadline_group(meeting_id: int) -> str:
    return _DRAFT_GROUP.build(meeting_id=meeting_id)


def draft_deadline(*, meeting_id: int, day: date, before: int, person_id: int) -> str:
    """A draft's notice deadline is near: `day` the meeting's day, `before` days ahead."""
    return _DRAFT_DEADLINE.build(meeting_id=meeting_id, day=day, before=before, person_id=person_id)


def nudge_group(meeting_id: int) -> str:
    return _NUDGE_GROUP.build(meeting_id=meeting_id)


def nudge(*, meeting_id: int, day: date, person_id: int) -> str:
    """ "Please answer", at most once a `day` (UTC date of the nudge)."""
    return _NUDGE.build(meeting_id=meeting_id, day=day, person_id=person_id)


# ---------------------------------------------------------------- meetings: requests


def confirm_group(meeting_id: int) -> str:
    return _CONFIRM_GROUP.build(meeting_id=meeting_id)


def confirm(*, meeting_id: int, version: int, person_id: int) -> str:
    return _CONFIRM.build(meeting_id=meeting_id, version=version, person_id=person_id)


def decision_group(meeting_id: int) -> str:
    return _DECISION_GROUP.build(meeting_id=meeting_id)


def decision(*, meeting_id: int, version: int) -> str:
    return _DECISION.build(meeting_id=meeting_id, version=version)


def proposals_group(meeting_id: int) -> str:
    return _PROPOSALS_GROUP.build(meeting_id=meeting_id)


def proposal(*, meeting_id: int, proposal_id: int, person_id: int) -> str:
    return _PROPOSAL.build(meeting_id=meeting_id, proposal_id=proposal_id, person_id=person_id)


def proposal_decided(*, meeting_id: int, proposal_id: int) -> str:
    return _PROPOSAL_DECIDED.build(meeting_id=meeting_id, proposal_id=proposal_id)


# ---------------------------------------------------------------- meetings: attendance, votes


def checkin_group(meeting_id: int) -> str:
    return _CHECKIN_GROUP.build(meeting_id=meeting_id)


def checkin(*, meeting_id: int, person_id: int) -> str:
    return _CHECKIN.build(meeting_id=meeting_id, person_id=person_id)


def vote_group(*, meeting_id: int, item_id: int) -> str:
    return _VOTE_GROUP.build(meeting_id=meeting_id, item_id=item_id)


def vote(*, meeting_id: int, item_id: int, person_id: int) -> str:
    return _VOTE.build(meeting_id=meeting_id, item_id=item_id, person_id=person_id)


def vote_result_group(*, meeting_id: int, item_id: int) -> str:
    return _RESULT_GROUP.build(meeting_id=meeting_id, item_id=item_id)


def vote_result(*, meeting_id: int, item_id: int, person_id: int) -> str:
    return _VOTE_RESULT.build(meeting_id=meeting_id, item_id=item_id, person_id=person_id)


def ballot_results_group(meeting_id: int) -> str:
    return _BALLOT_RESULTS_GROUP.build(meeting_id=meeting_id)


def ballot_results(*, meeting_id: int, person_id: int) -> str:
    return _BALLOT_RESULTS.build(meeting_id=meeting_id, person_id=person_id)


# ---------------------------------------------------------------- schools typed by teachers


def school_group(school_id: int) -> str:
    """The messages about a school a teacher typed (issue 20)."""
    return _SCHOOL_GROUP.build(school_id=school_id)


def school_rejected(*, school_id: int, person_id: int) -> str:
    """To a teacher: the school they have was rejected; choose another."""
    return _SCHOOL_REJECTED.build(school_id=school_id, person_id=person_id)


# ---------------------------------------------------------------- the operator's alerts

# One format per alert (a key's fields are numbers): `crossing` counts that alert's crossings,
# so each is sent once per crossing, to each administrator's chat.
_ALERT_NAMES = ("backlog", "telegram", "given_up", "outcome_lost", "backup")
_ALERT_GROUPS = {
    name: register(f"alert_{name}_group", f"alert:{name}:{{crossing}}") for name in _ALERT_NAMES
}
_ALERTS = {
    name: register(f"alert_{name}", f"alert:{name}:{{crossing}}:chat={{chat_id}}")
    for name in _ALERT_NAMES
}


def alert_group(name: str, crossing: int) -> str:
    """The messages of one crossing of an alert (`models.AlertName` values)."""
    return _ALERT_GROUPS[name].build(crossing=crossing)


def alert(name: str, *, crossing: int, chat_id: int) -> str:
    """One crossing of an alert to one administrator's chat: never twice."""
    return _ALERTS[name].build(crossing=crossing, chat_id=chat_id)
