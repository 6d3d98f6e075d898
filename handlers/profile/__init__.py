"""/profile (view and edit every field: name, school, subject, the data bank of members),
/language, /mydata (a JSON file), /forget (after confirmation).

card     the profile card, the FSM states
fields   name, subject, the data bank, the category
school   the school from the directory or typed
account  language, data export, /forget
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter

from handlers.profile import account, card, fields, school
from handlers.profile.card import EditProfile as EditProfile
from handlers.profile.card import category_label as category_label
from handlers.ui import MENU_PROFILE, MenuButton, WizardText
from ui.callbacks.common import Pick, Picker, PickPage, PickStep
from ui.callbacks.people import (
    DETAIL_FIELDS,
    ForgetCb,
    Lang,
    ProfileEdit,
    ProfileField,
    ProfileSchool,
    ProfileSet,
    ProfileValue,
)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(card.show, Command("profile"), StateFilter("*"))
    router.message.register(card.show, MenuButton(MENU_PROFILE), StateFilter("*"))
    router.callback_query.register(
        fields.ask_field,
        ProfileEdit.filter(F.field.in_({ProfileField.NAME, ProfileField.SUBJECT})),
    )
    router.message.register(fields.name_typed, EditProfile.name, WizardText())
    router.message.register(fields.subject_typed, EditProfile.subject, WizardText())
    router.callback_query.register(
        fields.ask_detail, ProfileEdit.filter(F.field.in_(DETAIL_FIELDS))
    )
    router.message.register(fields.detail_typed, EditProfile.detail, WizardText())
    router.callback_query.register(
        fields.ask_category, ProfileEdit.filter(F.field == ProfileField.CATEGORY)
    )
    router.callback_query.register(
        fields.clear_field, ProfileSet.filter(F.value == ProfileValue.CLEAR)
    )
    router.callback_query.register(
        fields.nothing_chosen, ProfileSet.filter(F.value == ProfileValue.NOTHING)
    )
    router.callback_query.register(
        fields.category_chosen, ProfileSet.filter(F.field == ProfileField.CATEGORY)
    )
    router.callback_query.register(
        school.ask_school, ProfileEdit.filter(F.field == ProfileField.SCHOOL)
    )
    router.callback_query.register(
        school.municipality_page, PickPage.filter(F.what == Picker.SCHOOL_MUNICIPALITY)
    )
    router.callback_query.register(
        school.municipality_chosen, Pick.filter(F.what == PickStep.SCHOOL_MUNICIPALITY)
    )
    router.callback_query.register(school.school_chosen, ProfileSchool.filter())
    router.message.register(school.school_typed, EditProfile.school, WizardText())
    router.message.register(account.language, Command("language"), StateFilter("*"))
    router.callback_query.register(
        account.language_from_profile, ProfileEdit.filter(F.field == ProfileField.LANGUAGE)
    )
    router.callback_query.register(account.language_chosen, Lang.filter())
    router.message.register(account.my_data, Command("mydata"), StateFilter("*"))
    router.message.register(account.forget, Command("forget"), StateFilter("*"))
    router.callback_query.register(account.forget_confirmed, ForgetCb.filter())
    return router


def setup_hints() -> Router:
    """Included after every feature router."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(school.edit_hint, StateFilter(EditProfile))
    return hints
