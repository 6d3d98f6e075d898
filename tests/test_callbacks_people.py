"""Buttons already in people's chats keep working: the strings the code of 5225caa packed
parse to the same action and fields, and packing gives them back byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData

from models import InviteKind, Role
from ui.callbacks.people import (
    BankExport,
    Consent,
    ForgetCb,
    InviteKindCb,
    Lang,
    LangCode,
    MemberAction,
    MemberArg,
    MemberCb,
    ProfileEdit,
    ProfileField,
    ProfileSchool,
    ProfileSet,
    ProfileValue,
    RevokeLinks,
    RosterAdd,
    RosterCb,
    RosterImport,
    SchoolChoice,
)

F = ProfileField


def member(action: MemberAction, arg: MemberArg, page: int) -> dict[str, Any]:
    return {"membership_id": 9, "action": action, "arg": arg, "page": page}


CASES: list[tuple[str, type[CallbackData], dict[str, Any]]] = [
    ("cs:1", Consent, {"agree": True}),
    ("cs:0", Consent, {"agree": False}),
    ("sc:42", SchoolChoice, {"school_id": 42}),
    ("lg:ru", Lang, {"code": LangCode.RU}),
    ("lg:en", Lang, {"code": LangCode.EN}),
    ("fg:1", ForgetCb, {"confirm": True}),
    ("fg:0", ForgetCb, {"confirm": False}),
    ("pf:name", ProfileEdit, {"field": F.NAME}),
    ("pf:subject", ProfileEdit, {"field": F.SUBJECT}),
    ("pf:school", ProfileEdit, {"field": F.SCHOOL}),
    ("pf:education", ProfileEdit, {"field": F.EDUCATION}),
    ("pf:speciality", ProfileEdit, {"field": F.SPECIALITY}),
    ("pf:total_experience_years", ProfileEdit, {"field": F.TOTAL_EXPERIENCE}),
    ("pf:teaching_experience_years", ProfileEdit, {"field": F.TEACHING_EXPERIENCE}),
    ("pf:birth_year", ProfileEdit, {"field": F.BIRTH_YEAR}),
    ("pf:category", ProfileEdit, {"field": F.CATEGORY}),
    ("pf:awards", ProfileEdit, {"field": F.AWARDS}),
    ("pf:titles", ProfileEdit, {"field": F.TITLES}),
    ("pf:language", ProfileEdit, {"field": F.LANGUAGE}),
    ("pv:category:none", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.NONE}),
    ("pv:category:first", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.FIRST}),
    ("pv:category:highest", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.HIGHEST}),
    ("pv:category:methodist", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.METHODIST}),
    ("pv:category:mentor", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.MENTOR}),
    ("pv:category:-", ProfileSet, {"field": F.CATEGORY, "value": ProfileValue.CLEAR}),
    ("pv:education:-", ProfileSet, {"field": F.EDUCATION, "value": ProfileValue.CLEAR}),
    ("pv:speciality:-", ProfileSet, {"field": F.SPECIALITY, "value": ProfileValue.CLEAR}),
    (
        "pv:total_experience_years:-",
        ProfileSet,
        {"field": F.TOTAL_EXPERIENCE, "value": ProfileValue.CLEAR},
    ),
    (
        "pv:teaching_experience_years:-",
        ProfileSet,
        {"field": F.TEACHING_EXPERIENCE, "value": ProfileValue.CLEAR},
    ),
    ("pv:birth_year:-", ProfileSet, {"field": F.BIRTH_YEAR, "value": ProfileValue.CLEAR}),
    ("pv:awards:-", ProfileSet, {"field": F.AWARDS, "value": ProfileValue.CLEAR}),
    ("pv:titles:-", ProfileSet, {"field": F.TITLES, "value": ProfileValue.CLEAR}),
    ("ps:7", ProfileSchool, {"school_id": 7}),
    ("ik:5:member", InviteKindCb, {"association_id": 5, "kind": InviteKind.MEMBER}),
    ("ik:5:secretary", InviteKindCb, {"association_id": 5, "kind": InviteKind.SECRETARY}),
    ("ik:5:deputy", InviteKindCb, {"association_id": 5, "kind": InviteKind.DEPUTY}),
    ("ik:5:group", InviteKindCb, {"association_id": 5, "kind": InviteKind.GROUP}),
    ("ik:5:chair", InviteKindCb, {"association_id": 5, "kind": InviteKind.CHAIR}),
    ("rs:5:2", RosterCb, {"association_id": 5, "page": 2}),
    ("mb:9:open::1", MemberCb, member(MemberAction.OPEN, MemberArg.NONE, 1)),
    ("mb:9:open::0", MemberCb, member(MemberAction.OPEN, MemberArg.NONE, 0)),
    ("mb:9:role:member:1", MemberCb, member(MemberAction.ROLE, MemberArg.MEMBER, 1)),
    ("mb:9:role:secretary:1", MemberCb, member(MemberAction.ROLE, MemberArg.SECRETARY, 1)),
    ("mb:9:role:deputy:1", MemberCb, member(MemberAction.ROLE, MemberArg.DEPUTY, 1)),
    ("mb:9:role:chair:1", MemberCb, member(MemberAction.ROLE, MemberArg.CHAIR, 1)),
    ("mb:9:voting:0:0", MemberCb, member(MemberAction.VOTING, MemberArg.NON_VOTING, 0)),
    ("mb:9:voting:1:3", MemberCb, member(MemberAction.VOTING, MemberArg.VOTING, 3)),
    ("mb:9:link::1", MemberCb, member(MemberAction.LINK, MemberArg.NONE, 1)),
    ("mb:9:remove::1", MemberCb, member(MemberAction.REMOVE, MemberArg.NONE, 1)),
    ("mb:9:remove_ok::1", MemberCb, member(MemberAction.REMOVE_OK, MemberArg.NONE, 1)),
    ("ra:5", RosterAdd, {"association_id": 5}),
    ("rv:5:77", RevokeLinks, {"association_id": 5, "keep": 77}),
    # issue 18: the data bank as XLSX, an XLSX roster's preview, the order and «Нет» buttons
    ("db:5", BankExport, {"association_id": 5}),
    ("ri:5:1", RosterImport, {"association_id": 5, "confirm": True}),
    ("ri:5:0", RosterImport, {"association_id": 5, "confirm": False}),
    ("pf:category_order_date", ProfileEdit, {"field": F.ORDER_DATE}),
    ("pf:category_order_number", ProfileEdit, {"field": F.ORDER_NUMBER}),
    ("pv:awards:0", ProfileSet, {"field": F.AWARDS, "value": ProfileValue.NOTHING}),
]


@pytest.mark.parametrize(("packed", "cls", "fields"), CASES, ids=[c[0] for c in CASES])
def test_old_buttons_parse_to_the_same_action_and_pack_back(
    packed: str, cls: type[CallbackData], fields: dict[str, Any]
) -> None:
    data = cls.unpack(packed)
    for name, expected in fields.items():
        value = getattr(data, name)
        assert value == expected and type(value) is type(expected), (name, value)
    assert data.pack() == packed
    assert cls(**fields).pack() == packed


def test_member_arguments_say_what_they_carry() -> None:
    assert MemberArg.of_role(Role.SECRETARY) is MemberArg.SECRETARY
    assert MemberArg.SECRETARY.role is Role.SECRETARY and MemberArg.VOTING.role is None
    assert MemberArg.of_voting(True) is MemberArg.VOTING
    assert MemberArg.of_voting(False) is MemberArg.NON_VOTING


@pytest.mark.parametrize("packed", ["ik:5:no-such-kind", "lg:de", "pf:nothing", "mb:9:fly::0"])
def test_unknown_codes_do_not_parse(packed: str) -> None:
    classes: dict[str, type[CallbackData]] = {
        "ik": InviteKindCb,
        "lg": Lang,
        "pf": ProfileEdit,
        "mb": MemberCb,
    }
    cls = classes[packed[:2]]
    with pytest.raises(ValueError):
        cls.unpack(packed)
