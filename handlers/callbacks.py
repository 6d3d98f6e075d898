"""Typed callback data: ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class Pick(CallbackData, prefix="pk"):
    """A choice inside a wizard: `what` names the step, `value` the chosen id or code."""

    what: str
    value: str


class AssocPick(CallbackData, prefix="ap"):
    """An association chosen for an action (`members`, `invite`)."""

    action: str
    association_id: int


class InviteKindCb(CallbackData, prefix="ik"):
    association_id: int
    kind: str


class RosterCb(CallbackData, prefix="rs"):
    association_id: int
    page: int


class MemberCb(CallbackData, prefix="mb"):
    """An action on one membership: open, role, voting, link, remove, remove_ok."""

    membership_id: int
    action: str
    arg: str = ""
    page: int = 0


class RosterAdd(CallbackData, prefix="ra"):
    association_id: int


class Consent(CallbackData, prefix="cs"):
    agree: bool


class SchoolChoice(CallbackData, prefix="sc"):
    school_id: int


class SchoolReview(CallbackData, prefix="sr"):
    school_id: int
    approve: bool


class Lang(CallbackData, prefix="lg"):
    code: str


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class ProfileEdit(CallbackData, prefix="pf"):
    field: str


class AnnounceTarget(CallbackData, prefix="at"):
    """Where an announcement goes: an association, or (0 there) a whole service."""

    association_id: int
    service_id: int


class AnnounceCb(CallbackData, prefix="an"):
    """send, edit or discard a draft announcement."""

    action: str
    draft_id: int


class RevokeLinks(CallbackData, prefix="rv"):
    """Revoke the association's reusable member links, except the one just made (`keep`)."""

    association_id: int
    keep: int


class PickPage(CallbackData, prefix="pgn"):
    """Another page of a long picker; `what` names the picker (`members`, `mun`…)."""

    what: str
    page: int


class ProfileSet(CallbackData, prefix="pv"):
    """A profile field set by a button: the category (`none`, `first`, `highest`), or
    `-`: clear the field."""

    field: str
    value: str


class ProfileSchool(CallbackData, prefix="ps"):
    """A school of the directory chosen in /profile."""

    school_id: int


class DirectoryAdd(CallbackData, prefix="da"):
    """Add schools to a municipality's directory (0: ask which municipality first)."""

    municipality_id: int


class DirectoryDone(CallbackData, prefix="dd"):
    """Stop adding schools to the directory."""

    municipality_id: int


class MeetingCb(CallbackData, prefix="mt"):
    """An action on a meeting: yes / no / propose (members), card / remind / end / cancel /
    move / place / confirm (managers)."""

    action: str
    meeting_id: int


class ProposalCb(CallbackData, prefix="pp"):
    """accept / reject a proposal; keep (move the ballot deadline) / defer (next meeting)."""

    action: str
    proposal_id: int


class DraftCb(CallbackData, prefix="dr"):
    """A step of the meeting wizard on one draft; `version` is the draft's version the
    button was made for, so a stale button cannot overwrite a newer draft."""

    action: str
    meeting_id: int
    version: int
    arg: str = ""


class AgendaCb(CallbackData, prefix="ag"):
    """Remove (or start adding) a question of a published meeting."""

    action: str
    meeting_id: int
    item_id: int = 0


class AttendCb(CallbackData, prefix="ck"):
    """in / online (a member's check-in); open / openc (with a code) / close / roll / quorum
    (the chair's or secretary's)."""

    action: str
    meeting_id: int


class RollCb(CallbackData, prefix="rl"):
    """The secretary's roll: set one member's mark (p present, a absent, e excused, page)."""

    meeting_id: int
    person_id: int
    mark: str
    page: int = 0


class VoteCb(CallbackData, prefix="vt"):
    """A member's vote on a question (f / a / s), in the room or on the ballot."""

    item_id: int
    choice: str


class VoteAdmin(CallbackData, prefix="va"):
    """The chair's votes: open / close the vote on a question; "hand": the secretary's list
    of roll-marked members whose votes are recorded by hand."""

    action: str
    item_id: int


class HandCb(CallbackData, prefix="vh"):
    """The secretary records by hand the open vote of a member marked present on the roll."""

    item_id: int
    person_id: int
    choice: str  # f / a / s


class BallotCb(CallbackData, prefix="bl"):
    """Start (or go on with) the ballot of a meeting; with `item_id`, answer that question
    again."""

    meeting_id: int
    item_id: int = 0


class ProtoCb(CallbackData, prefix="pr"):
    """An action on a protocol: open, heard, decision, guests, noguests, files, nofiles,
    preview, sign, correct, get (download); `arg` a question's number or the revision."""

    action: str
    protocol_id: int
    arg: int = 0


class ProtoList(CallbackData, prefix="pl"):
    """/protocols: an association's school year, or its ZIP export."""

    action: str  # year | zip
    association_id: int
    year: int = 0


class RecipCb(CallbackData, prefix="rc"):
    """Interested persons of an association: list, add (from contacts), rm, stop (the
    recipient unsubscribes)."""

    action: str
    association_id: int
    chat_id: int = 0


class SurveyCb(CallbackData, prefix="sv"):
    """Answering and results: start, go (to `pos`), one/scale (`arg` the option or value),
    tog/many (multiple choice), other, skip, finish; res, chart, xlsx, close, edit."""

    action: str
    survey_id: int
    pos: int = 0
    arg: int = 0


class SurveyEdit(CallbackData, prefix="se"):
    """The author's draft: tpl/blank (`arg` the association), add (`value` the kind), del,
    req, up, q, text (`arg` a question), multi, other, anon, days (`arg`), aud, audt,
    audall, dates, back, send, drop."""

    action: str
    survey_id: int
    arg: int = 0
    value: str = ""
    version: int = 0
