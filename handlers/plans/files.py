"""The plan as files: DOCX (the form's layout) and XLSX, the empty XLSX template, and a
filled template sent back: checked whole, a preview («N строк, будет заменено M»), then
«Применить» or «Отмена»; a wrong cell refuses the file, named by row and column, with
nothing written."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from documents import plan as plan_docx
from documents import plan_xlsx
from handlers.plans.common import editable, saved
from handlers.plans.states import PlanEdit
from handlers.ui import close_button, quote
from services import plans
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.plans import PlanAction, PlanCb

MAX_MB = plan_xlsx.MAX_BYTES // 1_000_000


async def download(
    query: CallbackQuery, callback_data: PlanCb, session: AsyncSession, actor: Actor
) -> None:
    """📄 DOCX, 📊 XLSX (what a meeting approved, for an approved edition), 📄 template."""
    assert isinstance(query.message, Message)
    content = await plans.plan_content(session, actor, callback_data.plan_id)
    await query.answer(_("Preparing the file…"))
    stem = plan_docx.file_stem(content)
    if callback_data.action is PlanAction.DOCX:
        data = await asyncio.to_thread(plan_docx.docx_bytes, content)
        name = f"{stem}.docx"
    elif callback_data.action is PlanAction.XLSX:
        data = await asyncio.to_thread(plan_xlsx.plan_bytes, content)
        name = f"{stem}.xlsx"
    else:
        data = await asyncio.to_thread(plan_xlsx.template_bytes, content.locale)
        name = f"plan_template_{content.school_year}-{content.school_year + 1}.xlsx"
    await query.message.answer_document(BufferedInputFile(data, name))


async def ask_file(
    query: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await plans.get_plan(session, actor, callback_data.plan_id)
    editable(view)
    await state.set_state(PlanEdit.file)
    await state.set_data({"plan_id": view.id})
    await query.answer()
    await query.message.answer(
        _(
            "Send the filled XLSX template as a file (at most {max_mb} MB). Its rows will "
            "replace the plan's rows after you see a preview. Or /cancel."
        ).format(max_mb=MAX_MB)
    )


def _preview_text(preview: plans.ImportPreview) -> str:
    lines = [
        _(
            "<b>The file is correct.</b> Rows in it: {rows}. Rows of the plan it will replace: "
            "{replaces}."
        ).format(rows=len(preview.rows), replaces=preview.replaces)
    ]
    if preview.off_roster:
        lines.append(
            _("Not on the roster (kept as typed): {names}.").format(
                names=quote(", ".join(preview.off_roster))
            )
        )
    if preview.venues_typed:
        lines.append(
            _("Venues not found in the school directory (kept as typed): {count}.").format(
                count=preview.venues_typed
            )
        )
    return "\n".join(lines)


async def file_sent(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    document = message.document
    assert document is not None
    data = await state.get_data()
    if (document.file_size or 0) > plan_xlsx.MAX_BYTES:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=MAX_MB)
    downloaded = await bot.download(document)
    assert downloaded is not None
    raw = downloaded.read()
    if len(raw) > plan_xlsx.MAX_BYTES:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=MAX_MB)
    sheet = await asyncio.to_thread(plan_xlsx.read_sheet, raw)
    preview = await plans.preview_import(session, actor, data["plan_id"], sheet)
    saved_preview: dict[str, Any] = {
        "plan_id": preview.plan_id,
        "version": preview.version,
        "replaces": preview.replaces,
        "rows": [row.to_json() for row in preview.rows],
    }
    await state.set_state(PlanEdit.preview)
    await state.set_data(saved_preview)
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("✅ Apply"),
        callback_data=PlanCb(
            action=PlanAction.APPLY, plan_id=preview.plan_id, version=preview.version
        ),
    )
    kb.button(
        text=_("✖️ Cancel"),
        callback_data=PlanCb(
            action=PlanAction.CANCEL, plan_id=preview.plan_id, version=preview.version
        ),
    )
    await message.answer(_preview_text(preview), reply_markup=kb.as_markup())


async def not_a_file(message: Message) -> None:
    await message.answer(_("Please send the XLSX file as a document, or /cancel."))


async def decide(
    query: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«✅ Apply» the preview this person was shown (a second tap finds none), «✖️ Cancel»."""
    assert isinstance(query.message, Message)
    data = await state.get_data()
    if (
        await state.get_state() != PlanEdit.preview.state
        or data.get("plan_id") != callback_data.plan_id
        or data.get("version") != callback_data.version
    ):
        raise DomainError(ErrorCode.STALE)
    if callback_data.action is PlanAction.CANCEL:
        await state.clear()
        await close_button(query)
        await query.message.answer(_("Import cancelled. Nothing was changed."))
        return
    preview = plans.ImportPreview(
        plan_id=data["plan_id"],
        version=data["version"],
        rows=tuple(plans.RowInput.from_json(row) for row in data["rows"]),
        replaces=data["replaces"],
    )
    change = plans.apply_import(session, actor, preview, clock.now())
    await saved(query.message, state, session, actor, clock, preview.plan_id, change)
    await close_button(query)  # after the save: a refusal comes as an alert on the button


def register(router: Router) -> None:
    router.callback_query.register(
        download,
        PlanCb.filter(F.action.in_({PlanAction.DOCX, PlanAction.XLSX, PlanAction.TEMPLATE})),
    )
    router.callback_query.register(ask_file, PlanCb.filter(F.action == PlanAction.IMPORT))
    router.message.register(file_sent, PlanEdit.file, F.document)
    router.callback_query.register(
        decide, PlanCb.filter(F.action.in_({PlanAction.APPLY, PlanAction.CANCEL}))
    )


def register_hints(router: Router) -> None:
    router.message.register(not_a_file, PlanEdit.file)
