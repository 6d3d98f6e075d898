"""Protocol documents: the same words in DOCX and PDF (A4, the schools' margins, Cyrillic
intact, a user's text printed as typed), long protocols paginated, and ZIP archives split under
a size limit.

The `test_russian_*` tests check the official form's Russian wording, which comes from the ru
catalog; the other tests hold whatever the catalogs say (English falls back to the msgid)."""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import docx
import pypdf
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from documents.archive import zip_parts
from documents.protocol import Block, blocks, docx_bytes, file_stem, pdf_bytes
from services.protocol_content import (
    Attachment,
    Attendee,
    Guest,
    Outcome,
    ProtocolContent,
    Question,
    Signer,
)

HTML_LOOKING = "<b>не тег</b>"


def make_content(**changes: object) -> ProtocolContent:
    base = ProtocolContent(
        number=3,
        version=2,
        meeting_day=date(2026, 12, 20),
        association="РМО учителей математики Центрального района",
        topic="Итоги первого полугодия",
        form="hybrid",
        place="МОУ СОШ № 5, каб. 12",
        locale="ru",
        timezone="Asia/Novosibirsk",  # UTC+7
        presiding=Signer(
            "Петров Сергей Иванович", "chair", datetime(2026, 12, 20, 8, 42, tzinfo=UTC)
        ),
        keeper=Signer(
            "Иванова Анна Петровна", "secretary", datetime(2026, 12, 20, 9, 5, tzinfo=UTC)
        ),
        members=4,
        present=(
            Attendee("Петров Сергей Иванович", "МОУ СОШ № 5"),
            Attendee("Иванова Анна Петровна", "Лицей № 2"),
            Attendee("Сидорова Мария Олеговна", "Гимназия № 1", online=True),
        ),
        absent=(Attendee("Кузнецов Олег Павлович", "МОУ СОШ № 7", reason="болезнь"),),
        guests=(Guest("Смирнова Елена Викторовна", "методист ИМЦ"),),
        questions=(
            Question(
                1,
                "Об утверждении плана на второе полугодие",
                "Петров С. И.",
                heard=f"Рассказал о плане.\nПример разметки: {HTML_LOOKING}",
                decision="Утвердить план на второе полугодие.",
                outcome=Outcome(3, 0, 1, 3, 4, adopted=True),
            ),
            Question(
                2,
                "Об участии в областном конкурсе",
                None,
                heard="Обсудили условия конкурса.",
                decision="Принять участие в конкурсе.",
                outcome=Outcome(1, 2, 0, 3, 4, adopted=False),
            ),
        ),
        attachments=(Attachment("file-1", "План_на_полугодие.docx", 12_000),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


PAGE_MARK = re.compile(r"^(стр\. \d+ из \d+|page \d+ of \d+|\d+)$")


def body_text(data: bytes) -> str:
    """The PDF's text without the page numbers (a sentence across a page break reads on)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines = [
        line
        for page in reader.pages
        for line in page.extract_text().split("\n")
        if not PAGE_MARK.match(line.strip())
    ]
    return "\n".join(lines)


def flat(text: str) -> str:
    """Whitespace (line wrapping, line breaks) collapsed to single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def content() -> ProtocolContent:
    return make_content()


@pytest.fixture(scope="module")
def ru_docx(content: ProtocolContent) -> bytes:
    return docx_bytes(content)


@pytest.fixture(scope="module")
def ru_pdf(content: ProtocolContent) -> bytes:
    return pdf_bytes(content)


@pytest.fixture(scope="module")
def en_content() -> ProtocolContent:
    return make_content(locale="en")


# Facts that do not depend on the catalogs: names, schools, the user's texts, numbers, dates.
FACTS = (
    "3",
    "РМО учителей математики Центрального района",
    "Петров Сергей Иванович, МОУ СОШ № 5",
    "Иванова Анна Петровна, Лицей № 2",
    "Сидорова Мария Олеговна, Гимназия № 1",
    "Кузнецов Олег Павлович, МОУ СОШ № 7",
    "болезнь",
    "Смирнова Елена Викторовна — методист ИМЦ",
    "Об утверждении плана на второе полугодие",
    "Об участии в областном конкурсе",
    "Рассказал о плане.",
    f"Пример разметки: {HTML_LOOKING}",
    "Обсудили условия конкурса.",
    "Утвердить план на второе полугодие.",
    "Принять участие в конкурсе.",
    "План_на_полугодие.docx",
    "Итоги первого полугодия",
    "20.12.2026 15:42",  # 08:42 UTC in Novosibirsk
    "20.12.2026 16:05",
)

RUSSIAN = (
    "ПРОТОКОЛ № 3",
    "заседания районного методического объединения",
    "от «20» декабря 2026 г.",
    "Председатель: Петров Сергей Иванович",
    "Секретарь: Иванова Анна Петровна",
    "Присутствовали: 3 из 4",
    "Очно: 2",
    "Дистанционно (онлайн): 1",
    "Отсутствовали: 1",
    "Кузнецов Олег Павлович, МОУ СОШ № 7 (по уважительной причине: болезнь)",
    "Приглашённые:",
    "Повестка дня:",
    "1. Об утверждении плана на второе полугодие (докладчик: Петров С. И.)",
    "1. По первому вопросу: Об утверждении плана на второе полугодие",
    "2. По второму вопросу: Об участии в областном конкурсе",
    "Докладчик: Петров С. И.",
    "СЛУШАЛИ: Рассказал о плане.",
    "РЕШИЛИ: Утвердить план на второе полугодие.",
    "Голосовали: «за» — 3, «против» — 0, «воздержались» — 1. Решение принято.",
    "Голосовали: «за» — 1, «против» — 2, «воздержались» — 0. Решение не принято: голосов «за» "
    "не больше, чем «против» и «воздержались» вместе (1 ≤ 2 + 0).",
    "Приложения:",
    "Руководитель РМО",
    "Секретарь",
    "подписано 20.12.2026 15:42",
    "подписано 20.12.2026 16:05",
)


# --- blocks ------------------------------------------------------------------------------


def test_blocks_keep_a_users_text_inside_its_block(content: ProtocolContent) -> None:
    hostile = "Строка\n#title ПОДДЕЛКА\r\n#sig a|b|c\tконец\x00"
    parts = blocks(content.with_question(1, heard=hostile))
    assert [b.kind for b in parts].count("title") == 1
    assert [b.kind for b in parts].count("signature") == 2
    heard = next(b for b in parts if b.lead and "ПОДДЕЛКА" in b.text)
    assert heard.kind == "paragraph"
    assert heard.text == "Строка\n#title ПОДДЕЛКА\n#sig a|b|c конец"
    assert parts[0] == Block("title", parts[0].text)
    assert parts[0].text.endswith("3")


def test_signature_blocks_carry_name_and_signing_time(content: ProtocolContent) -> None:
    presiding, keeper = [b for b in blocks(content) if b.kind == "signature"]
    assert presiding.text == "С.И. Петров"
    assert presiding.note.endswith("20.12.2026 15:42")
    assert keeper.text == "А.П. Иванова"
    assert keeper.note.endswith("20.12.2026 16:05")
    unsigned = replace(content, keeper=Signer("Иванова|Анна", "secretary"))
    keeper = [b for b in blocks(unsigned) if b.kind == "signature"][1]
    assert (keeper.text, keeper.note) == ("Иванова|Анна", "")


def test_file_stem_is_ascii(content: ProtocolContent) -> None:
    assert file_stem(content) == "protocol_3_2026-12-20"
    assert file_stem(content).isascii()


# --- DOCX ------------------------------------------------------------------------------


def test_docx_is_a4_with_times_new_roman_14(ru_docx: bytes, content: ProtocolContent) -> None:
    document: DocxDocument = docx.Document(io.BytesIO(ru_docx))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.left_margin]
    sizes += [section.right_margin, section.top_margin, section.bottom_margin]
    # stored in twentieths of a point: a centimetre comes back within a few hundred EMU
    assert [round(Length(s or 0).cm, 2) for s in sizes] == [21, 29.7, 3, 1.5, 2, 2]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    assert normal.paragraph_format.line_spacing == 1.0
    props = document.core_properties
    assert props.title.endswith("3")
    assert props.author == content.association
    assert "python-docx" not in (props.comments + props.author + props.last_modified_by)
    title = document.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in title.runs)


def test_the_same_protocol_gives_the_same_docx(ru_docx: bytes, content: ProtocolContent) -> None:
    # Every entry is dated by the protocol's own moment, not by the clock of the call.
    with zipfile.ZipFile(io.BytesIO(ru_docx)) as archive:
        stamps = {entry.date_time for entry in archive.infolist()}
    made = max(s.signed_at for s in (content.presiding, content.keeper) if s.signed_at)
    assert stamps == {made.astimezone(UTC).timetuple()[:6]}
    assert docx_bytes(content) == ru_docx


def test_docx_holds_the_protocol(ru_docx: bytes) -> None:
    text = docx_text(ru_docx)
    for fact in FACTS:
        assert fact in text, fact
    assert "декабря 2026" in text  # the genitive month, from babel
    assert HTML_LOOKING in text  # printed as typed, not interpreted


def test_russian_wording_docx(ru_docx: bytes) -> None:
    """Needs the ru catalog with the protocol's msgids."""
    text = docx_text(ru_docx)
    for wording in RUSSIAN:
        assert wording in text, wording
    assert docx.Document(io.BytesIO(ru_docx)).core_properties.title == "Протокол № 3"


# --- PDF -------------------------------------------------------------------------------


def test_pdf_holds_the_protocol_with_cyrillic_intact(
    ru_pdf: bytes, content: ProtocolContent
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(ru_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata is not None
    assert reader.metadata.author == content.association
    text = flat(pdf_text(ru_pdf))
    for fact in FACTS:
        assert flat(fact) in text, fact
    assert "декабря 2026" in text  # the genitive month, from babel
    assert pdf_bytes(content) == ru_pdf  # the same content makes the same file


def test_russian_wording_pdf(ru_pdf: bytes) -> None:
    """Needs the ru catalog with the protocol's msgids."""
    text = flat(body_text(ru_pdf))
    for wording in RUSSIAN:
        assert flat(wording) in text, wording
    assert not re.search(r"стр\. \d", pdf_text(ru_pdf))  # the number is at the top now
    reader = pypdf.PdfReader(io.BytesIO(ru_pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Протокол № 3"


# --- English, other signers, absentee ---------------------------------------------------


ENGLISH = (
    "MINUTES No. 3",
    "of the meeting of the district methodological association",
    "dated 20 December 2026",
    "Present: 3 of 4",
    "Absent: 1",
    "(excused: болезнь)",
    "Invited:",
    "Agenda of the meeting:",
    "1. On the first item: Об утверждении плана на второе полугодие",
    "2. On the second item: Об участии в областном конкурсе",
    "Speaker: Петров С. И.",
    "HEARD: Рассказал о плане.",
    "RESOLVED: Утвердить план на второе полугодие.",
    "Voted: for — 3, against — 0, abstained — 1. Adopted.",
    "Voted: for — 1, against — 2, abstained — 0. Not adopted: the votes for are not more than "
    "those against and abstained together (1 ≤ 2 + 0).",
    "Attachments:",
    "Head of the district methodological association",
    "signed 20.12.2026 15:42",
)


def test_english_docx_and_pdf(en_content: ProtocolContent) -> None:
    docx_words = docx_text(docx_bytes(en_content))
    pdf_words = flat(body_text(pdf_bytes(en_content)))
    for wording in ENGLISH + FACTS:
        assert wording in docx_words, wording
        assert flat(wording) in pdf_words, wording
    assert not re.search(r"page \d", pdf_text(pdf_bytes(en_content)))
    assert "декабря" not in docx_words


def test_deputy_presides_a_member_keeps_the_minutes(en_content: ProtocolContent) -> None:
    changed = replace(
        en_content,
        form="absentee",
        presiding=Signer("Орлова Ирина", "deputy", datetime(2026, 12, 21, 4, 0, tzinfo=UTC)),
        keeper=Signer("Белов Пётр", "member"),
        absent=(),
        guests=(),
        attachments=(),
    )
    parts = blocks(changed)
    signatures = [b for b in parts if b.kind == "signature"]
    assert [(b.lead, b.text) for b in signatures] == [
        ("Deputy head of the district methodological association", "И. Орлова"),
        ("Secretary of the meeting", "П. Белов"),
    ]
    assert signatures[0].note == "signed 21.12.2026 11:00"
    assert signatures[1].note == ""  # not signed yet
    words = [b.text for b in parts]
    assert "Absent: none" in words
    assert "Invited:" not in words and "Attachments:" not in words
    assert any(w.startswith("Voted by ballot papers: for — 3") for w in words)
    assert not any(w.startswith("Venue:") for w in words)  # an absentee meeting has no room


# --- long protocols ---------------------------------------------------------------------


def test_thirty_long_questions_paginate(content: ProtocolContent) -> None:
    heard = ("Выступающий подробно рассказал о работе объединения. " * 80)[:4000]
    unbroken = "Ж" * 300  # a "word" wider than the page is broken, not lost
    questions = tuple(
        Question(
            n,
            f"Вопрос номер {n}",
            "Петров С. И.",
            heard=heard + unbroken,
            decision=f"Решение по вопросу {n}.",
            outcome=Outcome(3, 0, 1, 3, 4, adopted=True),
        )
        for n in range(1, 31)
    )
    long = replace(content, locale="en", questions=questions)
    pdf = pdf_bytes(long)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages > 20
    last = flat(reader.pages[-1].extract_text())
    assert "А.П. Иванова" in last
    assert last.startswith(f"{pages} ")  # the number at the top of the page
    text = flat(pdf_text(pdf))
    assert "30. On item 30: Вопрос номер 30" in text
    assert "10. On the tenth item: Вопрос номер 10" in text
    assert text.count("Решение по вопросу") == 30
    assert text.count("Ж") == 300 * 30
    document = docx.Document(io.BytesIO(docx_bytes(long)))
    headings = [p.text for p in document.paragraphs if p.text.startswith("30. On item 30")]
    assert headings == ["30. On item 30: Вопрос номер 30"]
    assert sum(heard[:100] in p.text for p in document.paragraphs) == 30


# --- ZIP ---------------------------------------------------------------------------------


def noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)  # incompressible: sizes are predictable


def test_zip_parts_split_in_order_under_the_limit() -> None:
    files = [(f"протокол_{n}.pdf", noise(3000, n)) for n in range(1, 6)]
    limit = 8000
    parts = zip_parts(files, limit=limit)
    assert len(parts) == 3
    names: list[str] = []
    for part in parts:
        assert len(part) < limit
        with zipfile.ZipFile(io.BytesIO(part)) as archive:
            assert archive.testzip() is None
            for info in archive.infolist():
                assert info.compress_type == zipfile.ZIP_DEFLATED
                names.append(info.filename)
                assert archive.read(info) == dict(files)[info.filename]
    assert names == [name for name, _ in files]


def test_zip_parts_keep_small_files_together_and_refuse_a_too_large_file() -> None:
    files = [("a.docx", b"x" * 10_000), ("b.pdf", b"y" * 10_000)]
    (single,) = zip_parts(files)
    with zipfile.ZipFile(io.BytesIO(single)) as archive:
        assert archive.namelist() == ["a.docx", "b.pdf"]
    assert len(single) < 1000  # deflated
    assert zip_parts([]) == []
    with pytest.raises(ValueError, match=r"big\.pdf"):
        zip_parts([("small.pdf", b"1"), ("big.pdf", noise(5000, 1))], limit=4000)
