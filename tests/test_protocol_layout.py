"""Russian paperwork conventions (ГОСТ Р 7.0.97 where it applies), read back from the files:
page numbers at the top centre from page two, a first-line indent of 1.25 cm, signatures on
one line and never alone on a page, the place under the title, «ВЫСТУПИЛИ» when typed, and
file names a secretary recognises."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Length

from documents.protocol import blocks, docx_bytes, file_stem, file_title, pdf_bytes
from services.protocol_content import Outcome, ProtocolContent, Question
from tests.test_protocol_documents import make_content


def long_content(questions: int = 3, lines: int = 60) -> ProtocolContent:
    heard = "\n".join(f"Строка доклада номер {n}." for n in range(lines))
    return make_content(
        questions=tuple(
            Question(
                n,
                f"Вопрос {n}",
                None,
                heard=heard,
                decision=f"Решение {n}.",
                outcome=Outcome(3, 0, 1, 3, 4, True),
            )
            for n in range(1, questions + 1)
        ),
        attachments=(),
    )


# --- DOCX ------------------------------------------------------------------------------


def test_docx_numbers_pages_at_the_top_from_page_two() -> None:
    document = docx.Document(io.BytesIO(docx_bytes(long_content())))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    fields = header._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
    assert header.alignment == 1  # centre
    first = section.first_page_header
    assert not first._element.findall(".//" + qn("w:fldSimple"))
    assert not "".join(p.text for p in first.paragraphs).strip()
    footer_fields = section.footer._element.findall(".//" + qn("w:fldSimple"))
    assert footer_fields == []  # no «стр. X из Y» any more


def test_docx_paragraphs_have_a_first_line_indent() -> None:
    document = docx.Document(io.BytesIO(docx_bytes(make_content())))
    heard = next(p for p in document.paragraphs if p.text.startswith("СЛУШАЛИ:"))
    topic = next(p for p in document.paragraphs if p.text.startswith("Тема:"))
    for paragraph in (heard, topic):
        indent = paragraph.paragraph_format.first_line_indent
        assert indent is not None and round(Length(indent).cm, 2) == 1.25
    title = document.paragraphs[0]
    assert not title.paragraph_format.first_line_indent


def test_docx_keeps_the_signatures_with_the_last_lines() -> None:
    document = docx.Document(io.BytesIO(docx_bytes(long_content())))
    body = document.element.body
    children = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    tables = [i for i, c in enumerate(children) if c.tag == qn("w:tbl")]
    first_sig = tables[0]

    def kept(element: object) -> bool:
        return bool(element.findall(".//" + qn("w:keepNext")))  # type: ignore[attr-defined]

    # The last text paragraph, the gaps and the first signature are chained to the next.
    last_text = max(i for i, c in enumerate(children[:first_sig]) if "".join(c.itertext()).strip())
    assert "Решение 3" in "".join(children[last_text].itertext()) or kept(children[last_text])
    for child in children[last_text : first_sig + 1]:
        assert kept(child)
    # Each signature is one row that never splits: position, a line, «И.О. Фамилия».
    for index in tables:
        rows = children[index].findall(qn("w:tr"))
        assert len(rows) == 1 and rows[0].findall(".//" + qn("w:cantSplit"))
    cells = [c.text for c in document.tables[0].rows[0].cells]
    assert cells[0] == "Руководитель РМО" and cells[2].startswith("С.И. Петров")


# --- PDF -------------------------------------------------------------------------------


def page_lines(data: bytes) -> list[list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [
        [ln.strip() for ln in page.extract_text().split("\n") if ln.strip()]
        for page in reader.pages
    ]


def test_pdf_has_no_number_on_page_one_and_numbers_the_others_at_the_top() -> None:
    data = pdf_bytes(long_content())
    pages = page_lines(data)
    assert len(pages) >= 3
    assert pages[0][0] == "ПРОТОКОЛ № 3"
    assert not any(line.isdigit() for line in pages[0])
    for number, lines in enumerate(pages[1:], start=2):
        assert lines[0] == str(number)
    # At the top centre: read the number's position back.
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip() == "2":
            found.append((tm[4], tm[5]))

    reader.pages[1].extract_text(visitor_text=visit)
    [(x, y)] = found
    height = float(reader.pages[1].mediabox.height)
    assert y > height - 20 / 25.4 * 72  # inside the top margin (2 cm)
    left, right = 30 / 25.4 * 72, (210 - 15) / 25.4 * 72
    assert abs(x - (left + right) / 2) < 12  # centred between the margins


@pytest.mark.parametrize("lines", range(20, 62))
def test_pdf_signatures_are_never_alone_on_a_page(lines: int) -> None:
    # Whichever line the text ends on, the last page holds text above the signatures.
    content = long_content(questions=1, lines=lines)
    pages = page_lines(pdf_bytes(content))
    last = pages[-1]
    assert "С.И. Петров" in " ".join(last) and "А.П. Иванова" in " ".join(last)
    signature_words = ("Руководитель РМО", "С.И. Петров", "Секретарь", "А.П. Иванова", "подписано")
    text = [
        line for line in last if not line.isdigit() and not any(w in line for w in signature_words)
    ]
    assert text, f"{lines}: the signatures alone on page {len(pages)}"


def test_pdf_signature_is_one_line() -> None:
    pages = page_lines(pdf_bytes(make_content()))
    assert any(line.startswith("Руководитель РМО С.И. Петров") for line in pages[-1])


# --- the place, the speaker, «ВЫСТУПИЛИ» ---------------------------------------------------


def test_place_under_the_title_when_known() -> None:
    words = [b.text for b in blocks(make_content(city="г. Тверь"))]
    assert words[words.index("от «20» декабря 2026 г.") + 1] == "г. Тверь"
    assert "г. Тверь" not in [b.text for b in blocks(make_content())]


def test_speaker_line_apart_and_spoke_block_when_typed() -> None:
    content = make_content().with_question(1, spoke="Петрова Н.С. предложила дополнить план.")
    parts = blocks(content)
    texts = [(b.lead, b.text) for b in parts]
    heard = texts.index(("СЛУШАЛИ:", texts[texts.index(("", "Докладчик: Петров С. И.")) + 1][1]))
    assert texts[heard + 1] == ("ВЫСТУПИЛИ:", "Петрова Н.С. предложила дополнить план.")
    second = [b for b in parts if b.lead == "ВЫСТУПИЛИ:"]
    assert len(second) == 1  # only where typed
    assert ProtocolContent.from_json(content.to_json()) == content


# --- file names ----------------------------------------------------------------------------


def test_file_title_is_what_a_secretary_files() -> None:
    content = make_content(association="РМО учителей математики")
    assert file_title(content) == "Протокол №3 от 20.12.2026 — РМО учителей математики"
    assert file_title(replace(content, locale="en")) == (
        "Minutes No.3 of 20.12.2026 — РМО учителей математики"
    )
    odd = file_title(replace(content, association='РМО "ИЗО/МХК": 5–9 кл.?'))
    assert odd == "Протокол №3 от 20.12.2026 — РМО ИЗО МХК 5–9 кл"
    long = file_title(replace(content, association="Объединение " * 40))
    assert len(long.encode()) <= 200 and not long.endswith(" ")
    assert file_stem(content) == "protocol_3_2026-12-20"  # the ASCII fallback (ZIP entries)


def test_pdf_the_longest_usual_signature_still_on_one_line() -> None:
    base = make_content(kind="council")
    content = replace(
        base,
        presiding=replace(
            base.presiding, title="deputy", name="Анна-Мария Петровна Иванова-Смирнова"
        ),
    )
    last = page_lines(pdf_bytes(content))[-1]
    assert "Заместитель председателя Совета А.-М.П. Иванова-Смирнова" in last
    assert "Ответственный секретарь А.П. Иванова" in last
