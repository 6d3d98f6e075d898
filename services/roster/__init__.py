"""The roster of an association: members (joined or not yet), roles, personal links.

views    a page of the roster, one member's row, what the viewer may do with a member
parsing  roster lists typed or sent as a CSV file
xlsx     a roster sent as an XLSX workbook, checked row by row and column
adding   adding people with personal links, a fresh personal link
changes  role, voting, removal
access   loading what a use case acts on
queries  the select builders
"""

from services.roster.adding import PersonalLink as PersonalLink
from services.roster.adding import RosterAdded as RosterAdded
from services.roster.adding import RosterPreview as RosterPreview
from services.roster.adding import add_people as add_people
from services.roster.adding import name_key as name_key
from services.roster.adding import personal_link as personal_link
from services.roster.adding import preview_people as preview_people
from services.roster.changes import change_role as change_role
from services.roster.changes import remove as remove
from services.roster.changes import set_voting as set_voting
from services.roster.parsing import MAX_ROSTER_BYTES as MAX_ROSTER_BYTES
from services.roster.parsing import MAX_ROSTER_ROWS as MAX_ROSTER_ROWS
from services.roster.parsing import RosterEntry as RosterEntry
from services.roster.parsing import parse_roster as parse_roster
from services.roster.parsing import parse_roster_file as parse_roster_file
from services.roster.views import ROLE_ORDER as ROLE_ORDER
from services.roster.views import MemberActions as MemberActions
from services.roster.views import RosterPage as RosterPage
from services.roster.views import RosterRow as RosterRow
from services.roster.views import association_of as association_of
from services.roster.views import get_row as get_row
from services.roster.views import member_actions as member_actions
from services.roster.views import roster_page as roster_page
from services.roster.views import row_to_remove as row_to_remove
from services.roster.xlsx import parse_roster_xlsx as parse_roster_xlsx
