"""Open votes and absentee ballots: they live in the attendance package
(`services.attendance.votes`, `.hand`, `.ballots`); this module keeps `from services import
votes; votes.cast(...)` working for the code that reads so."""

from __future__ import annotations

from services.attendance import BallotQuestion as BallotQuestion
from services.attendance import HandRow as HandRow
from services.attendance import Result as Result
from services.attendance import ballot as ballot
from services.attendance import ballot_deadline as ballot_deadline
from services.attendance import ballot_open as ballot_open
from services.attendance import by_hand_rows as by_hand_rows
from services.attendance import cast as cast
from services.attendance import close_ballots as close_ballots
from services.attendance import close_open_votes as close_open_votes
from services.attendance import close_vote as close_vote
from services.attendance import item_meeting as item_meeting
from services.attendance import open_vote as open_vote
from services.attendance import record_by_hand as record_by_hand
from services.attendance import results as results
