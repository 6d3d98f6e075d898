"""Invite links: issue, preview, redeem (registration), and link a group chat.

Privileged links (chair, deputy, secretary, methodist, group) are single-use and expire within
days; association member links are reusable until they expire; a personal link binds one
roster row to the account that opens it.

rules         lifetimes, the role each kind grants, ranks, tokens
links         issuing and revoking links; which kinds a person may issue
preview       the checks of a link and what opening it means
registration  redeem: register through a link
groups        an association's group chat
queries       the select builders
"""

from services.invites.groups import link_group as link_group
from services.invites.groups import migrate_group as migrate_group
from services.invites.groups import unlink_group as unlink_group
from services.invites.links import NEEDS as NEEDS
from services.invites.links import InviteLink as InviteLink
from services.invites.links import create_link as create_link
from services.invites.links import create_methodist_link as create_methodist_link
from services.invites.links import issue as issue
from services.invites.links import kinds_for as kinds_for
from services.invites.links import may_invite as may_invite
from services.invites.links import revoke_member_links as revoke_member_links
from services.invites.preview import InvitePreview as InvitePreview
from services.invites.preview import preview as preview
from services.invites.registration import Joined as Joined
from services.invites.registration import Registration as Registration
from services.invites.registration import redeem as redeem
from services.invites.rules import PERSONAL_TTL as PERSONAL_TTL
from services.invites.rules import RANK as RANK
from services.invites.rules import ROLE_OF as ROLE_OF
from services.invites.rules import TTL as TTL
from services.invites.rules import new_token as new_token
