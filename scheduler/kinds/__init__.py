"""Kinds of outbox rows, one module per kind of message: each says whether a claimed row is
still wanted and renders it, in the recipient's language at send time, as one or more parts.

============================  ==========================================================
module                        kinds
============================  ==========================================================
``announcement``              `/announce`
``notice``                    a meeting's notice (or changed notice), its cancellation
``reminder``                  reminders before a meeting, "please answer", final agenda
``draft``                     a draft's notice deadline, the chair's confirmation of an
                              extraordinary meeting, the decision
``proposal``                  an agenda proposal, its decision
``checkin``                   check-in is open
``vote``                      an open vote, its results
``ballot``                    the reminder to fill in the ballot
``protocol``                  the protocol's draft, the request to sign
``protocol_deadline``         what is missing for a draft, reminders, overdue
``protocol_copy``             the signed copy
``plan``                      a plan adopted (to a council's chair), a plan approved
``survey``                    a survey's invitation, its reminders
``summary``                   a broadcast's summary to the one who started it
``compliance``                a compliance finding to the chair, the methodists' digest
``school``                    a school a teacher typed was rejected: choose another
``alert``                     the operator's alerts to the administrators
``analysis``                  an annual analysis submitted (to the methodists), decided
``category``                  a qualification category's term ends soon (the data bank)
============================  ==========================================================

``base`` holds the `Kind` protocol and a small cache; ``meeting`` what a meeting's kinds
share (the meeting loaded once for a broadcast, what is still wanted, the .ics).
"""

from __future__ import annotations

from services.clock import Clock, SystemClock

from .alert import OperatorAlertKind
from .analysis import AnalysisDecidedKind, AnalysisSubmittedKind
from .announcement import AnnouncementKind
from .ballot import BallotReminderKind
from .base import Kind as Kind
from .category import CategoryTermKind
from .checkin import CheckinKind
from .compliance import DigestKind, FindingKind
from .draft import ConfirmKind, DecisionKind, DraftDeadlineKind
from .meeting import MeetingCache, MeetingKind
from .notice import CancelledKind, NoticeKind
from .plan import plan_kinds
from .proposal import PROPOSAL as PROPOSAL
from .proposal import PROPOSAL_DECIDED as PROPOSAL_DECIDED
from .proposal import ProposalDecidedKind, ProposalKind
from .protocol import DraftKind, ProtocolKind, SignKind
from .protocol_copy import CopyKind
from .protocol_deadline import MissingKind, OverdueKind, ProtocolReminderKind
from .reminder import FinalAgendaKind, NudgeKind, ReminderKind
from .school import SchoolRejectedKind
from .summary import SummaryKind
from .survey import SurveyInviteKind, SurveyReminderKind
from .vote import VoteKind, VoteResultKind

MEETING_KINDS: tuple[type[MeetingKind], ...] = (
    NoticeKind,
    ReminderKind,
    FinalAgendaKind,
    CancelledKind,
    DraftDeadlineKind,
    ConfirmKind,
    NudgeKind,
    DecisionKind,
    ProposalKind,
    ProposalDecidedKind,
    CheckinKind,
    VoteKind,
    VoteResultKind,
    BallotReminderKind,
)
PROTOCOL_KINDS: tuple[type[ProtocolKind], ...] = (
    DraftKind,
    MissingKind,
    SignKind,
    ProtocolReminderKind,
    OverdueKind,
    CopyKind,
)


# Outcomes a person is waiting for: when the outbox gives one up, the operator is alerted.
OUTCOMES = frozenset({SummaryKind.name})


def registry(clock: Clock | None = None) -> dict[str, Kind]:
    """Every kind, by the name stored in outbox rows; one instance each per engine (their
    caches belong to it)."""
    clock = clock or SystemClock()
    shared = MeetingCache(clock)
    kinds: list[Kind] = [AnnouncementKind()]
    kinds.extend(cls(clock, shared) for cls in MEETING_KINDS)
    kinds.extend(cls(clock, shared) for cls in PROTOCOL_KINDS)
    kinds.extend([SurveyInviteKind(), SurveyReminderKind(), SummaryKind()])
    kinds.extend(plan_kinds())
    kinds.extend([FindingKind(), DigestKind(), SchoolRejectedKind(), OperatorAlertKind()])
    kinds.extend([AnalysisSubmittedKind(), AnalysisDecidedKind()])
    kinds.append(CategoryTermKind())
    return {kind.name: kind for kind in kinds}
