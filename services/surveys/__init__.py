"""Surveys (DOMAIN.md, "Surveys"): quick polls and questionnaires sent to the members of one
or more associations, answered one question at a time, with results for their author.

Who: the author (SEND_SURVEYS on every association of the audience) edits, opens, closes and
sees results; the recipients (PARTICIPATE in an association of the audience) answer. Every
call re-checks this: a well-formed id of someone else's survey is refused (FORBIDDEN).

Anonymity that holds (models/survey.py): answers wait in the person's draft; finishing writes
a response under a random id with no time, deletes the draft and keeps only "finished", in
one transaction; no audit entry is written for answering. Results of an anonymous survey are
shown once 3 have answered and then change only when the survey closes or 3 more have
answered (`Survey.results_snapshot`), so no one can subtract one view from the next.

Outbox: an invitation per recipient when the survey opens (at `opens_at` if later), and
reminders to those who have not finished two days before closing and on the last day, in the
sending window of the first association of the audience; each is dropped at claim time once
the person has finished or the survey has closed (`unwanted`), and the dedupe key makes sure
no one is reminded twice.

The package, by what a reader looks for:

- `views`: what the use cases return; `templates`: the built-in questionnaires;
  `common`: outbox kinds, limits, the group key; `queries`: every SELECT;
- `access`: loading a survey, the author's rights, the view;
- `draft`: new drafts (empty, from a template, a poll) and discarding one; `editor`: the
  questions and settings; `audience`: who receives it; `dates`: when it accepts answers;
- `lifecycle`: send, close; `delivery`: its outbox rows (invitations, reminders);
- `answering`: one question at a time; `finishing`: the response, where anonymity is made;
- `tallies`: the results and their anonymity rule; `cards`: a named poll's live card;
  `listing`: what waits for me, what I wrote; `personal`: what is kept about a person
  (/mydata).
"""

from services.surveys.answering import answer as answer
from services.surveys.answering import progress as progress
from services.surveys.answering import skip as skip
from services.surveys.answering import step as step
from services.surveys.audience import set_audience as set_audience
from services.surveys.audience import whole_services as whole_services
from services.surveys.cards import card_text as card_text
from services.surveys.cards import live_cards as live_cards
from services.surveys.cards import record_card as record_card
from services.surveys.cards import set_card as set_card
from services.surveys.common import ANONYMITY_MIN as ANONYMITY_MIN
from services.surveys.common import INVITE as INVITE
from services.surveys.common import KINDS as KINDS
from services.surveys.common import LONG_MAX as LONG_MAX
from services.surveys.common import N_ as N_
from services.surveys.common import OPTIONS_MAX as OPTIONS_MAX
from services.surveys.common import OPTIONS_MIN as OPTIONS_MIN
from services.surveys.common import QUESTIONS_MAX as QUESTIONS_MAX
from services.surveys.common import REMIND_AT as REMIND_AT
from services.surveys.common import REMIND_BEFORE as REMIND_BEFORE
from services.surveys.common import REMIND_GAP as REMIND_GAP
from services.surveys.common import REMINDER as REMINDER
from services.surveys.common import SCALE_MAX as SCALE_MAX
from services.surveys.common import SCALE_MIN as SCALE_MIN
from services.surveys.common import TEXT_MAX as TEXT_MAX
from services.surveys.common import Translate as Translate
from services.surveys.dates import parse_schedule as parse_schedule
from services.surveys.dates import set_schedule as set_schedule
from services.surveys.dates import zones as zones
from services.surveys.delivery import reminder_times as reminder_times
from services.surveys.delivery import unwanted as unwanted
from services.surveys.draft import create_from_template as create_from_template
from services.surveys.draft import create_poll as create_poll
from services.surveys.draft import create_survey as create_survey
from services.surveys.draft import discard as discard
from services.surveys.editor import add_question as add_question
from services.surveys.editor import get as get
from services.surveys.editor import load as load
from services.surveys.editor import move_question as move_question
from services.surveys.editor import remove_question as remove_question
from services.surveys.editor import set_settings as set_settings
from services.surveys.editor import update_question as update_question
from services.surveys.finishing import finish as finish
from services.surveys.finishing import report_preview as report_preview
from services.surveys.finishing import response_id as response_id
from services.surveys.finishing import vote as vote
from services.surveys.lifecycle import close as close
from services.surveys.lifecycle import close_due as close_due
from services.surveys.lifecycle import open_survey as open_survey
from services.surveys.listing import brief as brief
from services.surveys.listing import mine as mine
from services.surveys.listing import open_for as open_for
from services.surveys.personal import forget_groups as forget_groups
from services.surveys.personal import personal_data as personal_data
from services.surveys.tallies import card_results as card_results
from services.surveys.tallies import figures as figures
from services.surveys.tallies import results as results
from services.surveys.templates import NEEDS as NEEDS
from services.surveys.templates import SATISFACTION as SATISFACTION
from services.surveys.templates import TEMPLATES as TEMPLATES
from services.surveys.templates import YEAREND as YEAREND
from services.surveys.templates import Template as Template
from services.surveys.templates import TemplateKey as TemplateKey
from services.surveys.templates import TemplateQuestion as TemplateQuestion
from services.surveys.views import Answer as Answer
from services.surveys.views import Finished as Finished
from services.surveys.views import LiveCard as LiveCard
from services.surveys.views import Opened as Opened
from services.surveys.views import OptionCount as OptionCount
from services.surveys.views import Progress as Progress
from services.surveys.views import QuestionResult as QuestionResult
from services.surveys.views import QuestionView as QuestionView
from services.surveys.views import ResponseRow as ResponseRow
from services.surveys.views import Results as Results
from services.surveys.views import Schedule as Schedule
from services.surveys.views import Step as Step
from services.surveys.views import SurveyBrief as SurveyBrief
from services.surveys.views import SurveyView as SurveyView
from services.surveys.yearend import COURSES as COURSES
from services.surveys.yearend import DIAGNOSTICS_OPTIONS as DIAGNOSTICS_OPTIONS
from services.surveys.yearend import DIRECTIONS as DIRECTIONS
from services.surveys.yearend import ROUTES_OPTIONS as ROUTES_OPTIONS
from services.surveys.yearend import VENUES as VENUES
from services.surveys.yearend import Course as Course
from services.surveys.yearend import Report as Report
from services.surveys.yearend import forget_reports as forget_reports
from services.surveys.yearend import year_label as year_label
