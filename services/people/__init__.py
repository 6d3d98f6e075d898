"""Persons and identities: the sender of an update, the profile, the person's school,
language, data export and /forget, where to reach people.

actor     the sender of an update loaded by one query (`load_me`, `load_actor`)
profile   the profile and its fields (name, subject, language, the data bank)
school    the person's school from the directory or typed
privacy   /mydata and /forget
delivery  chat, language and reachability of people to message
views     what the help page offers a person
queries   the select builders
"""

from services.people.actor import TELEGRAM as TELEGRAM
from services.people.actor import Me as Me
from services.people.actor import MembershipView as MembershipView
from services.people.actor import actor_of_person as actor_of_person
from services.people.actor import load_actor as load_actor
from services.people.actor import load_me as load_me
from services.people.delivery import DeliveryTarget as DeliveryTarget
from services.people.delivery import delivery_targets as delivery_targets
from services.people.delivery import mark_reachable as mark_reachable
from services.people.privacy import export_data as export_data
from services.people.privacy import forget as forget
from services.people.profile import BIRTH_YEAR_MIN as BIRTH_YEAR_MIN
from services.people.profile import LOCALES as LOCALES
from services.people.profile import LONG_TEXT_MAX as LONG_TEXT_MAX
from services.people.profile import MIN_AGE as MIN_AGE
from services.people.profile import ORDER_NUMBER_MAX as ORDER_NUMBER_MAX
from services.people.profile import YEARS_MAX as YEARS_MAX
from services.people.profile import Detail as Detail
from services.people.profile import Profile as Profile
from services.people.profile import check_detail as check_detail
from services.people.profile import check_order_date as check_order_date
from services.people.profile import check_order_number as check_order_number
from services.people.profile import get_profile as get_profile
from services.people.profile import set_category as set_category
from services.people.profile import set_detail as set_detail
from services.people.profile import set_locale as set_locale
from services.people.profile import update_name as update_name
from services.people.profile import update_subject as update_subject
from services.people.school import Place as Place
from services.people.school import choose_school as choose_school
from services.people.school import school_municipalities as school_municipalities
from services.people.school import school_options as school_options
from services.people.school import type_school as type_school
from services.people.views import Abilities as Abilities
from services.people.views import abilities as abilities
