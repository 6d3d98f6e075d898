"""/members: the roster, paginated; a member's card (role, voting, personal link, remove);
adding roster people by typing one per line."""

from __future__ import annotations

import csv
import html
import io

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render, split_message
from handlers.ui import (
    MENU_MEMBERS,
    MenuButton,
    WizardText,
    association_picker,
    edit,
    inline,
    quote,
    role_label,
    short,
    show_page,
    start_link,
)
from models import Role
from services import associations, roster
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, may_manage_role
from ui.callbacks.common import AssocPick, PickPage
from ui.callbacks.people import MemberCb, RosterAdd, RosterCb

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")  # included after every feature router
hints.message.filter(F.chat.type == "private")
PER_PAGE = 10
LINKS_IN_TEXT = 15  # more personal links than this come as a CSV file
SHOW_SKIPPED = 20
CAPTION_LIMIT = 1024  # Telegram's limit for a document caption, after entities


class AddPeople(StatesGroup):
    lines = State()


@router.message(Command("members"), StateFilter("*"))
@router.message(MenuButton(MENU_MEMBERS), StateFilter("*"))
async def begin(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) == 1:
        text, kb = await _page(session, actor, found[0].id, 0)
        await message.answer(text, reply_markup=kb)
        return
    await message.answer(_("Whose roster?"), reply_markup=association_picker(found, "members"))


async def _page(
    session: AsyncSession, actor: Actor, association_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    data = await roster.roster_page(session, actor, association_id, page, PER_PAGE)
    text = render(
        "roster.html",
        r=data,
        rows=[
            {
                "n": data.page * PER_PAGE + i + 1,
                "name": row.full_name,
                "role": role_label(row.role),
                "school": row.school,
                "joined": row.joined,
                "reachable": row.reachable,
                "voting": row.voting,
            }
            for i, row in enumerate(data.rows)
        ],
    )
    kb = InlineKeyboardBuilder()
    for i, row in enumerate(data.rows):
        kb.button(
            text=f"{data.page * PER_PAGE + i + 1}. {row.full_name}"[:60],
            callback_data=MemberCb(membership_id=row.membership_id, action="open", page=data.page),
        )
    kb.adjust(1)
    nav = InlineKeyboardBuilder()
    if data.page > 0:
        nav.button(
            text="◀️", callback_data=RosterCb(association_id=association_id, page=data.page - 1)
        )
    if data.page + 1 < data.pages:
        nav.button(
            text="▶️", callback_data=RosterCb(association_id=association_id, page=data.page + 1)
        )
    kb.attach(nav)
    kb.row()
    kb.button(text=_("➕ Add people"), callback_data=RosterAdd(association_id=association_id))
    return text, kb.as_markup()


@router.callback_query(PickPage.filter(F.what == "members"))
async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.EDIT_ROSTER)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, association_picker(found, "members", callback_data.page))


@router.callback_query(AssocPick.filter(F.action == "members"))
async def picked(
    query: CallbackQuery, callback_data: AssocPick, session: AsyncSession, actor: Actor
) -> None:
    text, kb = await _page(session, actor, callback_data.association_id, 0)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(text, reply_markup=kb)


@router.callback_query(RosterCb.filter())
async def turn_page(
    query: CallbackQuery, callback_data: RosterCb, session: AsyncSession, actor: Actor
) -> None:
    text, kb = await _page(session, actor, callback_data.association_id, callback_data.page)
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(query.message, text, kb)


def _appoint_label(role: Role) -> str:
    """One msgid per role: Russian puts each in its own case («Назначить секретарём»)."""
    return {
        Role.MEMBER: _("Make an ordinary member"),
        Role.SECRETARY: _("Make secretary"),
        Role.DEPUTY: _("Make deputy chair"),
        Role.CHAIR: _("Make chair"),
    }[role]


def _card_keyboard(
    actor: Actor, row: roster.RosterRow, scope: Scope, page: int, association_id: int
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for role in (Role.MEMBER, Role.SECRETARY, Role.DEPUTY, Role.CHAIR):
        if role is not row.role and may_manage_role(actor, scope, row.role, role):
            kb.button(
                text=_appoint_label(role),
                callback_data=MemberCb(
                    membership_id=row.membership_id, action="role", arg=role.value, page=page
                ),
            )
    if may_manage_role(actor, scope, row.role, row.role):
        kb.button(
            text=_("Mark as non-voting (guest)") if row.voting else _("Mark as voting"),
            callback_data=MemberCb(
                membership_id=row.membership_id,
                action="voting",
                arg="0" if row.voting else "1",
                page=page,
            ),
        )
    if may_manage_role(actor, scope, row.role):
        if not row.joined:
            kb.button(
                text=_("🔗 Personal link"),
                callback_data=MemberCb(membership_id=row.membership_id, action="link", page=page),
            )
        kb.button(
            text=_("🗑 Remove from the association"),
            callback_data=MemberCb(membership_id=row.membership_id, action="remove", page=page),
        )
    kb.button(
        text=_("⬅️ Back to the list"),
        callback_data=RosterCb(association_id=association_id, page=page),
    )
    return inline(kb, 1)


async def _card(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    membership_id: int,
    page: int,
    row: roster.RosterRow | None = None,
) -> None:
    row = row or await roster.get_row(session, actor, membership_id)
    view = await associations.get_view(
        session, await _association_of(session, actor, membership_id)
    )
    scope = Scope(view.service_id, view.id)
    text = render(
        "member_card.html",
        name=row.full_name,
        association=view.name,
        role=role_label(row.role),
        school=row.school,
        joined=row.joined,
        reachable=row.reachable,
        voting=row.voting,
    )
    await edit(message, text, _card_keyboard(actor, row, scope, page, view.id))


async def _association_of(session: AsyncSession, actor: Actor, membership_id: int) -> int:
    return await roster.association_of(session, actor, membership_id)


@router.callback_query(MemberCb.filter(F.action == "open"))
async def open_card(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    await _card(query.message, session, actor, callback_data.membership_id, callback_data.page)
    await query.answer()


@router.callback_query(MemberCb.filter(F.action == "role"))
async def set_role(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    try:
        role = Role(callback_data.arg)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    row = await roster.change_role(session, actor, callback_data.membership_id, role, clock.now())
    await query.answer(
        short(_("Done: {name} is now {role}.").format(name=row.full_name, role=role_label(role)))
    )
    assert isinstance(query.message, Message)
    await _card(query.message, session, actor, row.membership_id, callback_data.page, row)


@router.callback_query(MemberCb.filter(F.action == "voting"))
async def set_voting(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    row = await roster.set_voting(
        session, actor, callback_data.membership_id, callback_data.arg == "1", clock.now()
    )
    await query.answer(_("Saved."))
    assert isinstance(query.message, Message)
    await _card(query.message, session, actor, row.membership_id, callback_data.page, row)


@router.callback_query(MemberCb.filter(F.action == "link"))
async def personal_link(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    link = await roster.personal_link(session, actor, callback_data.membership_id, clock.now())
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Personal link for {name} (works once, for 30 days):").format(name=quote(link.full_name))
        + "\n"
        + await start_link(bot, link.token)
    )


@router.callback_query(MemberCb.filter(F.action == "remove"))
async def ask_remove(
    query: CallbackQuery, callback_data: MemberCb, session: AsyncSession, actor: Actor
) -> None:
    row = await roster.get_row(session, actor, callback_data.membership_id)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("Yes, remove"),
        callback_data=MemberCb(
            membership_id=row.membership_id, action="remove_ok", page=callback_data.page
        ),
    )
    kb.button(
        text=_("No"),
        callback_data=MemberCb(
            membership_id=row.membership_id, action="open", page=callback_data.page
        ),
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(
        query.message,
        _("Remove {name} from the association? Their attendance history is kept.").format(
            name=quote(row.full_name)
        ),
        kb.as_markup(),
    )


@router.callback_query(MemberCb.filter(F.action == "remove_ok"))
async def remove(
    query: CallbackQuery,
    callback_data: MemberCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    association_id = await _association_of(session, actor, callback_data.membership_id)
    name = await roster.remove(session, actor, callback_data.membership_id, clock.now())
    await query.answer(short(_("{name} was removed.").format(name=name)))
    text, kb = await _page(session, actor, association_id, callback_data.page)
    assert isinstance(query.message, Message)
    await edit(query.message, text, kb)


@router.callback_query(RosterAdd.filter())
async def ask_people(
    query: CallbackQuery,
    callback_data: RosterAdd,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    await roster.roster_page(session, actor, callback_data.association_id, 0, 1)  # permission
    await state.set_state(AddPeople.lines)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(render("roster_add_help.html"))


@router.message(AddPeople.lines, WizardText())
async def people_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    entries = roster.parse_roster(message.text or "")
    await _add(message, state, session, actor, clock, bot, entries)


@router.message(AddPeople.lines, F.document)
async def people_file(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    document = message.document
    assert document is not None
    if not (document.file_name or "").lower().endswith((".csv", ".txt")):
        await message.answer(
            _(
                "I read lists as CSV or plain text. In Excel or Google Sheets choose "
                "«Save as» / «Download» → CSV and send that file, or paste the lines here."
            )
        )
        return
    if (document.file_size or 0) > roster.MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=roster.MAX_ROSTER_ROWS)
    data = await bot.download(document)
    assert data is not None
    entries = roster.parse_roster_file(data.read())
    await _add(message, state, session, actor, clock, bot, entries)


async def _add(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    entries: list[roster.RosterEntry],
) -> None:
    data = await state.get_data()
    added = await roster.add_people(session, actor, data["association_id"], entries, clock.now())
    await state.clear()
    added_line = _("Added: {count}.").format(count=len(added.links))
    lines = [added_line]
    if added.skipped:
        lines.append(_skipped_line(added.skipped, SHOW_SKIPPED))
    if not added.links:
        await message.answer("\n".join(lines))
        return
    urls = [await start_link(bot, link.token) for link in added.links]
    if len(added.links) > LINKS_IN_TEXT:
        await message.answer_document(
            BufferedInputFile(_links_csv(added.links, urls), filename="personal-links.csv"),
            caption=_caption(
                added_line,
                added.skipped,
                _("Each person's personal link is in the file: send it to them."),
            ),
        )
        return
    lines.append(_("Send each person their personal link:"))
    for link, url in zip(added.links, urls, strict=True):
        lines.append(f"• {quote(link.full_name)}: {url}")
    for chunk in split_message(lines):
        await message.answer(chunk, disable_web_page_preview=True)


def _skipped_line(skipped: list[str], show: int) -> str:
    """Names already on the roster: the first `show` of them, then how many more."""
    if show <= 0:
        return _("Already on the roster, not added again: {count}.").format(count=len(skipped))
    names = ", ".join(quote(name) for name in skipped[:show])
    more = len(skipped) - show
    return (
        _("Already on the roster, not added again: {names}").format(names=names)
        + (_(" and {count} more").format(count=more) if more > 0 else "")
        + "."
    )


def _visible_length(html_text: str) -> int:
    """Length as Telegram counts a caption: after entities, in UTF-16 code units."""
    return len(html.unescape(html_text).encode("utf-16-le")) // 2


def _caption(first: str, skipped: list[str], instruction: str) -> str:
    """A document caption within Telegram's 1,024 characters: the skipped names shortened
    (whole names only), never the counts or the instruction."""
    for show in range(min(SHOW_SKIPPED, len(skipped)), -1, -1):
        lines = (
            [first, _skipped_line(skipped, show), instruction] if skipped else [first, instruction]
        )
        caption = "\n".join(lines)
        if _visible_length(caption) <= CAPTION_LIMIT:
            return caption
    return "\n".join([first, instruction])


def _links_csv(links: list[roster.PersonalLink], urls: list[str]) -> bytes:
    """Personal links as a spreadsheet: `;`-separated with a BOM, as Russian Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Full name"), _("School"), _("Subject"), _("Personal link")])
    for link, url in zip(links, urls, strict=True):
        writer.writerow([link.full_name, link.school or "", link.subject or "", url])
    return out.getvalue().encode("utf-8-sig")


@hints.message(AddPeople.lines)
async def people_hint(message: Message) -> None:
    await message.answer(
        _("Please send the names as text, one person per line, or a CSV file; /cancel to stop.")
    )
