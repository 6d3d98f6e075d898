"""Adding roster people: typed one per line (added at once) or sent as a CSV file or an XLSX
workbook (every row checked, then previewed); their personal links."""

from __future__ import annotations

import asyncio
import csv
import html
import io

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render, split_message
from handlers.ui import close_button, quote, start_link
from services import roster
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.people import RosterAdd, RosterImport

LINKS_IN_TEXT = 15  # more personal links than this come as a CSV file
SHOW_SKIPPED = 20
CAPTION_LIMIT = 1024  # Telegram's limit for a document caption, after entities


class AddPeople(StatesGroup):
    lines = State()
    confirm = State()  # data: association_id, entries (a file's rows, previewed)


PREVIEW_NAMES = 15  # new people named in an XLSX file's preview


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


async def people_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    entries = roster.parse_roster(message.text or "")
    await add(message, state, session, actor, clock, bot, entries)


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
    name = (document.file_name or "").lower()
    if not name.endswith((".csv", ".txt", ".xlsx")):
        await message.answer(
            _(
                "I read lists as an Excel workbook (.xlsx), CSV or plain text: send such a "
                "file, or paste the lines here."
            )
        )
        return
    if (document.file_size or 0) > roster.MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=roster.MAX_ROSTER_ROWS)
    data = await bot.download(document)
    assert data is not None
    content = data.read()
    if name.endswith(".xlsx"):
        # Off the event loop: reading a workbook is CPU work (up to 1 MB, 2,000 rows).
        entries = await asyncio.to_thread(roster.parse_roster_xlsx, content)
    else:
        entries = roster.parse_roster_file(content)
    await _preview(message, state, session, actor, entries)


async def _preview(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    entries: list[roster.RosterEntry],
) -> None:
    """A file (XLSX or CSV), every row checked: who would be added, then «Add» or «Cancel».
    The state keeps every row, so the result names those already on the roster again."""
    data = await state.get_data()
    association_id = int(data["association_id"])
    preview = await roster.preview_people(session, actor, association_id, entries)
    await state.set_state(AddPeople.confirm)
    await state.update_data(entries=[[e.full_name, e.school, e.subject] for e in entries])
    lines = [
        _("The file is correct: {rows} rows. New: {new}; already on the roster: {known}.").format(
            rows=len(entries), new=len(preview.fresh), known=len(preview.skipped)
        )
    ]
    for entry in preview.fresh[:PREVIEW_NAMES]:
        extra = ", ".join(x for x in (entry.school, entry.subject) if x)
        lines.append(f"• {quote(entry.full_name)}" + (f" ({quote(extra)})" if extra else ""))
    if len(preview.fresh) > PREVIEW_NAMES:
        lines.append(_("… and {count} more").format(count=len(preview.fresh) - PREVIEW_NAMES))
    kb = InlineKeyboardBuilder()
    if preview.fresh:
        lines.append(_("Add them to the roster?"))
        kb.button(
            text=_("✅ Add {count}").format(count=len(preview.fresh)),
            callback_data=RosterImport(association_id=association_id, confirm=True),
        )
    else:
        lines.append(_("Nobody new: nothing to add."))
    kb.button(
        text=_("✖️ Cancel"),
        callback_data=RosterImport(association_id=association_id, confirm=False),
    )
    chunks = split_message(lines)
    for chunk in chunks[:-1]:
        await message.answer(chunk)
    await message.answer(chunks[-1], reply_markup=kb.as_markup())


async def import_decided(
    query: CallbackQuery,
    callback_data: RosterImport,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    """The preview's «Add» or «Cancel»; a button of another or an earlier preview is stale."""
    data = await state.get_data()
    if (
        await state.get_state() != AddPeople.confirm.state
        or data.get("association_id") != callback_data.association_id
    ):
        raise DomainError(ErrorCode.STALE)
    await close_button(query)
    assert isinstance(query.message, Message)
    if not callback_data.confirm:
        await state.clear()
        await query.message.answer(_("Nothing was added."))
        return
    entries = [roster.RosterEntry(str(n), s, t) for n, s, t in data.get("entries", [])]
    await add(query.message, state, session, actor, clock, bot, entries)


async def add(
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


async def people_hint(message: Message) -> None:
    await message.answer(
        _(
            "Please send the names as text, one person per line, or a CSV or XLSX file; "
            "/cancel to stop."
        )
    )


async def confirm_hint(message: Message) -> None:
    await message.answer(_("Please tap «Add» or «Cancel» under the preview; /cancel to stop."))
