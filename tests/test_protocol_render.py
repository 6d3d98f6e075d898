"""A rendered page of the protocol compared against expected text positions (not pixels):
PDFium renders the PDF the bot sends (documents.preview, the README's picture) and reads its
text boxes back; the layout is checked in millimetres on the page and the ink is looked for
where the text says it is, and nowhere in the margins."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from documents.preview import DPI, SAMPLE, page_png
from documents.protocol import pdf_bytes
from tests.test_protocol_layout import long_content

pypdfium2 = pytest.importorskip("pypdfium2")
Image = pytest.importorskip("PIL.Image")

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, (210 - 15) * MM, 20 * MM, 20 * MM


def boxes(page: Any, needle: str) -> tuple[float, float, float, float]:
    """The box (left, bottom, right, top; points from the bottom left) of `needle`'s first
    occurrence on the page."""
    text = page.get_textpage()
    searcher = text.search(needle, match_case=True)
    found = searcher.get_next()
    assert found, f"{needle!r} not on the page"
    start, count = found
    chars = [text.get_charbox(i) for i in range(start, start + count)]
    return (
        min(c[0] for c in chars),
        min(c[1] for c in chars),
        max(c[2] for c in chars),
        max(c[3] for c in chars),
    )


def ink(image: Any, box: tuple[float, float, float, float]) -> int:
    """Dark pixels of the rendered page inside a box given in points."""
    scale = DPI / 72
    left, bottom, right, top = box
    height = image.height
    area = image.crop(
        (
            int(left * scale),
            int(height - top * scale),
            int(right * scale) + 1,
            int(height - bottom * scale) + 1,
        )
    )
    return sum(1 for value in area.get_flattened_data() if value < 128)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return pdf_bytes(SAMPLE)


def test_page_one_text_where_the_form_puts_it(sample_pdf: bytes) -> None:
    document = pypdfium2.PdfDocument(sample_pdf)
    page = document[0]
    assert (round(page.get_width()), round(page.get_height())) == (595, 842)
    image = Image.open(io.BytesIO(page_png(sample_pdf)))
    expected = (PAGE_W * DPI / 72, PAGE_H * DPI / 72)
    assert all(abs(got - want) <= 1 for got, want in zip(image.size, expected, strict=True))

    title = boxes(page, "ПРОТОКОЛ № 3")
    middle = (LEFT + RIGHT) / 2
    assert abs((title[0] + title[2]) / 2 - middle) < 2 * MM  # centred between the margins
    assert PAGE_H - TOP - 10 * MM < title[3] <= PAGE_H - TOP + 1  # on the first line
    place = boxes(page, "г. Артёмовский")
    assert place[3] < title[1] and abs((place[0] + place[2]) / 2 - middle) < 2 * MM
    topic = boxes(page, "Тема:")
    assert abs(topic[0] - (LEFT + 12.5 * MM)) < 1 * MM  # the 1.25 cm first-line indent
    quorum = boxes(page, "Присутствовали: 9 из 12")
    assert abs(quorum[0] - LEFT) < 1 * MM and quorum[3] < topic[1]
    heard = boxes(page, "СЛУШАЛИ:")
    assert abs(heard[0] - (LEFT + 12.5 * MM)) < 1 * MM

    # The ink is where the text is, and none is in the margins (no number on page one).
    for box in (title, place, topic, quorum, heard):
        assert ink(image, box) > 10
    scale = DPI / 72
    for margin in (
        (0, 0, image.width, int(TOP * scale) - 2),  # the top margin: no page number
        (0, 0, int(LEFT * scale) - 2, image.height),
        (int(RIGHT * scale) + 2, 0, image.width, image.height),
        (0, image.height - int(BOTTOM * scale) + 2, image.width, image.height),
    ):
        assert min(image.crop(margin).get_flattened_data()) > 200, margin
    document.close()


def test_page_two_numbered_at_the_top_centre() -> None:
    data = pdf_bytes(long_content())
    document = pypdfium2.PdfDocument(data)
    page = document[1]
    text = page.get_textpage()
    number = next(
        text.get_charbox(i)
        for i in range(text.count_chars())
        if text.get_text_range(i, 1) == "2" and text.get_charbox(i)[1] > PAGE_H - TOP
    )
    assert abs((number[0] + number[2]) / 2 - (LEFT + RIGHT) / 2) < 3 * MM
    image = Image.open(io.BytesIO(page_png(data, 1)))
    assert ink(image, number) > 3
    document.close()


def test_signatures_on_one_line_with_the_text_above_them(sample_pdf: bytes) -> None:
    document = pypdfium2.PdfDocument(sample_pdf)
    index = len(document) - 1
    page = document[index]
    signature = boxes(page, "Руководитель РМО")
    name = boxes(page, "Е.В. Смирнова")
    keeper = boxes(page, "М.П. Иванова")
    assert abs(signature[1] - name[1]) < 1  # position and name on one line
    assert abs(signature[0] - LEFT) < 1 * MM and name[2] <= RIGHT + 1
    assert keeper[3] < name[1]  # the secretary's below
    decision = boxes(page, "Утвердить график")  # the last text, on the same page, above
    assert decision[1] > signature[3]
    image = Image.open(io.BytesIO(page_png(sample_pdf, index)))
    for box in (signature, name, keeper, decision):
        assert ink(image, box) > 10
    document.close()


def test_the_readme_shows_page_one_next_to_the_form(sample_pdf: bytes) -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert '<img src="docs/protocol-page-1.png"' in readme
    assert "По первому вопросу\nРешили:" in readme  # the form beside it
    shipped = Image.open(root / "docs" / "protocol-page-1.png")
    made = Image.open(io.BytesIO(page_png(sample_pdf)))
    assert shipped.size == made.size  # `make preview` draws it from the same sample
