"""One look: the PDF and the charts draw with the shipped Liberation Serif (Times New Roman's
metrics, OFL, its license beside it), the DOCX names Times New Roman with it as the fallback;
nothing is borrowed from matplotlib's bundled DejaVu fonts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypdf
from matplotlib import font_manager

from documents import fonts
from documents.chart import bar_chart_png
from documents.protocol import docx_bytes, pdf_bytes
from tests.test_protocol_documents import make_content


def pdf_font_names(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    names: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        for font in resources["/Font"].get_object().values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_font_and_its_license_ship_with_the_project() -> None:
    for path in fonts.FILES.values():
        assert path.is_file() and path.stat().st_size > 100_000
        assert fonts.FONT_DIR in path.parents
    license_text = (fonts.FONT_DIR / "LICENSE").read_text()
    assert "SIL Open Font License" in license_text and "Liberation" in license_text


def test_pdf_uses_the_shipped_serif_at_the_docx_size() -> None:
    data = pdf_bytes(make_content())
    names = pdf_font_names(data)
    assert names, "no fonts read back"
    assert all("LiberationSerif" in name for name in names), names
    assert any(name.endswith("LiberationSerifBold") for name in names), names
    assert not any("DejaVu" in name for name in names)
    # 14 pt, as the DOCX: the text matrix's font size read back.
    sizes: set[float] = set()

    def visit(text: str, cm: object, tm: object, font: object, size: float) -> None:
        if text.strip():
            sizes.add(round(size))

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert 14 in sizes


def test_docx_names_times_new_roman_with_the_shipped_font_as_fallback() -> None:
    data = docx_bytes(make_content())
    document = docx.Document(io.BytesIO(data))
    assert document.styles["Normal"].font.name == "Times New Roman"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        table = archive.read("word/fontTable.xml").decode()
    start = table.index('<w:font w:name="Times New Roman">')
    entry = table[start : table.index("</w:font>", start)]
    assert '<w:altName w:val="Liberation Serif"/>' in entry
    assert entry.index("altName") < entry.index("panose1")  # the schema's order


def test_charts_draw_with_the_shipped_font() -> None:
    png = bar_chart_png("Вопрос", ["Да", "Нет"], [3, 1])
    assert png.startswith(b"\x89PNG")
    found = font_manager.findfont(
        font_manager.FontProperties(family=fonts.FAMILY), fallback_to_default=False
    )
    assert fonts.FONT_DIR.resolve() in Path(found).resolve().parents
