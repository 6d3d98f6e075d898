"""Adding roster people: typed one per line or sent as a CSV file; their personal links."""

from __future__ import annotations

import csv
import html
import io

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render, split_message
from handlers.ui import quote, start_link
from services import roster
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.people import RosterAdd

LINKS_IN_TEXT = 15  # more personal links than this come as a CSV file
SHOW_SKIPPED = 20
CAPTION_LIMIT = 1024  # Telegram's limit for a document caption, after entities


class AddPeople(StatesGroup):
    lines = State()


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
    await add(message, state, session, actor, clock, bot, entries)


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
        _("Please send the names as text, one person per line, or a CSV file; /cancel to stop.")
    )
