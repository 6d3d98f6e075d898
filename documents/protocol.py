"""The protocol (the minutes of a meeting) as DOCX and PDF, in the association's language.

Both files are drawn from the same words: `templates/protocol_document.html` renders the
protocol as one marked line per block (its header comment lists the markers), `blocks` parses
those lines into `Block`s, and `docx_bytes` / `pdf_bytes` lay the blocks out on A4 pages with
the margins schools file documents with (left 3 cm, right 1.5 cm, top and bottom 2 cm).

The text is plain, not HTML: a user's `<b>` is printed as typed. Gettext does not depend on
the current update's locale: each language has its own Jinja environment with that catalog.
Building a file is CPU work (a long PDF takes about half a second): call `docx_bytes` and
`pdf_bytes` from async code through `asyncio.to_thread`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from documents import fonts
from documents.i18n import translations
from documents.stable_zip import restamp
from services.protocol_content import ProtocolContent, initials

TEMPLATE = "protocol_document.html"
# templates/ of the project (documents import no bot: the path is found from here)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

BlockKind = Literal["title", "subtitle", "heading", "paragraph", "item", "signature", "spacer"]


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the protocol. `text` may hold "\\n" (a line break the user typed).

    A paragraph's `lead` is printed bold before its text («СЛУШАЛИ:»). A signature's `lead`
    is the signer's position (left), `text` their name (right), `note` «подписано …» or "".
    """

    kind: BlockKind
    text: str = ""
    lead: str = ""
    note: str = ""


# Page geometry, in centimetres (DOCX) and millimetres (PDF).
PAGE_WIDTH, PAGE_HEIGHT = 21.0, 29.7
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 3.0, 1.5, 2.0, 2.0
DOCX_FONT = fonts.DOCX_FAMILY
DOCX_SIZE = 14
PDF_FONT = fonts.FAMILY  # metric-compatible with Times New Roman: the same size and lines
PDF_SIZE = DOCX_SIZE
PDF_LINE = PDF_SIZE * 1.15 * 25.4 / 72  # mm per line: Word's single spacing of Times 14
SIGN_LINE = "_________"  # DOCX: where to sign (the PDF draws a line), 2.2 cm
INDENT = 1.25  # cm: a paragraph's first line (ГОСТ Р 7.0.97)
SIGN_COLUMNS = (78.0, 22.0, 2.0)  # PDF, mm: position, the line to sign on, the gap between

# A user's line break inside a `{{ }}` value: U+2028 (LINE SEPARATOR) keeps the block on one
# template line; `blocks` turns it back into "\n".
_LINE_BREAK = "\u2028"
# What neither an XML document nor a PDF text string may hold: C0/C1 controls (but the tab and
# the newline, handled apart), lone surrogates, U+FFFE/U+FFFF.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MARKERS: dict[str, BlockKind] = {
    "#title": "title",
    "#subtitle": "subtitle",
    "#h": "heading",
    "#p": "paragraph",
    "#lp": "paragraph",
    "#item": "item",
    "#sig": "signature",
    "#gap": "spacer",
}


def _locale(content: ProtocolContent) -> str:
    return "en" if content.locale == "en" else "ru"


def _one_line(value: Any) -> str:
    """Jinja's `finalize`: every `{{ }}` value as text that stays inside its block's line."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2029", "\n")
    return UNSAFE.sub("", text).replace("\n", _LINE_BREAK)


@lru_cache(maxsize=4)
def _environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=False,  # plain text for DOCX and PDF, never HTML
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        finalize=_one_line,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["initials"] = initials
    return env


def _signed_at(moment: datetime | None, timezone: str) -> str:
    """«20.12.2026 15:42» in the association's zone; a naive moment is taken as UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def render_text(content: ProtocolContent) -> str:
    """The template's marked lines (see `templates/protocol_document.html`)."""
    locale = _locale(content)
    template = _environment(locale).get_template(TEMPLATE)
    return template.render(
        c=content,
        day=str(content.meeting_day.day),
        month_year=format_date(content.meeting_day, "MMMM y", locale=locale),
        presiding_at=_signed_at(content.presiding.signed_at, content.timezone),
        keeper_at=_signed_at(content.keeper.signed_at, content.timezone),
    )


def _parse(line: str) -> Block:
    marker, _, rest = line.partition(" ")
    kind = _MARKERS.get(marker)
    if kind is None:
        raise ValueError(f"{TEMPLATE}: unknown block marker in {line[:60]!r}")
    rest = rest.strip()
    if marker == "#lp":
        lead, _, text = rest.partition("|")
        return Block(kind, _text(text), lead=lead.strip())
    if marker == "#sig":
        # The position (from the catalog) never holds "|", nor does the note; a name might.
        label, _, tail = rest.partition("|")
        name, _, note = tail.rpartition("|")
        return Block(kind, _text(name), lead=label.strip(), note=note.strip())
    return Block(kind, _text(rest))


def _text(value: str) -> str:
    lines = (line.strip() for line in value.strip().split(_LINE_BREAK))
    return "\n".join(lines).strip()


def blocks(content: ProtocolContent) -> list[Block]:
    """The protocol as typed blocks, in the association's language."""
    found: list[Block] = []
    for raw in render_text(content).split("\n"):
        line = raw.strip(" ")
        if line:
            found.append(_parse(line))
    return found


def file_stem(content: ProtocolContent) -> str:
    """`protocol_3_2026-12-20`: ASCII, safe as a file name anywhere (the fallback where a
    file system or a client cannot take the secretary's name of the file)."""
    return f"protocol_{content.number}_{content.meeting_day.isoformat()}"


# What no file system takes in a name (Windows' reserved characters, the path separators).
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
NAME_BYTES = 200  # a file name's UTF-8 bytes, well under the usual 255 with the extension


def file_title(content: ProtocolContent) -> str:
    """«Протокол №3 от 20.12.2026 — РМО учителей математики»: the name a secretary files the
    document under (Telegram shows it), in the association's language, without the
    characters a file system refuses, at most NAME_BYTES bytes of UTF-8."""
    _ = translations(_locale(content)).gettext
    head = _("Minutes No.%(number)s of %(date)s") % {
        "number": content.number,
        "date": content.meeting_day.strftime("%d.%m.%Y"),
    }
    association = " ".join(_NOT_IN_NAMES.sub(" ", content.association).split()).strip(". ")
    title = f"{head} — {association}" if association else head
    while len(title.encode()) > NAME_BYTES:
        title = title[:-1]
    return title.rstrip(" .—") or file_stem(content)


def _title(content: ProtocolContent) -> str:
    """The document's title («Протокол № 3»)."""
    _ = translations(_locale(content)).gettext
    return _("Minutes No. %(number)s") % {"number": content.number}


def _made_at(content: ProtocolContent) -> datetime:
    """When the document says it was made: the later signature, else the meeting day."""
    moments = [s.signed_at for s in (content.presiding, content.keeper) if s.signed_at]
    aware = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments]
    if aware:
        return max(aware).astimezone(UTC)
    return datetime.combine(content.meeting_day, time(12), UTC)


# --- DOCX -------------------------------------------------------------------------------


def set_fonts(rpr: Any, language: str) -> None:
    """Times New Roman for every script (Word picks Cyrillic's font from w:ascii/w:hAnsi,
    East Asian and complex-script text from w:eastAsia/w:cs; theme fonts would override)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), DOCX_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def docx_styles(document: DocxDocument, language: str) -> None:
    """Times New Roman 14 for every script, single spacing, no space around paragraphs (the
    plan's DOCX uses it too)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_fonts(rpr, language)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(DOCX_SIZE)
    set_fonts(normal.element.get_or_add_rPr(), language)
    fonts.docx_fallback(document)
    paragraph = normal.paragraph_format
    paragraph.line_spacing = 1.0
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)


def _docx_section(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width = Cm(PAGE_WIDTH)
    section.page_height = Cm(PAGE_HEIGHT)
    set_margins(section)


def set_margins(section: Any) -> None:
    """The margins of a filed document, 3/1.5/2/2 cm (a landscape section keeps them too)."""
    section.left_margin = Cm(MARGIN_LEFT)
    section.right_margin = Cm(MARGIN_RIGHT)
    section.top_margin = Cm(MARGIN_TOP)
    section.bottom_margin = Cm(MARGIN_BOTTOM)


def _docx_field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word computes (PAGE, NUMPAGES), showing "1" until it does."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _docx_header(document: DocxDocument) -> None:
    """The page number at the top centre from page two (ГОСТ Р 7.0.97): a PAGE field in the
    header, and a different, empty, first-page header."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _docx_field(paragraph, "PAGE")


def _docx_lines(
    document: DocxDocument,
    text: str,
    *,
    lead: str = "",
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: float = 0.0,
    first_line: float = 0.0,
    keep_with_next: bool = False,
    keep_last: bool = False,
) -> None:
    """One paragraph per line of `text` (a user's line breaks start new paragraphs);
    `keep_last` keeps only the last of them with the next block."""
    pieces = text.split("\n")
    for number, line in enumerate(pieces):
        paragraph = document.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.keep_with_next = keep_with_next or (keep_last and number == len(pieces) - 1)
        fmt.widow_control = True
        if indent:
            fmt.left_indent = Cm(indent)
            fmt.first_line_indent = Cm(-indent)
        elif first_line:
            fmt.first_line_indent = Cm(first_line)
        if number == 0 and lead:
            paragraph.add_run(lead + " ").bold = True
        if line:
            paragraph.add_run(line).bold = bold or None


def _docx_signature(document: DocxDocument, block: Block, *, keep_with_next: bool) -> None:
    """Position · a line to sign on · name (and «подписано …» under it): a borderless table
    whose row never splits across pages, kept with the next signature when asked."""
    widths = (7.8, 2.4, PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 10.2)  # as the PDF's
    table = document.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    row = table.rows[0]
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    cells: list[_Cell] = list(row.cells)
    for column, cell, width in zip(table.columns, cells, widths, strict=True):
        column.width = Cm(width)  # the grid Word and LibreOffice lay a fixed table out by
        cell.width = Cm(width)
    label, line, name = cells
    label.paragraphs[0].add_run(block.lead)
    label.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    line.paragraphs[0].add_run(SIGN_LINE)
    line.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.paragraphs[0].add_run(block.text)
    name.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    if block.note:
        note = name.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.LEFT
        note.add_run(block.note).italic = True
    for cell in cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = keep_with_next
            paragraph.paragraph_format.first_line_indent = Cm(0)


def _kept_from(parts: list[Block]) -> int:
    """Where the tail kept on one page with the signatures starts: the last block of text
    before them (its last lines, the gaps and the signatures are never apart)."""
    first_sig = next((i for i, b in enumerate(parts) if b.kind == "signature"), len(parts))
    for index in range(first_sig - 1, -1, -1):
        if parts[index].kind != "spacer":
            return index
    return first_sig


def docx_bytes(content: ProtocolContent) -> bytes:
    """The protocol as a Word document: A4, Times New Roman 14, single spacing."""
    parts = blocks(content)
    title = _title(content)
    language = "en-GB" if _locale(content) == "en" else "ru-RU"
    document = Document()
    _docx_section(document)
    docx_styles(document, language)
    _docx_header(document)
    kept = _kept_from(parts)
    last_sig = max((i for i, b in enumerate(parts) if b.kind == "signature"), default=-1)
    for index, block in enumerate(parts):
        keep = kept <= index < last_sig
        if block.kind == "title":
            _docx_lines(document, block.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif block.kind == "subtitle":
            _docx_lines(document, block.text, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif block.kind == "heading":
            _docx_lines(
                document,
                block.text,
                bold=True,
                align=WD_ALIGN_PARAGRAPH.LEFT,
                keep_with_next=True,
            )
        elif block.kind == "paragraph":
            _docx_lines(document, block.text, lead=block.lead, first_line=INDENT, keep_last=keep)
        elif block.kind == "item":
            _docx_lines(
                document, block.text, align=WD_ALIGN_PARAGRAPH.LEFT, indent=0.75, keep_last=keep
            )
        elif block.kind == "signature":
            _docx_signature(document, block, keep_with_next=keep)
        else:
            document.add_paragraph().paragraph_format.keep_with_next = keep
    made = _made_at(content)
    props = document.core_properties
    props.title = title
    props.subject = content.topic
    props.author = content.association
    props.last_modified_by = content.association
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = language
    props.revision = max(content.version, 1)
    props.created = made
    props.modified = made
    buffer = io.BytesIO()
    document.save(buffer)
    return restamp(buffer.getvalue(), made)


# --- PDF --------------------------------------------------------------------------------


class _ProtocolPdf(FPDF):
    """A4 pages with the protocol's margins and the page number at the top from page two.

    Text is broken into lines here (words measured once each), then drawn line by line:
    fpdf2's own `multi_cell` measures every character of a line again and again, which made
    30 questions of 4,000 characters take seconds.
    """

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.keep_tail = 0.0  # mm kept on the page with a paragraph's last two lines
        self._widths: dict[tuple[str, float, str], float] = {}
        for style, path in fonts.FILES.items():
            self.add_font(PDF_FONT, style, path)
        self.set_margins(MARGIN_LEFT * 10, MARGIN_TOP * 10, MARGIN_RIGHT * 10)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM * 10)
        self.c_margin = 0  # text starts at the margin, as in the DOCX

    def header(self) -> None:
        """The page number at the top centre, from page two on (none on page one)."""
        if self.page_no() < 2:
            return
        style, size = self.font_style, self.font_size_pt
        self.set_font(PDF_FONT, "", PDF_SIZE - 1)
        self.set_xy(self.l_margin, MARGIN_TOP * 10 / 2 - 2)
        self.cell(self.epw, 5, str(self.page_no()), align=Align.C)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_font(PDF_FONT, style, size)

    def keep(self, remaining: int) -> None:
        """Before one of a paragraph's last two lines: a new page unless those lines and the
        kept tail (the signatures) fit on this one."""
        if (
            self.keep_tail
            and remaining <= 2
            and self.will_page_break(PDF_LINE * remaining + self.keep_tail)
        ):
            self.add_page()
            self.keep_tail = 0.0

    def measure(self, text: str) -> float:
        key = (self.font_style, self.font_size_pt, text)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.get_string_width(text)
        return width

    def wrap(self, text: str, width: float, first: float | None = None) -> list[str]:
        """`text` in the current font as lines at most `width` mm wide (the first one
        `first`): broken between words, a word wider than a line between characters; a line
        break always starts a new line."""
        lines: list[str] = []
        limit = width if first is None else first
        space = self.measure(" ")
        for paragraph in text.split("\n"):
            current: list[str] = []
            used = 0.0
            for word in paragraph.split():
                size = self.measure(word)
                if current and used + space + size <= limit + 0.01:
                    current.append(word)
                    used += space + size
                    continue
                if current:
                    lines.append(" ".join(current))
                    limit = width
                elif size > limit + 0.01 and limit < width and size <= width + 0.01:
                    lines.append("")  # the word fits a whole line, not what the lead left
                    limit = width
                while size > limit + 0.01:
                    head = self._fit(word, limit)
                    lines.append(head)
                    limit = width
                    word = word[len(head) :]
                    size = self.measure(word)
                current, used = [word], size
            lines.append(" ".join(current))
            limit = width
        return lines

    def _fit(self, word: str, limit: float) -> str:
        total = 0.0
        for index, char in enumerate(word):
            total += self.measure(char)
            if total > limit:
                return word[: max(index, 1)]
        return word

    def text_line(
        self, text: str, width: float, *, indent: float = 0.0, align: Align = Align.L
    ) -> None:
        """One line at the left margin + `indent`; a full page moves it to the next one."""
        if self.will_page_break(PDF_LINE):
            self.add_page()
        self.set_x(self.l_margin + indent)
        self.cell(width, PDF_LINE, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def lines(
        self,
        text: str,
        *,
        style: str = "",
        align: Align = Align.L,
        indent: float = 0.0,
        first_line: float = 0.0,
    ) -> None:
        """Each of the text's lines (a user's line break) a paragraph: its first line
        `first_line` mm in."""
        self.set_font(PDF_FONT, style, PDF_SIZE)
        width = self.epw - indent
        drawn: list[tuple[str, float]] = []
        for paragraph in text.split("\n"):
            wrapped = self.wrap(paragraph, width, first=width - first_line)
            drawn += [(line, first_line if n == 0 else 0.0) for n, line in enumerate(wrapped)]
        for number, (line, extra) in enumerate(drawn):
            self.keep(len(drawn) - number)
            self.text_line(line, width - extra, indent=indent + extra, align=align)

    def led(self, lead: str, text: str) -> None:
        """A paragraph led by a bold word («СЛУШАЛИ:») on its first line, indented."""
        first_line = INDENT * 10
        self.set_font(PDF_FONT, "B", PDF_SIZE)
        lead_w = self.measure(lead + " ")
        self.set_font(PDF_FONT, "", PDF_SIZE)
        first, *rest = self.wrap(text, self.epw, first=self.epw - lead_w - first_line)
        self.keep(len(rest) + 1)
        if self.will_page_break(PDF_LINE):
            self.add_page()
        self.set_x(self.l_margin + first_line)
        self.set_font(PDF_FONT, "B", PDF_SIZE)
        self.cell(lead_w, PDF_LINE, lead, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_font(PDF_FONT, "", PDF_SIZE)
        width = self.epw - lead_w - first_line
        self.cell(width, PDF_LINE, first, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for number, line in enumerate(rest):
            self.keep(len(rest) - number)
            self.text_line(line, self.epw)

    def signature_rows(self, block: Block) -> tuple[list[str], list[str], list[str]]:
        """The signature's position, name and note as lines in their columns."""
        label_w, line_w, gap = SIGN_COLUMNS
        name_w = self.epw - label_w - line_w - 2 * gap
        note_w = self.epw - label_w - gap
        self.set_font(PDF_FONT, "", PDF_SIZE)
        label = self.wrap(block.lead, label_w)
        name = self.wrap(block.text, name_w)
        self.set_font(PDF_FONT, "I", PDF_SIZE - 2)
        note = self.wrap(block.note, note_w) if block.note else []
        return label, name, note

    def tail_height(self, tail: list[Block]) -> float:
        """How much of a page the gaps and signatures after the last text take."""
        height = 0.0
        for block in tail:
            if block.kind == "signature":
                label, name, note = self.signature_rows(block)
                height += PDF_LINE * max(len(label), len(name) + len(note))
            elif block.kind == "spacer":
                height += PDF_LINE / 2
        return height

    def signature(self, block: Block) -> None:
        """Position · a line to sign on · name on one line; «подписано …» under the line and
        the name. The whole signature stays on one page."""
        label_w, line_w, gap = SIGN_COLUMNS
        line_x = self.l_margin + label_w + gap
        name_x = line_x + line_w + gap
        name_w = self.l_margin + self.epw - name_x
        note_w = self.l_margin + self.epw - line_x
        label, name, note = self.signature_rows(block)
        rows = max(len(label), len(name) + len(note))
        if self.will_page_break(PDF_LINE * rows):
            self.add_page()
        top = self.get_y()
        self.set_font(PDF_FONT, "", PDF_SIZE)
        for number, text in enumerate(label):
            self.set_xy(self.l_margin, top + number * PDF_LINE)
            self.cell(label_w, PDF_LINE, text)
        baseline = top + PDF_LINE - 1.0
        self.line(line_x, baseline, line_x + line_w, baseline)
        for number, text in enumerate(name):
            self.set_xy(name_x, top + number * PDF_LINE)
            self.cell(name_w, PDF_LINE, text)
        self.set_font(PDF_FONT, "I", PDF_SIZE - 2)
        for number, text in enumerate(note, start=len(name)):
            self.set_xy(line_x, top + number * PDF_LINE)
            self.cell(note_w, PDF_LINE, text)
        self.set_xy(self.l_margin, top + PDF_LINE * rows)


def pdf_bytes(content: ProtocolContent) -> bytes:
    """The protocol as a PDF: A4, Liberation Serif 14 (Times New Roman's metrics), numbered
    pages."""
    parts = blocks(content)
    pdf = _ProtocolPdf()
    pdf.set_title(_title(content))
    pdf.set_subject(content.topic)
    pdf.set_author(content.association)
    pdf.set_creator("metod-bot")
    pdf.set_lang(_locale(content))
    pdf.set_creation_date(_made_at(content))
    pdf.add_page()
    kept = _kept_from(parts)
    for index, block in enumerate(parts):
        if index == kept:
            pdf.keep_tail = pdf.tail_height(parts[index + 1 :])
        if block.kind == "title":
            pdf.lines(block.text, style="B", align=Align.C)
        elif block.kind == "subtitle":
            pdf.lines(block.text, align=Align.C)
        elif block.kind == "heading":
            if pdf.will_page_break(PDF_LINE * 3):
                pdf.add_page()
            pdf.lines(block.text, style="B")
        elif block.kind == "paragraph":
            if block.lead:
                pdf.led(block.lead, block.text)
            else:
                pdf.lines(block.text, first_line=INDENT * 10)
        elif block.kind == "item":
            pdf.lines(block.text, indent=5)
        elif block.kind == "signature":
            pdf.signature(block)
        else:
            pdf.ln(PDF_LINE / 2)
    return bytes(pdf.output())
