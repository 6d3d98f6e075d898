"""Check-in, the secretary's roll, the live quorum, open votes and absentee ballots
(DOMAIN.md, "Quorum and decisions", "Attendance").

A double tap, or two taps at once, give one row: attendance is unique per (meeting, person)
and votes per (question, person), and both are written with INSERT … ON CONFLICT DO NOTHING,
so the database decides, on SQLite and PostgreSQL alike.

Modules: `members` (who is in the association, M), `rules` (the check-in rule as one table
of cases; the ballot's window), `checkin` (open, close, a member's tap: the fast path and
the slow one), `roll` (the secretary's roll, the register), `card` (P and M, the quorum
view and card), `votes` (open votes: open, cast, close, results), `hand` (votes recorded by
hand), `ballots` (absentee ballots), `myattendance` (/myattendance), `access` (finding a
meeting or question for a use case), `queries` (the select builders), `kinds` (outbox
kinds)."""

from __future__ import annotations

from services.attendance.ballots import BallotQuestion as BallotQuestion
from services.attendance.ballots import ballot as ballot
from services.attendance.ballots import close_ballots as close_ballots
from services.attendance.card import LiveCard as LiveCard
from services.attendance.card import QuorumView as QuorumView
from services.attendance.card import live_cards as live_cards
from services.attendance.card import meeting_quorum as meeting_quorum
from services.attendance.card import quorum as quorum
from services.attendance.card import record_card as record_card
from services.attendance.card import set_card as set_card
from services.attendance.checkin import CHECKIN_MINUTES as CHECKIN_MINUTES
from services.attendance.checkin import CheckedIn as CheckedIn
from services.attendance.checkin import check_in as check_in
from services.attendance.checkin import close_checkin as close_checkin
from services.attendance.checkin import open_checkin as open_checkin
from services.attendance.checkin import start_checkin as start_checkin
from services.attendance.hand import HandRow as HandRow
from services.attendance.hand import by_hand_rows as by_hand_rows
from services.attendance.hand import record_by_hand as record_by_hand
from services.attendance.kinds import BALLOT_REMINDER as BALLOT_REMINDER
from services.attendance.kinds import CHECKIN as CHECKIN
from services.attendance.kinds import VOTE as VOTE
from services.attendance.kinds import VOTE_RESULT as VOTE_RESULT
from services.attendance.members import MemberRow as MemberRow
from services.attendance.members import default_roles as default_roles
from services.attendance.members import member_ids as member_ids
from services.attendance.members import members_of as members_of
from services.attendance.members import names_of as names_of
from services.attendance.members import presiding_and_keeper as presiding_and_keeper
from services.attendance.members import voting_count as voting_count
from services.attendance.myattendance import HistoryRow as HistoryRow
from services.attendance.myattendance import history as history
from services.attendance.roll import RegisterRow as RegisterRow
from services.attendance.roll import register as register
from services.attendance.roll import roll as roll
from services.attendance.rules import ballot_deadline as ballot_deadline
from services.attendance.rules import ballot_open as ballot_open
from services.attendance.rules import checkin_open as checkin_open
from services.attendance.votes import Result as Result
from services.attendance.votes import cast as cast
from services.attendance.votes import close_open_votes as close_open_votes
from services.attendance.votes import close_vote as close_vote
from services.attendance.votes import item_meeting as item_meeting
from services.attendance.votes import open_vote as open_vote
from services.attendance.votes import results as results
