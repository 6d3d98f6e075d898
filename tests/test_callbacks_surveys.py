"""Buttons already in people's chats keep working: every survey callback string the code of
the base commit (5225caa) produced, as literals, parses to the same action and fields, and
packs back to the same bytes."""

from __future__ import annotations

from typing import Any

import pytest

from models.survey import QuestionKind
from services.surveys import TemplateKey
from ui.callbacks.surveys import EditAction, SurveyAction, SurveyCb, SurveyEdit

A = SurveyAction
E = EditAction

SURVEY_CB: list[tuple[str, SurveyAction, dict[str, int]]] = [
    ("sv:start:17:0:0", A.START, {"survey_id": 17}),
    ("sv:go:17:2:0", A.GO, {"survey_id": 17, "pos": 2}),
    ("sv:one:17:1:0", A.ONE, {"survey_id": 17, "pos": 1, "arg": 0}),
    ("sv:scale:17:3:5", A.SCALE, {"survey_id": 17, "pos": 3, "arg": 5}),
    ("sv:tog:17:2:3", A.TOGGLE, {"survey_id": 17, "pos": 2, "arg": 3}),
    ("sv:many:17:2:0", A.MANY, {"survey_id": 17, "pos": 2}),
    ("sv:other:17:1:0", A.OTHER, {"survey_id": 17, "pos": 1}),
    ("sv:skip:17:4:0", A.SKIP, {"survey_id": 17, "pos": 4}),
    ("sv:finish:17:0:0", A.FINISH, {"survey_id": 17}),
    ("sv:res:17:0:0", A.RESULTS, {"survey_id": 17}),
    ("sv:chart:17:0:0", A.CHART, {"survey_id": 17}),
    ("sv:xlsx:17:0:0", A.XLSX, {"survey_id": 17}),
    ("sv:close:17:0:0", A.CLOSE, {"survey_id": 17}),
    ("sv:edit:17:0:0", A.EDIT, {"survey_id": 17}),
]

SURVEY_EDIT: list[tuple[str, EditAction, dict[str, Any]]] = [
    ("se:tpl:0:5:needs:0", E.TEMPLATE, {"arg": 5, "value": TemplateKey.NEEDS}),
    ("se:tpl:0:5:satisfaction:0", E.TEMPLATE, {"arg": 5, "value": TemplateKey.SATISFACTION}),
    ("se:tpl:0:5:yearend:0", E.TEMPLATE, {"arg": 5, "value": TemplateKey.YEAREND}),
    ("se:blank:0:5::0", E.BLANK, {"arg": 5}),
    ("se:add:9:0:single:3", E.ADD, {"value": QuestionKind.SINGLE}),
    ("se:add:9:0:multiple:3", E.ADD, {"value": QuestionKind.MULTIPLE}),
    ("se:add:9:0:scale:3", E.ADD, {"value": QuestionKind.SCALE}),
    ("se:add:9:0:short:3", E.ADD, {"value": QuestionKind.SHORT}),
    ("se:add:9:0:long:3", E.ADD, {"value": QuestionKind.LONG}),
    ("se:del:9:2::3", E.DELETE, {"arg": 2}),
    ("se:req:9:2::3", E.REQUIRED, {"arg": 2}),
    ("se:up:9:2::3", E.UP, {"arg": 2}),
    ("se:q:9:2::3", E.QUESTION, {"arg": 2}),
    ("se:text:9:2::3", E.REWORD, {"arg": 2}),
    ("se:multi:9:0::3", E.MULTIPLE, {}),
    ("se:other:9:0::3", E.OTHER, {}),
    ("se:anon:9:0::3", E.ANONYMOUS, {}),
    ("se:days:9:7::3", E.DAYS, {"arg": 7}),
    ("se:aud:9:0::3", E.AUDIENCE, {}),
    ("se:audt:9:12::3", E.AUDIENCE_TOGGLE, {"arg": 12}),
    ("se:audall:9:4::3", E.AUDIENCE_SERVICE, {"arg": 4}),
    ("se:dates:9:0::3", E.DATES, {}),
    ("se:back:9:2::3", E.BACK, {"arg": 2}),
    ("se:back:9:0::3", E.BACK, {}),
    ("se:send:9:0::3", E.SEND, {}),
    ("se:drop:9:0::3", E.DROP, {}),
]


@pytest.mark.parametrize(("packed", "action", "fields"), SURVEY_CB)
def test_survey_cb_strings_of_the_base_commit(
    packed: str, action: SurveyAction, fields: dict[str, int]
) -> None:
    found = SurveyCb.unpack(packed)
    assert found.action is action
    expected = {"survey_id": 0, "pos": 0, "arg": 0, **fields}
    assert (found.survey_id, found.pos, found.arg) == (
        expected["survey_id"],
        expected["pos"],
        expected["arg"],
    )
    assert found.pack() == packed
    assert SurveyCb(action=action, **fields).pack() == packed


@pytest.mark.parametrize(("packed", "action", "fields"), SURVEY_EDIT)
def test_survey_edit_strings_of_the_base_commit(
    packed: str, action: EditAction, fields: dict[str, Any]
) -> None:
    found = SurveyEdit.unpack(packed)
    assert found.action is action
    survey_id = 0 if action in (E.TEMPLATE, E.BLANK) else 9
    version = 0 if action in (E.TEMPLATE, E.BLANK) else 3
    assert found.survey_id == survey_id and found.version == version
    assert found.arg == fields.get("arg", 0)
    value = fields.get("value")
    assert found.value == value and type(found.value) is type(value)
    assert found.pack() == packed
    rebuilt = SurveyEdit(action=action, survey_id=survey_id, version=version, **fields)
    assert rebuilt.pack() == packed


def test_each_action_is_covered() -> None:
    assert {a for _, a, _ in SURVEY_CB} == set(SurveyAction)
    assert {a for _, a, _ in SURVEY_EDIT} == set(EditAction)


def test_edit_fields_read_by_their_meaning() -> None:
    add = SurveyEdit.unpack("se:add:9:0:scale:3")
    assert add.kind is QuestionKind.SCALE and add.template is None
    tpl = SurveyEdit.unpack("se:tpl:0:5:needs:0")
    assert tpl.template is TemplateKey.NEEDS and tpl.kind is None
    assert tpl.association_id == 5
    assert SurveyEdit.unpack("se:audall:9:4::3").service_id == 4
    assert SurveyEdit.unpack("se:days:9:7::3").days == 7
    assert SurveyEdit.unpack("se:up:9:2::3").position == 2
    assert SurveyEdit.unpack("se:send:9:0::3").value is None


@pytest.mark.parametrize(
    "forged", ["sv:nope:17:0:0", "se:nope:9:0::3", "se:add:9:0:weird:3", "sv:one:-1:0:0"]
)
def test_unknown_codes_are_refused(forged: str) -> None:
    cls = SurveyCb if forged.startswith("sv:") else SurveyEdit
    with pytest.raises(ValueError):
        cls.unpack(forged)
