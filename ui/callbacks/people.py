"""Typed callback data of onboarding, the profile, invites and the roster.

Ids only, well under Telegram's 64 bytes. Every code below is what buttons already in
people's chats carry (tests/test_callbacks_people.py holds them as literals)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from models import InviteKind, Role
from ui.callbacks.base import Id, Page


class Consent(CallbackData, prefix="cs"):
    agree: bool


class SchoolChoice(CallbackData, prefix="sc"):
    school_id: Id


class LangCode(enum.StrEnum):
    RU = "ru"
    EN = "en"


class Lang(CallbackData, prefix="lg"):
    code: LangCode


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class ProfileField(enum.StrEnum):
    """A button of the profile: which field to edit (the data-bank ones are named as
    `services.people.Detail`)."""

    NAME = "name"
    SUBJECT = "subject"
    SCHOOL = "school"
    EDUCATION = "education"
    SPECIALITY = "speciality"
    TOTAL_EXPERIENCE = "total_experience_years"
    TEACHING_EXPERIENCE = "teaching_experience_years"
    BIRTH_YEAR = "birth_year"
    CATEGORY = "category"
    ORDER_DATE = "category_order_date"  # the order that set the category
    ORDER_NUMBER = "category_order_number"
    AWARDS = "awards"
    TITLES = "titles"
    LANGUAGE = "language"


# The typed fields of the data bank (asked as text, cleared with a button).
DETAIL_FIELDS = frozenset(
    {
        ProfileField.EDUCATION,
        ProfileField.SPECIALITY,
        ProfileField.TOTAL_EXPERIENCE,
        ProfileField.TEACHING_EXPERIENCE,
        ProfileField.BIRTH_YEAR,
        ProfileField.AWARDS,
        ProfileField.TITLES,
        ProfileField.ORDER_DATE,
        ProfileField.ORDER_NUMBER,
    }
)


class ProfileEdit(CallbackData, prefix="pf"):
    field: ProfileField


class ProfileValue(enum.StrEnum):
    """What a profile button sets: a category (as `models.Category`), or clears the field."""

    NONE = "none"
    FIRST = "first"
    HIGHEST = "highest"
    METHODIST = "methodist"  # педагог-методист
    MENTOR = "mentor"  # педагог-наставник
    CLEAR = "-"
    NOTHING = "0"  # awards, titles: «нет» (an answer, not a gap in the data bank)


class ProfileSet(CallbackData, prefix="pv"):
    """A profile field set by a button: the category, or a field cleared (`CLEAR`)."""

    field: ProfileField  # the category or a data-bank field
    value: ProfileValue


class ProfileSchool(CallbackData, prefix="ps"):
    """A school of the directory chosen in /profile."""

    school_id: Id


class InviteKindCb(CallbackData, prefix="ik"):
    association_id: Id
    kind: InviteKind


class RosterCb(CallbackData, prefix="rs"):
    association_id: Id
    page: Page


class MemberAction(enum.StrEnum):
    OPEN = "open"
    ROLE = "role"  # arg: the new role
    VOTING = "voting"  # arg: VOTING or NON_VOTING
    LINK = "link"
    REMOVE = "remove"  # asks
    REMOVE_OK = "remove_ok"  # confirmed


class MemberArg(enum.StrEnum):
    """The argument of a member action: none, the role to give, or the voting flag."""

    NONE = ""
    NON_VOTING = "0"
    VOTING = "1"
    MEMBER = "member"
    SECRETARY = "secretary"
    DEPUTY = "deputy"
    CHAIR = "chair"

    @classmethod
    def of_role(cls, role: Role) -> MemberArg:
        return cls(role.value)

    @property
    def role(self) -> Role | None:
        return Role(self.value) if self.value in set(Role) else None

    @classmethod
    def of_voting(cls, voting: bool) -> MemberArg:
        return cls.VOTING if voting else cls.NON_VOTING


class MemberCb(CallbackData, prefix="mb"):
    """An action on one membership."""

    membership_id: Id
    action: MemberAction
    arg: MemberArg = MemberArg.NONE
    page: Page = 0


class RosterAdd(CallbackData, prefix="ra"):
    association_id: Id


class BankExport(CallbackData, prefix="db"):
    """The association's data bank of members as XLSX (issue 18, item 4)."""

    association_id: Id


class RosterImport(CallbackData, prefix="ri"):
    """The preview of a roster sent as XLSX: add its people (`confirm`) or not."""

    association_id: Id
    confirm: bool


class RevokeLinks(CallbackData, prefix="rv"):
    """Revoke the association's reusable member links, except the one just made (`keep`)."""

    association_id: Id
    keep: Id
