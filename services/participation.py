"""Moved into the meetings package (services/meetings/: rsvp, proposals, notices, wanted).
Kept only for the importers outside it (services/invites.py, scheduler/kinds.py) until they
import `services.meetings`; add nothing here."""

from services.meetings import Attendee as Attendee
from services.meetings import Card as Card
from services.meetings import Decided as Decided
from services.meetings import ProposalView as ProposalView
from services.meetings import answer as answer
from services.meetings import answer_of as answer_of
from services.meetings import card as card
from services.meetings import decide_proposal as decide_proposal
from services.meetings import defer_to_next as defer_to_next
from services.meetings import get_proposal as get_proposal
from services.meetings import keep_ballot_days as keep_ballot_days
from services.meetings import notices_for_newcomer as notices_for_newcomer
from services.meetings import nudge_unanswered as nudge_unanswered
from services.meetings import propose as propose
from services.meetings import unwanted as unwanted
from services.meetings.rsvp import REASON_MAX as REASON_MAX
