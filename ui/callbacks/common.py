"""Typed callback data of shared pickers, the school directory and announcements.

Ids only, well under Telegram's 64 bytes. The codes below are the ones buttons already in
people's chats carry (tests/test_callbacks_common.py holds them)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from ui.callbacks.base import Id, Page, Token


class PickStep(StrEnum):
    """The wizard step a `Pick` answers; it says which options `Pick.value` names."""

    SERVICE = "msvc"  # /newmunicipality: the service (an id)
    METHODIST_SERVICE = "meth"  # /newmethodist: the service (an id)
    MUNICIPALITY = "mun"  # /newassociation: the municipality (an id)
    SCHOOL_MUNICIPALITY = "psm"  # the profile's school: its municipality (an id)
    MUNICIPALITY_TIMEZONE = "mtz"  # /newmunicipality: an IANA time zone
    TIMEZONE = "tz"  # /newassociation: an IANA time zone
    KIND = "kind"  # /newassociation: an AssociationKind's code
    SUBJECT = "subject"  # /newassociation: SKIP, the subject left out
    CENTRE_SERVICE = "csvc"  # /centre: the service to group under a centre (an id)


ID_STEPS = frozenset(
    {
        PickStep.SERVICE,
        PickStep.METHODIST_SERVICE,
        PickStep.MUNICIPALITY,
        PickStep.SCHOOL_MUNICIPALITY,
        PickStep.CENTRE_SERVICE,
    }
)
"""The steps that pick a row: their options are ids."""

SKIP = "-"
"""`Pick(what=PickStep.SUBJECT, value=SKIP)`: the optional answer left out."""


class Pick(CallbackData, prefix="pk"):
    """A choice inside a wizard: `what` names the step, `value` the chosen option.

    `value` has one meaning: the chosen option's key as the step's option list spells it, a
    row's id in digits at the steps of `ID_STEPS` (read it as an int with `chosen_id`), a
    code at the others (a time zone, an association kind, `SKIP`); `pk:<step>:<key>` is the
    string buttons already carry. It stays a `Token` rather than `Id | Token` (an int for
    digits) because handlers of other features read it as text (`handlers/profile.py`:
    `value.isdigit()`); and no validator ties a key to its step, so a forged key still
    reaches the step's handler, which refuses it as it does today (STALE or FORBIDDEN)."""

    what: PickStep
    value: Token

    @classmethod
    def of_id(cls, what: PickStep, row_id: int) -> Pick:
        """The button choosing row `row_id` at a step of `ID_STEPS`."""
        assert what in ID_STEPS, what
        return cls(what=what, value=str(row_id))

    @property
    def chosen_id(self) -> int | None:
        """The chosen row's id at a step of `ID_STEPS`; None for a key that is no id (a
        forged button) or a step that picks a code."""
        if self.what not in ID_STEPS or not self.value.isdigit():
            return None
        return int(self.value)


class AssocAction(StrEnum):
    """What an association is chosen for (`AssocPick`); an association picker's pages are
    `PickPage` with the `Picker` of the same code."""

    MEMBERS = "members"
    INVITE = "invite"
    POLL = "poll"
    SURVEY = "survey"
    MEETING = "meeting"
    PROTOCOLS = "protocols"
    PLAN = "plan"
    ANALYSIS = "analysis"


class AssocPick(CallbackData, prefix="ap"):
    """An association chosen for an action."""

    action: AssocAction
    association_id: Id


class Picker(StrEnum):
    """A long picker that has pages (`PickPage`): the `PickStep` it offers, the association
    picker of an `AssocAction` (same codes), or the school directory's municipalities."""

    SERVICE = PickStep.SERVICE.value
    METHODIST_SERVICE = PickStep.METHODIST_SERVICE.value
    MUNICIPALITY = PickStep.MUNICIPALITY.value
    SCHOOL_MUNICIPALITY = PickStep.SCHOOL_MUNICIPALITY.value
    CENTRE_SERVICE = PickStep.CENTRE_SERVICE.value
    DIRECTORY_MUNICIPALITY = "dmun"  # /schools: whose directory schools are added to
    MEMBERS = AssocAction.MEMBERS.value
    INVITE = AssocAction.INVITE.value
    POLL = AssocAction.POLL.value
    SURVEY = AssocAction.SURVEY.value
    MEETING = AssocAction.MEETING.value
    PROTOCOLS = AssocAction.PROTOCOLS.value
    PLAN = AssocAction.PLAN.value
    ANALYSIS = AssocAction.ANALYSIS.value


class PickPage(CallbackData, prefix="pgn"):
    """Another page of a long picker."""

    what: Picker
    page: Page


class SchoolReview(CallbackData, prefix="sr"):
    school_id: Id
    approve: bool


class DirectoryAdd(CallbackData, prefix="da"):
    """Add schools to a municipality's directory (0: ask which municipality first)."""

    municipality_id: Id


class DirectoryDone(CallbackData, prefix="dd"):
    """Stop adding schools to the directory."""

    municipality_id: Id


class AnnounceTarget(CallbackData, prefix="at"):
    """Where an announcement goes: an association, or (0 there) a whole service."""

    association_id: Id
    service_id: Id


class AnnounceAction(StrEnum):
    SEND = "send"
    EDIT = "edit"
    DISCARD = "discard"


class AnnounceCb(CallbackData, prefix="an"):
    """Send, edit or discard a draft announcement."""

    action: AnnounceAction
    draft_id: Id


class CentreCb(CallbackData, prefix="cg"):
    """/centre (the administrator's): group `service_id` under `centre_id` (0: detach it)."""

    service_id: Id
    centre_id: Id


class AudienceAction(StrEnum):
    TOGGLE = "t"  # tick or untick `service_id`
    ALL = "a"  # tick every service
    CHAIRS = "c"  # the chairs only, or every member
    NEXT = "n"  # on to the text


class AudienceCb(CallbackData, prefix="au"):
    """A centre's announcement: the services chosen (✅) and who receives it."""

    action: AudienceAction
    centre_id: Id
    service_id: Id = 0
