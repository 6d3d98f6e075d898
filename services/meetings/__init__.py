"""Meetings: the draft (in the database, guarded by a version for concurrent editors), the
five-day rule, publication with its notices and reminders, members' answers and proposals,
changes, cancellation, the end, the meeting clock.

Every message a meeting causes is an outbox row whose group key starts with `meeting:<id>:`
and whose dedupe key carries the meeting's revision, so a change sends fresh messages and a
stale one is never sent (each kind re-checks the revision at claim time: wanted.py).

Modules: rules (limits, kinds, checks, what stops a publication) · views (MeetingView and
what a person may do with it) · queries (every select) · access (loading with the right
checked) · reading (get, load, listing) · draft · setters (one typed setter per field) ·
agenda · plan_question (a plan put to approval) · publish · changes · notices · reminders ·
recipients · clock · rsvp · proposals ·
wanted (still wanted at send time)."""

from services.meetings.agenda import (
    add_material as add_material,
)
from services.meetings.agenda import (
    add_question as add_question,
)
from services.meetings.agenda import (
    change_agenda as change_agenda,
)
from services.meetings.agenda import (
    edit_question as edit_question,
)
from services.meetings.agenda import (
    remove_question as remove_question,
)
from services.meetings.changes import cancel as cancel
from services.meetings.changes import change_place as change_place
from services.meetings.changes import end as end
from services.meetings.changes import reschedule as reschedule
from services.meetings.clock import ClockReport as ClockReport
from services.meetings.clock import run_clock as run_clock
from services.meetings.draft import associations_to_manage as associations_to_manage
from services.meetings.draft import create_draft as create_draft
from services.meetings.draft import discard_draft as discard_draft
from services.meetings.draft import drafts as drafts
from services.meetings.draft import people as people
from services.meetings.draft import renumber as renumber
from services.meetings.notices import notices_for_newcomer as notices_for_newcomer
from services.meetings.plan_question import add_plan_question as add_plan_question
from services.meetings.plan_question import meetings_for_plan as meetings_for_plan
from services.meetings.planned import draft_from_plan as draft_from_plan
from services.meetings.proposals import Decided as Decided
from services.meetings.proposals import ProposalView as ProposalView
from services.meetings.proposals import decide_proposal as decide_proposal
from services.meetings.proposals import defer_to_next as defer_to_next
from services.meetings.proposals import get_proposal as get_proposal
from services.meetings.proposals import keep_ballot_days as keep_ballot_days
from services.meetings.proposals import propose as propose
from services.meetings.publish import Outcome as Outcome
from services.meetings.publish import Published as Published
from services.meetings.publish import confirm_extraordinary as confirm_extraordinary
from services.meetings.publish import decline_extraordinary as decline_extraordinary
from services.meetings.publish import publish as publish
from services.meetings.publish import schedule as schedule
from services.meetings.reading import Listing as Listing
from services.meetings.reading import checkin_code as checkin_code
from services.meetings.reading import get as get
from services.meetings.reading import listing as listing
from services.meetings.reading import load as load
from services.meetings.reminders import reminder_offsets as reminder_offsets
from services.meetings.rsvp import Attendee as Attendee
from services.meetings.rsvp import Card as Card
from services.meetings.rsvp import answer as answer
from services.meetings.rsvp import answer_of as answer_of
from services.meetings.rsvp import card as card
from services.meetings.rsvp import nudge_unanswered as nudge_unanswered
from services.meetings.rules import DECISION_MAX as DECISION_MAX
from services.meetings.rules import DURATIONS as DURATIONS
from services.meetings.rules import FILE_MAX as FILE_MAX
from services.meetings.rules import MAX_AGENDA as MAX_AGENDA
from services.meetings.rules import PRESIDING_ROLES as PRESIDING_ROLES
from services.meetings.rules import REASON_MAX as REASON_MAX
from services.meetings.rules import Kind as Kind
from services.meetings.rules import Problem as Problem
from services.meetings.rules import check_decision as check_decision
from services.meetings.rules import may_preside as may_preside
from services.meetings.rules import problems as problems
from services.meetings.setters import set_day as set_day
from services.meetings.setters import set_duration as set_duration
from services.meetings.setters import set_extraordinary as set_extraordinary
from services.meetings.setters import set_form as set_form
from services.meetings.setters import set_link as set_link
from services.meetings.setters import set_minutes_keeper as set_minutes_keeper
from services.meetings.setters import set_place as set_place
from services.meetings.setters import set_presiding as set_presiding
from services.meetings.setters import set_seminar as set_seminar
from services.meetings.setters import set_time as set_time
from services.meetings.setters import set_topic as set_topic
from services.meetings.venue import VENUE_MATCHES as VENUE_MATCHES
from services.meetings.venue import set_venue_school as set_venue_school
from services.meetings.venue import venue_choices as venue_choices
from services.meetings.views import AgendaView as AgendaView
from services.meetings.views import MaterialView as MaterialView
from services.meetings.views import MeetingView as MeetingView
from services.meetings.wanted import unwanted as unwanted
