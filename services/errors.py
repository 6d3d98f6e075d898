"""Domain errors carry a code; the front end turns each code into a message in the user's
language. A use case that raises has changed nothing (its transaction is rolled back)."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_REGISTERED = "not_registered"
    INVITE_UNKNOWN = "invite_unknown"
    INVITE_EXPIRED = "invite_expired"
    INVITE_USED = "invite_used"
    INVITE_WRONG_PLACE = "invite_wrong_place"
    ALREADY_MEMBER = "already_member"
    ALREADY_BOUND = "already_bound"
    NAME_EMPTY = "name_empty"
    NAME_TOO_SHORT = "name_too_short"
    NAME_TOO_LONG = "name_too_long"
    HTML_NOT_ALLOWED = "html_not_allowed"
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    BAD_NUMBER = "bad_number"  # min, max
    TOO_MANY_LINES = "too_many_lines"  # max
    BAD_TIMEZONE = "bad_timezone"
    DUPLICATE_NAME = "duplicate_name"
    LAST_CHAIR = "last_chair"
    ROSTER_TOO_BIG = "roster_too_big"
    ROSTER_EMPTY = "roster_empty"
    ROSTER_BAD_LINE = "roster_bad_line"
    ROSTER_BAD_QUOTES = "roster_bad_quotes"  # the reason of a ROSTER_BAD_LINE
    ROSTER_NOT_TEXT = "roster_not_text"
    GROUP_ALREADY_LINKED = "group_already_linked"
    CONSENT_REQUIRED = "consent_required"
    STALE = "stale"
    ALREADY_SENT = "already_sent"
    NO_RECIPIENTS = "no_recipients"
    BAD_DATE = "bad_date"
    BAD_TIME = "bad_time"
    TIME_WITHOUT_DATE = "time_without_date"
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"
    BAD_LINK = "bad_link"
    BAD_DURATION = "bad_duration"
    PRESIDING_ROLE = "presiding_role"
    ALREADY_PUBLISHED = "already_published"
    DRAFT_CHANGED = "draft_changed"
    AGENDA_FULL = "agenda_full"
    FILE_TOO_BIG = "file_too_big"
    NO_DATE = "no_date"
    NO_PLACE = "no_place"
    NO_LINK = "no_link"
    NO_AGENDA = "no_agenda"
    NO_DRAFT_DECISION = "no_draft_decision"
    NOTICE_LATE = "notice_late"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_ENDED = "meeting_ended"
    NOT_PUBLISHED = "not_published"
    CHAIR_MUST_DECIDE = "chair_must_decide"
    PROPOSALS_CLOSED = "proposals_closed"
    ALREADY_DECIDED = "already_decided"
    NO_GATHERING = "no_gathering"
    CHECKIN_NOT_OPEN = "checkin_not_open"
    CHECKIN_CLOSED = "checkin_closed"
    NEED_CODE = "need_code"
    WRONG_CODE = "wrong_code"
    NOT_PRESENT = "not_present"
    NOT_VOTING = "not_voting"
    VOTE_NOT_OPEN = "vote_not_open"
    VOTE_CLOSED = "vote_closed"
    NO_DECISION = "no_decision"
    BALLOT_CLOSED = "ballot_closed"
    NOT_ON_ROLL = "not_on_roll"
    BY_BALLOT = "by_ballot"
    NOT_BEGUN = "not_begun"
    NOT_AWAITING = "not_awaiting"
    NO_ATTENDANCE = "no_attendance"
    NO_BALLOTS = "no_ballots"
    MEETING_NOT_ENDED = "meeting_not_ended"
    PROTOCOL_SIGNED = "protocol_signed"
    PROTOCOL_NOT_SIGNED = "protocol_not_signed"
    NOT_SIGNER = "not_signer"
    PROTOCOL_INCOMPLETE = "protocol_incomplete"  # questions
    GUEST_FORMAT = "guest_format"  # line
    SURVEY_CLOSED = "survey_closed"
    SURVEY_NOT_OPEN = "survey_not_open"
    SCALE_RANGE = "scale_range"  # min, max
    BAD_OPTION = "bad_option"
    ANSWER_REQUIRED = "answer_required"  # position
    TOO_FEW_OPTIONS = "too_few_options"  # min
    TOO_MANY_OPTIONS = "too_many_options"  # max
    TOO_MANY_QUESTIONS = "too_many_questions"  # max
    NO_QUESTIONS = "no_questions"
    ALREADY_FINISHED = "already_finished"
    SURVEY_SENT = "survey_sent"
    # The annual plan (issue 15).
    PLAN_EXISTS = "plan_exists"  # year
    PLAN_APPROVED = "plan_approved"
    PLAN_IS_DRAFT = "plan_is_draft"
    PLAN_BAD_YEAR = "plan_bad_year"  # first, last
    PLAN_NO_PREVIOUS = "plan_no_previous"  # year
    PLAN_DATE_OUTSIDE_YEAR = "plan_date_outside_year"  # year, first, last
    PLAN_TOO_MANY_ROWS = "plan_too_many_rows"  # max
    PLAN_DUPLICATE_ROW = "plan_duplicate_row"  # row
    PLAN_NOT_MEMBER = "plan_not_member"
    PLAN_BAD_SCHOOL = "plan_bad_school"
    PLAN_TOO_MANY_RESPONSIBLE = "plan_too_many_responsible"  # max
    PLAN_BAD_KIND = "plan_bad_kind"
    PLAN_XLSX_UNREADABLE = "plan_xlsx_unreadable"
    PLAN_XLSX_COLUMNS = "plan_xlsx_columns"  # expected, found (column keys)
    PLAN_XLSX_EMPTY = "plan_xlsx_empty"
    PLAN_BAD_DAY = "plan_bad_day"  # a row's date typed in the chat, unreadable
    PLAN_ROW_NOT_MEETING = "plan_row_not_meeting"  # a row without a date, or not a meeting
    PLAN_ROW_LINKED = "plan_row_linked"  # the row already became a meeting
    PLAN_IMPORT_INVALID = "plan_import_invalid"  # errors: [{row, column, field, reason, …}]
    # Approval of the plan at a meeting (issue 15, item 2).
    PLAN_NOT_ADOPTED = "plan_not_adopted"  # no adopted decision approves this plan
    PLAN_ON_AGENDA = "plan_on_agenda"  # the meeting already has this plan's question
    # The year-end report and the annual analysis (issue 16).
    TEMPLATE_FIXED = "template_fixed"  # the year-end report's questions and naming are fixed
    REPORT_LINE = "report_line"  # line, parts
    REPORT_DIRECTION = "report_direction"  # line, max
    REPORT_HOURS = "report_hours"  # line, max
    REPORT_FORM = "report_form"  # line
    REPORT_DATE = "report_date"  # line, first, last
    REPORT_COURSE_TWICE = "report_course_twice"  # line
    REPORT_TOO_MANY = "report_too_many"  # max
    ANALYSIS_SUBMITTED = "analysis_submitted"  # it waits for the methodist: nothing changes
    ANALYSIS_ACCEPTED = "analysis_accepted"  # accepted: frozen
    ANALYSIS_NOT_SUBMITTED = "analysis_not_submitted"  # nothing to accept or return
    ANALYSIS_COMMENT_REQUIRED = "analysis_comment_required"
    ANALYSIS_SECTION = "analysis_section"  # not a section the chair writes
    ANALYSIS_YEAR = "analysis_year"  # a school year /analysis does not open
    ANALYSIS_ROUND = "analysis_round"  # a decision button of an earlier submission
    # Centres over services (issue 18, item 2).
    CENTRE_NESTED = "centre_nested"  # one level: a centre is never grouped, nor itself
    SELECTION_EMPTY = "selection_empty"  # an announcement to no service at all
    # The data bank of members (issue 18, item 4).
    ORDER_DATE = "order_date"  # first, last: the category's order date, DD.MM.YYYY
    ORDER_NUMBER = "order_number"  # max: the category's order number
    ROSTER_NOT_XLSX = "roster_not_xlsx"  # a .xlsx that is no workbook openpyxl reads
    ROSTER_COLUMNS = "roster_columns"  # the header row lacks the name column (or repeats one)
    ROSTER_BAD_CELL = "roster_bad_cell"  # row, column, reason, reason_params
    ROSTER_DUPLICATE = "roster_duplicate"  # row, first: the same person twice in the file
    ROSTER_FORMULA = "roster_formula"  # the reason of a ROSTER_BAD_CELL: a formula, not a value


class DomainError(Exception):
    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value, params)
        self.code = code
        self.params = params
