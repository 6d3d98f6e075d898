"""Files people download: a protocol as DOCX and PDF (a signed one as stored, the same files
the members got; a draft drawn now, marked as a draft), and a school year's signed
protocols as a ZIP split under Telegram's 50 MB."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import protocol_files
from documents.archive import zip_parts
from handlers.protocols.archive import year_label
from services import protocols
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.protocols import ProtoAction, ProtoCb, ProtoList, ProtoListAction


async def get_files(
    query: CallbackQuery,
    callback_data: ProtoCb,
    session: AsyncSession,
    actor: Actor,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The protocol as DOCX and PDF: a signed one as stored (the same files the members got),
    a draft drawn now, marked as a draft in the caption."""
    assert isinstance(query.message, Message)
    view = await protocols.get(session, actor, callback_data.protocol_id)
    await query.answer(_("Preparing the files…"))
    docx_name, pdf_name = protocol_files.names(view.content)
    if view.signed:
        docx, pdf = await protocol_files.signed_bytes(sessionmaker, view)
        caption = None
    else:
        docx, pdf = await protocol_files.draw(view.content)
        caption = _("Draft, not signed yet.")
    await query.message.answer_document(BufferedInputFile(docx, docx_name), caption=caption)
    await query.message.answer_document(BufferedInputFile(pdf, pdf_name), caption=caption)
    for attachment in view.content.attachments if view.signed else ():
        await query.message.answer_document(attachment.file_id)


async def export(
    query: CallbackQuery,
    callback_data: ProtoList,
    session: AsyncSession,
    actor: Actor,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A school year's signed protocols as DOCX and PDF in a ZIP (split under 50 MB)."""
    assert isinstance(query.message, Message)
    views = await protocols.signed_of_year(
        session, actor, callback_data.association_id, callback_data.year
    )
    if not views:
        raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
    await query.answer(_("Preparing the archive…"))
    entries: list[tuple[str, bytes]] = []
    for view in views:
        docx, pdf = await protocol_files.signed_bytes(sessionmaker, view)
        docx_name, pdf_name = protocol_files.ascii_names(view.content)
        entries += [(docx_name, docx), (pdf_name, pdf)]
    parts = zip_parts(entries)
    label = year_label(callback_data.year).replace("/", "-")
    for n, part in enumerate(parts, start=1):
        suffix = f"_{n}" if len(parts) > 1 else ""
        await query.message.answer_document(
            BufferedInputFile(part, f"protocols_{label}{suffix}.zip"),
            caption=_("Protocols of {year}: {count}").format(
                year=year_label(callback_data.year), count=len(views)
            ),
        )


def register_card(router: Router) -> None:
    """The card's «📄 DOCX and PDF»."""
    router.callback_query.register(get_files, ProtoCb.filter(F.action == ProtoAction.GET))


def register_archive(router: Router) -> None:
    """The archive's «🗜 ZIP of the year»."""
    router.callback_query.register(export, ProtoList.filter(F.action == ProtoListAction.ZIP))
