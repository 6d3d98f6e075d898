"""/members: the roster, paginated; a member's card (role, voting, personal link, remove);
adding roster people by typing one per line or sending a CSV or XLSX file (previewed);
the data bank as XLSX.

roster  the list and its pages
card    one member's card and its actions
adding  adding people, their personal links
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter

from handlers.members import adding, card
from handlers.members import roster as roster_list
from handlers.members.adding import AddPeople as AddPeople
from handlers.ui import MENU_MEMBERS, MenuButton, WizardText
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage
from ui.callbacks.people import (
    BankExport,
    MemberAction,
    MemberCb,
    RosterAdd,
    RosterCb,
    RosterImport,
)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(roster_list.begin, Command("members"), StateFilter("*"))
    router.message.register(roster_list.begin, MenuButton(MENU_MEMBERS), StateFilter("*"))
    router.callback_query.register(
        roster_list.picker_page, PickPage.filter(F.what == Picker.MEMBERS)
    )
    router.callback_query.register(
        roster_list.picked, AssocPick.filter(F.action == AssocAction.MEMBERS)
    )
    router.callback_query.register(roster_list.turn_page, RosterCb.filter())
    router.callback_query.register(roster_list.bank, BankExport.filter())
    router.callback_query.register(card.open_card, MemberCb.filter(F.action == MemberAction.OPEN))
    router.callback_query.register(card.set_role, MemberCb.filter(F.action == MemberAction.ROLE))
    router.callback_query.register(
        card.set_voting, MemberCb.filter(F.action == MemberAction.VOTING)
    )
    router.callback_query.register(
        card.personal_link, MemberCb.filter(F.action == MemberAction.LINK)
    )
    router.callback_query.register(
        card.ask_remove, MemberCb.filter(F.action == MemberAction.REMOVE)
    )
    router.callback_query.register(card.remove, MemberCb.filter(F.action == MemberAction.REMOVE_OK))
    router.callback_query.register(adding.ask_people, RosterAdd.filter())
    router.message.register(adding.people_typed, AddPeople.lines, WizardText())
    router.message.register(adding.people_file, AddPeople.lines, F.document)
    router.callback_query.register(adding.import_decided, RosterImport.filter())
    return router


def setup_hints() -> Router:
    """Included after every feature router."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(adding.people_hint, AddPeople.lines)
    hints.message.register(adding.confirm_hint, AddPeople.confirm)
    return hints
